"""OIDC third-party login initiation (GET or POST), redirecting to the platform's auth endpoint."""

from __future__ import annotations

from typing import Any

from pylti1p3.contrib.flask import FlaskOIDCLogin, FlaskRequest
from sqlalchemy import Engine

from app.lti.cookies import PartitionedCookieService
from app.lti.storage import DbSessionService, purge_expired
from app.lti.tool_config import KursadminToolConf


def begin_login(request: FlaskRequest, tool_conf: KursadminToolConf, engine: Engine, launch_url: str) -> Any:
    """The redirect to the platform, with a state cookie set and the nonce recorded in the database."""
    purge_expired(engine)
    login = FlaskOIDCLogin(request, tool_conf, session_service=DbSessionService(request, engine),
                           cookie_service=PartitionedCookieService(request))
    return login.redirect(launch_url)

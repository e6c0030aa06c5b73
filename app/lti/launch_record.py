"""A validated launch, stored and bound to the browser that made it, for the tool's pages to read."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine

from app.lti.claims import LaunchClaims, parse_claims
from app.lti.launch import LAUNCH_LIFETIME, KursadminMessageLaunch
from app.store.clock import utcnow
from app.store.db import write_session
from app.store.lti_tables import LtiLaunchRow


def record_launch(engine: Engine, launch: KursadminMessageLaunch, institution_id: str, browser_key: str) -> str:
    """Store the launch (course, user, roles, locale) bound to the browser; returns its id."""
    claims: LaunchClaims = parse_claims(launch.body())
    now = utcnow()
    with write_session(engine) as session:
        session.add(
            LtiLaunchRow(
                launch_id=launch.get_launch_id(),
                institution_id=institution_id,
                issuer=launch.get_iss(),
                client_id=launch.get_client_id(),
                deployment_id=claims.deployment_id,
                placement=claims.placement,
                canvas_course_id=claims.canvas_course_id,
                canvas_course_sis_id=claims.canvas_course_sis_id,
                canvas_user_id=claims.canvas_user_id,
                is_root_admin=claims.is_root_admin,
                subject=claims.subject,
                user_name=claims.user_name,
                roles=list(claims.roles),
                locale=claims.locale,
                browser_key=browser_key,
                cookieless=launch.cookieless,
                created_at=now,
                expires_at=now + LAUNCH_LIFETIME,
            )
        )
    return launch.get_launch_id()


def new_browser_key() -> str:
    """A random key that binds launches to the browser session that made them."""
    return secrets.token_urlsafe(32)

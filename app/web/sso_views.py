"""The admin view outside Canvas, at /admin, for configured admins signed in by the institution's SSO.

The SSO proxy (Shibboleth, SATOSA) authenticates the person and passes their identity in a header on
every request; the header is believed only on connections from the configured proxy addresses, so
nobody who reaches the tool another way can claim an identity. No LTI launch is involved: each request
is judged on its own header, and the forms carry the session's CSRF token.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response  # what redirect() returns; flask.Response is one

from app.core.access import peer_is_trusted, sso_admin_of
from app.web.admin_page import Operator, perform, show
from app.web.current import app_config
from app.web.i18n import current_language

log = logging.getLogger(__name__)

bp = Blueprint("sso", __name__, url_prefix="/admin")


def socket_peer() -> str | None:
    """The address of the connection itself: ProxyFix, when configured, keeps it before rewriting REMOTE_ADDR."""
    original = request.environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR", request.environ.get("REMOTE_ADDR"))


def _signed_in() -> tuple[str, tuple[str, ...]]:
    """The SSO identity and the institutions it administers, or a 403 saying why not (errors.py's page)."""
    sso = app_config().sso
    if sso is None:
        abort(403, description="refused_sso_off")
    value = request.headers.get(sso.header)
    peer = socket_peer()
    if not peer_is_trusted(peer, sso.trusted_proxies):
        if value is not None:
            # The header's value is a person's identity and may be forged: the address is what to act on.
            log.warning("SSO header %s from %s ignored: not a configured proxy", sso.header, peer)
        abort(403, description="refused_sso_untrusted")
    identity = (value or "").strip()
    if not identity:
        abort(403, description="refused_sso_no_identity")
    institutions = sso_admin_of(identity, sso.admins)
    if not institutions:
        log.info("SSO identity from %s administers no institution: refused", peer)
        abort(403, description="refused_sso_not_admin")
    return identity, institutions


def _operator(institution_id: str) -> tuple[Operator, tuple[str, ...]]:
    identity, institutions = _signed_in()
    if institution_id not in institutions:
        abort(403, description="refused_sso_not_admin")

    def page_url(**query: Any) -> str:
        return url_for("sso.overview", institution_id=institution_id, **query)

    return (
        Operator(
            institution_id,
            f"sso:{identity}",
            identity,
            current_language(),
            page_url,
            lambda action: url_for("sso.act", institution_id=institution_id, action=action),
        ),
        institutions,
    )


@bp.get("")
def entry() -> Response:
    """The first institution the identity administers (the page links the others)."""
    _identity, institutions = _signed_in()
    return redirect(url_for("sso.overview", institution_id=institutions[0]), code=303)


@bp.get("/sso/<institution_id>")
def overview(institution_id: str) -> str:
    """The admin view of one institution the identity administers."""
    op, institutions = _operator(institution_id)
    return show(op, institutions=institutions)


@bp.post("/sso/<institution_id>/<action>")
def act(institution_id: str, action: str) -> Response:
    """One operator action on an institution the identity administers."""
    op, _institutions = _operator(institution_id)
    return perform(op, action)

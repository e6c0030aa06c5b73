"""Validating an LTI 1.3 launch with PyLTI1p3, its gaps closed, and recording it server-side."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
from pylti1p3.exception import LtiException
from sqlalchemy import Engine

from app.lti.claims import LaunchClaims, parse_claims
from app.lti.cookies import PartitionedCookieService
from app.lti.storage import DbLaunchDataStorage, DbSessionService, utcnow
from app.lti.tool_config import KursadminToolConf
from app.store.db import write_session
from app.store.lti_tables import LtiLaunchRow

# Canvas and the tool's clocks drift; PyLTI1p3 decodes with no leeway and rejects fresh tokens.
LEEWAY_SECONDS = 45
LAUNCH_LIFETIME = dt.timedelta(hours=8)
KEY_SET_CACHE_SECONDS = 300
KEY_SET_TIMEOUT_SECONDS = 10
KEY_SET_REFETCH_SECONDS = 60


class _TimeoutSession(requests.Session):
    """PyLTI1p3 fetches the platform's JWKS with no timeout; a hung platform would hang the worker."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send with a timeout unless one is given."""
        kwargs.setdefault("timeout", KEY_SET_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


class KursadminMessageLaunch(FlaskMessageLaunch):
    """PyLTI1p3's Flask launch with: state cookie required, signature before nonce, one-time nonces,
    clock-skew leeway, audience checked in the JWT itself, and `target_link_uri` pointing at us."""

    def __init__(self, request: FlaskRequest, tool_conf: KursadminToolConf, engine: Engine, launch_url: str) -> None:
        super().__init__(request, tool_conf, session_service=DbSessionService(request, engine),
                         cookie_service=PartitionedCookieService(request), requests_session=_TimeoutSession())
        self._launch_url = launch_url
        self.set_launch_id(uuid.uuid4().hex)
        # PyLTI1p3 keeps the id_token body (names, e-mail) a day by default; keep it no longer than the launch.
        self.set_launch_data_lifetime(int(LAUNCH_LIFETIME.total_seconds()))
        self.set_public_key_caching(DbLaunchDataStorage(engine), cache_lifetime=KEY_SET_CACHE_SECONDS)

    def get_public_key(self) -> tuple[str, str]:
        """The platform key named by the token's kid; an unknown kid refetches the key set (key rotation),
        at most once a minute per platform so forged kids cannot make us hammer its JWKS endpoint."""
        try:
            return super().get_public_key()
        except LtiException as err:
            cache = self._public_key_cache_data_storage
            if str(err) != "Unable to find public key" or self._registration is None or cache is None:
                raise
            url = self._registration.get_key_set_url() or ""
            cache_key = "key-set-url-" + hashlib.md5(url.encode()).hexdigest()  # noqa: S324 (PyLTI1p3's cache key)
            if cache.check_value("refetched-" + cache_key):
                raise
            cache.set_value("refetched-" + cache_key, True, KEY_SET_REFETCH_SECONDS)
        self._public_key_cache_data_storage = None
        self._registration.set_key_set(None)
        try:
            return super().get_public_key()
        finally:
            self._public_key_cache_data_storage = cache
            key_set = self._registration.get_key_set()
            if key_set:
                cache.set_value(cache_key, key_set, KEY_SET_CACHE_SECONDS)

    def validate(self) -> KursadminMessageLaunch:
        """Check every part of the launch; the nonce is consumed only once the signature is known good."""
        self._validated = True
        try:
            (self.validate_state().validate_jwt_format().validate_registration().validate_jwt_signature()
             .validate_nonce().validate_deployment().validate_message().validate_target_link_uri()
             .save_launch_data())
        except Exception:
            self._validated = False
            raise
        return self

    def validate_state(self) -> KursadminMessageLaunch:
        """The state must match the short-lived cookie set at login in this browser.

        PyLTI1p3 also accepts a state it has seen with the same id_token before (no cookie needed);
        we do not, so a captured form post cannot be replayed from another browser.
        """
        state = self._get_request_param("state")
        if not state:
            raise LtiException("Missing state parameter")
        if self._cookie_service.get_cookie(state) != state:
            raise LtiException("State cookie missing or different: the login did not start in this browser")
        return self

    def validate_jwt_signature(self) -> KursadminMessageLaunch:
        """Verify signature (RS256 only), audience, expiry and issue time, allowing LEEWAY_SECONDS of clock skew."""
        public_key, alg = self.get_public_key()
        if alg != "RS256":
            raise LtiException(f"id_token rejected: algorithm {alg} is not RS256")
        body = self._get_jwt_body()
        # OIDC Core 3.1.3.7: with several audiences, azp must name us.
        if isinstance(body.get("aud"), list) and len(body["aud"]) > 1 and body.get("azp") != self.get_client_id():
            raise LtiException("id_token rejected: several audiences and azp is not our client_id")
        try:
            jwt.decode(
                self._get_id_token(), public_key, algorithms=[alg], audience=self.get_client_id(),
                issuer=self.get_iss(), leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "aud", "iss"]},
            )
        except jwt.InvalidTokenError as err:
            raise LtiException(f"id_token rejected: {err}") from err
        return self

    def validate_nonce(self) -> KursadminMessageLaunch:
        """The nonce must be one we issued at login and not used before (no replay)."""
        nonce = self._get_jwt_body().get("nonce")
        if not nonce or not self._session_service.check_nonce(nonce):
            raise LtiException("Nonce unknown, expired or already used (replayed launch)")
        return self

    def validate_target_link_uri(self) -> KursadminMessageLaunch:
        """The launch must be meant for this tool's launch URL (host and path)."""
        target = self._get_jwt_body().get("https://purl.imsglobal.org/spec/lti/claim/target_link_uri") or ""
        want, got = urlsplit(self._launch_url), urlsplit(str(target))
        if (got.netloc, got.path.rstrip("/")) != (want.netloc, want.path.rstrip("/")):
            raise LtiException(f"target_link_uri {target!r} is not this tool's launch URL")
        return self

    def body(self) -> dict[str, Any]:
        """The validated id_token body."""
        return dict(self._get_jwt_body())


def record_launch(engine: Engine, launch: KursadminMessageLaunch, institution_id: str, browser_key: str) -> str:
    """Store the launch (course, user, roles, locale) bound to the browser; returns its id."""
    claims: LaunchClaims = parse_claims(launch.body())
    now = utcnow()
    with write_session(engine) as session:
        session.add(LtiLaunchRow(
            launch_id=launch.get_launch_id(), institution_id=institution_id, issuer=launch.get_iss(),
            client_id=launch.get_client_id(), deployment_id=claims.deployment_id, placement=claims.placement,
            canvas_course_id=claims.canvas_course_id, canvas_course_sis_id=claims.canvas_course_sis_id,
            canvas_user_id=claims.canvas_user_id, is_root_admin=claims.is_root_admin, subject=claims.subject,
            user_name=claims.user_name,
            roles=list(claims.roles), locale=claims.locale, browser_key=browser_key,
            created_at=now, expires_at=now + LAUNCH_LIFETIME,
        ))
    return launch.get_launch_id()


def new_browser_key() -> str:
    """A random key that binds launches to the browser session that made them."""
    return secrets.token_urlsafe(32)

"""Validating an LTI 1.3 launch with PyLTI1p3, its gaps closed, and recording it server-side."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
from pylti1p3.exception import LtiException
from sqlalchemy import Engine

from app.lti import refusals
from app.lti.claims import LTI
from app.lti.cookies import PartitionedCookieService
from app.lti.key_sets import key_set_cache_key, matching_key, valid_key_set
from app.lti.platform_storage import origin_of
from app.lti.refusals import Refusal, malformed
from app.lti.storage import DbLaunchDataStorage, DbSessionService, NonceCheck, consume_nonce
from app.lti.token_shape import check_shape, jwt_refusal
from app.lti.tool_config import KursadminToolConf

# Canvas and the tool's clocks drift; PyLTI1p3 decodes with no leeway and rejects fresh tokens.
LEEWAY_SECONDS = 45
LAUNCH_LIFETIME = dt.timedelta(hours=8)
KEY_SET_CACHE_SECONDS = 300
KEY_SET_TIMEOUT_SECONDS = 10
KEY_SET_REFETCH_SECONDS = 60
# The one message the tool answers; deep linking, submission review and the rest are not for it.
RESOURCE_LINK = "LtiResourceLinkRequest"


class _TimeoutSession(requests.Session):
    """PyLTI1p3 fetches the platform's JWKS with no timeout; a hung platform would hang the worker."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        """Send with a timeout unless one is given."""
        kwargs.setdefault("timeout", KEY_SET_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


class KursadminMessageLaunch(FlaskMessageLaunch):
    """PyLTI1p3's Flask launch with: the login state proven by cookie or platform storage and tied to the nonce,
    one-time nonces consumed last, malformed tokens and key sets refused, clock-skew leeway, audience checked in
    the JWT itself, only resource link launches, and `target_link_uri` pointing at us.

    Every refusal is a `Refusal` naming the user's message (PyLTI1p3's English texts go to the log only).
    """

    def __init__(
        self,
        request: FlaskRequest,
        tool_conf: KursadminToolConf,
        engine: Engine,
        launch_url: str,
        storage_proof: str | None = None,
    ) -> None:
        super().__init__(
            request,
            tool_conf,
            session_service=DbSessionService(request, engine),
            cookie_service=PartitionedCookieService(request),
            requests_session=_TimeoutSession(),
        )
        self._engine = engine
        self._launch_url = launch_url
        self._storage_proof = storage_proof
        self._key_sets = DbLaunchDataStorage(engine)
        self.set_launch_id(uuid.uuid4().hex)
        # PyLTI1p3 keeps the id_token body (names, e-mail) a day by default; keep it no longer than the launch.
        self.set_launch_data_lifetime(int(LAUNCH_LIFETIME.total_seconds()))

    @property
    def cookieless(self) -> bool:
        """Whether the login state came from the platform's storage rather than a cookie."""
        return self._storage_proof is not None

    def validate(self) -> KursadminMessageLaunch:
        """Check every part of the launch; the nonce is consumed only once everything else is known good."""
        self._validated = True
        try:
            (
                self.validate_jwt_format()
                .validate_registration()
                .validate_state()
                .validate_jwt_signature()
                .validate_message()
                .validate_deployment()
                .validate_target_link_uri()
                .validate_nonce()
                .save_launch_data()
            )
        except Exception:
            self._validated = False
            raise
        return self

    def platform_auth_origin(self) -> str:
        """The origin of the token's platform's OIDC endpoint (the platform storage's exact target origin).

        Reads only the unverified token's issuer and audience to find the registration: nothing is trusted yet.
        """
        self.set_auto_validation(enable=False)  # PyLTI1p3 would otherwise validate all on reading a claim
        self.validate_jwt_format().validate_registration()
        assert self._registration is not None
        return origin_of(self._registration.get_auth_login_url() or "")

    def _library_step(self, step: Callable[[], object], key: str, status: int = refusals.UNAUTHORIZED) -> None:
        try:
            step()
        except LtiException as err:
            raise Refusal(key, str(err), status) from err

    def validate_jwt_format(self) -> KursadminMessageLaunch:
        """Three base64url JSON parts, with claims of the types the later checks read (else a 400, not a 500)."""
        if not self._get_request_param("id_token"):
            raise malformed("no id_token in the launch")
        self._library_step(super().validate_jwt_format, refusals.TOKEN_MALFORMED, refusals.BAD_REQUEST)
        check_shape(self._jwt.get("header"), self._jwt.get("body"))
        return self

    def validate_registration(self) -> KursadminMessageLaunch:
        """A registration for the token's (issuer, client_id)."""
        self._library_step(super().validate_registration, refusals.UNKNOWN_PLATFORM)
        return self

    def validate_state(self) -> KursadminMessageLaunch:
        """The login's state is this browser's: by the short-lived cookie set at login, or by the platform-storage
        proof (checked with the nonce, which was issued with the state and the proof's hash).

        PyLTI1p3 also accepts a state it has seen with the same id_token before (no cookie needed);
        we do not, so a captured form post cannot be replayed from another browser.
        """
        if not self._get_request_param("state"):
            raise Refusal(refusals.STATE, "launch without state")
        if self._storage_proof is None and not self.state_cookie_present():
            raise Refusal(
                refusals.STATE,
                "no state cookie and no platform-storage proof: the login did not "
                "start in this browser, or its cookies are blocked",
            )
        return self

    def state_cookie_present(self) -> bool:
        """Whether this browser sent the state cookie its login set."""
        state = self._get_request_param("state")
        return bool(state) and self._cookie_service.get_cookie(state) == state

    def fetch_public_key(self, key_set_url: str) -> Any:
        """The platform's key set, cached only when it is a JSON object with a list of keys."""
        cache_key = key_set_cache_key(key_set_url)
        cached = self._key_sets.get_value(cache_key)
        if cached:
            return cached
        try:
            response = self._requests_session.get(key_set_url)
        except requests.RequestException as err:
            raise Refusal(refusals.KEY_SET, f"key set {key_set_url} unreachable: {err}") from err
        if response.status_code != 200:
            raise Refusal(refusals.KEY_SET, f"key set {key_set_url} answered {response.status_code}")
        try:
            key_set = response.json()
        except ValueError as err:
            raise Refusal(refusals.KEY_SET, f"key set {key_set_url} is not JSON") from err
        if not valid_key_set(key_set):
            raise Refusal(refusals.KEY_SET, f"key set {key_set_url} has no list of keys")
        self._key_sets.set_value(cache_key, key_set, KEY_SET_CACHE_SECONDS)
        return key_set

    def get_public_key(self) -> tuple[str, str]:
        """The platform key named by the token's kid; an unknown kid refetches the key set (key rotation),
        at most once a minute per platform so forged kids cannot make us hammer its JWKS endpoint."""
        assert self._registration is not None
        url = self._registration.get_key_set_url() or ""
        header = self._jwt["header"]
        kid, alg = header["kid"], header["alg"]
        found = matching_key(self.fetch_public_key(url), kid, alg)
        refetched = "refetched-" + key_set_cache_key(url)
        if found is None and not self._key_sets.check_value(refetched):
            self._key_sets.set_value(refetched, True, KEY_SET_REFETCH_SECONDS)
            self._key_sets.forget(key_set_cache_key(url))
            found = matching_key(self.fetch_public_key(url), kid, alg)
        if found is None:
            raise Refusal(refusals.UNKNOWN_KEY, f"no {alg} key with kid {kid!r} in {url}")
        return found, alg

    def validate_jwt_signature(self) -> KursadminMessageLaunch:
        """Verify signature (RS256 only), audience, expiry and issue time, allowing LEEWAY_SECONDS of clock skew."""
        public_key, alg = self.get_public_key()
        if alg != "RS256":
            raise Refusal(refusals.SIGNATURE, f"algorithm {alg} is not RS256")
        body = self._get_jwt_body()
        # OIDC Core 3.1.3.7: with several audiences, azp must name us.
        if isinstance(body.get("aud"), list) and len(body["aud"]) > 1 and body.get("azp") != self.get_client_id():
            raise Refusal(refusals.AUDIENCE, "several audiences and azp is not our client_id")
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[alg],
                audience=self.get_client_id(),
                issuer=self.get_iss(),
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "aud", "iss"]},
            )
        except jwt.InvalidTokenError as err:
            raise jwt_refusal(err) from err
        return self

    def validate_message(self) -> KursadminMessageLaunch:
        """Only a resource link launch, with the claims LTI 1.3 requires of it."""
        message_type = self._get_jwt_body().get(LTI + "message_type")
        if message_type != RESOURCE_LINK:
            raise Refusal(
                refusals.MESSAGE_TYPE, f"message type {message_type!r} is not {RESOURCE_LINK}", refusals.BAD_REQUEST
            )
        self._library_step(super().validate_message, refusals.MESSAGE_INVALID, refusals.BAD_REQUEST)
        return self

    def validate_deployment(self) -> KursadminMessageLaunch:
        """A deployment the registration accepts."""
        self._library_step(super().validate_deployment, refusals.DEPLOYMENT)
        return self

    def validate_target_link_uri(self) -> KursadminMessageLaunch:
        """The launch must be meant for this tool's launch URL (host and path)."""
        target = self._get_jwt_body().get(LTI + "target_link_uri") or ""
        want, got = urlsplit(self._launch_url), urlsplit(str(target))
        if (got.netloc, got.path.rstrip("/")) != (want.netloc, want.path.rstrip("/")):
            raise Refusal(refusals.TARGET, f"target_link_uri {target!r} is not this tool's launch URL")
        return self

    def validate_nonce(self) -> KursadminMessageLaunch:
        """The nonce must be one we issued to this browser's login state and not used before (no replay)."""
        nonce = self._get_jwt_body()["nonce"]
        state = self._get_request_param("state")
        check = consume_nonce(self._engine, nonce, state, self._storage_proof)
        if check is NonceCheck.OTHER_LOGIN:
            raise Refusal(refusals.STATE, "the nonce was issued to another login state (or another storage proof)")
        if check is not NonceCheck.CONSUMED:
            raise Refusal(refusals.NONCE, "nonce unknown, expired or already used (replayed launch)")
        return self

    def body(self) -> dict[str, Any]:
        """The validated id_token body."""
        return dict(self._get_jwt_body())

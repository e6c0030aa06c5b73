"""OIDC third-party login initiation (GET or POST): check the platform, issue state and nonce, say where to go next."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pylti1p3.contrib.flask import FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import OIDCException
from sqlalchemy import Engine

from app.lti import refusals
from app.lti.cookies import PartitionedCookieService
from app.lti.platform_storage import new_proof, origin_of, storage_key, storage_target
from app.lti.refusals import Refusal
from app.lti.storage import DbSessionService, purge_expired
from app.lti.tool_config import KursadminToolConf


@dataclass(frozen=True)
class LoginStart:
    """Where the browser goes next (the platform's OIDC endpoint) and what the login page must store first.

    `storage_target` is set when the platform offers platform storage: the page then puts `proof` under
    `storage_key` (target origin `auth_origin`) before it goes on. The state cookie is set either way.
    """

    auth_url: str
    auth_origin: str
    state: str
    storage_target: str | None
    proof: str | None
    cookies: PartitionedCookieService

    @property
    def storage_key(self) -> str:
        """The platform-storage key the proof is put under."""
        return storage_key(self.state)

    def set_cookies(self, response: Any) -> Any:
        """Add the state cookie to the response that carries the browser on."""
        self.cookies.update_response(response)
        return response


class _Login(FlaskOIDCLogin):
    """PyLTI1p3's login with the state and nonce chosen here, so the nonce is recorded with its state."""

    def __init__(
        self,
        request: FlaskRequest,
        tool_conf: KursadminToolConf,
        engine: Engine,
        cookies: PartitionedCookieService,
        proof: str | None,
    ) -> None:
        self._state_id = str(uuid.uuid4())
        self._nonce = uuid.uuid4().hex + uuid.uuid4().hex
        super().__init__(
            request,
            tool_conf,
            cookie_service=cookies,
            # typed FlaskSessionService there: an empty subclass of the SessionService ours is
            session_service=DbSessionService(
                request,
                engine,
                state=self.state,  # type: ignore[arg-type]
                proof=proof,
            ),
        )

    @property
    def state(self) -> str:
        """The state PyLTI1p3 sends to the platform and sets as a cookie ("state-" + our id)."""
        return "state-" + self._state_id

    def _get_uuid(self) -> str:
        return self._state_id

    def _generate_nonce(self) -> str:
        return self._nonce

    def auth_url(self, launch_url: str) -> str:
        """The platform's OIDC URL with state and nonce; issues the nonce and queues the state cookie."""
        return self._prepare_redirect_url(launch_url)


def begin_login(
    request: FlaskRequest, tool_conf: KursadminToolConf, engine: Engine, launch_url: str, offer_storage: bool
) -> LoginStart:
    """Check the login initiation and issue its state and nonce; raise Refusal when the platform is unknown.

    With `offer_storage` false (a login opened in a tab of its own) the platform's storage is not used.
    """
    iss, client_id = request.get_param("iss"), request.get_param("client_id")
    if not iss:
        raise Refusal(refusals.LOGIN_UNKNOWN_PLATFORM, "login initiation without iss", refusals.BAD_REQUEST)
    found = tool_conf.lookup(iss, client_id or "")
    if found is None:
        raise Refusal(
            refusals.LOGIN_UNKNOWN_PLATFORM,
            f"no registration for issuer {iss!r} and client_id {client_id!r}",
            refusals.BAD_REQUEST,
        )
    if not request.get_param("login_hint"):
        raise Refusal(refusals.LOGIN_INCOMPLETE, "login initiation without login_hint", refusals.BAD_REQUEST)
    purge_expired(engine)
    target = storage_target(request.get_param("lti_storage_target")) if offer_storage else None
    proof = new_proof() if target else None
    cookies = PartitionedCookieService(request)
    login = _Login(request, tool_conf, engine, cookies, proof)
    try:
        auth_url = login.auth_url(launch_url)
    except OIDCException as err:  # a registration that vanished between the look-up and now
        raise Refusal(refusals.LOGIN_UNKNOWN_PLATFORM, str(err), refusals.BAD_REQUEST) from err
    return LoginStart(
        auth_url=auth_url,
        auth_origin=origin_of(found[1].auth_login_url),
        state=login.state,
        storage_target=target,
        proof=proof,
        cookies=cookies,
    )

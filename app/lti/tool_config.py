"""PyLTI1p3 tool configuration read from our AppConfig: registrations per institution, deployments per registration."""

from __future__ import annotations

from typing import Any

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import Engine

from app.config import AppConfig, InstitutionConfig, LtiRegistration
from app.lti.keys import tool_key
from app.store.db import insert_for, write_session
from app.store.lti_tables import LtiDeploymentRow


class KursadminToolConf(ToolConfAbstract):
    """Registrations found by (issuer, client_id): Canvas cloud uses one issuer for every institution."""

    def __init__(self, config: AppConfig, engine: Engine) -> None:
        super().__init__()
        self._engine = engine
        self._by_key: dict[tuple[str, str], tuple[InstitutionConfig, LtiRegistration]] = {}
        for inst in config.institutions:
            for reg in inst.lti:
                self._by_key[(reg.issuer, reg.client_id)] = (inst, reg)

    def check_iss_has_one_client(self, iss: str) -> bool:
        """Never: PyLTI1p3 would otherwise look up an unknown issuer by issuer alone."""
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        """Always: registrations are keyed by (issuer, client_id)."""
        return True

    def lookup(self, iss: str, client_id: str) -> tuple[InstitutionConfig, LtiRegistration] | None:
        """The institution and registration of an (issuer, client_id), or None."""
        return self._by_key.get((iss, client_id))

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        """Not supported: every issuer may have several client ids (see `check_iss_has_one_client`)."""
        raise NotImplementedError("registrations are found by issuer and client_id")

    # PyLTI1p3 declares Registration but checks for None ("Registration not found"), as its own ToolConfDict returns.
    def find_registration_by_params(  # type: ignore[override]
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration | None:
        """The PyLTI1p3 Registration for (iss, client_id), or None when not configured."""
        found = self.lookup(iss, client_id)
        if found is None:
            return None
        _, reg = found
        key = tool_key(self._engine)
        return (
            Registration()
            .set_issuer(reg.issuer)
            .set_client_id(reg.client_id)
            .set_auth_login_url(reg.auth_login_url)
            .set_auth_token_url(reg.auth_token_url)
            .set_key_set_url(reg.key_set_url)
            .set_tool_private_key(key.private_pem)
        )

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        """Not supported: deployments belong to a registration (issuer and client_id)."""
        raise NotImplementedError("deployments are found by issuer, client_id and deployment_id")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        """A listed deployment; with an empty list in the config, any deployment, recorded on first sight."""
        found = self.lookup(iss, client_id)
        if found is None or not deployment_id:
            return None
        inst, reg = found
        if reg.deployment_ids and deployment_id not in reg.deployment_ids:
            return None
        if not reg.deployment_ids:
            with write_session(self._engine) as session:
                stmt = insert_for(session.get_bind().dialect.name)(LtiDeploymentRow).values(
                    issuer=iss, client_id=client_id, deployment_id=deployment_id, institution_id=inst.id
                )
                session.execute(stmt.on_conflict_do_nothing())
        return Deployment().set_deployment_id(deployment_id)

"""The TOML configuration file (docs/rules.md §6), validated into typed settings with one message per problem."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.safeguards import SafetyLimits
from app.core.settings import InstitutionSettings
from app.monitoring_config import HealthConfig, LoggingConfig

DEFAULT_DATABASE_URL = "sqlite:///kursadmin.db"
DEFAULT_LEASE_SECONDS = 60.0


class ConfigError(Exception):
    """The configuration cannot be used; `problems` holds one line per problem, each naming its key."""

    def __init__(self, problems: list[str]):
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


class StrictModel(BaseModel):
    """A table of the file: unknown keys refused, values not coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class LtiRegistration(StrictModel):
    """One LTI 1.3 registration (a Canvas developer key) of an institution."""

    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: tuple[str, ...] = ()


class MailConfig(StrictModel):
    """The `[mail]` table: where status reports go, over SMTP, and how often.

    `starttls` upgrades a plain connection (port 587 or 25); `implicit_tls` speaks TLS from the first byte
    (SMTPS, port 465). Either way the server's certificate is verified against the system's CAs.
    """

    smtp_host: str
    smtp_port: int | None = Field(None, ge=1, le=65535)
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    implicit_tls: bool = False
    username: str | None = None
    password: str | None = None
    every_minutes: int = Field(60, ge=1)

    @property
    def port(self) -> int:
        """`smtp_port`, else SMTPS's 465 with `implicit_tls` and SMTP's 25 without."""
        return self.smtp_port or (465 if self.implicit_tls else 25)

    def problems(self) -> list[tuple[str, str]]:
        """The cross-rules this combination breaks, as (key, message) pairs."""
        found: list[tuple[str, str]] = []
        if self.starttls and self.implicit_tls:
            found.append(("implicit_tls", "choose starttls or implicit_tls, not both"))
        if self.password and not (self.starttls or self.implicit_tls):
            found.append(("password", "would be sent in the clear: set starttls or implicit_tls"))
        if bool(self.username) != bool(self.password):
            found.append(("username" if self.password else "password", "username and password go together"))
        return found


class WorkerConfig(StrictModel):
    """The `[worker]` table: how every `kursadmin worker` that reads this file holds its keys."""

    lease_seconds: float = Field(DEFAULT_LEASE_SECONDS, gt=0)


class InstitutionConfig(StrictModel):
    """One institution (lärosäte): its Ladok feed, its Canvas and its settings."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    ladok_larosate_id: int
    ladok_url: str
    ladok_feed_path: str = "handelser/feed"  # older hosts: "uppfoljning/feed"
    ladok_cert: str | None = None
    ladok_cert_password: str | None = None
    ladok_start_page: int | None = Field(None, ge=1)
    canvas_url: str
    canvas_token: str
    canvas_root_account_id: int = 1
    settings: InstitutionSettings = InstitutionSettings()
    safeguards: SafetyLimits = SafetyLimits()
    lti: tuple[LtiRegistration, ...] = ()
    # Canvas users who are the institution's admins in the tool besides root-account admins (docs/rules.md §7).
    canvas_admin_user_ids: tuple[int, ...] = ()


class SsoConfig(StrictModel):
    """`[web.sso]`: admin access outside Canvas through the institution's SSO proxy (docs/rules.md §7).

    `header` is the request header the proxy sets (e.g. Shibboleth's or SATOSA's `eppn`); it is believed
    only on connections from `trusted_proxies` (addresses or networks); `admins` maps an SSO identity to
    the institutions it administers.
    """

    header: str
    trusted_proxies: tuple[str, ...] = Field(min_length=1)
    admins: dict[str, tuple[str, ...]]

    @field_validator("header")
    @classmethod
    def _header_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9-]{1,64}", value):
            raise ValueError("must be a header name: letters, digits and '-' (e.g. \"eppn\")")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for proxy in value:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an IP address or network") from None
        return value


@dataclass(frozen=True)
class AppConfig:
    """Everything the application reads from its configuration file and environment."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    institutions: tuple[InstitutionConfig, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    mail: MailConfig | None = None
    worker: WorkerConfig = field(default_factory=WorkerConfig)
    sso: SsoConfig | None = None
    health: HealthConfig = field(default_factory=HealthConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)

    def institution(self, institution_id: str) -> InstitutionConfig:
        """The institution with this id, or a ConfigError naming the known ones."""
        for inst in self.institutions:
            if inst.id == institution_id:
                return inst
        known = ", ".join(i.id for i in self.institutions) or "none configured"
        raise ConfigError([f"institution {institution_id!r} is not configured (known: {known})"])

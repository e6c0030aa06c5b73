"""The TOML configuration file (docs/rules.md §6), validated into typed settings with one message per problem."""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.core.origins import in_clear_over_the_network
from app.core.safeguards import SafetyLimits
from app.core.settings import SEED_KEYS, InstitutionSettings, attr_name
from app.monitoring_config import HealthConfig, LoggingConfig

DEFAULT_DATABASE_URL = "sqlite:///kursadmin.db"
DEFAULT_LEASE_SECONDS = 60.0


class ConfigError(Exception):
    """The configuration cannot be used; `problems` holds one line per problem, each naming its key."""

    def __init__(self, problems: list[str]):
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class LtiRegistration(_Strict):
    """One LTI 1.3 registration (a Canvas developer key) of an institution."""

    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: tuple[str, ...] = ()


class MailConfig(_Strict):
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


class WorkerConfig(_Strict):
    """The `[worker]` table: how every `kursadmin worker` that reads this file holds its keys."""

    lease_seconds: float = Field(DEFAULT_LEASE_SECONDS, gt=0)


_LIMITS = SafetyLimits()


class _SafeguardsModel(_Strict):
    safety_filter: bool = _LIMITS.safety_filter
    max_removals_per_hour: int = Field(_LIMITS.max_removals_per_hour, ge=0)
    max_course_fraction: float = Field(_LIMITS.max_course_fraction, gt=0, le=1)


class _SettingsModel(_Strict):
    use_as_login_id: str = "ladokuid"
    update_email_from_ladok: bool = True
    update_name_from_ladok: bool = True
    update_ssn_from_ladok: bool = False
    use_subaccounts_for_program_and_courses: bool = False
    sub_account_new_organisations: int = Field(1, ge=1)
    course_name_format: int = Field(1, ge=1, le=4)
    use_admitted: bool = False
    role_id_registered: int | None = Field(None, ge=1)
    role_id_admitted: int | None = Field(None, ge=1)
    update_course_from_ladok: bool = True
    early_access_on_create_course: bool = False
    early_access_disable_purge: bool = False
    use_restrictions: bool = False
    restrictions_send_message_to_teachers: bool = False
    education_type_ignore_list: tuple[int, ...] = ()
    use_concluded: bool = False
    enrollments_other_sections: bool = False

    @field_validator("use_as_login_id")
    @classmethod
    def _login_kind(cls, value: str) -> str:
        if value not in ("ssn", "ladokuid"):
            raise ValueError('must be "ssn" or "ladokuid"')
        return value


class InstitutionConfig(_Strict):
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


class SsoConfig(_Strict):
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


class _FileModel(_Strict):
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    mail: MailConfig | None = None
    worker: WorkerConfig = WorkerConfig()
    health: HealthConfig = HealthConfig()
    logging: LoggingConfig = LoggingConfig()
    institution: tuple[dict[str, Any], ...] = ()


WEB_TABLE = "web"
"""Read by the web layer (`app/web/settings.py`), checked here with the rest of the file."""


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


def _resolve_secret(value: Any, key: str, env: Mapping[str, str], problems: list[str]) -> Any:
    if isinstance(value, str) and value.startswith("env:"):
        name = value[4:]
        if name not in env:
            problems.append(f"{key}: environment variable {name} is not set")
            return ""
        return env[name]
    return value


def _format_error(prefix: str, err: ValidationError, names: Mapping[str, str]) -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(names.get(str(p), str(p)) for p in e["loc"])
        msg = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
        out.append(f"{prefix}{loc}: {msg}")
    return out


def _known_keys(raw: Mapping[str, Any], known: Collection[str], prefix: str, table: str,
                problems: list[str]) -> dict[str, Any]:
    """`raw` without the keys its table does not have; each of those is a problem naming key and table.

    A misspelt key must stop start-up: left out, its setting would silently keep its default.
    """
    kept = {}
    for key, value in raw.items():
        if key in known:
            kept[key] = value
            continue
        close = difflib.get_close_matches(key, list(known), n=1)
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
        problems.append(f"{prefix}{key}: unknown key in {table} ({hint})")
    return kept


def _table(raw: Any, key: str, problems: list[str]) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        return dict(_tuples(raw))
    problems.append(f"{key}: must be a table")
    return None


def _settings(raw: Any, prefix: str, problems: list[str]) -> InstitutionSettings | None:
    raw = _table(raw, prefix, problems)
    if raw is None:
        return None
    before = len(problems)
    attrs = {attr_name(k): v for k, v in
             _known_keys(raw, SEED_KEYS, prefix + ".", "[institution.settings]", problems).items()}
    unknown = len(problems) > before
    try:
        model = _SettingsModel(**attrs)
        valid = True
    except ValidationError as err:
        problems.extend(_format_error(prefix + ".", err, {attr_name(k): k for k in SEED_KEYS}))
        # Check the cross-rules on the keys that were valid, so every problem is reported at once.
        bad = {e["loc"][0] for e in err.errors()}
        model = _SettingsModel(**{k: v for k, v in attrs.items() if k not in bad})
        valid = False
    settings = InstitutionSettings(**model.model_dump())
    problems.extend(f"{prefix}.{key}: {msg}" for key, msg in settings.problems())
    return settings if valid and not unknown else None


def _safeguards(raw: Any, prefix: str, problems: list[str]) -> SafetyLimits | None:
    raw = _table(raw, prefix, problems)
    if raw is None:
        return None
    before = len(problems)
    raw = _known_keys(raw, _SafeguardsModel.model_fields, prefix + ".", "[institution.safeguards]", problems)
    try:
        model = _SafeguardsModel(**raw)
    except ValidationError as err:
        problems.extend(_format_error(prefix + ".", err, {}))
        return None
    return SafetyLimits(**model.model_dump()) if len(problems) == before else None


def _tuples(value: Any) -> Any:
    """TOML arrays as tuples, so the strict frozen models accept them."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _lti(raw: Any, prefix: str, problems: list[str]) -> tuple[Any, ...]:
    """The `[[institution.lti]]` tables with their unknown keys reported (each then checked by the model)."""
    if not isinstance(raw, tuple):
        return raw
    return tuple(_known_keys(reg, LtiRegistration.model_fields, f"{prefix}[{i}].", "[[institution.lti]]", problems)
                 if isinstance(reg, dict) else reg for i, reg in enumerate(raw))


def _institution(
    raw: dict[str, Any], index: int, env: Mapping[str, str], problems: list[str]
) -> InstitutionConfig | None:
    prefix = f"institution[{raw.get('id', index)}]"
    before = len(problems)
    raw = _known_keys(_tuples(raw), InstitutionConfig.model_fields, prefix + ".", "[[institution]]", problems)
    for key in ("canvas_token", "ladok_cert_password"):
        if key in raw:
            raw[key] = _resolve_secret(raw[key], f"{prefix}.{key}", env, problems)
    settings = _settings(raw.pop("settings", {}), f"{prefix}.settings", problems)
    safeguards = _safeguards(raw.pop("safeguards", {}), f"{prefix}.safeguards", problems)
    if "lti" in raw:
        raw["lti"] = _lti(raw["lti"], f"{prefix}.lti", problems)
    try:
        inst = InstitutionConfig(**raw, settings=settings or InstitutionSettings(),
                                 safeguards=safeguards or SafetyLimits())
    except ValidationError as err:
        problems.extend(_format_error(prefix + ".", err, {}))
        return None
    if in_clear_over_the_network(inst.canvas_url):
        problems.append(f"{prefix}.canvas_url: must be https:// (the token would cross the network in clear); "
                        "plain http only to this machine")
    return inst if len(problems) == before else None


def _web(raw: Any, problems: list[str]) -> None:
    """Check the `[web]` table now, so a mistake in it stops every command, not only the web side's start."""
    from app.web.settings import web_settings  # the web layer owns its table; imported only when there is one

    try:
        web_settings({WEB_TABLE: raw})
    except (ValueError, TypeError) as err:
        problems.append(str(err))


def parse_config(data: Mapping[str, Any], env: Mapping[str, str] | None = None) -> AppConfig:
    """Validate a parsed TOML document; raise ConfigError listing every problem."""
    env = os.environ if env is None else env
    problems: list[str] = []
    top = _known_keys(data, [*_FileModel.model_fields, WEB_TABLE], "", "the top level of the file", problems)
    extra = {WEB_TABLE: top.pop(WEB_TABLE)} if WEB_TABLE in top else {}
    if extra:
        _web(extra[WEB_TABLE], problems)
    top["secret_key"] = _resolve_secret(top.get("secret_key"), "secret_key", env, problems)
    top["institution"] = _tuples(top.get("institution", ()))
    if isinstance(top.get("mail"), dict):
        mail = _known_keys(_tuples(top["mail"]), MailConfig.model_fields, "mail.", "[mail]", problems)
        if "password" in mail:
            mail["password"] = _resolve_secret(mail["password"], "mail.password", env, problems)
        top["mail"] = mail
    for name, model_class in (("worker", WorkerConfig), ("health", HealthConfig), ("logging", LoggingConfig)):
        if isinstance(top.get(name), dict):
            top[name] = _known_keys(top[name], model_class.model_fields, f"{name}.", f"[{name}]", problems)
    try:
        model = _FileModel(**top)
    except ValidationError as err:
        raise ConfigError([*problems, *_format_error("", err, {})]) from None
    if model.mail is not None:
        problems.extend(f"mail.{key}: {msg}" for key, msg in model.mail.problems())
    institutions = []
    for i, raw in enumerate(model.institution):
        inst = _institution(raw, i, env, problems)
        if inst is not None:
            institutions.append(inst)
    ids = [i.id for i in institutions]
    problems.extend(f"institution[{d}].id: used twice" for d in sorted({i for i in ids if ids.count(i) > 1}))
    sso = _sso(extra.get("web"), set(ids), problems)
    if problems:
        raise ConfigError(problems)
    database_url = env.get("KURSADMIN_DATABASE_URL") or model.database_url
    return AppConfig(database_url, model.secret_key, tuple(institutions), extra, model.mail, model.worker, sso,
                     model.health, model.logging)


def _sso(web: Any, institution_ids: set[str], problems: list[str]) -> SsoConfig | None:
    raw = web.get("sso") if isinstance(web, dict) else None
    if raw is None:
        return None
    try:
        sso = SsoConfig.model_validate(_tuples(raw))
    except ValidationError as err:
        problems.extend(_format_error("web.sso.", err, {}))
        return None
    problems.extend(f"web.sso.admins.{name}: institution {inst!r} is not configured"
                    for name, insts in sso.admins.items() for inst in insts if inst not in institution_ids)
    return sso


def load_config(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> AppConfig:
    """Read the file named by `path` or KURSADMIN_CONFIG; with neither, defaults (SQLite, no institutions)."""
    env = os.environ if env is None else env
    path = path or env.get("KURSADMIN_CONFIG")
    if not path:
        return parse_config({}, env)
    try:
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError([f"KURSADMIN_CONFIG: file {path} does not exist"]) from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError([f"{path}: not valid TOML: {err}"]) from None
    return parse_config(data, env)

"""The TOML configuration file (docs/rules.md §6), validated into typed settings with one message per problem."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.core.settings import SEED_KEYS, InstitutionSettings, attr_name

DEFAULT_DATABASE_URL = "sqlite:///kursadmin.db"


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
    """The `[mail]` table: where status reports go, over SMTP, and how often."""

    smtp_host: str
    smtp_port: int = 25
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    every_minutes: int = Field(60, ge=1)


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
    institution: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class AppConfig:
    """Everything the application reads from its configuration file and environment."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    institutions: tuple[InstitutionConfig, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    mail: MailConfig | None = None
    sso: SsoConfig | None = None

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


def _settings(raw: Any, prefix: str, problems: list[str]) -> InstitutionSettings | None:
    raw = dict(_tuples(raw)) if isinstance(raw, dict) else raw
    if not isinstance(raw, dict):
        problems.append(f"{prefix}: must be a table")
        return None
    unknown = [k for k in raw if k not in SEED_KEYS]
    problems.extend(f"{prefix}.{k}: unknown setting (known: {', '.join(SEED_KEYS)})" for k in unknown)
    attrs = {attr_name(k): v for k, v in raw.items() if k in SEED_KEYS}
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


def _tuples(value: Any) -> Any:
    """TOML arrays as tuples, so the strict frozen models accept them."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _institution(
    raw: dict[str, Any], index: int, env: Mapping[str, str], problems: list[str]
) -> InstitutionConfig | None:
    prefix = f"institution[{raw.get('id', index)}]"
    raw = _tuples(raw)
    for key in ("canvas_token", "ladok_cert_password"):
        if key in raw:
            raw[key] = _resolve_secret(raw[key], f"{prefix}.{key}", env, problems)
    settings = _settings(raw.pop("settings", {}), f"{prefix}.settings", problems)
    try:
        inst = InstitutionConfig(**raw, settings=settings or InstitutionSettings())
    except ValidationError as err:
        problems.extend(_format_error(prefix + ".", err, {}))
        return None
    return inst if settings is not None else None


def parse_config(data: Mapping[str, Any], env: Mapping[str, str] | None = None) -> AppConfig:
    """Validate a parsed TOML document; raise ConfigError listing every problem."""
    env = os.environ if env is None else env
    problems: list[str] = []
    top = {k: v for k, v in data.items() if k in ("database_url", "secret_key", "mail", "institution")}
    extra = {k: v for k, v in data.items() if k not in top}
    top["secret_key"] = _resolve_secret(top.get("secret_key"), "secret_key", env, problems)
    top["institution"] = _tuples(top.get("institution", ()))
    if isinstance(top.get("mail"), dict):
        mail = _tuples(top["mail"])
        if "password" in mail:
            mail["password"] = _resolve_secret(mail["password"], "mail.password", env, problems)
        top["mail"] = mail
    try:
        model = _FileModel(**top)
    except ValidationError as err:
        raise ConfigError(_format_error("", err, {})) from None
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
    return AppConfig(database_url, model.secret_key, tuple(institutions), extra, model.mail, sso)


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

"""Reading the configuration file (docs/rules.md §6): TOML and the environment → AppConfig, one message a problem."""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from app.config import (
    DEFAULT_DATABASE_URL,
    AppConfig,
    ConfigError,
    InstitutionConfig,
    LtiRegistration,
    MailConfig,
    SsoConfig,
    StrictModel,
    WorkerConfig,
)
from app.core.origins import in_clear_over_the_network
from app.core.safeguards import SafetyLimits
from app.core.settings import SEED_KEYS, InstitutionSettings, attr_name
from app.monitoring_config import HealthConfig, LoggingConfig

_LIMITS = SafetyLimits()


class _SafeguardsModel(StrictModel):
    safety_filter: bool = _LIMITS.safety_filter
    max_removals_per_hour: int = Field(_LIMITS.max_removals_per_hour, ge=0)
    max_course_fraction: float = Field(_LIMITS.max_course_fraction, gt=0, le=1)


_SEED = InstitutionSettings()


class _SettingsModel(StrictModel):
    """The seed's switches as the file spells them: defaults from app.core.settings, bounds added here."""

    use_as_login_id: str = _SEED.use_as_login_id
    update_email_from_ladok: bool = _SEED.update_email_from_ladok
    update_name_from_ladok: bool = _SEED.update_name_from_ladok
    update_ssn_from_ladok: bool = _SEED.update_ssn_from_ladok
    use_subaccounts_for_program_and_courses: bool = _SEED.use_subaccounts_for_program_and_courses
    sub_account_new_organisations: int = Field(_SEED.sub_account_new_organisations, ge=1)
    course_name_format: int = Field(_SEED.course_name_format, ge=1, le=4)
    use_admitted: bool = _SEED.use_admitted
    role_id_registered: int | None = Field(_SEED.role_id_registered, ge=1)
    role_id_admitted: int | None = Field(_SEED.role_id_admitted, ge=1)
    update_course_from_ladok: bool = _SEED.update_course_from_ladok
    early_access_on_create_course: bool = _SEED.early_access_on_create_course
    early_access_disable_purge: bool = _SEED.early_access_disable_purge
    use_restrictions: bool = _SEED.use_restrictions
    restrictions_send_message_to_teachers: bool = _SEED.restrictions_send_message_to_teachers
    education_type_ignore_list: tuple[int, ...] = _SEED.education_type_ignore_list
    use_concluded: bool = _SEED.use_concluded
    enrollments_other_sections: bool = _SEED.enrollments_other_sections

    @field_validator("use_as_login_id")
    @classmethod
    def _login_kind(cls, value: str) -> str:
        if value not in ("ssn", "ladokuid"):
            raise ValueError('must be "ssn" or "ladokuid"')
        return value


class _FileModel(StrictModel):
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    mail: MailConfig | None = None
    worker: WorkerConfig = WorkerConfig()
    health: HealthConfig = HealthConfig()
    logging: LoggingConfig = LoggingConfig()
    institution: tuple[dict[str, Any], ...] = ()


WEB_TABLE = "web"
"""Read by the web layer (`app/web/settings.py`), checked here with the rest of the file."""


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


def _known_keys(
    raw: Mapping[str, Any], known: Collection[str], prefix: str, table: str, problems: list[str]
) -> dict[str, Any]:
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
    attrs = {
        attr_name(k): v
        for k, v in _known_keys(raw, SEED_KEYS, prefix + ".", "[institution.settings]", problems).items()
    }
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
    return tuple(
        _known_keys(reg, LtiRegistration.model_fields, f"{prefix}[{i}].", "[[institution.lti]]", problems)
        if isinstance(reg, dict)
        else reg
        for i, reg in enumerate(raw)
    )


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
        inst = InstitutionConfig(
            **raw, settings=settings or InstitutionSettings(), safeguards=safeguards or SafetyLimits()
        )
    except ValidationError as err:
        problems.extend(_format_error(prefix + ".", err, {}))
        return None
    if in_clear_over_the_network(inst.canvas_url):
        problems.append(
            f"{prefix}.canvas_url: must be https:// (the token would cross the network in clear); "
            "plain http only to this machine"
        )
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
    return AppConfig(
        database_url,
        model.secret_key,
        tuple(institutions),
        extra,
        model.mail,
        model.worker,
        sso,
        model.health,
        model.logging,
    )


def _sso(web: Any, institution_ids: set[str], problems: list[str]) -> SsoConfig | None:
    raw = web.get("sso") if isinstance(web, dict) else None
    if raw is None:
        return None
    try:
        sso = SsoConfig.model_validate(_tuples(raw))
    except ValidationError as err:
        problems.extend(_format_error("web.sso.", err, {}))
        return None
    problems.extend(
        f"web.sso.admins.{name}: institution {inst!r} is not configured"
        for name, insts in sso.admins.items()
        for inst in insts
        if inst not in institution_ids
    )
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

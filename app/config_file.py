"""Reading the configuration file (docs/rules.md §6): TOML and the environment → AppConfig, one message a problem."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.config import DEFAULT_DATABASE_URL, AppConfig, ConfigError, MailConfig, SsoConfig, StrictModel, WorkerConfig
from app.config_institution import institution_config
from app.config_problems import as_tuples, format_error, known_keys, resolve_secret
from app.monitoring_config import HealthConfig, LoggingConfig


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
    top = known_keys(data, [*_FileModel.model_fields, WEB_TABLE], "", "the top level of the file", problems)
    extra = {WEB_TABLE: top.pop(WEB_TABLE)} if WEB_TABLE in top else {}
    if extra:
        _web(extra[WEB_TABLE], problems)
    top["secret_key"] = resolve_secret(top.get("secret_key"), "secret_key", env, problems)
    top["institution"] = as_tuples(top.get("institution", ()))
    if isinstance(top.get("mail"), dict):
        mail = known_keys(as_tuples(top["mail"]), MailConfig.model_fields, "mail.", "[mail]", problems)
        if "password" in mail:
            mail["password"] = resolve_secret(mail["password"], "mail.password", env, problems)
        top["mail"] = mail
    for name, model_class in (("worker", WorkerConfig), ("health", HealthConfig), ("logging", LoggingConfig)):
        if isinstance(top.get(name), dict):
            top[name] = known_keys(top[name], model_class.model_fields, f"{name}.", f"[{name}]", problems)
    try:
        model = _FileModel(**top)
    except ValidationError as err:
        raise ConfigError([*problems, *format_error("", err, {})]) from None
    if model.mail is not None:
        problems.extend(f"mail.{key}: {msg}" for key, msg in model.mail.problems())
    institutions = []
    for i, raw in enumerate(model.institution):
        inst = institution_config(raw, i, env, problems)
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
        sso = SsoConfig.model_validate(as_tuples(raw))
    except ValidationError as err:
        problems.extend(format_error("web.sso.", err, {}))
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

"""One `[[institution]]` table of the configuration file → InstitutionConfig, every problem reported."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationError, field_validator

from app.config import InstitutionConfig, LtiRegistration, StrictModel
from app.config_problems import as_table, as_tuples, format_error, known_keys, resolve_secret
from app.core.origins import in_clear_over_the_network
from app.core.safeguards import SafetyLimits
from app.core.settings import SEED_KEYS, InstitutionSettings, attr_name

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


def _settings(raw: Any, prefix: str, problems: list[str]) -> InstitutionSettings | None:
    raw = as_table(raw, prefix, problems)
    if raw is None:
        return None
    before = len(problems)
    attrs = {
        attr_name(k): v for k, v in known_keys(raw, SEED_KEYS, prefix + ".", "[institution.settings]", problems).items()
    }
    unknown = len(problems) > before
    try:
        model = _SettingsModel(**attrs)
        valid = True
    except ValidationError as err:
        problems.extend(format_error(prefix + ".", err, {attr_name(k): k for k in SEED_KEYS}))
        # Check the cross-rules on the keys that were valid, so every problem is reported at once.
        bad = {e["loc"][0] for e in err.errors()}
        model = _SettingsModel(**{k: v for k, v in attrs.items() if k not in bad})
        valid = False
    settings = InstitutionSettings(**model.model_dump())
    problems.extend(f"{prefix}.{key}: {msg}" for key, msg in settings.problems())
    return settings if valid and not unknown else None


def _safeguards(raw: Any, prefix: str, problems: list[str]) -> SafetyLimits | None:
    raw = as_table(raw, prefix, problems)
    if raw is None:
        return None
    before = len(problems)
    raw = known_keys(raw, _SafeguardsModel.model_fields, prefix + ".", "[institution.safeguards]", problems)
    try:
        model = _SafeguardsModel(**raw)
    except ValidationError as err:
        problems.extend(format_error(prefix + ".", err, {}))
        return None
    return SafetyLimits(**model.model_dump()) if len(problems) == before else None


def _lti(raw: Any, prefix: str, problems: list[str]) -> tuple[Any, ...]:
    """The `[[institution.lti]]` tables with their unknown keys reported (each then checked by the model)."""
    if not isinstance(raw, tuple):
        return raw
    return tuple(
        known_keys(reg, LtiRegistration.model_fields, f"{prefix}[{i}].", "[[institution.lti]]", problems)
        if isinstance(reg, dict)
        else reg
        for i, reg in enumerate(raw)
    )


def institution_config(
    raw: dict[str, Any], index: int, env: Mapping[str, str], problems: list[str]
) -> InstitutionConfig | None:
    """The institution at `index` of the file, or None when it has a problem (each added to `problems`)."""
    prefix = f"institution[{raw.get('id', index)}]"
    before = len(problems)
    raw = known_keys(as_tuples(raw), InstitutionConfig.model_fields, prefix + ".", "[[institution]]", problems)
    for key in ("canvas_token", "ladok_cert_password"):
        if key in raw:
            raw[key] = resolve_secret(raw[key], f"{prefix}.{key}", env, problems)
    settings = _settings(raw.pop("settings", {}), f"{prefix}.settings", problems)
    safeguards = _safeguards(raw.pop("safeguards", {}), f"{prefix}.safeguards", problems)
    if "lti" in raw:
        raw["lti"] = _lti(raw["lti"], f"{prefix}.lti", problems)
    try:
        inst = InstitutionConfig(
            **raw, settings=settings or InstitutionSettings(), safeguards=safeguards or SafetyLimits()
        )
    except ValidationError as err:
        problems.extend(format_error(prefix + ".", err, {}))
        return None
    if in_clear_over_the_network(inst.canvas_url):
        problems.append(
            f"{prefix}.canvas_url: must be https:// (the token would cross the network in clear); "
            "plain http only to this machine"
        )
    return inst if len(problems) == before else None

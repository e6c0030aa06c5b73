"""The configuration file: every seed setting with its default, the cross-rules, secrets from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config, parse_config
from app.core.settings import SEED_KEYS, InstitutionSettings


def _inst(**settings: object) -> dict[str, object]:
    return {"id": "kth", "ladok_larosate_id": 29, "ladok_url": "https://ladok.example", "canvas_url": "https://c",
            "canvas_token": "env:TOKEN", "settings": settings}


def _problems(**settings: object) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config({"institution": [_inst(**settings)]}, {"TOKEN": "t"})
    return err.value.problems


def test_left_out_settings_take_the_specs_defaults() -> None:
    cfg = parse_config({"institution": [_inst()]}, {"TOKEN": "t"})

    assert cfg.institutions[0].settings == InstitutionSettings()
    s = cfg.institutions[0].settings
    assert (s.use_as_login_id, s.update_email_from_ladok, s.course_name_format, s.sub_account_new_organisations) == (
        "ladokuid", True, 1, 1)
    assert len(SEED_KEYS) == 18


def test_every_seed_name_is_accepted() -> None:
    values = {"UseAsLoginId": "ssn", "UpdateEmailFromLadok": False, "UpdateNameFromLadok": False,
              "UpdateSsnFromLadok": True, "UseSubaccountsForProgramAndCourses": True, "SubAccountNewOrganisations": 7,
              "CourseNameFormat": 4, "UseAdmitted": True, "RoleIdRegistered": 21, "RoleIdAdmitted": 22,
              "UpdateCourseFromLadok": False, "EarlyAccessOnCreateCourse": True, "EarlyAccessDisablePurge": True,
              "UseRestrictions": True, "RestrictionsSendMessageToTeachers": True, "EducationTypeIgnoreList": [78, 94],
              "UseConcluded": True, "EnrollmentsOtherSections": True}
    s = parse_config({"institution": [_inst(**values)]}, {"TOKEN": "t"}).institutions[0].settings

    assert set(values) == set(SEED_KEYS)
    assert s.update_ssn_from_ladok and s.role_id_admitted == 22 and s.education_type_ignore_list == (78, 94)


def test_update_ssn_needs_ssn_as_login() -> None:
    assert _problems(UpdateSsnFromLadok=True) == [
        'institution[kth].settings.UpdateSsnFromLadok: may only be true when UseAsLoginId = "ssn"']


def test_use_admitted_needs_both_role_ids() -> None:
    problems = _problems(UseAdmitted=True, RoleIdRegistered=21)
    assert problems == ["institution[kth].settings.RoleIdAdmitted: is required when UseAdmitted = true"]


def test_unknown_education_type_is_named() -> None:
    (problem,) = _problems(EducationTypeIgnoreList=[22, 424242])
    assert "EducationTypeIgnoreList" in problem and "424242" in problem


def test_every_problem_is_reported_at_once_each_naming_its_key() -> None:
    problems = _problems(CourseNameFormat=5, UseAsLoginId="email", UseAdmitted="yes", Typo=True,
                         UpdateSsnFromLadok=True)
    joined = "\n".join(problems)
    for key in ("CourseNameFormat", "UseAsLoginId", "UseAdmitted", "Typo", "UpdateSsnFromLadok"):
        assert f"settings.{key}:" in joined, key
    assert len(problems) == 5


def test_secrets_come_from_the_environment_and_a_missing_one_is_named() -> None:
    cfg = parse_config({"institution": [_inst()]}, {"TOKEN": "s3cret"})
    assert cfg.institutions[0].canvas_token == "s3cret"
    with pytest.raises(ConfigError) as err:
        parse_config({"institution": [_inst()]}, {})
    assert err.value.problems == ["institution[kth].canvas_token: environment variable TOKEN is not set"]


def test_database_url_from_the_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('database_url = "sqlite:///a.db"\n')
    assert load_config(path, {}).database_url == "sqlite:///a.db"
    assert load_config(path, {"KURSADMIN_DATABASE_URL": "sqlite:///b.db"}).database_url == "sqlite:///b.db"


def test_a_broken_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text("database_url = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, {})
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml", {})

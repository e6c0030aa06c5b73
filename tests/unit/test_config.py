"""The configuration file: every seed setting with its default, the cross-rules, secrets from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError
from app.config_file import load_config, parse_config
from app.core.safeguards import SafetyLimits
from app.core.settings import SEED_KEYS, InstitutionSettings


def _inst(**settings: object) -> dict[str, object]:
    return {
        "id": "kth",
        "ladok_larosate_id": 29,
        "ladok_url": "https://ladok.example",
        "canvas_url": "https://c",
        "canvas_token": "env:TOKEN",
        "settings": settings,
    }


def _problems(**settings: object) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config({"institution": [_inst(**settings)]}, {"TOKEN": "t"})
    return err.value.problems


def test_left_out_settings_take_the_specs_defaults() -> None:
    cfg = parse_config({"institution": [_inst()]}, {"TOKEN": "t"})

    assert cfg.institutions[0].settings == InstitutionSettings()
    s = cfg.institutions[0].settings
    assert (s.use_as_login_id, s.update_email_from_ladok, s.course_name_format, s.sub_account_new_organisations) == (
        "ladokuid",
        True,
        1,
        1,
    )
    assert len(SEED_KEYS) == 18


def test_every_seed_name_is_accepted() -> None:
    values = {
        "UseAsLoginId": "ssn",
        "UpdateEmailFromLadok": False,
        "UpdateNameFromLadok": False,
        "UpdateSsnFromLadok": True,
        "UseSubaccountsForProgramAndCourses": True,
        "SubAccountNewOrganisations": 7,
        "CourseNameFormat": 4,
        "UseAdmitted": True,
        "RoleIdRegistered": 21,
        "RoleIdAdmitted": 22,
        "UpdateCourseFromLadok": False,
        "EarlyAccessOnCreateCourse": True,
        "EarlyAccessDisablePurge": True,
        "UseRestrictions": True,
        "RestrictionsSendMessageToTeachers": True,
        "EducationTypeIgnoreList": [78, 94],
        "UseConcluded": True,
        "EnrollmentsOtherSections": True,
    }
    s = parse_config({"institution": [_inst(**values)]}, {"TOKEN": "t"}).institutions[0].settings

    assert set(values) == set(SEED_KEYS)
    assert s.update_ssn_from_ladok and s.role_id_admitted == 22 and s.education_type_ignore_list == (78, 94)


def test_update_ssn_needs_ssn_as_login() -> None:
    assert _problems(UpdateSsnFromLadok=True) == [
        'institution[kth].settings.UpdateSsnFromLadok: may only be true when UseAsLoginId = "ssn"'
    ]


def test_use_admitted_needs_both_role_ids() -> None:
    problems = _problems(UseAdmitted=True, RoleIdRegistered=21)
    assert problems == ["institution[kth].settings.RoleIdAdmitted: is required when UseAdmitted = true"]


def test_unknown_education_type_is_named() -> None:
    (problem,) = _problems(EducationTypeIgnoreList=[22, 424242])
    assert "EducationTypeIgnoreList" in problem and "424242" in problem


def test_every_problem_is_reported_at_once_each_naming_its_key() -> None:
    problems = _problems(
        CourseNameFormat=5, UseAsLoginId="email", UseAdmitted="yes", Typo=True, UpdateSsnFromLadok=True
    )
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


def test_a_misspelt_key_is_named_with_its_table_in_every_table() -> None:
    inst = {
        **_inst(UseAdmited=True),
        "canvas_tokn": "x",
        "safeguards": {"max_removal_per_hour": 5},
        "lti": [
            {
                "issuer": "i",
                "client_id": "c",
                "auth_login_url": "a",
                "auth_token_url": "t",
                "key_set_url": "k",
                "deployment_id": ["1"],
            }
        ],
    }
    data = {
        "databse_url": "postgresql+psycopg://db/kursadmin",
        "institution": [inst],
        "mail": {"smtp_host": "smtp", "sender": "a@b.se", "recipients": ["c@d.se"], "start_tls": True},
        "worker": {"lease_secs": 30},
        "wrker": {},
    }

    with pytest.raises(ConfigError) as err:
        parse_config(data, {"TOKEN": "t"})

    assert err.value.problems == [
        "databse_url: unknown key in the top level of the file (did you mean database_url?)",
        "wrker: unknown key in the top level of the file (did you mean worker?)",
        "mail.start_tls: unknown key in [mail] (did you mean starttls?)",
        "worker.lease_secs: unknown key in [worker] (did you mean lease_seconds?)",
        "institution[kth].canvas_tokn: unknown key in [[institution]] (did you mean canvas_token?)",
        "institution[kth].settings.UseAdmited: unknown key in [institution.settings] (did you mean UseAdmitted?)",
        "institution[kth].safeguards.max_removal_per_hour: unknown key in [institution.safeguards] "
        "(did you mean max_removals_per_hour?)",
        "institution[kth].lti[0].deployment_id: unknown key in [[institution.lti]] (did you mean deployment_ids?)",
    ]


def test_a_key_like_no_other_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"zzz": 1}, {})
    assert err.value.problems == [
        "zzz: unknown key in the top level of the file "
        "(known: database_url, secret_key, mail, worker, health, logging, institution, web)"
    ]


def test_the_web_table_is_checked_with_the_rest_of_the_file() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"web": {"proxy_fx": 1}}, {})
    assert len(err.value.problems) == 1 and "proxy_fx" in err.value.problems[0]
    assert parse_config({"web": {"proxy_fix": 1}}, {}).extra == {"web": {"proxy_fix": 1}}


def test_the_safety_filter_is_set_per_institution_in_the_file() -> None:
    other = {**_inst(), "id": "uu", "safeguards": {"max_removals_per_hour": 50, "max_course_fraction": 0.5}}
    off = {**_inst(), "safeguards": {"safety_filter": False}}
    kth, uu = parse_config({"institution": [off, other]}, {"TOKEN": "t"}).institutions

    assert kth.safeguards == SafetyLimits(safety_filter=False, max_removals_per_hour=200, max_course_fraction=0.3)
    assert uu.safeguards == SafetyLimits(safety_filter=True, max_removals_per_hour=50, max_course_fraction=0.5)
    assert parse_config({"institution": [_inst()]}, {"TOKEN": "t"}).institutions[0].safeguards == SafetyLimits()


def test_impossible_safety_filter_limits_are_named() -> None:
    bad = {**_inst(), "safeguards": {"max_removals_per_hour": -1, "max_course_fraction": 1.5}}
    with pytest.raises(ConfigError) as err:
        parse_config({"institution": [bad]}, {"TOKEN": "t"})
    assert err.value.problems == [
        "institution[kth].safeguards.max_removals_per_hour: Input should be greater than or equal to 0",
        "institution[kth].safeguards.max_course_fraction: Input should be less than or equal to 1",
    ]


def test_the_worker_lease_is_a_file_setting() -> None:
    assert parse_config({"worker": {"lease_seconds": 90}}, {}).worker.lease_seconds == 90
    assert parse_config({}, {}).worker.lease_seconds == 60
    with pytest.raises(ConfigError) as err:
        parse_config({"worker": {"lease_seconds": 0}}, {})
    assert err.value.problems == ["worker.lease_seconds: Input should be greater than 0"]


MAIL = {"smtp_host": "smtp.example.se", "sender": "ka@example.se", "recipients": ["ops@example.se"]}


def test_a_mail_password_is_never_sent_in_the_clear() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"mail": {**MAIL, "username": "ka", "password": "env:SMTP_PASSWORD"}}, {"SMTP_PASSWORD": "pw"})
    assert err.value.problems == ["mail.password: would be sent in the clear: set starttls or implicit_tls"]
    for tls in ({"starttls": True}, {"implicit_tls": True}):
        mail = parse_config({"mail": {**MAIL, **tls, "username": "ka", "password": "pw"}}, {}).mail
        assert mail is not None and mail.password == "pw"


def test_mail_takes_one_kind_of_tls_and_its_port() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"mail": {**MAIL, "starttls": True, "implicit_tls": True}}, {})
    assert err.value.problems == ["mail.implicit_tls: choose starttls or implicit_tls, not both"]
    ports = [
        parse_config({"mail": {**MAIL, **extra}}, {}).mail.port  # type: ignore[union-attr]
        for extra in ({}, {"implicit_tls": True}, {"starttls": True, "smtp_port": 587})
    ]
    assert ports == [25, 465, 587]


def test_a_canvas_url_that_would_send_the_token_in_clear_is_refused() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"institution": [{**_inst(), "canvas_url": "http://canvas.example.se"}]}, {"TOKEN": "t"})
    assert err.value.problems == [
        "institution[kth].canvas_url: must be https:// (the token would cross the "
        "network in clear); plain http only to this machine"
    ]
    local = parse_config({"institution": [{**_inst(), "canvas_url": "http://127.0.0.1:8080"}]}, {"TOKEN": "t"})
    assert local.institutions[0].canvas_url == "http://127.0.0.1:8080"

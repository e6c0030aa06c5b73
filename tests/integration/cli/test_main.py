"""The command group itself: its version, help that needs no configuration, and a configuration that is invalid."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from click.testing import Result


def test_version_is_the_installed_package_s(cli: Callable[..., Result]) -> None:
    result = cli("--version")

    assert (result.exit_code, result.output) == (0, f"kursadmin {version('kursadmin')}\n")


def test_help_works_with_a_broken_configuration_and_offers_no_flask_options(
    config: Path, cli: Callable[..., Result]
) -> None:
    config.write_text("this is [not toml\n")

    group, command = cli("--help"), cli("worker", "--help")

    assert group.exit_code == 0 and command.exit_code == 0, group.output + command.output
    assert "init  " in group.output and "--version" in group.output and "--until-idle" in command.output
    for flask_option in ("--env-file", "--app", "--debug"):
        assert flask_option not in group.output


def test_an_invalid_configuration_stops_a_command_naming_each_key(config: Path, cli: Callable[..., Result]) -> None:
    config.write_text(config.read_text() + "[institution.settings]\nUseAdmitted = true\nCourseNameFormat = 9\n")

    result = cli("status")

    assert result.exit_code == 2
    assert "settings.CourseNameFormat: Input should be less than or equal to 4" in result.output
    assert "settings.RoleIdRegistered: is required when UseAdmitted = true" in result.output
    assert "Traceback" not in result.output

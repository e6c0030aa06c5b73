"""The `kursadmin` command as an operator uses it: init, ingest, status, and a bad configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.sandbox.canvas import CanvasSandbox


@pytest.fixture
def config(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kursadmin.toml"
    path.write_text(f'''database_url = "{database_url}"
[[institution]]
id = "kth"
ladok_larosate_id = 29
ladok_url = "http://127.0.0.1:9"
canvas_url = "http://127.0.0.1:9"
canvas_token = "env:CANVAS_TOKEN"
''')
    monkeypatch.setenv("KURSADMIN_CONFIG", str(path))
    monkeypatch.setenv("CANVAS_TOKEN", "t")
    monkeypatch.delenv("KURSADMIN_DATABASE_URL", raising=False)
    return path


def test_init_ingest_status(config: Path, ladok_dir: Path) -> None:
    runner = CliRunner()
    assert "schema at" in runner.invoke(main, ["init"]).output
    page = ladok_dir / "feeds" / "ladok3-recent-2017.xml"

    ingested = runner.invoke(main, ["ingest", "--institution", "kth", str(page)])
    status = runner.invoke(main, ["status"])

    assert ingested.exit_code == 0, ingested.output
    assert "47 recorded, 6 unknown type skipped, 0 other institution, 0 already seen, 0 rejected" in ingested.output
    assert "recorded          KursTillStatusEvent: 36" in status.output
    assert "position: https://api.mit-integration.ladok.se:443/uppfoljning/feed/256259" in status.output


def test_an_unknown_institution_is_named(config: Path, ladok_dir: Path) -> None:
    page = ladok_dir / "feeds" / "ladok3-recent-2017.xml"
    result = CliRunner().invoke(main, ["ingest", "--institution", "uu", str(page)])
    assert result.exit_code == 2 and "institution 'uu' is not configured (known: kth)" in result.output


def test_an_invalid_configuration_stops_start_up_naming_each_key(config: Path) -> None:
    config.write_text(config.read_text() + '[institution.settings]\nUseAdmitted = true\nCourseNameFormat = 9\n')

    result = CliRunner().invoke(main, ["status"])

    assert result.exit_code == 2
    assert "settings.CourseNameFormat: Input should be less than or equal to 4" in result.output
    assert "settings.RoleIdRegistered: is required when UseAdmitted = true" in result.output


def test_a_worker_refuses_to_start_with_a_role_canvas_would_refuse(config: Path) -> None:
    canvas = CanvasSandbox(tokens=["t"])
    registered = canvas.create_role("Registrerad")
    with canvas.serve() as running:
        served = config.read_text().replace('canvas_url = "http://127.0.0.1:9"', f'canvas_url = "{running.url}"')
        config.write_text(served + f"[institution.settings]\nUseAdmitted = true\nRoleIdRegistered = {registered}\n"
                          "RoleIdAdmitted = 999\n")

        result = CliRunner().invoke(main, ["worker", "--until-idle", "--no-feed"])

    assert result.exit_code != 0
    assert "institution[kth].settings.RoleIdAdmitted = 999: Canvas has no such role in account 1" in result.output
    assert "RoleIdRegistered" not in result.output

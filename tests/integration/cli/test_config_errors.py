"""`kursadmin` with a configuration file an operator got wrong, and the settings the worker takes from it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import app.pipeline.worker
from app.cli import main

KURSADMIN = Path(sys.executable).with_name("kursadmin")


def _run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KURSADMIN_DATABASE_URL"} | {"KURSADMIN_CONFIG": str(config)}
    return subprocess.run(
        [str(KURSADMIN), *args], env=env, capture_output=True, text=True, timeout=120, check=False, cwd=config.parent
    )


def test_init_with_a_misspelt_database_url_stops_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "kursadmin.toml"
    config.write_text(f'databse_url = "sqlite:///{tmp_path / "meant.db"}"\n')

    result = _run(config, "init")

    assert result.returncode != 0
    assert "databse_url: unknown key in the top level of the file (did you mean database_url?)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "kursadmin.db").exists()  # no silent fall-back to the default SQLite file


def test_every_misspelt_key_is_listed_before_anything_runs(tmp_path: Path) -> None:
    config = tmp_path / "kursadmin.toml"
    config.write_text(
        '[worker]\nlease_secs = 30\n[[institution]]\nid = "kth"\nladok_larosate_id = 29\n'
        'ladok_url = "https://ladok.example"\ncanvas_url = "https://canvas.example"\n'
        'canvas_token = "t"\n[institution.settings]\nUseAdmited = true\n'
    )

    result = _run(config, "status")

    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "worker.lease_secs: unknown key in [worker]" in result.stderr
    assert "institution[kth].settings.UseAdmited: unknown key in [institution.settings]" in result.stderr


@pytest.fixture
def leases(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The lease each `worker --until-idle` run was started with."""
    seen: list[float | None] = []

    def drain(
        _engine: object, _contexts: object, _concurrency: int = 1, lease: float | None = None, **_options: object
    ) -> object:
        seen.append(lease)
        return app.pipeline.worker.WorkerStats()

    monkeypatch.setattr(app.pipeline.worker, "drain", drain)
    return seen


def test_the_worker_lease_comes_from_the_file_unless_the_environment_or_option_says_otherwise(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, leases: list[float | None]
) -> None:
    config = tmp_path / "kursadmin.toml"
    config.write_text(f'database_url = "{database_url}"\n[worker]\nlease_seconds = 240\n')
    monkeypatch.setenv("KURSADMIN_CONFIG", str(config))
    monkeypatch.delenv("KURSADMIN_DATABASE_URL", raising=False)
    monkeypatch.delenv("KURSADMIN_WORKER_LEASE", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    args = ["worker", "--until-idle", "--no-feed"]

    assert runner.invoke(main, args).exit_code == 0
    monkeypatch.setenv("KURSADMIN_WORKER_LEASE", "90")
    assert runner.invoke(main, args).exit_code == 0
    assert runner.invoke(main, [*args, "--lease", "30"]).exit_code == 0
    monkeypatch.setenv("KURSADMIN_WORKER_LEASE", "soon")
    refused = runner.invoke(main, args)

    assert leases == [240, 90, 30]
    assert refused.exit_code == 2 and "KURSADMIN_WORKER_LEASE must be a number of seconds, not 'soon'" in refused.output

"""`kursadmin dead-letters` shows errors stored before redaction without the personal data they carry."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from app.cli import main
from app.store.db import write_session
from tests.builders import dead_letter


def test_dead_letters_show_an_old_error_without_the_personnummer(
    tmp_path: Path, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "kursadmin.toml"
    config.write_text(
        f'database_url = "{database_url}"\n[[institution]]\nid = "kth"\nladok_larosate_id = 29\n'
        'ladok_url = "http://127.0.0.1:9"\ncanvas_url = "http://127.0.0.1:9"\ncanvas_token = "t"\n'
    )
    monkeypatch.setenv("KURSADMIN_CONFIG", str(config))
    monkeypatch.delenv("KURSADMIN_DATABASE_URL", raising=False)
    with write_session(engine) as s:
        s.add(dead_letter("s-1", "CanvasNotFound: GET /api/v1/users/sis_login_id:900101-1239 → 404: not found"))

    result = CliRunner().invoke(main, ["dead-letters", "--institution", "kth"])

    assert "student:s-1  after 8 attempts  CanvasNotFound: GET /api/v1/users/sis_login_id:[redacted] → 404" in (
        result.output
    ), result.output
    assert "900101-1239" not in result.output

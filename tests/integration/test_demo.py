"""`kursadmin demo --once`: the embedded system applies its seeded term to the sandbox Canvas."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from app.cli import main


def test_demo_applies_the_seeded_term(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--once", "--database", str(tmp_path / "demo.db")])

    assert result.exit_code == 0, result.output
    # 8 admitted with early access on creation, 4 of them registered; one suspended (2 enrollments inactive).
    lines = {line.split(":")[0].strip(): line for line in result.output.splitlines()}
    assert "'Programmeringsteknik" in lines["DD1310"]
    assert "enrollments {'active': 10, 'inactive': 2}" in lines["DD1310"]
    # SF1625: one student withdrew (Aterbud), the suspended one is inactive.
    assert "enrollments {'active': 6, 'inactive': 1}" in lines["SF1625"]
    course_id = lines["DD1310"].split("Canvas course ")[1].split()[0]
    assert f"/courses/{course_id}/external_tools/kursadmin?as=teacher" in result.output

"""`kursadmin ingest` and `status` as an operator uses them, on Ladok's own feed pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy import Engine

from app.store import control
from app.store.db import write_session


def test_ingest_records_a_page_and_status_shows_it(
    write_config: Callable[..., Path], engine: Engine, ladok_dir: Path, cli: Callable[..., Result]
) -> None:
    write_config(ladok_url="https://api.mit-integration.ladok.se")
    page = ladok_dir / "feeds" / "ladok3-recent-2017.xml"
    with write_session(engine) as s:
        control.set_paused(s, "kth", True, by="ops")

    ingested = cli("ingest", "--institution", "kth", page)
    status = cli("status")

    assert ingested.exit_code == 0, ingested.output
    assert "47 recorded, 6 unknown type skipped, 0 other institution, 0 already seen, 0 rejected" in ingested.output
    assert status.exit_code == 0, status.output
    assert "recorded          KursTillStatusEvent: 36" in status.output
    assert "position: https://api.mit-integration.ladok.se:443/uppfoljning/feed/256259" in status.output
    assert "PAUSED; delay delete: none; safety filter on, 0 removals held" in status.output
    assert "rejected: 0" in status.output


def test_a_page_from_another_ladok_is_stored_under_its_file_not_its_links(
    config: Path, engine: Engine, ladok_dir: Path, cli: Callable[..., Result]
) -> None:
    # The worker reads on from the stored position with the client certificate: never a foreign origin.
    page = ladok_dir / "feeds" / "ladok3-recent-2017.xml"

    assert cli("ingest", "--institution", "kth", page).exit_code == 0
    status = cli("status").output

    assert f"position: {page} after entry 79218ad2-9a03-11e7-8cab-040ad9ac4132" in status
    assert "mit-integration" not in status


def test_an_unknown_institution_is_named(
    config: Path, engine: Engine, ladok_dir: Path, cli: Callable[..., Result]
) -> None:
    page = ladok_dir / "feeds" / "ladok3-recent-2017.xml"

    ingested = cli("ingest", "--institution", "uu", page)
    status = cli("status", "--institution", "uu")

    for result in (ingested, status):
        assert result.exit_code == 2 and "institution 'uu' is not configured (known: kth)" in result.output

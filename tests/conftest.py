"""Shared fixtures: a fresh, migrated database per test — SQLite by default, PostgreSQL when asked.

Set KURSADMIN_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run every
database test against PostgreSQL instead; each xdist worker gets a database of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from app.store.db import make_engine
from app.store.schema import upgrade

LADOK = Path(__file__).resolve().parent / "fixtures" / "ladok"  # Ladok's own files: see its README.md
POSTGRES_URL = os.environ.get("KURSADMIN_TEST_POSTGRES_URL")


def _admin() -> Engine:
    return create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")


def _postgres_database(worker: str) -> str:
    # The process id too: two test sessions on one server must not drop each other's databases.
    name = f"kursadmin_test_{worker}_{os.getpid()}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def database_url(tmp_path: Path, worker_id: str) -> Iterator[str]:
    """URL of an empty database for this test (dropped afterwards on PostgreSQL)."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'kursadmin.db'}"
        return
    url = _postgres_database(worker_id)
    yield url
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a fresh database migrated to the newest schema."""
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def ladok_dir() -> Path:
    """The folder of Ladok's official schemas and real feed pages (kept in the repository)."""
    return LADOK


LADOK_EVENT_SERVICES = (
    "studiedeltagande",
    "studentinformation",
    "utbildningsinformation",
    "resultat",
    "kataloginformation",
)


@pytest.fixture(scope="session")
def ladok_event_schema() -> object:
    """One lxml schema importing Ladok 1.60.1's five event XSDs, so fixtures cannot drift from the format."""
    from lxml import etree

    xsd_dir = LADOK / "xsd"
    imports = "".join(
        f'<xs:import namespace="http://schemas.ladok.se/{service}" '
        f'schemaLocation="{(xsd_dir / f"schemas.ladok.se-{service}-events.xsd").as_uri()}"/>'
        for service in LADOK_EVENT_SERVICES
    )
    wrapper = (
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:kursadmin:test">'
        f"{imports}</xs:schema>"
    )
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=xsd_dir.as_uri() + "/"))


@pytest.fixture
def redacting_logs() -> Iterator[None]:
    """Log records redacted as every entry point (create_app) makes them, and the factory restored after."""
    import logging

    from app import redacted_logs

    before = logging.getLogRecordFactory()
    redacted_logs.install()
    yield
    logging.setLogRecordFactory(before)

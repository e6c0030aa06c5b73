"""Launches work when OIDC login and launch are served by different gunicorn workers (state lives in the DB)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.sandbox.lti.platform import SandboxPlatform
from app.store.db import make_engine
from app.store.lti_tables import LtiLaunchRow
from app.store.schema import upgrade
from app.store.tables import Base
from tests.e2e.http_launch import launch_page
from tests.e2e.servers import free_port, gunicorn_tool, write_config

MAX_LAUNCHES = 30


def test_launch_across_two_gunicorn_workers(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'kursadmin.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    Base.metadata.create_all(engine)
    port = free_port()
    tool = f"http://127.0.0.1:{port}"
    platform = SandboxPlatform(tool_login_url=f"{tool}/lti/login", tool_launch_url=f"{tool}/lti/launch")
    log = tmp_path / "access.log"
    with platform.serve(), gunicorn_tool(write_config(tmp_path / "k.toml", platform, database_url), port, 2, log):
        crossed = 0
        with httpx.Client() as client:
            for done in range(1, MAX_LAUNCHES + 1):
                launch_page(client, platform, tool, "teacher", 101)
                pids = _pids_by_step(log)
                steps = zip(pids["login"], pids["launch"], strict=False)
                crossed = sum(1 for login, launch in steps if login != launch)
                if crossed >= 2 and done >= 6:
                    break
    assert crossed >= 2, f"no launch had its login and launch on different workers: {pids}"
    assert len(set(pids["login"]) | set(pids["launch"])) == 2
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(LtiLaunchRow)) == done


def _pids_by_step(log: Path) -> dict[str, list[str]]:
    steps: dict[str, list[str]] = {"login": [], "launch": []}
    for line in log.read_text().splitlines() if log.exists() else []:
        match = re.match(r"<(\d+)> (GET|POST) /lti/(login|launch) ", line)
        if match:
            steps[match.group(3)].append(match.group(1))
    return steps

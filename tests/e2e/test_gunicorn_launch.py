"""Launches work when OIDC login and launch are served by different gunicorn workers (state lives in the DB)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.sandbox.lti.platform import SandboxPlatform
from app.store.db import make_engine
from app.store.lti_tables import LtiLaunchRow
from app.store.schema import upgrade
from app.store.tables import Base
from tests.e2e.servers import free_port, gunicorn_tool, write_config
from tests.integration.lti.harness import storage_page

MAX_LAUNCHES = 30


def _cookies(resp: httpx.Response) -> dict[str, str]:
    # The tool's cookies are Secure; over plain http on loopback we carry them by hand, as a browser on localhost would.
    return dict(c.split(";", 1)[0].split("=", 1) for c in resp.headers.get_list("set-cookie"))


def _header(jar: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def _launch(client: httpx.Client, platform: SandboxPlatform, tool: str) -> None:
    login = client.get(f"{tool}/lti/login", params=platform.start_launch("teacher", 101))
    assert login.status_code == 200
    jar = _cookies(login)
    settings, _ = storage_page(login.text)  # the page's script would go on to the platform
    auth = {k: v[0] for k, v in parse_qs(urlsplit(settings["next"]).query).items()}
    _, token = platform.authorize(auth)
    launch = client.post(f"{tool}/lti/launch", data={"id_token": token, "state": auth["state"]}, headers=_header(jar))
    assert launch.status_code == 303, launch.text
    page = client.get(f"{tool}{launch.headers['location']}", headers=_header({**jar, **_cookies(launch)}))
    assert page.status_code == 200


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
                _launch(client, platform, tool)
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

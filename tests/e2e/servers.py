"""Real servers for end-to-end tests: the tool under gunicorn or werkzeug, on loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from flask import Flask
from werkzeug.serving import make_server

from app.sandbox.lti.platform import SandboxPlatform

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(
    path: Path,
    platform: SandboxPlatform,
    database_url: str,
    *,
    ladok_url: str = "http://127.0.0.1:9",
    canvas_url: str = "https://canvas.example.se",
    canvas_token: str = "x",
) -> Path:
    """A TOML configuration for one institution registered with the sandbox platform (Ladok and Canvas out of
    reach unless given), reading the feed from its first page."""
    path.write_text(f'''database_url = "{database_url}"
secret_key = "e2e-secret"

[web]
frame_ancestors = ["{platform.base_url}"]

[[institution]]
id = "kth"
ladok_larosate_id = 29
ladok_url = "{ladok_url}"
ladok_start_page = 1
canvas_url = "{canvas_url}"
canvas_token = "{canvas_token}"

[[institution.lti]]
issuer = "{platform.issuer}"
client_id = "{platform.client_id}"
auth_login_url = "{platform.auth_login_url}"
auth_token_url = "{platform.auth_token_url}"
key_set_url = "{platform.key_set_url}"
deployment_ids = []
''')
    return path


START_GUARD = 90  # seconds: a hang guard, not a speed goal (a fresh process on a busy CI machine starts slowly)


def _wait_healthy(url: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + START_GUARD
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy")


@contextmanager
def gunicorn_tool(
    config_path: Path, port: int, workers: int, access_log: Path, app: str = "app.web.wsgi:create_tool_app()"
) -> Iterator[str]:
    """The tool (`app`, a gunicorn app spec) under gunicorn with `workers` sync workers; the access log records
    each request's worker pid."""
    env = {**os.environ, "KURSADMIN_CONFIG": str(config_path)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(m)s %(U)s %(s)s",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def threaded_tool(flask_app: Flask, host: str, port: int) -> Iterator[str]:
    """The tool on a werkzeug threaded server (for the browser test)."""
    server = make_server(host, port, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        thread.join()

"""`kursadmin serve`: the web side answers on the port it was given."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import Engine

from tests.e2e.servers import _wait_healthy, free_port

KURSADMIN = Path(sys.executable).with_name("kursadmin")  # the console script installed beside this Python


def test_serve_answers_on_its_port(write_config: Callable[..., Path], engine: Engine) -> None:
    write_config(top='secret_key = "serve-test"')
    url = f"http://127.0.0.1:{free_port()}"
    proc = subprocess.Popen(
        [KURSADMIN, "serve", "--port", url.rsplit(":", 1)[1]],
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_healthy(url, proc)
        jwks = httpx.get(f"{url}/lti/jwks", timeout=5)
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    assert jwks.status_code == 200 and jwks.json()["keys"]

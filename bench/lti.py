"""Server time of the LTI tool: launch-to-page (login + launch + first page) and course-page render, p50/p95.

Runs the tool in-process (Flask test client, so no network time is counted) against the sandbox platform
on a loopback port (the tool fetches the platform's JWKS once and caches it in the database).

    python bench/lti.py [--launches 100] [--renders 300] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.store.db import make_engine
from app.store.schema import upgrade
from tests.integration.lti.harness import (
    csrf_token,
    make_config,
    make_tool,
    running_platform,
    seed_course,
    storage_page,
    tool_client,
)


def _percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49] * 1000:7.2f} ms   p95 {cuts[94] * 1000:7.2f} ms   (n={len(samples)})"


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=100)
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(make_engine(url))
    with running_platform() as platform:
        tool = make_tool(make_config(platform, url))
        seed_course(tool.extensions["kursadmin.engine"])
        client = tool_client(tool)
        launch_times: list[float] = []
        page = ""
        for _ in range(args.launches):
            params = platform.start_launch("teacher", 101)
            started = time.perf_counter()
            login = client.get("/lti/login", query_string=params)
            spent = time.perf_counter() - started
            settings, _ = storage_page(login.get_data(as_text=True))  # the login page's script goes on from here
            auth = {k: v[0] for k, v in parse_qs(urlsplit(settings["next"]).query).items()}
            _, token = platform.authorize(auth)  # the platform's time is not the tool's
            started = time.perf_counter()
            launch = client.post("/lti/launch", data={"id_token": token, "state": auth["state"]})
            page = urlsplit(launch.headers["Location"]).path
            html = client.get(page).get_data(as_text=True)
            launch_times.append(spent + time.perf_counter() - started)
        csrf_token(html)  # the page is the real course page with its forms
        render_times = []
        for _ in range(args.renders):
            started = time.perf_counter()
            assert client.get(page).status_code == 200
            render_times.append(time.perf_counter() - started)
    print(f"database: {make_engine(url).dialect.name}")
    print(f"launch-to-page (login + launch + course page): {_percentiles(launch_times)}")
    print(f"course page render:                           {_percentiles(render_times)}")


if __name__ == "__main__":
    main()

"""A teacher's (or anyone's) LTI launch over plain HTTP, as a browser would make it, without a browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from app.sandbox.lti.platform import SandboxPlatform
from tests.integration.lti.harness import storage_page


def _cookies(resp: httpx.Response) -> dict[str, str]:
    # The tool's cookies are Secure; over plain http on loopback we carry them by hand, as a browser on localhost would.
    return dict(c.split(";", 1)[0].split("=", 1) for c in resp.headers.get_list("set-cookie"))


def _header(jar: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def launch_page(client: httpx.Client, platform: SandboxPlatform, tool: str, persona: str, course_id: int) -> str:
    """Log in and launch as `persona` in `course_id` over HTTP, as a browser would; the tool's page."""
    login = client.get(f"{tool}/lti/login", params=platform.start_launch(persona, course_id))
    assert login.status_code == 200
    jar = _cookies(login)
    settings, _ = storage_page(login.text)  # the page's script would go on to the platform
    auth = {k: v[0] for k, v in parse_qs(urlsplit(settings["next"]).query).items()}
    _, token = platform.authorize(auth)
    launch = client.post(f"{tool}/lti/launch", data={"id_token": token, "state": auth["state"]}, headers=_header(jar))
    assert launch.status_code == 303, launch.text
    page = client.get(f"{tool}{launch.headers['location']}", headers=_header({**jar, **_cookies(launch)}))
    assert page.status_code == 200
    return page.text

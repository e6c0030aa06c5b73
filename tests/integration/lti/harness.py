"""Test harness: the tool app on a fresh database, the sandbox platform on a loopback port, and a launch driver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from pytest import MonkeyPatch
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app import create_app
from app.config import AppConfig, InstitutionConfig, LtiRegistration
from app.sandbox.canvas import CanvasSandbox
from app.sandbox.lti.personas import PERSONAS
from app.sandbox.lti.platform import SandboxPlatform
from app.store.db import write_session
from app.store.lti_tables import LtiLaunchRow
from app.store.tables import Base, CanvasObjectRow, CourseRow, OfferingRow, ParticipationRow
from app.web import init_app
from app.web.i18n import MESSAGES

TOOL_BASE = "https://localhost"
CANVAS_URL = "https://canvas.example.se"


def prepare_schema(engine: Engine) -> None:
    """Add the LTI tables (not yet in the Alembic migrations) to a migrated database."""
    Base.metadata.create_all(engine)


def make_config(
    platform: SandboxPlatform,
    database_url: str,
    deployment_ids: tuple[str, ...] = (),
    frame_ancestors: tuple[str, ...] = (),
    canvas: tuple[str, str] = (CANVAS_URL, "x"),
) -> AppConfig:
    """One institution, 'kth', registered with the sandbox platform; `canvas` is its Canvas URL and token."""
    reg = LtiRegistration(
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_login_url=platform.auth_login_url,
        auth_token_url=platform.auth_token_url,
        key_set_url=platform.key_set_url,
        deployment_ids=deployment_ids,
    )
    inst = InstitutionConfig(
        id="kth",
        ladok_larosate_id=29,
        ladok_url="http://127.0.0.1:9",
        canvas_url=canvas[0],
        canvas_token=canvas[1],
        lti=(reg,),
    )
    return AppConfig(
        database_url=database_url,
        secret_key="test-secret",
        institutions=(inst,),
        extra={"web": {"frame_ancestors": list(frame_ancestors)}},
    )


def make_tool(config: AppConfig) -> Flask:
    """The Flask app with the tool's web part wired in."""
    flask_app = create_app(config)
    init_app(flask_app)
    prepare_schema(flask_app.extensions["kursadmin.engine"])
    return flask_app


def new_platform(tool_base: str = TOOL_BASE) -> SandboxPlatform:
    """A sandbox platform whose developer key points at the tool at `tool_base`."""
    return SandboxPlatform(tool_login_url=f"{tool_base}/lti/login", tool_launch_url=f"{tool_base}/lti/launch")


@contextmanager
def running_platform(tool_base: str = TOOL_BASE) -> Iterator[SandboxPlatform]:
    """A sandbox platform serving on a loopback port (the tool fetches its JWKS over HTTP)."""
    platform = new_platform(tool_base)
    with platform.serve():
        yield platform


class _Attributes(HTMLParser):
    """The attributes of the element with a given id, and the values of the inputs of the page's forms."""

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.found: dict[str, str] = {}
        self.inputs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if values.get("id") == self.element_id:
            self.found = values
        if tag == "input" and "name" in values:
            self.inputs[values["name"]] = values.get("value", "")


def storage_page(html: str) -> tuple[dict[str, str], dict[str, str]]:
    """The login or launch page's platform-storage settings (data-* of #lti-storage) and its form's inputs."""
    parser = _Attributes("lti-storage")
    parser.feed(html)
    assert parser.found, f"no platform-storage settings in the page: {html[:500]}"
    return {k.removeprefix("data-"): v for k, v in parser.found.items()}, parser.inputs


@dataclass
class LaunchDriver:
    """Drives OIDC login and launch against the tool's test client, as a browser in Canvas would.

    The login page's script would put `proof` into the platform's storage (when offered) and go to the platform;
    the driver reads both from the page instead.
    """

    platform: SandboxPlatform
    client: FlaskClient
    proof: str = field(default="", init=False)

    def login(
        self,
        persona: str = "teacher",
        course_id: int | None = 101,
        locale: str = "en",
        placement: str = "course_navigation",
        method: str = "GET",
    ) -> dict[str, str]:
        """Run login initiation; returns the auth request parameters the tool sends the platform to."""
        params = self.platform.start_launch(persona, course_id, locale, placement)
        if method == "GET":
            resp = self.client.get("/lti/login", query_string=params)
        else:
            resp = self.client.post("/lti/login", data=params)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        settings, _ = storage_page(resp.get_data(as_text=True))
        self.proof = settings["value"]
        assert settings["next"].startswith(self.platform.auth_login_url)
        return {k: v[0] for k, v in parse_qs(urlsplit(settings["next"]).query).items()}

    def post_launch(self, id_token: str, state: str, **extra: str) -> TestResponse:
        """Form-post an id_token and state (and what else the platform or our page adds) to the tool's launch URL."""
        return self.client.post("/lti/launch", data={"id_token": id_token, "state": state, **extra})

    def launch(
        self,
        persona: str = "teacher",
        course_id: int | None = 101,
        locale: str = "en",
        placement: str = "course_navigation",
    ) -> TestResponse:
        """A whole, honest launch; returns the tool's answer to the form post."""
        auth = self.login(persona, course_id, locale, placement)
        _, token = self.platform.authorize(auth)
        return self.post_launch(token, auth["state"], **self.platform.storage_params())

    def launch_page(
        self,
        persona: str = "teacher",
        course_id: int | None = 101,
        locale: str = "en",
        placement: str = "course_navigation",
    ) -> str:
        """Launch and return the path of the page the tool redirected to."""
        resp = self.launch(persona, course_id, locale, placement)
        assert resp.status_code == 303, resp.get_data(as_text=True)
        return urlsplit(resp.headers["Location"]).path

    def post_proof(self, id_token: str, state: str, proof: str, origin: str = "https://localhost") -> TestResponse:
        """What the launch page's script posts once it has read the proof back from the platform's storage."""
        return self.client.post(
            "/lti/launch",
            headers={"Origin": origin},
            data={"id_token": id_token, "state": state, "lti_storage_proof": proof, **self.platform.storage_params()},
        )


def as_canvas_user(canvas: CanvasSandbox, monkeypatch: MonkeyPatch, persona: str = "teacher") -> int:
    """Make the persona a user of the sandbox Canvas, launching with the id Canvas gave them; returns it.

    The platform and Canvas are one system in real life: a launch's `$Canvas.user.id` is a Canvas user.
    """
    who = PERSONAS[persona]
    user_id = canvas.create_user(who.name, f"{persona}@sandbox.example")
    monkeypatch.setitem(PERSONAS, persona, replace(who, canvas_user_id=user_id))
    return user_id


class HttpsClient(FlaskClient):
    """A test client that talks to the tool as https://localhost, where its Secure cookies belong."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        """Send the request with the https base URL unless one is given."""
        kwargs.setdefault("base_url", TOOL_BASE)
        return super().open(*args, **kwargs)


def tool_client(flask_app: Flask, cookies: bool = True) -> FlaskClient:
    """A test client for the tool over https://localhost; `cookies=False` is a browser that keeps none."""
    flask_app.test_client_class = HttpsClient
    client = flask_app.test_client(use_cookies=cookies)
    # Flask-WTF checks the Referer of https POSTs; a browser sends it for same-origin forms.
    client.environ_base["HTTP_REFERER"] = f"{TOOL_BASE}/"
    return client


def csrf_token(html: str) -> str:
    """The CSRF token in the first form of a page."""
    marker = 'name="csrf_token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def seed_course(engine: Engine, course_id: int = 101) -> dict[str, Any]:
    """Ladok catalogue and participation for course 101 (own section DA1000-HT24) and a co-readable offering."""
    with write_session(engine) as db:
        db.add_all(
            [
                CourseRow(
                    institution_id="kth", uid="c-da1000", code="DA1000", names={"sv": "Databaser", "en": "Databases"}
                ),
                CourseRow(
                    institution_id="kth", uid="c-dd2000", code="DD2000", names={"sv": "Algoritmer", "en": "Algorithms"}
                ),
                OfferingRow(
                    institution_id="kth",
                    uid="o-da1000-ht24",
                    course_uid="c-da1000",
                    code="50123",
                    term="HT2024",
                    start_date=dt.date(2024, 9, 2),
                    names={},
                ),
                OfferingRow(
                    institution_id="kth",
                    uid="o-dd2000-ht24",
                    course_uid="c-dd2000",
                    code="50999",
                    term="HT2024",
                    start_date=dt.date(2024, 8, 26),
                    names={},
                ),
                CanvasObjectRow(
                    institution_id="kth",
                    kind="section",
                    sis_id="o-da1000-ht24",
                    canvas_id=9001,
                    parent_canvas_id=course_id,
                    state={},
                ),
            ]
        )
        for i, (admitted, registered) in enumerate([(True, True), (True, True), (True, False)]):
            db.add(
                ParticipationRow(
                    institution_id="kth",
                    student_uid=f"s-da-{i}",
                    offering_uid="o-da1000-ht24",
                    admitted=admitted,
                    registered=registered,
                    last_event="x",
                    last_handelse_uid=f"h{i}",
                )
            )
        for i in range(2):
            db.add(
                ParticipationRow(
                    institution_id="kth",
                    student_uid=f"s-dd-{i}",
                    offering_uid="o-dd2000-ht24",
                    admitted=True,
                    registered=i == 0,
                    last_event="x",
                    last_handelse_uid=f"g{i}",
                )
            )
    return {"own": "o-da1000-ht24", "other": "o-dd2000-ht24"}


def launches(tool: Flask) -> int:
    """How many launches the tool has stored."""
    with Session(tool.extensions["kursadmin.engine"]) as db:
        return db.scalar(select(func.count()).select_from(LtiLaunchRow)) or 0


def speaking(client: FlaskClient, lang: str) -> FlaskClient:
    """The client as a browser that prefers `lang` (sv or en)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = {"sv": "sv-SE,sv;q=0.9,en;q=0.5", "en": "en-GB,en;q=0.9"}[lang]
    return client


def assert_refused(resp: TestResponse, tool: Flask, key: str, lang: str, status: int = 401, stored: int = 0) -> None:
    """The refusal page for `key`, in `lang`, and no launch stored beyond `stored`."""
    html = resp.get_data(as_text=True)
    assert resp.status_code == status, html
    assert f'<html lang="{lang}">' in html
    assert str(escape(MESSAGES[key][lang])) in html
    assert str(escape(MESSAGES["error_reopen"][lang])) in html
    assert launches(tool) == stored

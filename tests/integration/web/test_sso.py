"""Admin access outside Canvas (docs/rules.md §7): the SSO proxy's identity header, believed only from the proxy."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.config import SsoConfig
from app.sandbox.canvas import DEFAULT_TOKEN
from app.sandbox.lti.platform import SandboxPlatform
from app.store.course_tables import CoReadingLinkRow, CourseAuditRow, LinkRequestRow
from app.store.db import write_session
from app.store.link_requests import request_link
from app.store.tables import InstitutionControlRow
from tests.integration.lti.harness import csrf_token, make_config, make_tool, seed_course, tool_client

PROXY = "10.0.0.5"
ELSEWHERE = "10.0.0.9"
OPERATOR = "ops@kth.se"
SSO = SsoConfig(
    header="eppn",
    trusted_proxies=(PROXY, "192.168.10.0/24"),
    admins={OPERATOR: ("kth",), "uu-ops@uu.se": ("uu",), "both@sunet.se": ("kth", "uu")},
)


def _tool(
    platform: SandboxPlatform, database_url: str, canvas_url: str, sso: SsoConfig | None = SSO, proxy_fix: int = 0
) -> Flask:
    config = make_config(platform, database_url, canvas=(canvas_url, DEFAULT_TOKEN))
    config.extra["web"]["proxy_fix"] = proxy_fix
    uu = config.institutions[0].model_copy(update={"id": "uu", "lti": ()})
    return make_tool(dataclasses.replace(config, institutions=(*config.institutions, uu), sso=sso))


@pytest.fixture
def sso_tool(platform: SandboxPlatform, engine: Engine, database_url: str, canvas_url: str) -> Flask:
    return _tool(platform, database_url, canvas_url)


def _get(client: FlaskClient, path: str, peer: str, identity: str | None = OPERATOR) -> TestResponse:
    headers = {"eppn": identity} if identity is not None else {}
    return client.get(path, headers=headers, environ_overrides={"REMOTE_ADDR": peer})


def _post(client: FlaskClient, path: str, peer: str, data: dict[str, str], identity: str = OPERATOR) -> TestResponse:
    return client.post(path, data=data, headers={"eppn": identity}, environ_overrides={"REMOTE_ADDR": peer})


def _requested(sso_tool: Flask) -> tuple[Engine, str, str]:
    """A teacher's request to link the other offering into course 101: the engine, the offering, the request id."""
    engine = sso_tool.extensions["kursadmin.engine"]
    ids = seed_course(engine)
    with write_session(engine) as db:
        request_link(db, "kth", 101, ids["other"], "canvas:501", "Tora Lärare")
        request_id = db.scalars(select(LinkRequestRow.id)).one()
    return engine, ids["other"], str(request_id)


def test_the_header_from_the_trusted_proxy_opens_the_admin_view(sso_tool: Flask) -> None:
    client = tool_client(sso_tool)
    entry = _get(client, "/admin", PROXY)
    assert entry.status_code == 303 and entry.headers["Location"].endswith("/admin/sso/kth")
    page = _get(client, "/admin/sso/kth", PROXY)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Adapter status" in html and "Institution kth" in html and ">Pause<" in html
    assert f"Signed in as {OPERATOR}" in html
    assert "Content-Security-Policy" in page.headers

    resp = _post(client, "/admin/sso/kth/pause", PROXY, {"csrf_token": csrf_token(html)})
    assert resp.status_code == 303
    with Session(sso_tool.extensions["kursadmin.engine"]) as db:
        row = db.get(InstitutionControlRow, "kth")
        assert row.paused and row.paused_by == f"sso:{OPERATOR}"


def test_the_same_header_from_another_address_is_refused_and_logged(
    sso_tool: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = tool_client(sso_tool)
    with caplog.at_level(logging.WARNING, logger="app.web.sso_views"):
        for path in ("/admin", "/admin/sso/kth"):
            resp = _get(client, path, ELSEWHERE)
            html = resp.get_data(as_text=True)
            assert resp.status_code == 403
            assert "reached only through the institution&#39;s sign-in (SSO)" in html
            assert "Adapter status" not in html
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings and all(f"from {ELSEWHERE} ignored" in w for w in warnings)
    assert not any(OPERATOR in w for w in warnings)  # the claimed identity is personal and may be forged
    # Even with a valid form from a page the proxy served, an action from elsewhere is refused.
    token = csrf_token(_get(client, "/admin/sso/kth", PROXY).get_data(as_text=True))
    refused = _post(client, "/admin/sso/kth/pause", ELSEWHERE, {"csrf_token": token})
    assert refused.status_code == 403
    with Session(sso_tool.extensions["kursadmin.engine"]) as db:
        assert db.get(InstitutionControlRow, "kth") is None


def test_without_web_sso_nobody_gets_in_that_way(
    platform: SandboxPlatform, engine: Engine, database_url: str, canvas_url: str
) -> None:
    client = tool_client(_tool(platform, database_url, canvas_url, sso=None))
    for path in ("/admin", "/admin/sso/kth"):
        resp = _get(client, path, PROXY)
        assert resp.status_code == 403
        assert "Sign-in outside Canvas is not enabled" in resp.get_data(as_text=True)


def test_a_forwarded_for_header_does_not_make_a_stranger_the_proxy(
    platform: SandboxPlatform, engine: Engine, database_url: str, canvas_url: str
) -> None:
    client = tool_client(_tool(platform, database_url, canvas_url, proxy_fix=1))
    forged = client.get(
        "/admin/sso/kth",
        headers={"eppn": OPERATOR, "X-Forwarded-For": PROXY},
        environ_overrides={"REMOTE_ADDR": ELSEWHERE},
    )
    assert forged.status_code == 403
    # Behind the real proxy, the browser's own address in X-Forwarded-For changes nothing.
    through_proxy = client.get(
        "/admin/sso/kth",
        headers={"eppn": OPERATOR, "X-Forwarded-For": "198.51.100.7"},
        environ_overrides={"REMOTE_ADDR": PROXY},
    )
    assert through_proxy.status_code == 200


@pytest.mark.parametrize(
    ("identity", "reason"),
    [
        (None, "sent no identity"),
        ("  ", "sent no identity"),
        ("student@kth.se", "not an administrator of any institution"),
    ],
)
def test_no_identity_or_one_that_administers_nothing_is_refused(
    sso_tool: Flask, identity: str | None, reason: str
) -> None:
    resp = _get(tool_client(sso_tool), "/admin/sso/kth", "192.168.10.20", identity)
    assert resp.status_code == 403 and reason in resp.get_data(as_text=True)


def test_an_identity_reaches_only_the_institutions_it_administers(sso_tool: Flask) -> None:
    client = tool_client(sso_tool)
    assert _get(client, "/admin/sso/kth", PROXY, "uu-ops@uu.se").status_code == 403
    assert _get(client, "/admin/sso/uu", PROXY, "UU-Ops@uu.se").status_code == 200
    both = _get(client, "/admin/sso/uu", PROXY, "both@sunet.se").get_data(as_text=True)
    assert 'href="/admin/sso/kth"' in both and 'aria-current="page">uu<' in both


def test_refusals_are_in_swedish_for_a_swedish_browser(sso_tool: Flask) -> None:
    resp = tool_client(sso_tool).get(
        "/admin/sso/kth",
        headers={"eppn": OPERATOR, "Accept-Language": "sv-SE,sv;q=0.9"},
        environ_overrides={"REMOTE_ADDR": ELSEWHERE},
    )
    html = resp.get_data(as_text=True)
    assert '<html lang="sv">' in html and "nås utanför Canvas bara genom lärosätets inloggning (SSO)" in html


def test_an_sso_admin_approves_a_request_and_the_trail_names_them(sso_tool: Flask) -> None:
    engine, offering, request_id = _requested(sso_tool)
    client = tool_client(sso_tool)
    html = _get(client, "/admin/sso/kth", PROXY).get_data(as_text=True)
    assert f'name="request_id" value="{request_id}"' in html
    resp = _post(client, "/admin/sso/kth/approve", PROXY, {"request_id": request_id, "csrf_token": csrf_token(html)})
    assert resp.status_code == 303
    with Session(engine) as db:
        assert [r.offering_uid for r in db.scalars(select(CoReadingLinkRow))] == [offering]
        assert [(a.change, a.by) for a in db.scalars(select(CourseAuditRow).order_by(CourseAuditRow.id))] == [
            ("link_requested", "canvas:501"),
            ("link_approved", f"sso:{OPERATOR}"),
        ]
    page = _get(client, resp.headers["Location"], PROXY).get_data(as_text=True)
    assert f"{OPERATOR} (SSO)" in page


def test_an_admin_of_another_institution_cannot_decide_its_requests(sso_tool: Flask) -> None:
    engine, _offering, request_id = _requested(sso_tool)
    client = tool_client(sso_tool)
    html = _get(client, "/admin/sso/uu", PROXY, "uu-ops@uu.se").get_data(as_text=True)
    resp = _post(
        client,
        "/admin/sso/uu/approve",
        PROXY,
        {"request_id": request_id, "csrf_token": csrf_token(html)},
        "uu-ops@uu.se",
    )
    assert resp.status_code == 409
    with Session(engine) as db:
        assert db.scalars(select(CoReadingLinkRow)).first() is None


def test_sso_forms_need_the_csrf_token(sso_tool: Flask) -> None:
    resp = _post(tool_client(sso_tool), "/admin/sso/kth/pause", PROXY, {})
    assert resp.status_code == 400 and "security token" in resp.get_data(as_text=True)

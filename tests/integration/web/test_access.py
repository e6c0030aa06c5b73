"""Who reaches what (docs/rules.md §7): root-account admins operate the adapter; sub-account admins, teachers,
TAs, students and observers do not; in a course, everyone is judged by their role in that course."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.config import AppConfig
from app.sandbox.canvas import DEFAULT_TOKEN
from app.sandbox.lti.personas import PERSONAS
from app.sandbox.lti.platform import SandboxPlatform
from app.store.course_tables import CoReadingLinkRow, LinkRequestRow
from app.store.lti_tables import LtiLaunchRow
from app.store.tables import InstitutionControlRow
from tests.integration.lti.harness import LaunchDriver, csrf_token, make_config, make_tool, seed_course, tool_client

OPERATOR_CONTROLS = ("Adapter status", ">Pause<", "Explain a student", "Co-reading requests")


def _launches(tool: Flask) -> int:
    with Session(tool.extensions["kursadmin.engine"]) as db:
        return db.scalar(select(func.count()).select_from(LtiLaunchRow)) or 0


def test_a_root_account_admin_gets_the_operator_controls(driver: LaunchDriver, tool: Flask) -> None:
    page = driver.launch_page("admin", None, placement="account_navigation")
    html = driver.client.get(page).get_data(as_text=True)
    assert all(control in html for control in OPERATOR_CONTROLS)
    resp = driver.client.post(f"{page}/pause", data={"csrf_token": csrf_token(html)})
    assert resp.status_code == 303
    with Session(tool.extensions["kursadmin.engine"]) as db:
        assert db.get(InstitutionControlRow, "kth").paused


@pytest.mark.parametrize("persona", ["subadmin", "teacher", "ta", "student", "designer", "observer"])
def test_anyone_else_is_refused_the_admin_view(driver: LaunchDriver, tool: Flask, persona: str) -> None:
    resp = driver.launch(persona, None, placement="account_navigation")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert "You have no access to the admin view" in html
    assert "Sub-account administrators have no access." in html
    assert not any(control in html for control in OPERATOR_CONTROLS)
    assert _launches(tool) == 0


def test_the_refusal_is_in_swedish_for_a_swedish_canvas(driver: LaunchDriver) -> None:
    resp = driver.launch("subadmin", None, "sv-SE", placement="account_navigation")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403 and '<html lang="sv">' in html
    assert "Du har inte tillgång till administrationsvyn" in html
    assert "Administratörer av underkonton har inte tillgång." in html


def test_a_sub_account_admin_is_judged_by_their_role_in_the_course(driver: LaunchDriver, tool: Flask) -> None:
    refused = driver.launch("subadmin", 101)
    assert refused.status_code == 403
    assert "teachers (not teaching assistants only) or the institution" in refused.get_data(as_text=True)
    assert _launches(tool) == 0


def test_a_sub_account_admin_who_teaches_the_course_is_its_teacher(
    driver: LaunchDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    teaching_admin = dataclasses.replace(
        PERSONAS["subadmin"], roles=(*PERSONAS["subadmin"].roles, *PERSONAS["teacher"].roles)
    )
    monkeypatch.setitem(PERSONAS, "subadmin", teaching_admin)
    assert driver.launch_page("subadmin", 101).startswith("/course/")


def test_a_root_admin_changes_any_course_and_links_without_asking_canvas(driver: LaunchDriver, tool: Flask) -> None:
    ids = seed_course(tool.extensions["kursadmin.engine"])
    page = driver.launch_page("admin", 101)
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    # The sandbox Canvas has no course for the offering, so nobody could show consent: only an admin links.
    resp = driver.client.post(f"{page}/link", data={"offering_uid": ids["other"], "csrf_token": token})
    assert resp.status_code == 303
    with Session(tool.extensions["kursadmin.engine"]) as db:
        assert [r.offering_uid for r in db.scalars(select(CoReadingLinkRow))] == [ids["other"]]
        assert db.scalars(select(LinkRequestRow)).first() is None


def test_a_course_launch_does_not_open_the_admin_view(driver: LaunchDriver) -> None:
    # A root admin's course launch is for the course page; the admin view needs an account launch.
    course_page = driver.launch_page("admin", 101)
    assert driver.client.get(course_page.replace("/course/", "/admin/")).status_code == 403


def test_a_canvas_user_named_in_the_configuration_is_an_admin(
    platform: SandboxPlatform, database_url: str, engine: Engine, canvas_url: str
) -> None:
    config = make_config(platform, database_url, canvas=(canvas_url, DEFAULT_TOKEN))
    inst = config.institutions[0].model_copy(update={"canvas_admin_user_ids": (PERSONAS["subadmin"].canvas_user_id,)})
    tool = make_tool(dataclasses.replace(config, institutions=(inst,)))
    driver = LaunchDriver(platform, tool_client(tool))
    page = driver.launch_page("subadmin", None, placement="account_navigation")
    assert all(control in driver.client.get(page).get_data(as_text=True) for control in OPERATOR_CONTROLS)
    assert driver.launch_page("subadmin", 101).startswith("/course/")


def test_configured_admin_ids_of_another_institution_do_not_count(
    platform: SandboxPlatform, database_url: str, engine: Engine
) -> None:
    config: AppConfig = make_config(platform, database_url)
    other = config.institutions[0].model_copy(
        update={"id": "uu", "lti": (), "canvas_admin_user_ids": (PERSONAS["subadmin"].canvas_user_id,)}
    )
    tool = make_tool(dataclasses.replace(config, institutions=(*config.institutions, other)))
    driver = LaunchDriver(platform, tool_client(tool))
    assert driver.launch("subadmin", None, placement="account_navigation").status_code == 403

"""Sections: SIS ids, deletion rules and cross-listing that carries enrollments along."""

from __future__ import annotations

import datetime as dt

import httpx

from app.sandbox.canvas import CanvasSandbox
from tests.integration.sandbox.canvas.canvas_calls import create_course, create_user


def _section(api: httpx.Client, course: str, sis_id: str, **extra: str) -> httpx.Response:
    return api.post(
        f"/api/v1/courses/{course}/sections",
        data={"course_section[name]": sis_id, "course_section[sis_section_id]": sis_id, **extra},
    )


def test_sections_are_created_listed_and_found_by_sis_id(api: httpx.Client) -> None:
    create_course(api, "C1")
    created = _section(api, "sis_course_id:C1", "SEC-1").json()
    assert created["sis_course_id"] == "C1"
    assert [s["id"] for s in api.get("/api/v1/courses/sis_course_id:C1/sections").json()] == [created["id"]]
    assert api.get("/api/v1/sections/sis_section_id:SEC-1").json()["id"] == created["id"]


def test_duplicate_section_sis_id_is_rejected(api: httpx.Client) -> None:
    create_course(api, "C1")
    create_course(api, "C2")
    _section(api, "sis_course_id:C1", "SEC-1")
    response = _section(api, "sis_course_id:C2", "SEC-1")
    assert response.status_code == 400
    assert response.json()["errors"]["sis_source_id"][0]["message"] == 'SIS ID "SEC-1" is already in use'


def test_section_with_enrollments_cannot_be_deleted(api: httpx.Client) -> None:
    create_course(api, "C1")
    section = _section(api, "sis_course_id:C1", "SEC-1").json()
    user = create_user(api, "a@x.se", "S1")
    api.post(f"/api/v1/sections/{section['id']}/enrollments", data={"enrollment[user_id]": str(user["id"])})
    refused = api.delete(f"/api/v1/sections/{section['id']}")
    assert refused.status_code == 400
    assert refused.json() == {"message": "You can't delete a section that has enrollments"}


def test_deleted_section_is_gone_and_can_be_reactivated(api: httpx.Client) -> None:
    create_course(api, "C1")
    section = _section(api, "sis_course_id:C1", "SEC-1").json()
    assert api.delete(f"/api/v1/sections/{section['id']}").status_code == 200
    assert api.get("/api/v1/sections/sis_section_id:SEC-1").status_code == 404
    assert _section(api, "sis_course_id:C1", "SEC-1").status_code == 400
    revived = _section(api, "sis_course_id:C1", "SEC-1", enable_sis_reactivation="true").json()
    assert revived["id"] == section["id"]


def test_cross_listing_moves_the_section_and_its_enrollments(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    home = create_course(api, "HOME")
    target = create_course(api, "TARGET")
    section = _section(api, "sis_course_id:HOME", "SEC-1").json()
    user = create_user(api, "a@x.se", "S1")
    enrollment = api.post(
        f"/api/v1/sections/{section['id']}/enrollments", data={"enrollment[user_id]": "sis_user_id:S1"}
    ).json()
    moved = api.post("/api/v1/sections/sis_section_id:SEC-1/crosslist/sis_course_id:TARGET").json()
    assert (moved["course_id"], moved["nonxlist_course_id"]) == (target["id"], home["id"])
    in_target = api.get("/api/v1/courses/sis_course_id:TARGET/enrollments").json()
    expected = [(enrollment["id"], target["id"], user["id"])]
    assert [(e["id"], e["course_id"], e["user_id"]) for e in in_target] == expected
    assert api.get("/api/v1/courses/sis_course_id:HOME/enrollments").json() == []
    back = api.delete(f"/api/v1/sections/{section['id']}/crosslist").json()
    assert (back["course_id"], back["nonxlist_course_id"]) == (home["id"], None)
    assert sandbox.enrollments(user_id=user["id"])[0].course_id == home["id"]


def test_uncrosslisting_revives_a_deleted_home_course(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    home = create_course(api, "HOME")
    create_course(api, "TARGET")
    section = _section(api, "sis_course_id:HOME", "SEC-1").json()
    api.post(f"/api/v1/sections/{section['id']}/crosslist/sis_course_id:TARGET")
    api.delete(f"/api/v1/courses/{home['id']}", params={"event": "delete"})
    api.delete(f"/api/v1/sections/{section['id']}/crosslist")
    assert api.get("/api/v1/courses/sis_course_id:HOME").json()["workflow_state"] == "unpublished"


def test_unnamed_section_is_named_after_course_and_date() -> None:
    sandbox = CanvasSandbox(wall_clock=lambda: dt.datetime(2024, 9, 2, 8, 0, tzinfo=dt.UTC))
    course = sandbox.create_course("Fysik", "C1")
    with sandbox.client() as api:
        section = api.post(f"/api/v1/courses/{course}/sections", data={"course_section[sis_section_id]": "X"}).json()
    assert (section["name"], section["created_at"]) == ("Fysik 2024-09-02", "2024-09-02T08:00:00Z")


def test_uncrosslisting_a_home_section_is_an_error(api: httpx.Client) -> None:
    create_course(api, "C1")
    section = _section(api, "sis_course_id:C1", "SEC-1").json()
    response = api.delete(f"/api/v1/sections/{section['id']}/crosslist")
    assert (response.status_code, response.json()) == (400, {"message": "section is not cross-listed"})

"""Courses: creation rules, SIS ids that outlive deletion, reactivation, conclude and delete."""

from __future__ import annotations

import httpx

from app.sandbox.canvas import CanvasSandbox
from tests.integration.sandbox.canvas.canvas_calls import create_course, create_user, enroll


def test_course_is_created_in_a_term_given_by_sis_id(api: httpx.Client) -> None:
    term = api.post(
        "/api/v1/accounts/1/terms", data={"enrollment_term[name]": "HT2024", "enrollment_term[sis_term_id]": "HT2024"}
    ).json()
    course = create_course(api, "KURS-1", name="Programmering 1 HT24", **{"course[term_id]": "sis_term_id:HT2024"})
    assert course["enrollment_term_id"] == term["id"]
    assert course["course_code"] == "Programmering 1"
    assert course["workflow_state"] == "available"
    assert api.get("/api/v1/courses/sis_course_id:KURS-1").json()["id"] == course["id"]


def test_unknown_term_is_not_found(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/accounts/1/courses", data={"course[name]": "X", "course[term_id]": "sis_term_id:VT1999"}
    )
    assert response.status_code == 404


def test_dates_are_kept_only_with_restrict_enrollments_to_course_dates(api: httpx.Client) -> None:
    dates = {"course[start_at]": "2024-09-01T00:00:00Z", "course[end_at]": "2025-01-19T00:00:00Z"}
    loose = create_course(api, "A", **dates)
    strict = create_course(api, "B", **dates, **{"course[restrict_enrollments_to_course_dates]": "true"})
    assert (loose["start_at"], loose["end_at"]) == (None, None)
    assert (strict["start_at"], strict["end_at"]) == ("2024-09-01T00:00:00Z", "2025-01-19T00:00:00Z")


def test_unpublished_course_without_offer(api: httpx.Client) -> None:
    course = api.post("/api/v1/accounts/1/courses", data={"course[name]": "Draft"}).json()
    assert course["workflow_state"] == "unpublished"
    published = api.put(f"/api/v1/courses/{course['id']}", data={"course[event]": "offer"}).json()
    assert published["workflow_state"] == "available"


def test_duplicate_sis_course_id_is_rejected_with_canvas_body(api: httpx.Client) -> None:
    create_course(api, "KURS-1")
    response = api.post("/api/v1/accounts/1/courses", data={"course[name]": "Again", "course[sis_course_id]": "KURS-1"})
    assert response.status_code == 400
    message = 'SIS ID "KURS-1" is already in use'
    assert response.json() == {
        "errors": {"sis_source_id": [{"attribute": "sis_source_id", "type": message, "message": message}]}
    }


def test_reactivation_flag_does_not_adopt_a_live_course(api: httpx.Client) -> None:
    create_course(api, "KURS-1")
    again = api.post(
        "/api/v1/accounts/1/courses",
        data={"course[name]": "X", "course[sis_course_id]": "KURS-1", "enable_sis_reactivation": "true"},
    )
    assert again.status_code == 400
    assert again.json()["errors"]["sis_source_id"][0]["message"] == 'SIS ID "KURS-1" is already in use'


def test_deleted_course_keeps_its_sis_id_until_reactivated(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    course = create_course(api, "KURS-1", name="Original name")
    assert api.delete(f"/api/v1/courses/{course['id']}", params={"event": "delete"}).json() == {"delete": True}
    assert api.get("/api/v1/courses/sis_course_id:KURS-1").status_code == 404
    retry = {"course[name]": "New name", "course[sis_course_id]": "KURS-1"}
    assert api.post("/api/v1/accounts/1/courses", data=retry).status_code == 400
    revived = api.post("/api/v1/accounts/1/courses", data={**retry, "enable_sis_reactivation": "true"}).json()
    assert revived["id"] == course["id"]
    assert revived["workflow_state"] == "unpublished"
    assert revived["name"] == "Original name"
    assert sandbox.course_by_sis_id("KURS-1").workflow_state == "claimed"


def test_revived_course_stays_in_its_account(api: httpx.Client) -> None:
    # courses_controller.rb #create moves a revived course only to course[account_id], not to the URL's account.
    department = api.post("/api/v1/accounts/1/sub_accounts", data={"account[name]": "Dept"}).json()
    course = create_course(api, "KURS-1")
    api.delete(f"/api/v1/courses/{course['id']}", params={"event": "delete"})
    revived = api.post(
        f"/api/v1/accounts/{department['id']}/courses",
        data={"course[name]": "X", "course[sis_course_id]": "KURS-1", "enable_sis_reactivation": "true"},
    ).json()
    assert (revived["id"], revived["account_id"]) == (course["id"], 1)


def test_deleting_a_course_deletes_its_enrollments(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    course = create_course(api, "KURS-1")
    user = create_user(api, "a@x.se", "S1")
    enroll(api, str(course["id"]), str(user["id"]))
    api.delete(f"/api/v1/courses/{course['id']}", params={"event": "delete"})
    assert [e.workflow_state for e in sandbox.enrollments(course_id=course["id"])] == ["deleted"]


def test_concluding_a_course_completes_current_enrollments(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    course = create_course(api, "KURS-1")
    active = create_user(api, "a@x.se", "S1")
    inactive = create_user(api, "b@x.se", "S2")
    enroll(api, str(course["id"]), str(active["id"]))
    enroll(api, str(course["id"]), str(inactive["id"]), state="inactive")
    assert api.delete(f"/api/v1/courses/{course['id']}", params={"event": "conclude"}).json() == {"conclude": True}
    states = {e.user_id: e.workflow_state for e in sandbox.enrollments(course_id=course["id"])}
    assert states == {active["id"]: "completed", inactive["id"]: "inactive"}
    late = enroll(api, str(course["id"]), str(create_user(api, "c@x.se", "S3")["id"]))
    assert (late.status_code, late.json()) == (400, {"message": "Can't add an enrollment to a concluded course."})


def test_delete_without_event_is_refused(api: httpx.Client) -> None:
    course = create_course(api, "KURS-1")
    response = api.delete(f"/api/v1/courses/{course['id']}")
    assert (response.status_code, response.json()) == (
        400,
        {"message": 'Only "delete" and "conclude" events are allowed.'},
    )


def test_renaming_a_course_renames_its_default_section(api: httpx.Client) -> None:
    course = create_course(api, "KURS-1", name="Old")
    enroll(api, str(course["id"]), str(create_user(api, "a@x.se", "S1")["id"]))
    api.put(f"/api/v1/courses/{course['id']}", data={"course[name]": "New", "course[sis_course_id]": "KURS-2"})
    sections = api.get("/api/v1/courses/sis_course_id:KURS-2/sections").json()
    assert [s["name"] for s in sections] == ["New"]


def test_account_course_list_includes_sub_accounts_and_filters(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    department = sandbox.create_sub_account("Institution", "ORG-1")
    term = sandbox.create_term("HT2024", "HT2024")
    in_department = sandbox.create_course("Algebra", "ALG", account_id=department, term_id=term)
    at_root = sandbox.create_course("Biologi", "BIO")
    deleted = sandbox.create_course("Gone", "GONE")
    sandbox.delete_course(deleted)
    everything = [c["id"] for c in api.get("/api/v1/accounts/1/courses").json()]
    assert everything == [in_department, at_root]
    assert [c["id"] for c in api.get(f"/api/v1/accounts/{department}/courses").json()] == [in_department]
    by_term = api.get("/api/v1/accounts/1/courses", params={"enrollment_term_id": "sis_term_id:HT2024"}).json()
    assert [c["id"] for c in by_term] == [in_department]
    assert [c["id"] for c in api.get("/api/v1/accounts/1/courses", params={"search_term": "bio"}).json()] == [at_root]
    with_deleted = api.get("/api/v1/accounts/1/courses", params={"state[]": "all"}).json()
    assert deleted in [c["id"] for c in with_deleted]


def test_update_moves_a_course_to_another_account_and_refuses_an_unknown_one(
    api: httpx.Client, sandbox: CanvasSandbox
) -> None:
    course = create_course(api, "C1")
    archive = sandbox.create_sub_account("Arkiv")

    moved = api.put(f"/api/v1/courses/{course['id']}", data={"course[account_id]": str(archive)})
    unknown = api.put(f"/api/v1/courses/{course['id']}", data={"course[account_id]": "999999"})

    assert moved.json()["account_id"] == archive
    assert unknown.status_code == 404
    assert api.get(f"/api/v1/courses/{course['id']}").json()["account_id"] == archive

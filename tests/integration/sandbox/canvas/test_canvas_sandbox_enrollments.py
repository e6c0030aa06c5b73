"""Enrollments: Canvas's upsert, default states, task-based removal, reactivation and list filters."""

from __future__ import annotations

import httpx

from app.sandbox.canvas import CanvasSandbox
from tests.integration.sandbox.canvas.canvas_calls import create_course, create_user, enroll


def _setup(api: httpx.Client) -> tuple[dict, dict]:
    return create_course(api, "C1"), create_user(api, "a@x.se", "S1")


def test_posting_the_same_enrollment_twice_returns_the_existing_one(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    course, _ = _setup(api)
    first = enroll(api, "sis_course_id:C1", "sis_user_id:S1").json()
    second = enroll(api, "sis_course_id:C1", "sis_user_id:S1").json()
    assert second["id"] == first["id"]
    assert len(sandbox.enrollments(course_id=course["id"])) == 1


def test_upsert_moves_a_non_active_enrollment_to_the_requested_state(api: httpx.Client) -> None:
    _setup(api)
    first = enroll(api, "sis_course_id:C1", "sis_user_id:S1", state="inactive").json()
    again = enroll(api, "sis_course_id:C1", "sis_user_id:S1", state="active").json()
    assert (again["id"], again["enrollment_state"]) == (first["id"], "active")


def test_upsert_leaves_an_active_enrollment_active(api: httpx.Client) -> None:
    _setup(api)
    enroll(api, "sis_course_id:C1", "sis_user_id:S1")
    assert enroll(api, "sis_course_id:C1", "sis_user_id:S1", state="inactive").json()["enrollment_state"] == "active"


def test_deleted_enrollment_is_revived_by_posting_again(api: httpx.Client) -> None:
    course, _ = _setup(api)
    first = enroll(api, "sis_course_id:C1", "sis_user_id:S1").json()
    api.delete(f"/api/v1/courses/{course['id']}/enrollments/{first['id']}", params={"task": "delete"})
    again = enroll(api, "sis_course_id:C1", "sis_user_id:S1").json()
    assert (again["id"], again["enrollment_state"]) == (first["id"], "active")


def test_different_role_is_a_separate_enrollment(api: httpx.Client) -> None:
    _setup(api)
    admitted = api.post("/api/v1/accounts/1/roles", data={"label": "Antagen", "base_role_type": "StudentEnrollment"})
    role_id = admitted.json()["id"]
    plain = enroll(api, "sis_course_id:C1", "sis_user_id:S1").json()
    custom = enroll(api, "sis_course_id:C1", "sis_user_id:S1", **{"enrollment[role_id]": str(role_id)}).json()
    assert custom["id"] != plain["id"]
    assert (custom["role"], custom["role_id"], custom["type"]) == ("Antagen", role_id, "StudentEnrollment")


def test_role_of_an_unrelated_sub_account_is_invalid(api: httpx.Client) -> None:
    # Account#valid_role?: a course may use built-in roles and those of its account or the accounts above.
    _setup(api)
    elsewhere = api.post("/api/v1/accounts/1/sub_accounts", data={"account[name]": "Other"}).json()
    foreign = api.post(
        f"/api/v1/accounts/{elsewhere['id']}/roles", data={"label": "Gäst", "base_role_type": "StudentEnrollment"}
    ).json()
    response = enroll(api, "sis_course_id:C1", "sis_user_id:S1", **{"enrollment[role_id]": str(foreign["id"])})
    assert (response.status_code, response.json()) == (400, {"message": "Invalid role"})
    placed = api.post(f"/api/v1/accounts/{elsewhere['id']}/courses", data={"course[name]": "C2"}).json()
    inside = enroll(api, str(placed["id"]), "sis_user_id:S1", **{"enrollment[role_id]": str(foreign["id"])})
    assert (inside.status_code, inside.json()["role_id"]) == (200, foreign["id"])


def test_default_state_depends_on_publication_and_type(api: httpx.Client) -> None:
    draft = api.post("/api/v1/accounts/1/courses", data={"course[name]": "Draft"}).json()
    user = create_user(api, "a@x.se", "S1")
    base = {"enrollment[user_id]": str(user["id"])}
    student = api.post(f"/api/v1/courses/{draft['id']}/enrollments", data=base).json()
    teacher = api.post(
        f"/api/v1/courses/{draft['id']}/enrollments", data={**base, "enrollment[type]": "TeacherEnrollment"}
    ).json()
    assert (student["enrollment_state"], teacher["enrollment_state"]) == ("creation_pending", "invited")


def test_enrollment_json_carries_sis_ids_and_user(api: httpx.Client) -> None:
    course, user = _setup(api)
    body = enroll(api, "sis_course_id:C1", "sis_user_id:S1").json()
    assert body["course_id"] == course["id"]
    assert (body["sis_course_id"], body["sis_user_id"]) == ("C1", "S1")
    assert (body["type"], body["role"], body["role_id"]) == ("StudentEnrollment", "StudentEnrollment", 3)
    assert body["user"]["id"] == user["id"]


NO_USER_MESSAGE = "Can't create an enrollment without a user. Include enrollment[user_id] to create an enrollment"


def test_bad_input_gives_canvas_messages(api: httpx.Client) -> None:
    _setup(api)
    cases = [
        ({}, 400, {"message": "No parameters given"}),
        (
            {"enrollment[type]": "StudentEnrollment"},
            400,
            {"message": NO_USER_MESSAGE},
        ),
        ({"enrollment[user_id]": "sis_user_id:S1", "enrollment[type]": "Boss"}, 400, {"message": "Invalid type"}),
        (
            {
                "enrollment[user_id]": "sis_user_id:S1",
                "enrollment[type]": "TeacherEnrollment",
                "enrollment[role_id]": "3",
            },
            400,
            {"message": "The specified type must match the base type for the role"},
        ),
        ({"enrollment[user_id]": "sis_user_id:S1", "enrollment[role_id]": "999"}, 400, {"message": "Invalid role"}),
        (
            {"enrollment[user_id]": "sis_user_id:NOPE"},
            404,
            {"errors": [{"message": "The specified resource does not exist."}]},
        ),
    ]
    for data, status, body in cases:
        response = api.post("/api/v1/courses/sis_course_id:C1/enrollments", data=data)
        assert (response.status_code, response.json()) == (status, body), data


def test_tasks_conclude_delete_and_inactivate(api: httpx.Client) -> None:
    course, _ = _setup(api)
    eid = enroll(api, "sis_course_id:C1", "sis_user_id:S1").json()["id"]
    url = f"/api/v1/courses/{course['id']}/enrollments/{eid}"
    assert api.delete(url, params={"task": "inactivate"}).json()["enrollment_state"] == "inactive"
    assert api.delete(url, params={"task": "deactivate"}).json()["enrollment_state"] == "inactive"
    assert api.delete(url).json()["enrollment_state"] == "completed"
    assert api.delete(url, params={"task": "delete"}).json()["enrollment_state"] == "deleted"
    assert api.delete(url, params={"task": "delete"}).status_code == 404


def test_reactivate_only_inactive_enrollments(api: httpx.Client) -> None:
    course, _ = _setup(api)
    eid = enroll(api, "sis_course_id:C1", "sis_user_id:S1").json()["id"]
    url = f"/api/v1/courses/{course['id']}/enrollments/{eid}"
    refused = api.put(f"{url}/reactivate")
    assert (refused.status_code, refused.json()) == (400, {"error": "enrollment not inactive"})
    api.delete(url, params={"task": "deactivate"})
    assert api.put(f"{url}/reactivate").json()["enrollment_state"] == "active"


def _states(api: httpx.Client, url: str, **params: object) -> list[str]:
    return sorted(e["enrollment_state"] for e in api.get(url, params=params).json())


def test_state_filters_and_defaults(api: httpx.Client) -> None:
    course = create_course(api, "C1")
    cid = course["id"]
    for n, state in enumerate(["active", "invited", "inactive", "active"]):
        user = create_user(api, f"u{n}@x.se", f"S{n}")
        eid = enroll(api, str(cid), str(user["id"]), state=state).json()["id"]
        if n == 3:
            api.delete(f"/api/v1/courses/{cid}/enrollments/{eid}", params={"task": "conclude"})
    url = f"/api/v1/courses/{cid}/enrollments"
    assert _states(api, url) == ["active", "inactive", "invited"]
    assert _states(api, url, **{"state[]": ["completed"]}) == ["completed"]
    assert _states(api, url, **{"state[]": ["active", "completed"]}) == ["active", "completed"]
    user_url = "/api/v1/users/sis_user_id:S2/enrollments"
    assert _states(api, user_url) == []
    assert _states(api, user_url, **{"state[]": ["inactive"]}) == ["inactive"]
    # Synthetic states only mean something when callers ask about themselves.
    assert _states(api, "/api/v1/users/sis_user_id:S0/enrollments", **{"state[]": ["current_and_invited"]}) == []


def test_synthetic_states_for_own_enrollments(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    course = create_course(api, "C1")
    enroll(api, str(course["id"]), str(sandbox.admin_user_id), state="invited")
    states = _states(api, "/api/v1/users/self/enrollments", **{"state[]": ["current_and_invited"]})
    assert states == ["invited"]


def test_type_role_user_and_sis_section_filters(api: httpx.Client) -> None:
    course = create_course(api, "C1")
    section = api.post(
        "/api/v1/courses/sis_course_id:C1/sections",
        data={"course_section[name]": "S", "course_section[sis_section_id]": "SEC"},
    ).json()
    student = create_user(api, "s@x.se", "S1")
    teacher = create_user(api, "t@x.se", "T1")
    enroll(api, str(course["id"]), str(student["id"]), **{"enrollment[course_section_id]": str(section["id"])})
    enroll(api, str(course["id"]), str(teacher["id"]), **{"enrollment[type]": "TeacherEnrollment"})
    url = "/api/v1/courses/sis_course_id:C1/enrollments"
    assert [e["user_id"] for e in api.get(url, params={"type[]": "TeacherEnrollment"}).json()] == [teacher["id"]]
    assert [e["user_id"] for e in api.get(url, params={"role_id[]": "3"}).json()] == [student["id"]]
    assert [e["user_id"] for e in api.get(url, params={"role[]": "StudentEnrollment"}).json()] == [student["id"]]
    assert [e["user_id"] for e in api.get(url, params={"user_id": "sis_user_id:T1"}).json()] == [teacher["id"]]
    assert [e["user_id"] for e in api.get(url, params={"sis_section_id[]": "SEC"}).json()] == [student["id"]]
    by_section = api.get("/api/v1/sections/sis_section_id:SEC/enrollments").json()
    assert [e["course_section_id"] for e in by_section] == [section["id"]]


def test_section_endpoint_enrolls_into_that_section(api: httpx.Client) -> None:
    create_course(api, "C1")
    section = api.post(
        "/api/v1/courses/sis_course_id:C1/sections",
        data={"course_section[name]": "S", "course_section[sis_section_id]": "SEC"},
    ).json()
    create_user(api, "a@x.se", "S1")
    body = api.post(
        "/api/v1/sections/sis_section_id:SEC/enrollments", data={"enrollment[user_id]": "sis_user_id:S1"}
    ).json()
    assert (body["course_section_id"], body["sis_section_id"]) == (section["id"], "SEC")


def test_section_endpoint_filters_by_user_and_refuses_an_unknown_one(api: httpx.Client) -> None:
    # course_index_enrollments passes user_id to user_index_enrollments, keeping the section condition.
    create_course(api, "C1")
    section = api.post(
        "/api/v1/courses/sis_course_id:C1/sections",
        data={"course_section[name]": "S", "course_section[sis_section_id]": "SEC"},
    ).json()
    first, second = create_user(api, "a@x.se", "S1"), create_user(api, "b@x.se", "S2")
    for user in (first, second):
        api.post(f"/api/v1/sections/{section['id']}/enrollments", data={"enrollment[user_id]": str(user["id"])})
    url = "/api/v1/sections/sis_section_id:SEC/enrollments"

    assert [e["user_id"] for e in api.get(url, params={"user_id": "sis_user_id:S2"}).json()] == [second["id"]]
    assert [e["user_id"] for e in api.get(url, params={"user_id": str(first["id"])}).json()] == [first["id"]]
    assert api.get(url, params={"user_id": "sis_user_id:NOBODY"}).status_code == 404

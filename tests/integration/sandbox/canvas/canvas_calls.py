"""Small helpers for sandbox tests: the Canvas calls most tests start with."""

from __future__ import annotations

import httpx


def create_user(api: httpx.Client, login: str, sis_id: str | None = None, name: str = "Test Person") -> dict:
    """POST a user and return its JSON (asserting success)."""
    data = {"user[name]": name, "pseudonym[unique_id]": login}
    if sis_id:
        data["pseudonym[sis_user_id]"] = sis_id
    response = api.post("/api/v1/accounts/1/users", data=data)
    assert response.status_code == 200, response.text
    return response.json()


def create_course(api: httpx.Client, sis_id: str, name: str = "Course", **extra: str) -> dict:
    """POST a published course and return its JSON (asserting success)."""
    data = {"course[name]": name, "course[sis_course_id]": sis_id, "offer": "true", **extra}
    response = api.post("/api/v1/accounts/1/courses", data=data)
    assert response.status_code == 200, response.text
    return response.json()


def enroll(api: httpx.Client, course: str, user: str, state: str = "active", **extra: str) -> httpx.Response:
    """POST an enrollment to /courses/:course/enrollments."""
    data = {
        "enrollment[user_id]": user,
        "enrollment[type]": "StudentEnrollment",
        "enrollment[enrollment_state]": state,
        **extra,
    }
    return api.post(f"/api/v1/courses/{course}/enrollments", data=data)

"""Accounts, sub-accounts, terms, roles and conversations."""

from __future__ import annotations

import httpx

from app.sandbox.canvas import CanvasSandbox
from tests.integration.sandbox.canvas.canvas_calls import create_user


def test_root_account_exists_at_start(api: httpx.Client) -> None:
    root = api.get("/api/v1/accounts/1").json()
    assert (root["id"], root["parent_account_id"], root["root_account_id"]) == (1, None, None)


def test_sub_accounts_by_sis_id(api: httpx.Client) -> None:
    created = api.post(
        "/api/v1/accounts/1/sub_accounts",
        data={"account[name]": "Institutionen för data", "account[sis_account_id]": "ORG-1"},
    ).json()
    assert (created["parent_account_id"], created["root_account_id"]) == (1, 1)
    assert api.get("/api/v1/accounts/sis_account_id:ORG-1").json()["id"] == created["id"]
    nested = api.post("/api/v1/accounts/sis_account_id:ORG-1/sub_accounts", data={"account[name]": "Avdelning"}).json()
    assert [a["id"] for a in api.get("/api/v1/accounts/1/sub_accounts").json()] == [created["id"]]
    recursive = api.get("/api/v1/accounts/1/sub_accounts", params={"recursive": "true"}).json()
    assert [a["id"] for a in recursive] == [created["id"], nested["id"]]
    duplicate = api.post(
        "/api/v1/accounts/1/sub_accounts", data={"account[name]": "Again", "account[sis_account_id]": "ORG-1"}
    )
    assert duplicate.status_code == 400
    renamed = api.put(f"/api/v1/accounts/{created['id']}", data={"account[name]": "Data"}).json()
    assert renamed["name"] == "Data"


def test_root_account_cannot_take_an_sis_id(api: httpx.Client) -> None:
    response = api.put("/api/v1/accounts/1", data={"account[sis_account_id]": "ROOT"})
    assert response.status_code == 400
    assert response.json()["errors"]["sis_source_id"][0]["message"] == "SIS IDs cannot be set on root accounts"


def test_terms_are_wrapped_and_found_by_sis_id(api: httpx.Client) -> None:
    created = api.post(
        "/api/v1/accounts/1/terms",
        data={
            "enrollment_term[name]": "HT 2024",
            "enrollment_term[sis_term_id]": "HT2024",
            "enrollment_term[start_at]": "2024-08-26T00:00:00Z",
        },
    ).json()
    api.post(
        "/api/v1/accounts/1/terms",
        data={"enrollment_term[name]": "VT 2025", "enrollment_term[start_at]": "2025-01-20T00:00:00Z"},
    )
    listing = api.get("/api/v1/accounts/1/terms").json()
    # start_at DESC with NULLs first, as PostgreSQL orders it
    assert [t["name"] for t in listing["enrollment_terms"]] == ["Default Term", "VT 2025", "HT 2024"]
    assert api.get("/api/v1/accounts/1/terms/sis_term_id:HT2024").json()["id"] == created["id"]
    sub = api.post("/api/v1/accounts/1/sub_accounts", data={"account[name]": "Sub"}).json()
    refused = api.get(f"/api/v1/accounts/{sub['id']}/terms")
    assert (refused.status_code, refused.json()) == (400, {"message": "Terms only belong to root_accounts."})
    updated = api.put(f"/api/v1/accounts/1/terms/{created['id']}", data={"enrollment_term[name]": "Hösten 2024"})
    assert updated.json()["name"] == "Hösten 2024"
    duplicate = api.post(
        "/api/v1/accounts/1/terms", data={"enrollment_term[name]": "X", "enrollment_term[sis_term_id]": "HT2024"}
    )
    assert duplicate.json()["errors"]["sis_source_id"][0]["message"] == 'SIS ID "HT2024" is already in use'


def test_term_name_filters_the_term_list(api: httpx.Client) -> None:
    # terms_controller.rb #index: `term_name` keeps only terms whose name contains it, case-insensitively.
    for name in ("HT2024", "VT2025", "ht2024-extra"):
        api.post("/api/v1/accounts/1/terms", data={"enrollment_term[name]": name})
    listing = api.get("/api/v1/accounts/1/terms", params={"term_name": "HT2024"}).json()
    assert sorted(t["name"] for t in listing["enrollment_terms"]) == ["HT2024", "ht2024-extra"]


def test_built_in_roles_and_custom_roles(api: httpx.Client) -> None:
    roles = {r["role"]: r for r in api.get("/api/v1/accounts/1/roles", params={"per_page": "50"}).json()}
    assert roles["StudentEnrollment"]["label"] == "Student"
    assert roles["TeacherEnrollment"]["base_role_type"] == "TeacherEnrollment"
    created = api.post("/api/v1/accounts/1/roles", data={"label": "Antagen", "base_role_type": "StudentEnrollment"})
    assert (created.json()["label"], created.json()["is_account_role"]) == ("Antagen", False)
    assert api.get(f"/api/v1/accounts/1/roles/{created.json()['id']}").json()["role"] == "Antagen"
    again = api.post("/api/v1/accounts/1/roles", data={"label": "Antagen", "base_role_type": "StudentEnrollment"})
    assert (again.status_code, again.json()) == (400, {"message": "role already exists"})
    unnamed = api.post("/api/v1/accounts/1/roles", data={"base_role_type": "StudentEnrollment"})
    assert (unnamed.status_code, unnamed.json()) == (400, {"message": "missing required parameter 'role'"})


def test_conversation_is_created_per_recipient(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    a = create_user(api, "a@x.se", "S1", name="Anna A")
    b = create_user(api, "b@x.se", "S2", name="Bo B")
    response = api.post(
        "/api/v1/conversations",
        data={
            "recipients[]": [str(a["id"]), str(b["id"])],
            "subject": "Avstängning",
            "body": "Du är avstängd.",
            "force_new": "true",
        },
    )
    assert response.status_code == 201
    conversations = response.json()
    assert sorted(c["audience"][0] for c in conversations) == [a["id"], b["id"]]
    assert not any(c["private"] for c in conversations)
    assert conversations[0]["subject"] == "Avstängning"
    assert len(sandbox.conversations()) == 2
    grouped = api.post(
        "/api/v1/conversations",
        data={"recipients[]": [str(a["id"]), str(b["id"])], "body": "Hej", "group_conversation": "true"},
    ).json()
    assert sorted(grouped[0]["audience"]) == sorted([a["id"], b["id"]])


def test_private_conversation_is_reused_unless_forced_new(api: httpx.Client) -> None:
    a = create_user(api, "a@x.se", "S1")
    first = api.post("/api/v1/conversations", data={"recipients[]": str(a["id"]), "body": "Ett"}).json()
    second = api.post("/api/v1/conversations", data={"recipients[]": str(a["id"]), "body": "Två"}).json()
    forced = api.post(
        "/api/v1/conversations", data={"recipients[]": str(a["id"]), "body": "Tre", "force_new": "true"}
    ).json()
    assert first[0]["id"] == second[0]["id"]
    assert second[0]["message_count"] == 2
    assert forced[0]["id"] != first[0]["id"]


def test_conversation_needs_a_body_and_known_recipients(api: httpx.Client) -> None:
    blank = api.post("/api/v1/conversations", data={"recipients[]": "1", "body": ""})
    assert (blank.status_code, blank.json()) == (400, [{"attribute": "body", "message": "blank"}])
    unknown = api.post("/api/v1/conversations", data={"recipients[]": "999", "body": "Hej"})
    assert (unknown.status_code, unknown.json()) == (400, [{"attribute": "recipients", "message": "invalid"}])


def test_request_counts_use_route_templates(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    api.get("/api/v1/courses/1")
    api.get("/api/v1/courses/sis_course_id:X")
    counts = sandbox.request_counts()
    assert counts[("GET", "/api/v1/courses/:id")] == 2
    sandbox.reset_stats()
    assert sandbox.request_counts() == {}


def test_sent_scope_lists_what_the_caller_wrote(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    student = create_user(api, "a@x.se", "S1")
    api.post("/api/v1/conversations", data={"recipients[]": str(student["id"]), "subject": "Ämne", "body": "Hej"})
    sent = api.get("/api/v1/conversations", params={"scope": "sent"}).json()
    assert [c["subject"] for c in sent] == ["Ämne"]
    assert api.get("/api/v1/conversations").json() == []

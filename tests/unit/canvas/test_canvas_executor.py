"""The executor against a scripted Canvas: look-ups before creates, conflicts, stale ids, request counts."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from app.canvas.errors import CanvasConflict
from app.canvas.executor import execute
from app.canvas.known import KnownIds
from app.canvas.results import CourseResult, EnrollmentResult, MessageResult, RemovedResult, UserResult
from app.canvas.sis import in_path
from app.core.plan import (
    AccountSpec,
    CourseRef,
    CourseSpec,
    DesiredEnrollment,
    Enroll,
    EnsureCourse,
    EnsureUser,
    LedgerEnrollment,
    MessageTeachers,
    SectionSpec,
    SweepOtherSections,
    Unenroll,
    UserSpec,
)
from tests.unit.canvas.scripted_canvas import canvas_json, form_of, not_found, sis_taken

UID = "c0ffee00-0000-0000-0000-000000000001"
OFFERING = "0ff0ff00-0000-0000-0000-000000000002"
USER_PATH = f"/api/v1/users/{in_path('sis_user_id', UID)}"
COURSE_PATH = f"/api/v1/courses/{in_path('sis_course_id', OFFERING)}"
SECTION_PATH = f"/api/v1/sections/{in_path('sis_section_id', OFFERING)}"


def enrollment_json(
    enrollment_id: int, course_id: int, section_id: int, state: str = "active", sis_section_id: str | None = OFFERING
) -> dict:
    """An Enrollment as enrollment_json renders it (the fields we read)."""
    return {
        "id": enrollment_id,
        "course_id": course_id,
        "course_section_id": section_id,
        "user_id": 50,
        "type": "StudentEnrollment",
        "role_id": 3,
        "enrollment_state": state,
        "sis_section_id": sis_section_id,
    }


def user_op(**flags: bool) -> EnsureUser:
    """EnsureUser for the test student."""
    spec = UserSpec(sis_user_id=UID, name="Anna Andersson", login_id="anna@example.se", email="anna@example.se")
    return EnsureUser(spec, flags.get("name", True), flags.get("email", True), flags.get("login", True))


def course_op(overwrite: bool = True) -> EnsureCourse:
    """EnsureCourse for the test offering in organisation ORG."""
    course = CourseSpec(
        sis_course_id=OFFERING,
        name="Algebra",
        course_code="MA101 12345",
        start=dt.date(2024, 9, 2),
        end=dt.date(2025, 1, 19),
        term="HT2024",
        account=AccountSpec("ORG", "Matematik", parent_account_id=1),
        overwrite=overwrite,
    )
    return EnsureCourse(course, SectionSpec(OFFERING, "MA101:12345:HT2024", CourseRef(OFFERING)))


def test_new_user_is_created_with_login_and_sis_id(canvas, client):
    canvas.on("GET", USER_PATH, not_found())
    canvas.on("POST", "/api/v1/accounts/self/users", canvas_json(200, {"id": 50, "name": "Anna Andersson"}))

    result = execute(user_op(), client)

    assert result == UserResult(UID, 50, created=True)
    sent = form_of(canvas.sent[-1])
    assert sent["pseudonym[sis_user_id]"] == UID
    assert sent["pseudonym[unique_id]"] == "anna@example.se"
    assert sent["enable_sis_reactivation"] == "true"


def test_existing_login_without_sis_id_is_adopted_not_duplicated(canvas, client):
    taken = {
        "errors": {
            "user": {"pseudonyms": [{"attribute": "pseudonyms", "type": "invalid", "message": "invalid"}]},
            "pseudonym": {
                "unique_id": [
                    {
                        "attribute": "unique_id",
                        "type": "taken",
                        "message": "ID already in use for this account and authentication provider",
                    }
                ]
            },
            "observee": {},
            "pairing_code": {},
            "recaptcha": None,
        }
    }
    canvas.on("GET", USER_PATH, not_found())
    canvas.on("POST", "/api/v1/accounts/self/users", canvas_json(400, taken))
    canvas.on("GET", "/api/v1/accounts/self/users", canvas_json(200, [{"id": 77, "name": "Anna A"}]))
    canvas.on(
        "GET",
        "/api/v1/users/77/logins",
        canvas_json(
            200,
            [
                {"id": 700, "user_id": 77, "account_id": 1, "unique_id": "ANNA@example.se", "sis_user_id": None},
            ],
        ),
    )
    canvas.on("PUT", "/api/v1/accounts/1/logins/700", canvas_json(200, {"id": 700}))
    canvas.on(
        "GET",
        "/api/v1/users/77",
        canvas_json(
            200, {"id": 77, "name": "Anna Andersson", "login_id": "anna@example.se", "email": "anna@example.se"}
        ),
    )

    result = execute(user_op(), client)

    assert result == UserResult(UID, 77, adopted=True)
    adoption = next(s for s in canvas.sent if s.method == "PUT")
    assert form_of(adoption) == {"login[sis_user_id]": UID}
    assert canvas.paths("POST") == ["/api/v1/accounts/self/users"]


def test_a_login_owned_by_another_student_is_never_taken(canvas, client):
    taken = {
        "errors": {
            "pseudonym": {"unique_id": [{"attribute": "unique_id", "type": "taken", "message": "ID already in use"}]}
        }
    }
    canvas.on("GET", USER_PATH, not_found())
    canvas.on("POST", "/api/v1/accounts/self/users", canvas_json(400, taken))
    canvas.on("GET", "/api/v1/accounts/self/users", canvas_json(200, [{"id": 77}]))
    canvas.on(
        "GET",
        "/api/v1/users/77/logins",
        canvas_json(
            200,
            [
                {
                    "id": 700,
                    "user_id": 77,
                    "account_id": 1,
                    "unique_id": "anna@example.se",
                    "sis_user_id": "someone-else",
                },
            ],
        ),
    )

    with pytest.raises(CanvasConflict):
        execute(user_op(), client)
    assert canvas.paths("PUT") == []


def test_known_user_is_only_updated_where_it_differs(canvas, client):
    canvas.on(
        "GET",
        "/api/v1/users/50",
        canvas_json(
            200,
            {
                "id": 50,
                "name": "Anna Old",
                "login_id": "anna@example.se",
                "email": "anna@example.se",
                "sis_user_id": UID,
            },
        ),
    )
    canvas.on("PUT", "/api/v1/users/50", canvas_json(200, {"id": 50}))

    result = execute(user_op(), client, KnownIds(users={UID: 50}))

    assert result == UserResult(UID, 50, updated=True)
    assert [form_of(s) for s in canvas.sent if s.method == "PUT"] == [{"user[name]": "Anna Andersson"}]


def test_course_already_in_use_on_create_is_looked_up_and_used(canvas, client):
    term_path = f"/api/v1/accounts/self/terms/{in_path('sis_term_id', 'HT2024')}"
    course = {
        "id": 900,
        "name": "Algebra",
        "course_code": "MA101 12345",
        "workflow_state": "unpublished",
        "enrollment_term_id": 4,
        "account_id": 12,
        "start_at": "2024-09-02T00:00:00Z",
        "end_at": "2025-01-19T23:59:59Z",
    }
    canvas.on("GET", COURSE_PATH, not_found(), canvas_json(200, course))
    canvas.on("GET", term_path, canvas_json(200, {"id": 4, "name": "HT2024", "sis_term_id": "HT2024"}))
    canvas.on("GET", f"/api/v1/accounts/{in_path('sis_account_id', 'ORG')}", canvas_json(200, {"id": 12}))
    canvas.on("POST", "/api/v1/accounts/12/courses", sis_taken("sis_source_id", OFFERING))
    canvas.on("GET", SECTION_PATH, canvas_json(200, {"id": 31, "course_id": 900, "sis_section_id": OFFERING}))

    result = execute(course_op(), client)

    assert isinstance(result, CourseResult)
    assert (result.canvas_course_id, result.canvas_section_id, result.canvas_term_id) == (900, 31, 4)
    assert canvas.paths("PUT") == []  # what Canvas holds already matches


def test_new_course_goes_to_the_organisations_sub_account_with_term_and_section(canvas, client):
    term_path = f"/api/v1/accounts/self/terms/{in_path('sis_term_id', 'HT2024')}"
    canvas.on("GET", COURSE_PATH, not_found())
    canvas.on("GET", term_path, not_found())
    canvas.on("POST", "/api/v1/accounts/self/terms", canvas_json(200, {"id": 4}))
    canvas.on("GET", f"/api/v1/accounts/{in_path('sis_account_id', 'ORG')}", not_found())
    canvas.on("POST", "/api/v1/accounts/1/sub_accounts", canvas_json(200, {"id": 12}))
    canvas.on(
        "POST",
        "/api/v1/accounts/12/courses",
        canvas_json(200, {"id": 900, "workflow_state": "unpublished", "enrollment_term_id": 4, "account_id": 12}),
    )
    canvas.on(
        "PUT",
        "/api/v1/courses/900",
        canvas_json(
            200,
            {
                "id": 900,
                "workflow_state": "unpublished",
                "enrollment_term_id": 4,
                "account_id": 12,
                "start_at": "2024-09-02T00:00:00Z",
                "end_at": "2025-01-19T23:59:59Z",
            },
        ),
    )
    canvas.on("GET", SECTION_PATH, not_found())
    canvas.on("POST", "/api/v1/courses/900/sections", canvas_json(200, {"id": 31, "course_id": 900}))

    result = execute(course_op(overwrite=False), client)

    assert result.created and result.canvas_section_id == 31
    posts = {s.path: form_of(s) for s in canvas.sent if s.method == "POST"}
    assert posts["/api/v1/accounts/self/terms"] == {
        "enrollment_term[name]": "HT2024",
        "enrollment_term[sis_term_id]": "HT2024",
    }
    assert posts["/api/v1/accounts/1/sub_accounts"] == {"account[name]": "Matematik", "account[sis_account_id]": "ORG"}
    assert posts["/api/v1/accounts/12/courses"]["course[term_id]"] == "4"
    assert posts["/api/v1/accounts/12/courses"]["enable_sis_reactivation"] == "true"
    assert posts["/api/v1/courses/900/sections"]["course_section[sis_section_id]"] == OFFERING
    # Canvas drops dates on create unless enrollments are restricted to them, so they follow in a PUT.
    [dates] = [form_of(s) for s in canvas.sent if s.method == "PUT"]
    assert (dates["course[start_at]"], dates["course[end_at]"]) == ("2024-09-02T00:00:00Z", "2025-01-19T23:59:59Z")


def test_known_course_with_overwrite_is_one_put(canvas, client):
    canvas.on(
        "PUT",
        "/api/v1/courses/900",
        canvas_json(200, {"id": 900, "workflow_state": "available", "enrollment_term_id": 4, "account_id": 12}),
    )

    result = execute(course_op(), client, KnownIds(courses={OFFERING: 900}, sections={OFFERING: 31}))

    assert result.updated and result.workflow_state == "available"
    assert len(canvas.sent) == 1


def test_known_course_without_overwrite_is_never_written(canvas, client):
    canvas.on(
        "GET",
        "/api/v1/courses/900",
        canvas_json(200, {"id": 900, "name": "Hand-edited", "workflow_state": "available"}),
    )

    result = execute(course_op(overwrite=False), client, KnownIds(courses={OFFERING: 900}, sections={OFFERING: 31}))

    assert not result.updated
    assert canvas.paths("PUT") == []


def enroll_op(state: str = "active") -> Enroll:
    """Enroll the test student as registered in the offering's section."""
    return Enroll(UID, DesiredEnrollment(OFFERING, CourseRef(OFFERING), "registered", None, state))


def test_enroll_with_known_section_is_one_request(canvas, client):
    canvas.on("POST", "/api/v1/sections/31/enrollments", canvas_json(200, enrollment_json(5000, 900, 31)))

    result = execute(enroll_op(), client, KnownIds(sections={OFFERING: 31}))

    assert result == EnrollmentResult(UID, LedgerEnrollment(OFFERING, "registered", 5000, 900, "active"), 50, 31)
    assert len(canvas.sent) == 1
    assert form_of(canvas.sent[0]) == {
        "enrollment[user_id]": f"sis_user_id:{UID}",
        "enrollment[enrollment_state]": "active",
        "enrollment[notify]": "false",
        "enrollment[type]": "StudentEnrollment",
    }


def test_enroll_with_role_and_inactive_state(canvas, client):
    canvas.on("POST", SECTION_PATH + "/enrollments", canvas_json(200, enrollment_json(5000, 900, 31, "inactive")))
    op = Enroll(UID, DesiredEnrollment(OFFERING, CourseRef(OFFERING), "admitted", 22, "inactive"))

    result = execute(op, client)

    assert result.enrollment.state == "inactive"
    sent = form_of(canvas.sent[0])
    assert sent["enrollment[role_id]"] == "22" and "enrollment[type]" not in sent


def test_stale_known_section_falls_back_to_sis_id_once(canvas, client):
    canvas.on("POST", "/api/v1/sections/31/enrollments", not_found())
    canvas.on("POST", SECTION_PATH + "/enrollments", canvas_json(200, enrollment_json(5000, 901, 32)))

    result = execute(enroll_op(), client, KnownIds(sections={OFFERING: 31}))

    assert result.enrollment.canvas_course_id == 901 and result.canvas_section_id == 32
    assert canvas.paths() == ["/api/v1/sections/31/enrollments", SECTION_PATH + "/enrollments"]


def unenroll_op() -> Unenroll:
    """Unenroll the test student's registered enrollment 5000 in course 900."""
    return Unenroll(UID, LedgerEnrollment(OFFERING, "registered", 5000, 900, "active"))


def test_unenroll_is_one_delete(canvas, client):
    canvas.on(
        "DELETE", "/api/v1/courses/900/enrollments/5000", canvas_json(200, enrollment_json(5000, 900, 31, "deleted"))
    )

    result = execute(unenroll_op(), client)

    assert result == RemovedResult(UID, OFFERING, "registered", 5000)
    assert len(canvas.sent) == 1 and canvas.sent[0].query == {"task": ["delete"]}


def test_unenroll_follows_an_enrollment_cross_listed_to_another_course(canvas, client):
    canvas.on("DELETE", "/api/v1/courses/900/enrollments/5000", not_found())
    canvas.on(
        "GET",
        USER_PATH + "/enrollments",
        canvas_json(200, [enrollment_json(4000, 500, 20), enrollment_json(5000, 777, 31)]),
    )
    canvas.on("DELETE", "/api/v1/courses/777/enrollments/5000", canvas_json(200, enrollment_json(5000, 777, 31)))

    execute(unenroll_op(), client)

    assert canvas.paths("DELETE")[-1] == "/api/v1/courses/777/enrollments/5000"


def test_unenroll_of_an_enrollment_already_gone_succeeds(canvas, client):
    canvas.on("DELETE", "/api/v1/courses/900/enrollments/5000", not_found())
    canvas.on("GET", USER_PATH + "/enrollments", canvas_json(200, [enrollment_json(4000, 500, 20)]))

    assert execute(unenroll_op(), client) == RemovedResult(UID, OFFERING, "registered", 5000)


def test_sweep_removes_other_sections_including_manual_ones(canvas, client):
    canvas.on(
        "GET",
        "/api/v1/courses/900/enrollments",
        canvas_json(
            200,
            [
                enrollment_json(1, 900, 31, sis_section_id=OFFERING),
                enrollment_json(2, 900, 32, sis_section_id="old-offering"),
                enrollment_json(3, 900, 33, sis_section_id=None),
            ],
        ),
    )
    for enrollment_id in (2, 3):
        canvas.on(
            "DELETE",
            f"/api/v1/courses/900/enrollments/{enrollment_id}",
            canvas_json(200, enrollment_json(enrollment_id, 900, 30, "deleted")),
        )
    op = SweepOtherSections(UID, CourseRef(canvas_course_id=900), frozenset({OFFERING}), "delete")

    result = execute(op, client)

    assert [s.canvas_enrollment_id for s in result.swept] == [2, 3]
    assert canvas.sent[0].query["user_id"] == [f"sis_user_id:{UID}"]
    assert set(canvas.sent[0].query["state[]"]) >= {"active", "invited", "inactive", "completed"}


def test_message_goes_to_each_teacher_and_is_not_sent_twice_after_a_lost_answer(canvas, client):
    teachers = [
        enrollment_json(70, 900, 31) | {"user_id": 8, "type": "TeacherEnrollment"},
        enrollment_json(71, 900, 31) | {"user_id": 9, "type": "TeacherEnrollment"},
    ]
    canvas.on("GET", "/api/v1/courses/900/enrollments", canvas_json(200, teachers))
    canvas.on("POST", "/api/v1/conversations", httpx.ReadTimeout("lost"))
    canvas.on(
        "GET",
        "/api/v1/conversations",
        canvas_json(
            200,
            [
                {"id": 61, "subject": "Avstängning", "participants": [{"id": 1}, {"id": 8}]},
                {"id": 62, "subject": "Avstängning", "participants": [{"id": 1}, {"id": 9}]},
            ],
        ),
    )
    op = MessageTeachers(CourseRef(canvas_course_id=900), "S-1", UID, "Avstängning", "Studenten är avstängd.")

    result = execute(op, client)

    assert result == MessageResult(op.course, "S-1", UID, (8, 9), (61, 62))
    assert len(canvas.paths("POST")) == 1
    assert canvas.sent[0].query["type[]"] == ["TeacherEnrollment"]
    sent = form_of(canvas.sent[1])
    assert sent["recipients[]"] == ["8", "9"] and sent["group_conversation"] == "false"


def test_term_is_found_in_the_list_when_canvas_has_no_single_term_endpoint(canvas, client):
    term_path = f"/api/v1/accounts/self/terms/{in_path('sis_term_id', 'HT2024')}"
    canvas.on("GET", COURSE_PATH, not_found())
    canvas.on("GET", term_path, not_found())
    canvas.on("POST", "/api/v1/accounts/self/terms", sis_taken("sis_source_id", "HT2024"))
    canvas.on(
        "GET",
        "/api/v1/accounts/self/terms",
        canvas_json(
            200,
            {
                "enrollment_terms": [
                    {"id": 3, "name": "HT2024 old", "sis_term_id": None},
                    {"id": 4, "name": "HT2024", "sis_term_id": "HT2024"},
                ]
            },
        ),
    )
    canvas.on("GET", f"/api/v1/accounts/{in_path('sis_account_id', 'ORG')}", canvas_json(200, {"id": 12}))
    canvas.on(
        "POST",
        "/api/v1/accounts/12/courses",
        canvas_json(
            200,
            {
                "id": 900,
                "name": "Algebra",
                "course_code": "MA101 12345",
                "workflow_state": "unpublished",
                "enrollment_term_id": 4,
                "account_id": 12,
                "start_at": "2024-09-02T00:00:00Z",
                "end_at": "2025-01-19T23:59:59Z",
            },
        ),
    )
    canvas.on("GET", SECTION_PATH, canvas_json(200, {"id": 31, "course_id": 900}))

    result = execute(course_op(), client)

    assert result.canvas_term_id == 4
    assert form_of(next(s for s in canvas.sent if s.path == "/api/v1/accounts/12/courses"))["course[term_id]"] == "4"

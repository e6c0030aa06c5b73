"""Users, courses, sections, terms and sub-accounts made by the executor in the Canvas sandbox."""

from __future__ import annotations

from app.canvas.executor import execute
from app.canvas.known import KnownIds
from app.canvas.results import CourseResult, UserResult
from app.core.plan import CourseRef, EnsureSection, SectionSpec
from tests.integration.canvas.plan_examples import OFFERING, ORGANISATION, STUDENT, ensure_course, ensure_user


def test_student_account_is_created_once(sandbox_and_client):
    sandbox, client = sandbox_and_client

    first = execute(ensure_user(), client)
    second = execute(ensure_user(), client)

    user = sandbox.user_by_sis_id(STUDENT)
    assert user is not None and user.name == "Anna Andersson" and user.email == "anna@x.se"
    assert first.created and not second.created
    assert first.canvas_user_id == second.canvas_user_id == user.id
    assert [login.unique_id for login in sandbox.logins(user.id)] == ["anna.andersson"]


def test_existing_login_without_sis_id_is_linked_not_duplicated(sandbox_and_client):
    sandbox, client = sandbox_and_client
    existing = sandbox.create_user("Anna A", "anna.andersson")
    users_before = len(sandbox.users())

    result = execute(ensure_user(), client)

    assert result == UserResult(STUDENT, existing, adopted=True, updated=True)
    assert len(sandbox.users()) == users_before
    assert sandbox.logins(existing)[0].sis_user_id == STUDENT
    assert sandbox.user_by_sis_id(STUDENT).name == "Anna Andersson"


def test_name_email_and_login_follow_the_flags(sandbox_and_client):
    sandbox, client = sandbox_and_client
    execute(ensure_user(), client)

    execute(ensure_user(name="Anna Berg", login_id="anna.berg", email="berg@x.se", update=False), client)
    unchanged = sandbox.user_by_sis_id(STUDENT)
    execute(ensure_user(name="Anna Berg", login_id="anna.berg", email="berg@x.se"), client)
    changed = sandbox.user_by_sis_id(STUDENT)

    assert (unchanged.name, unchanged.email) == ("Anna Andersson", "anna@x.se")
    assert (changed.name, changed.email) == ("Anna Berg", "berg@x.se")
    assert [login.unique_id for login in sandbox.logins(changed.id)] == ["anna.berg"]


def test_admin_accounts_without_sis_id_are_left_alone(sandbox_and_client):
    sandbox, client = sandbox_and_client
    admin = sandbox.create_admin_user("Admin Person", "admin.person")

    execute(ensure_user(), client)

    assert sandbox.logins(admin)[0].sis_user_id is None
    assert next(u for u in sandbox.users() if u.id == admin).name == "Admin Person"


def test_course_is_created_with_term_sub_accounts_and_its_section(sandbox_and_client):
    sandbox, client = sandbox_and_client

    result = execute(ensure_course(), client)

    course = sandbox.course_by_sis_id(OFFERING)
    assert isinstance(result, CourseResult) and result.created
    assert course.id == result.canvas_course_id and course.name == "Linjär algebra"
    assert course.course_code == "SF1624 50123"
    assert (course.start_at, course.end_at) == ("2024-09-02T00:00:00Z", "2025-01-14T23:59:59Z")
    assert not course.restrict_enrollments_to_course_dates
    term = next(t for t in sandbox.terms() if t.id == course.enrollment_term_id)
    assert (term.name, term.sis_term_id, term.start_at, term.end_at) == ("HT2024", "HT2024", None, None)
    accounts = {a.id: a for a in sandbox.sub_accounts()}
    kurs = accounts[course.account_id]
    organisation = accounts[kurs.parent_account_id]
    assert kurs.name == "Kurs" and organisation.sis_account_id == ORGANISATION
    assert organisation.parent_account_id == 1
    assert (result.organisation_account_id, result.child_account_id) == (organisation.id, kurs.id)
    [section] = [s for s in sandbox.sections(course.id) if s.sis_section_id == OFFERING]
    assert section.id == result.canvas_section_id and section.name == "SF1624:50123:HT2024"


def test_ensuring_a_course_twice_makes_nothing_new(sandbox_and_client):
    sandbox, client = sandbox_and_client
    first = execute(ensure_course(), client)
    counts = (len(sandbox.courses()), len(sandbox.sections()), len(sandbox.terms()), len(sandbox.sub_accounts()))

    client.counter.reset()
    second = execute(ensure_course(), client)
    requests_for_repeat = client.counter.by_method()
    second_offering = execute(ensure_course(offering="another-offering"), client)

    assert (second.canvas_course_id, second.canvas_section_id) == (first.canvas_course_id, first.canvas_section_id)
    assert requests_for_repeat == {"GET": 2}  # found course and section unchanged: nothing written
    assert (len(sandbox.courses()), len(sandbox.sections()), len(sandbox.terms()), len(sandbox.sub_accounts())) == (
        counts[0] + 1,
        counts[1] + 1,
        counts[2],
        counts[3],
    )
    assert sandbox.course_by_sis_id("another-offering").account_id == sandbox.course_by_sis_id(OFFERING).account_id
    assert second_offering.canvas_term_id == first.canvas_term_id


def test_existing_kurs_child_is_reused(sandbox_and_client):
    sandbox, client = sandbox_and_client
    organisation = sandbox.create_sub_account("Matematik", ORGANISATION)
    kurs = sandbox.create_sub_account("Kurs", parent_id=organisation)

    execute(ensure_course(), client)

    assert sandbox.course_by_sis_id(OFFERING).account_id == kurs
    assert [a.name for a in sandbox.sub_accounts()].count("Kurs") == 1


def test_course_is_updated_only_when_overwrite_is_on(sandbox_and_client):
    sandbox, client = sandbox_and_client
    created = execute(ensure_course(), client)
    known = KnownIds(courses={OFFERING: created.canvas_course_id}, sections={OFFERING: created.canvas_section_id})

    execute(ensure_course(name="Hand kept", overwrite=False), client, known)
    kept = sandbox.course_by_sis_id(OFFERING).name
    execute(ensure_course(name="[INSTÄLLT] Linjär algebra"), client, known)

    assert kept == "Linjär algebra"
    assert sandbox.course_by_sis_id(OFFERING).name == "[INSTÄLLT] Linjär algebra"


def test_course_deleted_by_hand_is_revived(sandbox_and_client):
    sandbox, client = sandbox_and_client
    created = execute(ensure_course(), client)
    sandbox.delete_course(created.canvas_course_id)
    known = KnownIds(courses={OFFERING: created.canvas_course_id}, sections={OFFERING: created.canvas_section_id})

    revived = execute(ensure_course(), client, known)

    assert sandbox.course_by_sis_id(OFFERING) is not None
    assert revived.canvas_course_id == created.canvas_course_id


def test_section_cross_listed_by_hand_is_still_found(sandbox_and_client):
    sandbox, client = sandbox_and_client
    created = execute(ensure_course(), client)
    other = sandbox.create_course("Samläsning", "other-course")
    sandbox.crosslist(created.canvas_section_id, other)
    sections_before = len(sandbox.sections())

    again = execute(ensure_course(), client)

    assert again.canvas_section_id == created.canvas_section_id
    assert len(sandbox.sections()) == sections_before


def test_co_reading_section_is_made_in_the_target_course_once(sandbox_and_client):
    sandbox, client = sandbox_and_client
    target = sandbox.create_course("Samläsning", "target-course")
    section = SectionSpec(f"{OFFERING}:{target}", "SF1624:50123:HT2024", CourseRef(canvas_course_id=target))

    first = execute(EnsureSection(section), client)
    second = execute(EnsureSection(section), client)

    assert first.created and not second.created and first.canvas_section_id == second.canvas_section_id
    assert [s.sis_section_id for s in sandbox.sections(target)].count(section.sis_section_id) == 1


def test_known_term_and_accounts_make_a_new_course_without_look_ups(sandbox_and_client):
    sandbox, client = sandbox_and_client
    first = execute(ensure_course(), client)
    known = KnownIds(
        terms={"HT2024": first.canvas_term_id},
        accounts={ORGANISATION: first.organisation_account_id},
        child_accounts={(first.organisation_account_id, "Kurs"): first.child_account_id},
    )
    client.counter.reset()

    second = execute(ensure_course(offering="another-offering"), client, known)

    # look up the course, create it, set its dates, look up the section, create it: no term or account
    assert client.counter.total == 5
    assert sandbox.course_by_sis_id("another-offering").account_id == first.child_account_id
    assert second.canvas_term_id == first.canvas_term_id


def test_a_stale_known_user_id_never_edits_the_account_it_now_names(sandbox_and_client):
    sandbox, client = sandbox_and_client
    admin = sandbox.create_admin_user("Admin Person", "admin.person")

    result = execute(ensure_user(), client, KnownIds(users={STUDENT: admin}))

    assert result.created and result.canvas_user_id != admin
    assert next(u for u in sandbox.users() if u.id == admin).name == "Admin Person"

"""EnsureCourse and EnsureSection in Canvas: find by SIS id, create (with term and sub-accounts) or update."""

from __future__ import annotations

from app.canvas import accounts, courses, terms
from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasConflict, CanvasNotFound
from app.canvas.known import NOTHING_KNOWN, KnownIds
from app.canvas.refs import int_or_none
from app.canvas.results import (
    CourseResult,
    SectionResult,
)
from app.canvas.sis import in_path
from app.canvas.times import canvas_instant
from app.core.naming import with_cancelled_prefix
from app.core.plan import (
    AccountSpec,
    CourseRef,
    CourseSpec,
    EnsureCourse,
    EnsureSection,
    SectionSpec,
)


def ensure_course(op: EnsureCourse, client: CanvasClient, known: KnownIds) -> CourseResult:
    """Find, update (when the spec says overwrite) or create the course, then its own section."""
    spec = op.course
    course, updated = None, False
    placed: tuple[int | None, int | None] = (None, None)
    known_id = known.courses.get(spec.sis_course_id)
    if known_id is not None:
        course, updated = _refresh_course(client, str(known_id), spec, compare=False)
    if course is None:
        course, updated = _refresh_course(client, in_path("sis_course_id", spec.sis_course_id), spec, compare=True)
    created = course is None
    if course is None:
        try:
            course, placed = _create_course(client, spec, known)
        except CanvasNotFound:
            if known == NOTHING_KNOWN:
                raise
            course, placed = _create_course(client, spec, NOTHING_KNOWN)  # a known term or account id was stale
        if _course_differs(course, spec):
            # Canvas keeps no dates on create (see courses.create_course); a revived course keeps its old
            # name. Setting them now is part of creating, so it happens even without overwrite.
            course = courses.update_course(client, int(course["id"]), spec)
        wanted_account = placed[1] or placed[0] or spec.account.parent_account_id
        if int_or_none(course.get("account_id")) != wanted_account:
            # A revived course stays in the account it was deleted from (courses_controller.rb #create
            # moves it only to a course[account_id] sub-account); the rules place it like a new one.
            course = courses.move_course(client, int(course["id"]), wanted_account)
    section = _ensure_section(client, op.section, int(course["id"]), known)
    return CourseResult(
        sis_course_id=spec.sis_course_id,
        canvas_course_id=int(course["id"]),
        section_sis_id=op.section.sis_section_id,
        canvas_section_id=section.canvas_section_id,
        canvas_term_id=int_or_none(course.get("enrollment_term_id")),
        canvas_account_id=int_or_none(course.get("account_id")),
        workflow_state=str(course.get("workflow_state", "")),
        created=created,
        updated=updated,
        organisation_account_id=placed[0],
        child_account_id=placed[1],
    )


def _refresh_course(client: CanvasClient, ref: str, spec: CourseSpec, *, compare: bool) -> tuple[dict | None, bool]:
    # With a known id and overwrite on, the PUT alone both updates and proves the course exists: one
    # request. After a SIS look-up the course is in hand, so it is only written when it differs.
    if spec.overwrite and not compare:
        try:
            course = courses.update_course(client, int(ref), spec)
        except CanvasNotFound:
            return None, False
        return (None, False) if course.get("workflow_state") == "deleted" else (course, True)
    found = courses.get_course(client, ref)
    if found is None:
        return None, False
    course = found
    if not spec.overwrite:
        return _mark_cancelled(client, course, spec)
    if not _course_differs(course, spec):
        return course, False
    return courses.update_course(client, int(course["id"]), spec), True


def _mark_cancelled(client: CanvasClient, course: dict, spec: CourseSpec) -> tuple[dict, bool]:
    """Without overwrite the teacher's name, code and dates stay; the plan may still ask for the cancelled prefix."""
    name = str(course.get("name", ""))
    if not spec.prefix_cancelled or with_cancelled_prefix(name) == name:
        return course, False
    return courses.rename_course(client, int(course["id"]), with_cancelled_prefix(name)), True


def _course_differs(course: dict, spec: CourseSpec) -> bool:
    start, end = courses.course_times(spec)
    return (
        course.get("name") != spec.name
        or course.get("course_code") != spec.course_code
        or (start is not None and canvas_instant(course.get("start_at")) != canvas_instant(start))
        or (end is not None and canvas_instant(course.get("end_at")) != canvas_instant(end))
    )


def _create_course(
    client: CanvasClient, spec: CourseSpec, known: KnownIds
) -> tuple[dict, tuple[int | None, int | None]]:
    term_id = None
    if spec.term:
        term_id = known.terms.get(spec.term)
        if term_id is None:
            term_id = terms.find_or_create_term(client, spec.term)
    organisation_id, child_id = _course_accounts(client, spec.account, known)
    account_id = child_id or organisation_id or spec.account.parent_account_id
    try:
        course = courses.create_course(client, account_id, spec, term_id)
    except CanvasConflict:
        found = courses.get_course(client, in_path("sis_course_id", spec.sis_course_id))
        if found is None:
            raise
        course = found
    return course, (organisation_id, child_id)


def _course_accounts(client: CanvasClient, spec: AccountSpec, known: KnownIds) -> tuple[int | None, int | None]:
    """The organisation's sub-account and its "Kurs"/"Program" child, each None when the spec has none."""
    organisation_id = None
    if spec.organisation_uid:
        organisation_id = known.accounts.get(spec.organisation_uid)
        if organisation_id is None:
            organisation_id = accounts.find_or_create_sub_account(
                client,
                spec.parent_account_id,
                spec.organisation_uid,
                spec.organisation_name or spec.organisation_uid,
            )
    child_id = None
    if spec.child_name:
        parent = organisation_id if organisation_id is not None else spec.parent_account_id
        child_id = known.child_accounts.get((parent, spec.child_name))
        if child_id is None:
            child_id = accounts.find_or_create_child(client, parent, spec.child_name)
    return organisation_id, child_id


def _ensure_section(client: CanvasClient, spec: SectionSpec, course_id: int, known: KnownIds) -> SectionResult:
    known_id = known.sections.get(spec.sis_section_id)
    if known_id is not None:
        return SectionResult(spec.sis_section_id, known_id, course_id)
    return _find_or_create_section(client, spec, course_id)


def _find_or_create_section(client: CanvasClient, spec: SectionSpec, course_id: int) -> SectionResult:
    # Found by SIS id wherever it is: a section cross-listed by hand into another course still counts.
    found = courses.get_section(client, in_path("sis_section_id", spec.sis_section_id))
    if found is not None:
        return SectionResult(spec.sis_section_id, int(found["id"]), int(found["course_id"]))
    try:
        created = courses.create_section(client, course_id, spec)
    except CanvasConflict:
        found = courses.get_section(client, in_path("sis_section_id", spec.sis_section_id))
        if found is None:
            raise
        return SectionResult(spec.sis_section_id, int(found["id"]), int(found["course_id"]))
    return SectionResult(spec.sis_section_id, int(created["id"]), int(created["course_id"]), created=True)


def ensure_section(op: EnsureSection, client: CanvasClient, known: KnownIds) -> SectionResult:
    """Find the section by SIS id anywhere, else create it in the course the spec names."""
    spec = op.section
    known_id = known.sections.get(spec.sis_section_id)
    if known_id is not None:
        found = courses.get_section(client, str(known_id))
        if found is not None:
            return SectionResult(spec.sis_section_id, int(found["id"]), int(found["course_id"]))
    return _find_or_create_section(client, spec, _course_id(client, spec.course, known))


def _course_id(client: CanvasClient, ref: CourseRef, known: KnownIds) -> int:
    if ref.canvas_course_id is not None:
        return ref.canvas_course_id
    sis = str(ref.sis_course_id)
    if sis in known.courses:
        return known.courses[sis]
    course = courses.get_course(client, in_path("sis_course_id", sis))
    if course is None:
        raise CanvasNotFound(404, f"no course with SIS id {sis}")
    return int(course["id"])

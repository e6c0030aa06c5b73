"""Course and section operations (courses_controller, sections_controller, course.rb, course_section.rb)."""

from __future__ import annotations

from dataclasses import dataclass

from app.sandbox.canvas.errors import ApiError, bad_request_message, sis_id_taken
from app.sandbox.canvas.state import CanvasState, Course, Section


@dataclass(frozen=True)
class NewCourse:
    """What POST /accounts/:id/courses carries."""

    name: str | None = None
    course_code: str | None = None
    sis_course_id: str | None = None
    term_id: int | None = None
    start_at: str | None = None
    end_at: str | None = None
    restrict_enrollments_to_course_dates: bool = False
    offer: bool = False
    enable_sis_reactivation: bool = False


def default_course_code(name: str) -> str:
    """Course#infer_defaults: the first word plus the first later word containing a digit."""
    words = name.split()
    if not words:
        return name
    with_digit = next((w for w in words[1:] if any(ch.isdigit() for ch in w)), None)
    return " ".join(w for w in (words[0], with_digit) if w)


def _sis_course_taken(state: CanvasState, root_id: int, sis_id: str, exclude_id: int | None = None) -> bool:
    # root_account.all_courses includes deleted courses, so a deleted course keeps its SIS id reserved.
    return any(
        c.sis_course_id == sis_id and c.root_account_id == root_id and c.id != exclude_id
        for c in state.courses.values()
    )


def create_course(state: CanvasState, account_id: int, new: NewCourse) -> Course:
    """CoursesController#create, including enable_sis_reactivation of a deleted course."""
    root_id = state.root_of(account_id)
    if new.sis_course_id and new.enable_sis_reactivation:
        for course in state.courses.values():
            if (
                course.root_account_id == root_id
                and course.sis_course_id == new.sis_course_id
                and course.workflow_state == "deleted"
            ):
                # Only the state changes: the revived course keeps its old name, dates and account. #create
                # moves it only to @sub_account, which comes from course[account_id], never from the URL.
                course.workflow_state = "claimed"
                return course
    if new.sis_course_id and _sis_course_taken(state, root_id, new.sis_course_id):
        raise sis_id_taken("sis_source_id", new.sis_course_id)
    name = (new.name or "").strip() or "Unnamed Course"
    # "If Term enrollment is specified, don't allow setting enrollment dates" (CoursesController#create).
    keep_dates = new.restrict_enrollments_to_course_dates
    course = Course(
        id=state.next_id("courses"),
        account_id=account_id,
        root_account_id=root_id,
        enrollment_term_id=new.term_id or state.default_term_id(root_id),
        name=name,
        course_code=new.course_code or default_course_code(name),
        sis_course_id=new.sis_course_id or None,
        created_at=state.timestamp(),
        start_at=new.start_at if keep_dates else None,
        end_at=new.end_at if keep_dates else None,
        restrict_enrollments_to_course_dates=new.restrict_enrollments_to_course_dates,
        workflow_state="available" if new.offer else "claimed",
    )
    state.courses[course.id] = course
    return course


def set_course_sis_id(state: CanvasState, course: Course, sis_id: str | None) -> None:
    """Change a course's SIS id, keeping it unique within the root account."""
    if sis_id and _sis_course_taken(state, course.root_account_id, sis_id, exclude_id=course.id):
        raise sis_id_taken("sis_source_id", sis_id)
    course.sis_course_id = sis_id or None


def rename_course(state: CanvasState, course: Course, name: str) -> None:
    """Course#update_course_section_names: default sections take the new name, others swap the old one."""
    old = course.name
    course.name = name
    for section in state.sections.values():
        if section.course_id == course.id:
            section.name = name if section.default_section else section.name.replace(old, name)


def apply_course_event(state: CanvasState, course: Course, event: str) -> None:
    """course[event] on PUT /courses/:id: offer, claim, conclude, delete, undelete."""
    if event == "offer":
        course.workflow_state = "available"
    elif event == "claim":
        course.workflow_state = "claimed"
    elif event == "conclude":
        conclude_course(state, course)
    elif event == "delete":
        delete_course(state, course)
    elif event == "undelete":
        course.workflow_state = "claimed"


def conclude_course(state: CanvasState, course: Course) -> None:
    """Course#complete: active and invited enrollments become completed (Course#update_enrolled_users)."""
    course.workflow_state = "completed"
    now = state.timestamp()
    for enrollment in state.enrollments.values():
        if enrollment.course_id == course.id and enrollment.workflow_state in ("active", "invited"):
            enrollment.workflow_state = "completed"
            enrollment.updated_at = now


def delete_course(state: CanvasState, course: Course) -> None:
    """Course#destroy: the course and all its enrollments are soft-deleted (Course#update_enrolled_users).

    The SIS id stays taken until the course is revived with enable_sis_reactivation.
    """
    course.workflow_state = "deleted"
    now = state.timestamp()
    for enrollment in state.enrollments.values():
        if enrollment.course_id == course.id and enrollment.workflow_state != "deleted":
            enrollment.workflow_state = "deleted"
            enrollment.updated_at = now


def default_section(state: CanvasState, course: Course) -> Section:
    """Course#default_section: the active default section, created on first need and named after the course."""
    for section in state.sections.values():
        if section.course_id == course.id and section.default_section and section.workflow_state == "active":
            return section
    section = Section(
        id=state.next_id("sections"),
        course_id=course.id,
        root_account_id=course.root_account_id,
        name=course.name,
        sis_section_id=None,
        created_at=state.timestamp(),
        default_section=True,
    )
    state.sections[section.id] = section
    return section


def _sis_section_taken(state: CanvasState, root_id: int, sis_id: str, exclude_id: int | None = None) -> bool:
    return any(
        s.sis_section_id == sis_id and s.root_account_id == root_id and s.id != exclude_id
        for s in state.sections.values()
    )


def create_section(
    state: CanvasState,
    course: Course,
    name: str | None,
    sis_section_id: str | None,
    enable_sis_reactivation: bool = False,
) -> Section:
    """SectionsController#create; reactivation looks only in this course (course_sections)."""
    if sis_section_id and enable_sis_reactivation:
        for section in state.sections.values():
            if (
                section.course_id == course.id
                and section.sis_section_id == sis_section_id
                and section.workflow_state == "deleted"
            ):
                section.workflow_state = "active"
                return section
    if sis_section_id and _sis_section_taken(state, course.root_account_id, sis_section_id):
        raise sis_id_taken("sis_source_id", sis_section_id)
    # CourseSection#infer_defaults names an unnamed section after its course and today's date.
    default_name = f"{course.name} {state.wall_clock().date().isoformat()}"
    section = Section(
        id=state.next_id("sections"),
        course_id=course.id,
        root_account_id=course.root_account_id,
        name=(name or "").strip() or default_name,
        sis_section_id=sis_section_id or None,
        created_at=state.timestamp(),
    )
    state.sections[section.id] = section
    return section


def set_section_sis_id(state: CanvasState, section: Section, sis_id: str | None) -> None:
    """Change a section's SIS id, keeping it unique within the root account."""
    if sis_id and _sis_section_taken(state, section.root_account_id, sis_id, exclude_id=section.id):
        raise sis_id_taken("sis_source_id", sis_id)
    section.sis_section_id = sis_id or None


def delete_section(state: CanvasState, section: Section) -> None:
    """SectionsController#destroy: refused while the section has enrollments (CourseSection#deletable?)."""
    if any(
        e.course_section_id == section.id and e.workflow_state not in ("deleted", "rejected")
        for e in state.enrollments.values()
    ):
        raise ApiError(400, {"message": "You can't delete a section that has enrollments"})
    destroy_section(state, section)


def destroy_section(state: CanvasState, section: Section) -> None:
    """CourseSection#destroy: the section and its remaining enrollments are soft-deleted."""
    section.workflow_state = "deleted"
    now = state.timestamp()
    for enrollment in state.enrollments.values():
        if enrollment.course_section_id == section.id and enrollment.workflow_state != "deleted":
            enrollment.workflow_state = "deleted"
            enrollment.updated_at = now


def crosslist_section(state: CanvasState, section: Section, new_course: Course) -> None:
    """CourseSection#crosslist_to_course: remember the home course once, then move there."""
    if new_course.id == section.course_id:
        return
    if section.nonxlist_course_id is None:
        section.nonxlist_course_id = section.course_id
    _move_to_course(state, section, new_course)


def uncrosslist_section(state: CanvasState, section: Section) -> None:
    """CourseSection#uncrosslist: back to the home course (revived if it was deleted), enrollments with it."""
    if section.nonxlist_course_id is None:
        raise bad_request_message("section is not cross-listed")
    home = state.courses[section.nonxlist_course_id]
    if home.workflow_state == "deleted":
        home.workflow_state = "claimed"
    section.nonxlist_course_id = None
    _move_to_course(state, section, home)


def _move_to_course(state: CanvasState, section: Section, course: Course) -> None:
    # CourseSection#move_to_course: the section becomes the default one if the course has no other.
    section.default_section = not any(
        s.course_id == course.id and s.workflow_state == "active" and s.id != section.id
        for s in state.sections.values()
    )
    section.course_id = course.id
    _move_enrollments(state, section)


def _move_enrollments(state: CanvasState, section: Section) -> None:
    # all_enrollments.update_all(course_id: ...): deleted ones move too.
    now = state.timestamp()
    for enrollment in state.enrollments.values():
        if enrollment.course_section_id == section.id:
            enrollment.course_id = section.course_id
            enrollment.updated_at = now

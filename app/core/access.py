"""Who may do what (docs/rules.md §4.7, §7): from what Canvas says about a person to their rights."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

LinkOutcome = Literal["link", "request", "ask_again"]


@dataclass(frozen=True, slots=True)
class CanvasPerson:
    """A person as one LTI launch describes them.

    `teaches_course`: a teacher (membership#Instructor, not only the TA sub-role) of the launch's course;
    `root_admin`: Canvas's `$Canvas.user.isRootAccountAdmin`. Canvas's institution Administrator role is
    deliberately absent: Canvas sends it to every sub-account admin too.
    """

    canvas_user_id: str | None
    teaches_course: bool
    root_admin: bool


def is_institution_admin(person: CanvasPerson, admin_user_ids: Collection[str]) -> bool:
    """A root-account admin, or a Canvas user the configuration names as an admin of the institution.

    Only they open the admin view (an account-navigation launch) and link offerings without consent.
    """
    return person.root_admin or (person.canvas_user_id is not None and person.canvas_user_id in admin_user_ids)


def may_change_course(person: CanvasPerson, admin_user_ids: Collection[str]) -> bool:
    """A course's teacher, or an institution admin, may change its early access and co-reading."""
    return person.teaches_course or is_institution_admin(person, admin_user_ids)


def link_outcome(institution_admin: bool, teaches_offering_course: bool | None) -> LinkOutcome:
    """What a link of an offering into someone's course becomes (docs/rules.md §4.7, consent).

    An institution admin links at once. Anyone else links only as an active teacher of the offering's own
    Canvas course; otherwise the link is a request for an admin. When Canvas could not be asked
    (`teaches_offering_course` is None) nothing is decided: the person is told to try again, since
    recording a request would trouble an admin with a link the teacher may well be entitled to make.
    """
    if institution_admin or teaches_offering_course is True:
        return "link"
    if teaches_offering_course is None:
        return "ask_again"
    return "request"

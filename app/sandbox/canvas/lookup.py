"""Find records by API id: numeric ids or `sis_*_id:` prefixes, as lib/api.rb's SIS_MAPPINGS allow."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from app.sandbox.canvas.errors import not_found
from app.sandbox.canvas.state import Account, CanvasState, Course, Role, Section, Term, User

T = TypeVar("T")

# lib/api.rb sis_parse_id: "hex:sis_x:..." (hex-encoded), "sis_x:value", or digits.
_HEX = re.compile(r"\Ahex:(sis_[\w_]+):((?:[0-9A-Fa-f]{2})+)\Z")
_SIS = re.compile(r"\A(sis_[\w_]+):(.+)\Z", re.DOTALL)
_DIGITS = re.compile(r"\A\d+\Z")


def parse_api_id(raw: Any) -> tuple[str, str | int] | None:
    """Split an API id into (column, value): ("id", 5) or ("sis_course_id", "X"); None if malformed."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return "id", raw
    value = str(raw).strip()
    hex_match = _HEX.match(value)
    if hex_match:
        return hex_match.group(1), bytes.fromhex(hex_match.group(2)).decode("utf-8")
    sis_match = _SIS.match(value)
    if sis_match:
        return sis_match.group(1), sis_match.group(2)
    if _DIGITS.match(value):
        return "id", int(value)
    return None


def _pick(candidates: Iterable[T], match: Any) -> T:
    for record in candidates:
        if match(record):
            return record
    raise not_found()


def find_account(state: CanvasState, raw: Any) -> Account:
    """An account by id or sis_account_id (SIS_MAPPINGS['accounts'])."""
    parsed = parse_api_id(raw)
    if parsed is None:
        raise not_found()
    column, value = parsed
    if column == "id":
        return _pick(state.accounts.values(), lambda a: a.id == value)
    if column == "sis_account_id":
        return _pick(state.accounts.values(), lambda a: a.sis_account_id == value)
    raise not_found()


def find_term(state: CanvasState, root_account_id: int, raw: Any) -> Term:
    """A term of a root account by id or sis_term_id."""
    parsed = parse_api_id(raw)
    if parsed is None:
        raise not_found()
    column, value = parsed
    terms = [t for t in state.terms.values() if t.root_account_id == root_account_id and t.workflow_state != "deleted"]
    if column == "id":
        return _pick(terms, lambda t: t.id == value)
    if column == "sis_term_id":
        return _pick(terms, lambda t: t.sis_term_id == value)
    raise not_found()


def find_course(state: CanvasState, raw: Any, include_deleted: bool = False) -> Course:
    """A course by id or sis_course_id; deleted courses are invisible to the API unless asked for."""
    parsed = parse_api_id(raw)
    if parsed is None:
        raise not_found()
    column, value = parsed
    if column == "id":
        course = state.courses.get(int(value))
    elif column == "sis_course_id":
        course = next((c for c in state.courses.values() if c.sis_course_id == value), None)
    else:
        course = None
    if course is None or (course.workflow_state == "deleted" and not include_deleted):
        raise not_found()
    return course


def find_section(state: CanvasState, raw: Any, course_id: int | None = None) -> Section:
    """An active section by id or sis_section_id, optionally within one course."""
    parsed = parse_api_id(raw)
    if parsed is None:
        raise not_found()
    column, value = parsed
    if column == "id":
        section = state.sections.get(int(value))
    elif column == "sis_section_id":
        section = next((s for s in state.sections.values() if s.sis_section_id == value), None)
    else:
        section = None
    if (
        section is None
        or section.workflow_state != "active"
        or state.courses[section.course_id].workflow_state == "deleted"
        or (course_id is not None and section.course_id != course_id)
    ):
        raise not_found()
    return section


def find_user(state: CanvasState, raw: Any, current_user_id: int | None = None) -> User:
    """A user by id, `self`, sis_user_id or sis_login_id (via active logins, SIS_MAPPINGS['users'])."""
    if str(raw) == "self" and current_user_id is not None:
        raw = current_user_id
    parsed = parse_api_id(raw)
    if parsed is None:
        raise not_found()
    column, value = parsed
    roots = [a.id for a in state.accounts.values() if a.root_account_id is None]
    if column == "id":
        user = state.users.get(int(value))
    elif column == "sis_user_id":
        found = [state.login_with_sis_id(root, str(value)) for root in roots]
        login = next((p for p in found if p is not None and p.workflow_state == "active"), None)
        user = state.users[login.user_id] if login else None
    elif column == "sis_login_id":
        logins = [p for root in roots for p in state.logins_with_unique_id(root, str(value))]
        login = next((p for p in logins if p.workflow_state == "active"), None)
        user = state.users[login.user_id] if login else None
    else:
        user = None
    if user is None or user.workflow_state == "deleted":
        raise not_found()
    return user


def find_role(state: CanvasState, raw: Any) -> Role:
    """An active role by numeric id."""
    parsed = parse_api_id(raw)
    if parsed is None or parsed[0] != "id":
        raise not_found()
    return _pick(state.roles.values(), lambda r: r.id == parsed[1] and r.workflow_state != "deleted")

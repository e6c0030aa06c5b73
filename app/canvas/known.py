"""Canvas ids the caller already has (from its ledger), so the steady state needs no look-ups."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.canvas.results import CourseResult, OpResult, RemovedResult, SectionResult, UserResult
from app.core.plan import CourseSpec, EnsureCourse, Operation


@dataclass(frozen=True, slots=True)
class KnownIds:
    """Canvas ids by SIS id; anything missing is looked up by SIS id, and a stale id (404) falls back once."""

    users: Mapping[str, int] = field(default_factory=dict)  # sis_user_id → Canvas user id
    courses: Mapping[str, int] = field(default_factory=dict)  # sis_course_id → Canvas course id
    sections: Mapping[str, int] = field(default_factory=dict)  # sis_section_id → Canvas section id
    terms: Mapping[str, int] = field(default_factory=dict)  # sis_term_id → Canvas term id
    accounts: Mapping[str, int] = field(default_factory=dict)  # sis_account_id → Canvas account id
    # (parent Canvas account id, "Kurs" | "Program") → Canvas id of that child sub-account
    child_accounts: Mapping[tuple[int, str], int] = field(default_factory=dict)
    # ledger course id → the course an enrollment turned up in instead (its section was cross-listed by hand)
    moved_courses: Mapping[int, int] = field(default_factory=dict)


NOTHING_KNOWN = KnownIds()


def learn(known: KnownIds, op: Operation, result: OpResult) -> KnownIds:
    """Ids a result taught us, for the operations after it in the same plan."""
    match result:
        case UserResult():
            return dataclasses.replace(known, users={**known.users, result.sis_user_id: result.canvas_user_id})
        case CourseResult():
            assert isinstance(op, EnsureCourse)
            return _learn_course(known, op.course, result)
        case SectionResult():
            sections = {**known.sections, result.sis_section_id: result.canvas_section_id}
            return dataclasses.replace(known, sections=sections)
        case RemovedResult(course_move=(ledger_course, found_in)):
            return dataclasses.replace(known, moved_courses={**known.moved_courses, ledger_course: found_in})
    return known


def placed_accounts(spec: CourseSpec, result: CourseResult) -> tuple[dict[str, int], dict[tuple[int, str], int]]:
    """The organisation sub-account and the "Kurs"/"Program" child a course creation found or made."""
    account = spec.account
    organisations: dict[str, int] = {}
    if account.organisation_uid and result.organisation_account_id is not None:
        organisations[account.organisation_uid] = result.organisation_account_id
    elif account.organisation_uid and result.canvas_account_id is not None and not account.child_name:
        organisations[account.organisation_uid] = result.canvas_account_id  # the course sits in it
    children: dict[tuple[int, str], int] = {}
    if account.child_name and result.child_account_id is not None:
        parent = result.organisation_account_id
        children[(parent if parent is not None else account.parent_account_id, account.child_name)] = (
            result.child_account_id
        )
    return organisations, children


def _learn_course(known: KnownIds, spec: CourseSpec, result: CourseResult) -> KnownIds:
    """The course and its section, and the term and sub-accounts it went into, for the next course of the plan."""
    organisations, children = placed_accounts(spec, result)
    terms = {spec.term: result.canvas_term_id} if spec.term and result.canvas_term_id is not None else {}
    return dataclasses.replace(
        known,
        courses={**known.courses, result.sis_course_id: result.canvas_course_id},
        sections={**known.sections, result.section_sis_id: result.canvas_section_id},
        terms={**known.terms, **terms},
        accounts={**known.accounts, **organisations},
        child_accounts={**known.child_accounts, **children},
    )

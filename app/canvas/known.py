"""Canvas ids the caller already has (from its ledger), so the steady state needs no look-ups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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

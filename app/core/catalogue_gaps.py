"""What a key's facts lack that Ladok's REST API can tell (docs/rules.md §3: what events lack)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.decide_facts import OfferingFacts, StudentFacts
from app.core.model import Offering


@dataclass(frozen=True, slots=True)
class CatalogueGaps:
    """The student whose data no event brought (None: known), and the offerings known only in part."""

    student_uid: str | None = None
    offering_uids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """Whether there is anything to ask Ladok."""
        return self.student_uid is not None or bool(self.offering_uids)


def student_gaps(facts: StudentFacts) -> CatalogueGaps:
    """The student's own data when no event brought it, and the offerings the student takes part in."""
    participating = sorted({p.offering_uid for p in facts.participations})
    return CatalogueGaps(
        student_uid=facts.student_uid if facts.student is None else None,
        offering_uids=tuple(uid for uid in participating if _incomplete(facts.offerings, uid)),
    )


def offering_gaps(uid: str, facts: OfferingFacts | None) -> CatalogueGaps:
    """The offering itself, when it is unknown or known only in part."""
    offerings = {uid: facts.offering} if facts is not None else {}
    return CatalogueGaps(offering_uids=(uid,) if _incomplete(offerings, uid) else ())


def _incomplete(offerings: Mapping[str, Offering], uid: str) -> bool:
    """Unknown, without course or code, or with a start period whose term is not in the period list."""
    offering = offerings.get(uid)
    if offering is None or offering.course_uid is None or offering.code is None:
        return True
    return offering.term is None and offering.period_id is not None

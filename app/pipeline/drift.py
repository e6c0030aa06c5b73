"""Drift: compare Canvas as it is with what the rules want, report it, and (with fix) adopt Canvas into the ledger.

This is also how an institution takes over from the old adapter: the old adapter's SIS-id conventions are
ours, so a dry run lists what the switch would change, and `fix` adopts what exists before the worker acts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.canvas.client import CanvasClient
from app.canvas.enrollments import LIVE_STATES, ledger_state
from app.canvas.errors import CanvasNotFound
from app.canvas.sis import in_path
from app.core.decide_enrollments import desired_enrollments
from app.core.plan import LedgerEnrollment
from app.core.settings import InstitutionSettings
from app.core.swedish_time import swedish_today
from app.store import facts
from app.store.course_tables import CoReadingLinkRow
from app.store.db import write_session
from app.store.ledger import Ledger
from app.store.projection import DirtyKey
from app.store.queue import mark_dirty
from app.store.tables import LedgerEnrollmentRow, ParticipationRow


@dataclass
class DriftReport:
    """Differences found, one readable line each, and how many sections were looked at."""

    sections_checked: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong_state: list[str] = field(default_factory=list)
    adopted: int = 0

    @property
    def clean(self) -> bool:
        """No drift at all."""
        return not (self.missing or self.extra or self.wrong_state)


def _kind(enrollment: dict, settings: InstitutionSettings) -> str | None:
    if enrollment.get("type") != "StudentEnrollment":
        return None
    if settings.use_admitted and enrollment.get("role_id") == settings.role_id_admitted:
        return "admitted"
    if settings.use_admitted and enrollment.get("role_id") != settings.role_id_registered:
        return None  # another student role, e.g. set by hand: not ours
    return "registered"


def _canvas_section(
    client: CanvasClient, section_sis_id: str, settings: InstitutionSettings
) -> dict[tuple[str, str], LedgerEnrollment]:
    """What Canvas holds in one adapter section, keyed like the ledger (student uid, kind)."""
    try:
        rows = client.get_all(
            f"/api/v1/sections/{in_path('sis_section_id', section_sis_id)}/enrollments",
            {"type[]": ["StudentEnrollment"], "state[]": list(LIVE_STATES)},
        )
    except CanvasNotFound:
        return {}
    found = {}
    for e in rows:
        kind = _kind(e, settings)
        student = e.get("sis_user_id") or (e.get("user") or {}).get("sis_user_id")
        if kind and student:
            found[(student, kind)] = LedgerEnrollment(
                section_sis_id,
                kind,  # type: ignore[arg-type]
                int(e["id"]),
                int(e["course_id"]),
                ledger_state(e),
            )
    return found


def _desired(
    engine: Engine, institution_id: str, settings: InstitutionSettings, today: dt.date
) -> tuple[list[str], set[tuple[str, str]], dict[tuple[str, str, str], str]]:
    """The adapter's sections, the (student, offering) pairs Ladok knows, and the enrollments the rules want."""
    with Session(engine) as s:
        of_institution = ParticipationRow.institution_id == institution_id
        offerings = sorted(set(s.scalars(select(ParticipationRow.offering_uid).where(of_institution))))
        links = s.execute(
            select(CoReadingLinkRow.offering_uid, CoReadingLinkRow.canvas_course_id).where(
                CoReadingLinkRow.institution_id == institution_id
            )
        ).all()
        pairs = select(ParticipationRow.student_uid, ParticipationRow.offering_uid).where(of_institution)
        participating: set[tuple[str, str]] = {(student, offering) for student, offering in s.execute(pairs)}
        wanted: dict[tuple[str, str, str], str] = {}
        for uid in sorted({student for student, _ in participating}):
            for w in desired_enrollments(facts.student_facts(s, institution_id, uid), settings, today):
                wanted[(uid, w.enrollment.section_sis_id, w.enrollment.kind)] = w.enrollment.state
    return offerings + [f"{o}:{c}" for o, c in links], participating, wanted


def _compare(
    report: DriftReport,
    wanted: dict[tuple[str, str, str], str],
    actual: dict[tuple[str, str, str], LedgerEnrollment],
) -> None:
    for key, state in sorted(wanted.items()):
        if key not in actual:
            report.missing.append(f"{key[0]} should have a {key[2]} enrollment ({state}) in section {key[1]}")
        elif actual[key].state != state:
            report.wrong_state.append(f"{key[0]} in section {key[1]} is {actual[key].state}, should be {state}")
    report.extra = [
        f"{k[0]} has a {k[2]} enrollment in section {k[1]} the rules do not want"
        for k in sorted(actual)
        if k not in wanted
    ]


def check_drift(
    engine: Engine,
    institution_id: str,
    settings: InstitutionSettings,
    client: CanvasClient,
    fix: bool = False,
    today: dt.date | None = None,
) -> DriftReport:
    """Compare every adapter section in Canvas with the desired state; with `fix`, adopt and queue."""
    report = DriftReport()
    sections, participating, wanted = _desired(engine, institution_id, settings, today or swedish_today())
    actual: dict[tuple[str, str, str], LedgerEnrollment] = {}
    for section in sections:
        report.sections_checked += 1
        for (student, kind), entry in _canvas_section(client, section, settings).items():
            actual[(student, section, kind)] = entry
    _compare(report, wanted, actual)
    if fix:
        # Adopt only enrollments of students Ladok knows on that offering: a guest a teacher added by hand
        # to an adapter section is reported, never removed.
        ours = {k: e for k, e in actual.items() if (k[0], k[1].split(":")[0]) in participating}
        report.adopted = _adopt(engine, institution_id, ours, {student for student, _ in participating})
    return report


def _adopt(
    engine: Engine, institution_id: str, actual: dict[tuple[str, str, str], LedgerEnrollment], students: set[str]
) -> int:
    """Make the ledger say what Canvas holds (of ours), then queue every student so the worker closes the gaps."""
    with write_session(engine) as s:
        book = Ledger(s, institution_id)
        for row in s.scalars(select(LedgerEnrollmentRow).where(LedgerEnrollmentRow.institution_id == institution_id)):
            if (row.student_uid, row.section_sis_id, row.kind) not in actual:
                s.delete(row)
        for (student, _section, _kind), entry in actual.items():
            book.put_enrollment(student, entry)
        mark_dirty(s, institution_id, {DirtyKey("student", u) for u in students})
    return len(actual)

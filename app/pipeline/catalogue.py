"""Ask Ladok's REST API for what a key's facts lack, and hand the answers to the record side to keep."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.catalogue_gaps import CatalogueGaps
from app.ladok.directory import LadokDirectory
from app.store import catalogue
from app.store.db import write_session


def fill_gaps(engine: Engine, institution_id: str, directory: LadokDirectory, gaps: CatalogueGaps) -> bool:
    """Look the gaps up and keep what Ladok knows; whether anything was kept (then the facts are read again)."""
    student = directory.student(gaps.student_uid) if gaps.student_uid else None
    offerings = tuple(info for uid in gaps.offering_uids if (info := directory.offering(uid)) is not None)
    if student is None and not offerings:
        return False  # the usual answer for an offering Ladok does not know either: no write transaction
    with Session(engine) as s:
        lacking = catalogue.absent(s, institution_id, offerings)
    found = catalogue.LookedUp(
        student=student,
        offerings=offerings,
        courses=tuple(c for uid in sorted(lacking.course_uids) if (c := directory.course(uid)) is not None),
        organisations=tuple(
            o for uid in sorted(lacking.organisation_uids) if (o := directory.organisation(uid)) is not None
        ),
        terms={p: code for p in sorted(lacking.period_ids) if (code := directory.term_code(p))},
    )
    with write_session(engine) as s:
        catalogue.keep(s, institution_id, found)
    return True

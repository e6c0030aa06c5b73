"""The load step: everything one reconcile of a key reads, in one read transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.canvas.known import NOTHING_KNOWN, KnownIds
from app.core.catalogue_gaps import CatalogueGaps, offering_gaps, student_gaps
from app.core.decide_facts import OfferingFacts, StudentFacts
from app.core.plan import EnrollmentKind
from app.core.safeguards import Controls
from app.pipeline.context import InstitutionContext
from app.store import control, facts, intents
from app.store.projection import DirtyKey


@dataclass(frozen=True, slots=True)
class Intent:
    """An enrollment a stopped worker was changing: its outcome in Canvas is not in the ledger."""

    section_sis_id: str
    kind: EnrollmentKind
    role_id: int | None


@dataclass(frozen=True, slots=True)
class Loaded:
    """One key as the ledger and projection have it now, with the institution's safeguards."""

    paused: bool
    controls: Controls
    facts: StudentFacts | OfferingFacts | None = None
    known: KnownIds = NOTHING_KNOWN
    intents: tuple[Intent, ...] = ()

    def gaps(self, key: DirtyKey) -> CatalogueGaps:
        """What the facts lack that Ladok's REST API may tell."""
        if isinstance(self.facts, StudentFacts):
            return student_gaps(self.facts)
        return offering_gaps(key.uid, self.facts if isinstance(self.facts, OfferingFacts) else None)


def load(engine: Engine, ctx: InstitutionContext, key: DirtyKey) -> Loaded:
    """Read the key's facts, the Canvas ids its plan needs, its unsettled intents and the safeguards, at once.

    A paused institution's key reads nothing more: it is only postponed.
    """
    inst = ctx.institution_id
    with Session(engine) as s:  # a read: on SQLite a write transaction per key would queue behind the others
        paused, controls = control.paused_and_controls(s, inst, ctx.safeguards)
        if paused:
            return Loaded(paused=True, controls=controls)
        if key.kind != "student":
            read = facts.read_offering(s, inst, key.uid)
            return Loaded(False, controls, read.facts, read.known)
        read = facts.read_student(s, inst, key.uid)
        pending = tuple(
            Intent(i.section_sis_id, cast(EnrollmentKind, i.kind), i.role_id) for i in intents.intents(s, inst, key.uid)
        )
        return Loaded(False, controls, read.facts, read.known, pending)

"""What each participation event does to a student's standing on an offering (docs/rules.md §4.1)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.model import Participation


@dataclass(frozen=True, slots=True)
class Effect:
    """Flags an event sets; None leaves a flag as it was."""

    admitted: bool | None = None
    registered: bool | None = None
    completed: bool | None = None


_REGISTERED = Effect(registered=True)
_NOT_REGISTERED = Effect(registered=False)

EFFECTS: dict[str, Effect] = {
    "RegistreringEvent": _REGISTERED,
    "OmregistreringEvent": _REGISTERED,
    "PaborjatUtbildningstillfalleEvent": _REGISTERED,
    "AvbrottBorttagetEvent": _REGISTERED,
    "UppehallBorttagetEvent": _REGISTERED,
    "AterkalladregistreringEvent": _NOT_REGISTERED,
    "AterkalladOmregistreringEvent": _NOT_REGISTERED,
    "AvbrottEvent": _NOT_REGISTERED,
    "AterkallatPaborjatUtbildningstillfalleEvent": _NOT_REGISTERED,
    "AterbudEvent": Effect(admitted=False, registered=False),
    "ForvantatDeltagandeSkapadEvent": Effect(admitted=True),
    "ForvantatDeltagandeBorttagetEvent": Effect(admitted=False),
    "UppehallEvent": Effect(),  # leave of absence: the student stays in the course
    "ResultatPaHelKursAttesteratEvent": Effect(completed=True),
    "AvklaradEvent": Effect(completed=True),
}


def apply_event(current: Participation, event_name: str) -> Participation:
    """The participation after the event; unknown names are a programming error (KeyError)."""
    effect = EFFECTS[event_name]
    changes = {k: v for k, v in (("admitted", effect.admitted), ("registered", effect.registered),
                                 ("completed", effect.completed)) if v is not None}
    return replace(current, **changes)

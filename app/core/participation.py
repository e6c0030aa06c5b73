"""The participation events: each one's Ladok service, the field naming its offering, and its effect (§4.1).

This registry is the one list of them: the parser reads the offering from `offering_field`, the projection
applies `effect`, and the sandbox's Ladok writes each event with the same field.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from app.core.model import Participation

ParticipationService = Literal["studiedeltagande", "resultat"]


@dataclass(frozen=True, slots=True)
class Effect:
    """Flags an event sets; None leaves a flag as it was."""

    admitted: bool | None = None
    registered: bool | None = None
    completed: bool | None = None


@dataclass(frozen=True, slots=True)
class ParticipationEventType:
    """One participation event: its Ladok service, the element that names the offering, and its effect."""

    service: ParticipationService
    offering_field: str
    effect: Effect


_REGISTERED = Effect(registered=True)
_NOT_REGISTERED = Effect(registered=False)
_COMPLETED = Effect(completed=True)


def _sd(offering_field: str, effect: Effect) -> ParticipationEventType:
    return ParticipationEventType("studiedeltagande", offering_field, effect)


PARTICIPATION_REGISTRY: dict[str, ParticipationEventType] = {
    "RegistreringEvent": _sd("KurstillfalleUID", _REGISTERED),
    "OmregistreringEvent": _sd("KurstillfalleUID", _REGISTERED),
    "PaborjatUtbildningstillfalleEvent": _sd("UtbildningstillfalleUID", _REGISTERED),
    "AvbrottBorttagetEvent": _sd("UtbildningstillfalleUID", _REGISTERED),
    "UppehallBorttagetEvent": _sd("UtbildningstillfalleUID", _REGISTERED),
    "AterkalladregistreringEvent": _sd("KurstillfalleUID", _NOT_REGISTERED),
    "AterkalladOmregistreringEvent": _sd("KurstillfalleUID", _NOT_REGISTERED),
    "AvbrottEvent": _sd("UtbildningstillfalleUID", _NOT_REGISTERED),
    "AterkallatPaborjatUtbildningstillfalleEvent": _sd("UtbildningstillfalleUID", _NOT_REGISTERED),
    "AterbudEvent": _sd("UtbildningstillfalleUID", Effect(admitted=False, registered=False)),
    "ForvantatDeltagandeSkapadEvent": _sd("UtbildningstillfalleUID", Effect(admitted=True)),
    "ForvantatDeltagandeBorttagetEvent": _sd("UtbildningstillfalleUID", Effect(admitted=False)),
    # Leave of absence: the student stays in the course. Ladok names the programme offering here.
    "UppehallEvent": _sd("KurspaketeringstillfalleUID", Effect()),
    "AvklaradEvent": _sd("UtbildningstillfalleVidAvklarandeUID", _COMPLETED),
    "ResultatPaHelKursAttesteratEvent": ParticipationEventType("resultat", "KurstillfalleUID", _COMPLETED),
}
"""Ladok's element name of each participation event → what the adapter reads from it and does with it."""


def apply_event(current: Participation, event_name: str) -> Participation:
    """The participation after the event; unknown names are a programming error (KeyError)."""
    effect = PARTICIPATION_REGISTRY[event_name].effect
    return replace(
        current,
        admitted=current.admitted if effect.admitted is None else effect.admitted,
        registered=current.registered if effect.registered is None else effect.registered,
        completed=current.completed if effect.completed is None else effect.completed,
    )

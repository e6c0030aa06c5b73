"""The participation rule table of docs/rules.md §4.1."""

from __future__ import annotations

import pytest

from app.core.events import PARTICIPATION_EVENTS
from app.core.model import Participation
from app.core.participation import EFFECTS, apply_event

BLANK = Participation("s", "o")
BOTH = Participation("s", "o", admitted=True, registered=True)


@pytest.mark.parametrize("name", ["RegistreringEvent", "OmregistreringEvent", "PaborjatUtbildningstillfalleEvent",
                                  "AvbrottBorttagetEvent", "UppehallBorttagetEvent"])
def test_registering_events(name: str) -> None:
    assert apply_event(BLANK, name).registered is True


@pytest.mark.parametrize("name", ["AterkalladregistreringEvent", "AterkalladOmregistreringEvent", "AvbrottEvent",
                                  "AterkallatPaborjatUtbildningstillfalleEvent"])
def test_unregistering_events_keep_the_admission(name: str) -> None:
    after = apply_event(BOTH, name)
    assert (after.registered, after.admitted) == (False, True)


def test_aterbud_withdraws_admission_and_registration() -> None:
    after = apply_event(BOTH, "AterbudEvent")
    assert (after.registered, after.admitted) == (False, False)


def test_admission_created_and_removed() -> None:
    assert apply_event(BLANK, "ForvantatDeltagandeSkapadEvent").admitted is True
    assert apply_event(BOTH, "ForvantatDeltagandeBorttagetEvent") == Participation("s", "o", registered=True)


def test_leave_of_absence_changes_nothing() -> None:
    assert apply_event(BOTH, "UppehallEvent") == BOTH


@pytest.mark.parametrize("name", ["ResultatPaHelKursAttesteratEvent", "AvklaradEvent"])
def test_completion(name: str) -> None:
    assert apply_event(BOTH, name).completed is True


def test_every_participation_event_has_a_rule() -> None:
    assert set(EFFECTS) == PARTICIPATION_EVENTS

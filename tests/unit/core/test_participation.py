"""The participation rule table of docs/rules.md §4.1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.core.model import Participation
from app.core.participation import PARTICIPATION_REGISTRY, apply_event

BLANK = Participation("s", "o")
BOTH = Participation("s", "o", admitted=True, registered=True)


@pytest.mark.parametrize(
    "name",
    [
        "RegistreringEvent",
        "OmregistreringEvent",
        "PaborjatUtbildningstillfalleEvent",
        "AvbrottBorttagetEvent",
        "UppehallBorttagetEvent",
    ],
)
def test_registering_events(name: str) -> None:
    assert apply_event(BLANK, name).registered is True


@pytest.mark.parametrize(
    "name",
    [
        "AterkalladregistreringEvent",
        "AterkalladOmregistreringEvent",
        "AvbrottEvent",
        "AterkallatPaborjatUtbildningstillfalleEvent",
    ],
)
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


def _events_with_an_effect_in_the_rules() -> set[str]:
    """The event names of docs/rules.md §4.1's table, less the student-data and suspension rows."""
    section = (Path(__file__).parents[3] / "docs" / "rules.md").read_text(encoding="utf-8")
    section = section.split("### 4.1", 1)[1].split("### 4.2", 1)[0]
    rows = [row for row in section.splitlines() if row.startswith("| `")]
    return {name for row in rows if "(§4." not in row for name in re.findall(r"`(\w+Event)`", row)}


def test_the_registry_holds_exactly_the_events_of_the_rules() -> None:
    assert set(PARTICIPATION_REGISTRY) == _events_with_an_effect_in_the_rules()

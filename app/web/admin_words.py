"""The admin view's words for what the adapter did, Swedish and English: no internal operation names.

The action log names each change by its operation (app/core/plan.py); an administrator reads what it
did in Canvas instead, in the words of app/core/operation_words.py. The language is the view's own
(app/web/i18n.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from app.core.operation_words import applied_in_words as operation_applied_in_words
from app.web.i18n import current_language

INBOX_OUTCOMES: dict[str, dict[str, str]] = {
    "recorded": {"sv": "Sparade", "en": "Recorded"},
    "unknown": {"sv": "Okänd händelsetyp, hoppades över", "en": "Unknown event type, skipped"},
    "other_institution": {"sv": "Annat lärosäte, hoppades över", "en": "Another institution, skipped"},
}

CHART: dict[str, dict[str, str]] = {
    "title": {
        "sv": "Ändringar i Canvas och väntetid, senaste 24 timmarna",
        "en": "Changes in Canvas and lag, last 24 hours",
    },
    "desc": {
        "sv": "Staplar: ändringar gjorda i Canvas per timme (högst {applied}). Linje: längsta väntetid för en "
        "ändring per timme (högst {lag}). Timmar enligt svensk tid.",
        "en": "Bars: changes made in Canvas per hour (at most {applied}). Line: the longest time a change "
        "waited, per hour (at most {lag}). Hours in Swedish time.",
    },
    "summary": {
        "sv": "De senaste 24 timmarna gjordes {total} ändringar i Canvas, flest ({peak}) timmen från kl. {peak_hour}.",
        "en": "In the last 24 hours {total} changes were made in Canvas, the most ({peak}) in the hour "
        "from {peak_hour}:00.",
    },
    "summary_lag": {
        "sv": "Längsta väntetid för en ändring: {lag}, timmen från kl. {hour}.",
        "en": "The longest a change waited: {lag}, in the hour from {hour}:00.",
    },
    "summary_no_lag": {
        "sv": "Ingen arbetare har mätt väntetiden under perioden.",
        "en": "No worker measured the lag in this period.",
    },
    "legend_applied": {"sv": "Ändringar per timme", "en": "Changes per hour"},
    "legend_lag": {"sv": "Längsta väntetid", "en": "Longest wait"},
}


def applied_in_words(applied: Mapping[str, int]) -> list[tuple[str, int]]:
    """Changes made in Canvas by kind, in the view's language (app/core/operation_words.py has the words)."""
    return operation_applied_in_words(dict(applied), current_language())


def inbox_outcome_words(outcome: str) -> str:
    """What became of a Ladok event, in the view's language."""
    return INBOX_OUTCOMES.get(outcome, {"sv": outcome, "en": outcome})[current_language()]


def chart_words(key: str, **values: object) -> str:
    """A text of the activity chart, in the view's language."""
    return CHART[key][current_language()].format(**values)

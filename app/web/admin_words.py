"""The admin view's words for what the adapter did, Swedish and English: no internal operation names.

The action log names each change by its operation (app/core/plan.py); an administrator reads what it
did in Canvas instead. The language is the view's own (app/web/i18n.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from app.web.i18n import current_language

OPERATIONS: dict[str, dict[str, str]] = {
    "EnsureUser": {"sv": "Studentkonton skapade eller uppdaterade", "en": "Student accounts created or updated"},
    "EnsureCourse": {"sv": "Kurser skapade eller uppdaterade", "en": "Courses created or updated"},
    "EnsureSection": {"sv": "Sektioner för samläsning skapade", "en": "Co-reading sections created"},
    "Enroll": {"sv": "Studenter tillagda i kurser", "en": "Students added to courses"},
    "SetEnrollmentState": {
        "sv": "Deltaganden återaktiverade, inaktiverade eller avslutade",
        "en": "Enrollments reactivated, deactivated or concluded",
    },
    "Unenroll": {"sv": "Studenter borttagna ur kurser", "en": "Students removed from courses"},
    "SweepOtherSections": {
        "sv": "Studenter flyttade från andra sektioner",
        "en": "Students cleared from other sections",
    },
    "MessageTeachers": {
        "sv": "Meddelanden till lärare om avstängningar",
        "en": "Messages to teachers about suspensions",
    },
}
OTHER = {"sv": "Övriga ändringar", "en": "Other changes"}

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
    """Changes made in Canvas by kind, in words and in the order the adapter makes them; others summed last."""
    lang = current_language()
    lines = [(words[lang], applied[op]) for op, words in OPERATIONS.items() if applied.get(op)]
    other = sum(n for op, n in applied.items() if op not in OPERATIONS)
    return [*lines, (OTHER[lang], other)] if other else lines


def inbox_outcome_words(outcome: str) -> str:
    """What became of a Ladok event, in the view's language."""
    return INBOX_OUTCOMES.get(outcome, {"sv": outcome, "en": outcome})[current_language()]


def chart_words(key: str, **values: object) -> str:
    """A text of the activity chart, in the view's language."""
    return CHART[key][current_language()].format(**values)

"""The Swedish message teachers get when one of their students is suspended (RestrictionsSendMessageToTeachers)."""

from __future__ import annotations

from app.core.model import Suspension


def suspension_subject(student_name: str) -> str:
    """The message subject, naming the student."""
    return f"Avstängning: {student_name}"


def suspension_body(student_name: str, suspension: Suspension) -> str:
    """The message body: who, for which period, and what the adapter did in the course."""
    return (
        f"{student_name} är avstängd {_period(suspension)}. Under avstängningen är studenten inaktiv i "
        "kursen och kan inte delta i kursrummet. Studenten återaktiveras automatiskt när avstängningen "
        "upphör.\n\nDetta meddelande skickas automatiskt av Kursadministration (Ladok → Canvas)."
    )


def _period(suspension: Suspension) -> str:
    """The period in words, e.g. 'från och med 2025-01-10 till och med 2025-02-10'."""
    start, end = suspension.start, suspension.end
    if start and end:
        return f"från och med {start.isoformat()} till och med {end.isoformat()}"
    if start:
        return f"från och med {start.isoformat()} tills vidare"
    if end:
        return f"till och med {end.isoformat()}"
    return "tills vidare"

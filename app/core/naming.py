"""Names and codes of the Canvas courses and sections the adapter makes (docs/rules.md §4.4)."""

from __future__ import annotations

from app.core.model import Course, Offering

CANCELLED_PREFIX = "[INSTÄLLT] "


def course_name(offering: Offering, course: Course | None, name_format: int) -> str:
    """The Canvas course name by CourseNameFormat 1–4, with the [INSTÄLLT] prefix once when cancelled."""
    kurskod = course.code if course else None
    name = (course.name if course else None) or kurskod or offering.code or offering.uid
    by_format: dict[int, tuple[str | None, ...]] = {
        1: (name,),
        2: (name, offering.term),
        3: (name, kurskod, offering.term),
        4: (name, kurskod, offering.code, offering.term),
    }
    text = _join(by_format[name_format], " ")
    if offering.cancelled:
        return with_cancelled_prefix(text)
    return text


def with_cancelled_prefix(name: str) -> str:
    """The name with the cancellation prefix exactly once, however often the cancellation arrives."""
    stripped = name
    while stripped.startswith(CANCELLED_PREFIX):
        stripped = stripped[len(CANCELLED_PREFIX) :]
    return CANCELLED_PREFIX + stripped


def course_code(offering: Offering, course: Course | None) -> str:
    """The Canvas course code (short name): `{Kurskod} {tillfälleskod}`, the offering uid when both are unknown."""
    return _join((course.code if course else None, offering.code), " ") or offering.uid


def section_name(offering: Offering, course: Course | None) -> str:
    """The section name `{Kurskod}:{tillfälleskod}:{term}`, leaving out unknown parts."""
    return _join((course.code if course else None, offering.code, offering.term), ":") or offering.uid


def _join(parts: tuple[str | None, ...], separator: str) -> str:
    """Known, non-blank parts joined once each, so an unknown part leaves no double separator or 'None'."""
    kept: list[str] = []
    for part in parts:
        text = (part or "").strip()
        # A name that fell back to the course code must not repeat it (format 3 and 4).
        if text and text not in kept:
            kept.append(text)
    return separator.join(kept)

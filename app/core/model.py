"""The projection as the pure core sees it: what Ladok says, plus the course settings teachers make."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

RUNNING_STATUSES = frozenset({2, 3})  # påbörjad, komplett; 1 is a draft (docs/rules.md §4.4)


@dataclass(frozen=True, slots=True)
class Offering:
    """A course or program offering (kurstillfälle / programtillfälle) from the catalogue."""

    uid: str
    is_program: bool = False
    course_uid: str | None = None
    code: str | None = None
    term: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    organisation_uid: str | None = None
    education_type_id: int | None = None
    status: int | None = None
    cancelled: bool = False
    period_id: int | None = None  # Ladok's StartperiodID: the term when `term` is not yet known


@dataclass(frozen=True, slots=True)
class Course:
    """A Ladok course or program (utbildningsinstans): code and names by language."""

    uid: str
    code: str | None = None
    names: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        """The Swedish name, else the English one."""
        return self.names.get("sv") or self.names.get("en")


@dataclass(frozen=True, slots=True)
class Organisation:
    """A department; becomes a Canvas sub-account."""

    uid: str
    code: str | None = None
    names: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The Swedish name, else the English one, else the code, else the uid."""
        return self.names.get("sv") or self.names.get("en") or self.code or self.uid


@dataclass(frozen=True, slots=True)
class Student:
    """Student data known from Ladok."""

    uid: str
    first_name: str | None = None
    last_name: str | None = None
    personnummer: str | None = None
    email: str | None = None

    @property
    def full_name(self) -> str:
        """First and last name, as Canvas shows it."""
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.uid


@dataclass(frozen=True, slots=True)
class Participation:
    """What Ladok says about one student on one offering (docs/rules.md §4.1)."""

    student_uid: str
    offering_uid: str
    admitted: bool = False
    registered: bool = False
    completed: bool = False


@dataclass(frozen=True, slots=True)
class Suspension:
    """An avstängning: the student is barred from start to end (inclusive dates)."""

    uid: str
    student_uid: str
    start: dt.date | None
    end: dt.date | None

    def in_effect(self, today: dt.date) -> bool:
        """Whether the suspension covers the given day."""
        return (self.start is None or self.start <= today) and (self.end is None or today <= self.end)


@dataclass(frozen=True, slots=True)
class CourseSettings:
    """A Canvas course's own settings, keyed by Canvas course id: early access and its purge date."""

    canvas_course_id: int
    early_access: bool = False
    purge_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CoReadingLink:
    """An offering linked into another Canvas course (samläsning, docs/rules.md §4.7)."""

    offering_uid: str
    canvas_course_id: int

    @property
    def section_sis_id(self) -> str:
        """The sis id of the section the adapter keeps in the linked course."""
        return f"{self.offering_uid}:{self.canvas_course_id}"

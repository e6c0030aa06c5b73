"""The sandbox's REST catalogue: the JSON Ladok's integration API returns for offerings, courses, students..."""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from typing import Any

_TERM = re.compile(r"^(VT|HT)(\d{4})$")


@dataclass
class Catalogue:
    """Seeded Ladok data, as the JSON bodies of the REST endpoints of docs/rules.md §3, keyed by uid."""

    offerings: dict[str, dict[str, Any]] = field(default_factory=dict)
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)
    students: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    periods: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def period_id(self, term_code: str) -> int:
        """The Ladok period id of a term code such as HT2024, allocating one the first time."""
        if not _TERM.match(term_code):
            raise ValueError(f"term code {term_code!r} is not VTyyyy or HTyyyy")
        with self._lock:
            return self.periods.setdefault(term_code, 29000 + len(self.periods) * 7 + 141)

    def period_list(self) -> dict[str, Any]:
        """The body of GET /kataloginformation/grunddata/period."""
        items = []
        for code, number in sorted(self.periods.items(), key=lambda item: item[1]):
            half, year = code[:2], code[2:]
            first, last = _term_dates(half, int(year))
            name = ("Vårtermin " if half == "VT" else "Hösttermin ") + year
            items.append(
                {
                    "ID": str(number),
                    "Kod": code,
                    "Benamning": {
                        "sv": name,
                        "en": name.replace("Vårtermin", "Spring").replace("Hösttermin", "Autumn"),
                    },
                    "FromDatum": first.isoformat(),
                    "TomDatum": last.isoformat(),
                    "link": [],
                }
            )
        return {"Period": items, "link": []}


def _term_dates(half: str, year: int) -> tuple[dt.date, dt.date]:
    if half == "VT":
        return dt.date(year, 1, 15), dt.date(year, 6, 4)
    return dt.date(year, 8, 28), dt.date(year + 1, 1, 14)

"""Course names, codes and section names by docs/rules.md §4.4."""

import pytest

from app.core.model import Course, Offering
from app.core.naming import course_code, course_name, section_name, with_cancelled_prefix

COURSE = Course(uid="c-1", code="TDA123", names={"sv": "Programmering", "en": "Programming"})
OFFERING = Offering(uid="o-1", course_uid="c-1", code="12345", term="HT2024")


@pytest.mark.parametrize(
    ("name_format", "expected"),
    [
        (1, "Programmering"),
        (2, "Programmering HT2024"),
        (3, "Programmering TDA123 HT2024"),
        (4, "Programmering TDA123 12345 HT2024"),
    ],
)
def test_course_name_follows_course_name_format(name_format: int, expected: str) -> None:
    assert course_name(OFFERING, COURSE, name_format) == expected


def test_course_name_uses_english_name_when_swedish_is_missing() -> None:
    english_only = Course(uid="c-1", code="TDA123", names={"en": "Programming"})
    assert course_name(OFFERING, english_only, 2) == "Programming HT2024"


@pytest.mark.parametrize("name_format", [1, 2, 3, 4])
def test_course_name_with_unknown_parts_has_no_none_and_no_double_spaces(name_format: int) -> None:
    bare = Offering(uid="o-1")
    name = course_name(bare, None, name_format)
    assert name == "o-1"
    assert "None" not in name


def test_course_name_without_ladok_name_falls_back_to_course_code_once() -> None:
    nameless = Course(uid="c-1", code="TDA123")
    assert course_name(OFFERING, nameless, 3) == "TDA123 HT2024"


def test_course_name_with_unknown_term_skips_it() -> None:
    no_term = Offering(uid="o-1", code="12345")
    assert course_name(no_term, COURSE, 4) == "Programmering TDA123 12345"


def test_cancelled_offering_gets_installt_prefix() -> None:
    cancelled = Offering(uid="o-1", code="12345", term="HT2024", cancelled=True)
    assert course_name(cancelled, COURSE, 2) == "[INSTÄLLT] Programmering HT2024"


def test_installt_prefix_is_added_only_once() -> None:
    once = with_cancelled_prefix("Programmering")
    assert with_cancelled_prefix(once) == "[INSTÄLLT] Programmering"
    assert with_cancelled_prefix("[INSTÄLLT] [INSTÄLLT] Programmering") == "[INSTÄLLT] Programmering"


def test_course_name_already_carrying_the_prefix_in_ladok_is_not_doubled() -> None:
    prefixed = Course(uid="c-1", names={"sv": "[INSTÄLLT] Programmering"})
    cancelled = Offering(uid="o-1", cancelled=True)
    assert course_name(cancelled, prefixed, 1) == "[INSTÄLLT] Programmering"


def test_course_code_is_kurskod_and_tillfalleskod() -> None:
    assert course_code(OFFERING, COURSE) == "TDA123 12345"


def test_course_code_with_unknown_parts() -> None:
    assert course_code(Offering(uid="o-1", code="12345"), None) == "12345"
    assert course_code(Offering(uid="o-1"), None) == "o-1"


def test_section_name_is_kurskod_tillfalleskod_term() -> None:
    assert section_name(OFFERING, COURSE) == "TDA123:12345:HT2024"


def test_section_name_leaves_out_unknown_parts() -> None:
    assert section_name(Offering(uid="o-1", code="12345", term="HT2024"), None) == "12345:HT2024"
    assert section_name(Offering(uid="o-1"), None) == "o-1"

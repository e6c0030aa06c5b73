"""API ids: numbers, sis_* prefixes and hex-encoded SIS ids as lib/api.rb parses them."""

from __future__ import annotations

import pytest

from app.sandbox.canvas.lookup import parse_api_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", ("id", 42)),
        (42, ("id", 42)),
        ("sis_course_id:ABC-1", ("sis_course_id", "ABC-1")),
        ("sis_user_id:a:b", ("sis_user_id", "a:b")),
        ("hex:sis_user_id:412f42", ("sis_user_id", "A/B")),
        ("sis_login_id:anna@x.se", ("sis_login_id", "anna@x.se")),
    ],
)
def test_parse_api_id(raw: object, expected: tuple[str, object]) -> None:
    assert parse_api_id(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "12a", "sis_course_id:", ""])
def test_malformed_ids_are_not_ids(raw: str) -> None:
    assert parse_api_id(raw) is None

"""Rails-style parameter parsing of form fields, query strings and JSON bodies."""

from __future__ import annotations

import pytest

from app.sandbox.canvas.params import as_list, request_params, to_bool


def test_nested_form_fields_become_nested_hashes() -> None:
    body = b"user%5Bname%5D=Anna&pseudonym%5Bunique_id%5D=a%40x.se&recipients%5B%5D=1&recipients%5B%5D=2"
    params = request_params("", "application/x-www-form-urlencoded", body)
    assert params == {"user": {"name": "Anna"}, "pseudonym": {"unique_id": "a@x.se"}, "recipients": ["1", "2"]}


def test_body_overrides_query_and_nested_hashes_merge() -> None:
    params = request_params("course[name]=Q&course[code]=C&page=2", "application/json", b'{"course": {"name": "J"}}')
    assert params == {"course": {"name": "J", "code": "C"}, "page": "2"}


def test_deeply_nested_arrays() -> None:
    params = request_params("a[b][]=1&a[b][]=2&a[c]=3", "", b"")
    assert params == {"a": {"b": ["1", "2"], "c": "3"}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("on", True), ("false", False), ("0", False), ("", False), (True, True), (0, False)],
)
def test_value_to_boolean(value: object, expected: bool) -> None:
    assert to_bool(value) is expected


def test_as_list_accepts_single_values_and_arrays() -> None:
    assert as_list("x") == ["x"]
    assert as_list(["x", 2]) == ["x", "2"]
    assert as_list(None) == []

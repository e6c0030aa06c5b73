"""Personal data in error text: personnummer in every written form, e-mail, and parameters that name people."""

from __future__ import annotations

import pytest

from app.core.redact import REDACTED, redact


@pytest.mark.parametrize(
    "number",
    [
        "199001011239",
        "19900101-1239",
        "900101-1239",
        "9001011239",
        "121212+1212",  # + : over a hundred years old
        "199001611239",
        "900161-1239",  # samordningsnummer: day + 60
        "200012312384",
    ],
)
def test_a_personnummer_in_any_form_is_taken_out(number: str) -> None:
    text = f"ID already in use: {number} (login)"
    assert redact(text) == f"ID already in use: {REDACTED} (login)"


@pytest.mark.parametrize(
    "kept",
    [
        "b2a8a5e6-3ca5-11e8-a9c6-e1ef4d0a7c0a",  # a Ladok UID
        "20240101-1234-11e8-a9c6-e1ef4d0a7c0a",  # a UID whose groups happen to be all digits
        "10000000000001",  # a Canvas global id (14 digits)
        "2024-01-01T12:34:56Z",
        "POST /api/v1/accounts/1/users → 409",
        "section 9001131239000",  # 13 digits: no personnummer
        "month 13: 901301-1239",  # no such month
    ],
)
def test_ids_and_times_operators_need_are_kept(kept: str) -> None:
    assert redact(kept) == kept


def test_a_canvas_login_search_is_taken_out_of_the_url() -> None:
    error = (
        "GET https://canvas.example.se/api/v1/accounts/1/users?search_term=199001011239&per_page=100&page=2"
        " → 500: Internal Server Error"
    )
    assert redact(error) == (
        "GET https://canvas.example.se/api/v1/accounts/1/users?search_term=[redacted]"
        "&per_page=100&page=2 → 500: Internal Server Error"
    )


def test_login_ids_as_form_fields_percent_encoded_and_in_paths_are_taken_out() -> None:
    assert redact("pseudonym%5Bunique_id%5D=anna01&pseudonym%5Bsis_user_id%5D=b2a8") == (
        "pseudonym%5Bunique_id%5D=[redacted]&pseudonym%5Bsis_user_id%5D=b2a8"
    )
    assert redact("login[unique_id]=anna01") == "login[unique_id]=[redacted]"
    assert redact("GET /api/v1/users/sis_login_id:anna01/logins → 404") == (
        "GET /api/v1/users/sis_login_id:[redacted]/logins → 404"
    )
    assert redact("GET /api/v1/users/sis_login_id%3Aanna01 → 404") == (
        "GET /api/v1/users/sis_login_id%3A[redacted] → 404"
    )


def test_names_and_addresses_are_taken_out_but_other_parameters_are_kept() -> None:
    assert redact("user%5Bname%5D=Anna+Andersson&hostname=canvas&enrollment%5Btype%5D=StudentEnrollment") == (
        "user%5Bname%5D=[redacted]&hostname=canvas&enrollment%5Btype%5D=StudentEnrollment"
    )
    assert redact("mail to anna.andersson@student.kth.se bounced") == "mail to [redacted] bounced"
    assert redact('{"errors": {"login_id": "anna01", "sis_user_id": "b2a8"}}') == (
        '{"errors": {"login_id": "[redacted]", "sis_user_id": "b2a8"}}'
    )


def test_redacting_twice_changes_nothing_more() -> None:
    once = redact("search_term=199001011239 and 900101-1239")
    assert redact(once) == once

"""Cookies that survive inside Canvas's iframe: `Secure; SameSite=None; Partitioned` (CHIPS), always."""

from __future__ import annotations

from typing import Any

from pylti1p3.contrib.flask import FlaskCookieService


class PartitionedCookieService(FlaskCookieService):
    """PyLTI1p3's Flask cookie service sets `Secure`/`SameSite=None` only behind https and never `Partitioned`.

    Browsers accept `Secure` cookies from http://localhost, so the same attributes work in local tests.
    """

    def update_response(self, response: Any) -> None:
        """Write the cookies PyLTI1p3 asked for onto the response."""
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key=key, value=data["value"], max_age=data["exp"], path="/", httponly=True,
                secure=True, samesite="None", partitioned=True,
            )

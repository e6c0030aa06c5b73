"""Cookies that survive inside Canvas's iframe: `Secure; SameSite=None; Partitioned` (CHIPS), always."""

from __future__ import annotations

from typing import Any

from pylti1p3.contrib.flask import FlaskCookieService


class PartitionedCookieService(FlaskCookieService):
    """pylti1p3next's Flask cookie service sets `Secure; SameSite=None; Partitioned` only when the app itself sees
    https (PyLTI1p3 2.0.0 never set `Partitioned`); without them the cookie is dropped in Canvas's iframe.

    Set always: browsers accept `Secure` cookies from http://localhost (the demo, the browser tests), and a TLS
    proxy without `proxy_fix` hides the https from the app.
    """

    def update_response(self, response: Any) -> None:
        """Write the cookies PyLTI1p3 asked for onto the response."""
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key=key,
                value=data["value"],
                max_age=data["exp"],
                path="/",
                httponly=True,
                secure=True,
                samesite="None",
                partitioned=True,
            )

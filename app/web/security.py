"""Response headers: CSP `frame-ancestors` limited to the institution's Canvas, no-store, no-sniff, referrer."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g

from app.config import AppConfig
from app.web.settings import WebSettings, origin


def _ancestors(config: AppConfig, web: WebSettings) -> list[str]:
    launch = getattr(g, "launch", None)
    institutions = [i for i in config.institutions if launch is None or i.id == launch.institution_id]
    return sorted({origin(i.canvas_url) for i in institutions} | set(web.frame_ancestors))


def add_security_headers(response: Response) -> Response:
    """Set the CSP and companions on every response of the tool."""
    config: AppConfig = current_app.config["KURSADMIN"]
    web: WebSettings = current_app.extensions["kursadmin.web"]
    ancestors = " ".join(["'self'", *_ancestors(config, web)])
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        f"base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    # The tool's pages show students (names, enrollments, errors): no browser cache or proxy may keep them,
    # and setting it on every answer means no page that shows them can be forgotten.
    response.headers["Cache-Control"] = "no-store"
    return response


def install(bp: Blueprint) -> None:
    """Add the headers to the responses of one of the tool's blueprints."""
    bp.after_request(add_security_headers)

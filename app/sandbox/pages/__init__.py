"""The sandboxes' pages for people (the demo's Canvas view, Ladok desk and index): one look, a strict CSP.

Each sandbox serves its pages itself, beside its API; `nav` is a mapping shared by the demo's servers
(label → address), filled once every server is up, so each page can link to the others.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

HERE = Path(__file__).parent
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def pages_app(
    import_name: str, *, title: str, theme: str, nav: Mapping[str, str] | None = None, session_cookie: str | None = None
) -> Flask:
    """A Flask app for one sandbox's pages; with `session_cookie`, its forms carry CSRF tokens (Flask-WTF)."""
    app = Flask(
        import_name,
        template_folder=str(HERE / "templates"),
        static_folder=str(HERE / "static"),
        static_url_path="/sandbox-static",
    )
    links = nav if nav is not None else {}

    @app.context_processor
    def _frame() -> dict[str, Any]:
        return {"sandbox_title": title, "theme": theme, "nav": dict(links)}

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    if session_cookie:
        # The sandboxes share the host 127.0.0.1 (cookies ignore ports), so each names its own cookie.
        app.config.update(
            SECRET_KEY=secrets.token_hex(32),
            SESSION_COOKIE_NAME=session_cookie,
            SESSION_COOKIE_SAMESITE="Strict",
            SESSION_COOKIE_HTTPONLY=True,
            WTF_CSRF_TIME_LIMIT=None,
        )
        CSRFProtect(app)

        @app.errorhandler(CSRFError)
        def _csrf_refused(error: CSRFError) -> tuple[str, int]:
            return render_template(
                "sandbox_message.html",
                heading="The form was not accepted",
                message=f"{error.description} Reload the page and send the form again.",
            ), 400

    return app

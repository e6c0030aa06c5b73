"""The tool's web side: LTI endpoints, teacher and admin views; `init_app` wires them into the Flask app."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from app.core.redact import redact
from app.lti.launch import LAUNCH_LIFETIME
from app.lti.tool_config import KursadminToolConf
from app.web import admin_views, course_views, errors, launch_session, lti_views, security, sso_views
from app.web.activity_chart import duration
from app.web.admin_words import applied_in_words, chart_words, inbox_outcome_words
from app.web.i18n import current_language, translate, who
from app.web.settings import web_settings

BLUEPRINTS = (lti_views.bp, course_views.bp, admin_views.bp, sso_views.bp)
# Headers and error pages belong to the tool's own pages; other parts of the app keep theirs.
# Blueprints are module singletons, so their hooks are set once, here, not per app.
for _bp in BLUEPRINTS:
    security.install(_bp)
    errors.install(_bp)
for _bp in (course_views.bp, admin_views.bp):
    launch_session.install(_bp)


def init_app(flask_app: Flask) -> None:
    """Register blueprints, CSRF, cookie policy, security headers and ProxyFix (only when configured)."""
    if "kursadmin.web" in flask_app.extensions:
        return
    config = flask_app.config["KURSADMIN"]
    if not flask_app.config.get("SECRET_KEY"):
        raise RuntimeError("secret_key is not configured: the LTI tool needs it to sign its session cookie")
    web = web_settings(config.extra)
    flask_app.extensions["kursadmin.web"] = web
    flask_app.extensions["kursadmin.lti_conf"] = KursadminToolConf(config, flask_app.extensions["kursadmin.engine"])
    # The tool lives in Canvas's iframe, a third-party context: only Secure, SameSite=None, partitioned
    # (CHIPS) cookies reach it there.
    flask_app.config.update(
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="None",
        SESSION_COOKIE_PARTITIONED=True,
        SESSION_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=int(LAUNCH_LIFETIME.total_seconds()),
    )
    if web.proxy_fix:
        flask_app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            flask_app.wsgi_app,
            x_for=web.proxy_fix,
            x_proto=web.proxy_fix,
            x_host=web.proxy_fix,
            x_port=web.proxy_fix,
        )
    csrf = CSRFProtect(flask_app)
    csrf.exempt(lti_views.bp)  # the platform's form posts carry a signed id_token instead
    for bp in BLUEPRINTS:
        flask_app.register_blueprint(bp)
    flask_app.jinja_env.globals.update(
        _=translate,
        current_language=current_language,
        who=who,
        applied_in_words=applied_in_words,
        inbox_outcome_words=inbox_outcome_words,
        chart_words=chart_words,
        duration=duration,
    )
    flask_app.jinja_env.filters["redact"] = redact  # stored errors may predate redaction

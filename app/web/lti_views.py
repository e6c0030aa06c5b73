"""LTI endpoints: OIDC login initiation (GET and POST), launch, and the tool's JWKS."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, redirect, render_template, session, url_for
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.exception import LtiException, OIDCException

from app.core.access import is_institution_admin, may_change_course
from app.lti.claims import parse_claims
from app.lti.keys import jwks
from app.lti.launch import KursadminMessageLaunch, new_browser_key, record_launch
from app.lti.login import begin_login
from app.lti.tool_config import KursadminToolConf
from app.web.current import admin_user_ids, canvas_person, engine
from app.web.errors import refusal

bp = Blueprint("lti", __name__, url_prefix="/lti")


def _tool_conf() -> KursadminToolConf:
    return current_app.extensions["kursadmin.lti_conf"]


def _launch_url() -> str:
    return url_for("lti.launch", _external=True)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    """Third-party initiated login: check the registration, set the state cookie, go to the platform."""
    try:
        return begin_login(FlaskRequest(), _tool_conf(), engine(), _launch_url())
    except (OIDCException, LtiException) as err:
        return render_template("error.html", reason=str(err)), 400


@bp.post("/launch")
def launch() -> Response | tuple[str, int]:
    """Validate the id_token, store the launch server-side and send the user to the page for its placement."""
    message = KursadminMessageLaunch(FlaskRequest(), _tool_conf(), engine(), _launch_url())
    try:
        message.validate()
    except LtiException as err:
        current_app.logger.warning("LTI launch rejected: %s", err)
        return render_template("error.html", reason=str(err)), 401
    claims = parse_claims(message.body())
    g.lang = claims.locale
    found = _tool_conf().lookup(message.get_iss(), message.get_client_id())
    assert found is not None, "validate() found the registration"
    person = canvas_person(claims.canvas_user_id, claims.roles, claims.is_root_admin)
    admins = admin_user_ids(found[0])
    if claims.placement == "account":
        if not is_institution_admin(person, admins):
            return refusal(True, claims.roles), 403
    elif not may_change_course(person, admins):
        return refusal(False, claims.roles), 403
    elif claims.canvas_course_id is None:
        return render_template("error.html", reason_key="error_no_course"), 400
    browser_key = session.setdefault("browser_key", new_browser_key())
    launch_id = record_launch(engine(), message, found[0].id, browser_key)
    target = "admin.overview" if claims.placement == "account" else "course.overview"
    return redirect(url_for(target, launch_id=launch_id), code=303)


@bp.get("/jwks")
def tool_jwks() -> Response:
    """The tool's public key set (for services that verify what the tool signs)."""
    return jsonify(jwks(engine()))

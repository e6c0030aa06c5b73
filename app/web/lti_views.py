"""LTI endpoints: OIDC login initiation (GET and POST), launch (by cookie or platform storage), and the tool's JWKS."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from pylti1p3.contrib.flask import FlaskRequest
from werkzeug.wrappers import Response  # what redirect() returns; flask.Response is one

from app.core.access import is_institution_admin, may_change_course
from app.lti import refusals
from app.lti.claims import parse_claims
from app.lti.keys import jwks
from app.lti.launch import KursadminMessageLaunch
from app.lti.launch_record import new_browser_key, record_launch
from app.lti.login import begin_login
from app.lti.platform_storage import origin_of, storage_key, storage_target
from app.lti.refusals import Refusal
from app.lti.tool_config import KursadminToolConf
from app.web.current import admin_user_ids, canvas_person, engine
from app.web.errors import refusal
from app.web.settings import WebSettings

bp = Blueprint("lti", __name__, url_prefix="/lti")

# A login opened in a tab of its own (cookies are first-party there): no platform storage, straight on.
NEW_TAB = "kursadmin_new_tab"
# What a login initiation carries (1EdTech OIDC third-party initiated login, Canvas's extras).
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id")
STORAGE_PROOF = "lti_storage_proof"


def _tool_conf() -> KursadminToolConf:
    return current_app.extensions["kursadmin.lti_conf"]


def _launch_url() -> str:
    return url_for("lti.launch", _external=True)


def _refused(refusal: Refusal) -> tuple[str, int]:
    """The refusal page, in the browser's language: no launch locale is known yet."""
    current_app.logger.warning("LTI %s refused (%s): %s", request.endpoint, refusal.key, refusal.detail)
    return render_template("error.html", reason_key=refusal.key), refusal.status


def _private(response: Response) -> Response:
    # These pages carry the login's secret or the id_token: never cached, never handed on.
    response.headers["Cache-Control"] = "no-store"
    return response


def _platform_origins(iss: str, client_id: str, auth_origin: str) -> list[str]:
    """Origins whose answers the page may accept when it falls back to posting to its parent (Canvas's page):
    the institution's Canvas, the configured frame ancestors, and the platform's OIDC origin."""
    found = _tool_conf().lookup(iss, client_id)
    web: WebSettings = current_app.extensions["kursadmin.web"]
    canvas = [origin_of(found[0].canvas_url)] if found else []
    return sorted({*canvas, *web.frame_ancestors, auth_origin})


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    """Third-party initiated login: check the platform, issue state and nonce, then (by a small page that keeps
    the state in the platform's storage, or checks that cookies work) go to the platform."""
    new_tab = request.values.get(NEW_TAB) == "1"
    try:
        start = begin_login(FlaskRequest(), _tool_conf(), engine(), _launch_url(), offer_storage=not new_tab)
    except Refusal as refused:
        return _refused(refused)
    if new_tab:
        return start.set_cookies(redirect(start.auth_url))
    again = {k: request.values[k] for k in LOGIN_PARAMS if request.values.get(k)}
    page = render_template(
        "lti_login.html",
        start=start,
        frame_origins=_platform_origins(again.get("iss", ""), again.get("client_id", ""), start.auth_origin),
        new_tab_url=url_for("lti.login") + "?" + urlencode({**again, NEW_TAB: "1"}),
    )
    return start.set_cookies(_private(make_response(page)))


def _storage_proof() -> str | None:
    """The proof our own launch page read back from the platform's storage; refused from any other origin."""
    proof = request.form.get(STORAGE_PROOF)
    if not proof:
        return None
    # By host, not scheme: behind a TLS proxy without `proxy_fix` the app sees http while the browser says https.
    posted_from = request.headers.get("Origin", "")
    if not posted_from or urlsplit(posted_from).netloc != urlsplit(_launch_url()).netloc:
        raise Refusal(refusals.STATE, f"platform-storage proof posted from {posted_from!r}")
    return proof


def _storage_page(message: KursadminMessageLaunch, target: str) -> Response:
    """The page that reads the login's proof back from the platform's storage and posts the launch again."""
    auth_origin = message.platform_auth_origin()
    state = request.form.get("state", "")
    page = render_template(
        "lti_launch.html",
        target=target,
        auth_origin=auth_origin,
        key=storage_key(state),
        frame_origins=_platform_origins(message.get_iss(), message.get_client_id(), auth_origin),
        id_token=request.form.get("id_token", ""),
        state=state,
        proof_field=STORAGE_PROOF,
    )
    return _private(make_response(page))


@bp.post("/launch")
def launch() -> Response | tuple[str, int]:
    """Validate the id_token, store the launch server-side and send the user to the page for its placement.

    Without the state cookie, a platform that offers storage gets a page that proves the state from there.
    """
    try:
        proof = _storage_proof()
        message = KursadminMessageLaunch(FlaskRequest(), _tool_conf(), engine(), _launch_url(), storage_proof=proof)
        target = storage_target(request.form.get("lti_storage_target"))
        if proof is None and target and not message.state_cookie_present():
            return _storage_page(message, target)
        message.validate()
    except Refusal as refused:
        return _refused(refused)
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
    # A launch proven through platform storage has no cookie to bind to: its unguessable id binds it.
    browser_key = "" if message.cookieless else session.setdefault("browser_key", new_browser_key())
    launch_id = record_launch(engine(), message, found[0].id, browser_key)
    target_page = "admin.overview" if claims.placement == "account" else "course.overview"
    return redirect(url_for(target_page, launch_id=launch_id), code=303)


@bp.get("/jwks")
def tool_jwks() -> Response:
    """The tool's public key set (for services that verify what the tool signs)."""
    return jsonify(jwks(engine()))

"""The sandbox platform's web side: course pages that frame the tool, the OIDC auth endpoint and the JWKS.

Like Canvas, a course page holds the tool's iframe ("tool_content") beside a hidden `post_message_forwarding`
frame, and answers the tool's postMessages (platform storage, lti.capabilities, lti.frameResize) with the scripts
in `static/`, ports of canvas-lms's own. `platform_storage=False` is a Canvas without platform storage (no
`lti_storage_target`, no forwarding frame), `forwarding_frame=False` one whose forwarding frame the tool cannot
reach (it must post to its parent), `storage_answers=False` one whose storage never answers (the tool must time
out and use cookies); `storage_forgeries` makes every storage answer come after two forged
ones (wrong message_id, wrong origin), for tests of the tool's checks.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, redirect, request
from werkzeug.serving import make_server
from werkzeug.wrappers import Response  # what redirect() returns; flask.Response is one

from app.sandbox.lti.personas import PERSONAS, Persona
from app.sandbox.lti.tokens import CANVAS_ISSUER, CourseFacts, LaunchContext, SigningKey, claims, sign

STATIC = Path(__file__).resolve().parent / "static"
# Canvas's name of the frame that forwards platform-storage messages (lib/lti/platform_storage.rb).
STORAGE_TARGET = "post_message_forwarding"
TOOL_FRAME = "tool_content"


@dataclass
class _Pending:
    persona: Persona
    ctx: LaunchContext


@dataclass
class SandboxPlatform:
    """An LTI 1.3 platform with one developer key for the tool; `app` is its WSGI app."""

    tool_login_url: str
    tool_launch_url: str
    client_id: str = "10000000000001"
    deployment_id: str = "1:sandbox-deployment"
    issuer: str = CANVAS_ISSUER
    base_url: str = "http://127.0.0.1"
    key: SigningKey = field(default_factory=SigningKey)
    platform_storage: bool = True
    # False: storage is offered but the forwarding frame is not beside the tool (Canvas's Rich Content Editor),
    # so the tool must fall back to posting to its parent.
    forwarding_frame: bool = True
    # False: storage is offered but never answers (a Canvas page still loading, a broken frame): the tool times out.
    storage_answers: bool = True
    storage_forgeries: bool = False
    # A broken key set endpoint (status, body), for tests of the tool's handling of it.
    jwks_fault: tuple[int, str] | None = None
    # What Canvas knows of a course id (SIS id, name, code); by default the platform knows no course.
    course_facts: Callable[[int], CourseFacts | None] = lambda _course_id: None
    # Who it launches as (by default the module's table itself, which tests may patch); a demo gives its
    # own, with its Canvas's user ids (Canvas sends its own user's id).
    personas: dict[str, Persona] = field(default_factory=lambda: PERSONAS)
    _pending: dict[str, _Pending] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.app = _make_app(self)

    @property
    def auth_login_url(self) -> str:
        """The OIDC authorization endpoint (Canvas: /api/lti/authorize_redirect)."""
        return f"{self.base_url}/api/lti/authorize_redirect"

    @property
    def key_set_url(self) -> str:
        """The platform's JWKS URL (Canvas: /api/lti/security/jwks)."""
        return f"{self.base_url}/api/lti/security/jwks"

    @property
    def auth_token_url(self) -> str:
        """The OAuth2 token endpoint the tool would use for services (not served by the sandbox)."""
        return f"{self.base_url}/login/oauth2/token"

    def registration(self) -> dict[str, object]:
        """The `[[institution.lti]]` entry a tool needs for this platform (deployment listed)."""
        return {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_login_url": self.auth_login_url,
            "auth_token_url": self.auth_token_url,
            "key_set_url": self.key_set_url,
            "deployment_ids": [self.deployment_id],
        }

    def start_launch(
        self,
        persona: str,
        course_id: int | None,
        locale: str = "en",
        placement: str = "course_navigation",
        account_id: int = 1,
    ) -> dict[str, str]:
        """The login initiation parameters for a launch, remembering what to put in its id_token."""
        hint = secrets.token_urlsafe(16)
        who = self.personas[persona]
        with self._lock:
            self._pending[hint] = _Pending(who, self._context(placement, course_id, account_id, locale))
        return {
            "iss": self.issuer,
            "login_hint": who.sub,
            "target_link_uri": self.tool_launch_url,
            "lti_message_hint": hint,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
            **self.storage_params(),
        }

    def storage_params(self) -> dict[str, str]:
        """`lti_storage_target`, which Canvas adds to login initiations and launches when it offers storage."""
        return {"lti_storage_target": STORAGE_TARGET} if self.platform_storage else {}

    @property
    def impostor_origin(self) -> str:
        """Another site on the same server, where the forging frame lives (browsers resolve *.localhost to
        loopback); a site of its own, so it shares a browser process with neither the platform nor the tool."""
        return self.base_url.replace("://127.0.0.1:", "://impostor.localhost:")

    def id_token(
        self,
        persona: str,
        course_id: int | None,
        nonce: str,
        *,
        locale: str = "en",
        placement: str = "course_navigation",
        key: SigningKey | None = None,
        now: float | None = None,
        **overrides: Any,
    ) -> str:
        """A signed id_token as Canvas would send it; `overrides` replace claims (to forge bad ones in tests)."""
        body = claims(
            issuer=self.issuer,
            client_id=self.client_id,
            deployment_id=self.deployment_id,
            target_link_uri=self.tool_launch_url,
            persona=self.personas[persona],
            ctx=self._context(placement, course_id, 1, locale),
            nonce=nonce,
            now=now,
        )
        body.update(overrides)
        return sign(body, key or self.key)

    def _context(self, placement: str, course_id: int | None, account_id: int, locale: str) -> LaunchContext:
        course = self.course_facts(course_id) if course_id is not None else None
        return LaunchContext(placement, course_id, account_id, locale, course)

    def authorize(self, params: dict[str, str]) -> tuple[str, str]:
        """Check an OIDC auth request; return (redirect_uri, id_token) or raise ValueError saying why."""
        if params.get("response_type") != "id_token" or params.get("scope") != "openid":
            raise ValueError("unsupported_response_type")
        if params.get("response_mode") != "form_post":
            raise ValueError("invalid_request: response_mode must be form_post")
        if params.get("client_id") != self.client_id:
            raise ValueError("unauthorized_client")
        if params.get("redirect_uri") != self.tool_launch_url:
            raise ValueError("invalid_request: redirect_uri is not registered for this developer key")
        if not params.get("nonce"):
            raise ValueError("invalid_request: nonce missing")
        with self._lock:
            pending = self._pending.pop(params.get("lti_message_hint", ""), None)
        if pending is None or pending.persona.sub != params.get("login_hint"):
            raise ValueError("login_required: unknown or used lti_message_hint")
        body = claims(
            issuer=self.issuer,
            client_id=self.client_id,
            deployment_id=self.deployment_id,
            target_link_uri=self.tool_launch_url,
            persona=pending.persona,
            ctx=pending.ctx,
            nonce=params["nonce"],
        )
        return self.tool_launch_url, sign(body, self.key)

    def frame_page_path(self, persona: str, course_id: int | None = None, locale: str = "en") -> str:
        """Path of the page that shows the tool in an iframe (course or account navigation)."""
        query = urlencode({"as": persona, "locale": locale})
        if course_id is None:
            return f"/accounts/1/external_tools/kursadmin?{query}"
        return f"/courses/{course_id}/external_tools/kursadmin?{query}"

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Run the platform on a real loopback port in a thread; yields its base URL."""
        server = make_server(host, port, self.app, threaded=True)
        self.base_url = f"http://{host}:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self.base_url
        finally:
            server.shutdown()
            thread.join()


def _page(
    title: str, body: str, lang: str = "en", body_data: dict[str, str] | None = None, script: str | None = None
) -> str:
    data = "".join(f' data-{escape(k)}="{escape(v)}"' for k, v in (body_data or {}).items())
    tag = f'<script src="/sandbox-static/{escape(script)}" defer></script>' if script else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        "<style>body{font-family:sans-serif;margin:0}header{background:#2d3b45;color:#fff;padding:.5rem 1rem}"
        ".tool_content_wrapper iframe{border:0;width:100%;height:450px}"
        ".hidden-frame{display:none}</style>"
        f"{tag}</head><body{data}>{body}</body></html>"
    )


def _autopost(action: str, fields: dict[str, str], label: str) -> str:
    inputs = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items())
    return _page(
        label,
        f'<form method="post" action="{escape(action)}">{inputs}'
        f'<noscript><button type="submit">{escape(label)}</button></noscript></form>'
        "<script>document.forms[0].submit()</script>",
    )


def _make_app(platform: SandboxPlatform) -> Flask:
    app = Flask("sandbox_lti_platform", static_folder=str(STATIC), static_url_path="/sandbox-static")

    @app.get("/")
    def index() -> str:
        links = "".join(
            f'<li><a href="{escape(platform.frame_page_path(p, None if p == "admin" else 101))}">{escape(p)}</a></li>'
            for p in PERSONAS
        )
        return _page("Sandbox Canvas", f"<header><h1>Sandbox Canvas</h1></header><main><ul>{links}</ul></main>")

    @app.get("/api/lti/security/jwks")
    def jwks() -> dict[str, Any] | tuple[str, int, dict[str, str]]:
        if platform.jwks_fault is not None:
            status, body = platform.jwks_fault
            return body, status, {"Content-Type": "application/json"}
        return {"keys": [platform.key.jwk()]}

    def _frame(persona: str, course_id: int | None, placement: str) -> str:
        if persona not in platform.personas:
            abort(404)
        locale = request.args.get("locale", "en")
        method = request.args.get("method", "post")
        params = platform.start_launch(persona, course_id, locale, placement)
        src = f"/launch_frame?{urlencode({**params, 'method': method})}"
        facts = platform.course_facts(course_id) if course_id is not None else None
        title = facts.name if facts else "Account" if course_id is None else f"Course {course_id}"
        frames = ""
        if platform.platform_storage and platform.forwarding_frame:
            frames += (
                f'<iframe name="{STORAGE_TARGET}" title="{STORAGE_TARGET}" class="hidden-frame" '
                f'src="/{STORAGE_TARGET}"></iframe>'
            )
        if platform.storage_forgeries:
            frames += (
                f'<iframe name="impostor" title="impostor" class="hidden-frame" '
                f'src="{escape(platform.impostor_origin)}/impostor"></iframe>'
            )
        return _page(
            title,
            f"<header><h1>{escape(title)} — {escape(platform.personas[persona].name)}</h1></header>"
            f'<main class="tool_content_wrapper"><iframe name="{TOOL_FRAME}" title="Kursadministration"'
            f' src="{escape(src)}" allow="clipboard-write"></iframe></main>{frames}',
            body_data={
                "platform-storage": "on" if platform.platform_storage else "off",
                "storage-answers": "on" if platform.storage_answers else "off",
            },
            script="canvas_messages.js",
        )

    @app.get(f"/{STORAGE_TARGET}")
    def post_message_forwarding() -> str:
        if not platform.platform_storage:
            abort(404)
        data = {"parent-origin": platform.base_url}
        if platform.storage_forgeries:
            data["impostor-origin"] = platform.impostor_origin
        return _page(STORAGE_TARGET, "", body_data=data, script="post_message_forwarding.js")

    @app.get("/impostor")
    def impostor() -> str:
        return _page("impostor", "", body_data={"platform-origin": platform.base_url}, script="impostor.js")

    @app.get("/courses/<int:course_id>/external_tools/kursadmin")
    def course_tool(course_id: int) -> str:
        return _frame(request.args.get("as", "teacher"), course_id, "course_navigation")

    @app.get("/accounts/<int:account_id>/external_tools/kursadmin")
    def account_tool(account_id: int) -> str:
        return _frame(request.args.get("as", "admin"), None, "account_navigation")

    @app.get("/launch_frame")
    def launch_frame() -> Response | str:
        params = {k: v for k, v in request.args.items() if k != "method"}
        if request.args.get("method") == "get":
            return redirect(f"{platform.tool_login_url}?{urlencode(params)}")
        return _autopost(platform.tool_login_url, params, "Launch")

    @app.route("/api/lti/authorize_redirect", methods=["GET", "POST"])
    def authorize() -> tuple[str, int] | str:
        try:
            redirect_uri, token = platform.authorize(dict(request.values.items()))
        except ValueError as err:
            return _page("Error", f"<p>{escape(str(err))}</p>"), 400
        fields = {"id_token": token, "state": request.values.get("state", ""), **platform.storage_params()}
        return _autopost(redirect_uri, fields, "Continue")

    return app

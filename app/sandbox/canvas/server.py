"""Real HTTP front end: a threaded werkzeug server on 127.0.0.1 with a free port."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from werkzeug.serving import BaseWSGIServer, make_server

from app.sandbox.canvas.dispatch import CanvasApp, RawRequest
from app.sandbox.serving import QuietHandler, WsgiApp

_REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    504: "Gateway Timeout",
}


def wsgi_app(app: CanvasApp, sleep: Callable[[float], None] = time.sleep) -> Callable[..., Iterable[bytes]]:
    """A WSGI application serving the emulator."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(environ.get("PATH_INFO", "/"))
        path = raw_uri.split("?", 1)[0]
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        raw = RawRequest(
            method=environ["REQUEST_METHOD"],
            base_url=f"http://{environ.get('HTTP_HOST', 'localhost')}",
            path=path,
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
            body=body,
        )
        answer = app.handle(raw)
        if answer.timed_out:
            # The client's own read timeout should fire while we hold the answer back.
            sleep(app.faults.config.server_timeout_delay)
        start_response(
            f"{answer.status} {_REASONS.get(answer.status, 'Unknown')}",
            [*answer.headers.items(), ("Content-Length", str(len(answer.body)))],
        )
        return [answer.body]

    return application


class RunningServer:
    """A started server; `url` is its base URL, `stop()` shuts it down."""

    def __init__(self, server: BaseWSGIServer) -> None:
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="canvas-sandbox", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and wait for the server thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def beside_api(api: WsgiApp, pages: WsgiApp) -> WsgiApp:
    """One WSGI app: /api/… answers as Canvas's API does, every other path is a page for people."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = api if environ.get("PATH_INFO", "").startswith("/api/") else pages
        return target(environ, start_response)

    return application


def serve(app: CanvasApp, pages: WsgiApp, sleep: Callable[[float], None] = time.sleep) -> RunningServer:
    """Start a threaded server for the emulator, with `pages` beside its API, on a free loopback port."""
    server = make_server(
        "127.0.0.1", 0, beside_api(wsgi_app(app, sleep), pages), threaded=True, request_handler=QuietHandler
    )
    return RunningServer(server)

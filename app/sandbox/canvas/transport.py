"""In-process front end: an httpx transport that hands requests straight to the emulator."""

from __future__ import annotations

import httpx

from app.sandbox.canvas.dispatch import CanvasApp, RawRequest


class SandboxTransport(httpx.BaseTransport):
    """httpx.BaseTransport over a CanvasApp; simulated timeouts raise httpx.ReadTimeout."""

    def __init__(self, app: CanvasApp) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run one request through the emulator."""
        raw_path = request.url.raw_path.decode("ascii")
        path = raw_path.split("?", 1)[0]
        raw = RawRequest(
            method=request.method,
            base_url=f"{request.url.scheme}://{request.url.netloc.decode('ascii')}",
            path=path,
            query=request.url.query.decode("ascii"),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.read(),
        )
        answer = self.app.handle(raw)
        if answer.timed_out:
            raise httpx.ReadTimeout("simulated Canvas timeout", request=request)
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)

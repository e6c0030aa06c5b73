"""Route table: Canvas URL templates (`/api/v1/courses/:id`) matched to handler functions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from app.sandbox.canvas.params import Params
from app.sandbox.canvas.state import CanvasState


@dataclass
class ApiRequest:
    """One parsed API call as a handler sees it."""

    method: str
    path: str
    query: str
    params: Params
    base_url: str
    state: CanvasState
    current_user_id: int
    path_params: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str) -> str:
        """A path parameter, percent-decoded (SIS ids may contain reserved characters)."""
        return self.path_params[name]


@dataclass
class ApiResponse:
    """A handler's answer before it is encoded."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[ApiRequest], ApiResponse]


@dataclass(frozen=True)
class Route:
    """A method and URL template bound to a handler."""

    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]


def _compile(template: str) -> re.Pattern[str]:
    parts = []
    for segment in template.strip("/").split("/"):
        if segment.startswith(":"):
            parts.append(f"(?P<{segment[1:]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("^/" + "/".join(parts) + "/?$")


class Router:
    """Ordered routes; the first template that matches wins."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Register a handler for a method and template."""
        self.routes.append(Route(method, template, handler, _compile(template)))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for a request and its decoded path parameters, or None."""
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None


def ok(body: Any, status: int = 200) -> ApiResponse:
    """A JSON response."""
    return ApiResponse(status, body)

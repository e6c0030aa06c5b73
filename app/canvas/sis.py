"""SIS ids as Canvas takes them: `sis_course_id:X` URL-quoted in a path, raw in a form or query value."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

SisKind = Literal["sis_course_id", "sis_section_id", "sis_user_id", "sis_account_id", "sis_term_id"]


def in_path(kind: SisKind, value: str) -> str:
    """The reference as a path segment."""
    # Canvas wants SIS ids UTF-8 encoded and URL-escaped in paths; a period is escaped too, or Rails
    # reads what follows it as a response format (developerdocs.instructure.com, "Object IDs").
    return f"{kind}:{quote(value, safe='').replace('.', '%2E')}"


def in_param(kind: SisKind, value: str) -> str:
    """The reference as a parameter value (httpx encodes it once)."""
    return f"{kind}:{value}"


def ref_in_path(canvas_id: int | None, kind: SisKind, value: str) -> str:
    """The Canvas id when known (cheapest for Canvas), else the SIS reference."""
    return str(canvas_id) if canvas_id is not None else in_path(kind, value)

"""The tool's Swedish and English texts, chosen by the launch's locale."""

from __future__ import annotations

from flask import g, request

from app.web.texts.admin import ADMIN
from app.web.texts.course import COURSE
from app.web.texts.launch import LAUNCH

LANGUAGES = ("sv", "en")

MESSAGES: dict[str, dict[str, str]] = {**COURSE, **ADMIN, **LAUNCH}


def current_language() -> str:
    """The language of this request: the launch's, else the browser's best match, else English."""
    lang = getattr(g, "lang", None)
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES) or "en"


def translate(key: str, **values: object) -> str:
    """The message in the current language, with {placeholders} filled in."""
    text = MESSAGES[key][current_language()]
    return text.format(**values) if values else text


def who(by: str, name: str | None) -> str:
    """Who made a change, for the pages: a Canvas user by name and id, an SSO identity, or as recorded."""
    kind, _, ident = by.partition(":")
    if kind == "canvas":
        return translate("who_canvas", name=name or "?", id=ident)
    if kind == "sso":
        return translate("who_sso", id=ident)
    return by

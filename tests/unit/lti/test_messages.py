"""Every text of the tool exists in Swedish and English, with the same placeholders."""

from __future__ import annotations

import string

from app.web.i18n import LANGUAGES, MESSAGES


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert _fields(texts["sv"]) == _fields(texts["en"]), key

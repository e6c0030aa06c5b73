"""Support reads what an operation does, never its class name."""

from __future__ import annotations

import typing

from app.core.operation_words import in_words
from app.core.plan import Operation


def test_every_operation_has_words_of_its_own() -> None:
    names = [op.__name__ for op in typing.get_args(Operation)]
    words = [in_words(name) for name in names]
    assert all(w != name and w[0].islower() for w, name in zip(words, names, strict=True))
    assert len(set(words)) == len(names)


def test_an_unknown_name_is_shown_as_it_is() -> None:
    assert in_words("CreateSection") == "CreateSection"

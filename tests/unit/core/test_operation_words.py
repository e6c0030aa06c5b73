"""Support and administrators read what an operation does, never its class name."""

from __future__ import annotations

import typing

from app.core.operation_words import OPERATION_WORDS, applied_in_words, in_words
from app.core.plan import Operation


def test_every_operation_has_words_of_its_own_in_each_language() -> None:
    names = [op.__name__ for op in typing.get_args(Operation)]
    assert sorted(OPERATION_WORDS) == sorted(names)
    to_do = [in_words(name) for name in names]
    assert all(w != name and w[0].islower() for w, name in zip(to_do, names, strict=True))
    assert len(set(to_do)) == len(names)
    for lang in ("sv", "en"):
        assert len({words.applied[lang] for words in OPERATION_WORDS.values()}) == len(names)


def test_an_unknown_name_is_shown_as_it_is() -> None:
    assert in_words("CreateSection") == "CreateSection"


def test_counts_come_in_the_adapters_order_with_unknown_ones_summed_last() -> None:
    applied = {"Unenroll": 2, "CreateSection": 1, "EnsureUser": 3, "Legacy": 4}
    assert applied_in_words(applied, "sv") == [
        ("Studentkonton skapade eller uppdaterade", 3),
        ("Studenter borttagna ur kurser", 2),
        ("Övriga ändringar", 5),
    ]

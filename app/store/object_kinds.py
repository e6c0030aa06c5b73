"""The kinds of Canvas object the ledger remembers, and the column type that stores them as their names."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class ObjectKind(StrEnum):
    """What a ledger row (`canvas_object`) names; `sis_id` is the id it is known by, as each member says."""

    USER = "user"  # sis id: the student's Ladok uid
    COURSE = "course"  # sis id: the offering uid; state: workflow_state and name as last seen
    SECTION = "section"  # sis id: the offering uid, or "{offering uid}:{course}" for co-reading; parent: its course
    TERM = "term"  # sis id: Ladok's term code
    ACCOUNT = "account"  # sis id: the organisation uid
    KURS_ACCOUNT = "kurs_account"  # the "Kurs" child sub-account; sis id: its parent's Canvas account id
    PROGRAM_ACCOUNT = "program_account"  # the "Program" child sub-account; sis id: as KURS_ACCOUNT
    CONCLUDED = "concluded"  # a course found concluded by hand; sis id: its Canvas id
    MESSAGE = "message"  # a suspension message sent; sis id: made by ledger.message_sis_id, never parsed


CHILD_ACCOUNT_KINDS: dict[str, ObjectKind] = {"Kurs": ObjectKind.KURS_ACCOUNT, "Program": ObjectKind.PROGRAM_ACCOUNT}


class ObjectKindColumn(TypeDecorator[ObjectKind]):
    """An ObjectKind in a VARCHAR(16), stored by its value, so rows written before the enum read the same."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: ObjectKind | str | None, dialect: Dialect) -> str | None:
        """The kind's value for the database."""
        return None if value is None else ObjectKind(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> ObjectKind | None:
        """The stored value as its kind."""
        return None if value is None else ObjectKind(value)

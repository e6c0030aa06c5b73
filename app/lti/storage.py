"""PyLTI1p3's launch data storage and session service over SQLAlchemy, so every gunicorn worker sees one state.

PyLTI1p3's own storages keep data per process (cache) or in the browser session; its nonce check only
asks whether a nonce was issued, so a captured id_token could be replayed. Here nonces are issued and
consumed in the database, each exactly once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.session import SessionService
from sqlalchemy import Engine, delete, update
from sqlalchemy.orm import Session

from app.lti.upsert import insert_for
from app.store.db import as_utc, write_session
from app.store.lti_tables import LtiCacheRow, LtiLaunchRow, LtiNonceRow

NONCE_LIFETIME = dt.timedelta(minutes=10)


def utcnow() -> dt.datetime:
    """The current time in UTC (aware)."""
    return dt.datetime.now(dt.UTC)


class DbLaunchDataStorage(LaunchDataStorage[Any]):
    """Key/value storage in the `lti_cache` table, with expiry."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self._engine = engine

    def get_session_cookie_name(self) -> str | None:
        """No per-browser key prefix: keys are random, and our own launch row is bound to the browser."""
        return None

    def can_set_keys_expiration(self) -> bool:
        """Expiry is stored with each key."""
        return True

    def get_value(self, key: str) -> Any:
        """The stored value, or None when missing or expired."""
        with Session(self._engine) as session:
            row = session.get(LtiCacheRow, self._prepare_key(key))
            if row is None:
                return None
            expires = as_utc(row.expires_at)
            return None if expires is not None and expires <= utcnow() else row.value

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        """Store a value for `exp` seconds (for ever when None)."""
        expires = utcnow() + dt.timedelta(seconds=exp) if exp else None
        with write_session(self._engine) as session:
            stmt = insert_for(session)(LtiCacheRow).values(key=self._prepare_key(key), value=value, expires_at=expires)
            session.execute(stmt.on_conflict_do_update(index_elements=["key"],
                                                       set_={"value": value, "expires_at": expires}))

    def check_value(self, key: str) -> bool:
        """Whether a live value is stored under the key."""
        return self.get_value(key) is not None


def issue_nonce(engine: Engine, nonce: str) -> None:
    """Record a nonce sent to the platform in an OIDC login."""
    with write_session(engine) as session:
        session.add(LtiNonceRow(nonce=nonce, issued_at=utcnow()))


def purge_expired(engine: Engine) -> None:
    """Drop nonces too old to be used, expired cache entries and expired launches (each is indexed by time)."""
    now = utcnow()
    with write_session(engine) as session:
        session.execute(delete(LtiNonceRow).where(LtiNonceRow.issued_at < now - 2 * NONCE_LIFETIME))
        session.execute(delete(LtiCacheRow).where(LtiCacheRow.expires_at < now))
        session.execute(delete(LtiLaunchRow).where(LtiLaunchRow.expires_at < now))


def consume_nonce(engine: Engine, nonce: str) -> bool:
    """Mark an issued, fresh, unused nonce used; False when unknown, stale or already used (a replay)."""
    now = utcnow()
    with write_session(engine) as session:
        result = session.execute(
            update(LtiNonceRow)
            .where(LtiNonceRow.nonce == nonce, LtiNonceRow.used_at.is_(None),
                   LtiNonceRow.issued_at > now - NONCE_LIFETIME)
            .values(used_at=now)
        )
        return (result.rowcount or 0) == 1


class DbSessionService(SessionService):
    """PyLTI1p3's session service on DbLaunchDataStorage, with one-time nonces in `lti_nonce`."""

    def __init__(self, request: Any, engine: Engine) -> None:
        super().__init__(request)
        self._engine = engine
        self.set_data_storage(DbLaunchDataStorage(engine))

    def save_nonce(self, nonce: str) -> None:
        """Record the nonce of a login."""
        issue_nonce(self._engine, nonce)

    def check_nonce(self, nonce: str) -> bool:
        """Consume the nonce: True once for an issued nonce, False for anything else."""
        return consume_nonce(self._engine, nonce)

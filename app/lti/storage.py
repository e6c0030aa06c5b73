"""PyLTI1p3's launch data storage and session service over SQLAlchemy, so every gunicorn worker sees one state.

PyLTI1p3's own storages keep data per process (cache) or in the browser session; its nonce check only
asks whether a nonce was issued, so a captured id_token could be replayed, and the nonce is tied to no login.
Here a nonce is issued with its login's state (and, under platform storage, the hash of the secret the login
page stored in the platform) and consumed in the database exactly once, by a launch that presents that state.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from typing import Any

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.session import SessionService
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from app.store.clock import utcnow
from app.store.db import as_utc, insert_for, write_session
from app.store.lti_tables import LtiCacheRow, LtiLaunchRow, LtiNonceRow
from app.store.rows import rows_changed

NONCE_LIFETIME = dt.timedelta(minutes=10)


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
            insert = insert_for(session.get_bind().dialect.name)
            stmt = insert(LtiCacheRow).values(key=self._prepare_key(key), value=value, expires_at=expires)
            session.execute(
                stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value, "expires_at": expires})
            )

    def forget(self, key: str) -> None:
        """Drop a stored value (e.g. a platform key set that lacks a rotated key)."""
        with write_session(self._engine) as session:
            session.execute(delete(LtiCacheRow).where(LtiCacheRow.key == self._prepare_key(key)))

    def check_value(self, key: str) -> bool:
        """Whether a live value is stored under the key."""
        return self.get_value(key) is not None


def proof_hash(proof: str) -> str:
    """The SHA-256 (hex) under which a platform-storage proof is kept: the secret itself never is."""
    return hashlib.sha256(proof.encode()).hexdigest()


def issue_nonce(engine: Engine, nonce: str, state: str, proof: str | None = None) -> None:
    """Record a nonce sent to the platform in an OIDC login, bound to the login's state (and storage proof)."""
    with write_session(engine) as session:
        session.add(
            LtiNonceRow(
                nonce=nonce,
                issued_at=utcnow(),
                state=state,
                proof_hash=proof_hash(proof) if proof is not None else None,
            )
        )


def purge_expired(engine: Engine) -> None:
    """Drop nonces too old to be used, expired cache entries and expired launches (each is indexed by time)."""
    now = utcnow()
    with write_session(engine) as session:
        session.execute(delete(LtiNonceRow).where(LtiNonceRow.issued_at < now - 2 * NONCE_LIFETIME))
        session.execute(delete(LtiCacheRow).where(LtiCacheRow.expires_at < now))
        session.execute(delete(LtiLaunchRow).where(LtiLaunchRow.expires_at < now))


class NonceCheck(enum.Enum):
    """What consuming a nonce found."""

    CONSUMED = "consumed"
    UNKNOWN = "unknown, expired or already used"
    OTHER_LOGIN = "issued to another login state"


def consume_nonce(engine: Engine, nonce: str, state: str, proof: str | None = None) -> NonceCheck:
    """Mark an issued, fresh, unused nonce used, if it was issued with this state (and this storage proof).

    The state is the one this browser proved it holds (by cookie, or by `proof` read back from the platform's
    storage); a nonce issued to another login is refused, so a token cannot be carried into another browser's
    login. Exactly one launch can consume a nonce, whatever carried its state.
    """
    now = utcnow()
    fresh = (LtiNonceRow.nonce == nonce, LtiNonceRow.used_at.is_(None), LtiNonceRow.issued_at > now - NONCE_LIFETIME)
    bound = [LtiNonceRow.state == state]
    if proof is not None:
        bound.append(LtiNonceRow.proof_hash == proof_hash(proof))
    with write_session(engine) as session:
        if rows_changed(session, update(LtiNonceRow).where(*fresh, *bound).values(used_at=now)) == 1:
            return NonceCheck.CONSUMED
        usable = session.scalar(select(func.count()).select_from(LtiNonceRow).where(*fresh))
    return NonceCheck.OTHER_LOGIN if usable else NonceCheck.UNKNOWN


class DbSessionService(SessionService):
    """PyLTI1p3's session service on DbLaunchDataStorage; a login's nonce is issued with its state and proof."""

    def __init__(self, request: Any, engine: Engine, state: str | None = None, proof: str | None = None) -> None:
        super().__init__(request)
        self._engine = engine
        self._state = state
        self._proof = proof
        self.set_data_storage(DbLaunchDataStorage(engine))

    def save_nonce(self, nonce: str) -> None:
        """Record the nonce of a login, bound to the login's state."""
        if self._state is None:
            raise RuntimeError("a nonce is issued only by a login that knows its state")
        issue_nonce(self._engine, nonce, self._state, self._proof)

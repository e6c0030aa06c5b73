"""The database-backed LTI state: cache with expiry, one-time nonces, housekeeping, and one key pair."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.lti.keys import jwks, tool_key
from app.lti.storage import DbLaunchDataStorage, NonceCheck, consume_nonce, issue_nonce, purge_expired
from app.store.clock import utcnow
from app.store.db import write_session
from app.store.lti_tables import LtiCacheRow, LtiLaunchRow, LtiNonceRow
from tests.integration.lti.harness import prepare_schema


def test_cache_values_are_shared_and_expire(engine: Engine) -> None:
    prepare_schema(engine)
    one, other = DbLaunchDataStorage(engine), DbLaunchDataStorage(engine)  # as two workers would hold
    one.set_value("launch-1", {"sub": "x"}, exp=60)
    one.set_value("gone", True, exp=60)
    assert other.get_value("launch-1") == {"sub": "x"} and other.check_value("launch-1")
    one.set_value("launch-1", {"sub": "y"}, exp=60)
    assert other.get_value("launch-1") == {"sub": "y"}
    with write_session(engine) as db:
        db.get(LtiCacheRow, "lti1p3-gone").expires_at = utcnow() - dt.timedelta(seconds=1)
    assert other.get_value("gone") is None and not other.check_value("gone")


def test_a_nonce_is_consumed_once_and_only_if_issued_recently(engine: Engine) -> None:
    prepare_schema(engine)
    issue_nonce(engine, "n1", "state-1")
    assert consume_nonce(engine, "n1", "state-1") is NonceCheck.CONSUMED
    assert consume_nonce(engine, "n1", "state-1") is NonceCheck.UNKNOWN
    assert consume_nonce(engine, "never-issued", "state-1") is NonceCheck.UNKNOWN
    issue_nonce(engine, "stale", "state-2")
    with write_session(engine) as db:
        db.get(LtiNonceRow, "stale").issued_at = utcnow() - dt.timedelta(minutes=11)
    assert consume_nonce(engine, "stale", "state-2") is NonceCheck.UNKNOWN


def test_a_nonce_is_consumed_only_with_the_state_and_proof_it_was_issued_with(engine: Engine) -> None:
    prepare_schema(engine)
    issue_nonce(engine, "n1", "state-1", proof="secret")
    assert consume_nonce(engine, "n1", "state-2") is NonceCheck.OTHER_LOGIN
    assert consume_nonce(engine, "n1", "state-1", proof="guess") is NonceCheck.OTHER_LOGIN
    assert consume_nonce(engine, "n1", "state-1", proof="secret") is NonceCheck.CONSUMED
    with Session(engine) as db:
        assert db.get(LtiNonceRow, "n1").proof_hash not in (None, "secret")  # only its hash is kept


def test_purge_drops_only_what_has_expired(engine: Engine) -> None:
    prepare_schema(engine)
    now = utcnow()
    issue_nonce(engine, "fresh", "state-1")
    storage = DbLaunchDataStorage(engine)
    storage.set_value("live", 1, exp=60)
    storage.set_value("dead", 1, exp=60)
    with write_session(engine) as db:
        db.add(LtiNonceRow(nonce="old", issued_at=now - dt.timedelta(hours=1)))
        db.get(LtiCacheRow, "lti1p3-dead").expires_at = now - dt.timedelta(seconds=1)
        for launch_id, expires in (("old", now - dt.timedelta(seconds=1)), ("new", now + dt.timedelta(hours=1))):
            db.add(
                LtiLaunchRow(
                    launch_id=launch_id,
                    institution_id="kth",
                    issuer="i",
                    client_id="c",
                    deployment_id="d",
                    placement="course",
                    subject="s",
                    roles=[],
                    locale="en",
                    browser_key="b",
                    created_at=now,
                    expires_at=expires,
                )
            )
    purge_expired(engine)
    with Session(engine) as db:
        assert db.scalars(select(LtiNonceRow.nonce)).all() == ["fresh"]
        assert db.scalars(select(LtiCacheRow.key)).all() == ["lti1p3-live"]
        assert db.scalars(select(LtiLaunchRow.launch_id)).all() == ["new"]


def test_the_tool_key_is_made_once_and_published_without_private_parts(engine: Engine) -> None:
    prepare_schema(engine)
    first, again = tool_key(engine), tool_key(engine)
    assert first == again
    assert "PRIVATE KEY" in first.private_pem
    assert jwks(engine) == {"keys": [first.public_jwk]}
    assert first.public_jwk["kid"] == first.kid

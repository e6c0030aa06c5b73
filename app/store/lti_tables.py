"""SQLAlchemy tables of the LTI tool: its key pair, used nonces, launches, deployments and PyLTI1p3's cache."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column

from app.store.tables import Base


class LtiKeyRow(Base):
    """The tool's RSA key pair, made on first start; the private half never leaves the database."""

    __tablename__ = "lti_key"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    kid: Mapped[str] = mapped_column(String(64))
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LtiNonceRow(Base):
    """A nonce sent in an OIDC login, with the login's state; `used_at` is set by the one launch that may consume it.

    `proof_hash` is the SHA-256 of the secret the login page put into the platform's storage (LTI platform
    storage), for a launch whose browser holds no state cookie.
    """

    __tablename__ = "lti_nonce"
    __table_args__ = (Index("ix_lti_nonce_issued", "issued_at"),)

    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str | None] = mapped_column(String(128))
    proof_hash: Mapped[str | None] = mapped_column(String(64))


class LtiCacheRow(Base):
    """PyLTI1p3's key/value launch data storage (state, launch bodies, platform key sets), shared by workers."""

    __tablename__ = "lti_cache"
    __table_args__ = (Index("ix_lti_cache_expires", "expires_at"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict | list | str | bool | None] = mapped_column(JSON)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LtiDeploymentRow(Base):
    """A deployment id seen in a valid launch of a registration (recorded when the config lists none)."""

    __tablename__ = "lti_deployment"

    issuer: Mapped[str] = mapped_column(String(255), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    deployment_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LtiLaunchRow(Base):
    """A validated launch: who, with which roles, in which Canvas course; the only source of the course acted on."""

    __tablename__ = "lti_launch"
    __table_args__ = (Index("ix_lti_launch_expires", "expires_at"),)

    launch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str] = mapped_column(String(255))
    placement: Mapped[str] = mapped_column(String(32))  # course | account
    canvas_course_id: Mapped[int | None] = mapped_column(BigInteger)
    canvas_course_sis_id: Mapped[str | None] = mapped_column(String(200))
    canvas_user_id: Mapped[str | None] = mapped_column(String(64))
    # $Canvas.user.isRootAccountAdmin: only this, not the Administrator role every sub-account admin has.
    is_root_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    subject: Mapped[str] = mapped_column(String(255))
    user_name: Mapped[str | None] = mapped_column(String(300))
    roles: Mapped[list] = mapped_column(JSON, default=list)
    locale: Mapped[str] = mapped_column(String(8))
    browser_key: Mapped[str] = mapped_column(String(64))
    # Made through platform storage: no cookie reaches the tool, so the unguessable launch id alone binds it.
    cookieless: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

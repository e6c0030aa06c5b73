"""leases that die with their worker: when a key was leased, a wider owner id, and worker heartbeats

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LEASED = "lease_owner IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column(
            "lease_owner", existing_type=sa.String(length=64), type_=sa.String(length=255), existing_nullable=True
        )
        batch_op.create_index(
            "ix_job_leased",
            ["lease_owner"],
            unique=False,
            postgresql_where=sa.text(LEASED),
            sqlite_where=sa.text(LEASED),
        )
    op.create_table(
        "worker",
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("institutions", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("owner"),
    )
    op.create_index("ix_worker_beat_at", "worker", ["beat_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_worker_beat_at", table_name="worker")
    op.drop_table("worker")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_leased", postgresql_where=sa.text(LEASED), sqlite_where=sa.text(LEASED))
        batch_op.alter_column(
            "lease_owner", existing_type=sa.String(length=255), type_=sa.String(length=64), existing_nullable=True
        )
        batch_op.drop_column("leased_at")

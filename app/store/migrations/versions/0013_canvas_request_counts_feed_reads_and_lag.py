"""ops: Canvas requests counted by outcome, each institution's last feed read, and lag sampled a minute

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canvas_request_count",
        sa.Column("institution_id", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("institution_id", "outcome"),
    )
    op.create_table(
        "feed_read",
        sa.Column("institution_id", sa.String(length=32), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("institution_id"),
    )
    op.create_table(
        "lag_sample",
        sa.Column("institution_id", sa.String(length=32), nullable=False),
        sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lag_seconds", sa.Float(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("institution_id", "minute"),
    )


def downgrade() -> None:
    op.drop_table("lag_sample")
    op.drop_table("feed_read")
    op.drop_table("canvas_request_count")

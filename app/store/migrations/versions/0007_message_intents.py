"""message intents: a suspension message noted before it is sent

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_intent",
        sa.Column("institution_id", sa.String(length=32), nullable=False),
        sa.Column("suspension_uid", sa.String(length=64), nullable=False),
        sa.Column("course_key", sa.String(length=200), nullable=False),
        sa.Column("student_uid", sa.String(length=64), nullable=False),
        sa.Column("noted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("institution_id", "suspension_uid", "course_key"),
    )


def downgrade() -> None:
    op.drop_table("message_intent")

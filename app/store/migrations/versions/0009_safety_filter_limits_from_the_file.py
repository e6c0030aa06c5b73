"""the safety filter's limits come from the configuration file, not the institution_control row

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("institution_control") as batch_op:
        batch_op.drop_column("max_course_fraction")
        batch_op.drop_column("max_removals_per_hour")
        batch_op.drop_column("safety_filter")


def downgrade() -> None:
    with op.batch_alter_table("institution_control") as batch_op:
        batch_op.add_column(sa.Column("safety_filter", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("max_removals_per_hour", sa.Integer(), nullable=False, server_default="200"))
        batch_op.add_column(sa.Column("max_course_fraction", sa.Double(), nullable=False, server_default="0.3"))

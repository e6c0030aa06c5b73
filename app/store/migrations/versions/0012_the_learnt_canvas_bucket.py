"""throttle: what the workers learnt of a Canvas token's bucket, shared beside its back-off

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("canvas_throttle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("high_water", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("up_front", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("drain", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("cost", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("canvas_throttle", schema=None) as batch_op:
        batch_op.drop_column("cost")
        batch_op.drop_column("drain")
        batch_op.drop_column("up_front")
        batch_op.drop_column("high_water")

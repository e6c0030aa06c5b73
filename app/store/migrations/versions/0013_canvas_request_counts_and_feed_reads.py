"""ops: Canvas requests counted by outcome, and the time of each institution's last feed read

Revision ID: 0013
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'canvas_request_count',
        sa.Column('institution_id', sa.String(length=32), nullable=False),
        sa.Column('outcome', sa.String(length=24), nullable=False),
        sa.Column('count', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('institution_id', 'outcome'),
    )
    op.create_table(
        'feed_read',
        sa.Column('institution_id', sa.String(length=32), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('institution_id'),
    )


def downgrade() -> None:
    op.drop_table('feed_read')
    op.drop_table('canvas_request_count')

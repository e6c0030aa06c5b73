"""lti: a nonce bound to its login state (and platform-storage proof); launches made without cookies

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nonces issued before this revision have no state and can no longer be used: they live ten minutes.
    with op.batch_alter_table("lti_nonce", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("proof_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("lti_launch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cookieless", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("lti_launch", schema=None) as batch_op:
        batch_op.drop_column("cookieless")
    with op.batch_alter_table("lti_nonce", schema=None) as batch_op:
        batch_op.drop_column("proof_hash")
        batch_op.drop_column("state")

"""A session epoch per account, raised at logout, so logging out ends every session.

Revision ID: 9d3f6a2e8b51
Revises: 5b8e2d1c4a7f
"""

import sqlalchemy as sa
from alembic import op

revision = "9d3f6a2e8b51"
down_revision = "5b8e2d1c4a7f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("session_epoch")

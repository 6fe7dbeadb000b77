"""Users given a temporary password must choose their own at their next login.

Revision ID: 5b8e2d1c4a7f
Revises: c4f1a2b7d9e0
"""

import sqlalchemy as sa
from alembic import op

revision = "5b8e2d1c4a7f"
down_revision = "c4f1a2b7d9e0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("must_change_password")

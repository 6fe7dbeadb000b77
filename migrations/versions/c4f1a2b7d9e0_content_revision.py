"""A content revision counter: app processes keep survey pages until it moves.

Revision ID: c4f1a2b7d9e0
Revises: 3e0297640711
"""

import sqlalchemy as sa
from alembic import op

revision = "c4f1a2b7d9e0"
down_revision = "3e0297640711"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "content_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_revision")),
    )
    op.bulk_insert(table, [{"id": 1, "revision": 0}])


def downgrade():
    op.drop_table("content_revision")

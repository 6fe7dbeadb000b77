"""Redacted text and hidden flag on answers, so the board never reads raw free text.

Revision ID: 8a58d43b8dc4
Revises: 39f63e778bc0
"""

import sqlalchemy as sa
from alembic import op

from consult.redaction import redact

revision = "8a58d43b8dc4"
down_revision = "39f63e778bc0"
branch_labels = None
depends_on = None

answer = sa.table(
    "answer",
    sa.column("id", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("redacted_text", sa.Text),
)


def upgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redacted_text", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.alter_column("hidden", server_default=None)
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(answer.c.id, answer.c.text).where(answer.c.text.is_not(None))
    )
    for answer_id, text in rows.all():
        connection.execute(
            answer.update().where(answer.c.id == answer_id).values(redacted_text=redact(text))
        )


def downgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("hidden")
        batch_op.drop_column("redacted_text")

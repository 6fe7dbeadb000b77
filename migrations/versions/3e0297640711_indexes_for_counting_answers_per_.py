"""Indexes for counting answers per question and responses per channel (board dashboards).

Revision ID: 3e0297640711
Revises: 8a58d43b8dc4
"""

from alembic import op

revision = "3e0297640711"
down_revision = "8a58d43b8dc4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_answer_question_response", "answer", ["question_id", "response_id"])
    op.create_index("ix_response_survey_channel", "response", ["survey_id", "channel"])


def downgrade():
    op.drop_index("ix_response_survey_channel", table_name="response")
    op.drop_index("ix_answer_question_response", table_name="answer")

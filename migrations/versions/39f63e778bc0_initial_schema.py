"""Initial schema: strategy, target areas, rounds, surveys, questions, responses, codes, users.

Revision ID: 39f63e778bc0
Revises: none

Anonymity by construction: ``response`` holds survey, day and channel only;
``invitation_code`` and ``used_form_token`` have no time and no link to any response.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "39f63e778bc0"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "open",
                "closed",
                name="round_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round")),
    )
    op.create_table(
        "strategy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy")),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "staff",
                "board",
                name="user_role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_audit_event_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_user_id"), "audit_event", ["user_id"])

    op.create_table(
        "target_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["strategy_id"], ["strategy.id"], name=op.f("fk_target_area_strategy_id_strategy")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_area")),
    )
    op.create_index(op.f("ix_target_area_strategy_id"), "target_area", ["strategy_id"])

    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("target_area_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column(
            "access",
            sa.Enum(
                "open",
                "code",
                name="survey_access",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f("fk_survey_round_id_round")),
        sa.ForeignKeyConstraint(
            ["target_area_id"],
            ["target_area.id"],
            name=op.f("fk_survey_target_area_id_target_area"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
        sa.UniqueConstraint("slug", name=op.f("uq_survey_slug")),
    )
    op.create_index(op.f("ix_survey_round_id"), "survey", ["round_id"])
    op.create_index(op.f("ix_survey_target_area_id"), "survey", ["target_area_id"])

    op.create_table(
        "invitation_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_invitation_code_survey_id_survey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_code")),
        sa.UniqueConstraint("digest", name=op.f("uq_invitation_code_digest")),
    )
    op.create_index(op.f("ix_invitation_code_survey_id"), "invitation_code", ["survey_id"])

    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "single",
                "multi",
                "agree5",
                "scale",
                "short_text",
                "long_text",
                name="question_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("help", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("is_background", sa.Boolean(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("scale_min", sa.Integer(), nullable=True),
        sa.Column("scale_max", sa.Integer(), nullable=True),
        sa.Column("min_label", sa.String(length=80), nullable=True),
        sa.Column("max_label", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_question_survey_id_survey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
    )
    op.create_index(op.f("ix_question_key"), "question", ["key"])
    op.create_index(op.f("ix_question_survey_id"), "question", ["survey_id"])

    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "web",
                "paper",
                "simulated",
                name="response_channel",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_response_survey_id_survey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
    )
    op.create_index(op.f("ix_response_survey_id"), "response", ["survey_id"])

    op.create_table(
        "used_form_token",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_used_form_token_survey_id_survey")
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_used_form_token")),
    )
    op.create_index(op.f("ix_used_form_token_survey_id"), "used_form_token", ["survey_id"])

    op.create_table(
        "option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_option_question_id_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option")),
    )
    op.create_index(op.f("ix_option_question_id"), "option", ["question_id"])

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("dont_know", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"], ["option.id"], name=op.f("fk_answer_option_id_option")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_answer_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_answer_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
    )
    op.create_index("ix_answer_question_number", "answer", ["question_id", "number"])
    op.create_index("ix_answer_question_option", "answer", ["question_id", "option_id"])
    op.create_index(op.f("ix_answer_response_id"), "answer", ["response_id"])


def downgrade():
    # Dropping a table drops its indexes and constraints with it.
    op.drop_table("answer")
    op.drop_table("option")
    op.drop_table("used_form_token")
    op.drop_table("response")
    op.drop_table("question")
    op.drop_table("invitation_code")
    op.drop_table("survey")
    op.drop_table("target_area")
    op.drop_table("audit_event")
    op.drop_table("user")
    op.drop_table("strategy")
    op.drop_table("round")

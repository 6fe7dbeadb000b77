"""Aggregation queries for staff and board pages. Everything is counted in SQL."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Channel, Response, Round, Survey


def rounds_with_surveys() -> list[Round]:
    return db.session.scalars(
        select(Round)
        .options(selectinload(Round.surveys).selectinload(Survey.target_area))
        .order_by(Round.id.desc())
    ).all()


def response_counts() -> dict[int, int]:
    """Real (non-simulated) responses per survey id, in one GROUP BY."""
    rows = db.session.execute(
        select(Response.survey_id, func.count())
        .where(Response.channel != Channel.SIMULATED)
        .group_by(Response.survey_id)
    )
    return dict(rows.all())

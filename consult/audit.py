"""The audit log of staff actions: who did what, when. Residents are never recorded."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import AuditEvent, User


def record(actor: User | None, action: str, detail: str = "") -> None:
    """Add an event in the caller's transaction; ``actor`` None means a scheduled job."""
    db.session.add(AuditEvent(user_id=actor.id if actor else None, action=action, detail=detail))


def recent_events(limit: int = 200, before_id: int | None = None) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return db.session.scalars(query).all()

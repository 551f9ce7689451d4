"""The gatekeeping queue: create items, list what waits, change status with an audit entry.

The queue-engine issue adds screening rules, explained priority and triage actions on top.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from pa_tui.errors import PaError
from pa_tui.models import AuditEntry, Principal, Request
from pa_tui.services.listing import Listing, without_confidential

KINDS = ("call", "email", "meeting_request", "visitor", "document", "other")
STATUSES = ("new", "accepted", "declined", "deferred", "delegated", "converted", "done")
OPEN_STATUSES = ("new", "deferred")


def create_request(
    session: Session,
    *,
    principal: Principal,
    subject: str,
    now: datetime,
    kind: str = "call",
    contact_id: int | None = None,
    from_name: str | None = None,
    from_phone: str | None = None,
    body: str | None = None,
    received_at: datetime | None = None,
    urgency: int = 4,
    deadline: datetime | None = None,
    duration_min: int | None = None,
    wanted_date: date | None = None,
    confidential: bool = False,
    actor: str | None = None,
) -> Request:
    if kind not in KINDS:
        raise PaError(f"queue item kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if urgency not in (1, 2, 3, 4):
        raise PaError(f"urgency must be 1..4, not {urgency}")
    assert principal.id is not None
    item = Request(
        principal_id=principal.id,
        kind=kind,
        contact_id=contact_id,
        from_name=from_name,
        from_phone=from_phone,
        subject=subject.strip() or "(no subject)",
        body=body,
        received_at=received_at or now,
        urgency=urgency,
        deadline=deadline,
        duration_min=duration_min,
        wanted_date=wanted_date,
        confidential=confidential,
        actor=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    record_arrival(session, item, now)
    return item


def record_arrival(session: Session, item: Request, now: datetime) -> None:
    """The first audit entry of a new item (by trigger on SQLite, here elsewhere)."""
    _audit_fallback(session, item, None, now)


def open_queue(
    session: Session,
    principal: Principal,
    *,
    now: datetime,
    include_confidential: bool = False,
    limit: int | None = None,
) -> Listing[Request]:
    """Items waiting for a decision (snoozed ones reappear when their time comes), most urgent first."""
    rows = list(
        session.exec(
            select(Request)
            .where(
                col(Request.principal_id) == principal.id,
                col(Request.status).in_(OPEN_STATUSES),
                or_(col(Request.snooze_until).is_(None), col(Request.snooze_until) <= now),
            )
            .order_by(col(Request.urgency), col(Request.received_at), col(Request.id))
            .limit(limit)
        ).all()
    )
    return without_confidential(rows, include_confidential)


def set_status(
    session: Session,
    item: Request,
    status: str,
    *,
    now: datetime,
    note: str | None = None,
    actor: str | None = None,
) -> Request:
    if status not in STATUSES:
        raise PaError(f"queue status must be one of {', '.join(STATUSES)}, not {status!r}")
    before = item.status
    item.status = status
    item.decision_note = note if note is not None else item.decision_note
    item.actor = actor
    item.updated_at = now
    session.add(item)
    session.flush()
    if before != status:
        _audit_fallback(session, item, before, now)
    return item


def history(session: Session, item_id: int) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.entity) == "request", col(AuditEntry.entity_id) == item_id)
            .order_by(col(AuditEntry.id))
        ).all()
    )


def _audit_fallback(session: Session, item: Request, before: str | None, now: datetime) -> None:
    # SQLite writes audit rows in triggers (so the capture path gets them too); elsewhere we do.
    if session.get_bind().dialect.name == "sqlite":
        return
    assert item.id is not None
    session.add(
        AuditEntry(
            entity="request",
            entity_id=item.id,
            at=now,
            actor=item.actor,
            from_status=before,
            to_status=item.status,
            note=item.decision_note,
        )
    )
    session.flush()

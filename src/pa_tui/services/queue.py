"""The gatekeeping queue: create items (screened on arrival), list what waits, change status with
an audit entry. Triage actions are in triage.py, the score in scoring.py, rules in screening.py.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from pa_tui.errors import PaError
from pa_tui.models import AuditEntry, Contact, Principal, QueueDocument, Request, Task
from pa_tui.services import screening
from pa_tui.services.listing import Listing, without_confidential
from pa_tui.services.timeutil import local_today

KINDS = screening.KINDS
STATUSES = (
    "new",
    "accepted",
    "declined",
    "deferred",
    "delegated",
    "converted",
    "done",
    "screened",
)
OPEN_STATUSES = ("new", "deferred")
DECIDED = ("accepted", "declined", "delegated", "converted", "done")


def sender_of(session: Session, contact_id: int | None) -> screening.Sender:
    contact = session.get(Contact, contact_id) if contact_id else None
    if contact is None:
        return screening.Sender()
    return screening.Sender(
        contact.name, True, contact.vip, contact.policy, contact.org, contact.role, contact.is_staff
    )


def screen_fields(
    session: Session,
    principal: Principal,
    fields: dict[str, Any],
    document: dict[str, Any] | None = None,
) -> screening.Plan:
    """Screen a new item's fields in place by its sender's policy and the stored rules."""
    from pa_tui.services.queue_settings import load_rules

    plan = screening.arrival(
        {**fields, **(document or {})},
        sender_of(session, fields.get("contact_id")),
        load_rules(session),
        principal.name,
    )
    fields.update(urgency=plan.urgency, status=plan.status, confidential=plan.confidential)
    if plan.applied:
        fields["rules_applied"] = json.dumps(plan.applied)
    if plan.note:
        fields["decision_note"] = plan.note
    return plan


def finish_arrival(
    session: Session,
    item: Request,
    principal: Principal,
    plan: screening.Plan,
    document: dict[str, Any] | None,
    *,
    now: datetime,
) -> str | None:
    """The new item's document row, and a rule's delegation; the staff member's name if so."""
    assert item.id is not None and principal.id is not None
    sender = sender_of(session, item.contact_id)
    if document is not None:
        vendor = sender.name or item.from_name
        session.add(QueueDocument(request_id=item.id, vendor=vendor, **document))
    if not plan.delegate_to:
        session.flush()
        return None
    staff = session.exec(
        select(Contact).where(
            col(Contact.principal_id) == principal.id, col(Contact.is_staff).is_(True)
        )
    ).all()
    staff_id = screening.staff_match(plan.delegate_to, [(c.id or 0, c.name) for c in staff])
    if staff_id is None:
        session.flush()
        return None
    name = next(c.name for c in staff if c.id == staff_id)
    fields = {
        "subject": item.subject,
        "urgency": item.urgency,
        "contact_id": item.contact_id,
        "confidential": item.confidential,
    }
    task = screening.delegated_task(
        fields, sender.name or item.from_name or "?", staff_id, local_today(now, principal.tz)
    )
    session.add(
        Task(**task, request_id=item.id, principal_id=principal.id, created_at=now, updated_at=now)
    )
    set_status(session, item, "delegated", now=now, note=f"to {name} (by rule)", actor=item.actor)
    return name


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
    document: dict[str, Any] | None = None,
    screen: bool = True,
) -> Request:
    """A new queue item, screened on arrival (unless `screen` is off: bulk demo data)."""
    if kind not in KINDS:
        raise PaError(f"queue item kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if urgency not in (1, 2, 3, 4):
        raise PaError(f"urgency must be 1..4, not {urgency}")
    assert principal.id is not None
    fields: dict[str, Any] = {
        "kind": kind,
        "contact_id": contact_id,
        "from_name": from_name,
        "from_phone": from_phone,
        "subject": subject.strip() or "(no subject)",
        "body": body,
        "urgency": urgency,
        "deadline": deadline,
        "duration_min": duration_min,
        "wanted_date": wanted_date,
        "confidential": confidential,
    }
    plan = screen_fields(session, principal, fields, document) if screen else None
    item = Request(
        **fields,
        principal_id=principal.id,
        received_at=received_at or now,
        actor=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    record_arrival(session, item, now)
    if plan is not None:
        finish_arrival(session, item, principal, plan, document, now=now)
    elif document is not None:
        session.add(QueueDocument(request_id=item.id or 0, **document))
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
    if status != "deferred":
        item.snooze_until = None  # a decision ends a snooze
    item.decision_note = note if note is not None else item.decision_note
    item.actor = actor
    item.updated_at = now
    session.add(item)
    session.flush()
    if before != status:
        _audit_fallback(session, item, before, now)
    return item


def record_note(
    session: Session, item: Request, note: str, *, now: datetime, actor: str | None = None
) -> None:
    """An audit entry for an event that changes no status (a document paid)."""
    assert item.id is not None
    entry = AuditEntry(
        entity="request",
        entity_id=item.id,
        at=now,
        actor=actor,
        from_status=item.status,
        to_status=item.status,
        note=note,
    )
    session.add(entry)
    session.flush()


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

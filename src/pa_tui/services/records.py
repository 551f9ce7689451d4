"""Any record by its typed id (t12, e3, r7, c5): fetch, describe, delete, mark done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, SQLModel

from pa_tui.errors import NotFound, PaError
from pa_tui.models import Contact, Event, Principal, Request, Task
from pa_tui.services import contacts, queue, tasks
from pa_tui.services.ids import format_id, parse_id

MODELS: dict[str, type[SQLModel]] = {
    "task": Task,
    "event": Event,
    "request": Request,
    "contact": Contact,
}


def get_record(session: Session, typed_id: str) -> tuple[str, Any]:
    kind, number = parse_id(typed_id)
    row = session.get(MODELS[kind], number)
    if row is None:
        raise NotFound(f"no {kind} {format_id(kind, number)}")
    return kind, row


def delete_record(session: Session, typed_id: str) -> str:
    kind, row = get_record(session, typed_id)
    label = _label(kind, row)
    session.delete(row)
    session.flush()
    return f"deleted {format_id(kind, row.id)} {label}"


def mark_done(session: Session, typed_id: str, *, now: datetime) -> str:
    kind, row = get_record(session, typed_id)
    if kind == "task":
        principal = session.get(Principal, row.principal_id)
        assert principal is not None
        nxt = tasks.complete_task(session, row, now=now, tz=principal.tz)
        msg = f"done {format_id(kind, row.id)} {row.title}"
        if nxt is not None:
            msg += f"; next {format_id('task', nxt.id)} due {nxt.due_date}"
        return msg
    if kind == "request":
        if row.status == "done":
            raise PaError(f"{format_id(kind, row.id)} is done already")
        queue.set_status(session, row, "done", now=now)
        return f"done {format_id(kind, row.id)} {row.subject}"
    raise PaError(f"{format_id(kind, row.id)} is a {kind}; only tasks and queue items get done")


def _label(kind: str, row: Any) -> str:
    return str(row.name if kind == "contact" else row.subject if kind == "request" else row.title)


def describe(session: Session, typed_id: str) -> dict[str, Any]:
    """Every field of a record, plus its emails/phones for a contact, as plain JSON-able values."""
    kind, row = get_record(session, typed_id)
    data: dict[str, Any] = {"id": format_id(kind, row.id), "kind": kind}
    for key, value in row.model_dump().items():
        if key == "id":
            continue
        data[key] = value.isoformat() if hasattr(value, "isoformat") else value
    if kind == "contact":
        data["emails"] = [e.value for e in contacts.emails_of(session, row.id)]
        data["phones"] = [p.value for p in contacts.phones_of(session, row.id)]
        born = contacts.birthday_of(session, row.id)
        if born is not None:
            year, month, day = born
            data["birthday"] = (
                f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
            )
    if kind == "request":
        data["history"] = [
            f"{a.at.isoformat()} {a.from_status or '-'} -> {a.to_status}"
            + (f" ({a.note})" if a.note else "")
            for a in queue.history(session, row.id)
        ]
    return data

"""Write one parsed capture through the services (SQLModel): the cockpit's capture bar, and the
capture commands on a new or non-SQLite store. The fast path writes the same row with sqlite3."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from pa_tui.models import Event, Principal, Request, Task
from pa_tui.services import contacts, queue, screening
from pa_tui.services.capture_items import Item, Result, item_fields, ref_columns, resolve_refs
from pa_tui.services.capture_rows import document_fields
from pa_tui.services.timeutil import local_today

MODELS: dict[str, Any] = {"task": Task, "event": Event, "request": Request}


def apply_item(
    session: Session, item: Item, principal: Principal, *, now: datetime, actor: str
) -> tuple[Result, Any]:
    """Resolve the item's contacts, create its row, and say what was made (row has its id)."""

    def lookup(term: str, staff: bool) -> list[tuple[int, str]]:
        found = contacts.match_contacts(session, principal, term)
        return [(c.id, c.name) for c in found if c.id and (c.is_staff or not staff)]

    def by_phone(number: str) -> list[tuple[int, str]]:
        return [(c.id, c.name) for c in contacts.find_by_phone(session, principal, number) if c.id]

    refs, notes = resolve_refs(item, lookup, by_phone)  # before fields: may keep words in title
    fields = item_fields(item, local_today(now, principal.tz), principal.tz)
    fields.update(ref_columns(item, refs))
    plan = document = None
    if item.kind == "request":
        fields.update(received_at=now, actor=actor)
        document = document_fields(item.cap, fields)
        plan = queue.screen_fields(session, principal, fields, document)
    row = MODELS[item.kind](**fields, created_at=now, updated_at=now, principal_id=principal.id)
    session.add(row)
    session.flush()
    if plan is not None:
        queue.record_arrival(session, row, now)
        delegated = queue.finish_arrival(session, row, principal, plan, document, now=now)
        notes = notes + screening.arrival_notes(plan, delegated)
    result = Result(
        item, item.kind, row.id, principal.name, principal.tz, fields, refs, notes + item.cap.notes
    )
    return result, row


def event_collisions(
    session: Session, item: Item, principal: Principal, *, now: datetime
) -> str | None:
    """What the event in `item` would collide with (one line), or None: the check `pa event` and
    the cockpit make before writing (the capture path makes the same one with sqlite_reads)."""
    if item.kind != "event":
        return None
    from pa_tui.services import conflicts, events, policy

    fields = item_fields(item, local_today(now, principal.tz), principal.tz)
    found = conflicts.new_event_collisions(
        fields,
        principal.tz,
        policy.load_policy(session, principal),
        lambda s, e: events.occurrences(session, principal, s, e),
    )
    return conflicts.describe_collisions(found, principal.tz) if found else None

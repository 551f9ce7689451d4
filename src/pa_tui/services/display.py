"""Plain-text renderings of records shared by the CLI and the cockpit (no Rich, no Textual)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from pa_tui.services.ids import format_id
from pa_tui.services.recurrence import Occurrence
from pa_tui.services.timeutil import utc_to_local

if TYPE_CHECKING:
    from pa_tui.models import Contact, Request, Task

PRIORITY_LABEL = {1: "p1", 2: "p2", 3: "p3", 4: ""}
KIND_LABEL = {"meeting_request": "meeting"}


def when_local(instant: datetime | None, zone: str, *, with_date: bool = True) -> str:
    if instant is None:
        return ""
    wall = utc_to_local(instant, zone)
    return wall.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def task_due(task: Task, zone: str) -> str:
    if task.due_at is not None:
        return when_local(task.due_at, zone)
    return task.due_date.isoformat() if task.due_date else ""


def task_row(task: Task, zone: str) -> list[str]:
    tags = " ".join(f"+{t}" for t in (task.tags or "").split())
    return [
        format_id("task", task.id),
        PRIORITY_LABEL.get(task.priority, ""),
        task_due(task, zone),
        task.title,
        " ".join(x for x in (f"pro:{task.project}" if task.project else "", tags) if x),
        task.status,
    ]


def occurrence_row(occ: Occurrence, zone: str) -> list[str]:
    ev = occ.event
    if ev.all_day:
        when = f"{utc_to_local(occ.start, zone):%Y-%m-%d} all day"
    else:
        when = f"{when_local(occ.start, zone)}-{when_local(occ.end, zone, with_date=False)}"
        # An event kept in another zone shows its own wall time too (a meeting in Tokyo).
        if ev.tz and ev.tz != zone:
            when += f" ({when_local(occ.start, ev.tz, with_date=False)} {ev.tz})"
    return [
        format_id("event", ev.parent_id or ev.id),
        when,
        ev.title + (" ↻" if occ.recurring else ""),
        ev.location or "",
    ]


def sender(item: Request, contact: Contact | None = None) -> str:
    name = contact.name if contact else item.from_name or ""
    return f"{name} {item.from_phone}".strip() if item.from_phone else name


def request_row(item: Request, zone: str, contact: Contact | None = None) -> list[str]:
    return [
        format_id("request", item.id),
        PRIORITY_LABEL.get(item.urgency, ""),
        KIND_LABEL.get(item.kind, item.kind),
        sender(item, contact),
        item.subject,
        when_local(item.received_at, zone),
        item.status,
    ]


def contact_row(contact: Contact) -> list[str]:
    return [
        format_id("contact", contact.id),
        contact.name,
        contact.org or "",
        contact.role or "",
        "★" * contact.vip,
        contact.policy,
        "staff" if contact.is_staff else "",
    ]


def day_label(day: date) -> str:
    return day.strftime("%a %d %b %Y")

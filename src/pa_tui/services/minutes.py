"""Meeting minutes with action items: `- [ ] send the deck to:bob fri` (the capture grammar)
becomes a task linked to the meeting and delegated to that attendee, exactly once: the line is
stamped with the task's id (`... (t42)`), so saving again changes nothing, ticking `- [x]`
completes the task and unticking reopens it.

Minutes belong to one occurrence: a recurring meeting's go on that occurrence's override row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from pa_tui.errors import PaError
from pa_tui.models import Contact, Event, EventAttendee, Principal, Task
from pa_tui.services import capture, capture_items, contacts, tasks
from pa_tui.services.timeutil import as_utc, local_today, utc_to_local

_ITEM = re.compile(
    r"^(?P<lead>\s*[-*+] \[(?P<mark>[ xX])\]\s+)(?P<body>.*?)(?:\s+\(t(?P<id>\d+)\))?\s*$"
)


@dataclass
class Synced:
    text: str
    created: list[Task] = field(default_factory=list)
    completed: list[Task] = field(default_factory=list)
    reopened: list[Task] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.created)} action item(s) made tasks"] if self.created else []
        if self.completed:
            parts.append(f"{len(self.completed)} done")
        if self.reopened:
            parts.append(f"{len(self.reopened)} reopened")
        return ", ".join(parts) or "no action item changed"


def occurrence_row(
    session: Session, event_id: int, wall: datetime | None, *, now: datetime
) -> Event:
    """The row that holds one occurrence's agenda and minutes: the event itself, or for a
    recurring one the occurrence's override (made, with the same times, if there is none)."""
    from pa_tui.services import series

    ev = session.get(Event, event_id)
    if ev is None:
        raise PaError(f"no event e{event_id}")
    if not ev.rrule or wall is None:
        return ev
    found = series.override_at(session, ev, wall)
    if found is not None:
        return found
    assert ev.start_local is not None and ev.end_local is not None
    length = ev.end_local - ev.start_local
    return series.move_occurrence(session, event_id, wall, start_local=wall,
                                  end_local=wall + length, now=now)  # fmt: skip


def attendees(session: Session, event: Event) -> list[Contact]:
    series_id = event.parent_id or event.id
    return list(
        session.exec(
            select(Contact)
            .join(EventAttendee, col(EventAttendee.contact_id) == col(Contact.id))
            .where(col(EventAttendee.event_id) == series_id)
            .order_by(col(Contact.name))
        ).all()
    )


def sync(session: Session, event: Event, text: str, *, now: datetime) -> Synced:
    """Save `text` as the minutes of `event` (an occurrence row) and bring its action items and
    their tasks in step; the saved text carries the task ids."""
    principal = session.get(Principal, event.principal_id)
    assert principal is not None and event.id is not None
    people = attendees(session, event)
    day = local_today(as_utc(event.start_utc), principal.tz)
    out = Synced(text="")
    lines = []
    for n, line in enumerate(text.splitlines(), start=1):
        m = _ITEM.match(line)
        if not m or not m["body"].strip():
            lines.append(line)
            continue
        done = m["mark"] in "xX"
        task = session.get(Task, int(m["id"])) if m["id"] else None
        if task is None or task.event_id != event.id:
            task = _make_task(session, principal, event, people, m["body"], day, now, out, n)
            line = f"{m['lead']}{m['body'].rstrip()} (t{task.id})"
        if done and task.status not in ("done", "cancelled"):
            tasks.complete_task(session, task, now=now, tz=principal.tz)
            out.completed.append(task)
        elif not done and task.status == "done":
            task.status, task.completed_at, task.updated_at = "todo", None, now
            session.add(task)
            out.reopened.append(task)
        lines.append(line)
    out.text = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    event.minutes = out.text
    event.updated_at = now
    session.add(event)
    session.flush()
    return out


def _make_task(
    session: Session,
    principal: Principal,
    event: Event,
    people: list[Contact],
    body: str,
    day: Any,
    now: datetime,
    out: Synced,
    line_no: int,
) -> Task:
    try:
        item = capture_items.build_item(
            "add", capture.tokens_from_line(body), today=day, shorthands=True, line_no=line_no
        )
    except capture.CaptureError as exc:
        raise PaError(f"minutes line {line_no}: {exc}") from None
    cap = item.cap
    delegate: Contact | None = None
    if cap.delegate:
        # In minutes, to: takes any attendee first (they were in the room), then staff.
        wanted = cap.delegate.casefold()
        matches = [c for c in people if c.name.casefold().startswith(wanted)
                   or any(w.casefold().startswith(wanted) for w in c.name.split())]  # fmt: skip
        if len(matches) != 1:
            matches = [
                c for c in contacts.match_contacts(session, principal, cap.delegate) if c.is_staff
            ]
        if len(matches) == 1:
            delegate = matches[0]
        else:
            cap.keep_in_title(cap.delegate_word)
            out.notes.append(
                f"line {line_no}: {cap.delegate_word}: no single attendee or staff contact"
            )
    fields = capture_items.item_fields(item, day, principal.tz)
    task = tasks.create_task(
        session,
        principal=principal,
        title=fields["title"],
        now=now,
        due_date=fields["due_date"],
        due_at=fields["due_at"],
        priority=fields["priority"],
        project=fields["project"],
        tags=(fields["tags"] or "").split() or None,
        delegated_to_id=delegate.id if delegate else None,
        event_id=event.id,
        confidential=event.confidential or fields["confidential"],
        status="waiting" if delegate else "todo",
    )
    out.created.append(task)
    return task


def render(session: Session, event: Event, zone: str, *, markdown: bool) -> list[str]:
    """Agenda, attendees and minutes of one occurrence, board-pack style."""
    h1, h2, bullet = ("# ", "## ", "- ") if markdown else ("", "", "  ")
    start = utc_to_local(as_utc(event.start_utc), zone)
    end = utc_to_local(as_utc(event.end_utc), zone)
    out = [f"{h1}{event.title} — {start:%a %d %b %Y %H:%M}-{end:%H:%M}"]
    if event.location:
        out.append(f"{bullet}where: {event.location}")
    people = attendees(session, event)
    if people:
        out += ["", f"{h2}Attendees"]
        out += [f"{bullet}{c.name}" + (f" — {c.role}, {c.org}" if c.role and c.org else "")
                for c in people]  # fmt: skip
    for title, body in (("Agenda", event.agenda), ("Minutes", event.minutes)):
        out += ["", f"{h2}{title}", *(body or "(none)").rstrip("\n").splitlines()]
    return out

"""The brief: the day at a glance for one principal (agenda, queue, tasks due, upcoming dates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from pa_tui.models import Principal, Request, Task
from pa_tui.services import contacts, events, queue, tasks
from pa_tui.services.events import Occurrence
from pa_tui.services.timeutil import day_bounds_utc, local_today


@dataclass
class Brief:
    principal: Principal
    day: date
    agenda: list[Occurrence] = field(default_factory=list)
    queue: list[Request] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    dates: list[contacts.UpcomingDate] = field(default_factory=list)
    hidden: int = 0  # confidential items left out


def build_brief(
    session: Session, principal: Principal, *, now: datetime, include_confidential: bool = False
) -> Brief:
    today = local_today(now, principal.tz)
    start, end = day_bounds_utc(today, principal.tz)
    brief = Brief(principal=principal, day=today)
    agenda = events.occurrences(session, principal, start, end)
    brief.agenda = [o for o in agenda if include_confidential or not o.event.confidential]
    brief.hidden += len(agenda) - len(brief.agenda)
    q = queue.open_queue(session, principal, now=now, include_confidential=include_confidential)
    brief.queue, brief.hidden = q.rows, brief.hidden + q.hidden
    t = tasks.due_tasks(session, principal, now=now, include_confidential=include_confidential)
    brief.tasks, brief.hidden = t.rows, brief.hidden + t.hidden
    all_dates = contacts.upcoming_dates(
        session, principal, today=today, days=7, include_confidential=True
    )
    brief.dates = [d for d in all_dates if include_confidential or not d.contact.confidential]
    brief.hidden += len(all_dates) - len(brief.dates)
    return brief

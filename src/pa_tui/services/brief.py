"""The brief: the day at a glance for one principal (agenda, queue, tasks due, upcoming dates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from pa_tui.models import Principal, Request, Task
from pa_tui.services import contacts, events, views
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
    ahead: Any = None  # anticipate.Ahead: tomorrow's meetings, overdue touches, VIP waits
    dossiers: dict[str, list[Any]] = field(default_factory=dict)  # meeting key -> dossier.Person
    hidden: int = 0  # confidential items left out
    queue_total: int = 0  # open items shown or not (the brief lists the top LIMIT)
    tasks_total: int = 0


LIMIT = 20
DOSSIER_MEETINGS = 10


def _top(
    session: Session, model: Any, ids: list[int], include_confidential: bool
) -> tuple[list[Any], int]:
    """The first LIMIT rows of an ordered id list, and how many confidential ones it holds.

    Only ids and a count go over the whole list: a 100k-row store made this take 7 s when every
    open item was loaded as an object.
    """
    hidden = 0
    if not include_confidential and ids:
        hidden = int(
            session.exec(
                select(func.count()).where(col(model.id).in_(ids), col(model.confidential))
            ).one()
        )
    shown: list[Any] = []
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        found = {r.id: r for r in session.exec(select(model).where(col(model.id).in_(chunk)))}
        for rid in chunk:
            row = found.get(rid)
            if row is not None and (include_confidential or not row.confidential):
                shown.append(row)
                if len(shown) == LIMIT:
                    return shown, hidden
    return shown, hidden


def build_brief(
    session: Session, principal: Principal, *, now: datetime, include_confidential: bool = False
) -> Brief:
    today = local_today(now, principal.tz)
    start, end = day_bounds_utc(today, principal.tz)
    brief = Brief(principal=principal, day=today)
    agenda = events.occurrences(session, principal, start, end)
    brief.agenda = [o for o in agenda if include_confidential or not o.event.confidential]
    brief.hidden += len(agenda) - len(brief.agenda)
    queue_ids = views.queue_ids(session, principal, now=now)
    brief.queue, hidden = _top(session, Request, queue_ids, include_confidential)
    brief.queue_total, brief.hidden = len(queue_ids) - hidden, brief.hidden + hidden
    task_ids = views.task_ids(session, principal, now=now, mode="today")
    brief.tasks, hidden = _top(session, Task, task_ids, include_confidential)
    brief.tasks_total, brief.hidden = len(task_ids) - hidden, brief.hidden + hidden
    all_dates = contacts.upcoming_dates(
        session, principal, today=today, days=7, include_confidential=True
    )
    brief.dates = [d for d in all_dates if include_confidential or not d.contact.confidential]
    brief.hidden += len(all_dates) - len(brief.dates)
    from pa_tui.services import anticipate, dossier

    brief.ahead = anticipate.ahead(
        session, principal, now=now, include_confidential=include_confidential
    )
    for meeting in brief.ahead.meetings[:DOSSIER_MEETINGS]:
        # Dossiers ready for tomorrow's meetings: each attendee, briefly (the first few
        # meetings; a day of hundreds lists the rest by title).
        event_id = int(meeting.key[1:].split("@", 1)[0])
        found = dossier.for_event(
            session, principal, event_id, now=now, include_confidential=include_confidential
        )
        brief.dossiers[meeting.key] = found.people
    return brief

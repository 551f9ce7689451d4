"""The Today view's lines: the day's agenda with free gaps, the queue's top items, tasks due or
overdue, and dates in the next 7 days. Built from plain data, so the first frame (read with the
standard library, see today_store.py) and every later load (through the ORM) draw the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pa_tui.services import display
from pa_tui.services.agenda_view import lines_for_day
from pa_tui.services.anniversaries import UpcomingDate
from pa_tui.services.recurrence import Occurrence
from pa_tui.services.rows import ListRow
from pa_tui.services.schedule import Policy

if TYPE_CHECKING:
    from sqlmodel import Session

    from pa_tui.models import Principal

TOP_QUEUE = 5
DUE_SHOWN = 50
DATE_DAYS = 7
DATES_SHOWN = 30


@dataclass
class TodayData:
    day: date
    zone: str
    occurrences: list[Occurrence] = field(default_factory=list)
    queue_total: int = 0
    queue_rows: list[ListRow] = field(default_factory=list)  # the top TOP_QUEUE
    due_total: int = 0
    due_rows: list[ListRow] = field(default_factory=list)  # the first DUE_SHOWN
    dates_total: int = 0
    dates: list[UpcomingDate] = field(default_factory=list)  # the first DATES_SHOWN
    policy: Policy = field(default_factory=Policy)
    segments: dict[int, Any] = field(default_factory=dict)  # trip segments by event id
    # What to prepare (anticipate.Ahead): the full load only, so it arrives after the preview.
    ahead: Any = None


def read(session: Session, principal: Principal, now: datetime) -> TodayData:
    """Today's data through the services (any backend)."""
    from pa_tui.services import anticipate, contacts, events, policy, trips, views
    from pa_tui.services.timeutil import day_bounds_utc, local_today

    day = local_today(now, principal.tz)
    start, end = day_bounds_utc(day, principal.tz)
    occurrences = events.occurrences(session, principal, start, end)
    queue = views.queue_ids(session, principal, now=now)
    due = views.task_ids(session, principal, now=now, mode="today")
    dates = contacts.upcoming_dates(
        session, principal, today=day, days=DATE_DAYS, include_confidential=True
    )
    return TodayData(
        day=day,
        zone=principal.tz,
        occurrences=occurrences,
        queue_total=len(queue),
        queue_rows=views.queue_rows(session, principal, queue[:TOP_QUEUE], now=now),
        due_total=len(due),
        due_rows=views.task_rows(session, principal, due[:DUE_SHOWN], now=now),
        dates_total=len(dates),
        dates=dates[:DATES_SHOWN],
        policy=policy.load_policy(session, principal),
        segments=dict(trips.segments_for(session, [o.event.id for o in occurrences if o.event.id])),
        ahead=anticipate.ahead(session, principal, now=now),
    )


def lines(data: TodayData) -> list[ListRow]:
    out = lines_for_day(
        data.occurrences, data.day, data.zone, gaps=True, policy=data.policy, segments=data.segments
    )
    out[0].cells = [f"Agenda — {display.day_label(data.day)}"]

    shown = min(TOP_QUEUE, data.queue_total)
    out.append(
        ListRow(key="", cells=[f"Queue — top {shown} of {data.queue_total}"], flags={"header"})
    )
    for row in data.queue_rows:
        out.append(
            ListRow(
                key=row.key,
                cells=[
                    f"{row.cells[0]} {row.cells[1]:>3}",
                    f"{row.cells[3]}: {row.cells[4]}",
                    row.cells[2],
                ],
                confidential=row.confidential,
                flags=row.flags,
            )
        )
    if not data.queue_total:
        out.append(ListRow(key="", cells=["", "the queue is clear", ""], flags={"dim"}))

    out.append(
        ListRow(key="", cells=[f"Tasks due or overdue ({data.due_total})"], flags={"header"})
    )
    for row in data.due_rows:
        out.append(
            ListRow(
                key=row.key,
                cells=[f"{row.cells[0]} {row.cells[1]}", row.cells[3], row.cells[2][:10]],
                confidential=row.confidential,
                flags=row.flags,
            )
        )
    if data.due_total > DUE_SHOWN:
        more = data.due_total - DUE_SHOWN
        out.append(ListRow(key="", cells=["", f"… {more} more on Tasks (5)", ""], flags={"dim"}))

    out.append(
        ListRow(
            key="",
            cells=[f"Birthdays & dates, next {DATE_DAYS} days ({data.dates_total})"],
            flags={"header"},
        )
    )
    for d in data.dates:
        who = f"{d.contact.name}'s {d.relation_name}" if d.relation_name else d.contact.name
        turns = f" turns {d.turns}" if d.turns is not None and d.kind == "birthday" else ""
        out.append(
            ListRow(
                key=f"c{d.contact.id}",
                cells=[f"{d.when:%a %d %b}", f"{who}: {d.label or d.kind}{turns}", ""],
                confidential=d.contact.confidential,
            )
        )
    if data.dates_total > DATES_SHOWN:
        more = data.dates_total - DATES_SHOWN
        out.append(ListRow(key="", cells=["", f"… {more} more", ""], flags={"dim"}))
    if data.ahead is not None:
        out += _ahead_lines(data.ahead)
    for index, row in enumerate(out):
        row.ref = index
    return out


def _ahead_lines(ahead: Any) -> list[ListRow]:
    """Tomorrow's meetings with who comes (i opens their dossier), overdue touches, VIP waits."""
    out = [ListRow(key="", cells=["Ahead — tomorrow's meetings (i: dossier)"], flags={"header"})]
    for m in ahead.meetings:
        out.append(
            ListRow(
                key=m.key,
                cells=[m.when, f"{m.title}: {'; '.join(m.people)}", ""],
                confidential=m.confidential,
            )
        )
    if not ahead.meetings:
        out.append(
            ListRow(key="", cells=["", "no meetings with contacts tomorrow", ""], flags={"dim"})
        )
    if ahead.touches:
        out.append(ListRow(key="", cells=["Keep in touch — overdue"], flags={"header"}))
        for o in ahead.touches:
            last = f"last {o.last:%d %b}" if o.last else "never"
            out.append(
                ListRow(
                    key=f"c{o.contact.id}",
                    cells=[f"c{o.contact.id}", f"{o.contact.name} — every {o.every_days} d", last],
                    confidential=o.contact.confidential,
                    flags={"overdue"},
                )
            )
    if ahead.vip_waiting:
        out.append(ListRow(key="", cells=["VIP requests waiting"], flags={"header"}))
        for r, c in ahead.vip_waiting:
            out.append(
                ListRow(
                    key=f"r{r.id}",
                    cells=[
                        f"r{r.id}",
                        f"{c.name}: {r.subject}",
                        display.KIND_LABEL.get(r.kind, r.kind),
                    ],
                    confidential=r.confidential or c.confidential,
                    flags={"urgent"},
                )
            )
    return out

"""Agenda lines for the cockpit: occurrences with overlaps flagged, and free gaps in working hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from pa_tui.services import display
from pa_tui.services.recurrence import Occurrence
from pa_tui.services.rows import ListRow
from pa_tui.services.timeutil import day_bounds_utc, local_to_utc
from pa_tui.services.workday import WORK_END, WORK_START

if TYPE_CHECKING:
    from sqlmodel import Session

    from pa_tui.models import Principal


def overlapping(occurrences: list[Occurrence]) -> set[int]:
    """Indices of timed occurrences that overlap another one."""
    timed = sorted((o.start, o.end, i) for i, o in enumerate(occurrences) if not o.event.all_day)
    found: set[int] = set()
    latest_end: datetime | None = None
    latest_idx = -1
    for start, end, i in timed:
        if latest_end is not None and start < latest_end:
            found.update({i, latest_idx})
        if latest_end is None or end > latest_end:
            latest_end, latest_idx = end, i
    return found


def free_gaps(
    occurrences: list[Occurrence],
    day: date,
    zone: str,
    *,
    minimum: timedelta = timedelta(minutes=30),
) -> list[tuple[datetime, datetime]]:
    """Free stretches of at least `minimum` inside the day's working hours."""
    cursor = local_to_utc(datetime.combine(day, WORK_START), zone)
    end = local_to_utc(datetime.combine(day, WORK_END), zone)
    gaps = []
    for o in sorted((o for o in occurrences if not o.event.all_day), key=lambda o: o.start):
        if o.start > cursor and o.start - cursor >= minimum:
            gaps.append((cursor, min(o.start, end)))
        cursor = max(cursor, o.end)
        if cursor >= end:
            break
    if end - cursor >= minimum:
        gaps.append((cursor, end))
    return [(s, e) for s, e in gaps if s < e]


def day_lines(
    session: Session,
    principal: Principal,
    day: date,
    *,
    days: int = 1,
    gaps: bool = False,
    privacy: bool = False,
) -> list[ListRow]:
    """Lines of an agenda from `day`: a header per day, its occurrences, optionally free gaps."""
    from pa_tui.services import events

    zone = principal.tz
    out: list[ListRow] = []
    for offset in range(days):
        current = day + timedelta(days=offset)
        start, end = day_bounds_utc(current, zone)
        out.extend(
            lines_for_day(
                events.occurrences(session, principal, start, end), current, zone, gaps=gaps
            )
        )
    for index, row in enumerate(out):
        row.ref = index
    return out


def lines_for_day(
    occ: list[Occurrence], current: date, zone: str, *, gaps: bool = False
) -> list[ListRow]:
    """One day's header, occurrences (overlaps marked) and, optionally, free gaps."""
    start, _end = day_bounds_utc(current, zone)
    clash = overlapping(occ)
    out = [ListRow(key="", cells=[display.day_label(current)], flags={"header"})]
    items: list[tuple[datetime, ListRow]] = []
    for i, o in enumerate(occ):
        _id, when, title, where = display.occurrence_row(o, zone)
        flags = set()
        if i in clash:
            flags.add("overdue")
            title = "⚠ " + title
        if o.recurring:
            flags.add("recurring")
        hours = "all day" if o.event.all_day else when[11:]
        key = f"e{o.event.parent_id or o.event.id}@{o.start:%Y%m%dT%H%M}"
        row = ListRow(
            key=key,
            cells=[hours, title, where],
            confidential=o.event.confidential,
            flags=flags,
            extra={"event_id": o.event.id},
        )
        items.append((o.start if not o.event.all_day else start, row))
    if gaps:
        for s, e in free_gaps(occ, current, zone):
            start_text = display.when_local(s, zone, with_date=False)
            label = f"{start_text}-{display.when_local(e, zone, with_date=False)}"
            items.append((s, ListRow(key="", cells=[label, "free", ""], flags={"dim"})))
    items.sort(key=lambda pair: (pair[0], "dim" in pair[1].flags))
    if not items:
        out.append(ListRow(key="", cells=["", "nothing scheduled", ""], flags={"dim"}))
    out.extend(row for _, row in items)
    return out


def start_of_week(day: date) -> date:
    return day - timedelta(days=day.weekday())

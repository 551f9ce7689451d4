"""Agenda lines for the cockpit: occurrences with overlaps flagged, and free gaps in working hours."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pa_tui.services import display
from pa_tui.services.conflicts import conflicting
from pa_tui.services.recurrence import Occurrence, event_zone
from pa_tui.services.rows import ListRow
from pa_tui.services.schedule import Policy, block_intervals, subtract, working_intervals
from pa_tui.services.timeutil import day_bounds_utc, utc_to_local
from pa_tui.services.travel import ICON, zone_change

if TYPE_CHECKING:
    from sqlmodel import Session

    from pa_tui.models import Principal


def free_gaps(
    occurrences: list[Occurrence],
    day: date,
    zone: str,
    *,
    policy: Policy | None = None,
    minimum: timedelta = timedelta(minutes=30),
) -> list[tuple[datetime, datetime]]:
    """Free stretches of at least `minimum` inside the day's working hours (the principal's, or
    09-17 on weekdays), around events and protected blocks."""
    rules = policy or Policy()
    start, end = day_bounds_utc(day, zone)
    busy = [(o.start, o.end) for o in occurrences if not o.event.all_day]
    busy += [(s, e) for s, e, _b in block_intervals(rules, zone, start, end)]
    gaps = subtract(working_intervals(rules, zone, start, end), busy)
    return [(s, e) for s, e in gaps if e - s >= minimum]


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
    from pa_tui.services import policy, trips

    rules = policy.load_policy(session, principal)
    zone = principal.tz
    out: list[ListRow] = []
    # One query for the whole span, split by day (a week: one expansion, not seven).
    every = _occurrences(session, principal, *day_bounds_utc(day, zone, days))
    legs = trips.segments_for(session, [o.event.id for o in every if o.event.id is not None])
    for offset in range(days):
        current = day + timedelta(days=offset)
        start, end = day_bounds_utc(current, zone)
        occ = [o for o in every if o.start < end and o.end > start]
        out.extend(lines_for_day(occ, current, zone, gaps=gaps, policy=rules, segments=legs))
    for index, row in enumerate(out):
        row.ref = index
    return out


def _occurrences(
    session: Session, principal: Principal, start: datetime, end: datetime
) -> list[Occurrence]:
    """The span's occurrences; on SQLite read as plain records (sqlite_reads, as Today's first
    frame is): a busy day of ~560 events costs 4 ms instead of 20 ms of ORM objects, and the
    agenda's next-day key waits on this. Lines only read attributes; details load the ORM row."""
    from pa_tui.services import events

    if session.get_bind().dialect.name != "sqlite" or principal.id is None:
        return events.occurrences(session, principal, start, end)
    from pa_tui import sqlite_reads
    from pa_tui.services.recurrence import occurrences_of

    raw = session.connection().connection.driver_connection
    assert raw is not None
    found, overrides = sqlite_reads.events_between(raw, principal.id, start, end)
    return occurrences_of(found, overrides, principal.tz, start, end)


def lines_for_day(
    occ: list[Occurrence],
    current: date,
    zone: str,
    *,
    gaps: bool = False,
    policy: Policy | None = None,
    segments: Mapping[int, Any] | None = None,
) -> list[ListRow]:
    """One day's header, occurrences and protected blocks (collisions marked ⚠, the travel
    buffer counted) and, optionally, free gaps. Trip segments (by event id) show their kind and
    places; one that lands in another zone adds a line saying so."""
    start, end = day_bounds_utc(current, zone)
    rules = policy or Policy()
    blocks = block_intervals(rules, zone, start, end)
    clash = conflicting(occ, rules.buffer)
    out = [ListRow(key="", cells=[display.day_label(current)], flags={"header"})]
    items: list[tuple[datetime, ListRow]] = []
    for i, o in enumerate(occ):
        _id, when, title, where = display.occurrence_row(o, zone)
        flags = set()
        timed = not o.event.all_day
        if i in clash or (timed and any(s < o.end and o.start < e for s, e, _b in blocks)):
            flags.add("overdue")
            title = "⚠ " + title
        extra: dict[str, object] = {"event_id": o.event.id, "start": o.start, "end": o.end}
        if o.recurring:
            flags.add("recurring")
            # The occurrence's recurrence id: what editing "this one" or "following" starts from.
            extra["wall"] = o.event.recurrence_id or utc_to_local(
                o.start, event_zone(o.event, zone)
            )
        seg = (segments or {}).get(o.event.id or 0)
        if seg is not None:
            title = f"{ICON.get(seg.kind, '•')} {title}"
            where = " → ".join(p for p in (seg.origin, seg.destination) if p) or where
            change = zone_change(seg, o.event)
            if change:
                items.append((o.end, ListRow(key="", cells=["", change, ""], flags={"dim"})))
        hours = "all day" if o.event.all_day else when[11:]
        key = f"e{o.event.parent_id or o.event.id}@{o.start:%Y%m%dT%H%M}"
        row = ListRow(
            key=key,
            cells=[hours, title, where],
            confidential=o.event.confidential,
            flags=flags,
            extra=extra,
        )
        items.append((o.start if not o.event.all_day else start, row))
    for s, e, block in blocks:
        label = f"{utc_to_local(s, zone):%H:%M}-{utc_to_local(e, zone):%H:%M}"
        shown = ListRow(key="", cells=[label, f"protected: {block.label}", ""], flags={"dim"})
        items.append((s, shown))
    if gaps:
        for s, e in free_gaps(occ, current, zone, policy=rules):
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

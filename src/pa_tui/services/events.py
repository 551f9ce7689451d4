"""Events: create with derived UTC bounds, and windowed occurrence queries for the agenda: a
range query yields only the occurrences in the window and never materialises a series
(expansion: recurrence.py; editing a series: series.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from pa_tui.errors import PaError
from pa_tui.models import Event, EventAttendee, Principal
from pa_tui.services.recurrence import (
    Occurrence,
    event_zone,
    occurrences_of,
    series_end,
)
from pa_tui.services.timeutil import local_to_utc

__all__ = ["Occurrence", "create_event", "derive_utc", "event_zone", "occurrences"]


def derive_utc(event: Event, principal_tz: str) -> None:
    """Fill start_utc/end_utc (and series_until_utc) from wall time or all-day dates."""
    zone = event_zone(event, principal_tz)
    if event.all_day:
        if event.start_date is None:
            raise PaError("all-day event without a start date")
        end_date = event.end_date or event.start_date + timedelta(days=1)
        event.start_utc = local_to_utc(datetime.combine(event.start_date, time()), zone)
        event.end_utc = local_to_utc(datetime.combine(end_date, time()), zone)
    else:
        if event.start_local is None:
            raise PaError("event without a start time")
        end_local = event.end_local or event.start_local + timedelta(hours=1)
        if end_local < event.start_local:
            raise PaError("event ends before it starts")
        event.start_utc = local_to_utc(event.start_local, zone)
        event.end_utc = local_to_utc(end_local, zone)
    event.series_until_utc = series_end(event, zone) if event.rrule else None


def occurrences(
    session: Session,
    principal: Principal,
    start: datetime,
    end: datetime,
    *,
    include_confidential: bool = True,
    near_start: bool = True,
    with_reminders: bool = False,
) -> list[Occurrence]:
    """Every occurrence overlapping [start, end), ordered by start. Endless series stay lazy.
    (`near_start=False` walks each series from its DTSTART: the benchmark's baseline.)"""
    # Two queries shaped like the partial indexes (singles by span, series by their end), so
    # neither scans the principal's whole calendar.
    singles = select(Event).where(
        col(Event.principal_id) == principal.id,
        col(Event.rrule).is_(None),
        col(Event.parent_id).is_(None),
        col(Event.end_utc) > start,
        col(Event.start_utc) < end,
    )
    span = longest_single(session)
    if span is not None:  # bounded on both sides: a range, not the rest of the calendar
        singles = singles.where(col(Event.start_utc) >= start - span)
    series = select(Event).where(
        col(Event.principal_id) == principal.id,
        col(Event.rrule).is_not(None),
        col(Event.parent_id).is_(None),
        col(Event.start_utc) < end,
        col(Event.series_until_utc).is_(None) | (col(Event.series_until_utc) > start),
    )
    if not include_confidential:
        singles = singles.where(col(Event.confidential).is_(False))
        series = series.where(col(Event.confidential).is_(False))
    if with_reminders:  # the reminder check every 30 s: only events that can ring
        singles = singles.where(col(Event.reminders).is_not(None))
        series = series.where(col(Event.reminders).is_not(None))
    rows = [*session.exec(singles).all(), *session.exec(series).all()]
    ids = [ev.id for ev in rows if ev.rrule and ev.id is not None]
    overrides = (
        session.exec(select(Event).where(col(Event.parent_id).in_(ids))).all() if ids else []
    )
    return occurrences_of(rows, overrides, principal.tz, start, end, near_start=near_start)


def warm_series(session: Session, principal: Principal, start: datetime, end: datetime) -> int:
    """Expand the principal's series over [start, end) so the month cache holds them (singles
    need no warming); returns how many series were walked."""
    from pa_tui.services.recurrence import expand

    rows = session.exec(
        select(Event).where(
            col(Event.principal_id) == principal.id,
            col(Event.rrule).is_not(None),
            col(Event.parent_id).is_(None),
            col(Event.start_utc) < end,
            col(Event.series_until_utc).is_(None) | (col(Event.series_until_utc) > start),
        )
    ).all()
    for ev in rows:
        expand(ev, principal.tz, start, end, {})
    return len(rows)


def longest_single(session: Session) -> timedelta | None:
    """The longest single event ever stored (SQLite keeps it by trigger), or None elsewhere."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    from sqlalchemy import text

    from pa_tui.sqlite_schema import SPAN_QUERY

    days = session.connection().execute(text(SPAN_QUERY)).scalar()
    # A minute's slack: julianday arithmetic is floating point.
    return timedelta(days=float(days or 0)) + timedelta(minutes=1)


def create_event(
    session: Session,
    *,
    principal: Principal,
    title: str,
    now: datetime,
    start_local: datetime | None = None,
    end_local: datetime | None = None,
    tz: str | None = None,
    all_day: bool = False,
    start_date: date | None = None,
    end_date: date | None = None,
    location: str | None = None,
    rrule: str | None = None,
    confidential: bool = False,
    agenda: str | None = None,
    reminders: str | None = None,
    external_uid: str | None = None,
) -> Event:
    if not title.strip():
        raise PaError("event title is empty")
    assert principal.id is not None
    event = Event(
        principal_id=principal.id,
        title=title.strip(),
        start_local=start_local,
        end_local=end_local,
        tz=tz if not all_day else None,
        all_day=all_day,
        start_date=start_date,
        end_date=end_date,
        start_utc=now,
        end_utc=now,
        location=location,
        rrule=rrule,
        confidential=confidential,
        agenda=agenda,
        reminders=reminders,
        external_uid=external_uid,
        created_at=now,
        updated_at=now,
    )
    derive_utc(event, principal.tz)
    session.add(event)
    session.flush()
    return event


def attended_occurrences(
    session: Session, contact_id: int, start: datetime, end: datetime
) -> list[Occurrence]:
    """Occurrences in [start, end) of events (any principal's) that a contact attends: the
    contact's known busy time, for finding a slot that suits both."""
    attended = select(EventAttendee.event_id).where(col(EventAttendee.contact_id) == contact_id)
    rows = session.exec(
        select(Event, Principal.tz)
        .join(Principal, col(Principal.id) == col(Event.principal_id))
        .where(
            col(Event.id).in_(attended),
            col(Event.parent_id).is_(None),
            col(Event.start_utc) < end,
            (col(Event.rrule).is_(None) & (col(Event.end_utc) > start))
            | (
                col(Event.rrule).is_not(None)
                & (col(Event.series_until_utc).is_(None) | (col(Event.series_until_utc) > start))
            ),
        )
    ).all()
    found: list[Occurrence] = []
    for ev, zone in rows:
        overrides = (
            session.exec(select(Event).where(col(Event.parent_id) == ev.id)).all()
            if ev.rrule
            else []
        )
        found += occurrences_of([ev], overrides, zone, start, end)
    return sorted(found, key=lambda o: (o.start, o.event.title))

"""Events: create/edit with derived UTC bounds, and windowed occurrence queries for the agenda.

The agenda-engine issue refines expansion (caches, overrides editing, conflicts); this module keeps
the contract: a range query yields only occurrences in the window and never materialises a series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from sqlmodel import Session, col, or_, select

from pa_tui.errors import PaError
from pa_tui.models import Event, Principal
from pa_tui.services.timeutil import as_utc, local_to_utc, utc_to_local


@dataclass(frozen=True)
class Occurrence:
    event: Event
    start: datetime  # aware UTC
    end: datetime  # aware UTC
    recurring: bool = False


def event_zone(event: Event, principal_tz: str) -> str:
    """The zone an event's wall time is read in: its own, or the principal's when floating."""
    return event.tz or principal_tz


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
    event.series_until_utc = _series_end(event, zone) if event.rrule else None


def _wall_start(event: Event) -> datetime:
    if event.all_day:
        assert event.start_date is not None
        return datetime.combine(event.start_date, time())
    assert event.start_local is not None
    return event.start_local


def _rule(event: Event, zone: str):  # type: ignore[no-untyped-def]
    """The series as a dateutil rruleset over naive wall times (zone applied per occurrence)."""
    dtstart = _wall_start(event)
    text = f"RRULE:{event.rrule}"
    for rd in (event.rdate or "").split(","):
        if rd.strip():
            text += f"\nRDATE:{_ical_local(rd.strip())}"
    for ex in (event.exdate or "").split(","):
        if ex.strip():
            text += f"\nEXDATE:{_ical_local(ex.strip())}"
    try:
        return rrulestr(_normalise_until(text, zone), dtstart=dtstart, forceset=True)
    except (ValueError, TypeError) as exc:
        raise PaError(f"event {event.title!r}: bad recurrence {event.rrule!r}: {exc}") from None


_UTC_UNTIL = re.compile(r"UNTIL=(\d{8}T\d{6})Z")


def _normalise_until(text: str, zone: str) -> str:
    """Series run on naive wall time, so a UTC UNTIL (what clients send) becomes wall time in
    the event's zone: UNTIL=20261116T080000Z in Stockholm is 09:00 local, inclusive."""

    def local(m: re.Match[str]) -> str:
        instant = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        return f"UNTIL={utc_to_local(instant, zone):%Y%m%dT%H%M%S}"

    return _UTC_UNTIL.sub(local, text)


def _ical_local(value: str) -> str:
    parsed = (
        datetime.fromisoformat(value)
        if "T" in value
        else datetime.combine(date.fromisoformat(value), time())
    )
    return parsed.strftime("%Y%m%dT%H%M%S")


def _duration(event: Event) -> timedelta:
    return as_utc(event.end_utc) - as_utc(event.start_utc)


def _series_end(event: Event, zone: str) -> datetime | None:
    assert event.rrule is not None
    if "UNTIL=" not in event.rrule.upper() and "COUNT=" not in event.rrule.upper():
        return None
    rule = _rule(event, zone)
    last = None
    for last in rule:  # noqa: B007 (bounded: the rule has UNTIL or COUNT)
        pass
    if last is None:
        return as_utc(event.start_utc)
    return local_to_utc(last, zone) + _duration(event)


def occurrences(
    session: Session,
    principal: Principal,
    start: datetime,
    end: datetime,
    *,
    include_confidential: bool = True,
) -> list[Occurrence]:
    """Every occurrence overlapping [start, end), ordered by start. Endless series stay lazy."""
    query = select(Event).where(
        col(Event.principal_id) == principal.id,
        col(Event.parent_id).is_(None),
        col(Event.start_utc) < end,
        or_(
            col(Event.rrule).is_(None) & (col(Event.end_utc) > start),
            col(Event.rrule).is_not(None)
            & (col(Event.series_until_utc).is_(None) | (col(Event.series_until_utc) > start)),
        ),
    )
    if not include_confidential:
        query = query.where(col(Event.confidential).is_(False))
    found: list[Occurrence] = []
    series: list[Event] = []
    for ev in session.exec(query).all():
        if ev.rrule:
            series.append(ev)
        else:
            found.append(Occurrence(ev, as_utc(ev.start_utc), as_utc(ev.end_utc)))
    overrides = _overrides(session, [ev.id for ev in series if ev.id is not None])
    for ev in series:
        found.extend(_expand(ev, principal.tz, start, end, overrides.get(ev.id or 0, {})))
    found.sort(key=lambda o: (o.start, o.event.title))
    return found


def _overrides(session: Session, ids: list[int]) -> dict[int, dict[datetime, Event]]:
    result: dict[int, dict[datetime, Event]] = {}
    if not ids:
        return result
    for ov in session.exec(select(Event).where(col(Event.parent_id).in_(ids))).all():
        if ov.parent_id is not None and ov.recurrence_id is not None:
            result.setdefault(ov.parent_id, {})[ov.recurrence_id] = ov
    return result


def _expand(
    ev: Event, principal_tz: str, start: datetime, end: datetime, overrides: dict[datetime, Event]
) -> list[Occurrence]:
    zone = event_zone(ev, principal_tz)
    length = _duration(ev)
    rule = _rule(ev, zone)
    # Walk wall times a day either side of the window: zone offsets never exceed a day.
    lo = _naive_in(start - length - timedelta(days=1), zone)
    hi = _naive_in(end + timedelta(days=1), zone)
    out: list[Occurrence] = []
    for wall in rule.between(lo, hi, inc=True):
        override = overrides.get(wall)
        if override is not None:
            if override.cancelled:
                continue
            o_start, o_end = as_utc(override.start_utc), as_utc(override.end_utc)
            if o_start < end and o_end > start:
                out.append(Occurrence(override, o_start, o_end, recurring=True))
            continue
        s = local_to_utc(wall, zone)
        # All-day occurrences span whole local days; DST can make such a day 23 or 25 hours.
        e = (
            local_to_utc(wall + timedelta(days=max(1, round(length / timedelta(days=1)))), zone)
            if ev.all_day
            else s + length
        )
        if s < end and e > start:
            out.append(Occurrence(ev, s, e, recurring=True))
    # An override may move an occurrence into the window from outside it.
    for override in overrides.values():
        if override.cancelled:
            continue
        o_start, o_end = as_utc(override.start_utc), as_utc(override.end_utc)
        walked = override.recurrence_id is not None and lo <= override.recurrence_id <= hi
        if o_start < end and o_end > start and not walked:
            out.append(Occurrence(override, o_start, o_end, recurring=True))
    return out


def _naive_in(instant: datetime, zone: str) -> datetime:
    return utc_to_local(instant.astimezone(UTC), zone)


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

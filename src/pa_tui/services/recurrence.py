"""Series expansion (RFC 5545 RRULE/RDATE/EXDATE plus per-occurrence overrides) over plain event
records: anything with an Event's attributes, an ORM row or one read with the standard library.

Series run on naive wall time in the event's zone, so 09:00 stays 09:00 across DST; each
occurrence is placed in UTC on its own. No SQLModel here: the first frame uses this too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from dateutil.rrule import rrulestr

from pa_tui.errors import PaError
from pa_tui.services.timeutil import as_utc, local_to_utc, utc_to_local


class EventLike(Protocol):
    """The attributes expansion reads (read-only, so ORM rows and plain records both fit)."""

    @property
    def id(self) -> int | None: ...
    @property
    def title(self) -> str: ...
    @property
    def start_local(self) -> datetime | None: ...
    @property
    def end_local(self) -> datetime | None: ...
    @property
    def tz(self) -> str | None: ...
    @property
    def all_day(self) -> bool: ...
    @property
    def start_date(self) -> date | None: ...
    @property
    def start_utc(self) -> datetime: ...
    @property
    def end_utc(self) -> datetime: ...
    @property
    def rrule(self) -> str | None: ...
    @property
    def rdate(self) -> str | None: ...
    @property
    def exdate(self) -> str | None: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def recurrence_id(self) -> datetime | None: ...
    @property
    def cancelled(self) -> bool: ...


@dataclass(frozen=True)
class Occurrence:
    event: Any  # an EventLike: the series row, the single event, or the override row
    start: datetime  # aware UTC
    end: datetime  # aware UTC
    recurring: bool = False


def event_zone(event: EventLike, principal_tz: str) -> str:
    """The zone an event's wall time is read in: its own, or the principal's when floating."""
    return event.tz or principal_tz


def wall_start(event: EventLike) -> datetime:
    if event.all_day:
        assert event.start_date is not None
        return datetime.combine(event.start_date, time())
    assert event.start_local is not None
    return event.start_local


def rule_of(event: EventLike, zone: str) -> Any:
    """The series as a dateutil rruleset over naive wall times (zone applied per occurrence)."""
    text = f"RRULE:{event.rrule}"
    for rd in (event.rdate or "").split(","):
        if rd.strip():
            text += f"\nRDATE:{_ical_local(rd.strip())}"
    for ex in (event.exdate or "").split(","):
        if ex.strip():
            text += f"\nEXDATE:{_ical_local(ex.strip())}"
    try:
        return rrulestr(normalise_until(text, zone), dtstart=wall_start(event), forceset=True)
    except (ValueError, TypeError) as exc:
        raise PaError(f"event {event.title!r}: bad recurrence {event.rrule!r}: {exc}") from None


_UTC_UNTIL = re.compile(r"UNTIL=(\d{8}T\d{6})Z")


def normalise_until(text: str, zone: str) -> str:
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


def duration(event: EventLike) -> timedelta:
    return as_utc(event.end_utc) - as_utc(event.start_utc)


def series_end(event: EventLike, zone: str) -> datetime | None:
    """The end of a bounded series' last occurrence in UTC; None for an endless one."""
    assert event.rrule is not None
    if "UNTIL=" not in event.rrule.upper() and "COUNT=" not in event.rrule.upper():
        return None
    last = None
    for last in rule_of(event, zone):  # noqa: B007 (bounded: the rule has UNTIL or COUNT)
        pass
    if last is None:
        return as_utc(event.start_utc)
    return local_to_utc(last, zone) + duration(event)


def group_overrides(rows: Iterable[EventLike]) -> dict[int, dict[datetime, Any]]:
    """Override rows by series id and the original occurrence's wall start."""
    result: dict[int, dict[datetime, Any]] = {}
    for ov in rows:
        if ov.parent_id is not None and ov.recurrence_id is not None:
            result.setdefault(ov.parent_id, {})[ov.recurrence_id] = ov
    return result


def expand(
    ev: EventLike,
    principal_tz: str,
    start: datetime,
    end: datetime,
    overrides: Mapping[datetime, EventLike],
) -> list[Occurrence]:
    """The series' occurrences overlapping [start, end), overrides applied; never the whole series."""
    zone = event_zone(ev, principal_tz)
    length = duration(ev)
    rule = rule_of(ev, zone)
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


def occurrences_of(
    rows: Iterable[EventLike],
    override_rows: Iterable[EventLike],
    principal_tz: str,
    start: datetime,
    end: datetime,
) -> list[Occurrence]:
    """Every occurrence in [start, end) of candidate rows (singles and series), ordered by start."""
    found: list[Occurrence] = []
    series: list[EventLike] = []
    for ev in rows:
        if ev.rrule:
            series.append(ev)
        else:
            found.append(Occurrence(ev, as_utc(ev.start_utc), as_utc(ev.end_utc)))
    overrides = group_overrides(override_rows)
    for ev in series:
        found.extend(expand(ev, principal_tz, start, end, overrides.get(ev.id or 0, {})))
    found.sort(key=lambda o: (o.start, o.event.title))
    return found


def _naive_in(instant: datetime, zone: str) -> datetime:
    return utc_to_local(instant.astimezone(UTC), zone)

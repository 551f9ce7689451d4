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
from functools import lru_cache
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


def rule_of(event: EventLike, zone: str, near: datetime | None = None) -> Any:
    """The series as a dateutil rruleset over naive wall times (zone applied per occurrence).

    dateutil walks a series from its DTSTART, so a daily series begun years ago costs thousands
    of steps per query. With `near` (a naive wall time at or before the window), simple rules
    start from a later DTSTART of the same phase instead: same occurrences, a short walk.
    """
    start = wall_start(event)
    dtstart = _near_start(event.rrule or "", start, near) if near is not None else start
    return _parsed(
        event.rrule or "", event.rdate or "", event.exdate or "", start, dtstart, zone, event.title
    )


@lru_cache(maxsize=4096)
def _parsed(
    rrule: str, rdate: str, exdate: str, origin: datetime, dtstart: datetime, zone: str, title: str
) -> Any:
    # RFC 5545: DTSTART is the first instance even when the rule would not produce it (an event
    # put on a Tuesday with BYDAY=MO); dateutil drops it, clients (and recurring-ical-events)
    # show it. As an RDATE it stays subject to EXDATE.
    text = f"RRULE:{rrule}\nRDATE:{origin:%Y%m%dT%H%M%S}"
    for rd in rdate.split(","):
        if rd.strip():
            text += f"\nRDATE:{_ical_local(rd.strip())}"
    for ex in exdate.split(","):
        if ex.strip():
            text += f"\nEXDATE:{_ical_local(ex.strip())}"
    try:
        return rrulestr(normalise_until(text, zone), dtstart=dtstart, forceset=True)
    except (ValueError, TypeError) as exc:
        raise PaError(f"event {title!r}: bad recurrence {rrule!r}: {exc}") from None


def _rule_parts(rrule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rrule.upper().split(";") if "=" in part)


def _near_start(rrule: str, start: datetime, near: datetime) -> datetime:
    """A DTSTART in the same phase as `start`, whole periods later, at least a period before
    `near`. Only for DAILY, WEEKLY and (BYDAY/BYMONTHDAY) MONTHLY rules without COUNT or
    BYSETPOS (whose meaning depends on the first occurrence); others keep their own start."""
    parts = _rule_parts(rrule)
    freq = parts.get("FREQ")
    if freq not in ("DAILY", "WEEKLY", "MONTHLY") or "COUNT" in parts or "BYSETPOS" in parts:
        return start
    try:
        interval = max(1, int(parts.get("INTERVAL", "1")))
    except ValueError:
        return start
    if freq == "MONTHLY":
        # Only when the days come from BYDAY/BYMONTHDAY: then DTSTART's day does not matter and
        # the first of an in-phase month starts the same series.
        if "BYDAY" not in parts and "BYMONTHDAY" not in parts:
            return start
        months = (near.year - start.year) * 12 + near.month - start.month - interval
        shift = months // interval * interval
        if shift <= 0:
            return start
        y, m = divmod(start.month - 1 + shift, 12)
        return datetime.combine(date(start.year + y, m + 1, 1), start.time())
    period = timedelta(days=interval * (7 if freq == "WEEKLY" else 1))
    periods = (near - start) // period - 1
    return start + periods * period if periods > 0 else start


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
    *,
    near_start: bool = True,
) -> list[Occurrence]:
    """The series' occurrences overlapping [start, end), overrides applied; never the whole series.
    `near_start=False` walks from the series' own start (the reference the tests compare with)."""
    zone = event_zone(ev, principal_tz)
    length = duration(ev)
    # Walk wall times a day either side of the window: zone offsets never exceed a day.
    lo = _naive_in(start - length - timedelta(days=1), zone)
    hi = _naive_in(end + timedelta(days=1), zone)
    if near_start:
        walls = _cached_walls(ev, zone, lo, hi)
    else:
        walls = [(w, local_to_utc(w, zone)) for w in rule_of(ev, zone).between(lo, hi, inc=True)]
    out: list[Occurrence] = []
    for wall, s in walls:
        override = overrides.get(wall)
        if override is not None:
            if override.cancelled:
                continue
            o_start, o_end = as_utc(override.start_utc), as_utc(override.end_utc)
            if o_start < end and o_end > start:
                out.append(Occurrence(override, o_start, o_end, recurring=True))
            continue
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


def _cached_walls(
    ev: EventLike, zone: str, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """(wall start, UTC start) of the series' instances in [lo, hi], from a bounded cache of
    whole months: browsing the agenda day by day, a live refresh, or the same week again
    costs a lookup instead of a dateutil walk."""
    key = (ev.rrule or "", ev.rdate or "", ev.exdate or "", wall_start(ev), zone, ev.title)
    out: list[tuple[datetime, datetime]] = []
    year, month = lo.year, lo.month
    while (year, month) <= (hi.year, hi.month):
        for wall, utc in _month_walls(*key, year, month):
            if lo <= wall <= hi:
                out.append((wall, utc))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@lru_cache(maxsize=50_000)
def _month_walls(
    rrule: str, rdate: str, exdate: str, origin: datetime, zone: str, title: str,
    year: int, month: int,
) -> tuple[tuple[datetime, datetime], ...]:  # fmt: skip
    first = datetime(year, month, 1)
    after = datetime(year + 1, 1, 1) if month == 12 else datetime(year, month + 1, 1)
    if after <= origin:
        return ()
    walls = _simple_walls(rrule, rdate, exdate, origin, zone, first, after)
    if walls is None and "COUNT=" in rrule.upper():
        every = _counted_walls(rrule, rdate, exdate, origin, zone, title)
        if every is not None:
            walls = [w for w in every if first <= w < after]
    if walls is None:
        near = _near_start(rrule, origin, first)
        rule = _parsed(rrule, rdate, exdate, origin, near, zone, title)
        walls = [w for w in rule.between(first, after, inc=True) if w < after]
    return tuple((w, local_to_utc(w, zone)) for w in walls)


@lru_cache(maxsize=4096)
def _counted_walls(
    rrule: str, rdate: str, exdate: str, origin: datetime, zone: str, title: str
) -> tuple[datetime, ...] | None:
    """Every instance of a COUNT-bounded series (its COUNT counts from DTSTART, so no later start
    will do), kept once instead of walked again for every month; None past 5,000."""
    m = re.search(r"(?i)COUNT=(\d+)", rrule)
    if m is None or int(m.group(1)) > 5000:
        return None
    return tuple(_parsed(rrule, rdate, exdate, origin, origin, zone, title))


_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_SIMPLE_KEYS = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "WKST", "COUNT"}


def _simple_walls(
    rrule: str, rdate: str, exdate: str, origin: datetime, zone: str,
    first: datetime, after: datetime,
) -> list[datetime] | None:  # fmt: skip
    """Instances in [first, after) of a plain DAILY/WEEKLY rule (INTERVAL, BYDAY without
    ordinals, UNTIL) by date arithmetic: the common meeting series, ~20x cheaper than dateutil's
    walk. Anything else returns None and goes to dateutil. Property tests hold both equal."""
    parts = _rule_parts(rrule)
    freq = parts.get("FREQ")
    if freq not in ("DAILY", "WEEKLY") or not set(parts) <= _SIMPLE_KEYS:
        return None
    if parts.get("WKST", "MO") != "MO":
        return None
    try:
        interval = int(parts.get("INTERVAL", "1"))
        byday = {_DAYS[d] for d in parts["BYDAY"].split(",")} if "BYDAY" in parts else None
        until = _until(parts["UNTIL"], zone) if "UNTIL" in parts else None
        count = int(parts["COUNT"]) if "COUNT" in parts else None
    except (KeyError, ValueError):
        return None
    if interval < 1 or (count is not None and not 0 < count <= 5000):
        return None
    if freq == "WEEKLY" and byday is None:
        byday = {origin.weekday()}
    moment = origin.time()
    origin_day = origin.date()
    # COUNT counts from DTSTART: walk from there (it is bounded) and stop at the count.
    start_day = origin_day if count is not None else max(first.date(), origin_day)
    last = (after - timedelta(microseconds=1)).date()
    days: list[date] = []
    if freq == "DAILY":
        # Straight to the first day in phase, then whole intervals.
        day = origin_day + timedelta(days=-(-(start_day - origin_day).days // interval) * interval)
        while day <= last:
            if byday is None or day.weekday() in byday:
                days.append(day)
            day += timedelta(days=interval)
    else:
        origin_week = origin_day - timedelta(days=origin_day.weekday())
        weeks = (start_day - timedelta(days=start_day.weekday()) - origin_week).days // 7
        week = origin_week + timedelta(weeks=-(-weeks // interval) * interval)
        wanted = sorted(byday or ())
        while week <= last:
            days += [week + timedelta(days=wd) for wd in wanted]
            week += timedelta(weeks=interval)
    found: list[datetime] = []
    seen = 0
    for day in days:
        wall = datetime.combine(day, moment)
        if wall < origin or (until is not None and wall > until):
            continue
        seen += 1
        if count is not None and seen > count:
            break
        if first <= wall < after:
            found.append(wall)
    extra = [origin, *(_wall(d) for d in rdate.split(",") if d.strip())]
    found += [w for w in extra if first <= w < after and w not in found]
    gone = {_wall(d) for d in exdate.split(",") if d.strip()}
    return sorted(w for w in found if w not in gone)


def _wall(value: str) -> datetime:
    text = value.strip()
    return (
        datetime.fromisoformat(text)
        if "T" in text
        else datetime.combine(date.fromisoformat(text), time())
    )


def _until(value: str, zone: str) -> datetime:
    """UNTIL as a naive wall time in the series' zone (a UTC one converted, as dateutil does
    after normalise_until; a date means the end of that day's midnight instant)."""
    if value.endswith("Z"):
        instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return utc_to_local(instant, zone)
    if "T" in value:
        return datetime.strptime(value, "%Y%m%dT%H%M%S")
    return datetime.strptime(value, "%Y%m%d")


def occurrences_of(
    rows: Iterable[EventLike],
    override_rows: Iterable[EventLike],
    principal_tz: str,
    start: datetime,
    end: datetime,
    *,
    near_start: bool = True,
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
        mine = overrides.get(ev.id or 0, {})
        found.extend(expand(ev, principal_tz, start, end, mine, near_start=near_start))
    found.sort(key=lambda o: (o.start, o.event.title))
    return found


def _naive_in(instant: datetime, zone: str) -> datetime:
    return utc_to_local(instant.astimezone(UTC), zone)


def clear_caches() -> None:
    """Forget parsed rules and cached months (the benchmark's cold runs)."""
    _parsed.cache_clear()
    _month_walls.cache_clear()
    _counted_walls.cache_clear()

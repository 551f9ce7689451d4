"""A principal's scheduling policy as plain values: working hours per weekday, travel buffer, daily
meeting cap and recurring protected blocks; their text forms and their intervals in a window.

Pure (no store): the ORM and the capture path's standard-library reader both build a Policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from pa_tui.errors import PaError
from pa_tui.services.timeutil import local_to_utc, utc_to_local
from pa_tui.services.workday import WORK_DAYS, WORK_END, WORK_START

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Block:
    label: str
    weekdays: frozenset[int]
    start: time
    end: time
    id: int | None = None

    def text(self) -> str:
        return f"{format_days(self.weekdays)} {self.start:%H:%M}-{self.end:%H:%M} {self.label}"


@dataclass(frozen=True)
class Policy:
    hours: dict[int, tuple[tuple[time, time], ...]] = field(
        default_factory=lambda: {d: ((WORK_START, WORK_END),) for d in WORK_DAYS}
    )
    buffer: timedelta = timedelta(0)
    cap: int | None = None
    blocks: tuple[Block, ...] = ()


_TIME = r"(\d{1,2})(?::(\d{2}))?"
_RANGE = re.compile(rf"^{_TIME}-{_TIME}$")


def _time(hour: str, minute: str | None, where: str) -> time:
    h, m = int(hour), int(minute or 0)
    if h == 24 and m == 0:
        return time(23, 59, 59)
    if not (0 <= h < 24 and 0 <= m < 60):
        raise PaError(f"{where}: {hour}:{minute or '00'} is not a time of day")
    return time(h, m)


def parse_range(text: str, where: str) -> tuple[time, time]:
    m = _RANGE.match(text.strip())
    if not m:
        raise PaError(f"{where}: expected a time range like 09:00-17:00, not {text!r}")
    start, end = _time(m[1], m[2], where), _time(m[3], m[4], where)
    if end <= start:
        raise PaError(f"{where}: {text} ends before it starts")
    return start, end


def parse_days(text: str, where: str) -> frozenset[int]:
    """ "mon-fri", "sat,sun", "daily", "weekdays", "tue"."""
    word = text.strip().lower()
    if word in ("daily", "every day", "all"):
        return frozenset(range(7))
    if word in ("weekdays", "workdays"):
        return frozenset(range(5))
    if word == "weekends":
        return frozenset({5, 6})
    days: set[int] = set()
    for part in word.split(","):
        ends = part.split("-")
        try:
            idx = [DAY_NAMES.index(e.strip()[:3]) for e in ends]
        except ValueError:
            raise PaError(f"{where}: {part!r} is not a day (mon..sun, mon-fri, weekdays)") from None
        if len(idx) == 1:
            days.add(idx[0])
        elif len(idx) == 2:
            a, b = idx
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        else:
            raise PaError(f"{where}: {part!r} is not a day range")
    return frozenset(days)


def format_days(days: Iterable[int]) -> str:
    ordered = sorted(set(days))
    if ordered == list(range(7)):
        return "daily"
    runs: list[list[int]] = []
    for d in ordered:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(
        DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}" for r in runs
    )


def parse_hours(text: str) -> dict[int, tuple[tuple[time, time], ...]]:
    """ "mon-thu 09:00-17:00, fri 09:00-13:00" (a day may repeat: "mon 08-12, mon 13-17")."""
    hours: dict[int, list[tuple[time, time]]] = {}
    for n, part in enumerate(p for p in text.split(",") if p.strip()):
        where = f"working hours, part {n + 1}"
        bits = part.split()
        if len(bits) != 2:
            raise PaError(f"{where}: expected DAYS START-END like 'mon-fri 09:00-17:00'")
        for day in parse_days(bits[0], where):
            hours.setdefault(day, []).append(parse_range(bits[1], where))
    if not hours:
        raise PaError("working hours: nothing given (e.g. 'mon-fri 09:00-17:00')")
    return {d: tuple(sorted(spans)) for d, spans in hours.items()}


def format_hours(hours: dict[int, tuple[tuple[time, time], ...]]) -> str:
    by_spans: dict[tuple[tuple[time, time], ...], list[int]] = {}
    for day in sorted(hours):
        by_spans.setdefault(hours[day], []).append(day)
    parts = []
    for spans, days in by_spans.items():
        for s, e in spans:
            parts.append(f"{format_days(days)} {s:%H:%M}-{e:%H:%M}")
    return ", ".join(parts)


def parse_block(text: str) -> Block:
    """ "mon-fri 08:00-09:00 Focus time": days, a range, then the label."""
    bits = text.split(None, 2)
    where = f"protected block {text!r}"
    if len(bits) < 2:
        raise PaError(f"{where}: expected DAYS START-END LABEL, e.g. 'mon-fri 08:00-09:00 Focus'")
    start, end = parse_range(bits[1], where)
    label = bits[2].strip() if len(bits) > 2 else "protected"
    return Block(label=label, weekdays=parse_days(bits[0], where), start=start, end=end)


def _days(start: datetime, end: datetime, zone: str) -> Iterable[date]:
    day = utc_to_local(start, zone).date() - timedelta(days=1)
    last = utc_to_local(end, zone).date() + timedelta(days=1)
    while day <= last:
        yield day
        day += timedelta(days=1)


def _clip(spans: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]


def working_intervals(policy: Policy, zone: str, start: datetime, end: datetime) -> list[Interval]:
    """Working hours inside [start, end), as UTC intervals (each day read in its own offset)."""
    spans = []
    for day in _days(start, end, zone):
        for s, e in policy.hours.get(day.weekday(), ()):
            spans.append(
                (
                    local_to_utc(datetime.combine(day, s), zone),
                    local_to_utc(datetime.combine(day, e), zone),
                )
            )
    return sorted(_clip(spans, start, end))


def block_intervals(
    policy: Policy, zone: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, Block]]:
    """Protected blocks overlapping [start, end), unclipped, in UTC."""
    out = []
    for day in _days(start, end, zone):
        for block in policy.blocks:
            if day.weekday() in block.weekdays:
                s = local_to_utc(datetime.combine(day, block.start), zone)
                e = local_to_utc(datetime.combine(day, block.end), zone)
                if s < end and e > start:
                    out.append((s, e, block))
    return sorted(out, key=lambda x: (x[0], x[1], x[2].label))


def block_from(row: Any) -> Block:
    """A Block from a protected_block row (ORM or plain record)."""
    (h1, m1), (h2, m2) = row.start.split(":"), row.end.split(":")
    return Block(
        label=row.label,
        weekdays=frozenset(int(d) for d in row.weekdays.split(",") if d),
        start=time(int(h1), int(m1)),
        end=time(int(h2), int(m2)),
        id=row.id,
    )


def policy_from(prefs: Any | None, blocks: list[Block]) -> Policy:
    """A Policy from a prefs row (ORM or plain record; None = the defaults) and its blocks."""
    if prefs is None:
        return Policy(blocks=tuple(blocks))
    return Policy(
        hours=parse_hours(prefs.work_hours) if prefs.work_hours else Policy().hours,
        buffer=timedelta(minutes=prefs.buffer_min or 0),
        cap=prefs.meeting_cap,
        blocks=tuple(blocks),
    )


def subtract(spans: list[Interval], holes: list[Interval]) -> list[Interval]:
    """`spans` with the `holes` cut out (both lists of [start, end) intervals)."""
    out = []
    for s, e in spans:
        cursor = s
        for hs, he in sorted(holes):
            if he <= cursor or hs >= e:
                continue
            if hs > cursor:
                out.append((cursor, hs))
            cursor = max(cursor, he)
        if cursor < e:
            out.append((cursor, e))
    return out

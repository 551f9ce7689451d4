"""The free-slot finder: time that fits a meeting inside working hours, clear of events (travel
buffers included), protected blocks and days already at the meeting cap; ranked earliest day
first and, within a day, preferring slots that leave no sliver of time behind.

`find_slots` is pure (occurrences and a Policy in); `free_slots` reads them from the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from pa_tui.services.recurrence import Occurrence
from pa_tui.services.schedule import (
    Interval,
    Policy,
    block_intervals,
    subtract,
    working_intervals,
)
from pa_tui.services.timeutil import local_to_utc, utc_to_local

if TYPE_CHECKING:
    from sqlmodel import Session

    from pa_tui.models import Principal

STEP = timedelta(minutes=15)
SLIVER = timedelta(minutes=60)  # a leftover shorter than this is hard to use for anything


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    slivers: int  # leftovers under SLIVER this slot would leave in its gap (0 = fits snugly)

    def pair(self) -> tuple[datetime, datetime]:
        return self.start, self.end


def _align(moment: datetime, zone: str, *, up: bool) -> datetime:
    """To the wall-clock STEP grid (:00, :15, ...) in the principal's zone."""
    wall = utc_to_local(moment, zone)
    base = wall.replace(second=0, microsecond=0)
    step = int(STEP.total_seconds() // 60)
    minutes = base.hour * 60 + base.minute
    if up:
        extra = (-minutes) % step
        if base < wall and extra == 0:
            extra = step
        return local_to_utc(base + timedelta(minutes=extra), zone)
    return local_to_utc(base - timedelta(minutes=minutes % step), zone)


def busy_intervals(
    occurrences: Sequence[Occurrence], policy: Policy, *, has_location: bool
) -> list[Interval]:
    """Timed occurrences, padded by the travel buffer where a location is involved."""
    out = []
    for o in occurrences:
        if o.event.all_day or getattr(o.event, "cancelled", False):
            continue
        pad = policy.buffer if (has_location or o.event.location) else timedelta(0)
        out.append((o.start - pad, o.end + pad))
    return out


def meetings_per_day(occurrences: Sequence[Occurrence], zone: str) -> dict[date, int]:
    counts: dict[date, int] = {}
    for o in occurrences:
        if not o.event.all_day and not getattr(o.event, "cancelled", False):
            day = utc_to_local(o.start, zone).date()
            counts[day] = counts.get(day, 0) + 1
    return counts


def find_slots(
    *,
    duration: timedelta,
    start: datetime,
    end: datetime,
    zone: str,
    policy: Policy,
    occurrences: Sequence[Occurrence],
    has_location: bool = False,
    respect_cap: bool = True,
    count: int = 5,
) -> list[Slot]:
    """Up to `count` ranked slots of `duration` in [start, end)."""
    if duration <= timedelta(0) or start >= end:
        return []
    busy = busy_intervals(occurrences, policy, has_location=has_location)
    busy += [(s, e) for s, e, _b in block_intervals(policy, zone, start, end)]
    gaps = subtract(working_intervals(policy, zone, start, end), busy)
    full_days = (
        {d for d, n in meetings_per_day(occurrences, zone).items() if n >= policy.cap}
        if respect_cap and policy.cap is not None
        else set()
    )
    found: list[Slot] = []
    for gs, ge in gaps:
        if utc_to_local(gs, zone).date() in full_days:
            continue
        first = _align(gs, zone, up=True)
        last = _align(ge - duration, zone, up=False)
        if first + duration > ge or last < first:
            continue
        for s in {first, last}:
            before, after = s - gs, ge - (s + duration)
            slivers = sum(1 for left in (before, after) if timedelta(0) < left < SLIVER)
            found.append(Slot(s, s + duration, slivers))
    found.sort(key=lambda x: (utc_to_local(x.start, zone).date(), x.slivers, x.start))
    return found[:count]


def free_slots(
    session: Session,
    principal: Principal,
    *,
    now: datetime,
    duration: timedelta,
    count: int = 5,
    days: int = 14,
    start: datetime | None = None,
    end: datetime | None = None,
    with_contacts: Sequence[int] = (),
    has_location: bool = False,
    respect_cap: bool = True,
) -> list[Slot]:
    """Slots from the store: the principal's events and policy, and the events the given contacts
    attend (their known busy time). The window defaults to the next `days` days from now."""
    from pa_tui.services import events, policy

    lo = max(start or now, now)
    hi = end or now + timedelta(days=days)
    # A day either side: meetings counted for the cap, buffers reaching over the window's edge.
    occ = events.occurrences(session, principal, lo - timedelta(days=1), hi + timedelta(days=1))
    for contact_id in with_contacts:
        occ += events.attended_occurrences(session, contact_id, lo, hi)
    return find_slots(
        duration=duration,
        start=lo,
        end=hi,
        zone=principal.tz,
        policy=policy.load_policy(session, principal),
        occurrences=occ,
        has_location=has_location,
        respect_cap=respect_cap,
        count=count,
    )

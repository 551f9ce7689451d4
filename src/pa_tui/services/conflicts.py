"""Conflicts between timed occurrences (single or recurring) and protected blocks, with a travel
buffer: two events must be at least `buffer` apart when either of them has a location.

Pure functions over occurrences (services/recurrence.py) and a Policy (services/schedule.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pa_tui.services.recurrence import Occurrence, expand
from pa_tui.services.schedule import Policy, block_intervals
from pa_tui.services.timeutil import as_utc, utc_to_local


@dataclass(frozen=True)
class Collision:
    kind: str  # "event" | "protected"
    key: str  # e12 (the series id for an occurrence) or "" for a block
    title: str
    start: datetime
    end: datetime
    by_buffer: bool = False  # only the travel buffer makes it a collision

    def describe(self, when: str) -> str:
        if self.kind == "protected":
            return f"protected time {self.title!r} {when}"
        extra = " (travel buffer)" if self.by_buffer else ""
        return f"{self.key} {self.title!r} {when}{extra}"


def _timed(occurrences: Sequence[Occurrence]) -> list[Occurrence]:
    return [o for o in occurrences if not o.event.all_day and not getattr(o.event, "cancelled", 0)]


def _clash(
    a: tuple[datetime, datetime], b: tuple[datetime, datetime], pad: timedelta
) -> tuple[bool, bool]:
    """(collides, only because of the padding)."""
    bare = a[0] < b[1] and b[0] < a[1]
    padded = a[0] < b[1] + pad and b[0] < a[1] + pad
    return padded, padded and not bare


def collisions(
    start: datetime,
    end: datetime,
    *,
    has_location: bool,
    occurrences: Sequence[Occurrence],
    policy: Policy,
    zone: str,
    skip_key: str | None = None,
) -> list[Collision]:
    """What a new [start, end) would collide with: events (buffer-aware) and protected blocks."""
    found: list[Collision] = []
    for o in _timed(occurrences):
        key = f"e{o.event.parent_id or o.event.id}"
        if key == skip_key:
            continue
        pad = policy.buffer if (has_location or o.event.location) else timedelta(0)
        hit, by_buffer = _clash((start, end), (o.start, o.end), pad)
        if hit:
            found.append(Collision("event", key, o.event.title, o.start, o.end, by_buffer))
    for s, e, block in block_intervals(policy, zone, start, end):
        found.append(Collision("protected", "", block.label, s, e))
    return sorted(found, key=lambda c: (c.start, c.kind, c.key))


def conflicting(occurrences: Sequence[Occurrence], buffer: timedelta = timedelta(0)) -> set[int]:
    """Indices (into `occurrences`) of timed occurrences that collide with another one.

    A sweep over starts: only occurrences still running (plus the buffer) are compared, so a
    day of hundreds of events is not a pairwise square."""
    items = sorted(
        (o.start, o.end, i, bool(o.event.location))
        for i, o in enumerate(occurrences)
        if not o.event.all_day and not getattr(o.event, "cancelled", 0)
    )
    found: set[int] = set()
    active: list[tuple[datetime, datetime, int, bool]] = []
    zero = timedelta(0)
    for start, end, index, located in items:
        active = [a for a in active if a[1] + buffer > start]
        for o_start, o_end, o_index, o_located in active:
            if index in found and o_index in found:
                continue  # both marked already: a busy day's pile-up costs nothing more
            pad = buffer if (located or o_located) else zero
            if start < o_end + pad and o_start < end + pad:
                found.add(index)
                found.add(o_index)
        active.append((start, end, index, located))
    return found


class _Draft:
    """A not-yet-stored event (capture fields) with the attributes expansion reads."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(
            {"id": None, "parent_id": None, "recurrence_id": None, "cancelled": False,
             "rdate": None, "exdate": None, "location": None, "title": "", **fields}
        )  # fmt: skip


def new_event_collisions(
    fields: dict[str, Any],
    zone: str,
    policy: Policy,
    occurrences_in: Callable[[datetime, datetime], list[Occurrence]],
    *,
    horizon: timedelta = timedelta(days=90),
    most: int = 50,
) -> list[tuple[datetime, Collision]]:
    """What an event about to be written (capture fields) collides with, per occurrence: a
    series is checked over its first `most` occurrences within `horizon`. All-day events are
    information (a holiday, a trip day) and collide with nothing."""
    if fields.get("all_day"):
        return []
    draft = _Draft(fields)
    start = as_utc(fields["start_utc"])
    if fields.get("rrule"):
        mine = expand(draft, zone, start, start + horizon, {})[:most]  # type: ignore[arg-type]
    else:
        mine = [Occurrence(draft, start, as_utc(fields["end_utc"]))]
    if not mine:
        return []
    pad = policy.buffer + timedelta(days=1)
    others = occurrences_in(mine[0].start - pad, mine[-1].end + pad)
    found = []
    for o in mine:
        for c in collisions(
            o.start,
            o.end,
            has_location=bool(fields.get("location")),
            occurrences=others,
            policy=policy,
            zone=zone,
        ):
            found.append((o.start, c))
    return found


def describe_collisions(found: list[tuple[datetime, Collision]], zone: str, most: int = 4) -> str:
    """One line: "e12 'Board' Wed 25 Nov 10:00-12:00, protected time 'Focus' ... (+3 more)"."""
    parts = []
    for _when, c in found[:most]:
        s, e = utc_to_local(c.start, zone), utc_to_local(c.end, zone)
        parts.append(c.describe(f"{s:%a %d %b %H:%M}-{e:%H:%M}"))
    more = f" (+{len(found) - most} more)" if len(found) > most else ""
    return ", ".join(parts) + more

"""Birthdays and anniversaries in a window of days: which (month, day) pairs to look for and how
old someone turns. Plain records in, so the ORM and the first-frame reader share it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class UpcomingDate:
    when: date
    contact: Any  # a Contact, or a record with its id, name and confidential
    kind: str
    label: str | None
    turns: int | None  # age reached that day, when the year is known
    relation_name: str | None = None  # "son Leo" for "Maria's son Leo"
    date_id: int | None = None  # the important_date row


def next_anniversary(month: int, day: int, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 Feb in a common year: celebrate on the 28th
            candidate = date(year, month, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")


def window_codes(today: date, days: int) -> set[int]:
    """month*100+day of every day in [today, today + days), so a query loads only those dates."""
    window = [today + timedelta(days=n) for n in range(max(0, days))]
    codes = {d.month * 100 + d.day for d in window}
    if any(d.month == 2 and d.day == 28 for d in window):
        codes.add(229)  # 29 Feb birthdays are kept on the 28th in common years
    return codes


def upcoming(
    rows: Iterable[tuple[Any, Any]],
    relation_names: dict[int, str],
    *,
    today: date,
    days: int,
    include_confidential: bool,
) -> list[UpcomingDate]:
    """(important date, contact) pairs that fall in the window, soonest first."""
    horizon = today + timedelta(days=days)
    keyed: list[tuple[tuple[date, str, int, int], UpcomingDate]] = []
    for item, contact in rows:
        if contact.confidential and not include_confidential:
            continue
        when = next_anniversary(item.month, item.day, today)
        if when >= horizon:
            continue
        turns = when.year - item.year if item.year else None
        rel = relation_names.get(item.relation_id) if item.relation_id else None
        key = (when, contact.name, contact.id or 0, item.id or 0)
        keyed.append((key, UpcomingDate(when, contact, item.kind, item.label, turns, rel, item.id)))
    keyed.sort(key=lambda pair: pair[0])
    return [u for _, u in keyed]


def window_order(today: date, days: int) -> dict[int, int]:
    """For each month*100+day code that falls in the window, its day's position (0 = today):
    what SQL orders and filters by to list the soonest dates first without loading them all."""
    horizon = today + timedelta(days=days)
    order = {}
    for code in window_codes(today, days):
        when = next_anniversary(code // 100, code % 100, today)
        if when < horizon:
            order[code] = (when - today).days
    return order

"""Today's data read with the standard library, so the cockpit's first frame is already filled
before SQLModel has loaded (its import alone costs ~0.35 s).

Queries mirror the services' (events.occurrences, views.queue_ids/task_ids, contacts.upcoming_dates)
and the rows go through the same line builders (services/today.py); a test compares both reads on
a demo store. Anything unusual (no store, another schema version, an ambiguous principal) returns
None and the cockpit simply waits for the full path.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from datetime import date, datetime
from typing import Any

from pa_tui.capture_store import principal as find_principal
from pa_tui.schema_version import SCHEMA_VERSION
from pa_tui.services import anniversaries, rows, scoring
from pa_tui.services.recurrence import occurrences_of
from pa_tui.services.schedule import Policy, block_from, policy_from
from pa_tui.services.timeutil import day_bounds_utc, local_today
from pa_tui.services.today import DATE_DAYS, DATES_SHOWN, DUE_SHOWN, TOP_QUEUE, TodayData
from pa_tui.sqlite_reads import (
    PrincipalRecord,
    by_id,
    events_between,
    marks,
    open_ro,
    policy_rows,
    queue_settings,
    records,
    stamp,
)
from pa_tui.sqlite_schema import user_version


def read_today(
    path: str, principal_name: str | None, clock: Callable[[str], datetime]
) -> tuple[PrincipalRecord, TodayData] | None:
    """The principal (named, or the default) and Today's data; `clock(zone)` says what time it is
    (PA_NOW without an offset is read in the principal's zone)."""
    try:
        conn = open_ro(path)
    except sqlite3.Error:
        return None
    try:
        if user_version(conn) != SCHEMA_VERSION:
            return None
        found = find_principal(conn, principal_name)
        if found is None:
            return None
        principal = PrincipalRecord(*found)
        return principal, _read(conn, principal, clock(principal.tz), path)
    except (sqlite3.Error, LookupError, ValueError):
        return None
    finally:
        conn.close()


def _queue(conn: sqlite3.Connection, p: PrincipalRecord, now: datetime) -> tuple[int, list[Any]]:
    """How many items are open, and the top TOP_QUEUE as list rows."""
    open_items = """FROM request WHERE principal_id = ? AND status IN ('new', 'deferred')
                    AND (snooze_until IS NULL OR snooze_until <= ?)"""
    total = conn.execute(f"SELECT count(*) {open_items}", (p.id, stamp(now))).fetchone()[0]
    times = scoring.AnswerTimes.from_settings(queue_settings(conn))
    top = scoring.queue_top_ids(conn.execute, p.id, now, TOP_QUEUE, times=times)
    found = records(conn, "request", f"SELECT * FROM request WHERE id IN ({marks(top)})", top)
    items = {r.id: r for r in found}
    senders = by_id(conn, [r.contact_id for r in found])
    return total, [
        rows.queue_list_row(items[i], senders.get(items[i].contact_id), now, times)
        for i in top
        if i in items
    ]


def _read(
    conn: sqlite3.Connection, p: PrincipalRecord, now: datetime, path: str | None = None
) -> TodayData:
    """With `path`, the queue (the read that grows most with the store: ~7 ms for 54k open
    items, counting them included) runs on a second connection in a thread, beside the rest;
    sqlite3 releases the GIL while a query runs."""
    queue: dict[str, Any] = {}

    def read_queue() -> None:
        try:
            with closing(open_ro(path or "")) as own:
                queue["result"] = _queue(own, p, now)
        except Exception as exc:  # handed to the caller below
            queue["error"] = exc

    worker = threading.Thread(target=read_queue, daemon=True) if path else None
    if worker is not None:
        worker.start()
    day = local_today(now, p.tz)
    start, end = day_bounds_utc(day, p.tz)

    events, overrides = events_between(conn, p.id, start, end)

    due_where = """FROM task WHERE principal_id = ? AND status IN ('todo', 'waiting')
                   AND due_date <= ?"""
    due_total = conn.execute(f"SELECT count(*) {due_where}", (p.id, day.isoformat())).fetchone()[0]
    due = records(
        conn,
        "task",
        # due_date <= today excludes NULLs, so the index gives this order without sorting.
        f"SELECT * {due_where} ORDER BY due_date, priority, id LIMIT ?",
        (p.id, day.isoformat(), DUE_SHOWN),
    )
    delegates = by_id(conn, [t.delegated_to_id for t in due])
    dates_total, dates = _dates(conn, p, day)
    if worker is not None:
        worker.join()
        if "error" in queue:
            raise queue["error"]
        queue_total, queue_rows = queue["result"]
    else:
        queue_total, queue_rows = _queue(conn, p, now)

    return TodayData(
        day=day,
        zone=p.tz,
        occurrences=occurrences_of(events, overrides, p.tz, start, end),
        queue_total=queue_total,
        queue_rows=queue_rows,
        due_total=due_total,
        due_rows=[
            rows.task_list_row(
                t, day, p.tz, delegates[t.delegated_to_id].name if t.delegated_to_id else None
            )
            for t in due
        ],
        dates_total=dates_total,
        dates=dates,
        policy=_policy(conn, p.id),
        segments=_segments(conn, [ev.id for ev in events] + [ov.id for ov in overrides]),
    )


def _dates(conn: sqlite3.Connection, p: PrincipalRecord, day: date) -> tuple[int, list[Any]]:
    """How many dates fall in the window, and the first DATES_SHOWN (ordered as
    anniversaries.upcoming orders them: day, name, contact id, date id)."""
    order = anniversaries.window_order(day, DATE_DAYS)
    if not order:
        return 0, []
    codes = sorted(order)
    # CROSS JOIN keeps SQLite on the date index (dates first) without ANALYZE statistics.
    where = f"""FROM important_date d CROSS JOIN contact c ON c.id = d.contact_id
                WHERE c.principal_id = ? AND d.month * 100 + d.day IN ({marks(codes)})"""
    total = conn.execute(f"SELECT count(*) {where}", (p.id, *codes)).fetchone()[0]
    position = " ".join(f"WHEN {code} THEN {pos}" for code, pos in order.items())
    found = records(
        conn,
        "important_date",
        f"""SELECT d.* {where}
            ORDER BY CASE d.month * 100 + d.day {position} END, c.name, c.id, d.id LIMIT ?""",
        (p.id, *codes, DATES_SHOWN),
    )
    people = by_id(conn, [d.contact_id for d in found])
    rel_ids = sorted({d.relation_id for d in found if d.relation_id})
    names: dict[int, str] = {}
    if rel_ids:
        relations = records(
            conn, "relation", f"SELECT * FROM relation WHERE id IN ({marks(rel_ids)})", rel_ids
        )
        others = by_id(conn, [r.other_contact_id for r in relations if not r.other_name])
        for r in relations:
            if r.other_name:
                names[r.id] = f"{r.kind} {r.other_name}"
            elif r.other_contact_id:
                other = others.get(r.other_contact_id)
                names[r.id] = f"{r.kind} {other.name if other else '?'}"
    dates = anniversaries.upcoming(
        [(d, people[d.contact_id]) for d in found],
        names,
        today=day,
        days=DATE_DAYS,
        include_confidential=True,
    )
    return total, dates


def _policy(conn: sqlite3.Connection, principal_id: int) -> Policy:
    prefs, blocks = policy_rows(conn, principal_id)
    return policy_from(prefs, [block_from(b) for b in blocks])


def _segments(conn: sqlite3.Connection, event_ids: list[int]) -> dict[int, Any]:
    if not event_ids:
        return {}
    sql = f"SELECT * FROM trip_segment WHERE event_id IN ({marks(event_ids)})"
    return {s.event_id: s for s in records(conn, "trip_segment", sql, event_ids)}

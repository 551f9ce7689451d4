"""Standard-library reads of the store for the paths that must not wait for SQLModel: the
cockpit's first frame (today_store.py) and the capture path's collision check (`pa event`).

Rows come back as plain records with the models' attribute names and Python types (by
capture_store.COLUMNS, which a test keeps equal to models/), so the pure services read them
exactly as they read ORM rows.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pa_tui.capture_store import COLUMNS
from pa_tui.sqlite_schema import SPAN_QUERY

_FMT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores datetimes on SQLite
# What expansion and the agenda line read (recurrence.EventLike, display.occurrence_row): a busy
# day has hundreds of events, and minutes, agendas and audit times are not needed to list them.
_EVENT_FIELDS = (
    "id, title, start_local, end_local, tz, all_day, start_date, start_utc, end_utc, location,"
    " rrule, rdate, exdate, parent_id, recurrence_id, cancelled, confidential"
)


class Record:
    """A row as attributes, the shape the line builders read."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


@dataclass(frozen=True)
class PrincipalRecord:
    id: int
    name: str
    tz: str


def stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).replace(tzinfo=None).strftime(_FMT)


def records(conn: sqlite3.Connection, table: str, sql: str, params: Any = ()) -> list[Any]:
    types = COLUMNS[table]
    out = []
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    for row in cur:
        values = {}
        for key, v in zip(names, row, strict=True):
            kind = types.get(key)
            if v is not None:
                if kind is datetime:
                    v = datetime.fromisoformat(v)
                elif kind is date:
                    v = date.fromisoformat(v)
                elif kind is bool:
                    v = bool(v)
                elif kind is dict:
                    v = json.loads(v)
            values[key] = v
        out.append(Record(values))
    return out


def marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def open_ro(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def by_id(conn: sqlite3.Connection, ids: list[int | None]) -> dict[int, Any]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    found = records(conn, "contact", f"SELECT * FROM contact WHERE id IN ({marks(wanted)})", wanted)
    return {c.id: c for c in found}


def events_between(
    conn: sqlite3.Connection, principal_id: int, start: datetime, end: datetime
) -> tuple[list[Any], list[Any]]:
    """Candidate events for [start, end) and the overrides of the series among them, shaped like
    events.occurrences' two queries (and the partial indexes they use)."""
    s, e = stamp(start), stamp(end)
    days = conn.execute(SPAN_QUERY).fetchone()
    floor = stamp(start - timedelta(days=float(days[0] if days else 0), minutes=1))
    found = records(
        conn,
        "event",
        f"""SELECT {_EVENT_FIELDS} FROM event
           WHERE principal_id = ? AND rrule IS NULL AND parent_id IS NULL
           AND end_utc > ? AND start_utc < ? AND start_utc >= ?""",
        (principal_id, s, e, floor),
    ) + records(
        conn,
        "event",
        f"""SELECT {_EVENT_FIELDS} FROM event
           WHERE principal_id = ? AND rrule IS NOT NULL AND parent_id IS NULL
           AND start_utc < ? AND (series_until_utc IS NULL OR series_until_utc > ?)""",
        (principal_id, e, s),
    )
    series = [ev.id for ev in found if ev.rrule]
    overrides = (
        records(
            conn,
            "event",
            f"SELECT {_EVENT_FIELDS} FROM event WHERE parent_id IN ({marks(series)})",
            series,
        )
        if series
        else []
    )
    return found, overrides


def policy_rows(conn: sqlite3.Connection, principal_id: int) -> tuple[Any | None, list[Any]]:
    """The principal's prefs row (None: defaults) and protected blocks, as services.policy reads
    them (policy.policy_from builds the Policy)."""
    prefs = records(
        conn, "principal_prefs", "SELECT * FROM principal_prefs WHERE principal_id = ?",
        (principal_id,),
    )  # fmt: skip
    blocks = records(
        conn, "protected_block", "SELECT * FROM protected_block WHERE principal_id = ? ORDER BY id",
        (principal_id,),
    )  # fmt: skip
    return (prefs[0] if prefs else None), blocks


def queue_settings(conn: sqlite3.Connection) -> dict[str, str]:
    """The stored queue settings (answer times), read by the preview and the capture path."""
    return dict(conn.execute("SELECT key, value FROM queue_setting"))


def screening_rules(conn: sqlite3.Connection) -> list[str]:
    """The stored screening rules' texts, in the order they apply."""
    return [r[0] for r in conn.execute("SELECT source FROM screening_rule ORDER BY position, id")]

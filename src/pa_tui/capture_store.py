"""The fast capture writer: standard-library sqlite3 straight into the store's tables.

This is the only module outside models/ that knows table and column names. COLUMNS below is its
contract with models/; tests/test_capture_store.py proves the two agree (every column, its type),
and that a row written here reads back through the services like one the services wrote. The FTS
index and the audit trail follow through the SQL triggers, as for every other writer.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, date, datetime

from pa_tui import sqlite_schema
from pa_tui.schema_version import SCHEMA_VERSION
from pa_tui.services.phones import same_number

TYPE_CHECKING = False  # typing costs the capture path ~8 ms; mypy still reads the block below
if TYPE_CHECKING:
    from typing import Any

# Every column of the tables this module writes (and sqlite_reads.py reads), with its Python type.
COLUMNS: dict[str, dict[str, type]] = {
    "principal": {"id": int, "name": str, "tz": str, "is_default": bool, "created_at": datetime},
    "task": {
        "id": int, "principal_id": int, "title": str, "notes": str, "due_date": date,
        "due_at": datetime, "sched_date": date, "sched_at": datetime, "until_date": date,
        "priority": int, "status": str, "rrule": str, "recur_from_completion": bool,
        "reminders": str, "project": str, "tags": str, "contact_id": int, "delegated_to_id": int,
        "request_id": int, "event_id": int, "location": str, "confidential": bool,
        "external_uid": str, "extra": dict, "completed_at": datetime, "created_at": datetime,
        "updated_at": datetime,
    },
    "event": {
        "id": int, "principal_id": int, "title": str, "start_local": datetime,
        "end_local": datetime, "tz": str, "all_day": bool, "start_date": date, "end_date": date,
        "start_utc": datetime, "end_utc": datetime, "location": str, "rrule": str, "rdate": str,
        "exdate": str, "series_until_utc": datetime, "parent_id": int, "recurrence_id": datetime,
        "cancelled": bool, "agenda": str, "minutes": str, "reminders": str, "confidential": bool,
        "external_uid": str, "extra": dict, "created_at": datetime, "updated_at": datetime,
    },
    "request": {
        "id": int, "principal_id": int, "kind": str, "contact_id": int, "from_name": str,
        "from_phone": str, "subject": str, "body": str, "received_at": datetime, "urgency": int,
        "deadline": datetime, "duration_min": int, "wanted_date": date, "status": str,
        "snooze_until": datetime, "decision_note": str, "event_id": int,
        "location": str, "confidential": bool, "rules_applied": str, "actor": str, "extra": dict,
        "created_at": datetime, "updated_at": datetime,
    },
    "contact": {
        "id": int, "principal_id": int, "name": str, "given_name": str, "family_name": str,
        "org": str, "role": str, "vip": int, "policy": str, "is_staff": bool, "notes": str,
        "confidential": bool, "external_uid": str, "extra": dict, "created_at": datetime,
        "updated_at": datetime,
    },
    "relation": {
        "id": int, "contact_id": int, "kind": str, "label": str, "other_contact_id": int,
        "other_name": str,
    },
    "important_date": {
        "id": int, "contact_id": int, "relation_id": int, "kind": str, "label": str,
        "month": int, "day": int, "year": int,
    },
    "principal_prefs": {
        "principal_id": int, "work_hours": str, "buffer_min": int, "meeting_cap": int,
        "updated_at": datetime,
    },
    "trip_segment": {
        "event_id": int, "trip_id": int, "kind": str, "confirmation": str, "origin": str,
        "destination": str, "end_tz": str, "end_local": datetime,
    },
    "screening_rule": {
        "id": int, "position": int, "source": str, "origin": str, "updated_at": datetime,
    },
    "queue_setting": {"key": str, "value": str, "updated_at": datetime},
    "queue_document": {
        "request_id": int, "vendor": str, "amount_cents": int, "currency": str, "reference": str,
        "due_date": date, "approved_at": datetime, "paid_at": datetime, "pay_task_id": int,
    },
    "protected_block": {
        "id": int, "principal_id": int, "label": str, "weekdays": str, "start": str, "end": str,
        "created_at": datetime,
    },
}  # fmt: skip

# Values for columns a capture does not set (the models' defaults).
DEFAULTS: dict[str, dict[str, Any]] = {
    "task": {
        "status": "todo",
        "priority": 4,
        "recur_from_completion": False,
        "confidential": False,
    },
    "event": {"all_day": False, "cancelled": False, "confidential": False},
    "request": {"status": "new", "urgency": 4, "confidential": False},
}


class CaptureStoreUnavailable(Exception):
    """This store needs the full services path (missing, fresh, or older schema)."""


def _sql_value(value: Any) -> Any:
    # The storage formats SQLAlchemy uses on SQLite: the round-trip test holds us to them.
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict):
        import json

        return json.dumps(value)
    return value


def connect(path: str) -> sqlite3.Connection:
    """A connection ready to write, or CaptureStoreUnavailable when the services must do it."""
    if not os.path.exists(path):
        raise CaptureStoreUnavailable("no store yet")
    conn = sqlite3.connect(path, timeout=5.0, isolation_level=None)
    try:
        sqlite_schema.apply_pragmas(conn)
        version = sqlite_schema.user_version(conn)
    except sqlite3.DatabaseError:
        conn.close()
        raise CaptureStoreUnavailable("not a usable SQLite store") from None
    if version != SCHEMA_VERSION:
        conn.close()
        # Newer: the services path refuses it with the proper message; older/fresh: it migrates.
        raise CaptureStoreUnavailable(f"schema version {version}")
    return conn


def begin(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


def principal(conn: sqlite3.Connection, name: str | None) -> tuple[int, str, str] | None:
    """(id, name, tz) of the named principal, or the default one; None when there is none yet."""
    rows = conn.execute("SELECT id, name, tz, is_default FROM principal ORDER BY id").fetchall()
    if name is None:
        for row in rows:
            if row[3]:
                return row[0], row[1], row[2]
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None
    wanted = name.casefold()
    exact = [r for r in rows if r[1].casefold() == wanted]
    found = exact or [r for r in rows if r[1].casefold().startswith(wanted)]
    if len(found) == 1:
        return found[0][0], found[0][1], found[0][2]
    if found:
        raise LookupError(f"principal {name!r} is ambiguous: {', '.join(r[1] for r in found)}")
    raise LookupError(f"no principal named {name!r} (see `pa principal list`)")


def add_principal(conn: sqlite3.Connection, name: str, tz: str, now: datetime) -> int:
    cur = conn.execute(
        "INSERT INTO principal(name, tz, is_default, created_at) VALUES (?, ?, 1, ?)",
        (name, tz, _sql_value(now)),
    )
    return int(cur.lastrowid or 0)


def find_contacts(
    conn: sqlite3.Connection, principal_id: int, term: str, *, staff_only: bool = False
) -> list[tuple[int, str]]:
    """Contacts for a capture reference: exact name, else name-word prefixes through FTS."""
    staff = " AND is_staff = 1" if staff_only else ""
    # Binary equality uses the name index; other spellings of case go through the FTS below.
    rows = conn.execute(
        f"SELECT id, name FROM contact WHERE principal_id = ? AND name = ?{staff}",
        (principal_id, term),
    ).fetchall()
    if rows:
        return [(r[0], r[1]) for r in rows]
    query = sqlite_schema.fts_query(term)
    if query is None:
        return []
    code = sqlite_schema.KIND_CODES["contact"]
    rows = conn.execute(
        "SELECT c.id, c.name FROM search_idx s JOIN contact c ON c.id = s.rowid / 8 "
        f"WHERE search_idx MATCH ? AND s.rowid % 8 = ? AND c.principal_id = ?{staff} LIMIT 50",
        (f"name : ({query})", code, principal_id),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def find_by_phone(
    conn: sqlite3.Connection, principal_id: int, digits: str
) -> list[tuple[int, str]]:
    """Contacts whose number ends like `digits` (the caller passes phone_digits of the number)."""
    if len(digits) < 5:
        return []
    rows = conn.execute(
        "SELECT DISTINCT c.id, c.name, p.digits FROM contact_phone p JOIN contact c "
        "ON c.id = p.contact_id WHERE c.principal_id = ? AND substr(p.digits, -7) = ?",
        (principal_id, digits[-7:]),
    ).fetchall()
    return [(r[0], r[1]) for r in rows if same_number(r[2], digits)]


def insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
    """Insert one full row: every column of COLUMNS[table] but id, unset ones NULL or default."""
    columns = [c for c in COLUMNS[table] if c != "id"]
    unknown = set(values) - set(columns)
    if unknown:
        raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
    row = {**DEFAULTS.get(table, {}), **values}
    placeholders = ", ".join("?" for _ in columns)
    cur = conn.execute(
        f"INSERT INTO {table}({', '.join(columns)}) VALUES ({placeholders})",
        [_sql_value(row.get(c)) for c in columns],
    )
    return int(cur.lastrowid or 0)


def sender(conn: sqlite3.Connection, contact_id: int | None) -> Any:
    """What screening rules may ask about a sender (screening.Sender)."""
    from pa_tui.services.screening import Sender

    if contact_id is None:
        return Sender()
    row = conn.execute(
        "SELECT name, vip, policy, org, role, is_staff FROM contact WHERE id = ?", (contact_id,)
    ).fetchone()
    if row is None:
        return Sender()
    return Sender(row[0], True, row[1] or 0, row[2] or "screen", row[3], row[4], bool(row[5]))


def _blocked(conn: sqlite3.Connection, contact_id: int | None) -> bool:
    if contact_id is None:
        return False
    row = conn.execute("SELECT policy FROM contact WHERE id = ?", (contact_id,)).fetchone()
    return bool(row and row[0] == "block")


def screen_arrival(
    conn: sqlite3.Connection,
    principal_name: str,
    fields: dict[str, Any],
    rules: list[Any],
    document: dict[str, Any] | None,
) -> Any:
    """Screen a new request's fields in place (urgency, status, note, rules applied); the plan
    says whether to delegate it once it has an id (None: no rules, sender not blocked)."""
    import json

    if not rules and not _blocked(conn, fields.get("contact_id")):
        return None  # nothing to screen by: the capture path skips the rule engine's import
    from pa_tui.services import screening

    who = sender(conn, fields.get("contact_id"))
    plan = screening.arrival({**fields, **(document or {})}, who, rules, principal_name)
    fields.update(urgency=plan.urgency, status=plan.status, confidential=plan.confidential)
    if plan.applied:
        fields["rules_applied"] = json.dumps(plan.applied)
    if plan.note:
        fields["decision_note"] = plan.note
    return plan


def finish_arrival(
    conn: sqlite3.Connection,
    request_id: int,
    principal_id: int,
    fields: dict[str, Any],
    plan: Any,
    document: dict[str, Any] | None,
    *,
    today: date,
    now: datetime,
) -> str | None:
    """Write a new request's document row and carry out a rule's delegation; returns the staff
    contact's name when it was delegated."""
    if document is not None:
        row = conn.execute(
            "SELECT name FROM contact WHERE id = ?", (fields.get("contact_id"),)
        ).fetchone()
        vendor = row[0] if row else fields.get("from_name")
        insert(conn, "queue_document", {**document, "request_id": request_id, "vendor": vendor})
    if plan is None or not plan.delegate_to:
        return None
    from pa_tui.services import screening

    staff = conn.execute(
        "SELECT id, name FROM contact WHERE principal_id = ? AND is_staff = 1", (principal_id,)
    ).fetchall()
    staff_id = screening.staff_match(plan.delegate_to, [(r[0], r[1]) for r in staff])
    if staff_id is None:
        return None
    name = next(n for i, n in staff if i == staff_id)
    who = sender(conn, fields.get("contact_id"))
    task = screening.delegated_task(
        fields, who.name or fields.get("from_name") or "?", staff_id, today
    )
    insert(
        conn,
        "task",
        {
            **task,
            "request_id": request_id,
            "principal_id": principal_id,
            "created_at": now,
            "updated_at": now,
        },
    )
    conn.execute(
        "UPDATE request SET status = 'delegated', decision_note = ?, updated_at = ? WHERE id = ?",
        (f"to {name} (by rule)", _sql_value(now), request_id),
    )
    return str(name)


def screening_rules(conn: sqlite3.Connection) -> list[Any]:
    """The stored rules, parsed; the rule engine is imported only when there are some."""
    sources = [
        r[0] for r in conn.execute("SELECT source FROM screening_rule ORDER BY position, id")
    ]
    if not sources:
        return []
    from pa_tui.services import screening

    return screening.parse_rules(sources)

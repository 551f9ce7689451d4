"""SQLITE-ONLY SQL lives here and nowhere else: pragmas, file permissions, FTS5 index, audit triggers.

Standard library only, so the fast capture writer and the SQLAlchemy store share one copy. Other
databases get the plain fallbacks in services (LIKE search, audit rows written by the services).
"""

from __future__ import annotations

import os
import sqlite3

# busy_timeout: a second writer waits up to 5 s for the lock instead of failing at once.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)

# rowid in the search index = entity id * 8 + kind code, so triggers update by rowid (no scan).
KIND_CODES = {"contact": 1, "task": 2, "request": 3, "event": 4}
KIND_PREFIX = {"contact": "c", "task": "t", "request": "r", "event": "e"}


def apply_pragmas(conn: sqlite3.Connection) -> None:
    for pragma in PRAGMAS:
        conn.execute(pragma)


def prepare_file(path: str | os.PathLike[str]) -> None:
    """Create the data dir 0700 and the db file 0600 whatever the umask, before SQLite opens it."""
    file = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(file))
    if not os.path.isdir(parent):
        os.makedirs(parent, mode=0o700)
        os.chmod(parent, 0o700)
    if not os.path.exists(file):
        fd = os.open(file, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
    secure_files(file)


def secure_files(path: str | os.PathLike[str]) -> None:
    """SQLite creates -wal/-shm with the db file's mode; chmod them anyway in case it predates us."""
    for suffix in ("", "-wal", "-shm"):
        p = f"{os.fspath(path)}{suffix}"
        if os.path.exists(p) and (os.stat(p).st_mode & 0o777) != 0o600:
            os.chmod(p, 0o600)


def precheck(path: str | os.PathLike[str]) -> None:
    """Standard-library checks of a SQLite store, cheap enough to run before any UI starts:
    refuse a newer schema (read-only, before pragmas or chmod touch it), then create the dir and
    file with their permissions."""
    from pa_tui.errors import StoreError
    from pa_tui.schema_version import SCHEMA_VERSION

    try:
        version = existing_version(path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{os.fspath(path)}: not a pa-tui store ({exc})") from None
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{os.fspath(path)}: store has schema version {version}, newer than this pa-tui "
            f"({SCHEMA_VERSION}); upgrade pa-tui"
        )
    try:
        prepare_file(path)
    except OSError as exc:
        raise StoreError(f"{os.fspath(path)}: cannot open the store: {exc.strerror}") from None


def existing_version(path: str | os.PathLike[str]) -> int:
    """The schema version of an existing store, read-only; 0 for no file or an empty one."""
    file = os.fspath(path)
    if not os.path.isfile(file) or os.path.getsize(file) == 0:
        return 0
    conn = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        return user_version(conn)
    finally:
        conn.close()


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def set_user_version(conn: sqlite3.Connection, version: int) -> None:
    conn.execute(f"PRAGMA user_version={int(version)}")


def _cat(*columns: str) -> str:
    """Space-join nullable columns ({r} = new/old); concat_ws needs SQLite 3.44, Debian 12 has 3.40."""
    return " || ' ' || ".join(f"coalesce({{r}}.{c}, '')" for c in columns)


def _fts_sync(table: str, name_sql: str, body_sql: str) -> list[str]:
    """Triggers keeping one table's rows in the search index, whoever writes them."""
    code = KIND_CODES[table]
    new_name, new_body = name_sql.format(r="new"), body_sql.format(r="new")
    return [
        f"""CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN
  INSERT INTO search_idx(rowid, name, body) VALUES (new.id * 8 + {code}, {new_name}, {new_body});
END""",
        f"""CREATE TRIGGER {table}_fts_au AFTER UPDATE ON {table} BEGIN
  DELETE FROM search_idx WHERE rowid = old.id * 8 + {code};
  INSERT INTO search_idx(rowid, name, body) VALUES (new.id * 8 + {code}, {new_name}, {new_body});
END""",
        f"""CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN
  DELETE FROM search_idx WHERE rowid = old.id * 8 + {code};
END""",
    ]


# Schema version 1 of the SQLite extras. A later change here needs a migration like any table change.
SEARCH_AND_AUDIT_DDL: list[str] = [
    """CREATE VIRTUAL TABLE search_idx USING fts5(
  name, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
)""",
    *_fts_sync(
        "contact",
        _cat("name"),
        _cat("org", "role", "notes"),
    ),
    *_fts_sync(
        "task",
        _cat("title"),
        _cat("notes", "project", "tags", "location"),
    ),
    *_fts_sync(
        "request",
        _cat("subject", "from_name"),
        _cat("body", "decision_note"),
    ),
    *_fts_sync(
        "event",
        _cat("title"),
        _cat("location", "agenda", "minutes"),
    ),
    """CREATE TRIGGER request_audit_ai AFTER INSERT ON request BEGIN
  INSERT INTO audit(entity, entity_id, at, actor, from_status, to_status, note)
  VALUES ('request', new.id, new.updated_at, new.actor, NULL, new.status, new.decision_note);
END""",
    """CREATE TRIGGER request_audit_au AFTER UPDATE OF status ON request
WHEN old.status IS NOT new.status BEGIN
  INSERT INTO audit(entity, entity_id, at, actor, from_status, to_status, note)
  VALUES ('request', new.id, new.updated_at, new.actor, old.status, new.status, new.decision_note);
END""",
]


def install_search_and_audit(conn: sqlite3.Connection) -> None:
    for ddl in SEARCH_AND_AUDIT_DDL:
        conn.execute(ddl)


# Schema version 2: callers are found by the last 7 digits of their number (`pa call NAME
# NUMBER`); an expression index turns that from a scan of every phone (27 ms on 100k) into a seek.
PHONE_TAIL_DDL: list[str] = [
    "CREATE INDEX ix_contact_phone_tail ON contact_phone (substr(digits, -7))",
]


def install_phone_tail(conn: sqlite3.Connection) -> None:
    for ddl in PHONE_TAIL_DDL:
        conn.execute(ddl)


# Schema version 3: what Today reads before the first frame must not grow with the store. The
# open queue and open tasks get partial indexes (counting 73k open items: 18 ms -> 4 ms), dates
# are found by month*100+day (a 150k-row scan, 43 ms -> 5 ms; queries spell the expression with a
# literal 100, or SQLite cannot use the index), and a day's events by their span.
TODAY_DDL: list[str] = [
    "CREATE INDEX ix_important_date_md ON important_date (month * 100 + day)",
    # Covering for the queue's score: every column it reads (kind since schema 8) is in it.
    "CREATE INDEX ix_request_open ON request"
    " (principal_id, urgency, received_at, deadline, contact_id, snooze_until, kind)"
    " WHERE status IN ('new', 'deferred')",
    "CREATE INDEX ix_task_open_due ON task (principal_id, due_date, priority)"
    " WHERE status IN ('todo', 'waiting')",
    # A day's single events: an index-only range over end_utc (24 ms -> 4 ms on 100k events).
    "CREATE INDEX ix_event_single_span ON event (principal_id, end_utc, start_utc)"
    " WHERE rrule IS NULL AND parent_id IS NULL",
    "CREATE INDEX ix_event_series ON event (principal_id, series_until_utc)"
    " WHERE rrule IS NOT NULL AND parent_id IS NULL",
]


def install_today_indexes(conn: sqlite3.Connection) -> None:
    for ddl in TODAY_DDL:
        conn.execute(ddl)


# Schema version 6: the longest single event, kept by triggers, bounds a day's query on both
# sides (start_utc >= day start - longest): days near "now" of a 100k-event store scanned half of
# it through ix_event_single_span (35 ms); now a two-sided range (4 ms). Never shrinks on delete:
# an upper bound is all the query needs.
_SPAN = "max(julianday(NEW.end_utc) - julianday(NEW.start_utc), 0)"
SPAN_DDL: list[str] = [
    "CREATE TABLE event_span (id INTEGER PRIMARY KEY CHECK (id = 1), days REAL NOT NULL)",
    "CREATE INDEX ix_event_single_start ON event (principal_id, start_utc, end_utc)"
    " WHERE rrule IS NULL AND parent_id IS NULL",
    f"""CREATE TRIGGER event_span_ai AFTER INSERT ON event WHEN NEW.rrule IS NULL BEGIN
  UPDATE event_span SET days = max(days, {_SPAN}) WHERE id = 1;
END""",
    f"""CREATE TRIGGER event_span_au AFTER UPDATE OF start_utc, end_utc, rrule ON event
WHEN NEW.rrule IS NULL BEGIN
  UPDATE event_span SET days = max(days, {_SPAN}) WHERE id = 1;
END""",
]
SPAN_QUERY = "SELECT days FROM event_span WHERE id = 1"


def install_event_span(conn: sqlite3.Connection) -> None:
    for ddl in SPAN_DDL:
        conn.execute(ddl)
    conn.execute(
        "INSERT INTO event_span(id, days) SELECT 1, coalesce(max("
        "julianday(end_utc) - julianday(start_utc)), 0) FROM event WHERE rrule IS NULL"
    )


def fts_query(text: str) -> str | None:
    """Turn user words into an FTS5 prefix query; quotes keep FTS syntax in the text literal."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def integrity_check(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def install_queue_index_v8(conn: sqlite3.Connection) -> None:
    """Schema 8: the open-queue index also covers `kind` (a score term since schema 7)."""
    conn.execute("DROP INDEX IF EXISTS ix_request_open")
    conn.execute(next(ddl for ddl in TODAY_DDL if "ix_request_open" in ddl))


def ceiling_index_ddl() -> str:
    """Schema 9: the open queue by each item's score ceiling (scoring.ceiling_sql), so the
    head of the queue reads one or two groups of items instead of scoring every open one
    (scoring.queue_top_ids: 54k open items, 77 ms -> ~7 ms)."""
    from pa_tui.services.scoring import ceiling_sql

    return (
        f"CREATE INDEX ix_request_ceiling ON request (principal_id, ({ceiling_sql()}), snooze_until)"
        " WHERE status IN ('new', 'deferred')"
    )


def install_ceiling_index(conn: sqlite3.Connection) -> None:
    conn.execute(ceiling_index_ddl())


def sqlite_master(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """The schema as SQLite records it, for comparing an upgraded store with a fresh one."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    return [(t, n, " ".join((s or "").split())) for t, n, s in rows]

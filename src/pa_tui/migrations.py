"""Schema creation and migrations: ordered functions keyed by the schema version.

Chosen over Alembic because the capture path reads the version with the standard library (PRAGMA
user_version on SQLite), and the SQLite extras (FTS5 index, triggers) are raw DDL that Alembic's
autogenerate does not see anyway. A fresh store is made from models/ in one go; an older store is
upgraded step by step. Each change to models/ or sqlite_schema.py bumps SCHEMA_VERSION (in
schema_version.py), adds the step to MIGRATIONS and a tests/fixtures/schema_vN.sql; the fixture
test proves both roads meet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection

from pa_tui.schema_version import SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "create_fresh", "upgrade"]

# MIGRATIONS[n] upgrades a store at version n to n + 1 (n >= 1).
Migration = Callable[[Connection], None]


def _v1_to_v2(conn: Connection) -> None:
    """The phone-tail index (SQLite; elsewhere the lookup stays a LIKE)."""
    from pa_tui import sqlite_schema

    if conn.dialect.name == "sqlite":
        sqlite_schema.install_phone_tail(_raw(conn))


def _v2_to_v3(conn: Connection) -> None:
    """Indexes that keep Today's reads flat as the store grows (SQLite)."""
    from pa_tui import sqlite_schema

    if conn.dialect.name == "sqlite":
        sqlite_schema.install_today_indexes(_raw(conn))


def _new_tables(conn: Connection) -> None:
    """A step that only adds tables: create_all adds the missing ones exactly as a fresh store
    has them (v3 -> v4: scheduling policy, protected blocks, reminder log; v4 -> v5: trips;
    v6 -> v7: screening rules, queue settings, documents)."""
    from sqlmodel import SQLModel

    import pa_tui.models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(conn)


def _v5_to_v6(conn: Connection) -> None:
    """The longest single event, kept by triggers, so a day's query is bounded on both sides."""
    from pa_tui import sqlite_schema

    if conn.dialect.name == "sqlite":
        sqlite_schema.install_event_span(_raw(conn))


def _v7_to_v8(conn: Connection) -> None:
    """Keep-in-touch cadences (a table), and the open-queue index covering `kind` (SQLite)."""
    from pa_tui import sqlite_schema

    _new_tables(conn)
    if conn.dialect.name == "sqlite":
        sqlite_schema.install_queue_index_v8(_raw(conn))


def _v8_to_v9(conn: Connection) -> None:
    """Attendees indexed by contact (every database), and the open queue indexed by each
    item's score ceiling, for the queue's head (SQLite)."""
    from pa_tui import sqlite_schema
    from pa_tui.models import EventAttendee

    for index in EventAttendee.__table__.indexes:  # type: ignore[attr-defined]
        index.create(conn, checkfirst=True)
    if conn.dialect.name == "sqlite":
        sqlite_schema.install_ceiling_index(_raw(conn))


MIGRATIONS: dict[int, Migration] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _new_tables,
    4: _new_tables,
    5: _v5_to_v6,
    6: _new_tables,
    7: _v7_to_v8,
    8: _v8_to_v9,
}


def create_fresh(conn: Connection) -> None:
    """Every table of models/ plus, on SQLite, the search index and the audit triggers."""
    from sqlmodel import SQLModel

    import pa_tui.models  # noqa: F401  (registers the tables)
    from pa_tui import sqlite_schema

    SQLModel.metadata.create_all(conn)
    if conn.dialect.name == "sqlite":
        sqlite_schema.install_search_and_audit(_raw(conn))
        sqlite_schema.install_phone_tail(_raw(conn))
        sqlite_schema.install_today_indexes(_raw(conn))
        sqlite_schema.install_event_span(_raw(conn))
        sqlite_schema.install_ceiling_index(_raw(conn))


def upgrade(conn: Connection, from_version: int) -> None:
    for version in range(from_version, SCHEMA_VERSION):
        MIGRATIONS[version](conn)


def _raw(conn: Connection) -> Any:
    return conn.connection.driver_connection

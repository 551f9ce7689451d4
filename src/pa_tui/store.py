"""The store: engine factory, per-connection pragmas, BEGIN IMMEDIATE for writes, schema version.

Nothing here is global: callers open a Store for a path or URL and pass it on (the app takes it in
its constructor), so tests run the real thing on a temp store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, create_engine

from pa_tui import migrations, sqlite_schema
from pa_tui.errors import StoreError
from pa_tui.paths import StoreTarget, resolve_store, sqlite_target


class Store:
    """One database, SQLite by default or any SQLAlchemy URL (PostgreSQL for a team)."""

    def __init__(self, target: StoreTarget, *, create: bool = True) -> None:
        self.target = target
        path = target.sqlite_path
        if path is not None:
            if not create and not path.exists():
                raise StoreError(f"{path}: no store here (run `pa` once to create it)")
            sqlite_schema.precheck(path)
            self.engine = _sqlite_engine(target.url)
        else:
            self.engine = create_engine(target.url, pool_pre_ping=True)
        self._write_engine = self.engine.execution_options(pa_immediate=True)
        self.version = self._ensure_schema()
        if target.sqlite_file is not None:
            sqlite_schema.secure_files(target.sqlite_file)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; its transaction is deferred and takes no write lock."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE on SQLite): commits on success, else rolls back."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _ensure_schema(self) -> int:
        # A current store needs no write lock: read the version first, so a command that only
        # reads never waits on another's long write (a big `pa import`).
        try:
            with self.engine.connect() as conn:
                current = _read_version(conn)
        except (OperationalError, DatabaseError):
            current = -1
        if current == migrations.SCHEMA_VERSION:
            return current
        try:
            with self._write_engine.connect() as conn:
                version = _read_version(conn)
                if version > migrations.SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.target.describe()}: store has schema version {version}, newer than "
                        f"this pa-tui ({migrations.SCHEMA_VERSION}); upgrade pa-tui"
                    )
                if version == 0:
                    migrations.create_fresh(conn)
                elif version < migrations.SCHEMA_VERSION:
                    migrations.upgrade(conn, version)
                if version != migrations.SCHEMA_VERSION:
                    _write_version(conn, migrations.SCHEMA_VERSION)
                conn.commit()
                return migrations.SCHEMA_VERSION
        except (OperationalError, DatabaseError) as exc:
            raise StoreError(
                f"{self.target.describe()}: cannot use the store: {exc.orig}"
            ) from None

    def close(self) -> None:
        self.engine.dispose()


def _read_version(conn: Connection) -> int:
    if conn.dialect.name == "sqlite":
        return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
    has_meta = conn.dialect.has_table(conn, "pa_meta")
    if not has_meta:
        return 0
    value = conn.execute(text("SELECT value FROM pa_meta WHERE key = 'schema_version'")).scalar()
    return int(value or 0)


def _write_version(conn: Connection, version: int) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA user_version={int(version)}")
        return
    conn.execute(text("DELETE FROM pa_meta WHERE key = 'schema_version'"))
    conn.execute(
        text("INSERT INTO pa_meta(key, value) VALUES ('schema_version', :v)"), {"v": str(version)}
    )


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5.0})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN is ours to emit.
        dbapi_conn.isolation_level = None
        sqlite_schema.apply_pragmas(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # In WAL a deferred transaction that reads then writes fails at once with SQLITE_BUSY when
        # another writer got in between; busy_timeout only helps a transaction that asks up front.
        immediate = conn.get_execution_options().get("pa_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def open_store(db: str | None = None, *, create: bool = True) -> Store:
    """The store for `--db` / PA_DATABASE_URL / PA_DB / the XDG default."""
    return Store(resolve_store(db), create=create)


def open_sqlite(path: Any) -> Store:
    return Store(sqlite_target(path))

"""The store: where it lives, connection pragmas, locking, permissions, migrations, FTS and audit triggers."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from conftest import NOW, run_pa
from pa_tui import migrations, sqlite_schema
from pa_tui.errors import PaError, StoreError
from pa_tui.models import AuditEntry, Contact, Principal, Request, Task
from pa_tui.paths import resolve_store
from pa_tui.services import contacts, events, principals, queue, search, tasks
from pa_tui.store import Store, open_sqlite

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA_FIXTURES = sorted(FIXTURES.glob("schema_v*.sql"))


def _one_line_error(err: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pa: error:"), err


# -------------------------------------------------------------------------------------------- location


def test_resolve_store_precedence(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = isolated_env
    cli, url_db, env_db = tmp / "cli.db", tmp / "url.db", tmp / "env.db"
    monkeypatch.setenv("PA_DATABASE_URL", f"sqlite:///{url_db}")
    monkeypatch.setenv("PA_DB", str(env_db))

    assert resolve_store(str(cli)).sqlite_path == cli
    assert resolve_store(f"sqlite:///{cli}").sqlite_path == cli
    assert resolve_store(None).sqlite_path == url_db

    monkeypatch.delenv("PA_DATABASE_URL")
    assert resolve_store(None).sqlite_path == env_db

    monkeypatch.delenv("PA_DB")
    default = resolve_store(None)
    assert default.sqlite_path == Path(os.environ["XDG_DATA_HOME"]) / "pa-tui" / "pa.db"
    assert default.url == f"sqlite:///{default.sqlite_path}"

    # A relative XDG_DATA_HOME is invalid and ignored.
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")
    assert resolve_store(None).sqlite_path == Path(os.environ["HOME"]) / ".local/share/pa-tui/pa.db"


def test_resolve_store_server_url_is_not_sqlite_and_password_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PA_DATABASE_URL", "postgresql+psycopg://pa:s3cret@db.example/pa")
    target = resolve_store(None)
    assert target.sqlite_path is None and not target.is_sqlite
    assert target.url == "postgresql+psycopg://pa:s3cret@db.example/pa"
    assert "s3cret" not in target.describe()
    assert target.describe() == "postgresql+psycopg://pa:***@db.example/pa"
    # --db still beats the URL.
    assert resolve_store("/tmp/x.db").sqlite_path == Path("/tmp/x.db")


def test_cli_db_flag_beats_environment(isolated_env: Path) -> None:
    flag = isolated_env / "flag" / "pa.db"
    url_db = isolated_env / "url" / "pa.db"
    env_db = Path(os.environ["PA_DB"])
    r = run_pa("--db", str(flag), "doctor", env={"PA_DATABASE_URL": f"sqlite:///{url_db}"})
    assert r.code == 0, r.err
    assert r.out.splitlines()[0].split()[1] == str(flag)
    assert flag.exists() and not url_db.exists() and not env_db.exists()
    # Without --db the URL beats PA_DB.
    r = run_pa("doctor", env={"PA_DATABASE_URL": f"sqlite:///{url_db}"})
    assert r.code == 0, r.err
    assert str(url_db) in r.out.splitlines()[0]
    assert url_db.exists() and not env_db.exists()


# ------------------------------------------------------------------------------------- pragmas, locks


def test_every_connection_has_the_pragmas(store: Store) -> None:
    conns = [store.engine.connect() for _ in range(3)]  # several pooled connections, not just one
    try:
        for conn in conns:
            read = {
                p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                for p in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
            assert str(read["journal_mode"]).lower() == "wal"
            assert int(read["busy_timeout"]) >= 5000
            assert int(read["foreign_keys"]) == 1
            assert int(read["synchronous"]) == 1
    finally:
        for conn in conns:
            conn.close()
    with store.read() as s:
        raw = s.connection().connection.driver_connection
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_write_takes_the_lock_up_front_read_does_not(store: Store, db_path: Path) -> None:
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        with store.write() as s:
            s.exec(select(Task)).all()  # a read only: the session has begun, nothing written yet
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        # Committed: the lock is free again.
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        with store.read() as s:
            s.exec(select(Task)).all()
            other.execute("BEGIN IMMEDIATE")  # a reader holds no write lock
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_rolls_back_on_error(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        pid = p.id
    with pytest.raises(RuntimeError), store.write() as s:
        tasks.create_task(s, principal=s.get(Principal, pid), title="Doomed", now=NOW)
        raise RuntimeError("boom")
    with store.read() as s:
        assert s.exec(select(Task)).all() == []


# --------------------------------------------------------------------------------------- permissions


def test_new_store_files_are_private(isolated_env: Path) -> None:
    path = isolated_env / "deep" / "er" / "pa.db"
    old = os.umask(0o022)
    try:
        s = open_sqlite(path)
        try:
            with s.write() as session:
                principals.ensure_default(session, now=NOW)
            assert (path.parent.stat().st_mode & 0o777) == 0o700
            for suffix in ("", "-wal", "-shm"):
                f = Path(f"{path}{suffix}")
                assert f.exists(), suffix
                assert (f.stat().st_mode & 0o777) == 0o600, suffix
        finally:
            s.close()
    finally:
        os.umask(old)


def test_existing_store_files_are_tightened(isolated_env: Path) -> None:
    path = isolated_env / "loose" / "pa.db"
    open_sqlite(path).close()
    os.chmod(path, 0o644)
    s = open_sqlite(path)
    s.close()
    assert (path.stat().st_mode & 0o777) == 0o600


# ---------------------------------------------------------------------------------------- migrations


def _user_tables(conn: sqlite3.Connection) -> list[str]:
    """Plain tables, without the FTS index and its shadow tables."""
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_idx%' ORDER BY name"
        )
    ]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _contents(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return sorted(conn.execute(f'SELECT {cols} FROM "{table}"').fetchall(), key=repr)


@pytest.mark.parametrize("fixture", SCHEMA_FIXTURES, ids=[f.name for f in SCHEMA_FIXTURES])
def test_migration_from_fixture_keeps_rows_and_meets_fresh_schema(
    fixture: Path, isolated_env: Path
) -> None:
    old = isolated_env / "old" / "pa.db"
    old.parent.mkdir()
    conn = sqlite3.connect(old)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    fixture_version = sqlite_schema.user_version(conn)
    tables = _user_tables(conn)
    before = {t: (_columns(conn, t), _contents(conn, t, _columns(conn, t))) for t in tables}
    conn.close()
    assert 1 <= fixture_version <= migrations.SCHEMA_VERSION
    assert sum(len(rows) for _cols, rows in before.values()) > 0, "fixture holds no rows"

    upgraded = open_sqlite(old)
    assert upgraded.version == migrations.SCHEMA_VERSION
    upgraded.close()
    fresh = open_sqlite(isolated_env / "fresh" / "pa.db")
    fresh.close()

    conn = sqlite3.connect(old)
    try:
        assert sqlite_schema.user_version(conn) == migrations.SCHEMA_VERSION
        assert sqlite_schema.integrity_check(conn) == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, (columns, rows) in before.items():
            assert set(columns) <= set(_columns(conn, table)), table
            after = _contents(conn, table, columns)
            assert len(after) == len(rows), table
            assert after == rows, table
        fresh_conn = sqlite3.connect(isolated_env / "fresh" / "pa.db")
        try:
            assert sqlite_schema.sqlite_master(conn) == sqlite_schema.sqlite_master(fresh_conn)
        finally:
            fresh_conn.close()
    finally:
        conn.close()

    # The upgraded store still works, search index included.
    s = open_sqlite(old)
    try:
        with s.read() as session:
            contact_names = {c.name: c for c in session.exec(select(Contact)).all()}
            for name, contact in contact_names.items():
                word = name.split()[0]
                hits = search.search(session, contact.principal_id, word, include_confidential=True)
                assert any(h.kind == "contact" and h.id == contact.id for h in hits), name
    finally:
        s.close()


# ------------------------------------------------------------------------------------- newer schema


def _make_newer_store(path: Path) -> None:
    s = open_sqlite(path)
    with s.write() as session:
        principals.ensure_default(session, now=NOW)
    s.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={migrations.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def test_newer_store_is_refused_and_left_alone(db_path: Path) -> None:
    _make_newer_store(db_path)
    data, mtime = db_path.read_bytes(), db_path.stat().st_mtime_ns

    with pytest.raises(StoreError, match="newer"):
        open_sqlite(db_path)

    r = run_pa("list", "tasks")
    assert r.code == 2
    _one_line_error(r.err)
    assert "newer" in r.err
    assert r.out == ""

    assert db_path.read_bytes() == data
    assert db_path.stat().st_mtime_ns == mtime
    conn = sqlite3.connect(db_path)
    assert sqlite_schema.user_version(conn) == migrations.SCHEMA_VERSION + 1
    conn.close()


def test_refused_newer_store_keeps_its_bytes_even_without_wal(isolated_env: Path) -> None:
    path = isolated_env / "newer.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x(a)")
    conn.execute(f"PRAGMA user_version={migrations.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    data = path.read_bytes()
    with pytest.raises(StoreError, match="newer"):
        open_sqlite(path)
    assert path.read_bytes() == data


# ------------------------------------------------------------------------------------ unusable paths


def test_db_path_under_a_regular_file_is_a_clean_error(isolated_env: Path) -> None:
    blocker = isolated_env / "afile"
    blocker.write_text("not a directory")
    for target in (blocker / "pa.db", blocker / "sub" / "pa.db"):
        with pytest.raises(StoreError):
            open_sqlite(target)
    r = run_pa("list", "tasks", env={"PA_DB": str(blocker / "pa.db")})
    assert r.code == 2
    _one_line_error(r.err)
    assert str(blocker) in r.err
    garbage = isolated_env / "garbage.db"
    garbage.write_bytes(b"this is not an sqlite file at all" * 10)
    r = run_pa("--db", str(garbage), "list", "tasks")
    assert r.code == 2
    _one_line_error(r.err)
    assert blocker.read_text() == "not a directory"


# ----------------------------------------------------------------------------------------------- FTS


def _search(store: Store, pid: int, term: str, **kw: Any) -> list[tuple[str, int, bool]]:
    with store.read() as s:
        return [(h.kind, h.id, h.in_name) for h in search.search(s, pid, term, **kw)]


def _index_rows(store: Store) -> int:
    with store.read() as s:
        return int(s.connection().exec_driver_sql("SELECT count(*) FROM search_idx").scalar_one())


def test_search_index_follows_every_write(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        jose = contacts.create_contact(
            s, principal=p, name="José Álvarez", now=NOW, notes="prefers mornings; opera lover"
        )
        task = tasks.create_task(
            s, principal=p, title="Book lawyer", now=NOW, notes="contract review"
        )
        ev = events.create_event(
            s,
            principal=p,
            title="Strategy offsite",
            now=NOW,
            start_local=datetime(2026, 12, 1, 9),
            location="Sigtuna",
        )
        req = queue.create_request(
            s,
            principal=p,
            subject="Merger talk",
            now=NOW,
            from_name="Jane Roe",
            body="wants fifteen minutes",
        )
        secret = tasks.create_task(
            s, principal=p, title="Secret opera surprise", now=NOW, confidential=True
        )
        ids = {
            "p": p.id,
            "jose": jose.id,
            "task": task.id,
            "ev": ev.id,
            "req": req.id,
            "secret": secret.id,
        }
    pid = ids["p"]

    assert _search(store, pid, "jose") == [("contact", ids["jose"], True)]
    assert _search(store, pid, "JOSÉ") == [("contact", ids["jose"], True)]
    assert _search(store, pid, "alv") == [("contact", ids["jose"], True)]
    assert _search(store, pid, "alvarez jo") == [("contact", ids["jose"], True)]
    assert _search(store, pid, "lawyer") == [("task", ids["task"], True)]
    assert _search(store, pid, "contract") == [("task", ids["task"], False)]
    assert _search(store, pid, "offsite") == [("event", ids["ev"], True)]
    assert _search(store, pid, "sigtuna") == [("event", ids["ev"], False)]
    assert _search(store, pid, "merger") == [("request", ids["req"], True)]
    assert _search(store, pid, "roe") == [("request", ids["req"], True)]
    assert _search(store, pid, "fifteen") == [("request", ids["req"], False)]
    assert _search(store, pid, "nothingmatches") == []
    assert _search(store, pid, "   ") == []
    assert _search(store, pid, 'opera" OR "x') == []  # FTS syntax is literal text

    # Confidential rows hide unless asked for.
    assert _search(store, pid, "opera") == [("contact", ids["jose"], False)]
    assert _search(store, pid, "opera", include_confidential=True) == [
        ("task", ids["secret"], True),
        ("contact", ids["jose"], False),
    ]

    # Updating a title re-indexes it; deleting removes it.
    rows_before = _index_rows(store)
    with store.write() as s:
        t = s.get(Task, ids["task"])
        assert t is not None
        t.title = "Book notary"
        s.add(t)
    assert _search(store, pid, "lawyer") == []
    assert _search(store, pid, "notary") == [("task", ids["task"], True)]
    assert _index_rows(store) == rows_before
    with store.write() as s:
        s.delete(s.get(Task, ids["task"]))
        s.delete(s.get(Contact, ids["jose"]))
    assert _search(store, pid, "notary") == []
    assert _search(store, pid, "jose") == []
    assert _index_rows(store) == rows_before - 2


def test_name_match_ranks_before_note_match(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        noted = tasks.create_task(
            s, principal=p, title="Call lawyer", now=NOW, notes="ask Berg about it"
        )
        named = contacts.create_contact(s, principal=p, name="Karin Berg", now=NOW)
        # The other way round too: a task titled Berg beats a contact whose notes mention Berg,
        # so the order is by where the word matched, not by kind.
        titled = tasks.create_task(s, principal=p, title="Bergman retrospective", now=NOW)
        contact_note = contacts.create_contact(
            s, principal=p, name="Olle Ek", now=NOW, notes="Bergman fan"
        )
        pid = p.id
    hits = _search(store, pid, "berg")
    assert hits[:2] == [("contact", named.id, True), ("task", titled.id, True)]
    assert set(hits[2:]) == {("task", noted.id, False), ("contact", contact_note.id, False)}
    assert _search(store, pid, "bergman") == [
        ("task", titled.id, True),
        ("contact", contact_note.id, False),
    ]


def test_search_is_per_principal(store: Store) -> None:
    with store.write() as s:
        me = principals.ensure_default(s, now=NOW)
        carl = principals.add_principal(s, name="Carl Berg", tz="America/New_York", now=NOW)
        mine = contacts.create_contact(s, principal=me, name="Anna Holm", now=NOW)
        contacts.create_contact(s, principal=carl, name="Anna Holmberg", now=NOW)
        ids = (me.id, mine.id)
    assert _search(store, ids[0], "holm") == [("contact", ids[1], True)]


def test_search_finds_own_rows_when_another_principal_has_many(store: Store) -> None:
    with store.write() as s:
        me = principals.ensure_default(s, now=NOW)
        carl = principals.add_principal(s, name="Carl Berg", tz="America/New_York", now=NOW)
        for i in range(30):
            contacts.create_contact(s, principal=me, name=f"Anna Lind{i}", now=NOW)
        his = contacts.create_contact(s, principal=carl, name="Anna Berg", now=NOW)
        ids = (carl.id, his.id)
    assert _search(store, ids[0], "anna") == [("contact", ids[1], True)]


# --------------------------------------------------------------------------------------------- audit


def _audit(store: Store, rid: int) -> list[tuple[Any, ...]]:
    with store.read() as s:
        rows = s.exec(
            select(AuditEntry).where(col(AuditEntry.entity_id) == rid).order_by(col(AuditEntry.id))
        ).all()
        return [(a.entity, a.from_status, a.to_status, a.note, a.actor, a.at) for a in rows]


def test_audit_rows_from_triggers(store: Store) -> None:
    later = NOW + timedelta(hours=2)
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        item = queue.create_request(
            s, principal=p, subject="Budget meeting", now=NOW, kind="meeting_request"
        )
        rid = item.id
    assert rid is not None
    first = _audit(store, rid)
    assert len(first) == 1
    entity, frm, to, note, actor, at = first[0]
    assert (entity, frm, to, note, actor) == ("request", None, "new", None, None)
    assert at.replace(tzinfo=None) == NOW.replace(tzinfo=None)

    with store.write() as s:
        item = s.get(Request, rid)
        queue.set_status(s, item, "deferred", now=later, note="after the board", actor="anna")
    rows = _audit(store, rid)
    assert len(rows) == 2
    assert rows[1][:5] == ("request", "new", "deferred", "after the board", "anna")
    assert rows[1][5].replace(tzinfo=None) == later.replace(tzinfo=None)

    with store.write() as s:
        item = s.get(Request, rid)
        queue.set_status(
            s,
            item,
            "deferred",
            now=later + timedelta(hours=1),
            note="still after the board",
            actor="bo",
        )
    assert len(_audit(store, rid)) == 2

    with store.write() as s:
        item = s.get(Request, rid)
        queue.set_status(s, item, "done", now=later, actor="anna")
        assert [h.to_status for h in queue.history(s, rid)] == ["new", "deferred", "done"]
    with pytest.raises(PaError, match="status"), store.write() as s:
        queue.set_status(s, s.get(Request, rid), "exploded", now=later)
    assert len(_audit(store, rid)) == 3


def test_audit_rows_for_writes_outside_the_services(store: Store, db_path: Path) -> None:
    """The triggers cover any writer, e.g. a raw sqlite3 connection (the capture path)."""
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        rid = queue.create_request(s, principal=p, subject="Visitor", now=NOW, kind="visitor").id
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE request SET status = 'accepted', actor = 'raw' WHERE id = ?", (rid,))
    conn.commit()
    conn.close()
    rows = _audit(store, rid)
    assert [(r[1], r[2], r[4]) for r in rows] == [(None, "new", None), ("new", "accepted", "raw")]


def test_foreign_keys_cascade(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        c = contacts.create_contact(
            s,
            principal=p,
            name="Gone Soon",
            now=NOW,
            emails=["g@example.com"],
            phones=["+46 70 123 45 67"],
            birthday="1970-01-02",
        )
        cid = c.id
    with store.write() as s:
        s.delete(s.get(Contact, cid))
    with store.read() as s:
        conn = s.connection()
        for table in ("contact_email", "contact_phone", "important_date"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0, table

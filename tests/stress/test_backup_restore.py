"""Backups and restores under stress: `pa backup` while another process keeps writing gives a
consistent snapshot; backups are private whatever the umask; `pa restore` refuses what is not a
good store and leaves the current one alone, and a good restore keeps the old store aside; the
cockpit's daily backup is made once a day and the last 7 are kept."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from conftest import NOW, NOW_TEXT, ZONE, settle
from pa_tui import backup as backup_module
from pa_tui.cli import main as pa_main
from pa_tui.services import principals
from pa_tui.store import Store
from stress.helpers import digest, integrity, mode, one_line, rows, run_pa_as, scalar

BACKUPS = 5
PAIRS_BEFORE = 20  # pairs the writer has committed before the first backup
SMALL_ROWS = 500  # a store that fits in one backup step (backup.backup copies 1,024 pages a step)
MAX_PAIRS = 3000  # ... and stays there while the writer writes
STEP_LIMIT = 100  # backup steps before a backup that keeps restarting is given up
WRITER_LIMIT = 90.0  # s: the writer stops by itself if the test dies

# Another process writing: two tasks per transaction, so a consistent snapshot holds whole
# pairs only. argv: store, stop file, time limit, pause between commits, most pairs.
WRITER = """
import os, sqlite3, sys, time
db, stop, limit, pause, most = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:6])
conn = sqlite3.connect(db, timeout=30, isolation_level=None)
conn.execute("PRAGMA busy_timeout=30000")
pid = conn.execute("SELECT id FROM principal ORDER BY id LIMIT 1").fetchone()[0]
sql = ("INSERT INTO task(principal_id, title, notes, status, priority, recur_from_completion, "
       "confidential, created_at, updated_at) VALUES (?, ?, ?, 'todo', 4, 0, 0, "
       "'2026-11-25 07:00:00.000000', '2026-11-25 07:00:00.000000')")
n, started = 0, time.monotonic()
while not os.path.exists(stop) and time.monotonic() - started < limit and n < most:
    conn.execute("BEGIN IMMEDIATE")
    for half in "ab":
        conn.execute(sql, (pid, f"pair-{n:06d}-{half}", "x" * 100))
    conn.execute("COMMIT")
    n += 1
    if pause:
        time.sleep(pause)
print(n)
"""


def _principal(store: Store) -> None:
    with store.write() as session:
        principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW, default=True)


def _ballast(db: str, count: int, note: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO task(principal_id, title, notes, status, priority, recur_from_completion,"
            " confidential, created_at, updated_at) VALUES (1, ?, ?, 'todo', 4, 0, 0,"
            " '2026-11-25 07:00:00.000000', '2026-11-25 07:00:00.000000')",
            [(f"ballast {i}", note) for i in range(count)],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _pairs(db: Path | str) -> tuple[int, int]:
    """(rows of the writer's, whole pairs among them)."""
    titles = [r[0] for r in rows(db, "SELECT title FROM task WHERE title LIKE 'pair-%'")]
    a = {t[:-2] for t in titles if t.endswith("-a")}
    b = {t[:-2] for t in titles if t.endswith("-b")}
    return len(titles), len(a & b)


@contextmanager
def _writing(db: str, tmp_path: Path, *, pause: float, most: int) -> Iterator[None]:
    """Another process writing pairs until the block ends; it has written some on entry."""
    stop = tmp_path / "stop-writing"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, db, str(stop), str(WRITER_LIMIT), str(pause), str(most)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while _pairs(db)[0] < 2 * PAIRS_BEFORE and time.monotonic() < deadline:
            time.sleep(0.02)
        yield
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert int(out) >= PAIRS_BEFORE


def _assert_snapshot(dest: Path, ballast: int) -> int:
    """A backup that is one consistent moment of the store; returns the writer's rows in it."""
    assert integrity(dest) == "ok"
    assert rows(dest, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert not Path(f"{dest}.partial").exists() and not Path(f"{dest}-wal").exists()
    written, whole = _pairs(dest)
    assert written == 2 * whole, f"{dest.name}: {written} rows, {whole} whole pairs"
    tasks = scalar(dest, "SELECT count(*) FROM task")
    assert tasks == ballast + written
    # The search index, kept by triggers in the same transactions, agrees with the rows.
    assert scalar(dest, "SELECT count(*) FROM search_idx WHERE rowid % 8 = 2") == tasks
    conn = sqlite3.connect(dest)
    try:
        conn.execute("INSERT INTO search_idx(search_idx) VALUES ('integrity-check')")
    finally:
        conn.close()
    return written


def test_a_backup_while_another_process_writes_is_a_consistent_snapshot(
    store: Store, tmp_path: Path
) -> None:
    """The writer commits without pause; the store fits in one backup step (a larger one with
    commits between its steps: fixed, the test below keeps it so)."""
    _principal(store)
    db = store.target.sqlite_file
    assert db is not None
    _ballast(db, SMALL_ROWS, "ballast text")
    made: list[tuple[Path, int, int]] = []  # (backup, writer rows before, after)
    with _writing(db, tmp_path, pause=0.0, most=MAX_PAIRS):
        for n in range(BACKUPS):
            dest = tmp_path / "backups" / f"b{n}.db"
            before = _pairs(db)[0]
            result = run_pa_as("backup", str(dest), timeout=60)
            after = _pairs(db)[0]
            assert result.code == 0, result.err
            assert result.out.startswith(f"backed up {db} to {dest}") and one_line(result.out)
            made.append((dest, before, after))
    assert scalar(db, "PRAGMA page_count") <= 1024

    assert any(after > before for _d, before, after in made), "the writer never wrote meanwhile"
    previous = 0
    for dest, before, after in made:
        written = _assert_snapshot(dest, SMALL_ROWS)
        assert before <= written <= after  # the store as it was at one moment in between
        assert written >= previous
        previous = written


class _GaveUp(Exception):
    pass


class _SqliteWithACommitBetweenSteps:
    """sqlite3 as backup.py sees it, except that the backup's read-only source connection has
    another connection commit a row between any two steps of its online backup: what a busy
    writer (a capture loop, a sync script) does when the copy takes longer than its pauses."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.steps = 0

    def __getattr__(self, name: str) -> object:
        return getattr(sqlite3, name)

    def connect(self, database: str, *args: object, **kwargs: object) -> object:
        conn = sqlite3.connect(database, *args, **kwargs)  # type: ignore[arg-type]
        return _Source(conn, self) if "mode=ro" in str(database) else conn

    def commit_between_steps(self, status: int, remaining: int, total: int) -> None:
        self.steps += 1
        if self.steps > STEP_LIMIT:
            raise _GaveUp(f"{self.steps} steps of 1,024 pages for a {total}-page store")
        if remaining:
            other = sqlite3.connect(self.db, isolation_level=None, timeout=30)
            try:
                other.execute(
                    "INSERT INTO task(principal_id, title, status, priority,"
                    " recur_from_completion, confidential, created_at, updated_at) VALUES (1,"
                    " 'between two steps', 'todo', 4, 0, 0, '2026-11-25 07:00:00.000000',"
                    " '2026-11-25 07:00:00.000000')"
                )
            finally:
                other.close()


class _Source:
    def __init__(self, conn: sqlite3.Connection, fake: _SqliteWithACommitBetweenSteps) -> None:
        self._conn, self._fake = conn, fake

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)

    def backup(self, target: sqlite3.Connection, **kwargs: object) -> None:
        self._conn.backup(target, progress=self._fake.commit_between_steps, **kwargs)  # type: ignore[arg-type]


def test_a_backup_finishes_when_another_connection_commits_between_its_steps(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _principal(store)
    db = store.target.sqlite_file
    assert db is not None
    _ballast(db, SMALL_ROWS * 8, "ballast text " * 60)
    pages = int(scalar(db, "PRAGMA page_count"))
    assert pages > 2 * 1024  # three steps or more
    fake = _SqliteWithACommitBetweenSteps(db)
    monkeypatch.setattr(backup_module, "sqlite3", fake)
    dest = tmp_path / "busy.db"
    try:
        backup_module.backup(Path(db), dest)
    except _GaveUp as exc:
        raise AssertionError(f"the backup never finished: {exc}, restarted each time") from None
    assert fake.steps <= STEP_LIMIT
    assert integrity(dest) == "ok"
    assert scalar(dest, "SELECT count(*) FROM task") >= SMALL_ROWS * 8


def test_backups_and_the_backup_dir_are_private_under_umask_000(db_path: Path, tmp_path) -> None:
    assert run_pa_as("add", "something to back up").code == 0
    into_new_dir = tmp_path / "new-dir" / "copy.db"
    result = run_pa_as("backup", str(into_new_dir), umask=0o000)
    assert result.code == 0, result.err
    assert mode(into_new_dir.parent) == 0o700
    assert mode(into_new_dir) == 0o600

    folder = tmp_path / "new-folder"
    result = run_pa_as("backup", f"{folder}{os.sep}", umask=0o000)
    assert result.code == 0, result.err
    assert mode(folder) == 0o700
    (made,) = folder.iterdir()
    assert made.name.startswith("pa-") and made.suffix == ".db"
    assert mode(made) == 0o600

    # Over an existing world-readable file: the backup replaces it, private.
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    old = shared / "copy.db"
    old.write_text("an older file")
    os.chmod(old, 0o644)
    result = run_pa_as("backup", str(old), umask=0o000)
    assert result.code == 0, result.err
    assert mode(old) == 0o600 and integrity(old) == "ok"
    assert mode(shared) == 0o755  # a folder we did not make is left as it is
    assert sorted(p.name for p in shared.iterdir()) == ["copy.db"]  # no .partial left


# ---- restore


@pytest.fixture
def current(db_path: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The current store (closed, so its file alone is the store) and a good backup of it."""
    assert run_pa_as("add", "in the backup").code == 0
    good = tmp_path / "good.db"
    assert run_pa_as("backup", str(good)).code == 0
    assert run_pa_as("add", "made after the backup").code == 0
    assert not Path(f"{db_path}-wal").exists()
    return db_path, good


def _corrupt_a_middle_page(good: Path, bad: Path) -> None:
    """Overwrite whole pages from the middle on, one at a time, until integrity_check fails."""
    data = bytearray(good.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    pages = len(data) // page
    rng = random.Random(7)
    for n in range(pages // 2, pages):
        copy = bytearray(data)
        copy[n * page : (n + 1) * page] = rng.randbytes(page)
        bad.write_bytes(copy)
        try:
            if integrity(bad) != "ok":
                return
        except sqlite3.DatabaseError:
            return
    raise AssertionError("no page whose damage integrity_check sees")


def _make_bad(kind: str, good: Path, tmp_path: Path) -> Path:
    bad = tmp_path / f"{kind}.db"
    if kind == "text":
        bad.write_text("BEGIN:VCALENDAR\r\nnot a store\r\n")
    elif kind == "other-sqlite":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE notes(body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('hello')")
        conn.commit()
        conn.close()
    elif kind == "truncated":
        data = good.read_bytes()
        bad.write_bytes(data[: len(data) // 2 + 123])
    elif kind == "corrupted":
        _corrupt_a_middle_page(good, bad)
    elif kind == "newer-schema":
        bad.write_bytes(good.read_bytes())
        conn = sqlite3.connect(bad)
        conn.execute("PRAGMA user_version = 999")
        conn.close()
        assert integrity(bad) == "ok"
    elif kind == "missing":
        pass
    else:  # pragma: no cover
        raise ValueError(kind)
    return bad


@pytest.mark.parametrize(
    "kind", ["text", "other-sqlite", "truncated", "corrupted", "newer-schema", "missing"]
)
def test_restore_refuses_what_is_not_a_good_store_and_leaves_the_current_one_alone(
    kind: str, current: tuple[Path, Path], tmp_path: Path
) -> None:
    db, good = current
    bad = _make_bad(kind, good, tmp_path)
    listing = sorted(p.name for p in db.parent.iterdir())
    before = digest(db)

    result = run_pa_as("restore", str(bad))

    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    assert result.err.startswith("pa: error: ") and one_line(result.err), result.err
    assert "Traceback" not in result.err
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == listing  # nothing kept aside or left
    titles = {r[0] for r in rows(db, "SELECT title FROM task")}
    assert titles == {"in the backup", "made after the backup"}


def test_a_good_restore_keeps_the_store_before_aside_with_its_wal(
    current: tuple[Path, Path],
) -> None:
    db, good = current
    # A writer dies with its last commit still only in the WAL (no checkpoint ever ran).
    dying = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA wal_autocheckpoint=0')\n"
            "c.execute(\"UPDATE task SET title = 'only in the wal' WHERE title LIKE 'made%'\")\n"
            "print('committed', flush=True)\n"
            "time.sleep(60)\n",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert dying.stdout is not None and dying.stdout.readline() == "committed\n"
    dying.send_signal(signal.SIGKILL)
    dying.wait()
    assert Path(f"{db}-wal").stat().st_size > 0

    result = run_pa_as("restore", str(good), umask=0o000)

    assert result.code == 0, result.err
    assert one_line(result.out)
    kept = Path(result.out.rsplit(" kept as ", 1)[1].strip())
    assert kept.parent == db.parent and kept.name.startswith(f"{db.name}.before-restore-")
    assert mode(kept) == 0o600 and mode(db) == 0o600
    assert digest(db) == digest(good)  # the store is now the backup, byte for byte
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
    assert integrity(kept) == "ok"
    assert {r[0] for r in rows(kept, "SELECT title FROM task")} == {
        "in the backup",
        "only in the wal",
    }
    listed = run_pa_as("list", "tasks")
    assert listed.code == 0, listed.err
    assert "in the backup" in listed.out and "wal" not in listed.out
    assert integrity(db) == "ok"


class _FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return datetime(2026, 11, 25, 9, 30, 15)


def test_two_restores_within_a_second_keep_both_stores_before(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    backups = []
    for name in ("one", "two"):
        other = tmp_path / name / "pa.db"
        assert run_pa_as("--db", str(other), "add", f"from backup {name}").code == 0
        assert run_pa_as("--db", str(other), "backup", str(tmp_path / f"{name}.db")).code == 0
        backups.append(tmp_path / f"{name}.db")
    assert run_pa_as("add", "the only copy of this").code == 0

    monkeypatch.setattr(backup_module, "datetime", _FrozenDatetime)  # both in one second
    assert pa_main(["restore", str(backups[0])]) == 0
    assert pa_main(["restore", str(backups[1])]) == 0
    capsys.readouterr()

    kept = sorted(db_path.parent.glob("pa.db.before-restore-*"))
    held = sorted(r[0] for k in kept for r in rows(k, "SELECT title FROM task"))
    assert held == ["from backup one", "the only copy of this"]


# ---- the cockpit's daily backup


def _dated(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("pa-????-??-??.db"))


async def test_the_cockpit_makes_one_backup_a_day_and_keeps_seven(
    store: Store, make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PA_NOW", NOW_TEXT)  # the daily backup reads the clock from PA_NOW
    _principal(store)
    folder = tmp_path / "daily"
    folder.mkdir(mode=0o700)
    older = [f"pa-2026-11-{day:02d}.db" for day in range(14, 23)]  # 9 older backups
    for name in older:
        (folder / name).write_bytes(b"an older backup")
    today = "pa-2026-11-25.db"

    old_mask = os.umask(0o000)
    try:
        app = make_app(store, backup_dir=str(folder))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
    finally:
        os.umask(old_mask)
    assert _dated(folder) == sorted([*older[3:], today])  # the 3 oldest removed, 7 kept
    made = folder / today
    assert mode(made) == 0o600
    assert integrity(made) == "ok"
    assert rows(made, "SELECT name FROM principal") == [("Eva Lind",)]
    first = (made.stat().st_ino, made.stat().st_mtime_ns, digest(made))

    assert run_pa_as("add", "after the daily backup").code == 0
    app = make_app(store, backup_dir=str(folder))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
    assert _dated(folder) == sorted([*older[3:], today])  # no second backup today
    assert (made.stat().st_ino, made.stat().st_mtime_ns, digest(made)) == first

    fresh = tmp_path / "new-daily"
    old_mask = os.umask(0o000)
    try:
        app = make_app(store, backup_dir=str(fresh))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
    finally:
        os.umask(old_mask)
    assert _dated(fresh) == [today]
    assert mode(fresh) == 0o700 and mode(fresh / today) == 0o600


async def test_the_daily_backup_is_named_by_the_principals_date(
    store: Store, make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PA_NOW", "2026-11-26T00:30")  # read in the principal's zone
    _principal(store)
    folder = tmp_path / "daily"
    app = make_app(store, backup_dir=str(folder))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
    assert _dated(folder) == ["pa-2026-11-26.db"]

"""Many writers at once: 50 `pa call`s started together while the cockpit watches its queue,
parallel bulk captures from stdin, and what a long write transaction does to everybody else."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import NOW, ZONE, settle
from pa_tui.services import principals
from pa_tui.store import Store
from stress.helpers import one_line, pa_env, rows, run_pa_as, start_pa

CALLERS = 50
BULK_WRITERS = 4
BULK_LINES = 1000
FIRST_USE_LINES = 200  # the services path holds the write lock ~1.5 s per 1,000 lines
PROC_TIMEOUT = 90.0  # per process, generous: 50 interpreters start at once on two cores
SHOW_TIMEOUT = 20.0  # for the cockpit to show what was committed
BUSY_TIMEOUT = 5.0  # sqlite_schema.PRAGMAS: busy_timeout=5000


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    """Wait for every process (all were started before the first wait); kill all on a hang."""
    done = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=PROC_TIMEOUT)
            done.append((proc.returncode, out, err))
    except subprocess.TimeoutExpired:
        for proc in procs:
            proc.kill()
            proc.communicate()
        raise
    return done


async def test_fifty_calls_at_once_all_land_and_the_open_queue_shows_them(
    store: Store, make_app
) -> None:
    db = store.target.sqlite_file
    assert db is not None
    app = make_app(store, live_interval=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        assert app.current_mode == "queue"
        assert app.screen.records.ids == []

        env = pa_env()
        procs = [
            start_pa("call", f"Caller {n}", f"message {n}", env=env) for n in range(1, CALLERS + 1)
        ]
        results = await asyncio.to_thread(_finish, procs)

        failed = [(n, code, err) for n, (code, _out, err) in enumerate(results, 1) if code != 0]
        assert failed == [], failed
        locked = [n for n, (_c, out, err) in enumerate(results, 1) if "locked" in out + err]
        assert locked == [], f"'database is locked' from callers {locked}"
        for n, (_c, out, _e) in enumerate(results, 1):
            assert out.startswith("created r") and f'"message {n}"' in out, out

        found = rows(db, "SELECT from_name, subject, status FROM request")
        assert sorted(found) == sorted(
            (f"Caller {n}", f"message {n}", "new") for n in range(1, CALLERS + 1)
        )
        wanted = {r[0] for r in rows(db, "SELECT id FROM request")}

        # The live refresh (PRAGMA data_version, every 0.2 s) brings every one of them in.
        deadline = time.monotonic() + SHOW_TIMEOUT
        while set(app.screen.records.ids) != wanted and time.monotonic() < deadline:
            await pilot.pause(0.1)
        shown = app.screen.records.ids
        assert set(shown) == wanted, f"queue shows {len(shown)} of {CALLERS}"
        assert len(shown) == CALLERS


def _bulk_captures(
    tmp_path: Path, lines: int = BULK_LINES
) -> tuple[list[tuple[int, str, str]], set[str]]:
    """BULK_WRITERS `pa add -` at once, each reading `lines` distinct titles from stdin."""
    env = pa_env()
    expected: set[str] = set()
    procs = []
    for w in range(BULK_WRITERS):
        titles = [f"Bulk writer {w} line {i:04d}" for i in range(lines)]
        expected.update(titles)
        feed = tmp_path / f"bulk-{w}.txt"
        feed.write_text("\n".join(titles) + "\n", encoding="utf-8")
        with feed.open(encoding="utf-8") as fh:  # the child keeps its own copy of the fd
            procs.append(start_pa("add", "-", env=env, stdin=fh.fileno()))
    return _finish(procs), expected


def _assert_bulk_landed(
    db: str, results: list[tuple[int, str, str]], expected: set[str], lines: int = BULK_LINES
) -> None:
    problems = [(w, code, err.strip()) for w, (code, _o, err) in enumerate(results) if code != 0]
    assert problems == [], problems
    for w, (_code, out, err) in enumerate(results):
        assert "error" not in err and "locked" not in err, (w, err)
        assert len([x for x in out.splitlines() if x.startswith("created t")]) == lines
    titles = [r[0] for r in rows(db, "SELECT title FROM task")]
    assert len(titles) == len(expected) == BULK_WRITERS * lines
    assert set(titles) == expected


def test_parallel_bulk_captures_from_stdin_all_land(store: Store, tmp_path: Path) -> None:
    """The usual case: the store and its principal exist, every capture takes the fast path."""
    with store.write() as session:
        principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW, default=True)
    db = store.target.sqlite_file
    assert db is not None
    results, expected = _bulk_captures(tmp_path)
    _assert_bulk_landed(db, results, expected)


def test_parallel_bulk_captures_on_a_store_not_made_yet_all_land(
    db_path: Path, tmp_path: Path
) -> None:
    """First use: the services path makes the store (and its principal, once); the others wait
    for it. Fewer lines: on this path each capture holds the write lock for all of its lines, and
    the last of 4 waits for the other three against busy_timeout (5 s)."""
    assert not db_path.exists()
    results, expected = _bulk_captures(tmp_path, FIRST_USE_LINES)
    _assert_bulk_landed(str(db_path), results, expected, FIRST_USE_LINES)
    assert rows(str(db_path), "SELECT name FROM principal") == [("me",)]


class _Holder:
    """Another writer holding the store's write lock (an open BEGIN IMMEDIATE) until closed."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(os.fspath(db), isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def test_a_read_only_command_is_not_blocked_by_a_long_write_transaction(db_path: Path) -> None:
    assert run_pa_as("add", "a task to list").code == 0
    holder = _Holder(db_path)  # e.g. a long `pa import`, busy for longer than busy_timeout
    started = time.monotonic()
    try:
        result = run_pa_as("list", "tasks", timeout=BUSY_TIMEOUT * 6)
        waited = time.monotonic() - started
    finally:
        holder.close()
    assert result.code == 0, result.err
    assert "a task to list" in result.out
    assert waited < BUSY_TIMEOUT, f"a reader waited {waited:.1f} s for a writer"


def test_a_capture_that_cannot_get_the_lock_says_so_in_one_line(db_path: Path) -> None:
    assert run_pa_as("add", "the store exists").code == 0
    holder = _Holder(db_path)
    try:
        result = run_pa_as("call", "Jane Roe", "while the store is busy", timeout=BUSY_TIMEOUT * 6)
    finally:
        holder.close()
    assert rows(db_path, "SELECT count(*) FROM request") == [(0,)]  # nothing written, as it should
    assert "Traceback" not in result.err, result.err[-400:]
    assert result.code == 2
    assert result.err.startswith("pa call: error: ") and "locked" in result.err
    assert one_line(result.err)


def _has_open(pid: int, path: Path) -> bool:
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd) == os.fspath(path) for fd in fds.iterdir())
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_two_first_captures_on_a_store_without_a_principal_both_land(db_path: Path) -> None:
    assert run_pa_as("doctor").code == 0  # makes the store; nobody has made a principal yet
    assert rows(db_path, "SELECT count(*) FROM principal") == [(0,)]
    first = start_pa("add", "-", stdin=subprocess.PIPE)  # typing its lines, store open
    deadline = time.monotonic() + PROC_TIMEOUT
    while not _has_open(first.pid, db_path) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(1.0)  # it has read the store (no principal) and waits for its stdin
    second = run_pa_as("add", "from the other terminal")
    _out, err = first.communicate("typed in the first terminal\n", timeout=PROC_TIMEOUT)
    assert second.code == 0, second.err
    assert first.returncode == 0, err[-400:]
    assert rows(db_path, "SELECT name FROM principal") == [("me",)]
    titles = {r[0] for r in rows(db_path, "SELECT title FROM task")}
    assert titles == {"from the other terminal", "typed in the first terminal"}


def test_a_first_capture_waiting_for_its_stdin_does_not_block_other_writers(
    db_path: Path,
) -> None:
    typing = start_pa("add", "-", stdin=subprocess.PIPE)
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:  # the store made (if it is made before stdin is read)
        if db_path.exists() and _has_open(typing.pid, db_path):
            break
        time.sleep(0.01)
    time.sleep(0.5)
    try:
        other = run_pa_as("call", "Jane Roe", "from another terminal", timeout=BUSY_TIMEOUT * 6)
    finally:
        _out, err = typing.communicate("typed slowly\n", timeout=PROC_TIMEOUT)
    assert typing.returncode == 0, err
    assert other.code == 0, other.err[-400:]
    assert rows(db_path, "SELECT subject FROM request") == [("from another terminal",)]

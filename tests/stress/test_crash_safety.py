"""Crash safety: `pa import` of a 10,000-event calendar, killed with SIGKILL at random moments
inside its one write transaction, leaves a store that passes integrity_check and holds either
the whole import or none of it.

The transaction is found from outside: the import's write lock (BEGIN IMMEDIATE) is probed with
a BEGIN IMMEDIATE that never waits. An unkilled run measures how long the lock is held; each
killed run waits for the lock, then kills after a random delay drawn from that duration. A kill
counts as inside the transaction when the lock was still held just before it, the process had
not finished, and the store afterwards holds none of the import."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from conftest import NOW, ZONE
from pa_tui.services import events, principals, tasks
from pa_tui.store import open_sqlite
from stress.helpers import (
    integrity,
    pa_env,
    probe_connection,
    rows,
    run_pa_as,
    scalar,
    start_pa,
    write_locked,
)

EVENTS = 10_000
KILLS = 20
MIN_INSIDE = 0.6
SEED_EVENTS = 5
SEED_TASKS = 3
CONFIRM = 0.05  # s the lock must stay held to be the import's transaction, not a short one
POLL = 0.002
RUN_TIMEOUT = 120.0
UID_LIKE = "stress-%@example.test"


def write_calendar(path: Path, count: int) -> None:
    """`count` one-off 30-minute VEVENTs, an hour apart, each with its own UID."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pa-tui stress//EN"]
    start = datetime(2027, 1, 4, 9, 0)
    for i in range(count):
        begin = start + timedelta(hours=i)
        end = begin + timedelta(minutes=30)
        lines += [
            "BEGIN:VEVENT",
            f"UID:stress-{i:05d}@example.test",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART:{begin:%Y%m%dT%H%M%S}Z",
            f"DTEND:{end:%Y%m%dT%H%M%S}Z",
            f"SUMMARY:Stress event {i}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))


def seed_store(path: Path) -> None:
    """A small store: one principal, a few events and tasks; closed, its WAL folded in."""
    store = open_sqlite(path)
    try:
        with store.write() as session:
            me = principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW, default=True)
            for n in range(SEED_EVENTS):
                day = datetime(2026, 11, 26 + n, 10, 0)
                events.create_event(
                    session, principal=me, title=f"Seed event {n}", now=NOW, tz=ZONE,
                    start_local=day, end_local=day + timedelta(hours=1),
                )  # fmt: skip
            for n in range(SEED_TASKS):
                tasks.create_task(session, principal=me, title=f"Seed task {n}", now=NOW)
    finally:
        store.close()
    assert not Path(f"{path}-wal").exists()


@dataclass
class Kill:
    delay: float  # s after the transaction was seen to start
    killed: bool  # the process was still running when SIGKILL came
    locked: bool  # the write lock was held just before the kill
    wal_grew: bool  # the WAL file grew between the transaction's start and the kill
    imported: int  # the calendar's events found in the store afterwards
    check: str  # PRAGMA integrity_check afterwards

    @property
    def inside(self) -> bool:
        return self.killed and self.locked and self.imported == 0


def _wal_size(db: Path) -> int:
    wal = Path(f"{db}-wal")
    return wal.stat().st_size if wal.exists() else -1


def _await_transaction(
    proc: subprocess.Popen[str], probe: sqlite3.Connection, started: float
) -> float | None:
    """When the write lock was first seen held for CONFIRM (the import's transaction); None if
    the process ended first."""
    since: float | None = None
    while proc.poll() is None:
        now = time.monotonic()
        if now - started > RUN_TIMEOUT:
            proc.kill()
            raise AssertionError("pa import never took its write lock")
        if write_locked(probe):
            since = now if since is None else since
            if now - since >= CONFIRM:
                return since
        else:
            since = None
        time.sleep(POLL)
    return None


def _measure(db: Path, calendar: Path) -> tuple[float, float]:
    """An unkilled import: (seconds its write lock was held, seconds it ran)."""
    env = pa_env(PA_DB=str(db))
    probe = probe_connection(db)
    started = time.monotonic()
    proc = start_pa("import", str(calendar), env=env)
    try:
        begun = _await_transaction(proc, probe, started)
        assert begun is not None, "the import finished before its transaction was seen"
        while write_locked(probe) and proc.poll() is None:
            time.sleep(POLL)
        held = time.monotonic() - begun
        out, err = proc.communicate(timeout=RUN_TIMEOUT)
    finally:
        probe.close()
    assert proc.returncode == 0, err
    assert out.startswith(f"created {EVENTS} events;"), out
    return held, time.monotonic() - started


def _kill_once(db: Path, calendar: Path, delay: float) -> Kill:
    env = pa_env(PA_DB=str(db))
    probe = probe_connection(db)
    started = time.monotonic()
    proc = start_pa("import", str(calendar), env=env)
    try:
        begun = _await_transaction(proc, probe, started)
        wal_at_start = _wal_size(db)
        if begun is not None:
            while time.monotonic() < begun + delay and proc.poll() is None:
                time.sleep(POLL)
        locked = write_locked(probe) if proc.poll() is None else False
        wal_at_kill = _wal_size(db)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=RUN_TIMEOUT)
    finally:
        probe.close()
    killed = proc.returncode == -signal.SIGKILL
    imported = int(scalar(db, "SELECT count(*) FROM event WHERE external_uid LIKE ?", (UID_LIKE,)))
    return Kill(delay, killed, locked, wal_at_kill > wal_at_start, imported, integrity(db))


def test_an_import_killed_inside_its_transaction_leaves_all_or_nothing(tmp_path: Path) -> None:
    calendar = tmp_path / "big.ics"
    write_calendar(calendar, EVENTS)
    seed = tmp_path / "seed" / "pa.db"
    seed_store(seed)

    reference = tmp_path / "reference" / "pa.db"
    reference.parent.mkdir()
    shutil.copyfile(seed, reference)
    held, ran = _measure(reference, calendar)
    assert integrity(reference) == "ok"
    assert scalar(reference, "SELECT count(*) FROM event") == SEED_EVENTS + EVENTS

    rng = random.Random(20261125)
    kills: list[Kill] = []
    for n in range(KILLS):
        db = tmp_path / f"kill-{n:02d}" / "pa.db"
        db.parent.mkdir()
        shutil.copyfile(seed, db)
        # Within the first 70% of the measured lock time: runs vary (a loaded CI machine), and
        # a delay near the end of the window would often find the import already committed.
        kills.append(_kill_once(db, calendar, rng.uniform(0.0, held * 0.7)))

        kill = kills[-1]
        assert kill.check == "ok", (n, kill)
        assert rows(db, "PRAGMA foreign_key_check") == []
        assert kill.imported in (0, EVENTS), (n, kill)  # all or nothing, never a part
        assert scalar(db, "SELECT count(*) FROM event") == SEED_EVENTS + kill.imported
        assert scalar(db, "SELECT count(*) FROM task") == SEED_TASKS
        assert rows(db, "SELECT name FROM principal") == [("Eva Lind",)]

    inside = [k for k in kills if k.inside]
    table = "\n".join(
        f"{n:2d} delay={k.delay:.2f}s killed={k.killed} locked={k.locked} wal_grew={k.wal_grew} "
        f"imported={k.imported}"
        for n, k in enumerate(kills)
    )
    summary = (
        f"{len(inside)}/{KILLS} kills inside the transaction (lock held {held:.2f} s of a "
        f"{ran:.2f} s unkilled run; WAL grew before {sum(k.wal_grew for k in kills)} kills)"
    )
    print(f"\n{summary}\n{table}")
    assert len(inside) >= MIN_INSIDE * KILLS, f"{summary}\n{table}"

    # A store left by a kill is usable: the same import, run to the end, makes every event.
    rolled_back = next(n for n, k in enumerate(kills) if k.imported == 0)
    db = tmp_path / f"kill-{rolled_back:02d}" / "pa.db"
    again = run_pa_as("import", str(calendar), env=pa_env(PA_DB=str(db)), timeout=RUN_TIMEOUT)
    assert again.code == 0, again.err
    assert again.out.startswith(f"created {EVENTS} events;"), again.out
    assert integrity(db) == "ok"
    assert scalar(db, "SELECT count(*) FROM event") == SEED_EVENTS + EVENTS

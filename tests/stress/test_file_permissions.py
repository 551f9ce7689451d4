"""File permissions under umask 000: the store, its -wal and -shm, export files and a data dir
made by pa-tui are private (0600 files, 0700 dirs) whatever the umask of the process."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import NOW, ZONE
from pa_tui.services import events, principals, tasks
from pa_tui.store import open_sqlite
from stress.helpers import mode, pa_env, run_pa_as, start_pa

WAIT = 30.0


def _wait_for(*paths: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not all(p.exists() for p in paths) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_new_store_its_dir_wal_and_shm_are_private_under_umask_000(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "new-data" / "pa.db"
    monkeypatch.setenv("PA_DB", str(db))
    made = run_pa_as("add", "the first task", umask=0o000)  # the services path makes the store
    assert made.code == 0, made.err
    assert mode(db.parent) == 0o700
    assert mode(db) == 0o600

    # The fast path opens the store, then reads its stdin: meanwhile its -wal and -shm exist.
    wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
    assert not wal.exists() and not shm.exists()  # the last connection folded them in
    typing = start_pa("add", "-", umask=0o000, stdin=subprocess.PIPE)
    try:
        _wait_for(wal, shm)
        assert wal.exists() and shm.exists()
        assert mode(wal) == 0o600
        assert mode(shm) == 0o600
    finally:
        _out, err = typing.communicate("the second task\n", timeout=WAIT)
    assert typing.returncode == 0, err
    assert mode(db) == 0o600


def test_the_store_opened_by_the_services_is_private_under_umask_000(tmp_path: Path) -> None:
    """The same through the Store the cockpit and the other commands use, in this process."""
    db = tmp_path / "made-here" / "pa.db"
    old_mask = os.umask(0o000)
    try:
        store = open_sqlite(db)
        try:
            with store.write() as session:
                me = principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW)
                tasks.create_task(session, principal=me, title="kept private", now=NOW)
            with store.read() as session:
                assert principals.default_principal(session) is not None
            assert Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()  # still open
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                assert mode(path) == 0o600, path
            assert mode(db.parent) == 0o700
        finally:
            store.close()
    finally:
        os.umask(old_mask)


def test_the_default_data_dir_is_made_0700_under_umask_000(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PA_DB")
    data = Path(os.environ["XDG_DATA_HOME"]) / "pa-tui"
    assert not data.exists()
    result = run_pa_as("add", "into the default store", umask=0o000)
    assert result.code == 0, result.err
    assert mode(data) == 0o700
    assert mode(data / "pa.db") == 0o600


@pytest.mark.parametrize(
    ("what", "fmt", "marker"),
    [
        ("events", "ics", "BEGIN:VCALENDAR"),
        ("tasks", "json", "kept private"),
        ("contacts", "vcf", "BEGIN:VCARD"),
    ],
)
def test_export_files_are_0600_under_umask_000(
    db_path: Path, tmp_path: Path, what: str, fmt: str, marker: str
) -> None:
    from datetime import datetime

    from pa_tui.services import contacts

    store = open_sqlite(db_path)
    try:
        with store.write() as session:
            me = principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW, default=True)
            start = datetime(2026, 11, 26, 10, 0)
            events.create_event(
                session, principal=me, title="Board", now=NOW, tz=ZONE,
                start_local=start, end_local=start.replace(hour=11),
            )  # fmt: skip
            tasks.create_task(session, principal=me, title="kept private", now=NOW)
            contacts.create_contact(session, principal=me, name="Jane Roe", now=NOW)
    finally:
        store.close()

    new = tmp_path / f"new.{fmt}"
    result = run_pa_as("export", what, "--format", fmt, "--out", str(new), umask=0o000)
    assert result.code == 0, result.err
    assert mode(new) == 0o600
    assert marker in new.read_text(encoding="utf-8")

    shared = tmp_path / f"shared.{fmt}"  # an existing world-readable file is made private
    shared.write_text("old")
    os.chmod(shared, 0o666)
    result = run_pa_as("export", what, "--format", fmt, "--out", str(shared), umask=0o000)
    assert result.code == 0, result.err
    assert mode(shared) == 0o600
    assert marker in shared.read_text(encoding="utf-8")


def test_a_data_dir_made_by_pa_backup_is_0700_under_umask_000(db_path: Path) -> None:
    assert run_pa_as("add", "something to back up").code == 0
    data = Path(os.environ["XDG_DATA_HOME"]) / "pa-tui"
    assert not data.exists()  # the store lives at PA_DB, elsewhere
    result = run_pa_as("backup", umask=0o000, env=pa_env())
    assert result.code == 0, result.err
    assert mode(data / "backups") == 0o700
    assert mode(data) == 0o700

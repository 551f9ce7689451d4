"""Backups of the SQLite store with SQLite's online backup API (consistent while the cockpit and
captures write), a checked restore that keeps the current store aside, and the rotating daily
backup the cockpit makes. Standard library only; files 0600 in a 0700 directory."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

from pa_tui import sqlite_schema
from pa_tui.errors import PaError
from pa_tui.schema_version import SCHEMA_VERSION

KEEP_DAILY = 7


def _private_dir(path: Path) -> None:
    """A folder we create is 0700; an existing one (/tmp, a user's choice) is left as it is."""
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):  # every folder made here, parents too, whatever the umask
        folder.mkdir(mode=0o700)
        os.chmod(folder, 0o700)


def backup(db: Path, dest: Path, *, folder: bool = False) -> Path:
    """Copy the live store to `dest` page by page (readers and writers carry on meanwhile).
    Written next to `dest` first and renamed, so a half-written backup never has its name."""
    if not db.exists():
        raise PaError(f"{db}: no store to back up")
    if folder or dest.is_dir():
        dest = dest / f"pa-{datetime.now():%Y%m%d-%H%M%S}.db"
    _private_dir(dest.parent)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(partial, 0o600)
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(partial)
    try:
        source.execute("PRAGMA busy_timeout = 30000")
        # One step under one read transaction: in WAL mode writers carry on meanwhile, and a
        # stepped copy would restart from page 1 whenever another connection commits.
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except sqlite3.Error as exc:
        raise PaError(f"{dest}: backup failed: {exc}") from None
    finally:
        target.close()
        source.close()
    os.replace(partial, dest)
    os.chmod(dest, 0o600)
    return dest


def check(path: Path) -> int:
    """A usable pa-tui store: opens, passes integrity_check, a schema this pa-tui can read.
    Returns its schema version."""
    if not path.is_file():
        raise PaError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = sqlite_schema.user_version(conn)
            result = sqlite_schema.integrity_check(conn)
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise PaError(f"{path}: not a SQLite store ({exc})") from None
    if "principal" not in tables or version < 1:
        raise PaError(f"{path}: not a pa-tui store (no schema version or principal table)")
    if version > SCHEMA_VERSION:
        raise PaError(f"{path}: schema {version} is newer than this pa-tui ({SCHEMA_VERSION})")
    if result != "ok":
        raise PaError(f"{path}: integrity check failed: {result.splitlines()[0]}")
    return version


def restore(backup_file: Path, db: Path) -> Path:
    """Replace the store by a checked backup; the current store (with its WAL folded in) is
    kept aside as pa.db.before-restore-<time> first. Returns where it was kept."""
    check(backup_file)
    kept = db.with_name(f"{db.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
    n = 1
    while kept.exists():  # two restores within a second: neither kept store is lost
        n += 1
        kept = db.with_name(f"{db.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}-{n}")
    if db.exists():
        backup(db, kept)
    _private_dir(db.parent)
    incoming = db.with_name(db.name + ".restoring")
    shutil.copyfile(backup_file, incoming)
    os.chmod(incoming, 0o600)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.replace(incoming, db)
    return kept


def daily(db: Path, folder: Path, *, today: date, keep: int = KEEP_DAILY) -> Path | None:
    """Today's backup if there is none yet; the oldest beyond `keep` are removed."""
    _private_dir(folder)
    name = folder / f"pa-{today:%Y-%m-%d}.db"
    made = None
    if not name.exists() and db.exists():
        made = backup(db, name)
    for old in sorted(folder.glob("pa-????-??-??.db"))[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return made

"""What the stress tests share: the real `pa` started as processes (optionally under umask 000),
a store read with the standard library, and the store's write lock probed from outside."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from conftest import NOW_TEXT, Result

PA = (sys.executable, "-m", "pa_tui.cli")


def pa_env(**extra: str) -> dict[str, str]:
    """The isolated test environment (PA_DB, HOME, XDG dirs) with the fixed clock."""
    return {**os.environ, "PA_NOW": NOW_TEXT, **extra}


def start_pa(
    *args: str,
    env: dict[str, str] | None = None,
    umask: int | None = None,
    stdin: int | None = subprocess.DEVNULL,
) -> subprocess.Popen[str]:
    """`pa ARGS` started (not waited for), its output captured; `umask` is set in the child."""
    mask = umask
    return subprocess.Popen(
        [*PA, *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or pa_env(),
        preexec_fn=(lambda: os.umask(mask)) if mask is not None else None,
    )


def run_pa_as(
    *args: str,
    umask: int | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Result:
    """`pa ARGS` run to the end, like conftest.run_pa, optionally under another umask."""
    proc = start_pa(*args, env=env, umask=umask, stdin=subprocess.PIPE)
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return Result(proc.returncode, out, err)


def rows(db: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
    """Rows of a query on its own short-lived connection."""
    conn = sqlite3.connect(os.fspath(db), timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def scalar(db: Path | str, sql: str, params: tuple[object, ...] = ()) -> object:
    return rows(db, sql, params)[0][0]


def integrity(db: Path | str) -> str:
    return "\n".join(str(r[0]) for r in rows(db, "PRAGMA integrity_check"))


def probe_connection(db: Path | str) -> sqlite3.Connection:
    """A connection that never waits: write_locked() answers at once."""
    conn = sqlite3.connect(os.fspath(db), timeout=0, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=0")
    return conn


def write_locked(conn: sqlite3.Connection) -> bool:
    """True while another connection holds the store's write lock (a write transaction)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    conn.execute("ROLLBACK")
    return False


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def digest(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def one_line(text: str) -> bool:
    return len(text.strip("\n").splitlines()) == 1 and text.endswith("\n")

"""Shared fixtures: every test runs on its own temp store and data dirs, never the user's."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pa_tui.store import Store, open_sqlite

# Wednesday 25 Nov 2026, 08:00 in Stockholm.
NOW_TEXT = "2026-11-25T08:00"
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
ZONE = "Europe/Stockholm"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point XDG dirs and PA_DB into tmp_path; drop PA_DATABASE_URL/PA_NOW/PA_CONFIG from outside."""
    for var in ("PA_DATABASE_URL", "PA_NOW", "PA_CONFIG", "PA_DB"):
        monkeypatch.delenv(var, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("TZ", ZONE)
    monkeypatch.setenv("PA_DB", str(tmp_path / "store" / "pa.db"))
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


@pytest.fixture
def db_path(isolated_env: Path) -> Path:
    return Path(os.environ["PA_DB"])


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = open_sqlite(db_path)
    yield s
    s.close()


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_pa(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    """The real `pa` as a subprocess (same interpreter), with PA_NOW fixed unless env overrides."""
    full_env = {**os.environ, "PA_NOW": NOW_TEXT, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "pa_tui.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def pa():
    return run_pa


@pytest.fixture
def demo_store(store: Store) -> Store:
    """The store filled with the deterministic demo data set at NOW (2 principals, ~300 contacts)."""
    from pa_tui.services import demo

    with store.write() as session:
        demo.generate(session, now=NOW, size=0, seed=7)
    return store


@pytest.fixture
def make_app():
    """PaApp on a store at the fixed clock NOW, no live polling unless asked, editor injectable."""
    from pa_tui.app import PaApp

    def factory(store: Store, **kwargs):
        kwargs.setdefault("clock", lambda: NOW)
        kwargs.setdefault("live_interval", 0)
        kwargs.setdefault("reminder_interval", 0)
        return PaApp(store, **kwargs)

    return factory


async def settle(app, pilot) -> None:
    """Let thread workers finish and the screen repaint."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()

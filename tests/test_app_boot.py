"""The cockpit draws its first frame before SQLModel loads, and a bad store stops it cleanly."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import NOW, run_pa, settle
from pa_tui.app import PaApp
from pa_tui.errors import StoreError
from pa_tui.store import open_sqlite


def test_the_app_module_imports_no_sqlmodel() -> None:
    heavy = "('sqlmodel', 'sqlalchemy', 'pydantic')"
    code = f"import sys, pa_tui.app; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_opener_runs_after_the_boot_screen(db_path: Path) -> None:
    seen: list[str] = []

    def opener():
        seen.append("opened")
        return open_sqlite(db_path)

    app = PaApp(opener, clock=lambda: NOW, live_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert seen == ["opened"]
        assert type(app.screen).__name__ == "TodayScreen"
        assert app.principal.name == "me"


async def test_a_store_that_cannot_open_exits_with_code_2(db_path: Path) -> None:
    def opener():
        raise StoreError(f"{db_path}: store has schema version 99, newer than this pa-tui")

    app = PaApp(opener, clock=lambda: NOW, live_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
    assert app.return_code == 2
    assert app.startup_error is not None and "newer" in app.startup_error


def test_pa_on_a_newer_store_is_one_line_exit_2(db_path: Path) -> None:
    open_sqlite(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    r = run_pa()
    assert r.code == 2
    assert r.err.startswith("pa: error: ") and "newer" in r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err

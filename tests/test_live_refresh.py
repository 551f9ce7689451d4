"""Live refresh: a `pa call` from another process shows up in the running cockpit by itself."""

from __future__ import annotations

import asyncio
import time

from conftest import NOW, run_pa, settle
from pa_tui.models import Request
from pa_tui.services import principals
from pa_tui.store import Store

TIMEOUT = 10.0


def _subjects(app) -> list[str]:
    records = app.screen.records
    rows = [records.row_at(i) for i in range(len(records.ids))]
    return [row.cells[4] for row in rows if row is not None]


async def test_a_call_logged_from_the_shell_appears_in_the_open_queue(
    store: Store, make_app
) -> None:
    with store.write() as session:
        principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)
    app = make_app(store, live_interval=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        assert app.current_mode == "queue"
        assert app.screen.records.ids == []

        # Another process (same PA_DB) logs a call while the app is running.
        result = await asyncio.to_thread(run_pa, "call", "Jane Roe", "555-0101", "live item", "p1")
        assert result.code == 0, result.err

        deadline = time.monotonic() + TIMEOUT
        while "live item" not in _subjects(app) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert "live item" in _subjects(app), f"queue shows {_subjects(app)}"
        assert app.screen.records.current is not None
        assert app.screen.records.current.cells[4] == "live item"


async def test_a_refresh_while_a_screen_is_still_being_built_is_harmless(store, make_app) -> None:
    """The live poll can fire between switch_mode and compose; the new screen loads on resume."""
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.switch_mode("queue")
        app.reload_screen()  # what the poll does, before the screen has its widgets
        await settle(app, pilot)
        assert type(app.screen).__name__ == "QueueScreen"
        assert app.screen.records.loaded


async def test_a_key_pressed_while_the_list_reloads_acts_on_the_row_under_the_cursor(
    store: Store, make_app
) -> None:
    """A live refresh re-reads the list; until the new page arrives the row under the cursor
    is still the same record, so `x` pressed in that moment is not lost (a tmux run caught it)."""
    with store.write() as session:
        principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)
    for subject in ("first item", "second item"):
        assert run_pa("call", "Jane Roe", "555-0101", subject).code == 0
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        records = app.screen.records
        wanted = records.current.key
        records.set_ids(list(records.ids), keep_key=wanted)  # what a live refresh does
        assert records.row_at(records.cursor) is None  # the new page is not there yet
        await pilot.press("x")
        await settle(app, pilot)
    with store.read() as session:
        item = session.get(Request, int(wanted[1:]))
        assert item is not None and item.status == "done"

"""Today's first frame is read with the standard library (today_store.py) before SQLModel loads:
it must show exactly what the full load shows, and keys that need the store must wait for it."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, settle
from pa_tui import capture_store
from pa_tui.app import PaApp, sqlite_preview
from pa_tui.services import principals, scoring, today
from pa_tui.store import Store, open_sqlite
from pa_tui.today_store import read_today


def _shape(lines: list[Any]) -> list[tuple[Any, ...]]:
    return [(r.key, r.cells, sorted(r.flags), r.confidential) for r in lines]


def test_first_frame_modules_import_no_sqlmodel() -> None:
    heavy = "('sqlmodel', 'sqlalchemy', 'pydantic')"
    code = (
        "import sys, pa_tui.app, pa_tui.today_store, pa_tui.screens.today, pa_tui.services.today;"
        f"print(sorted(m for m in {heavy} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "offset",
    [timedelta(0), timedelta(hours=5), timedelta(days=3), timedelta(days=-40), timedelta(days=97)],
)
@pytest.mark.parametrize("who", [None, "Carl"])
def test_preview_shows_what_the_full_load_shows(
    demo_store: Store, db_path: Path, offset: timedelta, who: str | None
) -> None:
    now = NOW + offset
    with demo_store.read() as session:
        principal = (
            principals.find_principal(session, who)
            if who
            else principals.default_principal(session)
        )
        assert principal is not None
        read = today.read(session, principal, now)
        assert read.ahead is not None  # the full load adds what to prepare ...
        read.ahead = None  # ... which the preview leaves for it: the rest must be equal
        full = today.lines(read)
    found = read_today(str(db_path), who, lambda zone: now)
    assert found is not None
    preview_principal, data = found
    assert (preview_principal.id, preview_principal.tz) == (principal.id, principal.tz)
    assert _shape(today.lines(data)) == _shape(full)
    if offset == timedelta(0):  # the demo's own day reaches every section and both queues
        assert data.occurrences and data.queue_rows and data.due_rows and data.dates


def test_preview_declines_a_store_of_another_version(demo_store: Store, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute(f"PRAGMA user_version={version - 1}")
    conn.close()
    assert read_today(str(db_path), None, lambda zone: NOW) is None
    assert read_today(str(db_path.with_name("missing.db")), None, lambda zone: NOW) is None


# ---- the bounded top of the queue equals the head of the full order, ties included

_items = st.lists(
    st.tuples(
        st.integers(1, 4),  # urgency
        st.integers(0, 3),  # sender's VIP tier
        st.integers(0, 12 * 24),  # received, hours ago (ages past the cap too)
        st.one_of(st.none(), st.integers(-48, 120)),  # deadline, hours from now
        st.sampled_from(["new", "new", "deferred", "done"]),
    ),
    min_size=0,
    max_size=60,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(items=_items, limit=st.integers(1, 8), probe_seed=st.integers(0, 3))
def test_queue_top_equals_the_head_of_the_full_order(
    store: Store, db_path: Path, items: list[Any], limit: int, probe_seed: int
) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DELETE FROM request")
    conn.execute("DELETE FROM contact")
    pid = capture_store.principal(conn, None) or (
        capture_store.add_principal(conn, "me", "Europe/Stockholm", NOW),
    )
    pid = pid[0]
    # Few distinct hours so that equal scores (ties) are common.
    rng = random.Random(probe_seed)
    for urgency, vip, hours_ago, deadline, status in items:
        contact = capture_store.insert(
            conn,
            "contact",
            {"principal_id": pid, "name": f"c{rng.random()}", "vip": vip, "policy": "screen",
             "is_staff": False, "confidential": False, "created_at": NOW, "updated_at": NOW},
        )  # fmt: skip
        capture_store.insert(
            conn,
            "request",
            {"principal_id": pid, "kind": "call", "contact_id": contact, "subject": "s",
             "received_at": NOW - timedelta(hours=hours_ago), "urgency": urgency,
             "deadline": None if deadline is None else NOW + timedelta(hours=deadline),
             "status": status, "confidential": False, "created_at": NOW, "updated_at": NOW},
        )  # fmt: skip
    full = [r[0] for r in conn.execute(*scoring.queue_order_sql(pid, NOW))]
    top = scoring.queue_top_ids(conn.execute, pid, NOW, limit)
    conn.close()
    assert top == full[:limit]


def test_queue_head_reads_groups_through_the_ceiling_index(
    demo_store: Store, db_path: Path
) -> None:
    """The head of the queue must not score every open item: each group of equal ceiling is a
    seek on ix_request_ceiling (SQLite matches an expression index only when the query spells the
    expression as the index does), and on the demo store far fewer items than are open are read."""
    conn = sqlite3.connect(db_path)
    pid = capture_store.principal(conn, None)[0]
    scored: list[str] = []

    def run(sql: str, params: dict[str, Any]) -> Any:
        plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "USING INDEX ix_request_ceiling (principal_id=? AND <expr>" in plan, plan
        rows = conn.execute(sql, params).fetchall()
        if "AS s" in sql:
            scored.append(sql)
        return rows

    top = scoring.queue_top_ids(run, pid, NOW, today.TOP_QUEUE)
    full = [r[0] for r in conn.execute(*scoring.queue_order_sql(pid, NOW))]
    groups = conn.execute(
        f"SELECT count(DISTINCT {scoring.ceiling_sql()}) FROM request"
        " WHERE principal_id = ? AND status IN ('new', 'deferred')",
        (pid,),
    ).fetchone()[0]
    conn.close()
    assert top == full[: today.TOP_QUEUE] and len(top) == today.TOP_QUEUE
    assert 1 <= len(scored) < groups  # the walk stopped before the last group


# ---- the cockpit: preview first, the full load after, keys that need the store wait


def _gated_app(db_path: Path) -> tuple[PaApp, threading.Event]:
    gate = threading.Event()

    def opener() -> Store:
        assert gate.wait(30), "the test never opened the gate"
        return open_sqlite(db_path)

    app = PaApp(opener, clock=lambda: NOW, live_interval=0, preview=sqlite_preview(str(db_path)))
    return app, gate


async def _until(pilot: Any, condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never held")


async def test_preview_fills_today_before_the_store_opens(demo_store: Store, db_path: Path) -> None:
    with demo_store.read() as session:
        principal = principals.default_principal(session)
        assert principal is not None
        read = today.read(session, principal, NOW)
        read.ahead = None  # arrives with the full load, after the preview
        expected = _shape(today.lines(read))
    app, gate = _gated_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: type(app.screen).__name__ == "TodayScreen")
        screen: Any = app.screen
        await _until(pilot, lambda: bool(screen.lines))
        assert not app.ready
        assert _shape(screen.lines) == expected
        # The rows are in the list widget, and the principal's name is in the title.
        first = screen.records.row_at(0)
        assert first is not None and first.cells[0].startswith("Agenda")
        assert principal.name in app.title
        # Moving works on the preview; a write is not possible before the store is open.
        cursor = screen.records.cursor
        await pilot.press("down")
        assert screen.records.cursor == cursor + 1
        assert screen.check_action("done", ()) is None
        gate.set()
        await settle(app, pilot)
        assert app.ready


async def test_keys_typed_during_the_preview_act_once_the_store_opens(
    demo_store: Store, db_path: Path
) -> None:
    """`5 n Buy milk enter` typed at start-up: Tasks opens, the capture bar takes the text."""
    app, gate = _gated_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: app.preview_lines is not None)
        await pilot.press("5", "n", *"Buy milk", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "TodayScreen" and not app.ready
        gate.set()
        await _until(pilot, lambda: type(app.screen).__name__ == "TasksScreen")
        await settle(app, pilot)
    with demo_store.read() as session:
        made = session.connection().exec_driver_sql(
            "SELECT count(*) FROM task WHERE title = 'Buy milk'"
        )
        assert made.scalar() == 1


async def test_the_full_load_replaces_the_preview_and_keys_come_alive(
    demo_store: Store, db_path: Path
) -> None:
    app, gate = _gated_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: app.preview_lines is not None)
        screen: Any = app.screen
        assert screen.check_action("done", ()) is None  # shown dimmed in the footer
        gate.set()
        await settle(app, pilot)
        assert app.ready and app.preview_lines is None
        assert app.screen is screen  # the same Today screen, reloaded in place
        assert screen.check_action("done", ()) is True
        assert type(app.principal).__name__ == "Principal"  # the ORM row, not the preview's


async def test_a_jump_asked_for_during_the_preview_lands_once_the_store_opens(
    demo_store: Store, db_path: Path
) -> None:
    app, gate = _gated_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: app.preview_lines is not None)
        screen: Any = app.screen
        await _until(pilot, lambda: bool(screen.lines))
        target = next(i for i, r in enumerate(screen.lines) if r.key.startswith("t"))
        screen.records.cursor = target
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "TodayScreen" and not app.ready
        gate.set()
        await settle(app, pilot)
        await _until(pilot, lambda: type(app.screen).__name__ == "TasksScreen")
        await settle(app, pilot)
        current = app.screen.records.current  # type: ignore[attr-defined]
        assert current is not None and current.key == screen.lines[target].key

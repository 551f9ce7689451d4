"""Reminders: written with the capture grammar (remind:15m,1h), due per occurrence, raised once
by whoever sees them first: the cockpit (notification and bell) or `pa remind`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from conftest import NOW, run_pa, settle
from pa_tui.services import capture, events, principals, reminders, tasks
from pa_tui.store import Store

ZONE = "Europe/Stockholm"


def test_the_grammar_takes_reminders_and_names_a_bad_one() -> None:
    cap = capture.parse_line("Dentist tue 7:00 remind:15m,1h,15", today=NOW.date())
    assert cap.reminders == [60, 15] and cap.title == "Dentist"
    assert "remind:60m,15m" in cap.summary()
    with pytest.raises(capture.CaptureError, match="remind: takes times before"):
        capture.parse_line("Dentist tue remind:soon", today=NOW.date())


def _setup(store: Store) -> Any:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva", tz=ZONE, now=NOW, default=True)
        events.create_event(session, principal=me, title="Standup", now=NOW, tz=ZONE,
                            rrule="FREQ=DAILY", reminders="10",
                            start_local=datetime(2026, 11, 20, 9),
                            end_local=datetime(2026, 11, 20, 9, 15))  # fmt: skip
        events.create_event(session, principal=me, title="Board", now=NOW, tz=ZONE,
                            reminders="60,15", location="HQ", confidential=True,
                            start_local=datetime(2026, 11, 25, 14),
                            end_local=datetime(2026, 11, 25, 16))  # fmt: skip
        tasks.create_task(session, principal=me, title="Pay rent", now=NOW, reminders="30",
                          due_at=datetime(2026, 11, 25, 11, tzinfo=UTC))  # fmt: skip
        return me


def _due(store: Store, me: Any, at: datetime, *, mark: bool = True) -> list[str]:
    with store.write() as session:
        found = reminders.due(session, me, now=at)
        if mark:
            reminders.mark_raised(session, found, now=at)
    return [f"{r.key}-{r.minutes}" for r in found]


def test_due_per_occurrence_once_and_not_when_stale(store: Store) -> None:
    me = _setup(store)
    # 08:50 local = 07:50 UTC: today's standup (09:00, 10 min before).
    assert _due(store, me, datetime(2026, 11, 25, 7, 50, tzinfo=UTC)) == ["e1-10"]
    assert _due(store, me, datetime(2026, 11, 25, 7, 55, tzinfo=UTC)) == []  # raised already
    # 13:00 and 13:45 local: the board meeting's two; 11:30 UTC: the task's (12:00 due, 30 min).
    got = _due(store, me, datetime(2026, 11, 25, 12, 46, tzinfo=UTC))
    assert got == ["t1-30", "e2-60", "e2-15"]
    # Tomorrow's standup.
    assert _due(store, me, datetime(2026, 11, 26, 7, 51, tzinfo=UTC)) == ["e1-10"]
    # Saturday's fired at 07:50 UTC and nobody looked: still shown 11 h later, stale after 12.
    assert _due(store, me, datetime(2026, 11, 28, 18, 50, tzinfo=UTC), mark=False) == ["e1-10"]
    assert _due(store, me, datetime(2026, 11, 28, 19, 51, tzinfo=UTC)) == []


def test_pa_remind_prints_each_once_and_hides_confidential_titles(store: Store) -> None:
    _setup(store)
    env = {"PA_NOW": "2026-11-25T13:50"}
    r = run_pa("remind", "--peek", env=env)
    assert r.code == 0
    assert "(confidential) starts Wed 14:00 (e2)" in r.out and "Board" not in r.out
    assert "HQ" not in r.out
    r = run_pa("remind", "--include-confidential", env=env)
    assert "Board at HQ starts Wed 14:00 (e2)" in r.out
    assert run_pa("remind", env=env).out == ""  # raised: not again


async def test_the_cockpit_raises_a_reminder_with_the_bell(store: Store, make_app) -> None:
    _setup(store)
    at = datetime(2026, 11, 25, 7, 52, tzinfo=UTC)
    app = make_app(store, clock=lambda: at, reminder_interval=60)
    rang: list[bool] = []
    app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        texts = [n.message for n in app._notifications]
        assert any("Standup starts Wed 09:00 (e1)" in t for t in texts), texts
        assert rang == [True]
    assert run_pa("remind", env={"PA_NOW": "2026-11-25T08:53"}).out == ""  # the cockpit raised it

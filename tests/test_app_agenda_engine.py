"""The agenda engine in the cockpit: move one occurrence of a recurring event from the Agenda
screen, delete "this and following", and add an event over protected time (a warning first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select

from conftest import NOW, settle
from pa_tui.models import Event
from pa_tui.screens.modals import ConfirmModal
from pa_tui.services import events, policy, principals, schedule
from pa_tui.store import Store

ZONE = "Europe/Stockholm"


def _weekly(store: Store) -> int:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW, default=True)
        policy.add_block(session, me, schedule.parse_block("mon-fri 08:00-09:00 Focus"), now=NOW)
        ev = events.create_event(session, principal=me, title="Team sync", now=NOW, tz=ZONE,
                                 rrule="FREQ=WEEKLY;BYDAY=MO",
                                 start_local=datetime(2026, 11, 2, 10),
                                 end_local=datetime(2026, 11, 2, 11))  # fmt: skip
        assert ev.id is not None
        return ev.id


async def _agenda_on(app: Any, pilot: Any, day: str) -> Any:
    await pilot.press("2")
    await settle(app, pilot)
    await pilot.press("full_stop")
    await settle(app, pilot)
    await pilot.press(*day, "enter")
    await settle(app, pilot)
    return app.screen


def _cursor_to(screen: Any, title: str) -> None:
    screen.records.cursor = next(
        i for i, r in enumerate(screen.lines) if title in r.cells[-1 if len(r.cells) < 2 else 1]
    )


async def test_move_one_occurrence_from_the_agenda(store: Store, make_app) -> None:
    eid = _weekly(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _agenda_on(app, pilot, "30 nov")
        _cursor_to(screen, "Team sync")
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("1")  # this occurrence
        await settle(app, pilot)
        await pilot.press(*"14:00", "enter")
        await settle(app, pilot)
        row = screen.records.current
        assert row is not None and row.cells[0].startswith("14:00") and "Team sync" in row.cells[1]
    with store.read() as session:
        overrides = session.exec(select(Event).where(col(Event.parent_id) == eid)).all()
        assert [(o.recurrence_id, o.start_local) for o in overrides] == [
            (datetime(2026, 11, 30, 10), datetime(2026, 11, 30, 14))
        ]
        me = principals.default_principal(session)
        assert me is not None
        week = events.occurrences(session, me, datetime(2026, 12, 7, tzinfo=NOW.tzinfo),
                                  datetime(2026, 12, 8, tzinfo=NOW.tzinfo))  # fmt: skip
        assert [o.start.hour for o in week] == [9]  # 7 Dec still at 10:00 local (09:00 UTC)


async def test_delete_this_and_following_from_the_agenda(store: Store, make_app) -> None:
    eid = _weekly(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _agenda_on(app, pilot, "30 nov")
        _cursor_to(screen, "Team sync")
        await pilot.press("D")
        await settle(app, pilot)
        await pilot.press("2")  # this and following
        await settle(app, pilot)
        assert not any("Team sync" in " ".join(r.cells) for r in screen.lines)
    with store.read() as session:
        ev = session.get(Event, eid)
        assert ev is not None and ev.rrule is not None and "UNTIL=20261130T095959" in ev.rrule


async def test_an_event_over_protected_time_asks_first_and_is_marked(
    store: Store, make_app
) -> None:
    _weekly(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _agenda_on(app, pilot, "fri")
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"Quick sync fri 8:30-8:45", "enter")
        await settle(app, pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert "protected time 'Focus'" in modal.question
        await pilot.press("n")  # back to the capture bar: nothing written
        await settle(app, pilot)
        with store.read() as session:
            assert session.exec(select(Event).where(col(Event.title) == "Quick sync")).all() == []
        await pilot.press("enter")  # submit the same line again, and keep both this time
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        texts = [" ".join(r.cells) for r in screen.lines]
        assert any("protected: Focus" in t for t in texts)
        marked = [r for r in screen.lines if "Quick sync" in " ".join(r.cells)]
        assert marked and marked[0].cells[1].startswith("⚠") and "overdue" in marked[0].flags
    with store.read() as session:
        assert len(session.exec(select(Event).where(col(Event.title) == "Quick sync")).all()) == 1


async def test_days_computed_ahead_never_show_stale_lines(store: Store, make_app) -> None:
    """h/l show the neighbouring day computed ahead; a write in between (the cockpit's own, or
    another process's seen by the live refresh) makes it compute again."""
    _weekly(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("l")  # Thursday: computed ahead, now shown
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        tomorrow = app.screen.day.toordinal() + 1
        assert any(k[0].toordinal() == tomorrow for k in app.screen._ahead)
        app.capture("event Lunch with Ada thu 12:00-13:00")
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        assert any("Lunch with Ada" in " ".join(r.cells) for r in app.screen.lines)
        # Another process's write: the live refresh bumps the generation the same way.
        with store.write() as session:
            me = principals.default_principal(session)
            start, end = datetime(2026, 11, 27, 8), datetime(2026, 11, 27, 8, 30)
            events.create_event(session, principal=me, title="Dentist", now=NOW, tz=ZONE,
                                start_local=start, end_local=end)  # fmt: skip
        app.write_generation += 1  # what _poll_changes does on a new data_version
        await pilot.press("l")
        await settle(app, pilot)
        assert any("Dentist" in " ".join(r.cells) for r in app.screen.lines)

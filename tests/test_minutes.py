"""Minutes: action items become tasks exactly once, delegated to attendees, ticked done,
per occurrence of a recurring meeting; `pa minutes` prints the board pack and saves from stdin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select

from conftest import NOW, run_pa, settle
from pa_tui.models import Contact, Event, EventAttendee, Task
from pa_tui.services import events, minutes, principals
from pa_tui.store import Store

ZONE = "Europe/Stockholm"
MINUTES = """# Board
- budget approved
- [ ] send the deck to:bob fri
* [ ] call the printer p1
- [x] book the venue to:anna
"""


def _setup(store: Store, rrule: str | None = None) -> tuple[int, int, int]:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva", tz=ZONE, now=NOW, default=True)
        bob = Contact(principal_id=me.id, name="Bob Smith", created_at=NOW, updated_at=NOW)
        anna = Contact(principal_id=me.id, name="Anna Sjöberg", is_staff=True, created_at=NOW,
                       updated_at=NOW)  # fmt: skip
        session.add_all([bob, anna])
        session.flush()
        ev = events.create_event(session, principal=me, title="Board", now=NOW, tz=ZONE,
                                 rrule=rrule, start_local=datetime(2026, 11, 23, 10),
                                 end_local=datetime(2026, 11, 23, 11))  # fmt: skip
        session.add(EventAttendee(event_id=ev.id, contact_id=bob.id))
        assert ev.id and bob.id and anna.id
        return ev.id, bob.id, anna.id


def _tasks(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as session:
        rows = session.exec(select(Task).order_by(col(Task.id))).all()
        return [(t.title, t.status, t.delegated_to_id, t.event_id, t.due_date) for t in rows]


def test_action_items_become_tasks_once_and_ticks_complete_them(store: Store) -> None:
    eid, bob, anna = _setup(store)
    with store.write() as session:
        ev = session.get(Event, eid)
        assert ev is not None
        done = minutes.sync(session, ev, MINUTES, now=NOW)
        saved = done.text
    assert "- [ ] send the deck to:bob fri (t1)" in saved
    assert "* [ ] call the printer p1 (t2)" in saved
    assert "- budget approved\n" in saved
    from datetime import date

    assert _tasks(store) == [
        ("send the deck", "waiting", bob, eid, date(2026, 11, 27)),  # fri after the meeting
        ("call the printer", "todo", None, eid, None),
        ("book the venue", "done", anna, eid, None),  # anna: staff, not an attendee
    ]
    # Saving the same text again (ids included) makes nothing new.
    with store.write() as session:
        ev = session.get(Event, eid)
        assert ev is not None
        again = minutes.sync(session, ev, saved, now=NOW)
        assert again.created == [] and again.text == saved
        # Tick one, untick another: done and reopened.
        edited = saved.replace("- [ ] send the deck", "- [x] send the deck").replace(
            "- [x] book the venue", "- [ ] book the venue"
        )
        changed = minutes.sync(session, ev, edited, now=NOW)
        assert (len(changed.completed), len(changed.reopened)) == (1, 1)
    assert [t[1] for t in _tasks(store)] == ["done", "todo", "todo"]


def test_minutes_of_one_occurrence_stay_with_it(store: Store) -> None:
    eid, _bob, _anna = _setup(store, rrule="FREQ=WEEKLY")
    with store.write() as session:
        row = minutes.occurrence_row(session, eid, datetime(2026, 11, 30, 10), now=NOW)
        assert row.id != eid and row.parent_id == eid
        minutes.sync(session, row, "- [ ] circulate the notes\n", now=NOW)
        series = session.get(Event, eid)
        assert series is not None and series.minutes is None
        task = session.exec(select(Task)).one()
        assert task.event_id == row.id


def test_pa_minutes_saves_from_stdin_and_prints_the_board_pack(store: Store) -> None:
    _setup(store)
    r = run_pa("minutes", "e1", "--from", "-", stdin=MINUTES)
    assert r.code == 0, r.err
    assert "3 action item(s) made tasks" in r.err
    assert "- [ ] send the deck to:bob fri (t1)" in r.out
    r = run_pa("minutes", "e1", "--md")
    assert r.out.startswith("# Board — Mon 23 Nov 2026 10:00-11:00")
    assert "## Attendees\n- Bob Smith" in r.out and "## Minutes" in r.out
    assert run_pa("minutes", "e9").code == 2


async def test_minutes_from_the_agenda_screen(store: Store, make_app) -> None:
    _setup(store)
    written: list[str] = []

    def editor(text: str) -> str:
        written.append(text)
        return "- [ ] send the deck to:bob fri\n"

    app = make_app(store, editor=editor)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("h", "h")  # Monday 23 Nov
        await settle(app, pilot)
        screen: Any = app.screen
        screen.records.cursor = next(i for i, r in enumerate(screen.lines) if r.key)
        await pilot.press("M")
        await settle(app, pilot)
    assert written and _tasks(store)[0][:3] == ("send the deck", "waiting", 1)


async def test_the_agenda_of_one_coming_occurrence_stays_with_it(store: Store, make_app) -> None:
    eid, _bob, _anna = _setup(store, rrule="FREQ=WEEKLY")

    def editor(text: str) -> str:
        return "1. Budget\n2. Hiring\n"

    app = make_app(store, editor=editor)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("l", "l", "l", "l", "l")  # Monday 30 Nov, a coming occurrence
        await settle(app, pilot)
        screen: Any = app.screen
        screen.records.cursor = next(i for i, r in enumerate(screen.lines) if r.key)
        await pilot.press("E")
        await settle(app, pilot)
    with store.read() as session:
        series = session.get(Event, eid)
        assert series is not None and series.agenda is None
        rows = session.exec(select(Event).where(col(Event.parent_id) == eid)).all()
        assert [(r.recurrence_id, r.agenda) for r in rows] == [
            (datetime(2026, 11, 30, 10), "1. Budget\n2. Hiring\n")
        ]

"""Triage end to end in the real app: keys in, store state out, and `u` puts everything back."""

from __future__ import annotations

from sqlmodel import col, select

from conftest import NOW, settle
from pa_tui.models import AuditEntry, Contact, Event, EventAttendee, Request, Task
from pa_tui.services import contacts, principals, queue
from pa_tui.store import Store


def _setup(store: Store) -> tuple[int, int]:
    with store.write() as session:
        p = principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)
        carl = contacts.create_contact(session, principal=p, name="Carl Berg", now=NOW, vip=2)
        contacts.create_contact(session, principal=p, name="Anna Sjöberg", now=NOW, is_staff=True)
        item = queue.create_request(
            session,
            principal=p,
            subject="budget review",
            now=NOW,
            kind="meeting_request",
            contact_id=carl.id,
            duration_min=30,
            urgency=2,
        )
        queue.create_request(session, principal=p, subject="second item", now=NOW, urgency=4)
        assert item.id is not None and carl.id is not None
        return item.id, carl.id


async def test_accept_books_a_slot_and_undo_restores(store: Store, make_app) -> None:
    item_id, carl_id = _setup(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen.records.current.key == f"r{item_id}"
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("2")  # the second of the three offered slots
        await settle(app, pilot)
        # The cursor moved on to the next item by itself.
        assert app.screen.records.current.key != f"r{item_id}"
        with store.read() as session:
            item = session.get(Request, item_id)
            assert item.status == "accepted" and item.event_id is not None
            event = session.get(Event, item.event_id)
            # NOW is Wed 08:00 Stockholm, the day empty: the finder offers the day's snug ends
            # first (09:00, then 16:30 for the 30 min), so the second offer is 16:30 local.
            assert event.start_local.hour == 16 and event.start_local.minute == 30
            assert (event.end_local - event.start_local).seconds == 30 * 60
            attendees = session.exec(select(EventAttendee)).all()
            assert [(a.event_id, a.contact_id) for a in attendees] == [(event.id, carl_id)]
            audit = session.exec(
                select(AuditEntry).where(col(AuditEntry.entity_id) == item_id)
            ).all()
            assert [(a.from_status, a.to_status) for a in audit][-1] == ("new", "accepted")
            event_id = event.id
        await pilot.press("u")
        await settle(app, pilot)
        with store.read() as session:
            item = session.get(Request, item_id)
            assert item.status == "new" and item.event_id is None
            assert session.get(Event, event_id) is None
            assert session.exec(select(EventAttendee)).all() == []
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        with store.read() as session:
            assert session.get(Request, item_id).status == "accepted"
            assert session.get(Event, event_id) is not None


async def test_delegate_decline_convert(store: Store, make_app) -> None:
    item_id, _ = _setup(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        await pilot.press("enter")  # the first (only) staff contact
        await settle(app, pilot)
        with store.read() as session:
            item = session.get(Request, item_id)
            assert item.status == "delegated"
            task = session.exec(select(Task).where(Task.request_id == item.id)).one()
            anna = session.exec(select(Contact).where(Contact.name == "Anna Sjöberg")).one()
            assert task.delegated_to_id == anna.id and task.status == "waiting"
            # Due in two working days: Wed 25 Nov -> Fri 27 Nov.
            assert str(task.due_date) == "2026-11-27"
        # The cursor is now on the second item: decline it with the template reason.
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        with store.read() as session:
            second = session.exec(select(Request).where(Request.subject == "second item")).one()
            assert second.status == "declined"
            assert second.decision_note == "declined"
            # The reply draft from the template is kept on the item (pa queue reply).
            assert "cannot take this on" in (second.extra or {}).get("reply", "")
        assert app.screen.records.ids == []


async def test_a_triaged_row_leaves_at_once_and_the_reload_confirms(
    store: Store, make_app, monkeypatch
) -> None:
    """x on the open queue takes the row off the screen in the same frame, before the re-sort
    of every open item comes back (held here until the row is already gone); a task done on
    Tasks likewise; in the decided view a done item stays, and undo brings the row back."""
    import threading

    from pa_tui.screens.queue import QueueScreen
    from pa_tui.services import tasks

    item_id, _ = _setup(store)
    with store.write() as session:
        p = principals.default_principal(session)
        first = tasks.create_task(session, principal=p, title="first task", now=NOW)
        tasks.create_task(session, principal=p, title="second task", now=NOW)
    gate = threading.Event()
    gate.set()
    original = QueueScreen.load_ids

    def held(self, session):
        assert gate.wait(10), "the test never released the reload"
        return original(self, session)

    monkeypatch.setattr(QueueScreen, "load_ids", held)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        shown = app.screen.records
        assert shown.current.key == f"r{item_id}" and len(shown.ids) == 2
        gate.clear()  # the reload after x waits: only the drop can change the list
        await pilot.press("x")
        await pilot.pause()
        assert item_id not in shown.ids and len(shown.ids) == 1
        assert shown.current is not None and shown.current.key != f"r{item_id}"
        gate.set()
        await settle(app, pilot)
        assert item_id not in shown.ids and len(shown.ids) == 1
        with store.read() as session:
            assert session.get(Request, item_id).status == "done"
        await pilot.press("u")  # undo: the reload brings the row back
        await settle(app, pilot)
        assert shown.ids[0] == item_id and len(shown.ids) == 2
        # In the decided view a done item belongs.
        await pilot.press("g")
        assert shown.current.key == f"r{item_id}"
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("f", "f", "f")  # open -> screened -> waiting -> decided
        await settle(app, pilot)
        assert app.screen.mode == "decided" and item_id in app.screen.records.ids
        assert not app.screen.left_view(f"r{item_id}")
        # Tasks: done leaves every task filter.
        await pilot.press("5")
        await settle(app, pilot)
        tasks_list = app.screen.records
        assert tasks_list.current.key == f"t{first.id}"
        await pilot.press("x")
        await pilot.pause()
        assert first.id not in tasks_list.ids
        await settle(app, pilot)
        assert first.id not in tasks_list.ids and len(tasks_list.ids) == 1

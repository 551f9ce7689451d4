"""The queue engine in the cockpit: the explained score in the detail pane, `y` copies the reply
draft, `f` shows screened-out / waiting / decided items, `r` reopens, a document is approved into a
pay-by task and `$` marks it paid; rules stored from the config screen cockpit captures too."""

from __future__ import annotations

from sqlmodel import col, select

from conftest import NOW, settle
from pa_tui.models import QueueDocument, Request, Task
from pa_tui.services import contacts, principals, queue, queue_settings
from pa_tui.services.queue_settings import QueueConfig
from pa_tui.store import Store


def _detail(app) -> str:
    return str(app.screen.query_one("#detail").render())


def _setup(store: Store) -> dict[str, int]:
    with store.write() as session:
        p = principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)
        boss = contacts.create_contact(session, principal=p, name="Ann Boss", now=NOW, vip=3)
        spam = contacts.create_contact(
            session, principal=p, name="Spam Co", now=NOW, policy="block"
        )
        contacts.create_contact(session, principal=p, name="Finance Team", now=NOW, is_staff=True)
        queue_settings.sync(
            session,
            QueueConfig(rules=(("subject~lottery -> screen out", "test:1"),)),
            now=NOW,
        )
        vip = queue.create_request(
            session, principal=p, subject="budget call", now=NOW, contact_id=boss.id, urgency=2
        )
        junk = queue.create_request(
            session, principal=p, subject="you won", now=NOW, contact_id=spam.id
        )
        lottery = queue.create_request(session, principal=p, subject="lottery news", now=NOW)
        doc = queue.create_request(
            session,
            principal=p,
            subject="Invoice 7",
            now=NOW,
            kind="document",
            from_name="Acme",
            document={"amount_cents": 120050, "currency": "EUR", "reference": "INV-7"},
        )
    assert vip.id and junk.id and lottery.id and doc.id
    return {"vip": vip.id, "junk": junk.id, "lottery": lottery.id, "doc": doc.id}


async def test_detail_explains_the_score_and_screened_items_are_reviewable(
    store: Store, make_app
) -> None:
    ids = _setup(store)
    with store.read() as session:
        assert session.get(Request, ids["junk"]).status == "screened"
        assert session.get(Request, ids["lottery"]).status == "screened"
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen.records.current.key == f"r{ids['vip']}"
        shown = _detail(app)
        assert "VIP tier 3" in shown and "urgency p2" in shown and "answer in" in shown
        keys = [f"r{i}" for i in app.screen.records.ids]
        assert f"r{ids['junk']}" not in keys and f"r{ids['lottery']}" not in keys

        await pilot.press("f")  # screened out
        await settle(app, pilot)
        keys = [f"r{i}" for i in app.screen.records.ids]
        assert set(keys) == {f"r{ids['junk']}", f"r{ids['lottery']}"}
        await pilot.press("G")
        await settle(app, pilot)
        current = app.screen.records.current.key
        assert "screened" in _detail(app)
        await pilot.press("r")  # reopen: back in the queue
        await settle(app, pilot)
        with store.read() as session:
            assert session.get(Request, int(current[1:])).status == "new"
        for _ in range(3):  # screened -> waiting -> decided -> open
            await pilot.press("f")
            await settle(app, pilot)
        keys = [f"r{i}" for i in app.screen.records.ids]
        assert current in keys


async def test_decline_then_y_copies_the_reply(store: Store, make_app) -> None:
    ids = _setup(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen.records.current.key == f"r{ids['vip']}"
        await pilot.press("c", "enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard.startswith("Dear Ann Boss")
        with store.read() as session:
            item = session.get(Request, ids["vip"])
            assert item.status == "declined" and item.extra["reply"] == app.clipboard


async def test_document_is_approved_into_a_pay_task_and_marked_paid(store: Store, make_app) -> None:
    ids = _setup(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        keys = [f"r{i}" for i in app.screen.records.ids]
        while app.screen.records.current.key != f"r{ids['doc']}":
            await pilot.press("j")
            await settle(app, pilot)
        assert "1,200.50 EUR" in _detail(app) and "INV-7" in _detail(app)
        await pilot.press("a")
        await settle(app, pilot)
        with store.read() as session:
            doc = session.get(QueueDocument, ids["doc"])
            task = session.get(Task, doc.pay_task_id)
            assert task.title.startswith("Pay Acme 1,200.50 EUR ref INV-7")
            assert task.project == "invoices" and doc.approved_at is not None
        await pilot.press("f", "f", "f")  # decided
        await settle(app, pilot)
        keys = [f"r{i}" for i in app.screen.records.ids]
        assert f"r{ids['doc']}" in keys
        while app.screen.records.current.key != f"r{ids['doc']}":
            await pilot.press("j")
            await settle(app, pilot)
        await pilot.press("dollar_sign")
        await settle(app, pilot)
        with store.read() as session:
            doc = session.get(QueueDocument, ids["doc"])
            assert doc.paid_at is not None
            assert session.get(Task, doc.pay_task_id).status == "done"
        await pilot.press("u")  # undo restores the unpaid document and the open task
        await settle(app, pilot)
        with store.read() as session:
            doc = session.get(QueueDocument, ids["doc"])
            assert doc.paid_at is None
            assert session.get(Task, doc.pay_task_id).status == "todo"


async def test_cockpit_capture_is_screened_by_the_stored_rules(store: Store, make_app) -> None:
    _setup(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        app.capture("call Someone lottery winnings")
        await settle(app, pilot)
    with store.read() as session:
        item = session.exec(
            select(Request).where(col(Request.subject).contains("lottery winnings"))
        ).one()
        assert item.status == "screened"
        assert "subject~lottery" in (item.rules_applied or "")

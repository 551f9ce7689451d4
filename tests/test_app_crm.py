"""Contacts as a CRM in the cockpit: open a dossier from a queue item and from an event, log an
interaction, add a relation, set a cadence, and merge two contacts (and undo the merge)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from conftest import NOW, settle
from pa_tui.models import (
    Contact,
    ContactEmail,
    EventAttendee,
    ImportantDate,
    Interaction,
    KeepInTouch,
    Relation,
    Request,
)
from pa_tui.screens.dossier import DossierModal
from pa_tui.services import contacts, duplicates, events, principals, queue
from pa_tui.store import Store

ZONE = "Europe/Stockholm"


def _setup(store: Store) -> dict[str, int]:
    with store.write() as session:
        p = principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW)
        maria = contacts.create_contact(
            session,
            principal=p,
            name="Maria Berg",
            now=NOW,
            org="Acme",
            role="CFO",
            emails=["maria@acme.example"],
            phones=["+46 8 123 45 67"],
            birthday="1975-11-27",
            notes="Prefers tea",
        )
        twin = contacts.create_contact(
            session,
            principal=p,
            name="maria berg",
            now=NOW,
            emails=["MARIA@acme.example"],
            phones=["070-111 22 33"],
        )
        leo = contacts.create_contact(session, principal=p, name="Leo Berg", now=NOW)
        session.add(Relation(contact_id=maria.id, kind="child", other_contact_id=leo.id))
        session.add(Interaction(contact_id=twin.id, at=NOW, kind="email", summary="sent deck"))
        item = queue.create_request(
            session, principal=p, subject="budget talk", now=NOW, contact_id=maria.id, urgency=1
        )
        ev = events.create_event(
            session,
            principal=p,
            title="Board",
            now=NOW,
            tz=ZONE,
            start_local=datetime(2026, 11, 25, 14),
            end_local=datetime(2026, 11, 25, 15),
        )
        session.add(EventAttendee(event_id=ev.id, contact_id=twin.id))
        session.flush()
        return {"maria": maria.id, "twin": twin.id, "leo": leo.id, "item": item.id, "event": ev.id}


def _dossier_text(app) -> str:
    return str(app.screen.query_one("#dossier").render())


async def test_dossier_from_a_queue_item_and_from_an_event(store: Store, make_app) -> None:
    ids = _setup(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen.records.current.key == f"r{ids['item']}"
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, DossierModal)
        text = _dossier_text(app)
        assert "Maria Berg" in text and "CFO" in text and "Acme" in text
        assert "child" in text and "Leo Berg" in text  # relations with names
        assert "turns 51" in text  # upcoming dates
        assert f"r{ids['item']}" in text and "Prefers tea" in text  # open requests, notes
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, DossierModal)
        await pilot.press("2")  # Agenda: the Board meeting today, attended by the twin
        await settle(app, pilot)
        while "Board" not in " ".join(app.screen.records.current.cells):
            await pilot.press("j")
            await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, DossierModal)
        assert "Board" in _dossier_text(app) and "sent deck" in _dossier_text(app)


async def test_log_relate_and_cadence_from_contacts(store: Store, make_app) -> None:
    ids = _setup(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        while app.screen.records.current.key != f"c{ids['leo']}":
            await pilot.press("j")
            await settle(app, pilot)
        await pilot.press("l", "1")  # a call
        await settle(app, pilot)
        await pilot.press(*"asked about school", "enter")
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        await pilot.press(*"custom godfather Anders", "enter")
        await settle(app, pilot)
        await pilot.press("K")
        await settle(app, pilot)
        await pilot.press(*"6w", "enter")
        await settle(app, pilot)
        detail = str(app.screen.query_one("#detail").render())
        assert "asked about school" in detail and "godfather" in detail
        assert "parent" in detail and "Maria Berg" in detail  # Maria's child Leo, both ways
    with store.read() as session:
        logged = session.exec(
            select(Interaction).where(col(Interaction.contact_id) == ids["leo"])
        ).one()
        assert (logged.kind, logged.summary) == ("call", "asked about school")
        rel = session.exec(select(Relation).where(col(Relation.label) == "godfather")).one()
        assert (rel.contact_id, rel.other_name, rel.other_contact_id) == (
            ids["leo"],
            "Anders",
            None,
        )
        assert session.get(KeepInTouch, ids["leo"]).every_days == 42


async def test_merge_two_contacts_and_undo(store: Store, make_app) -> None:
    ids = _setup(store)
    with store.read() as session:
        before = duplicates.linked_counts(session, [ids["maria"], ids["twin"]])
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        while app.screen.records.current.key != f"c{ids['maria']}":
            await pilot.press("j")
            await settle(app, pilot)
        await pilot.press("M")
        await settle(app, pilot)
        await pilot.press("1")  # the one likely duplicate: same email
        await settle(app, pilot)
        with store.read() as session:
            assert session.get(Contact, ids["twin"]) is None
            after = duplicates.linked_counts(session, [ids["maria"]])
            emails = session.exec(
                select(ContactEmail).where(col(ContactEmail.contact_id) == ids["maria"])
            ).all()
            assert [e.value for e in emails] == ["maria@acme.example"]  # the same one, once
            assert session.exec(
                select(EventAttendee).where(col(EventAttendee.contact_id) == ids["maria"])
            ).one()
            assert session.get(Request, ids["item"]).contact_id == ids["maria"]
        # Every link kept; only the duplicate email collapsed into one.
        assert sum(after.values()) == sum(before.values()) - 1
        assert after["interaction.contact_id"] == before["interaction.contact_id"]
        assert after["contact_phone.contact_id"] == before["contact_phone.contact_id"]
        await pilot.press("u")
        await settle(app, pilot)
    with store.read() as session:
        assert session.get(Contact, ids["twin"]).name == "maria berg"
        assert duplicates.linked_counts(session, [ids["maria"], ids["twin"]]) == before
        assert session.exec(select(ImportantDate)).all()  # Maria's birthday untouched

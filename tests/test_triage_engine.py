"""Triage actions and reports as services, with a fixed `now`: arrival by the services path (rules,
delegation, documents), decline drafts from templates, reopen, document approval and payment,
the invoice report's states and totals, and the queue's daily figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from conftest import NOW
from pa_tui.errors import PaError
from pa_tui.models import AuditEntry, Principal, QueueDocument, Request, Task
from pa_tui.services import contacts, principals, queue, reports, triage
from pa_tui.services.queue_settings import QueueConfig, sync
from pa_tui.store import Store


def _principal(session: Session) -> Principal:
    return principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)


def _trail(session: Session, item_id: int) -> list[tuple[str | None, str | None]]:
    rows = session.exec(
        select(AuditEntry)
        .where(col(AuditEntry.entity) == "request", col(AuditEntry.entity_id) == item_id)
        .order_by(col(AuditEntry.id))
    ).all()
    return [(a.from_status, a.to_status) for a in rows]


def test_services_arrival_applies_rules_and_delegates(store: Store) -> None:
    rules = (
        ("kind=document and subject~invoice -> delegate fin", "c:1"),
        ("from.vip>=2 -> urgency high", "c:2"),
    )
    with store.write() as session:
        p = _principal(session)
        sync(session, QueueConfig(rules=rules), now=NOW)
        finance = contacts.create_contact(
            session, principal=p, name="Finance Team", now=NOW, is_staff=True
        )
        boss = contacts.create_contact(session, principal=p, name="Ann", now=NOW, vip=2)
        inv = queue.create_request(
            session,
            principal=p,
            subject="Invoice 12",
            now=NOW,
            kind="document",
            contact_id=boss.id,
            document={"amount_cents": 5000, "currency": "EUR", "due_date": date(2026, 12, 1)},
        )
        assert inv.status == "delegated" and inv.urgency == 2
        assert "rule 1" in (inv.rules_applied or "") and "rule 2" in (inv.rules_applied or "")
        task = session.exec(select(Task).where(col(Task.request_id) == inv.id)).one()
        assert task.delegated_to_id == finance.id and task.status == "waiting"
        # Wed 25 Nov + two working days.
        assert task.due_date == date(2026, 11, 27)
        doc = session.get(QueueDocument, inv.id)
        assert doc is not None and doc.vendor == "Ann" and doc.amount_cents == 5000
        assert _trail(session, inv.id or 0) == [(None, "new"), ("new", "delegated")]


def test_screen_false_skips_rules(store: Store) -> None:
    with store.write() as session:
        p = _principal(session)
        sync(session, QueueConfig(rules=(("subject~x -> screen out", "c:1"),)), now=NOW)
        kept = queue.create_request(session, principal=p, subject="x", now=NOW, screen=False)
        screened = queue.create_request(session, principal=p, subject="x", now=NOW)
        assert kept.status == "new" and screened.status == "screened"


def test_decline_draft_fills_placeholders_and_keeps_the_reply(store: Store) -> None:
    with store.write() as session:
        p = _principal(session)
        carl = contacts.create_contact(session, principal=p, name="Carl", now=NOW)
        item = queue.create_request(
            session, principal=p, subject="{dinner}", now=NOW, contact_id=carl.id
        )
        custom = {"decline": "Hi {name}: {principal} says no to {subject}; {alternative}?"}
        text = triage.decline_draft(session, item, p, custom=custom, now=NOW)
        # The sender's braces are data, not placeholders; {alternative} is the next free slot.
        assert text.startswith("Hi Carl: Eva Lind says no to {dinner}; ")
        assert "2026-11-25 09:00" in text
        with pytest.raises(PaError, match="no reply template 'nope'"):
            triage.decline_draft(session, item, p, template="nope")
        triage.decline(session, item, reason="busy", now=NOW, reply=text)
        assert triage.reply_of(item) == text and item.decision_note == "busy"
        with pytest.raises(PaError, match="declined already"):
            triage.decline(session, item, reason="again", now=NOW)


def test_reopen_brings_back_screened_and_decided_items(store: Store) -> None:
    with store.write() as session:
        p = _principal(session)
        spam = contacts.create_contact(session, principal=p, name="Spam", now=NOW, policy="block")
        junk = queue.create_request(
            session, principal=p, subject="buy", now=NOW, contact_id=spam.id
        )
        assert junk.status == "screened" and "policy: block" in (junk.rules_applied or "")
        triage.reopen(session, junk, now=NOW + timedelta(hours=1))
        assert junk.status == "new"
        with pytest.raises(PaError, match="open already"):
            triage.reopen(session, junk, now=NOW)
        done = queue.create_request(session, principal=p, subject="done", now=NOW)
        triage.done(session, done, now=NOW)
        triage.reopen(session, done, now=NOW)
        assert done.status == "new"
        assert _trail(session, junk.id or 0) == [(None, "screened"), ("screened", "new")]


def test_document_approval_makes_a_pay_task_and_payment_completes_it(store: Store) -> None:
    with store.write() as session:
        p = _principal(session)
        doc_item = queue.create_request(
            session,
            principal=p,
            subject="Hosting",
            now=NOW,
            kind="document",
            from_name="Acme",
            document={
                "amount_cents": 120050,
                "currency": "EUR",
                "reference": "INV-1",
                "due_date": date(2026, 12, 10),
            },
        )
        task = triage.accept(session, doc_item, p, slot=(NOW, NOW), now=NOW)
        assert isinstance(task, Task)
        assert task.title == "Pay Acme 1,200.50 EUR ref INV-1 (Hosting)"
        assert task.due_date == date(2026, 12, 10) and task.project == "invoices"
        doc = session.get(QueueDocument, doc_item.id)
        assert doc is not None and doc.approved_at is not None and doc.pay_task_id == task.id
        assert doc_item.status == "accepted"
        triage.mark_paid(session, doc_item, now=NOW + timedelta(days=1))
        assert task.status == "done" and doc.paid_at is not None
        with pytest.raises(PaError, match="was paid on"):
            triage.mark_paid(session, doc_item, now=NOW)
        plain = queue.create_request(session, principal=p, subject="no doc", now=NOW)
        with pytest.raises(PaError, match="not a document"):
            triage.mark_paid(session, plain, now=NOW)


def test_invoice_report_states_and_totals(store: Store) -> None:
    with store.write() as session:
        p = _principal(session)

        def doc(subject: str, cents: int, cur: str, due: date, **kw: object) -> Request:
            return queue.create_request(
                session,
                principal=p,
                subject=subject,
                now=NOW,
                kind="document",
                from_name=str(kw.get("vendor", "Acme")),
                confidential=bool(kw.get("confidential", False)),
                document={"amount_cents": cents, "currency": cur, "due_date": due},
            )

        doc("open one", 10000, "EUR", date(2026, 12, 1))
        late = doc("late one", 2500, "EUR", date(2026, 11, 20))
        paid = doc("paid one", 7000, "SEK", date(2026, 11, 30), vendor="Globex")
        approved = doc("approved", 300, "USD", date(2026, 12, 5), vendor="Initech")
        doc("secret", 99999, "EUR", date(2026, 12, 1), confidential=True)
        triage.approve_document(session, paid, p, now=NOW)
        triage.mark_paid(session, paid, now=NOW)
        triage.approve_document(session, approved, p, now=NOW)
        assert late.id is not None
    with store.read() as session:
        report = reports.invoices(session, p, now=NOW)
        full = reports.invoices(session, p, now=NOW, include_confidential=True)
    states = {line.subject: line.state for line in report.lines}
    assert states == {
        "open one": "open",
        "late one": "overdue",
        "paid one": "paid",
        "approved": "approved",
    }
    assert report.hidden == 1 and len(full.lines) == 5
    assert report.totals == {
        ("open", "EUR"): 10000,
        ("overdue", "EUR"): 2500,
        ("paid", "SEK"): 7000,
        ("approved", "USD"): 300,
    }
    assert report.by_vendor == {("Acme", "EUR"): 12500, ("Initech", "USD"): 300}


def test_queue_week_counts_received_decided_median_and_overdue(store: Store) -> None:
    with store.write() as session:
        p = _principal(session)
        yesterday = NOW - timedelta(days=1)
        a = queue.create_request(session, principal=p, subject="a", now=yesterday)
        b = queue.create_request(session, principal=p, subject="b", now=yesterday)
        # Two calls received yesterday; one decided 30 min later, one 90 min later (today).
        triage.done(session, a, now=yesterday + timedelta(minutes=30))
        triage.done(session, b, now=NOW + timedelta(minutes=90) - timedelta(days=0))
        # One call left unanswered: overdue by the end of yesterday (4 h answer time).
        queue.create_request(session, principal=p, subject="c", now=yesterday)
        queue.create_request(session, principal=p, subject="d", now=NOW)
    with store.read() as session:
        days = reports.queue_week(session, p, now=NOW + timedelta(hours=2), days=2)
    first, second = days
    assert (first.received, first.decided, first.median_minutes) == (3, 1, 30.0)
    assert first.overdue == 2  # b and c were both open past 4 h at the end of yesterday
    assert (second.received, second.decided) == (1, 1)
    assert second.median_minutes == pytest.approx(24 * 60 + 90)
    assert second.overdue == 1  # c, still open now

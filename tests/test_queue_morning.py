"""A scripted morning in the cockpit: 50 new items triaged with a stated mix of actions, every key
counted (at most 120), and every resulting event, task, status and audit row checked."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

from sqlmodel import col, select

from conftest import NOW, settle
from pa_tui.models import AuditEntry, Contact, Event, EventAttendee, Request, Task
from pa_tui.services import contacts, principals, queue
from pa_tui.store import Store

# The mix the issue states: 10 accept into a slot, 10 decline, 10 snooze, 10 delegate,
# 5 to task, 5 done. The plan is written in each subject so the test knows what to press.
PLAN = ["accept"] * 10 + ["decline"] * 10 + ["snooze"] * 10 + ["delegate"] * 10
PLAN += ["task"] * 5 + ["done"] * 5
KEYS = {
    "accept": ["a", "enter"],  # the first offered free slot
    "decline": ["c", "enter"],  # the template's reply as it stands
    "snooze": ["s", "1"],  # tomorrow 9:00
    "delegate": ["o", "enter"],  # the first (only) staff member
    "task": ["t"],
    "done": ["x"],
}


def _morning(store: Store) -> dict[int, str]:
    """50 new items from 10 senders, received over the last hours; returns id -> planned action."""
    plan: dict[int, str] = {}
    with store.write() as session:
        p = principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)
        people = [
            contacts.create_contact(session, principal=p, name=f"Sender {n}", now=NOW, vip=n % 3)
            for n in range(10)
        ]
        contacts.create_contact(session, principal=p, name="Anna Staff", now=NOW, is_staff=True)
        for n, action in enumerate(PLAN):
            item = queue.create_request(
                session,
                principal=p,
                subject=f"{action} item {n}",
                now=NOW,
                kind="meeting_request" if action == "accept" else ("call", "email")[n % 2],
                contact_id=people[n % 10].id,
                duration_min=30,
                urgency=1 + n % 4,
                received_at=NOW - timedelta(minutes=5 * n),
            )
            assert item.id is not None
            plan[item.id] = action
    return plan


async def test_fifty_items_triaged_in_at_most_120_keys(store: Store, make_app) -> None:
    plan = _morning(store)
    app = make_app(store)
    pressed = 0
    done_in_order: list[tuple[int, str]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        pressed += 1
        await settle(app, pilot)
        for _ in range(len(plan)):
            row = app.screen.records.current
            assert row is not None, f"the queue ran dry after {len(done_in_order)} items"
            item_id = int(row.key[1:])
            action = plan[item_id]
            for key in KEYS[action]:
                await pilot.press(key)
                pressed += 1
                await settle(app, pilot)
            done_in_order.append((item_id, action))
        assert app.screen.records.current is None  # the queue is clear
    assert pressed <= 120, pressed
    assert Counter(a for _, a in done_in_order) == Counter(PLAN)
    assert {i for i, _ in done_in_order} == set(plan)

    expected_status = {
        "accept": "accepted",
        "decline": "declined",
        "snooze": "deferred",
        "delegate": "delegated",
        "task": "converted",
        "done": "done",
    }
    with store.read() as session:
        staff = session.exec(select(Contact).where(col(Contact.is_staff))).one()
        items = {r.id: r for r in session.exec(select(Request)).all()}
        tasks = session.exec(select(Task)).all()
        events = {e.id: e for e in session.exec(select(Event)).all()}
        attendees = session.exec(select(EventAttendee)).all()
        audit = session.exec(select(AuditEntry).where(col(AuditEntry.entity) == "request")).all()
    for item_id, action in plan.items():
        item = items[item_id]
        assert item.status == expected_status[action], (item.subject, item.status)
        trail = [(a.from_status, a.to_status) for a in audit if a.entity_id == item_id]
        # Arrival, then exactly one decision.
        assert trail == [(None, "new"), ("new", expected_status[action])], (item.subject, trail)

    # 10 events, one per accepted meeting, each with its sender attending, none overlapping.
    accepted = [items[i] for i, a in plan.items() if a == "accept"]
    assert len(events) == 10
    assert {i.event_id for i in accepted} == set(events)
    assert {(a.event_id, a.contact_id) for a in attendees} == {
        (i.event_id, i.contact_id) for i in accepted
    }
    spans = sorted((e.start_utc, e.end_utc) for e in events.values())
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert all(e.start_utc >= NOW for e in events.values())

    # Declines keep the template reply for `pa queue reply`.
    for i, a in plan.items():
        if a == "decline":
            assert "Sender" in (items[i].extra or {}).get("reply", "")

    # Snoozed ones come back tomorrow at 9:00 local (08:00 UTC in November).
    for i, a in plan.items():
        if a == "snooze":
            snoozed = items[i].snooze_until
            assert snoozed is not None and snoozed.strftime("%Y-%m-%d %H:%M") == "2026-11-26 08:00"

    # 10 waiting tasks for the staff member, 5 plain tasks; each points back at its item.
    by_request = {t.request_id: t for t in tasks}
    assert len(tasks) == 15
    for i, a in plan.items():
        if a == "delegate":
            t = by_request[i]
            assert t.status == "waiting" and t.delegated_to_id == staff.id
        elif a == "task":
            t = by_request[i]
            assert t.status == "todo" and t.title == items[i].subject
        else:
            assert i not in by_request

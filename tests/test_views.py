"""The cockpit's list queries: SQL scoring agrees with the Python scoring, filters pick right."""

from __future__ import annotations

import random
from datetime import timedelta

from conftest import NOW
from pa_tui.services import contacts, principals, queue, views
from pa_tui.services.views import _queue_ids_python, _queue_ids_sql
from pa_tui.store import Store


def test_sql_queue_order_equals_python_scoring(store: Store) -> None:
    rng = random.Random(3)
    with store.write() as session:
        p = principals.add_principal(session, name="Eva", tz="Europe/Stockholm", now=NOW)
        people = [
            contacts.create_contact(
                session,
                principal=p,
                name=f"P{i}",
                now=NOW,
                vip=i % 4,
                policy="through" if i % 3 == 0 else "screen",
            )
            for i in range(8)
        ]
        for i in range(300):
            item = queue.create_request(
                session,
                principal=p,
                subject=f"item {i}",
                now=NOW,
                contact_id=rng.choice(people).id if i % 3 else None,
                kind=rng.choice(queue.KINDS),
                urgency=rng.randint(1, 4),
                # Whole seconds apart, so no two items tie on age by a rounding hair.
                received_at=NOW - timedelta(seconds=rng.randint(0, 4 * 86400)),
                deadline=NOW + timedelta(hours=rng.randint(-48, 120)) if i % 4 == 0 else None,
            )
            if i % 10 == 0:
                queue.set_status(session, item, "done", now=NOW)
    with store.read() as session:
        sql = _queue_ids_sql(session, p, now=NOW, only=None)
        py = _queue_ids_python(session, p, now=NOW, only=None)
        assert len(sql) == 270
        assert sql == py
        rows = views.queue_rows(session, p, sql, now=NOW)
        totals = [r.extra["score"].total for r in rows]
        assert totals == sorted(totals, reverse=True)
        # The mix exercises every sender-dependent term the SQL has to agree on.
        made = [dict(r.extra["score"].terms) for r in rows]
        assert any(r.extra["score"].overdue for r in rows)
        assert not all(r.extra["score"].overdue for r in rows)
        assert any("sender through" in m for m in made) and any("sender unknown" in m for m in made)

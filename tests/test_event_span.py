"""A day's events are read as a two-sided range (start_utc >= day start - the longest single
event, kept by triggers): a long event begun days before the window must still be found."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import NOW
from pa_tui import sqlite_reads
from pa_tui.services import events, principals
from pa_tui.store import Store

ZONE = "Europe/Stockholm"


def test_a_long_event_started_before_the_window_is_found(store: Store, db_path: Path) -> None:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva", tz=ZONE, now=NOW, default=True)
        conference = events.create_event(session, principal=me, title="Conference", now=NOW,
                                         tz=ZONE, start_local=datetime(2026, 11, 10, 9),
                                         end_local=datetime(2026, 11, 30, 17))  # fmt: skip
        events.create_event(session, principal=me, title="Short", now=NOW, tz=ZONE,
                            start_local=datetime(2026, 11, 25, 9),
                            end_local=datetime(2026, 11, 25, 10))  # fmt: skip
        span = events.longest_single(session)
        assert span is not None and span > timedelta(days=20)
        window = (datetime(2026, 11, 25, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC))
        titles = sorted(o.event.title for o in events.occurrences(session, me, *window))
        assert titles == ["Conference", "Short"]
        # Moving it later (an UPDATE) keeps the bound an upper bound.
        conference.end_local = datetime(2026, 12, 20, 17)
        events.derive_utc(conference, ZONE)
        session.add(conference)
    conn = sqlite3.connect(db_path)
    days = conn.execute("SELECT days FROM event_span").fetchone()[0]
    assert days > 40
    found, _overrides = sqlite_reads.events_between(
        conn, 1, datetime(2026, 12, 15, tzinfo=UTC), datetime(2026, 12, 16, tzinfo=UTC)
    )
    conn.close()
    assert [ev.title for ev in found] == ["Conference"]

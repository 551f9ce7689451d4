"""Figure 6: the agenda engine on a store with 2,000 recurring series and 20,000 single events.

Timed in process (the services, as the cockpit's workers call them): occurrences for one week
(warm, and with the expansion caches cleared) and for one year, the Agenda screen's week of
lines, and a free-slot search over one month. Baseline: the same week expanded the naive way
(every series walked from its own DTSTART, as dateutil does by default).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SERIES, SINGLES = 2000, 20000
NOW = datetime(2026, 11, 25, 7, tzinfo=UTC)
RULES = [
    "FREQ=WEEKLY;BYDAY=MO",
    "FREQ=WEEKLY;BYDAY=TU,TH",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
    "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=MONTHLY;BYDAY=1FR",
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "FREQ=YEARLY",
    "FREQ=WEEKLY;BYDAY=FR;COUNT=80",
    "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270601T000000Z",
]


def make_store(path: Path) -> None:
    """The store, written with SQLAlchemy Core in one transaction (rows derived by the services'
    own rules, so expansion sees exactly what `pa event` would have written)."""
    from pa_tui.models import Event
    from pa_tui.services import events, principals
    from pa_tui.store import open_sqlite

    rng = random.Random(11)
    store = open_sqlite(path)
    zone = "Europe/Stockholm"
    with store.write() as session:
        me = principals.add_principal(session, name="Bench", tz=zone, now=NOW, default=True)
        rows: list[dict[str, Any]] = []
        for n in range(SERIES + SINGLES):
            recurring = n < SERIES
            back = rng.randint(0, 3 * 365) if recurring else rng.randint(-365, 365)
            start = datetime(2026, 11, 25, rng.randint(7, 18), rng.choice([0, 15, 30, 45]))
            start -= timedelta(days=back)
            ev = Event(principal_id=me.id or 0, title=f"event {n}", tz=zone, start_local=start,
                       end_local=start + timedelta(minutes=rng.choice([15, 30, 60, 90])),
                       rrule=rng.choice(RULES) if recurring else None,
                       start_utc=NOW, end_utc=NOW, created_at=NOW, updated_at=NOW)  # fmt: skip
            events.derive_utc(ev, zone)
            rows.append(ev.model_dump(exclude={"id"}))
        session.execute(Event.__table__.insert(), rows)  # type: ignore[attr-defined]
    store.close()


def _times(fn: Any, runs: int) -> list[float]:
    fn()  # warm-up (imports, SQLite page cache, the parsed-rule cache)
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def measure(path: Path, runs: int, summary: Any) -> dict[str, Any]:
    from pa_tui.services import agenda_view, events, principals, recurrence, slots
    from pa_tui.store import open_sqlite

    store = open_sqlite(path)
    week = (NOW, NOW + timedelta(days=7))
    year = (NOW, NOW + timedelta(days=365))
    out: dict[str, Any] = {}
    with store.read() as session:
        me = principals.default_principal(session)
        assert me is not None

        def naive_week() -> None:
            # The same query, each series walked from its own DTSTART (dateutil's default).
            events.occurrences(session, me, *week, near_start=False)

        found: dict[str, int] = {}

        def occ(span: tuple[datetime, datetime], label: str) -> None:
            found[label] = len(events.occurrences(session, me, *span))

        base = _times(naive_week, max(3, runs // 3))
        out["baseline: a week, series walked from their start"] = summary(base)
        for label, span in (("week", week), ("year", year)):
            n = runs if label == "week" else max(3, runs // 4)
            t = _times(lambda span=span, label=label: occ(span, label), n)
            out[f"occurrences, one {label}"] = {
                **summary(t),
                "ratio": round(statistics.median(t) / statistics.median(base), 2),
                "occurrences": found[label],
            }

        def cold_week() -> None:
            recurrence.clear_caches()
            occ(week, "cold week")

        t = _times(cold_week, max(3, runs // 3))
        out["occurrences, one week, caches cleared"] = {
            **summary(t),
            "ratio": round(statistics.median(t) / statistics.median(base), 2),
        }
        t = _times(lambda: agenda_view.day_lines(session, me, NOW.date(), days=7), runs)
        out["Agenda week lines"] = summary(t)

        def month_of_slots() -> None:
            slots.free_slots(session, me, now=NOW, duration=timedelta(minutes=45), days=30)

        t = _times(month_of_slots, runs)
        out["free slots, 45 min over a month"] = summary(t)
    store.close()
    return out

"""Completing a recurring task creates the next one: by due date (skipping what fell behind), or
from the completion day with `every!`; UNTIL ends the series."""

from __future__ import annotations

from datetime import date

from conftest import NOW
from pa_tui.services import principals, tasks
from pa_tui.store import Store


def _done(store: Store, **kw: object) -> tuple[object, object]:
    with store.write() as session:
        me = principals.ensure_default(session, now=NOW)
        task = tasks.create_task(session, principal=me, title="Report", now=NOW, **kw)  # type: ignore[arg-type]
        nxt = tasks.complete_task(session, task, now=NOW, tz=me.tz)
        return task.status, (nxt.due_date, nxt.rrule, nxt.status) if nxt else None


def test_a_due_date_series_skips_to_the_first_occurrence_after_today(store: Store) -> None:
    # Due Friday 13 Nov, weekly, done on Wednesday 25 Nov: next is Friday 27 Nov, not 20 Nov.
    status, nxt = _done(store, due_date=date(2026, 11, 13), rrule="FREQ=WEEKLY")
    assert status == "done" and nxt == (date(2026, 11, 27), "FREQ=WEEKLY", "todo")


def test_every_bang_counts_from_completion(store: Store) -> None:
    _status, nxt = _done(store, due_date=date(2026, 11, 13), rrule="FREQ=WEEKLY;INTERVAL=2",
                         recur_from_completion=True)  # fmt: skip
    assert nxt is not None and nxt[0] == date(2026, 12, 9)  # two weeks after 25 Nov


def test_until_ends_the_series(store: Store) -> None:
    with store.write() as session:
        me = principals.ensure_default(session, now=NOW)
        task = tasks.create_task(session, principal=me, title="x", now=NOW,
                                 due_date=date(2026, 11, 25), rrule="FREQ=WEEKLY")  # fmt: skip
        task.until_date = date(2026, 11, 30)
        assert tasks.complete_task(session, task, now=NOW, tz=me.tz) is None

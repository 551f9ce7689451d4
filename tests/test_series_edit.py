"""Editing a recurring event: this occurrence, this and following (a split that leaves the past
alone), all; cancelling one occurrence; and the errors when the occurrence does not exist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from conftest import NOW
from pa_tui.errors import PaError
from pa_tui.models import Contact, Event, EventAttendee
from pa_tui.services import events, principals, series
from pa_tui.services.timeutil import utc_to_local
from pa_tui.store import Store

ZONE = "Europe/Stockholm"
NOV = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


def _setup(store: Store, rrule: str = "FREQ=WEEKLY;BYDAY=MO") -> int:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva", tz=ZONE, now=NOW, default=True)
        ev = events.create_event(session, principal=me, title="Weekly", now=NOW, tz=ZONE,
                                 rrule=rrule, location="Room 1",
                                 start_local=datetime(2026, 11, 2, 10),
                                 end_local=datetime(2026, 11, 2, 11))  # fmt: skip
        carl = Contact(principal_id=me.id, name="Carl", created_at=NOW, updated_at=NOW)
        session.add(carl)
        session.flush()
        session.add(EventAttendee(event_id=ev.id, contact_id=carl.id))
        assert ev.id is not None
        return ev.id


def _month(store: Store, span: tuple[datetime, datetime] = NOV) -> list[tuple[str, str]]:
    with store.read() as session:
        me = principals.default_principal(session)
        assert me is not None
        return [
            (f"{utc_to_local(o.start, ZONE):%d %H:%M}", o.event.title)
            for o in events.occurrences(session, me, *span)
        ]


def test_move_this_one_occurrence_only(store: Store) -> None:
    eid = _setup(store)
    with store.write() as session:
        series.move_occurrence(session, eid, datetime(2026, 11, 16, 10),
                               start_local=datetime(2026, 11, 17, 14),
                               end_local=datetime(2026, 11, 17, 15), now=NOW)  # fmt: skip
    assert _month(store) == [("02 10:00", "Weekly"), ("09 10:00", "Weekly"),
                             ("17 14:00", "Weekly"), ("23 10:00", "Weekly"),
                             ("30 10:00", "Weekly")]  # fmt: skip
    with store.write() as session:  # moving it again edits the same override
        series.move_occurrence(session, eid, datetime(2026, 11, 16, 10),
                               start_local=datetime(2026, 11, 16, 9),
                               end_local=datetime(2026, 11, 16, 9, 30), now=NOW, title="Short")  # fmt: skip
        overrides = session.exec(select(Event).where(Event.parent_id == eid)).all()
        assert len(overrides) == 1
    assert ("16 09:00", "Short") in _month(store)


def test_cancel_one_occurrence(store: Store) -> None:
    eid = _setup(store)
    with store.write() as session:
        series.move_occurrence(session, eid, datetime(2026, 11, 23, 10),
                               start_local=datetime(2026, 11, 23, 12),
                               end_local=datetime(2026, 11, 23, 13), now=NOW)  # fmt: skip
        series.cancel_occurrence(session, eid, datetime(2026, 11, 23, 10), now=NOW)
        assert session.exec(select(Event).where(Event.parent_id == eid)).all() == []
    days = [d for d, _ in _month(store)]
    assert days == ["02 10:00", "09 10:00", "16 10:00", "30 10:00"]


def test_this_and_following_splits_and_leaves_the_past_alone(store: Store) -> None:
    eid = _setup(store, "FREQ=WEEKLY;BYDAY=MO;COUNT=6")
    with store.write() as session:
        # An override after the split point must follow into the new series.
        series.move_occurrence(session, eid, datetime(2026, 11, 30, 10),
                               start_local=datetime(2026, 11, 30, 16),
                               end_local=datetime(2026, 11, 30, 17), now=NOW)  # fmt: skip
        before = session.get(Event, eid)
        assert before is not None
        first_start = before.start_utc
        fresh = series.edit_following(session, eid, datetime(2026, 11, 16, 10), now=NOW,
                                      start_local=datetime(2026, 11, 16, 15),
                                      end_local=datetime(2026, 11, 16, 15, 45),
                                      title="Weekly (new time)")  # fmt: skip
        old = session.get(Event, eid)
        assert old is not None and old.start_utc == first_start  # the past: untouched
        assert old.rrule is not None and "UNTIL=20261116T095959" in old.rrule
        assert fresh.rrule is not None and "COUNT=4" in fresh.rrule  # 6 in all: 2 + 4
        moved = session.exec(select(Event).where(Event.parent_id == fresh.id)).all()
        assert [(m.recurrence_id, m.start_local) for m in moved] == [
            (datetime(2026, 11, 30, 15), datetime(2026, 11, 30, 16))
        ]
        people = session.exec(select(EventAttendee).where(EventAttendee.event_id == fresh.id))
        assert len(people.all()) == 1  # attendees come along
    span = (NOV[0], datetime(2026, 12, 31, tzinfo=UTC))
    assert _month(store, span) == [
        ("02 10:00", "Weekly"),
        ("09 10:00", "Weekly"),
        ("16 15:00", "Weekly (new time)"),
        ("23 15:00", "Weekly (new time)"),
        ("30 16:00", "Weekly"),  # the override keeps its own time and title
        ("07 15:00", "Weekly (new time)"),
    ]


def test_following_across_dst_keeps_wall_times(store: Store) -> None:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva", tz=ZONE, now=NOW, default=True)
        ev = events.create_event(session, principal=me, title="W", now=NOW, tz=ZONE,
                                 rrule="FREQ=WEEKLY", start_local=datetime(2026, 10, 12, 9),
                                 end_local=datetime(2026, 10, 12, 10))  # fmt: skip
        assert ev.id is not None
        series.edit_following(session, ev.id, datetime(2026, 10, 26, 9), now=NOW,
                              start_local=datetime(2026, 10, 26, 8, 30),
                              end_local=datetime(2026, 10, 26, 9, 30))  # fmt: skip
    got = _month(store, (datetime(2026, 10, 10, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)))
    assert [d for d, _ in got] == ["12 09:00", "19 09:00", "26 08:30", "02 08:30"]


def test_all_moves_every_occurrence_but_not_overrides(store: Store) -> None:
    eid = _setup(store)
    with store.write() as session:
        series.move_occurrence(session, eid, datetime(2026, 11, 9, 10),
                               start_local=datetime(2026, 11, 9, 13),
                               end_local=datetime(2026, 11, 9, 14), now=NOW)  # fmt: skip
        series.edit_all(session, eid, now=NOW, start_local=datetime(2026, 11, 23, 11, 30),
                        end_local=datetime(2026, 11, 23, 12))  # fmt: skip
    assert [d for d, _ in _month(store)] == [
        "02 11:30", "09 13:00", "16 11:30", "23 11:30", "30 11:30"
    ]  # fmt: skip


def test_end_series_before_an_occurrence(store: Store) -> None:
    eid = _setup(store)
    with store.write() as session:
        series.end_series_before(session, eid, datetime(2026, 11, 16, 10), now=NOW)
    assert [d for d, _ in _month(store)] == ["02 10:00", "09 10:00"]


def test_errors_name_the_problem(store: Store) -> None:
    eid = _setup(store)
    with store.write() as session:
        with pytest.raises(PaError, match="no occurrence at Tue 17 Nov 2026 10:00"):
            series.cancel_occurrence(session, eid, datetime(2026, 11, 17, 10), now=NOW)
        me = principals.default_principal(session)
        assert me is not None
        single = events.create_event(session, principal=me, title="Once", now=NOW, tz=ZONE,
                                     start_local=datetime(2026, 11, 3, 10),
                                     end_local=datetime(2026, 11, 3, 11))  # fmt: skip
        assert single.id is not None
        with pytest.raises(PaError, match="does not repeat"):
            series.move_occurrence(session, single.id, datetime(2026, 11, 3, 10),
                                   start_local=datetime(2026, 11, 3, 12),
                                   end_local=datetime(2026, 11, 3, 13), now=NOW)  # fmt: skip
        with pytest.raises(PaError, match="end before it starts"):
            series.move_occurrence(session, eid, datetime(2026, 11, 2, 10),
                                   start_local=datetime(2026, 11, 2, 12),
                                   end_local=datetime(2026, 11, 2, 11), now=NOW)  # fmt: skip

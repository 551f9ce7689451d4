"""The free-slot finder: never over an event, a buffer or protected time, never missing a gap a
brute-force scan finds, ranked to keep days whole; `pa free` and the queue's accept use it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW, run_pa
from pa_tui.errors import PaError
from pa_tui.models import Contact, EventAttendee, Request
from pa_tui.services import events, policy, principals, schedule, slots, triage
from pa_tui.services.recurrence import Occurrence
from pa_tui.store import Store

ZONE = "Europe/Stockholm"
MONDAY = datetime(2026, 11, 30, tzinfo=UTC) - timedelta(hours=1)  # Mon 30 Nov 00:00 local


class Ev:
    def __init__(self, location: str | None = None) -> None:
        self.id, self.parent_id, self.title = 1, None, "busy"
        self.location, self.all_day, self.cancelled = location, False, False


def occ(start: datetime, minutes: int, location: str | None = None) -> Occurrence:
    return Occurrence(Ev(location), start, start + timedelta(minutes=minutes))


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


_busy = st.lists(
    st.tuples(st.integers(0, 4), st.integers(7 * 4, 18 * 4), st.integers(1, 16), st.booleans()),
    max_size=20,
)
_blocks = st.lists(st.tuples(st.integers(6 * 4, 17 * 4), st.integers(1, 8)), max_size=2)


def _policy(blocks: list[tuple[int, int]], buffer: int) -> schedule.Policy:
    made = []
    for start_q, length_q in blocks:
        s = datetime.combine(MONDAY.date(), time()) + timedelta(minutes=15 * start_q)
        e = min(s + timedelta(minutes=15 * length_q), s.replace(hour=23, minute=45))
        made.append(schedule.Block("focus", frozenset(range(5)), s.time(), e.time()))
    return schedule.Policy(buffer=timedelta(minutes=buffer), blocks=tuple(made))


@settings(max_examples=150, deadline=None)
@given(
    busy=_busy,
    blocks=_blocks,
    buffer=st.sampled_from([0, 15, 30]),
    minutes=st.sampled_from([15, 30, 45, 60, 120]),
    away=st.booleans(),
)
def test_slots_are_free_and_none_is_missed(
    busy: list[tuple[int, int, int, bool]],
    blocks: list[tuple[int, int]],
    buffer: int,
    minutes: int,
    away: bool,
) -> None:
    rules = _policy(blocks, buffer)
    occs = [occ(local(d, 0, 15 * q), 15 * n, "x" if located else None) for d, q, n, located in busy]
    start, end = MONDAY, MONDAY + timedelta(days=5)
    length = timedelta(minutes=minutes)
    found = slots.find_slots(duration=length, start=start, end=end, zone=ZONE, policy=rules,
                             occurrences=occs, has_location=away, count=1000)  # fmt: skip

    def clear(s: datetime, e: datetime) -> bool:
        for o in occs:
            pad = rules.buffer if (away or o.event.location) else timedelta(0)
            if s < o.end + pad and o.start - pad < e:
                return False
        for bs, be, _b in schedule.block_intervals(rules, ZONE, start, end):
            if s < be and bs < e:
                return False
        return any(ws <= s and e <= we for ws, we in schedule.working_intervals(rules, ZONE, s, e))

    for slot in found:
        assert slot.end - slot.start == length
        assert clear(slot.start, slot.end), slot
        assert slot.start.minute % 15 == 0
    # Brute force: every quarter hour of the window.
    fits = any(
        clear(t, t + length)
        for t in (start + timedelta(minutes=15 * k) for k in range(5 * 24 * 4))
        if t + length <= end
    )
    assert bool(found) == fits


def test_ranking_prefers_the_earliest_day_then_slots_that_leave_no_sliver() -> None:
    rules = schedule.Policy()
    # Monday: 09:00-09:40 and 10:30-17:00 busy -> one gap 09:40-10:30 (50 min).
    occs = [occ(local(0, 9), 40), occ(local(0, 10, 30), 390)]
    found = slots.find_slots(duration=timedelta(minutes=45), start=MONDAY,
                             end=MONDAY + timedelta(days=2), zone=ZONE, policy=rules,
                             occurrences=occs)  # fmt: skip
    # 09:45 is the only aligned start in Monday's gap; it leaves 5 min before: a sliver.
    assert found[0].start == local(0, 9, 45) and found[0].slivers == 1
    # Tuesday is empty: its snug 09:00 start comes before its 16:15 end-of-day start.
    assert [s.start for s in found[1:3]] == [local(1, 9), local(1, 16, 15)]


def test_days_at_the_meeting_cap_are_skipped_unless_the_sender_may_go_over() -> None:
    rules = schedule.Policy(cap=2)
    occs = [occ(local(0, 9), 30), occ(local(0, 11), 30)]
    kw: dict[str, Any] = dict(duration=timedelta(minutes=30), start=MONDAY,
                              end=MONDAY + timedelta(days=2), zone=ZONE, policy=rules,
                              occurrences=occs)  # fmt: skip
    assert slots.find_slots(**kw)[0].start.date() == local(1, 9).date()
    assert slots.find_slots(**kw, respect_cap=False)[0].start == local(0, 9, 30)


def test_slots_keep_clear_of_what_a_contact_attends(store: Store) -> None:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW, default=True)
        boss2 = principals.add_principal(session, name="Carl Berg", tz=ZONE, now=NOW)
        anna = Contact(principal_id=me.id, name="Anna", created_at=NOW, updated_at=NOW)
        session.add(anna)
        session.flush()
        # Anna attends a meeting in the other principal's calendar, all Monday morning.
        ev = events.create_event(session, principal=boss2, title="Offsite", now=NOW, tz=ZONE,
                                 start_local=datetime(2026, 11, 30, 9),
                                 end_local=datetime(2026, 11, 30, 12))  # fmt: skip
        session.add(EventAttendee(event_id=ev.id, contact_id=anna.id))
        session.flush()
        kw: dict[str, Any] = dict(now=NOW, duration=timedelta(hours=1), start=MONDAY,
                                  end=MONDAY + timedelta(days=1))  # fmt: skip
        alone = slots.free_slots(session, me, **kw)
        together = slots.free_slots(session, me, **kw, with_contacts=[anna.id])
    assert alone[0].start == local(0, 9)
    assert together[0].start == local(0, 12)


def test_accept_refuses_a_taken_slot_and_a_full_day(store: Store) -> None:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW, default=True)
        policy.set_prefs(session, me, now=NOW, meeting_cap=1)
        events.create_event(session, principal=me, title="Board", now=NOW, tz=ZONE,
                            start_local=datetime(2026, 11, 30, 10),
                            end_local=datetime(2026, 11, 30, 11))  # fmt: skip
        carl = Contact(principal_id=me.id, name="Carl", created_at=NOW, updated_at=NOW)
        session.add(carl)
        session.flush()
        item = Request(principal_id=me.id, kind="meeting_request", contact_id=carl.id,
                       subject="budget", received_at=NOW, created_at=NOW, updated_at=NOW)  # fmt: skip
        session.add(item)
        session.flush()
        with pytest.raises(PaError, match="collides with e1 'Board'"):
            triage.accept(session, item, me, slot=(local(0, 10, 30), local(0, 11, 30)), now=NOW)
        with pytest.raises(PaError, match=r"already has 1 meetings \(cap 1\)"):
            triage.accept(session, item, me, slot=(local(0, 14), local(0, 15)), now=NOW)
        carl.vip = triage.VIP_THROUGH  # a VIP may go over the cap
        made = triage.accept(session, item, me, slot=(local(0, 14), local(0, 15)), now=NOW)
        assert made.id is not None and item.status == "accepted"


def test_pa_free_lists_ranked_slots_and_rejects_bad_words(db_path: Path) -> None:
    assert run_pa("principal", "add", "Eva Lind", "--tz", ZONE, "--default").code == 0
    assert run_pa("principal", "set", "--hours", "mon-fri 09:00-12:00").code == 0
    assert run_pa("event", "Standup", "mon", "9:00-9:30").code == 0
    r = run_pa("free", "1h", "next", "week", "--count", "2", "--json")
    assert r.code == 0, r.err
    import json

    got = [(s["start"], s["end"]) for s in json.loads(r.out)]
    assert got == [
        ("2026-11-30T08:30:00+00:00", "2026-11-30T09:30:00+00:00"),  # Mon 09:30, after standup
        ("2026-11-30T10:00:00+00:00", "2026-11-30T11:00:00+00:00"),  # Mon 11:00, the day's end
    ]
    r = run_pa("free", "forever")
    assert r.code == 2 and "not a duration" in r.err
    r = run_pa("free", "1h", "someday", "soon")
    assert r.code == 2 and "not a window" in r.err

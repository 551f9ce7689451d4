"""Scheduling policy (hours, buffer, cap, protected blocks) and conflicts: the pure rules, a
property check against brute force, and `pa event` refusing a collision unless --force."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW, run_pa
from pa_tui.errors import PaError
from pa_tui.services import capture_items, conflicts, events, policy, principals, schedule
from pa_tui.services.capture import tokens_from_line
from pa_tui.services.capture_apply import event_collisions
from pa_tui.services.recurrence import Occurrence
from pa_tui.store import Store

ZONE = "Europe/Stockholm"


class Ev:
    def __init__(self, title: str = "x", location: str | None = None, **kw: Any) -> None:
        self.__dict__.update(
            id=kw.get("id", 1), parent_id=None, title=title, location=location,
            all_day=kw.get("all_day", False), cancelled=False,
        )  # fmt: skip


def occ(start: datetime, minutes: int, **kw: Any) -> Occurrence:
    return Occurrence(Ev(**kw), start, start + timedelta(minutes=minutes))


def at(hour: int, minute: int = 0, day: int = 26) -> datetime:
    """A UTC instant for a Stockholm wall time in late November (UTC+1)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=1)


# ---- text forms


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("sat,sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("daily", set(range(7))),
        ("Tuesday", {1}),
    ],
)
def test_days_parse(text: str, days: set[int]) -> None:
    assert schedule.parse_days(text, "test") == days


def test_working_hours_round_trip_and_errors() -> None:
    hours = schedule.parse_hours("mon-thu 9-17, fri 09:00-13:00, mon 18:00-19:00")
    assert hours[0] == ((time(9), time(17)), (time(18), time(19)))
    assert hours[4] == ((time(9), time(13)),)
    assert 5 not in hours
    assert schedule.parse_hours(schedule.format_hours(hours)) == hours
    with pytest.raises(PaError, match="ends before it starts"):
        schedule.parse_hours("mon 17-09")
    with pytest.raises(PaError, match="not a day"):
        schedule.parse_hours("mnday 9-17")
    with pytest.raises(PaError, match="not a time of day"):
        schedule.parse_hours("mon 9-25")


def test_block_text_round_trip() -> None:
    block = schedule.parse_block("mon-fri 08:00-09:30 Deep work")
    assert (block.label, block.start, block.end) == ("Deep work", time(8), time(9, 30))
    assert schedule.parse_block(block.text()) == block


# ---- intervals across DST


def test_protected_block_keeps_its_wall_time_across_the_spring_change() -> None:
    p = schedule.Policy(blocks=(schedule.parse_block("daily 08:00-09:00 Focus"),))
    # Europe/Stockholm moves to UTC+2 on Sunday 29 March 2026.
    start = datetime(2026, 3, 28, tzinfo=UTC)
    found = schedule.block_intervals(p, ZONE, start, start + timedelta(days=3))
    utc_starts = [s for s, _e, _b in found]
    assert datetime(2026, 3, 28, 7, tzinfo=UTC) in utc_starts  # 08:00 at UTC+1
    assert datetime(2026, 3, 30, 6, tzinfo=UTC) in utc_starts  # 08:00 at UTC+2


def test_working_intervals_across_the_autumn_change_in_new_york() -> None:
    p = schedule.Policy(hours=schedule.parse_hours("daily 09:00-17:00"))
    zone = "America/New_York"  # back to UTC-5 on Sunday 1 November 2026
    start = datetime(2026, 10, 31, 12, tzinfo=UTC)
    spans = schedule.working_intervals(p, zone, start, start + timedelta(days=2))
    assert (datetime(2026, 11, 1, 14, tzinfo=UTC), datetime(2026, 11, 1, 22, tzinfo=UTC)) in spans
    # 31 Oct is still UTC-4; its span is clipped at the window's start (12:00 UTC = 08:00).
    assert spans[0] == (
        datetime(2026, 10, 31, 13, tzinfo=UTC),
        datetime(2026, 10, 31, 21, tzinfo=UTC),
    )


# ---- collisions


def test_buffer_applies_only_where_a_location_is_involved() -> None:
    p = schedule.Policy(buffer=timedelta(minutes=30))
    board = occ(at(10), 120, title="Board", location="HQ")
    call = occ(at(13), 30, title="Call")
    # 12:15 right after a located meeting: inside its buffer.
    hits = conflicts.collisions(at(12, 15), at(12, 45), has_location=False,
                                occurrences=[board, call], policy=p, zone=ZONE)  # fmt: skip
    assert [(c.title, c.by_buffer) for c in hits] == [("Board", True)]
    # 13:40 after an unlocated call, itself without a place: no buffer, no collision.
    assert not conflicts.collisions(at(13, 40), at(14), has_location=False,
                                    occurrences=[board, call], policy=p, zone=ZONE)  # fmt: skip
    # ... but going somewhere needs the buffer after the call too.
    hits = conflicts.collisions(at(13, 40), at(14), has_location=True,
                                occurrences=[board, call], policy=p, zone=ZONE)  # fmt: skip
    assert [c.title for c in hits] == ["Call"]


def test_protected_blocks_collide_and_all_day_events_do_not() -> None:
    p = schedule.Policy(blocks=(schedule.parse_block("mon-fri 08:00-09:00 Focus"),))
    holiday = occ(at(0), 24 * 60, title="Holiday", all_day=True)
    hits = conflicts.collisions(at(8, 30), at(8, 45), has_location=False,
                                occurrences=[holiday], policy=p, zone=ZONE)  # fmt: skip
    assert [(c.kind, c.title) for c in hits] == [("protected", "Focus")]
    # Saturday 28 Nov: the block is Monday to Friday.
    assert not conflicts.collisions(at(8, 30, day=28), at(8, 45, day=28), has_location=False,
                                    occurrences=[], policy=p, zone=ZONE)  # fmt: skip


_intervals = st.lists(
    st.tuples(st.integers(0, 24 * 60), st.integers(0, 180), st.booleans()), max_size=25
)


@settings(max_examples=200, deadline=None)
@given(items=_intervals, buffer=st.sampled_from([0, 10, 30]))
def test_conflict_finder_agrees_with_a_brute_force_pairwise_check(
    items: list[tuple[int, int, bool]], buffer: int
) -> None:
    base = at(0)
    occs = [
        occ(base + timedelta(minutes=s), length, location="x" if located else None, id=i)
        for i, (s, length, located) in enumerate(items)
    ]
    pad = timedelta(minutes=buffer)
    expected: set[int] = set()
    for i, a in enumerate(occs):
        for j, b in enumerate(occs):
            if i < j:
                gap = pad if (a.event.location or b.event.location) else timedelta(0)
                if a.start < b.end + gap and b.start < a.end + gap:
                    expected.update({i, j})
    assert conflicts.conflicting(occs, pad) == expected


# ---- the store and the CLI


def _item(line: str, today: date) -> Any:
    return capture_items.build_item(
        "event", tokens_from_line(line), today=today, shorthands=True, line_no=None
    )


def test_the_services_check_sees_recurring_events_and_blocks(store: Store) -> None:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva Lind", tz=ZONE, now=NOW, default=True)
        policy.add_block(session, me, schedule.parse_block("mon-fri 08:00-09:00 Focus"), now=NOW)
        events.create_event(
            session, principal=me, title="Weekly", now=NOW, tz=ZONE, rrule="FREQ=WEEKLY;BYDAY=MO",
            start_local=datetime(2026, 11, 2, 10), end_local=datetime(2026, 11, 2, 11),
        )  # fmt: skip
        today = NOW.date()
        clash = event_collisions(session, _item("Review mon 10:30-11:30", today), me, now=NOW)
        assert clash is not None and "'Weekly'" in clash and "Mon 30 Nov 10:00-11:00" in clash
        clash = event_collisions(session, _item("Sync fri 8:30-8:45", today), me, now=NOW)
        assert clash is not None and "protected time 'Focus'" in clash
        assert event_collisions(session, _item("Lunch fri 12:00-13:00", today), me, now=NOW) is None


def _titles(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT title FROM event ORDER BY id")]


def test_pa_event_refuses_a_collision_and_force_keeps_both(db_path: Path) -> None:
    assert run_pa("principal", "add", "Eva Lind", "--tz", ZONE, "--default").code == 0
    r = run_pa("principal", "set", "--buffer", "30m", "--protect", "mon-fri 08:00-09:00 Focus")
    assert r.code == 0, r.err
    assert "30 min" in r.out and "Focus" in r.out
    assert run_pa("event", "Board", "tomorrow", "10:00-12:00", "at:HQ").code == 0

    r = run_pa("event", "Lunch", "tomorrow", "12:15-13:00")
    assert r.code == 2
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert "'Lunch' collides with e1 'Board' Thu 26 Nov 10:00-12:00 (travel buffer)" in r.err
    assert "--force" in r.err and "nothing written" in r.err
    r = run_pa("event", "Sync", "tomorrow", "8:30-8:45")
    assert r.code == 2 and "protected time 'Focus'" in r.err
    assert _titles(db_path) == ["Board"]

    assert run_pa("event", "Lunch", "tomorrow", "12:15-13:00", "--force").code == 0
    assert _titles(db_path) == ["Board", "Lunch"]


def test_a_batch_with_one_collision_writes_nothing_and_names_the_line(db_path: Path) -> None:
    assert run_pa("principal", "add", "Eva Lind", "--tz", ZONE, "--default").code == 0
    assert run_pa("event", "Board", "tomorrow", "10:00-12:00").code == 0
    r = run_pa("event", "-", stdin="Prep tomorrow 9:00-9:30\nClash tomorrow 11:00-11:30\n")
    assert r.code == 2 and r.err.startswith("pa event: error: stdin:2: 'Clash'")
    assert _titles(db_path) == ["Board"]


def test_principal_set_rejects_bad_values_with_one_line(db_path: Path) -> None:
    assert run_pa("principal", "add", "Eva Lind", "--tz", ZONE, "--default").code == 0
    for args, word in [
        (("--hours", "mon 17-9"), "ends before it starts"),
        (("--buffer", "soon"), "--buffer"),
        (("--cap", "many"), "--cap"),
        (("--protect", "someday 8-9 x"), "not a day"),
    ]:
        r = run_pa("principal", "set", *args)
        assert r.code == 2 and word in r.err and r.err.count("\n") == 1, (args, r.err)
    r = run_pa("principal", "show", "--json")
    assert '"meeting cap": "none"' in r.out


def test_the_config_file_seeds_a_new_principals_policy(db_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[schedule]\nhours = "mon-thu 08:00-16:00"\nbuffer = 20\ncap = 3\n'
        'protect = ["mon-fri 12:00-13:00 Lunch"]\n',
        encoding="utf-8",
    )
    env = {"PA_CONFIG": str(config)}
    assert run_pa("principal", "add", "Eva Lind", "--tz", ZONE, "--default", env=env).code == 0
    r = run_pa("principal", "show", "--json", env=env)
    assert r.code == 0, r.err
    assert (
        '"working hours": "mon-thu 08:00-16:00"' in r.out and '"meeting cap": "3 per day"' in r.out
    )
    assert "Lunch" in r.out and "20 min" in r.out
    # Changed with `pa principal set`, the store wins from then on.
    assert run_pa("principal", "set", "--cap", "5", env=env).code == 0
    assert '"meeting cap": "5 per day"' in run_pa("principal", "show", "--json", env=env).out
    config.write_text('[schedule]\nhours = "someday 9-17"\n', encoding="utf-8")
    r = run_pa("principal", "show", env=env)
    assert r.code == 2 and f"{config}:2:" in r.err and "not a day" in r.err

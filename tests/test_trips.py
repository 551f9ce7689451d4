"""Trips: segments in their own zones, the itinerary in order, a flight's zone change on the
agenda (and in Today's first frame, read with the standard library), and `pa trip`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import NOW, run_pa
from pa_tui.errors import PaError
from pa_tui.services import agenda_view, principals, today, trips
from pa_tui.store import Store
from pa_tui.today_store import read_today

ZONE = "Europe/Stockholm"


def _trip(store: Store, day: int = 2, month: int = 12) -> int:
    with store.write() as session:
        me = principals.add_principal(session, name="Eva", tz=ZONE, now=NOW, default=True)
        trip = trips.add_trip(session, me, "New York board", now=NOW)
        # Added out of order: the itinerary sorts them by time.
        trips.add_segment(session, trip, kind="hotel", title="The Langham", now=NOW,
                          start_local=datetime(2026, month, day, 15), start_tz="America/New_York",
                          end_local=datetime(2026, month, day + 3, 11), confirmation="H77")  # fmt: skip
        trips.add_segment(session, trip, kind="flight", title="SK 903", now=NOW,
                          start_local=datetime(2026, month, day, 10, 5), start_tz=ZONE,
                          end_local=datetime(2026, month, day, 12, 40), end_tz="America/New_York",
                          origin="ARN", destination="EWR", confirmation="ABC123")  # fmt: skip
        assert trip.id is not None
        return trip.id


def test_segments_keep_their_local_times_and_come_in_order(store: Store) -> None:
    trip_id = _trip(store)
    with store.read() as session:
        me = principals.default_principal(session)
        assert me is not None
        legs = trips.itinerary(session, trips.get_trip(session, me, trip_id))
    assert [leg.event.title for leg in legs] == ["SK 903", "The Langham"]
    flight = legs[0]
    # 10:05 in Stockholm (UTC+1) to 12:40 in New York (UTC-5): 8 h 35 min in the air.
    assert flight.event.start_utc.replace(tzinfo=UTC) == datetime(2026, 12, 2, 9, 5, tzinfo=UTC)
    assert flight.event.end_utc.replace(tzinfo=UTC) == datetime(2026, 12, 2, 17, 40, tzinfo=UTC)
    assert trips.leg_text(flight) == (
        "✈ flight  SK 903  ARN → EWR  Wed 02 Dec 10:05 Europe/Stockholm → 12:40 America/New_York"
        "  conf ABC123"
    )
    assert trips.zone_change(flight.segment, flight.event) == (
        "time zone Europe/Stockholm → America/New_York (-6 h)"
    )
    assert trips.zone_change(legs[1].segment, legs[1].event) is None


def test_bad_segments_are_refused(store: Store) -> None:
    trip_id = _trip(store)
    with store.write() as session:
        me = principals.default_principal(session)
        assert me is not None
        trip = trips.get_trip(session, me, trip_id)
        base = dict(title="x", now=NOW, start_local=datetime(2026, 12, 5, 17), start_tz=ZONE)
        with pytest.raises(PaError, match="not a time zone"):
            trips.add_segment(session, trip, kind="flight", end_local=datetime(2026, 12, 5, 19),
                              end_tz="Mars/Base", **base)  # type: ignore[arg-type]  # fmt: skip
        with pytest.raises(PaError, match="kind must be one of"):
            trips.add_segment(session, trip, kind="boat", end_local=datetime(2026, 12, 5, 19),
                              **base)  # type: ignore[arg-type]  # fmt: skip
        # 06:00 in New York is 12:00 in Stockholm: before the 17:00 start.
        with pytest.raises(PaError, match="ends before it starts"):
            trips.add_segment(session, trip, kind="flight", end_local=datetime(2026, 12, 5, 6),
                              end_tz="America/New_York", **base)  # type: ignore[arg-type]  # fmt: skip


def test_the_agenda_marks_the_flight_and_the_zone_change(store: Store) -> None:
    _trip(store)
    with store.read() as session:
        me = principals.default_principal(session)
        assert me is not None
        lines = agenda_view.day_lines(session, me, datetime(2026, 12, 2).date())
    texts = [" | ".join(r.cells) for r in lines]
    assert any("✈ SK 903" in t and "ARN → EWR" in t for t in texts), texts
    assert any("time zone Europe/Stockholm → America/New_York (-6 h)" in t for t in texts)
    assert any("🛏 The Langham" in t and "(15:00 America/New_York)" in t for t in texts)


def test_todays_first_frame_shows_the_flight_like_the_full_load(
    store: Store, db_path: Path
) -> None:
    _trip(store, day=25, month=11)  # the flight is today
    with store.read() as session:
        me = principals.default_principal(session)
        assert me is not None
        read = today.read(session, me, NOW)
        read.ahead = None  # what to prepare arrives with the full load only
        full = today.lines(read)
    found = read_today(str(db_path), None, lambda zone: NOW)
    assert found is not None
    fast = today.lines(found[1])
    assert [(r.key, r.cells) for r in fast] == [(r.key, r.cells) for r in full]
    assert any("time zone" in " ".join(r.cells) for r in fast)


def test_pa_trip_add_seg_show_list(db_path: Path) -> None:
    assert run_pa("principal", "add", "Eva", "--tz", ZONE, "--default").code == 0
    assert run_pa("trip", "add", "NYC").out.startswith("added trip 1 NYC")
    r = run_pa("trip", "seg", "1", "flight", "SK 903", "--start", "2026-12-02 10:05",
               "--end", "2026-12-02 12:40", "--end-tz", "America/New_York",
               "--from", "ARN", "--to", "EWR", "--conf", "ABC123")  # fmt: skip
    assert r.code == 0, r.err
    r = run_pa("trip", "show", "1")
    assert "✈ flight  SK 903  ARN → EWR" in r.out and "(-6 h)" in r.out
    assert "1 segment(s)" in run_pa("trip", "list").out
    r = run_pa("trip", "seg", "1", "flight", "x", "--start", "soon", "--end", "later")
    assert r.code == 2 and "--start" in r.err and r.err.count("\n") == 1
    assert run_pa("trip", "show", "9").code == 2

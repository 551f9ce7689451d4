"""In-process unit tests of the foundation services: principals, ids, contacts helpers, events, textsafe."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from conftest import NOW, ZONE
from pa_tui.errors import NotFound, PaError
from pa_tui.models import ImportantDate, Principal, Relation
from pa_tui.services import contacts, display, events, principals
from pa_tui.services.ids import format_id, parse_id
from pa_tui.services.textsafe import clean
from pa_tui.services.timeutil import day_bounds_utc, utc_to_local
from pa_tui.store import Store

# ---------------------------------------------------------------------------------------- principals


def test_ensure_default_makes_me_once_in_machine_zone(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    with store.write() as s:
        first = principals.ensure_default(s, now=NOW)
        second = principals.ensure_default(s, now=NOW)
        assert first.id == second.id
        assert first.name == "me"
        assert first.tz == "Asia/Tokyo"
        assert first.is_default
    with store.read() as s:
        assert len(s.exec(select(Principal)).all()) == 1
    # A later call (new session) still finds the same one.
    with store.write() as s:
        assert principals.ensure_default(s, now=NOW).id == first.id
        assert len(principals.list_principals(s)) == 1


def test_add_find_ambiguous_and_set_default(store: Store) -> None:
    with store.write() as s:
        me = principals.ensure_default(s, now=NOW)
        carl = principals.add_principal(s, name="Carl Berg", tz="America/New_York", now=NOW)
        carla = principals.add_principal(s, name="Carla Lind", tz=ZONE, now=NOW)
        assert not carl.is_default and me.is_default

        assert principals.find_principal(s, "carl berg").id == carl.id  # exact, case-insensitive
        assert principals.find_principal(s, "  Carl Berg ").id == carl.id
        assert principals.find_principal(s, "carla").id == carla.id  # exact beats prefix of "Carla"
        assert principals.find_principal(s, "Carl B").id == carl.id  # unique prefix
        with pytest.raises(PaError, match="ambiguous"):
            principals.find_principal(s, "Car")
        with pytest.raises(NotFound):
            principals.find_principal(s, "Nobody")

        with pytest.raises(PaError, match="exists"):
            principals.add_principal(s, name="CARL BERG", tz=ZONE, now=NOW)
        with pytest.raises(PaError, match="time zone"):
            principals.add_principal(s, name="Zed", tz="Mars/Olympus", now=NOW)
        with pytest.raises(PaError):
            principals.add_principal(s, name="   ", tz=ZONE, now=NOW)

        principals.set_default(s, "Carl Berg")
        defaults = [p.name for p in principals.list_principals(s) if p.is_default]
        assert defaults == ["Carl Berg"]
        assert principals.default_principal(s).id == carl.id  # type: ignore[union-attr]
        assert principals.resolve_principal(s, None, now=NOW).id == carl.id
        assert principals.resolve_principal(s, "me", now=NOW).id == me.id

        added = principals.add_principal(s, name="New Boss", tz=ZONE, now=NOW, default=True)
        assert [p.name for p in principals.list_principals(s) if p.is_default] == [added.name]


def test_first_principal_added_becomes_default(store: Store) -> None:
    with store.write() as s:
        p = principals.add_principal(s, name="Eva Lind", tz=ZONE, now=NOW)
        assert p.is_default
        assert principals.ensure_default(s, now=NOW).id == p.id  # no "me" made on top
        assert [x.name for x in principals.list_principals(s)] == ["Eva Lind"]


# ------------------------------------------------------------------------------------------------ ids


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("t12", "task", 12),
        ("e3", "event", 3),
        ("r7", "request", 7),
        ("c5", "contact", 5),
        ("T12", "task", 12),
        (" c5 ", "contact", 5),
    ],
)
def test_parse_id(text: str, kind: str, number: int) -> None:
    assert parse_id(text) == (kind, number)
    assert format_id(kind, number) == f"{kind[0]}{number}"


def test_parse_id_errors_and_expect() -> None:
    assert parse_id("42", expect="contact") == ("contact", 42)
    assert parse_id("c42", expect="contact") == ("contact", 42)
    with pytest.raises(PaError, match="expected a contact id"):
        parse_id("t42", expect="contact")
    for bad in ("xyz", "42", "t", "x12", "t-1", "t1.5", "", "t12 extra"):
        with pytest.raises(PaError, match="not an id"):
            parse_id(bad)
    assert format_id("request", 7) == "r7"
    assert format_id("event", 3) == "e3"


# ------------------------------------------------------------------------------------------- contacts


def test_phone_digits_and_same_number() -> None:
    assert contacts.phone_digits("+46 8 123 45 67") == "4681234567"
    assert contacts.phone_digits("08-123 45 67") == "81234567"
    assert contacts.phone_digits("0046 8 123 45 67") == "4681234567"
    assert contacts.same_number("+46 8 123 45 67", "08-123 45 67")
    assert contacts.same_number("+46 8 123 45 67", "081234567")
    assert contacts.same_number("08-123 45 67", "081234567")
    assert not contacts.same_number("+46 8 123 45 67", "08-765 43 21")
    assert not contacts.same_number("+46 8 123 45 67", "+46 8 123 45 68")
    assert not contacts.same_number("112", "1112")  # short numbers must match exactly


def test_parse_partial_date() -> None:
    assert contacts.parse_partial_date("1975-03-02") == (1975, 3, 2)
    assert contacts.parse_partial_date("--02-29") == (None, 2, 29)
    assert contacts.parse_partial_date("05-17") == (None, 5, 17)
    for bad in ("1975-02-30", "2023-02-29", "--13-01", "--02-30", "March 2", "1975/03/02", ""):
        with pytest.raises(PaError, match="not a date"):
            contacts.parse_partial_date(bad)


def test_upcoming_dates_birthday_turns_and_relation(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        soon = contacts.create_contact(s, principal=p, name="Bo Ek", now=NOW, birthday="1970-11-28")
        contacts.create_contact(s, principal=p, name="Far Away", now=NOW, birthday="1970-12-02")
        contacts.create_contact(s, principal=p, name="Today Person", now=NOW, birthday="--11-25")
        contacts.create_contact(s, principal=p, name="Yesterday", now=NOW, birthday="1990-11-24")
        secret = contacts.create_contact(
            s, principal=p, name="Hidden Bday", now=NOW, birthday="1980-11-26", confidential=True
        )
        maria = contacts.create_contact(s, principal=p, name="Maria Holm", now=NOW)
        rel = Relation(contact_id=maria.id, kind="child", other_name="Leo")
        s.add(rel)
        s.flush()
        s.add(
            ImportantDate(
                contact_id=maria.id,
                relation_id=rel.id,
                kind="birthday",
                month=11,
                day=27,
                year=2016,
            )
        )
        s.flush()

        today = date(2026, 11, 25)
        got = contacts.upcoming_dates(s, p, today=today, days=7)
        names = [(u.when, u.contact.name, u.turns, u.relation_name) for u in got]
        assert names == [
            (date(2026, 11, 25), "Today Person", None, None),
            (date(2026, 11, 27), "Maria Holm", 10, "child Leo"),
            (date(2026, 11, 28), "Bo Ek", 56, None),
        ]
        # Dec 2 is exactly 7 days out: outside [today, today + 7).
        assert all(u.contact.name != "Far Away" for u in got)
        with_secret = contacts.upcoming_dates(s, p, today=today, days=7, include_confidential=True)
        assert [u.contact.id for u in with_secret if u.contact.confidential] == [secret.id]
        assert soon.id in [u.contact.id for u in with_secret]
        # days=8 reaches Dec 2.
        assert "Far Away" in [
            u.contact.name for u in contacts.upcoming_dates(s, p, today=today, days=8)
        ]


def test_feb_29_birthday_on_feb_28_in_common_year(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        contacts.create_contact(s, principal=p, name="Leap Ling", now=NOW, birthday="1980-02-29")
        common = contacts.upcoming_dates(s, p, today=date(2027, 2, 25), days=7)
        assert [(u.when, u.turns) for u in common] == [(date(2027, 2, 28), 47)]
        leap = contacts.upcoming_dates(s, p, today=date(2028, 2, 25), days=7)
        assert [(u.when, u.turns) for u in leap] == [(date(2028, 2, 29), 48)]
        # On 1 March of a common year the celebration has passed: next one is a year away.
        assert contacts.upcoming_dates(s, p, today=date(2027, 3, 1), days=7) == []


# --------------------------------------------------------------------------------------------- events


def _window(day: date, days: int) -> tuple[datetime, datetime]:
    return day_bounds_utc(day, ZONE, days)


def test_endless_weekly_series_yields_only_window(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        events.create_event(
            s,
            principal=p,
            title="Sync",
            now=NOW,
            start_local=datetime(2026, 1, 5, 9),
            tz=ZONE,
            rrule="FREQ=WEEKLY",
        )
        start, end = _window(date(2026, 11, 23), 14)
        occ = events.occurrences(s, p, start, end)
        starts = [utc_to_local(o.start, ZONE) for o in occ]
        assert starts == [datetime(2026, 11, 23, 9), datetime(2026, 11, 30, 9)]
        assert all(o.recurring and start <= o.start < end for o in occ)
        # Far in the future, still exactly one per week.
        start, end = _window(date(2031, 6, 2), 7)
        assert [utc_to_local(o.start, ZONE) for o in events.occurrences(s, p, start, end)] == [
            datetime(2031, 6, 2, 9)
        ]
        # Before the series started: nothing.
        start, end = _window(date(2025, 12, 1), 28)
        assert events.occurrences(s, p, start, end) == []


def test_exdate_removes_one_occurrence(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        ev = events.create_event(
            s,
            principal=p,
            title="Sync",
            now=NOW,
            start_local=datetime(2026, 11, 2, 9),
            tz=ZONE,
            rrule="FREQ=WEEKLY",
        )
        ev.exdate = "2026-11-16T09:00"
        s.add(ev)
        s.flush()
        start, end = _window(date(2026, 11, 2), 21)
        days = [utc_to_local(o.start, ZONE).date() for o in events.occurrences(s, p, start, end)]
        assert days == [date(2026, 11, 2), date(2026, 11, 9)]


def test_weekly_series_keeps_local_time_across_dst(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        events.create_event(
            s,
            principal=p,
            title="Sync",
            now=NOW,
            start_local=datetime(2026, 10, 19, 9),
            end_local=datetime(2026, 10, 19, 10),
            tz=ZONE,
            rrule="FREQ=WEEKLY",
        )
        start, end = _window(date(2026, 10, 18), 14)  # spans the 2026-10-25 change
        occ = events.occurrences(s, p, start, end)
        assert [o.start.astimezone(UTC).hour for o in occ] == [7, 8]
        assert [utc_to_local(o.start, ZONE).time().hour for o in occ] == [9, 9]
        assert all(o.end - o.start == timedelta(hours=1) for o in occ)
        rows = [display.occurrence_row(o, ZONE) for o in occ]
        assert [r[1] for r in rows] == ["2026-10-19 09:00-10:00", "2026-10-26 09:00-10:00"]
        assert rows[0][0] == "e1" and rows[0][2].startswith("Sync")


def test_all_day_event_spans_the_local_day(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        events.create_event(
            s, principal=p, title="Offsite", now=NOW, all_day=True, start_date=date(2026, 11, 27)
        )
        events.create_event(
            s,
            principal=p,
            title="Long Sunday",
            now=NOW,
            all_day=True,
            start_date=date(2026, 10, 25),
        )

        start, end = _window(date(2026, 11, 27), 1)
        (occ,) = events.occurrences(s, p, start, end)
        assert occ.start == datetime(2026, 11, 26, 23, tzinfo=UTC)
        assert occ.end == datetime(2026, 11, 27, 23, tzinfo=UTC)
        assert display.occurrence_row(occ, ZONE)[1] == "2026-11-27 all day"
        # Not on the neighbouring days.
        assert events.occurrences(s, p, *_window(date(2026, 11, 26), 1)) == []
        assert events.occurrences(s, p, *_window(date(2026, 11, 28), 1)) == []

        # The DST day is 25 hours long; the all-day event covers it all, midnight to midnight.
        (dst,) = events.occurrences(s, p, *_window(date(2026, 10, 25), 1))
        assert dst.end - dst.start == timedelta(hours=25)
        assert utc_to_local(dst.start, ZONE) == datetime(2026, 10, 25)
        assert utc_to_local(dst.end, ZONE) == datetime(2026, 10, 26)


def test_event_in_other_zone_shows_both_times(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        events.create_event(
            s,
            principal=p,
            title="Tokyo call",
            now=NOW,
            start_local=datetime(2026, 11, 28, 17),
            tz="Asia/Tokyo",
        )
        (occ,) = events.occurrences(s, p, *_window(date(2026, 11, 28), 1))
        assert occ.start == datetime(2026, 11, 28, 8, tzinfo=UTC)
        row = display.occurrence_row(occ, ZONE)
        assert row[1] == "2026-11-28 09:00-10:00 (17:00 Asia/Tokyo)"
        # Seen from Tokyo itself only one time is shown.
        assert display.occurrence_row(occ, "Asia/Tokyo")[1] == "2026-11-28 17:00-18:00"


def test_event_validation(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        with pytest.raises(PaError):
            events.create_event(
                s, principal=p, title="  ", now=NOW, start_local=datetime(2026, 11, 28, 9)
            )
        with pytest.raises(PaError, match="ends before"):
            events.create_event(
                s,
                principal=p,
                title="Back",
                now=NOW,
                start_local=datetime(2026, 11, 28, 9),
                end_local=datetime(2026, 11, 28, 8),
            )
        with pytest.raises(PaError, match="recurrence"):
            events.create_event(
                s,
                principal=p,
                title="Bad",
                now=NOW,
                start_local=datetime(2026, 11, 28, 9),
                rrule="FREQ=SOMETIMES;COUNT=2",
            )


def test_series_with_count_ends(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        ev = events.create_event(
            s,
            principal=p,
            title="Three",
            now=NOW,
            start_local=datetime(2026, 11, 2, 9),
            tz=ZONE,
            rrule="FREQ=WEEKLY;COUNT=3",
        )
        assert ev.series_until_utc is not None
        days = [
            utc_to_local(o.start, ZONE).date()
            for o in events.occurrences(s, p, *_window(date(2026, 10, 1), 90))
        ]
        assert days == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]


def test_utc_until_at_end_of_rrule_is_accepted(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        events.create_event(
            s, principal=p, title="Until", now=NOW, start_local=datetime(2026, 11, 2, 9), tz=ZONE,
            rrule="FREQ=WEEKLY;UNTIL=20261116T080000Z",
        )  # fmt: skip
        assert len(events.occurrences(s, p, *_window(date(2026, 11, 1), 30))) == 3


def test_utc_until_is_inclusive_in_event_zone(store: Store) -> None:
    with store.write() as s:
        p = principals.ensure_default(s, now=NOW)
        events.create_event(
            s, principal=p, title="Until", now=NOW, start_local=datetime(2026, 11, 2, 9), tz=ZONE,
            rrule="FREQ=WEEKLY;UNTIL=20261116T080000Z;BYDAY=MO",
        )  # fmt: skip
        days = [
            utc_to_local(o.start, ZONE).date()
            for o in events.occurrences(s, p, *_window(date(2026, 11, 1), 30))
        ]
        assert days == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]


# ------------------------------------------------------------------------------------------- textsafe


def test_clean_removes_escape_sequences() -> None:
    out = clean("\x1b[31mred\x1b[0m \x9b2J bell\x07 del\x7f")
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out and "\x7f" not in out
    assert "red" in out and "[31m" in out  # the rest stays visible as text
    assert clean("a\tb\nc") == "a\tb\nc"
    assert clean("a\tb\nc", single_line=True) == "a b c"
    assert clean(None) == ""
    assert clean(42) == "42"
    assert clean("José [bold]x[/bold]") == "José [bold]x[/bold]"

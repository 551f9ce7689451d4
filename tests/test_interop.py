"""`pa import` / `pa export` against the real sample exports in /work/shared/samples (each test
skips when its sample is absent): per-file counts and exact field values read back from the store,
broken files rejected with one FILE:LINE error and nothing written (one transaction), idempotent
re-imports, field-by-field round trips through iCalendar, Taskwarrior JSON and vCard into a fresh
store, an oracle check of our occurrence expansion against recurring-ical-events, and the export
rules (confidential rows, 0600 files, CSV formula cells, refused combinations).

vCard is read and written by interop/vcard.py (tested on its own in test_vcard.py); here it is only
used through the importer and the CLI, and those tests skip when it cannot be imported.

Tests marked xfail(strict=True, reason="BUG: ...") show defects in src/ that are not fixed here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from conftest import NOW, run_pa
from pa_tui.interop import exporter, importer
from pa_tui.models import Contact, ContactEmail, Event, EventAttendee, Principal, Task
from pa_tui.services import contacts, events, principals, tasks
from pa_tui.store import Store, open_sqlite

SAMPLES = Path("/work/shared/samples")
ZONE = "Europe/Stockholm"
TW_ASSISTANT = "tw262_export_assistant.json"
TW_ARRAY_OFF = "tw262_export_json_array_off.json"
TW_BACKLOG = "tw25_backlog_duplicate_uuids.json"


# ---- helpers


def sample(kind: str, name: str) -> Path:
    """A sample file, or skip the test with the reason when it is not there."""
    path = SAMPLES / kind / name
    if not path.is_file():
        pytest.skip(f"sample {path} is absent (the shared samples are not on this machine)")
    return path


def vcard_problem() -> str | None:
    """Why interop/vcard.py (written in parallel) cannot be used yet, or None when it can."""
    try:
        from pa_tui.interop import vcard
    except Exception as exc:  # any import-time failure of a module being written
        return f"pa_tui.interop.vcard is not importable yet ({exc!r})"
    if not hasattr(vcard, "read_cards") or not hasattr(vcard, "write_cards"):
        return "pa_tui.interop.vcard has no read_cards/write_cards yet"
    return None


def need_vcard() -> None:
    """vCard tests run only when interop/vcard.py can be imported; otherwise they skip."""
    problem = vcard_problem()
    if problem:
        pytest.skip(f"{problem}: vCard tests skipped")


def import_into(store: Store, *paths: Path, fmt: str | None = None) -> importer.Summary:
    """importer.import_files in one write transaction, for the default principal (as `pa` makes
    it: "me" in the machine's zone, which conftest sets to Europe/Stockholm)."""
    with store.write() as session:
        me = principals.ensure_default(session, now=NOW)
        return importer.import_files(session, me, [str(p) for p in paths], now=NOW, fmt=fmt)


def me_of(session: Session) -> Principal:
    found = principals.default_principal(session)
    assert found is not None
    return found


def export_text(store: Store, what: str, fmt: str, *, confidential: bool = True) -> str:
    # A write transaction, as `pa export` runs it: rows made in pa-tui keep the UID given them.
    with store.write() as session:
        return exporter.export(
            session, me_of(session), what, fmt, include_confidential=confidential
        ).text


def table_counts(db: Path) -> dict[str, int]:
    """Rows per table of the SQLite store, every table."""
    con = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def table_dump(db: Path) -> list[str]:
    """The whole store as SQL text: equal dumps mean nothing at all was written."""
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def other_store(tmp_path: Path) -> Iterator[Store]:
    """A second, empty store (another PA_DB) for round trips."""
    s = open_sqlite(tmp_path / "fresh" / "pa.db")
    yield s
    s.close()


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {lines!r}"
    return lines[0]


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def rule(text: str | None) -> dict[str, str]:
    """An RRULE as its parts: the order of the parts carries no meaning."""
    return dict(p.split("=", 1) for p in (text or "").split(";") if p)


def master(session: Session, uid: str) -> Event:
    return session.exec(
        select(Event).where(col(Event.external_uid) == uid, col(Event.parent_id).is_(None))
    ).one()


def overrides_of(session: Session, ev: Event) -> list[Event]:
    return list(
        session.exec(
            select(Event).where(col(Event.parent_id) == ev.id).order_by(col(Event.recurrence_id))
        ).all()
    )


def by_title(session: Session, title: str) -> list[Event]:
    return list(session.exec(select(Event).where(col(Event.title) == title)).all())


def task(session: Session, uid: str) -> Task:
    return session.exec(select(Task).where(col(Task.external_uid) == uid)).one()


def attendee_emails(session: Session, event_id: int | None) -> set[str]:
    rows = session.exec(
        select(ContactEmail.value)
        .join(EventAttendee, col(EventAttendee.contact_id) == col(ContactEmail.contact_id))
        .where(col(EventAttendee.event_id) == event_id)
    ).all()
    return set(rows)


def counts_of(session: Session) -> tuple[int, int, int, int]:
    """(event masters, occurrence overrides, tasks, contacts) in the store."""
    evs = session.exec(select(Event)).all()
    return (
        sum(1 for e in evs if e.parent_id is None),
        sum(1 for e in evs if e.parent_id is not None),
        len(session.exec(select(Task)).all()),
        len(session.exec(select(Contact)).all()),
    )


# ---- 1. one test per sample: counts and exact values


def check_apple_ios26(s: Session) -> None:
    ev = master(s, "af64eb20-7d10-4482-8b22-921f7656390a")
    assert ev.title == "Antrag auf ID Austria"
    assert (ev.start_local, ev.end_local, ev.tz) == (
        datetime(2026, 5, 22, 10, 30),
        datetime(2026, 5, 22, 10, 40),
        "Europe/Vienna",
    )
    assert ev.start_utc == utc(2026, 5, 22, 8, 30)
    # \; unescaped, non-ASCII kept; the long folded X-APPLE-STRUCTURED-LOCATION did no harm.
    assert ev.location == "Hauptstraße 1-5; 4041 Linz"
    assert ev.agenda == "Passwesen\nAntrag auf ID Austria"
    assert not ev.all_day and ev.rrule is None and not ev.cancelled


def check_apple_macos(s: Session) -> None:
    tentative = master(s, "31a1ffc9-9b76-465b-ae4a-cadb694c9d37")
    # UTC DTSTART/DTEND shown in the calendar's X-WR-TIMEZONE.
    assert (tentative.start_local, tentative.end_local, tentative.tz) == (
        datetime(2022, 7, 4, 16, 0),
        datetime(2022, 7, 4, 16, 50),
        "America/Vancouver",
    )
    cancelled = master(s, "8CAB46C5-669F-4249-B1AD-52BFA72F4E0A")
    assert cancelled.title == "Cancelled" and cancelled.cancelled
    assert cancelled.start_local == datetime(2022, 7, 6, 13, 0)
    assert [e.cancelled for e in by_title(s, "Confirmed") + by_title(s, "No Status")] == [
        False,
        False,
    ]
    # The folded ATTENDEE became a contact, linked to its event.
    assert attendee_emails(s, tentative.id) == {"tentative@example.com"}
    assert attendee_emails(s, by_title(s, "No Status")[0].id) == set()


def check_bom_mozilla(s: Session) -> None:
    meeting = master(s, "403f9454-6fc8-11db-b5e3-c1ad1b64708e")
    assert meeting.title == "Möte kontoret"  # BOM skipped, value folded after the name
    assert meeting.all_day and (meeting.start_date, meeting.end_date) == (
        date(2006, 10, 31),
        date(2006, 11, 1),
    )
    assert meeting.tz is None and meeting.start_local is None
    assert meeting.agenda == (
        "Skall träffa liselotte och diskutera vår ekonomi. Och se över våra överenskommelser.\n"
    )
    assert meeting.confidential  # CLASS:PRIVATE
    jul = master(s, "27dedb92-69a4-11db-8fae-b9231e60cc13")
    assert (jul.title, jul.tz, jul.start_local, jul.end_local) == (
        "God Jul",
        None,  # floating
        datetime(2006, 12, 24, 0, 0),
        datetime(2006, 12, 24, 23, 0),
    )
    birthday = master(s, "a4df60b2-708e-11db-8d7b-f7ec1dceb054")
    assert birthday.title == "Mamma fyller år" and birthday.location == "Västerås"
    assert (birthday.start_date, birthday.end_date) == (date(2006, 11, 9), date(2006, 11, 10))
    assert not master(s, "02d7e71d-6903-11db-bb22-d4dd07f6c8b9").confidential  # CLASS:PUBLIC
    todo = task(s, "1c903d42-fd22-11da-9097-d8074ea454d0")
    assert (todo.title, todo.notes, todo.location) == ("Städa garaget", "NOGA!!!", "Garaget")
    assert todo.priority == 3  # PRIORITY:5 (medium)
    assert todo.status == "todo"  # IN-PROCESS
    assert todo.confidential
    # Floating DUE 13:59 read in the principal's zone (CEST) -> 11:59 UTC.
    assert todo.due_at == utc(2006, 6, 16, 11, 59) and todo.due_date == date(2006, 6, 16)
    assert todo.sched_date == date(2006, 6, 16)


EXCHANGE_BLACK = (
    "040000008200E00074C5B7101A82E00800000000017E1BADC42ED601000000000000000"
    "010000000FBF1FBAE2E9FBC4D81F16854E2F4D51B"
)


def check_exchange2010(s: Session) -> None:
    black = master(s, EXCHANGE_BLACK)  # the folded UID unfolded
    assert black.title == "Refuse black bin" and black.all_day and black.tz is None
    assert (black.start_date, black.end_date) == (date(2020, 4, 2), date(2020, 4, 3))
    # UNTIL=20200916T230000Z of an all-day series becomes a date.
    assert rule(black.rrule) == {
        "FREQ": "WEEKLY",
        "UNTIL": "20200916",
        "INTERVAL": "2",
        "BYDAY": "TH",
        "WKST": "MO",
    }
    moved = overrides_of(s, black)
    # RECURRENCE-ID;TZID=GMT Standard Time:...T000000 -> the series' day.
    assert [(o.recurrence_id, o.start_date, o.end_date, o.all_day) for o in moved] == [
        (datetime(2020, 4, 16), date(2020, 4, 17), date(2020, 4, 18), True),
        (datetime(2020, 5, 28), date(2020, 5, 29), date(2020, 5, 30), True),
        (datetime(2020, 9, 3), date(2020, 9, 4), date(2020, 9, 5), True),
    ]
    assert all(o.external_uid is None and o.rrule is None for o in moved)
    blue = by_title(s, "Blue Recycle bin")[0]
    assert rule(blue.rrule)["UNTIL"] == "20200923" and overrides_of(s, blue) == []


def check_google_public(s: Session) -> None:
    bio = master(s, "4pudsugalsbuqetcfdns8demti@google.com")
    assert bio.title == '"Bioökonomie-Tag"'
    # DTSTART:20190228T190000Z with X-WR-TIMEZONE:Europe/Berlin -> 20:00 Berlin wall time.
    assert (bio.start_local, bio.end_local, bio.tz) == (
        datetime(2019, 2, 28, 20, 0),
        datetime(2019, 2, 28, 21, 0),
        "Europe/Berlin",
    )
    montessori = master(s, "7g6502aejkun96i5fenfu6hvc1@google.com")
    assert rule(montessori.rrule) == {"FREQ": "WEEKLY", "BYDAY": "TH"}
    assert montessori.exdate == "2019-03-07T08:30:00"
    chaos = master(s, "4m856r43sj4i6g0vat9dn4gtui@google.com")
    # UNTIL=20190115T225959Z -> the series' own wall time (23:59:59 Berlin).
    assert rule(chaos.rrule)["UNTIL"] == "20190115T235959"
    repair = master(s, "52uuaoruefesorque1gpjabr6t@google.com")
    assert rule(repair.rrule) == {"FREQ": "MONTHLY", "UNTIL": "20181123T235959", "BYDAY": "-1SA"}
    assert sorted(repair.exdate.split(",")) == ["2018-07-28T11:00:00", "2018-08-25T11:00:00"]
    assert [(o.recurrence_id, o.start_local) for o in overrides_of(s, repair)] == [
        (datetime(2018, 9, 29, 11, 0), datetime(2018, 9, 22, 11, 0)),
        (datetime(2018, 10, 27, 11, 0), datetime(2018, 10, 20, 11, 0)),
    ]
    third_sat = master(s, "ome5r9735mpdoo3n6lpf8oi0c4@google.com")
    moved = overrides_of(s, third_sat)
    assert [o.recurrence_id for o in moved] == [
        datetime(2018, 12, 15, 11, 0),
        datetime(2019, 1, 19, 11, 0),
        datetime(2019, 2, 16, 11, 0),
    ]
    assert moved[-1].start_local == datetime(2019, 2, 24, 11, 0)
    assert moved[-1].title == "mB-onTour: repairCafé"
    assert (moved[-1].location or "").startswith("Treffpunkt Freizeit")
    fair = master(s, "05b6u5vfdih0cdr6q3msgemss2@google.com")
    assert fair.all_day and (fair.start_date, fair.end_date) == (
        date(2018, 5, 26),
        date(2018, 5, 28),
    )
    week = master(s, "37jkbgv9regint2hqhlmd9risn@google.com")
    assert rule(week.rrule) == {"FREQ": "WEEKLY", "WKST": "SU", "COUNT": "6", "BYDAY": "MO,TU,WE"}
    assert attendee_emails(s, bio.id) == set()
    assert attendee_emails(s, by_title(s, "Workshop DiReBio")[0].id) == {
        "j68lhv614hbv3u4ttbrs6glhpg@group.calendar.google.com"
    }


def check_google_x_wr(s: Session) -> None:
    noon = master(s, "3bc4jff97631or97ntnk75n4se@google.com")
    # Stored in UTC (17:00Z), shown by Google in America/New_York: 12:00-13:00 wall time.
    assert (noon.start_local, noon.end_local, noon.tz) == (
        datetime(2021, 12, 22, 12, 0),
        datetime(2021, 12, 22, 13, 0),
        "America/New_York",
    )
    assert noon.start_utc == utc(2021, 12, 22, 17)
    nine = master(s, "14n7h56i35m32ukcq76s46d45p@google.com")
    # 02:00Z on the 23rd is 21:00 on the 22nd in New York.
    assert (nine.start_local, nine.tz) == (datetime(2021, 12, 22, 21, 0), "America/New_York")
    assert noon.location is None and noon.agenda is None  # empty LOCATION:/DESCRIPTION:


def check_khal(s: Session) -> None:
    series = master(s, "event_rrule_recurrence_id")
    assert (series.title, series.tz, series.start_local, series.end_local) == (
        "Arbeit",
        "Europe/Berlin",
        datetime(2014, 6, 30, 7, 0),
        datetime(2014, 6, 30, 12, 0),
    )
    # UNTIL=20140806T060000Z is 08:00 in Berlin (CEST).
    assert rule(series.rrule) == {"FREQ": "WEEKLY", "UNTIL": "20140806T080000"}
    moved, cancelled = overrides_of(s, series)
    # RECURRENCE-ID given in UTC (05:00Z) of a Berlin series -> the 07:00 wall instance.
    assert (moved.recurrence_id, moved.start_local, moved.end_local, moved.cancelled) == (
        datetime(2014, 7, 7, 7, 0),
        datetime(2014, 7, 7, 9, 0),
        datetime(2014, 7, 7, 14, 0),
        False,
    )
    assert (cancelled.recurrence_id, cancelled.cancelled) == (datetime(2014, 7, 14, 7, 0), True)


def check_outlook2010(s: Session) -> None:
    uid = (
        "040000009200E00074C5B7101A82E00800000000C0383BE68041CE01000000000000000"
        "01000000070D00A2F625AC34BB6542DE0D19E67E1"
    )
    ev = master(s, uid)  # TAB-continued fold in the UID
    assert ev.title == "Team Meeting" and ev.location == "Auditorium 16"
    # TZID="Eastern Standard Time" (quoted Windows name) -> America/New_York.
    assert (ev.start_local, ev.end_local, ev.tz) == (
        datetime(2013, 6, 10, 12, 0),
        datetime(2013, 6, 10, 13, 0),
        "America/New_York",
    )
    assert ev.start_utc == utc(2013, 6, 10, 16)
    assert ev.agenda == (
        "Meeting will discuss objectives for next project.\nWill include a presentation and food."
    )
    assert attendee_emails(s, ev.id) == {
        "johndoe@example.com",  # folded with a TAB inside the address
        "janedoe@example.com",
        "bobsmith@example.com",  # the ORGANIZER
    }
    names = {c.name for c in s.exec(select(Contact)).all()}
    assert names == {"Doe, John", "Doe, Jane", "Smith, Bob"}


def check_outlook2016(s: Session) -> None:
    ev = master(s, "0a1f4b32-279a-11e8-adab-e67eecc63901")
    assert ev.title == "Meeting in Berlin"  # SUMMARY;LANGUAGE=de
    # TZID="W. Europe Standard Time" -> Europe/Berlin.
    assert (ev.start_local, ev.end_local, ev.tz) == (
        datetime(2018, 7, 22, 12, 0),
        datetime(2018, 7, 22, 13, 0),
        "Europe/Berlin",
    )
    assert ev.start_utc == utc(2018, 7, 22, 10)


def check_thunderbird_alarms(s: Session) -> None:
    series = master(s, "ee30acc4-b8c8-4bc2-affb-ff1e971e4fd9")
    assert (series.title, series.tz, series.start_local) == (
        "event with alarm",
        "Europe/London",
        datetime(2024, 12, 18, 9, 0),
    )
    assert rule(series.rrule) == {"FREQ": "DAILY", "UNTIL": "20241223T090000"}
    assert series.reminders == "60"  # VALARM TRIGGER:-PT1H
    got = [(o.recurrence_id, o.title, o.start_local, o.reminders) for o in overrides_of(s, series)]
    assert got == [
        (datetime(2024, 12, 19, 9), "event with alarm", datetime(2024, 12, 19, 12), "60"),
        (datetime(2024, 12, 21, 9), "event without alarm", datetime(2024, 12, 21, 9), None),
        (
            datetime(2024, 12, 22, 9),
            "event with alarm 30 min before",
            datetime(2024, 12, 22, 9),
            "30",
        ),
    ]
    after_end = task(s, "2e8666fe-a370-4c2c-acfb-b0352a1ebae2")
    assert after_end.title == "todo with alarm after end"
    assert after_end.due_at == utc(2023, 12, 16, 9) and after_end.due_date == date(2023, 12, 16)
    assert (after_end.status, after_end.priority, after_end.rrule) == ("todo", 4, None)
    absolute = task(s, "8f9e0f14-a130-4270-88b1-045c5cd799a2")
    assert absolute.due_at == utc(2023, 11, 16, 9)
    daily = task(s, "efc08fc4-c843-4ce0-b02b-c4fd0a2b42b6")
    assert (daily.title, daily.sched_date, daily.due_date) == (
        "todo with alarm",
        date(2023, 12, 17),
        None,
    )
    assert rule(daily.rrule)["FREQ"] == "DAILY"


def check_thunderbird_exchange(s: Session) -> None:
    series = s.exec(select(Event).where(col(Event.parent_id).is_(None))).one()
    assert series.title == "Billings-task-setting follow-up series"
    # TZID=W. Europe Standard Time (unquoted Windows name) -> Europe/Berlin.
    assert (series.tz, series.start_local, series.end_local) == (
        "Europe/Berlin",
        datetime(2026, 1, 23, 11, 0),
        datetime(2026, 1, 23, 12, 0),
    )
    # UNTIL=20260731T090000Z is 11:00 in Berlin (CEST); the floating EXDATE is series wall time.
    assert rule(series.rrule) == {"FREQ": "WEEKLY", "BYDAY": "FR", "UNTIL": "20260731T110000"}
    assert series.exdate == "2026-04-03T11:00:00"
    assert series.reminders == "5" and series.location == "Microsoft Teams-Besprechung"
    [moved] = overrides_of(s, series)
    assert (moved.recurrence_id, moved.start_local, moved.end_local, moved.reminders) == (
        datetime(2026, 1, 30, 11, 0),
        datetime(2026, 1, 30, 10, 30),
        datetime(2026, 1, 30, 11, 30),
        "5",
    )
    # Attendees and organizer: upper-case redacted addresses, matched case-insensitively.
    assert attendee_emails(s, series.id) == {
        "xx@xxxxxxx.xxx",
        "xxxxxxxxx@xxxxxxxxxxxxxx.xxx",
        "xxxxxxxxxx@xxxxxxxxxxxxxx.xxx",
        "xxxxxxx@xxxxxxxxxxxxxx.xxx",
    }


def check_tripit(s: Session) -> None:
    trip = master(s, "c32a5eaba2354bb29e012ec18da827db90550a3b@tripit.com")
    assert trip.title == "South San Francisco, CA, October 2011;"  # \, and \; unescaped
    assert trip.all_day and (trip.start_date, trip.end_date) == (
        date(2011, 10, 11),
        date(2011, 10, 14),
    )
    directions = master(s, "item-ee275ccffa83f492d9eb63b01953b39f18d4f944@tripit.com")
    assert directions.tz is None  # floating local time next to UTC ones
    assert directions.start_local == datetime(2011, 10, 11, 10, 5)
    assert directions.location == "250 GATEWAY BLVD, South San Francisco, CA, 94080"
    assert directions.title == (
        "Directions from SFO to Embassy Suites San Francisco Airport - South San Francisco"
    )
    flight = master(s, "item-c576afd397cf1f90578b4ba35e781b61ba8897db@tripit.com")
    assert (flight.title, flight.tz, flight.start_local, flight.end_local) == (
        "US403 PHX to SFO",
        "UTC",
        datetime(2011, 10, 11, 14, 45),
        datetime(2011, 10, 11, 16, 55),
    )
    assert "seat(s) 8B; conf #DXH9KZ, BXQ9WH" in (flight.agenda or "")


def check_unicode_emoji(s: Session) -> None:
    cleaning = master(s, "39948566_637992324000000000")
    assert cleaning.title == "Bridge Cleaning  (🔪 Chef's Kitchen + 1 other)"
    # Skedda's custom TZID UTC-07 -> Etc/GMT+7 (POSIX sign), the instant kept.
    assert (cleaning.tz, cleaning.start_local) == ("Etc/GMT+7", datetime(2022, 9, 19, 18, 0))
    assert cleaning.start_utc == utc(2022, 9, 20, 1)
    winter = master(s, "41940425_638036334000000000")
    assert (winter.tz, winter.start_local) == ("Etc/GMT+8", datetime(2022, 11, 9, 15, 30))
    assert winter.start_utc == utc(2022, 11, 9, 23, 30)
    karaoke = master(s, "34995754_637988832000000000")
    assert karaoke.title == "Bridge Administrator: Karaoke Happy Hour (Gallery)"
    assert attendee_emails(s, karaoke.id) == {"administrator@bridgeartspace.com"}
    admin = s.exec(
        select(Contact)
        .join(ContactEmail, col(ContactEmail.contact_id) == col(Contact.id))
        .where(col(ContactEmail.value) == "administrator@bridgeartspace.com")
    ).one()
    assert admin.name == "Bridge Administrator"  # from CN, one contact for many events
    linked = s.exec(select(EventAttendee).where(col(EventAttendee.contact_id) == admin.id)).all()
    assert len(linked) == 40  # the events naming that ATTENDEE in the file


def check_vtodo_apple(s: Session) -> None:
    t = task(s, "A406CCEB-D40E-42F0-BA5F-9D7429618DFB")
    assert (t.title, t.status, t.priority) == ("Test daily", "todo", 4)
    # DUE;TZID=America/Chicago:20180417T140000 (CDT) -> 19:00 UTC; VTIMEZONE came after.
    assert t.due_at == utc(2018, 4, 17, 19) and t.due_date == date(2018, 4, 17)
    assert t.sched_date == date(2018, 4, 17)
    assert t.rrule == "FREQ=DAILY"


def check_vtodo_nextcloud(s: Session) -> None:
    t = task(s, "838bdba9-f511-4dc7-8686-aaad8728e9bd")
    assert (t.title, t.due_date, t.due_at, t.status) == (
        "All day task",
        date(2021, 2, 1),
        None,
        "todo",
    )


def check_vtodo_tasksorg(s: Session) -> None:
    t = task(s, "folding-test-multiple")
    assert t.title == (
        "This is a very long task title that will definitely need to be folded across multiple "
        "lines because it exceeds the seventy-five byte line limit that RFC 5545 specifies for "
        "iCalendar content lines"
    )
    assert t.notes == (
        "First paragraph with enough text to trigger folding in the description property as "
        "well.\n\nSecond paragraph with **markdown** and _italic_ formatting.\n\nThird paragraph."
    )
    assert t.priority == 4  # PRIORITY:9, the lowest


def check_vtodo_thunderbird(s: Session) -> None:
    t = task(s, "e0600bbe-b9d0-ba48-80b0-998409625d03")
    assert t.title == "Recurring"
    # 17:00 Chicago (CST) = 23:00 UTC = 00:00 on the 21st in the principal's zone.
    assert t.due_at == utc(2020, 12, 20, 23) and t.due_date == date(2020, 12, 21)
    # (what happens to the series and its completed occurrence: see the xfail test below)


def check_tw_assistant(s: Session) -> None:
    board = task(s, "f354d15c-6b94-4934-b85c-1f74c196fd8f")
    assert (board.title, board.priority, board.project, board.tags) == (
        "Prepare board pack for Q3 meeting",
        2,  # H
        "Board.Q3",
        "board",
    )
    assert board.due_at == utc(2026, 12, 3, 9) and board.due_date == date(2026, 12, 3)
    # Annotations in the notes, the JSON `\/` escape read as "/".
    assert board.notes == (
        'Q2 minutes are in the shared drive, folder "Board/2026"\n'
        "CFO to send revised figures by Monday"
    )
    assert board.extra == {"principal": "CEO", "estimate": "PT3H"}  # UDAs kept
    agenda = task(s, "5460ecc1-3001-40ad-ab2e-7c85d3f97618")
    assert agenda.priority == 3  # M
    assert agenda.due_date == date(2026, 12, 1) and agenda.due_at is None  # midnight UTC
    assert (agenda.extra or {}).get("depends") == ["f354d15c-6b94-4934-b85c-1f74c196fd8f"]
    assert "depends on: f354d15c-6b94-4934-b85c-1f74c196fd8f" in (agenda.notes or "")
    passport = task(s, "0c027576-aa5c-40c7-80c5-244bb66b515a")
    assert passport.title == "Renew Herr Müller's passport (expires 2027-02)"
    assert passport.status == "todo"  # 2.6 still says pending with a future wait
    assert passport.sched_date == date(2026, 12, 10)  # scheduled wins over wait
    assert passport.extra == {"principal": "Müller", "wait": "20261207T000000Z"}
    assert passport.due_date == date(2027, 1, 15) and passport.priority == 4
    call = task(s, "290d39fd-f2be-48ca-a517-45e14ee30173")
    assert call.title == "Call back Søren Ødegård re: contract renewal 📞"
    assert call.tags == "calls followup" and call.project == "Calls"
    hr = task(s, "aa3eee51-15c7-4c7b-ab07-19192aa642ed")
    assert hr.title == "[bold]Confidential[/bold]: HR case notes for J. Doe — do not forward"
    weekly = task(s, "b1b9fc55-08eb-4354-b8a8-9065a8594ff4")
    assert (weekly.rrule, weekly.due_at) == ("FREQ=WEEKLY", utc(2026, 11, 27, 17))
    assert task(s, "63ba0096-4237-47ae-8f50-f4f5993b2add").rrule == "FREQ=YEARLY"
    toner = task(s, "203bdda7-628b-4f8c-a0cc-e948dd59043f")
    assert (toner.status, toner.completed_at) == ("done", utc(2026, 11, 25, 0, 29, 5))
    assert task(s, "b1cfd159-a8bb-4b6a-8258-5cb54158670a").status == "cancelled"
    assert task(s, "dc78274a-5878-4c43-a674-781bca087ada").notes == (
        "Ask reception whether the A3 tray is fixed"
    )


def check_tw_backlog(s: Session) -> None:
    started = task(s, "e06d3893-d716-4a22-a06b-0d41e924d2ca")
    assert (started.title, started.status) == ("Started and stopped task", "todo")
    done = task(s, "fe9aa946-ffb3-43c6-b2e2-513270f858b1")
    # The last of its four lines (completed) is the one kept.
    assert (done.status, done.completed_at) == ("done", utc(2018, 1, 29, 8, 43, 17))
    assert task(s, "eddeddae-e965-4283-b4ac-c1370d90f5a7").status == "todo"


@dataclass(frozen=True)
class Case:
    kind: str  # samples subdirectory
    name: str
    events: int  # masters
    overrides: int  # event rows with parent_id
    tasks: int
    contacts: int  # created for attendees
    check: Callable[[Session], None]
    cli: bool = False  # import with the real `pa import FILE` instead of import_files


CASES = [
    Case("ics", "apple_ios26_structured_location.ics", 1, 0, 0, 0, check_apple_ios26),
    Case("ics", "apple_macos_status_variants.ics", 4, 0, 0, 3, check_apple_macos),
    Case("ics", "bom_mozilla_swedish_odd_folds.ics", 6, 0, 1, 0, check_bom_mozilla),
    Case("ics", "exchange2010_allday_recurring_overrides.ics", 2, 3, 0, 0, check_exchange2010),
    Case("ics", "google_public_calendar_recurring_overrides.ics", 58, 6, 0, 1, check_google_public),
    Case("ics", "google_x_wr_timezone_utc_times.ics", 2, 0, 0, 0, check_google_x_wr),
    Case("ics", "khal_recurrence_id_cancelled_instance.ics", 1, 2, 0, 0, check_khal, cli=True),
    Case("ics", "outlook2010_meeting_request_tab_folds.ics", 1, 0, 0, 3, check_outlook2010),
    Case("ics", "outlook2016_w_europe_standard_time.ics", 1, 0, 0, 0, check_outlook2016),
    Case("ics", "thunderbird_events_todos_alarms.ics", 1, 3, 3, 0, check_thunderbird_alarms),
    Case(
        "ics",
        "thunderbird_exchange_invite_w_europe_exdate_override.ics",
        1,
        1,
        0,
        4,
        check_thunderbird_exchange,
    ),
    Case("ics", "tripit_travel_itinerary.ics", 47, 0, 0, 0, check_tripit),
    Case("ics", "unicode_emoji_booking_export.ics", 212, 0, 0, 10, check_unicode_emoji),
    Case("ics", "vtodo_apple_reminders_ios_daily.ics", 0, 0, 1, 0, check_vtodo_apple),
    Case("ics", "vtodo_nextcloud_allday_due.ics", 0, 0, 1, 0, check_vtodo_nextcloud),
    Case("ics", "vtodo_tasksorg_folded_long_lines.ics", 0, 0, 1, 0, check_vtodo_tasksorg),
    Case("ics", "vtodo_thunderbird_completed_occurrence.ics", 0, 0, 1, 0, check_vtodo_thunderbird),
    Case("taskwarrior", TW_BACKLOG, 0, 0, 3, 0, check_tw_backlog, cli=True),
    # 13 objects: two recurring templates each with an instance Taskwarrior made; the instances
    # are skipped (pa-tui makes the next one on completion), so 11 tasks.
    Case("taskwarrior", TW_ASSISTANT, 0, 0, 11, 0, check_tw_assistant),
    Case("taskwarrior", TW_ARRAY_OFF, 0, 0, 11, 0, check_tw_assistant),
]


# What a file holds that pa-tui keeps otherwise, each skip reported with its reason.
SKIPS = {
    "vtodo_thunderbird_completed_occurrence.ics": 1,  # the completed occurrence: series kept
    TW_ASSISTANT: 2,  # the instances of the two recurring templates
    TW_ARRAY_OFF: 2,
}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_sample_imports_with_its_counts_and_values(case: Case, store: Store) -> None:
    path = sample(case.kind, case.name)
    if case.cli:
        r = run_pa("import", str(path))
        assert r.code == 0, r.err
        assert r.err == ""
        summary_line = r.out.strip()
    else:
        summary = import_into(store, path)
        summary_line = summary.line()
        assert len(summary.skipped) == SKIPS.get(case.name, 0), summary.skipped
    with store.read() as session:
        assert counts_of(session) == (case.events, case.overrides, case.tasks, case.contacts)
        case.check(session)
    # The summary counts what the file held (the attendees' contacts: see the xfail test).
    wanted = {"events": case.events, "occurrence overrides": case.overrides, "tasks": case.tasks}
    for kind, n in wanted.items():
        if n:
            assert re.search(rf"\b{n} {kind}\b", summary_line), summary_line
    if case.name == TW_BACKLOG:
        # 12 lines, 3 UUIDs: 9 earlier versions replaced, each reported by file:line.
        assert summary_line.startswith("created 3 tasks; updated nothing; skipped 9 (")
        assert f"{path}:2: uuid e06d3893 again (the later one kept)" in summary_line
    elif case.cli:
        assert (
            summary_line == "created 1 events, 2 occurrence overrides; updated nothing; skipped 0"
        )


def test_backlog_reports_every_replaced_version(store: Store) -> None:
    path = sample("taskwarrior", TW_BACKLOG)
    summary = import_into(store, path)
    assert summary.skipped == [
        f"{path}:{n}: uuid {u} again (the later one kept)"
        for n, u in [
            (2, "e06d3893"),
            (3, "e06d3893"),
            (5, "fe9aa946"),
            (6, "fe9aa946"),
            (7, "fe9aa946"),
            (9, "eddeddae"),
            (10, "eddeddae"),
            (11, "eddeddae"),
            (12, "eddeddae"),
        ]
    ]


def test_array_off_export_is_the_same_tasks(store: Store, other_store: Store) -> None:
    """json.array=off (one object per line) reads exactly like the array form."""
    import_into(store, sample("taskwarrior", TW_ASSISTANT))
    import_into(other_store, sample("taskwarrior", TW_ARRAY_OFF))
    assert task_rows(store, TASK_JSON_FIELDS) == task_rows(other_store, TASK_JSON_FIELDS)


def test_attendees_match_existing_contacts_by_email(store: Store) -> None:
    path = sample("ics", "outlook2010_meeting_request_tab_folds.ics")
    with store.write() as session:
        me = principals.ensure_default(session, now=NOW)
        jane = contacts.create_contact(
            session, principal=me, name="Jane Doe", now=NOW, emails=["JaneDoe@Example.com"]
        )
        jane_id = jane.id
    import_into(store, path)
    with store.read() as session:
        assert counts_of(session)[3] == 3  # Jane matched, John and Bob created
        ev = session.exec(select(Event)).one()
        linked = {
            a.contact_id
            for a in session.exec(
                select(EventAttendee).where(col(EventAttendee.event_id) == ev.id)
            ).all()
        }
        assert jane_id in linked and len(linked) == 3
        assert session.get(Contact, jane_id).name == "Jane Doe"  # not renamed to the CN


# ---- 2. broken files: one FILE:LINE error, nothing written, also after a good file

BROKEN = [
    # (kind, file, line, words in the message, a good file given first)
    ("ics", "broken_google_empty_exdate.ics", 19, "EXDATE has no value", "ics/google_x_wr"),
    (
        "ics",
        "broken_missing_end_vcalendar.ics",
        3,  # the last line: the file ends there, inside the BEGIN:VCALENDAR of line 1
        "ends inside BEGIN:VCALENDAR of line 1",
        "ics/google_x_wr",
    ),
    ("ics", "broken_param_double_semicolon.ics", 4, "empty parameter", "ics/google_x_wr"),
    (
        "ics",
        "broken_unterminated_vevent.ics",
        15,
        "ends inside BEGIN:VEVENT of line 4",
        "ics/google_x_wr",
    ),
    # The vCard reader names the BEGIN:VCARD line of the unclosed card (line 1 of 3); the
    # iCalendar reader names the last line and the BEGIN line in the text. Both point at it.
    ("vcf", "broken_missing_end_vcard.vcf", 1, "END:VCARD", "vcf/android"),
]
GOOD_FIRST = {
    "ics/google_x_wr": ("ics", "google_x_wr_timezone_utc_times.ics"),
    "vcf/android": ("vcf", "android_v21_qp_utf8_multi.vcf"),
}


@pytest.mark.parametrize(
    ("kind", "name", "line", "words", "good"), BROKEN, ids=[b[1] for b in BROKEN]
)
def test_broken_file_names_file_and_line_and_writes_nothing(
    kind: str, name: str, line: int, words: str, good: str, store: Store, db_path: Path
) -> None:
    if kind == "vcf":
        need_vcard()
    broken = sample(kind, name)
    good_file = sample(*GOOD_FIRST[good])
    # A store with something in it already (and its principal made by `pa` beforehand).
    import_into(store, sample("ics", "outlook2010_meeting_request_tab_folds.ics"))
    counts, dump = table_counts(db_path), table_dump(db_path)
    for files in ([broken], [good_file, broken]):
        r = run_pa("import", *map(str, files))
        assert r.code == 2, (r.out, r.err)
        assert r.out == ""
        err = one_line(r.err)
        assert err.startswith(f"pa: error: {broken}:{line}: "), err
        assert words in err
        assert table_counts(db_path) == counts  # every table, row for row
        assert table_dump(db_path) == dump


# ---- 3. idempotent re-import


def test_reimport_ics_with_overrides_via_cli_updates_only(db_path: Path) -> None:
    path = sample("ics", "khal_recurrence_id_cancelled_instance.ics")
    first = run_pa("import", str(path))
    assert first.code == 0 and first.out.startswith("created 1 events, 2 occurrence overrides")
    counts = table_counts(db_path)
    again = run_pa("import", str(path))
    assert again.code == 0, again.err
    assert again.out.strip() == (
        "created nothing; updated 1 events, 2 occurrence overrides; skipped 0"
    )
    assert table_counts(db_path) == counts


def test_reimport_google_calendar_creates_nothing(store: Store, db_path: Path) -> None:
    path = sample("ics", "google_public_calendar_recurring_overrides.ics")
    import_into(store, path)
    counts = table_counts(db_path)
    again = import_into(store, path)
    assert again.created == {}
    assert again.updated == {"events": 58, "occurrence overrides": 6}
    assert "created nothing; updated 58 events, 6 occurrence overrides" in again.line()
    assert table_counts(db_path) == counts


def test_reimport_taskwarrior_creates_nothing(store: Store, db_path: Path) -> None:
    import_into(store, sample("taskwarrior", TW_ASSISTANT))
    counts = table_counts(db_path)
    again = import_into(store, sample("taskwarrior", TW_ASSISTANT))
    assert (again.created, again.updated) == ({}, {"tasks": 11})
    # The line-per-object export of the same tasks is the same UUIDs: updates again.
    other = import_into(store, sample("taskwarrior", TW_ARRAY_OFF))
    assert (other.created, other.updated) == ({}, {"tasks": 11})
    assert table_counts(db_path) == counts


def test_reimport_vcf_via_cli_creates_nothing(db_path: Path) -> None:
    need_vcard()
    path = sample("vcf", "android_v21_qp_utf8_multi.vcf")  # six cards, none with a UID
    first = run_pa("import", str(path))
    assert first.code == 0, first.err
    assert first.out.strip() == "created 6 contacts; updated nothing; skipped 0"
    counts = table_counts(db_path)
    again = run_pa("import", str(path))
    assert again.code == 0, again.err
    assert again.out.strip() == "created nothing; updated 6 contacts; skipped 0"
    assert table_counts(db_path) == counts


def test_exported_imported_rows_reimport_as_updates(store: Store, tmp_path: Path) -> None:
    """The exporter writes the imported UIDs back, so its own output updates in place."""
    import_into(store, sample("ics", "google_public_calendar_recurring_overrides.ics"))
    out = tmp_path / "back.ics"
    out.write_text(export_text(store, "events", "ics"), encoding="utf-8")
    again = import_into(store, out)
    assert again.created == {}
    assert again.updated == {"events": 58, "occurrence overrides": 6}


# ---- 4. round trips into a fresh store, field by field

EVENT_FIELDS = (
    "title",
    "all_day",
    "start_local",
    "end_local",
    "tz",
    "start_date",
    "end_date",
    "exdate",
    "rdate",
    "location",
    "cancelled",
    "reminders",
    "recurrence_id",
    "external_uid",
    "confidential",
    "agenda",
)


def event_rows(store: Store) -> dict[tuple[str, str], dict[str, Any]]:
    """Every event row by (series UID, recurrence id), overrides keyed by their series' UID."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with store.read() as session:
        rows = session.exec(select(Event)).all()
        uid_of = {e.id: e.external_uid for e in rows}
        for e in rows:
            key = (
                str(uid_of[e.parent_id] if e.parent_id else e.external_uid),
                str(e.recurrence_id),
            )
            assert key not in out, f"two rows for {key}"
            values = {f: getattr(e, f) for f in EVENT_FIELDS}
            values["rrule"] = rule(e.rrule)
            values["start_utc"] = e.start_utc
            values["attendees"] = attendee_emails(session, e.id)
            out[key] = values
    return out


EVENT_SAMPLES = [
    "apple_ios26_structured_location.ics",
    "apple_macos_status_variants.ics",
    "bom_mozilla_swedish_odd_folds.ics",
    "exchange2010_allday_recurring_overrides.ics",
    "google_public_calendar_recurring_overrides.ics",
    "google_x_wr_timezone_utc_times.ics",
    "khal_recurrence_id_cancelled_instance.ics",
    "outlook2010_meeting_request_tab_folds.ics",
    "outlook2016_w_europe_standard_time.ics",
    "thunderbird_events_todos_alarms.ics",
    "thunderbird_exchange_invite_w_europe_exdate_override.ics",
    "tripit_travel_itinerary.ics",
    "unicode_emoji_booking_export.ics",
]


def assert_same_rows(a: dict[Any, dict[str, Any]], b: dict[Any, dict[str, Any]]) -> None:
    assert sorted(a) == sorted(b)
    for key, values in a.items():
        diff = {f: (v, b[key][f]) for f, v in values.items() if b[key][f] != v}
        assert diff == {}, f"{key}: {diff}"


@pytest.mark.parametrize("name", EVENT_SAMPLES)
def test_events_round_trip_through_ics(
    name: str, store: Store, other_store: Store, tmp_path: Path
) -> None:
    import_into(store, sample("ics", name))
    exported = tmp_path / "events.ics"
    exported.write_text(export_text(store, "events", "ics"), encoding="utf-8")
    import_into(other_store, exported)
    assert_same_rows(event_rows(store), event_rows(other_store))


def test_events_round_trip_through_the_cli(db_path: Path, tmp_path: Path) -> None:
    """pa import -> pa export events --format ics --out F -> pa import F with another PA_DB."""
    path = sample("ics", "thunderbird_exchange_invite_w_europe_exdate_override.ics")
    assert run_pa("import", str(path)).code == 0
    out = tmp_path / "export.ics"
    r = run_pa("export", "events", "--format", "ics", "--out", str(out))
    assert r.code == 0 and r.out == ""
    assert one_line(r.err) == "exported 1 events"
    fresh = tmp_path / "fresh" / "pa.db"
    back = run_pa("import", str(out), env={"PA_DB": str(fresh)})
    assert back.code == 0, back.err
    # (the 4 attendee contacts it also creates are not in the line: see the xfail test below)
    assert "1 events, 1 occurrence overrides; updated nothing; skipped 0" in back.out
    a, b = open_sqlite(db_path), open_sqlite(fresh)
    try:
        assert_same_rows(event_rows(a), event_rows(b))
        assert table_counts(fresh)["contact"] == table_counts(db_path)["contact"] == 4
    finally:
        a.close()
        b.close()


TASK_ICS_FIELDS = (
    "title",
    "notes",
    "due_date",
    "due_at",
    "sched_date",
    "status",
    "priority",
    "tags",
    "rrule",
    "completed_at",
    "location",
    "confidential",
)
# Taskwarrior has no location or confidential flag; iCalendar has no project or UDAs.
TASK_JSON_FIELDS = (
    "title",
    "notes",
    "due_date",
    "due_at",
    "sched_date",
    "status",
    "priority",
    "project",
    "tags",
    "rrule",
    "completed_at",
    "extra",
)


def task_rows(store: Store, fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    with store.read() as session:
        return {
            str(t.external_uid): {f: getattr(t, f) for f in fields}
            for t in session.exec(select(Task)).all()
        }


def without_depends(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """`depends` is compared on its own (xfail test below): keep the rest of extra honest."""
    out = {}
    for uid, values in rows.items():
        extra = {k: v for k, v in (values.get("extra") or {}).items() if k != "depends"}
        out[uid] = {**values, "extra": extra or None}
    return out


TASK_SAMPLES = [
    ("ics", "bom_mozilla_swedish_odd_folds.ics"),
    ("ics", "thunderbird_events_todos_alarms.ics"),
    ("ics", "vtodo_apple_reminders_ios_daily.ics"),
    ("ics", "vtodo_nextcloud_allday_due.ics"),
    ("ics", "vtodo_tasksorg_folded_long_lines.ics"),
    ("ics", "vtodo_thunderbird_completed_occurrence.ics"),
    ("taskwarrior", TW_BACKLOG),
    ("taskwarrior", TW_ASSISTANT),
]


@pytest.mark.parametrize(("kind", "name"), TASK_SAMPLES, ids=[n for _, n in TASK_SAMPLES])
def test_tasks_round_trip_through_ics(
    kind: str, name: str, store: Store, other_store: Store, tmp_path: Path
) -> None:
    import_into(store, sample(kind, name))
    exported = tmp_path / "tasks.ics"
    exported.write_text(export_text(store, "tasks", "ics"), encoding="utf-8")
    import_into(other_store, exported)
    assert_same_rows(task_rows(store, TASK_ICS_FIELDS), task_rows(other_store, TASK_ICS_FIELDS))


@pytest.mark.parametrize(
    ("kind", "name"),
    [pytest.param(k, n, id=n) for k, n in TASK_SAMPLES],
)
def test_tasks_round_trip_through_taskwarrior_json(
    kind: str, name: str, store: Store, other_store: Store, tmp_path: Path
) -> None:
    import_into(store, sample(kind, name))
    exported = tmp_path / "tasks.json"
    exported.write_text(export_text(store, "tasks", "json"), encoding="utf-8")
    assert json.loads(exported.read_text(encoding="utf-8"))  # a JSON array `task import` reads
    import_into(other_store, exported)
    fields = TASK_JSON_FIELDS
    assert_same_rows(
        without_depends(task_rows(store, fields)), without_depends(task_rows(other_store, fields))
    )


CONTACT_SAMPLES = [
    "android_v21_qp_utf8_multi.vcf",
    "cardbook_bday_without_year.vcf",
    "davx5_allfields_related_anniversary.vcf",
    "evolution_small_inline_png_photos.vcf",
    "evolution_spouse_anniversary.vcf",
    "fullcontact_v4_multi_tel_email.vcf",
    "google_contacts_relatednames_abdate.vcf",
    "iphone_ios5_crcrlf_photo.vcf",
    "korean_v4_fn_only.vcf",
    "outlook2007_v21_spouse_anniversary.vcf",
    "related_child_text.vcf",
    "thunderbird_mffab_spouse_anniversary_photo.vcf",
]


def contact_rows(store: Store) -> dict[str, dict[str, Any]]:
    from pa_tui.models import ContactPhone, ImportantDate, Relation

    out: dict[str, dict[str, Any]] = {}
    with store.read() as session:
        for c in session.exec(select(Contact)).all():
            cid = c.id
            out[str(c.external_uid)] = {
                "name": c.name,
                "given_name": c.given_name,
                "family_name": c.family_name,
                "org": c.org,
                "role": c.role,
                "notes": c.notes,
                "extra": c.extra,
                "emails": sorted(
                    (e.kind, e.value)
                    for e in session.exec(
                        select(ContactEmail).where(col(ContactEmail.contact_id) == cid)
                    )
                ),
                "phones": sorted(
                    (p.kind, p.value)
                    for p in session.exec(
                        select(ContactPhone).where(col(ContactPhone.contact_id) == cid)
                    )
                ),
                "dates": sorted(
                    (d.kind, d.year or 0, d.month, d.day)
                    for d in session.exec(
                        select(ImportantDate).where(col(ImportantDate.contact_id) == cid)
                    )
                ),
                "related": sorted(
                    (r.kind, r.label or "", r.other_name or "")
                    for r in session.exec(select(Relation).where(col(Relation.contact_id) == cid))
                ),
            }
    return out


def test_contacts_round_trip_through_vcf(store: Store, other_store: Store, tmp_path: Path) -> None:
    need_vcard()
    paths = [sample("vcf", n) for n in CONTACT_SAMPLES]
    summary = import_into(store, *paths)
    assert summary.created == {"contacts": 17}
    exported = tmp_path / "contacts.vcf"
    exported.write_text(export_text(store, "contacts", "vcf"), encoding="utf-8")
    back = import_into(other_store, exported)
    assert back.created == {"contacts": 17}
    assert_same_rows(contact_rows(store), contact_rows(other_store))
    rows = contact_rows(other_store)
    assert rows["mostfields1@at.bitfire.vcard4android"]["name"] == "Ämi Display"
    assert [r["name"] for r in rows.values() if r["name"] == "최유림"] == ["최유림"]


# ---- 5. oracle: our occurrences against recurring-ical-events

ORACLE_SAMPLES = [
    "google_public_calendar_recurring_overrides.ics",
    "khal_recurrence_id_cancelled_instance.ics",
    "thunderbird_events_todos_alarms.ics",
    "thunderbird_exchange_invite_w_europe_exdate_override.ics",
    "exchange2010_allday_recurring_overrides.ics",
]


def file_span(calendar: Any) -> tuple[datetime, datetime]:
    """From a day before the file's first DTSTART/RECURRENCE-ID to a year after its last (endless
    series are compared over that stretch)."""
    moments: list[datetime] = []
    for comp in calendar.walk("VEVENT"):
        for name in ("DTSTART", "RECURRENCE-ID"):
            if comp.get(name) is None:
                continue
            value = comp.decoded(name)
            if not isinstance(value, datetime):
                value = datetime.combine(value, datetime.min.time())
            if value.tzinfo is None:
                value = value.replace(tzinfo=ZoneInfo(ZONE))
            moments.append(value.astimezone(UTC))
    start = min(moments).replace(hour=0, minute=0, second=0) - timedelta(days=1)
    end = max(moments).replace(hour=0, minute=0, second=0) + timedelta(days=366)
    return start, end


@pytest.mark.parametrize("name", ORACLE_SAMPLES)
def test_occurrences_match_recurring_ical_events(name: str, store: Store) -> None:
    """Cancelled occurrences: recurring-ical-events yields a STATUS:CANCELLED override like any
    other occurrence (3.x has no filter for it), while our expansion drops a cancelled override
    of a series (recurrence.expand) and keeps cancelled *single* events for the agenda to show
    struck out. So the cancelled ones are dropped on both sides before comparing, and the khal
    sample checks that each side treats them as said."""
    import icalendar
    import recurring_ical_events

    path = sample("ics", name)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    start, end = file_span(calendar)
    import_into(store, path)
    zone = ZoneInfo(ZONE)
    with store.read() as session:
        me = me_of(session)
        assert me.tz == ZONE
        ours_all = events.occurrences(session, me, start, end)
        ours = Counter(
            (
                o.event.title,
                o.start.astimezone(zone).date() if o.event.all_day else o.start.astimezone(UTC),
            )
            for o in ours_all
            if not o.event.cancelled
        )
    theirs_all = recurring_ical_events.of(calendar).between(start, end)
    theirs: Counter[tuple[str, Any]] = Counter()
    for comp in theirs_all:
        if str(comp.get("STATUS", "")).upper() == "CANCELLED":
            continue
        value = comp.decoded("DTSTART")
        if isinstance(value, datetime):
            value = (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
        theirs[(str(comp.get("SUMMARY")), value)] += 1
    assert sum(ours.values()) > 0
    assert ours == theirs, (sorted(ours - theirs)[:10], sorted(theirs - ours)[:10])
    if name.startswith("khal"):
        cancelled = utc(2014, 7, 14, 5)
        [gone] = [c for c in theirs_all if c.decoded("DTSTART").astimezone(UTC) == cancelled]
        assert gone["STATUS"] == "CANCELLED"
        assert all(o.start != cancelled for o in ours_all)
        assert sum(ours.values()) == 5  # 30 Jun .. 4 Aug weekly: 6, less the cancelled one


# ---- 6. export rules


def test_confidential_rows_left_out_unless_asked(store: Store, db_path: Path) -> None:
    import_into(store, sample("ics", "bom_mozilla_swedish_odd_folds.ics"))  # 3 of 6 PRIVATE
    r = run_pa("export", "events", "--format", "ics")
    assert r.code == 0
    assert one_line(r.err) == "exported 3 events; 3 confidential left out (--include-confidential)"
    assert r.out.count("BEGIN:VEVENT") == 3
    for private in ("God Jul", "Möte kontoret", "Swedish chars and letters"):
        assert private not in r.out
    assert "Sova" in r.out
    r = run_pa("export", "events", "--format", "ics", "--include-confidential")
    assert r.code == 0 and one_line(r.err) == "exported 6 events"
    assert r.out.count("BEGIN:VEVENT") == 6 and "CLASS:CONFIDENTIAL" in r.out
    r = run_pa("export", "tasks", "--format", "json")
    assert r.code == 0 and json.loads(r.out) == []
    assert one_line(r.err) == "exported 0 tasks; 1 confidential left out (--include-confidential)"
    with store.read() as session:
        hidden = exporter.export(
            session, me_of(session), "events", "csv", include_confidential=False
        )
    assert (hidden.count, hidden.hidden) == (3, 3)


def test_out_file_is_0600_even_with_umask_000(store: Store, tmp_path: Path) -> None:
    import_into(store, sample("ics", "outlook2016_w_europe_standard_time.ics"))
    new = tmp_path / "new.ics"
    existing = tmp_path / "existing.csv"
    existing.write_text("old\n")
    existing.chmod(0o666)
    old = os.umask(0)
    try:
        r1 = run_pa("export", "events", "--format", "ics", "--out", str(new))
        r2 = run_pa("export", "events", "--format", "csv", "--out", str(existing))
    finally:
        os.umask(old)
    assert (r1.code, r2.code) == (0, 0)
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert "Meeting in Berlin" in new.read_text(encoding="utf-8")
    assert existing.read_text(encoding="utf-8").startswith("external_uid,title,")


FORMULA_TASKS = [
    {
        "uuid": "11111111-1111-4111-8111-111111111111",
        "description": '=HYPERLINK("http://evil.example","click")',
        "status": "pending",
        "project": "+proj",
        "tags": ["@home"],
    },
    {
        "uuid": "22222222-2222-4222-8222-222222222222",
        "description": "-2+3",
        "status": "pending",
        "annotations": [{"entry": "20261125T000000Z", "description": "@SUM(A1:A9)"}],
    },
    {"uuid": "33333333-3333-4333-8333-333333333333", "description": "Plain", "status": "pending"},
]


def test_csv_export_neutralises_formula_cells(tmp_path: Path) -> None:
    src = tmp_path / "formula.json"
    src.write_text(json.dumps(FORMULA_TASKS), encoding="utf-8")
    assert run_pa("import", str(src)).code == 0
    r = run_pa("export", "tasks", "--format", "csv")
    assert r.code == 0, r.err
    rows = {row["external_uid"]: row for row in csv.DictReader(io.StringIO(r.out))}
    first = rows["11111111-1111-4111-8111-111111111111"]
    assert first["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (first["project"], first["tags"]) == ("'+proj", "'@home")
    second = rows["22222222-2222-4222-8222-222222222222"]
    assert (second["title"], second["notes"]) == ("'-2+3", "'@SUM(A1:A9)")
    assert rows["33333333-3333-4333-8333-333333333333"]["title"] == "Plain"
    for row in rows.values():
        assert not any(v and v[0] in "=+-@" for v in row.values()), row


def test_csv_export_neutralises_event_and_contact_cells(store: Store) -> None:
    with store.write() as session:
        me = principals.ensure_default(session, now=NOW)
        events.create_event(session, principal=me, title="=1+1", now=NOW, tz=ZONE,
                            location="@desk", start_local=datetime(2026, 11, 26, 9),
                            end_local=datetime(2026, 11, 26, 10))  # fmt: skip
        contacts.create_contact(session, principal=me, name="+Plus Person", now=NOW)
    ev = next(csv.DictReader(io.StringIO(export_text(store, "events", "csv"))))
    assert (ev["title"], ev["location"]) == ("'=1+1", "'@desk")
    assert ev["start_local"] == "2026-11-26T09:00:00"  # dates are not touched
    need_vcard()  # contact rows go through vcard.Card
    person = next(csv.DictReader(io.StringIO(export_text(store, "contacts", "csv"))))
    assert person["name"] == "'+Plus Person"


@pytest.mark.parametrize(
    ("what", "fmt", "message"),
    [
        ("contacts", "ics", "contacts export as vcf, json, csv, not ics"),
        ("events", "vcf", "events export as ics, json, csv, not vcf"),
        ("tasks", "vcf", "tasks export as ics, json, csv, not vcf"),
    ],
)
def test_export_refuses_format_that_does_not_fit(what: str, fmt: str, message: str) -> None:
    r = run_pa("export", what, "--format", fmt)
    assert r.code == 2 and r.out == ""
    assert one_line(r.err) == f"pa: error: {message}"


# ---- 7. dry run, --format, sniffing, unreadable files


def test_dry_run_counts_and_writes_nothing(store: Store, db_path: Path) -> None:
    import_into(store, sample("ics", "outlook2016_w_europe_standard_time.ics"))
    counts, dump = table_counts(db_path), table_dump(db_path)
    path = sample("ics", "thunderbird_events_todos_alarms.ics")
    r = run_pa("import", "--dry-run", str(path))
    assert r.code == 0, r.err
    assert r.out.strip() == (
        "would have created 1 events, 3 occurrence overrides, 3 tasks; updated nothing; skipped 0"
    )
    r = run_pa("import", "--dry-run", "--json", str(path))
    assert r.code == 0
    assert json.loads(r.out) == {
        "created": {"events": 1, "occurrence overrides": 3, "tasks": 3},
        "updated": {},
        "skipped": [],
        "dry_run": True,
    }
    assert table_counts(db_path) == counts
    assert table_dump(db_path) == dump


def test_format_overrides_the_extension(tmp_path: Path, db_path: Path) -> None:
    misnamed = tmp_path / "tasks.ics"  # Taskwarrior JSON behind an .ics name
    shutil.copyfile(sample("taskwarrior", TW_ASSISTANT), misnamed)
    r = run_pa("import", str(misnamed))
    assert r.code == 2
    assert one_line(r.err).startswith(f"pa: error: {misnamed}:1: ")
    r = run_pa("import", "--format", "taskwarrior", str(misnamed))
    assert r.code == 0, r.err
    assert r.out.strip().startswith("created 11 tasks; updated nothing; skipped 2 (")
    assert table_counts(db_path)["task"] == 11


def test_unknown_extension_is_sniffed(tmp_path: Path, db_path: Path) -> None:
    calendar = tmp_path / "calendar.txt"
    shutil.copyfile(sample("ics", "khal_recurrence_id_cancelled_instance.ics"), calendar)
    backlog = tmp_path / "backlog.data"
    shutil.copyfile(sample("taskwarrior", TW_BACKLOG), backlog)
    files = [calendar, backlog]
    has_vcard = vcard_problem() is None
    if has_vcard:
        people = tmp_path / "people.dat"
        shutil.copyfile(sample("vcf", "korean_v4_fn_only.vcf"), people)
        files.append(people)
    r = run_pa("import", *map(str, files))
    assert r.code == 0, r.err
    assert r.out.startswith(
        "created "
        + ("1 contacts, " if has_vcard else "")
        + "1 events, 2 occurrence overrides, 3 tasks; updated nothing; skipped 9 ("
    )
    noise = tmp_path / "noise.dat"
    noise.write_text("hello\n")
    r = run_pa("import", str(noise))
    assert r.code == 2
    assert one_line(r.err) == (
        f"pa: error: {noise}:1: cannot tell the format (use --format ics|vcf|taskwarrior|csv)"
    )


def test_missing_or_unreadable_file_names_it(tmp_path: Path, db_path: Path) -> None:
    good = sample("ics", "outlook2016_w_europe_standard_time.ics")
    missing = tmp_path / "nope.ics"
    r = run_pa("import", str(good), str(missing))
    assert r.code == 2 and r.out == ""
    assert one_line(r.err) == f"pa: error: {missing}: cannot read: No such file or directory"
    folder = tmp_path / "folder.ics"
    folder.mkdir()
    r = run_pa("import", str(folder))
    assert r.code == 2
    assert one_line(r.err) == f"pa: error: {folder}: cannot read: Is a directory"
    assert table_counts(db_path)["event"] == 0  # the good file before it was not kept
    if os.geteuid() != 0:  # root reads mode-000 files
        locked = tmp_path / "locked.ics"
        shutil.copyfile(good, locked)
        locked.chmod(0)
        r = run_pa("import", str(locked))
        assert r.code == 2
        assert one_line(r.err) == f"pa: error: {locked}: cannot read: Permission denied"


# ---- bugs found (strict xfail: each passes once the bug is fixed)


def test_vtodo_completed_occurrence_keeps_the_series_open(store: Store) -> None:
    summary = import_into(store, sample("ics", "vtodo_thunderbird_completed_occurrence.ics"))
    with store.read() as session:
        t = task(session, "e0600bbe-b9d0-ba48-80b0-998409625d03")
        assert (t.rrule, t.status) == ("FREQ=DAILY", "todo")
    assert summary.updated == {}  # a file's first import updates nothing


def test_vtodo_rrule_until_is_kept(store: Store) -> None:
    import_into(store, sample("ics", "thunderbird_events_todos_alarms.ics"))
    with store.read() as session:
        t = task(session, "efc08fc4-c843-4ce0-b02b-c4fd0a2b42b6")
        assert t.until_date == date(2023, 12, 23) or "UNTIL=" in (t.rrule or "")


def test_taskwarrior_until_is_kept(store: Store) -> None:
    import_into(store, sample("taskwarrior", TW_ASSISTANT))
    with store.read() as session:
        t = task(session, "63ba0096-4237-47ae-8f50-f4f5993b2add")
        assert t.until_date == date(2030, 12, 31) or (t.extra or {}).get("until") == (
            "20301231T000000Z"
        )


def test_taskwarrior_recurring_template_and_child_are_one_series(store: Store) -> None:
    import_into(store, sample("taskwarrior", TW_ASSISTANT))
    with store.read() as session:
        for title in ("Flowers for Ana's wedding anniversary 💐", "Weekly expense report"):
            rows = session.exec(select(Task).where(col(Task.title) == title)).all()
            assert sum(1 for t in rows if t.rrule) == 1, title


def test_taskwarrior_due_date_is_the_principals_local_date(store: Store, tmp_path: Path) -> None:
    late = {
        "uuid": "44444444-4444-4444-8444-444444444444",
        "description": "Late call",
        "status": "pending",
        "due": "20261203T233000Z",  # 00:30 on 4 Dec in Stockholm
    }
    src = tmp_path / "late.json"
    src.write_text(json.dumps([late]), encoding="utf-8")
    import_into(store, src)
    with store.read() as session:
        t = task(session, late["uuid"])
        assert t.due_at == utc(2026, 12, 3, 23, 30)
        assert t.due_date == date(2026, 12, 4)  # what a VTODO with DUE:20261203T233000Z gets


def test_taskwarrior_export_keeps_depends(store: Store) -> None:
    import_into(store, sample("taskwarrior", TW_ASSISTANT))
    exported = json.loads(export_text(store, "tasks", "json"))
    agenda = next(o for o in exported if o["uuid"] == "5460ecc1-3001-40ad-ab2e-7c85d3f97618")
    assert "f354d15c-6b94-4934-b85c-1f74c196fd8f" in str(agenda.get("depends"))


def test_export_then_import_in_the_same_store_duplicates_nothing(
    store: Store, tmp_path: Path
) -> None:
    need_vcard()
    with store.write() as session:
        me = principals.ensure_default(session, now=NOW)
        events.create_event(session, principal=me, title="Board meeting", now=NOW, tz=ZONE,
                            start_local=datetime(2026, 11, 27, 10),
                            end_local=datetime(2026, 11, 27, 12))  # fmt: skip
        tasks.create_task(session, principal=me, title="Call Bob", now=NOW)
        contacts.create_contact(
            session, principal=me, name="Ann Example", now=NOW, emails=["ann@example.com"]
        )
    files = []
    for what, fmt, ext in (
        ("events", "ics", "ics"),
        ("tasks", "json", "json"),
        ("contacts", "vcf", "vcf"),
    ):
        path = tmp_path / f"backup.{ext}"
        path.write_text(export_text(store, what, fmt), encoding="utf-8")
        files.append(path)
    summary = import_into(store, *files)
    assert summary.created == {}
    with store.read() as session:
        assert counts_of(session) == (1, 0, 1, 1)


def test_summary_counts_contacts_created_for_attendees(store: Store) -> None:
    summary = import_into(store, sample("ics", "apple_macos_status_variants.ics"))
    with store.read() as session:
        assert counts_of(session)[3] == 3
    assert summary.created.get("contacts") == 3

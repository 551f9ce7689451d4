"""The personal-CRM side of the `pa` CLI as subprocesses on the temp store (PA_NOW = Wed 25 Nov
2026 08:00 Stockholm): `pa contact relate|date|log|cadence|overdue|dupes|merge`, `pa dossier`,
`pa dates` and the anticipation part of `pa brief`. Rows are seeded in-process through the
services where the CLI is not what is tested, and every write is checked in the SQLite file too.

Known bugs are strict xfails whose reason starts with "BUG:"."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from conftest import NOW, ZONE, Result, run_pa
from pa_tui.models import EventAttendee, Principal
from pa_tui.services import contacts, crm, events, principals, queue, relations, tasks
from pa_tui.store import open_sqlite

# ------------------------------------------------------------------------------------------ helpers


def ok(*args: str, **kw: Any) -> Result:
    r = run_pa(*args, **kw)
    assert r.code == 0, (args, r.err)
    assert "Traceback" not in r.err
    return r


def as_json(*args: str, **kw: Any) -> Any:
    return json.loads(ok(*args, "--json", **kw).out)


def usage_error(*args: str, **kw: Any) -> Result:
    """Exit 2 with exactly one line on stderr, no traceback."""
    r = run_pa(*args, **kw)
    assert r.code == 2, (args, r.code, r.out, r.err)
    assert "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("pa") and ": error:" in lines[0], r.err
    return r


def seed(db_path: Path, fill: Callable[[Session, Principal], Any]) -> Any:
    """Write rows in-process through the services, for the default principal, then close."""
    store = open_sqlite(db_path)
    try:
        with store.write() as session:
            principal = principals.ensure_default(session, now=NOW)
            return fill(session, principal)
    finally:
        store.close()


def rows(db_path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def lines_of(person: dict[str, Any]) -> list[tuple[str, str]]:
    """A dossier person's (label, value) lines from the --json output."""
    return [(k, v) for k, v in person["lines"]]


def pairs(text_lines: list[str]) -> list[tuple[str, str]]:
    """A dossier block's "  label   value" lines as pairs (labels may hold one space)."""
    out = []
    for text in text_lines:
        if text.startswith("  "):
            key, value = re.split(r"\s{2,}", text.strip(), maxsplit=1)
            out.append((key, value))
    return out


def at(moment: str) -> dict[str, str]:
    """Run at another local wall time (PA_NOW without an offset: the principal's zone)."""
    return {"PA_NOW": moment}


REL_SQL = "SELECT contact_id, kind, label, other_contact_id, other_name FROM relation ORDER BY id"
DATE_SQL = (
    "SELECT contact_id, relation_id, kind, label, year, month, day FROM important_date ORDER BY id"
)


def _maria_and_leo(s: Session, p: Principal) -> None:
    contacts.create_contact(
        s,
        principal=p,
        name="Maria Berg",
        now=NOW,
        org="Acme",
        role="CFO",
        emails=["maria@acme.example"],
        phones=["+46 8 123 45 67"],
        notes="Prefers tea",
    )  # c1
    contacts.create_contact(s, principal=p, name="Leo Berg", now=NOW)  # c2


# ------------------------------------------------------------------------------------------ relate


def test_relate_contact_plain_custom_and_errors(db_path: Path) -> None:
    seed(db_path, _maria_and_leo)

    # An existing contact's name links to that contact.
    r = ok("contact", "relate", "c1", "child", "Leo Berg")
    assert r.out.strip() == "Maria Berg's child: c2 Leo Berg"
    # --plain keeps a plain name even though a contact matches.
    r = ok("contact", "relate", "c1", "child", "Leo Berg", "--plain")
    assert r.out.strip() == "Maria Berg's child: Leo Berg (a plain name)"
    # An unknown name is a plain name; --birthday= stores the relation's own date.
    r = ok("contact", "relate", "c1", "spouse", "Nils Berg", "--birthday=--12-01")
    assert r.out.strip() == "Maria Berg's spouse: Nils Berg (a plain name)"
    r = ok("contact", "relate", "c1", "custom", "Greta Holm", "--label", "godmother")
    assert r.out.strip() == "Maria Berg's godmother: Greta Holm (a plain name)"

    assert rows(db_path, REL_SQL) == [
        (1, "child", None, 2, None),
        (1, "child", None, None, "Leo Berg"),
        (1, "spouse", None, None, "Nils Berg"),
        (1, "custom", "godmother", None, "Greta Holm"),
    ]
    assert rows(db_path, DATE_SQL) == [(1, 3, "birthday", None, None, 12, 1)]

    # Errors: one line, exit 2, nothing written.
    r = usage_error("contact", "relate", "c1", "sibling", "Karl Berg")
    assert r.err.startswith("pa: error: relation kind must be one of") and "'sibling'" in r.err
    r = usage_error("contact", "relate", "c1", "spouse", "Maria Berg")
    assert r.err.strip() == "pa: error: Maria Berg cannot be related to themselves"
    r = usage_error("contact", "relate", "c1", "child", "Leo Berg")
    assert r.err.strip() == "pa: error: Maria Berg already has child Leo Berg"
    # The same link seen from the other side is a duplicate too (Leo's parent is Maria).
    r = usage_error("contact", "relate", "c2", "parent", "Maria Berg")
    assert r.err.strip() == "pa: error: Leo Berg already has parent Maria Berg"
    r = usage_error("contact", "relate", "c1", "custom", "Ulla Holm")
    assert r.err.strip() == "pa: error: a custom relation needs a label, e.g. --label godmother"
    # A bad birthday comes after the relation was made: the whole write is rolled back.
    r = usage_error("contact", "relate", "c1", "child", "Zoe Berg", "--birthday=2016-02-30")
    assert r.err.strip() == "pa: error: not a date: '2016-02-30'"

    assert len(rows(db_path, REL_SQL)) == 4
    assert rows(db_path, DATE_SQL) == [(1, 3, "birthday", None, None, 12, 1)]


def test_relate_other_given_as_contact_id(db_path: Path) -> None:
    seed(db_path, _maria_and_leo)
    run_pa("contact", "relate", "c1", "colleague", "c2")
    run_pa("contact", "relate", "c1", "spouse", "c1")
    assert rows(db_path, REL_SQL) == [(1, "colleague", None, 2, None)]


# ------------------------------------------------------------------- date, log, cadence, overdue


def _touch_people(s: Session, p: Principal) -> None:
    _maria_and_leo(s, p)
    contacts.create_contact(s, principal=p, name="No Cadence", now=NOW)  # c3
    contacts.create_contact(s, principal=p, name="Never Called", now=NOW)  # c4
    contacts.create_contact(s, principal=p, name="Also None", now=NOW)  # c5
    met = contacts.create_contact(s, principal=p, name="Met At Meeting", now=NOW)  # c6
    crm.log_interaction(s, met, "call", "Long ago", at=datetime(2026, 5, 1, 8, tzinfo=UTC))
    ev = events.create_event(
        s,
        principal=p,
        title="Past review",
        now=NOW,
        start_local=datetime(2026, 11, 20, 10),
        end_local=datetime(2026, 11, 20, 11),
        tz=ZONE,
    )
    s.add(EventAttendee(event_id=ev.id or 0, contact_id=met.id or 0))


def test_date_log_cadence_and_overdue(db_path: Path) -> None:
    seed(db_path, _touch_people)

    r = ok("contact", "date", "c1", "anniversary", "2001-12-05")
    assert r.out.strip() == "Maria Berg: anniversary 2001-12-05"
    r = ok("contact", "date", "c1", "custom", "12-06", "--label", "name day")
    assert r.out.strip() == "Maria Berg: name day 12-06"
    usage_error("contact", "date", "c1", "birthday", "2001-02-30")
    assert rows(db_path, DATE_SQL) == [
        (1, None, "anniversary", None, 2001, 12, 5),
        (1, None, "custom", "name day", None, 12, 6),
    ]

    r = ok("contact", "log", "c1", "call", "Talked", "budget")
    assert r.out.strip() == "logged call with Maria Berg on 2026-11-25"
    r = ok("contact", "log", "c2", "email", "Sent", "photos", "--at", "2026-08-01")
    assert r.out.strip() == "logged email with Leo Berg on 2026-08-01"
    assert rows(
        db_path, "SELECT contact_id, kind, summary, at, confidential FROM interaction ORDER BY id"
    ) == [
        (6, "call", "Long ago", "2026-05-01 08:00:00.000000", 0),
        (1, "call", "Talked budget", "2026-11-25 07:00:00.000000", 0),
        # --at without a time: 09:00 in the principal's zone.
        (2, "email", "Sent photos", "2026-08-01 07:00:00.000000", 0),
    ]

    assert ok("contact", "cadence", "c1", "6w").out.strip() == (
        "Maria Berg: keep in touch every 42 days"
    )
    ok("contact", "cadence", "c2", "every 2 months")
    ok("contact", "cadence", "c6", "2w")
    # A cadence set in September for someone never contacted: due since mid-September.
    ok("contact", "cadence", "c4", "2w", env=at("2026-09-01T09:00"))
    r = usage_error("contact", "cadence", "c1", "often")
    assert "not a cadence" in r.err
    assert rows(db_path, "SELECT contact_id, every_days FROM keep_in_touch ORDER BY 1") == [
        (1, 42),
        (2, 60),
        (4, 14),
        (6, 14),
    ]

    # Not overdue: Maria (a call today) and Met At Meeting (an old call, but a meeting on 20 Nov
    # counts as a touch). Most overdue first.
    late = as_json("contact", "overdue")
    assert late == [
        {
            "id": "c4",
            "name": "Never Called",
            "cadence": "every 14 d",
            "last contact": "never",
            "overdue by": "71 d",
        },
        {
            "id": "c2",
            "name": "Leo Berg",
            "cadence": "every 60 d",
            "last contact": "2026-08-01",
            "overdue by": "56 d",
        },
    ]

    r = ok("contact", "cadence", "c2", "none")
    assert r.out.strip() == "Leo Berg: no cadence"
    assert rows(db_path, "SELECT contact_id FROM keep_in_touch WHERE contact_id = 2") == []
    r = ok("contact", "overdue")
    assert r.out.splitlines() == ["c4\tNever Called\tevery 14 d\tnever\t71 d"]


def test_log_at_yesterday(db_path: Path) -> None:
    seed(db_path, _maria_and_leo)
    r = run_pa("contact", "log", "c1", "call", "Talked", "--at", "yesterday")
    assert r.code == 0, r.err
    assert r.out.strip() == "logged call with Maria Berg on 2026-11-24"


def test_log_at_past_day_is_in_the_past(db_path: Path) -> None:
    seed(db_path, _maria_and_leo)
    r = ok("contact", "log", "c1", "meeting", "Lunch", "--at", "24 nov")
    assert r.out.strip() == "logged meeting with Maria Berg on 2026-11-24"
    r = ok("contact", "log", "c1", "call", "Catch-up", "--at", "mon")
    assert r.out.strip() == "logged call with Maria Berg on 2026-11-23"


def test_date_without_year_as_advertised(db_path: Path) -> None:
    seed(db_path, _maria_and_leo)
    r = ok("contact", "date", "c1", "birthday", "--12-07")
    assert rows(db_path, DATE_SQL) == [(1, None, "birthday", None, None, 12, 7)]
    assert "birthday" in r.out


# ------------------------------------------------------------------------------------------ dossier


def _dossier_world(s: Session, p: Principal) -> None:
    _maria_and_leo(s, p)
    maria = contacts.resolve_contact(s, p, "Maria Berg")
    leo = contacts.resolve_contact(s, p, "Leo Berg")
    secret = contacts.create_contact(
        s, principal=p, name="Secret Sam", now=NOW, emails=["sam@hush.example"], confidential=True
    )  # c3
    contacts.set_birthday(s, leo, "2016-11-27")
    relations.add_relation(s, maria, "child", other=leo)
    mia = relations.add_relation(s, maria, "child", other_name="Mia")
    crm.add_date(s, maria, "birthday", "2016-12-01", relation=mia)
    crm.add_date(s, maria, "anniversary", "2001-12-05")
    crm.add_date(s, maria, "custom", "03-01", label="far away")  # beyond 60 days: not shown
    crm.log_interaction(s, maria, "call", "Talked budget", at=NOW - timedelta(days=2))
    crm.log_interaction(
        s, maria, "note", "Health matter", at=NOW - timedelta(days=5), confidential=True
    )
    crm.set_cadence(s, maria, 42, now=NOW)
    tasks.create_task(s, principal=p, title="Send board deck", now=NOW, contact_id=maria.id)
    tasks.create_task(
        s, principal=p, title="Old errand", now=NOW, contact_id=maria.id, status="done"
    )
    tasks.create_task(s, principal=p, title="Hush task", now=NOW, contact_id=secret.id)


def test_dossier_of_a_person(db_path: Path) -> None:
    seed(db_path, _dossier_world)
    r = ok("call", "Maria Berg", "wants to talk budget", "p1")
    assert "from Maria Berg (c1)" in r.out

    # The stored "+46 8 123 45 67" found by its national form, unquoted words joined.
    r = ok("dossier", "08-123", "45", "67")
    out = r.out.splitlines()
    assert out[:3] == ["08-123 45 67", "", "c1 Maria Berg"]
    expected = [
        ("name", "Maria Berg"),
        ("organisation", "Acme"),
        ("role", "CFO"),
        ("policy", "screen"),
        ("email", "maria@acme.example"),
        ("phone", "+46 8 123 45 67"),
        ("child", "Leo Berg"),
        ("child", "Mia"),
        ("Fri 27 Nov", "Leo Berg: birthday (turns 10)"),
        ("Tue 01 Dec", "child Mia: birthday (turns 10)"),
        ("Sat 05 Dec", "anniversary"),
        ("last contact", "2026-11-23"),
        ("keep in touch", "every 42 days"),
        ("2026-11-23 call", "Talked budget"),
        ("t1", "Send board deck"),
        ("r1", "wants to talk budget"),
        ("notes", "Prefers tea"),
    ]
    width = max(len(k) for k, _ in expected)
    assert out[3:] == [f"  {k:<{width}}  {v}" for k, v in expected]

    # The same person by email and by name, as JSON.
    for term in ("maria@acme.example", "Maria Berg"):
        data = as_json("dossier", term)
        assert data["title"] == term
        assert [p["id"] for p in data["people"]] == ["c1"]
        assert lines_of(data["people"][0]) == expected
        assert data["confidential_left_out"] == 0

    # The confidential interaction only with --include-confidential.
    data = as_json("dossier", "c1", "--include-confidential")
    assert data["title"] == "Maria Berg"
    assert ("2026-11-20 note", "Health matter") in lines_of(data["people"][0])

    # The other side of the relation, read the other way round; Maria's own dates come along.
    data = as_json("dossier", "c2")
    assert lines_of(data["people"][0]) == [
        ("name", "Leo Berg"),
        ("policy", "screen"),
        ("parent", "Maria Berg"),
        ("Fri 27 Nov", "birthday (turns 10)"),
        ("Sat 05 Dec", "Maria Berg: anniversary"),
    ]

    # An email matching a confidential contact: left out with a count.
    r = ok("dossier", "sam@hush.example")
    assert r.out.splitlines() == [
        "sam@hush.example",
        "  nobody on file (no contact attends or sent it)",
        "1 confidential left out (--include-confidential)",
    ]

    for term in ("Nobody Known", "e99", "070-000 00 00"):
        r = usage_error("dossier", term)
        assert r.err.startswith("pa: error: no ")


def test_dossier_of_an_event_and_a_queue_item(db_path: Path) -> None:
    seed(db_path, _dossier_world)
    r = ok("event", "Board prep", "tomorrow", "10:00-11:00")
    assert r.out.startswith('created e1 "Board prep"')
    r = ok("call", "Leo Berg", "asks about the summer", "--confidential")
    assert r.out.startswith("created r1")
    seed(  # r2, from someone not on file
        db_path,
        lambda s, p: queue.create_request(
            s, principal=p, subject="wants a quote", now=NOW, from_name="Jane Roe"
        ),
    )
    conn = sqlite3.connect(db_path)
    conn.executemany(
        "INSERT INTO event_attendee (event_id, contact_id, role) VALUES (1, ?, 'required')",
        [(1,), (2,), (3,)],
    )
    conn.commit()
    conn.close()

    r = ok("dossier", "e1")
    head, *rest = r.out.split("\n\n")
    assert head == "Board prep"
    blocks = {block.splitlines()[0]: pairs(block.splitlines()[1:]) for block in rest}
    assert list(blocks) == ["c2 Leo Berg", "c1 Maria Berg"]  # by name
    assert blocks["c2 Leo Berg"][:3] == [
        ("name", "Leo Berg"),
        ("policy", "screen"),
        ("parent", "Maria Berg"),
    ]
    assert ("child", "Leo Berg") in blocks["c1 Maria Berg"]
    assert ("r1", "asks about the summer") not in blocks["c2 Leo Berg"]  # confidential
    assert ("notes", "Prefers tea") in blocks["c1 Maria Berg"]
    assert r.out.rstrip().endswith("1 confidential left out (--include-confidential)")
    assert "Secret Sam" not in r.out

    data = as_json("dossier", "e1", "--include-confidential")
    assert [p["name"] for p in data["people"]] == ["Leo Berg", "Maria Berg", "Secret Sam"]
    assert data["confidential_left_out"] == 0
    assert ("t3", "Hush task") in lines_of(data["people"][2])
    # The confidential request shows among Leo's open requests only when asked.
    assert ("r1", "asks about the summer") in lines_of(data["people"][0])

    r = usage_error("dossier", "r1")
    assert r.err.strip() == "pa: error: r1 is confidential (--include-confidential)"
    data = as_json("dossier", "r1", "--include-confidential")
    assert data["title"] == "asks about the summer"
    assert [p["id"] for p in data["people"]] == ["c2"]
    r = ok("dossier", "r2")
    assert r.out.splitlines() == [
        "wants a quote (from Jane Roe)",
        "  nobody on file (no contact attends or sent it)",
    ]


def test_dossier_by_id_does_not_name_a_confidential_contact(db_path: Path) -> None:
    seed(db_path, _dossier_world)
    data = as_json("dossier", "c3")
    assert data["people"] == [] and data["confidential_left_out"] == 1
    assert "Secret Sam" not in json.dumps(data)


# -------------------------------------------------------------------------------------------- dates


def _dates_world(s: Session, p: Principal) -> None:
    _maria_and_leo(s, p)
    maria = contacts.resolve_contact(s, p, "Maria Berg")
    leo = contacts.resolve_contact(s, p, "Leo Berg")
    contacts.set_birthday(s, leo, "2016-11-27")
    relations.add_relation(s, maria, "child", other=leo)
    crm.add_date(s, maria, "anniversary", "2001-12-05")
    contacts.create_contact(s, principal=p, name="Bo Ek", now=NOW, birthday="--11-26")  # c3
    contacts.create_contact(
        s, principal=p, name="Secret Sam", now=NOW, birthday="1980-11-27", confidential=True
    )  # c4
    contacts.create_contact(s, principal=p, name="Later Lu", now=NOW, birthday="1990-12-20")


def test_dates_sentences_and_reminder_tasks(db_path: Path) -> None:
    seed(db_path, _dates_world)
    # A plain-named relation with a birthday, made through the CLI (year known, then not).
    ok("contact", "relate", "c1", "child", "Mia", "--birthday=2016-11-28")
    ok("contact", "relate", "c1", "spouse", "Nils Berg", "--birthday=--12-03")

    r = ok("dates")
    assert r.out.splitlines() == [
        "Bo Ek's birthday is tomorrow",
        "Leo Berg (Maria Berg's child) turns 10 on Fri 27 Nov",
        "Maria Berg's child Mia turns 10 on Sat 28 Nov",
        "Maria Berg's spouse Nils Berg's birthday on Thu 03 Dec",
        "Maria Berg (Leo Berg's parent): anniversary (25 years) on Sat 05 Dec",
    ]
    data = as_json("dates", "--days", "30", "--include-confidential")
    assert [(d["date"], d["contact"], d["kind"]) for d in data["dates"]] == [
        ("2026-11-26", "c3", "birthday"),
        ("2026-11-27", "c2", "birthday"),
        ("2026-11-27", "c4", "birthday"),
        ("2026-11-28", "c1", "birthday"),
        ("2026-12-03", "c1", "birthday"),
        ("2026-12-05", "c1", "anniversary"),
        ("2026-12-20", "c5", "birthday"),
    ]
    assert data["dates"][2]["text"] == "Secret Sam turns 46 on Fri 27 Nov"
    assert data["tasks_made"] == []
    assert rows(db_path, "SELECT COUNT(*) FROM task") == [(0,)]

    # --remind 3: a task for each date in the next 4 days (not the confidential one), due today
    # at the latest; a second run makes none.
    data = as_json("dates", "--days", "2", "--remind", "3")
    assert [d["text"] for d in data["dates"]] == ["Bo Ek's birthday is tomorrow"]
    # Task titles name the day: "tomorrow" would be wrong from tomorrow on.
    assert [t["text"] for t in data["tasks_made"]] == [
        "Bo Ek's birthday on Thu 26 Nov",
        "Leo Berg (Maria Berg's child) turns 10 on Fri 27 Nov",
        "Maria Berg's child Mia turns 10 on Sat 28 Nov",
    ]
    made = rows(
        db_path, "SELECT id, title, due_date, contact_id, project, status FROM task ORDER BY id"
    )
    assert made == [
        (1, "Gift: Bo Ek's birthday on Thu 26 Nov", "2026-11-25", 3, "dates", "todo"),
        (
            2,
            "Gift: Leo Berg (Maria Berg's child) turns 10 on Fri 27 Nov",
            "2026-11-25",
            2,
            "dates",
            "todo",
        ),
        (
            3,
            "Gift: Maria Berg's child Mia turns 10 on Sat 28 Nov",
            "2026-11-25",
            1,
            "dates",
            "todo",
        ),
    ]
    r = ok("dates", "--remind", "3")
    assert "made t" not in r.out
    r = ok("dates", "--remind", "3", env=at("2026-11-26T08:00"))
    assert "made t" not in r.out
    assert rows(db_path, "SELECT COUNT(*) FROM task") == [(3,)]


# ------------------------------------------------------------------------------- dupes and merge


def _twins(s: Session, p: Principal) -> None:
    anna = contacts.create_contact(
        s, principal=p, name="Anna Svensson", now=NOW, emails=["anna@x.example"], org="Acme"
    )  # c1
    twin = contacts.create_contact(
        s,
        principal=p,
        name="A. Svensson",
        now=NOW,
        emails=["ANNA@x.example", "a.svensson@home.example"],
        phones=["070-999 88 77"],
        role="CTO",
        vip=2,
        notes="Likes tea",
    )  # c2
    contacts.create_contact(s, principal=p, name="Bo Ek", now=NOW, phones=["070-123 45 67"])
    contacts.create_contact(
        s, principal=p, name="Robert Ström", now=NOW, phones=["+46 70 123 45 67"]
    )  # c4: the same number written another way
    contacts.create_contact(s, principal=p, name="Katarina Lund", now=NOW)  # c5
    contacts.create_contact(s, principal=p, name="Katarina Lundh", now=NOW)  # c6
    zed = contacts.create_contact(s, principal=p, name="Zed Other", now=NOW)  # c7
    contacts.create_contact(
        s, principal=p, name="Hush One", now=NOW, emails=["hush@x.example"], confidential=True
    )  # c8
    contacts.create_contact(
        s, principal=p, name="Hush Two", now=NOW, emails=["hush@x.example"], confidential=True
    )  # c9

    # Everything that points at the twin (c2) must end up on Anna (c1).
    relations.add_relation(s, twin, "spouse", other=zed)
    kid = relations.add_relation(s, twin, "child", other_name="Kim")
    crm.add_date(s, twin, "birthday", "2015-12-01", relation=kid)
    crm.add_date(s, twin, "anniversary", "2010-06-01")
    relations.add_relation(s, zed, "colleague", other=twin)
    relations.add_relation(s, anna, "colleague", other=twin)  # between the two: it goes
    crm.log_interaction(s, twin, "call", "Spoke about Q4", at=NOW - timedelta(days=3))
    crm.log_interaction(s, anna, "email", "Sent deck", at=NOW - timedelta(days=1))
    crm.set_cadence(s, twin, 28, now=NOW)
    tasks.create_task(s, principal=p, title="Send contract", now=NOW, contact_id=twin.id)
    tasks.create_task(s, principal=p, title="Chase report", now=NOW, delegated_to_id=twin.id)
    queue.create_request(s, principal=p, subject="Wants a meeting", now=NOW, contact_id=twin.id)
    ev = events.create_event(
        s, principal=p, title="Sync", now=NOW, start_local=datetime(2026, 11, 27, 10), tz=ZONE
    )
    s.add(EventAttendee(event_id=ev.id or 0, contact_id=twin.id or 0))


def test_dupes_and_merge_keep_every_link(db_path: Path) -> None:
    seed(db_path, _twins)
    found = as_json("contact", "dupes")
    assert found == [
        {
            "keep": "c1",
            "keep_name": "Anna Svensson",
            "other": "c2",
            "other_name": "A. Svensson",
            "why": "same email anna@x.example",
        },
        {
            "keep": "c3",
            "keep_name": "Bo Ek",
            "other": "c4",
            "other_name": "Robert Ström",
            "why": "same phone …4567",
        },
        {
            "keep": "c5",
            "keep_name": "Katarina Lund",
            "other": "c6",
            "other_name": "Katarina Lundh",
            "why": "similar names",
        },
    ]
    r = ok("contact", "dupes", "--include-confidential")
    assert r.out.splitlines()[-1] == "c8\tHush One\tc9\tHush Two\tsame email hush@x.example"

    report = as_json("contact", "merge", "c1", "c2")
    assert (report["kept"], report["removed"]) == ("c1", "c2")
    assert report["moved"] == {
        "contact_email": 1,
        "contact_phone": 1,
        "event_attendee": 1,
        "keep_in_touch": 1,
        "relation.contact_id": 2,
        "relation.other_contact_id": 1,
        "important_date.contact_id": 2,
        "interaction.contact_id": 1,
        "task.contact_id": 1,
        "task.delegated_to_id": 1,
        "request.contact_id": 1,
    }
    before, after = report["before"], report["after"]
    assert before == {
        "contact_email.contact_id": 3,
        "contact_phone.contact_id": 1,
        "relation.contact_id": 3,
        "relation.other_contact_id": 2,
        "important_date.contact_id": 2,
        "interaction.contact_id": 2,
        "event_attendee.contact_id": 1,
        "task.contact_id": 1,
        "task.delegated_to_id": 1,
        "request.contact_id": 1,
        "keep_in_touch.contact_id": 1,
    }
    # The email both had collapses to one; the relation between the two goes; the rest stays.
    assert after == {
        **before,
        "contact_email.contact_id": 2,
        "relation.contact_id": 2,
        "relation.other_contact_id": 1,
    }

    # In the store: c2 is gone and nothing points at it; everything points at c1.
    assert rows(db_path, "SELECT id FROM contact WHERE id = 2") == []
    for table, column in (
        ("contact_email", "contact_id"),
        ("contact_phone", "contact_id"),
        ("relation", "contact_id"),
        ("relation", "other_contact_id"),
        ("important_date", "contact_id"),
        ("interaction", "contact_id"),
        ("event_attendee", "contact_id"),
        ("task", "contact_id"),
        ("task", "delegated_to_id"),
        ("request", "contact_id"),
        ("keep_in_touch", "contact_id"),
    ):
        assert rows(db_path, f"SELECT COUNT(*) FROM {table} WHERE {column} = 2") == [(0,)], table
    assert rows(db_path, REL_SQL) == [
        (1, "spouse", None, 7, None),
        (1, "child", None, None, "Kim"),
        (7, "colleague", None, 1, None),
    ]
    assert rows(db_path, DATE_SQL) == [
        (1, 2, "birthday", None, 2015, 12, 1),
        (1, None, "anniversary", None, 2010, 6, 1),
    ]
    assert rows(db_path, "SELECT contact_id, summary FROM interaction ORDER BY id") == [
        (1, "Spoke about Q4"),
        (1, "Sent deck"),
    ]
    assert rows(db_path, "SELECT title, contact_id, delegated_to_id FROM task ORDER BY id") == [
        ("Send contract", 1, None),
        ("Chase report", None, 1),
    ]
    assert rows(db_path, "SELECT subject, contact_id FROM request") == [("Wants a meeting", 1)]
    assert rows(db_path, "SELECT event_id, contact_id FROM event_attendee") == [(1, 1)]
    assert rows(db_path, "SELECT contact_id, every_days FROM keep_in_touch") == [(1, 28)]
    assert rows(db_path, "SELECT value FROM contact_email WHERE contact_id = 1 ORDER BY id") == [
        ("anna@x.example",),
        ("a.svensson@home.example",),
    ]
    assert rows(db_path, "SELECT name, org, role, vip, notes FROM contact WHERE id = 1") == [
        ("Anna Svensson", "Acme", "CTO", 2, "Likes tea")
    ]

    # The dossier of the kept contact reads the moved links; the pair is no longer a duplicate.
    data = as_json("dossier", "070-999 88 77")
    assert [p["id"] for p in data["people"]] == ["c1"]
    got = lines_of(data["people"][0])
    for line in [
        ("spouse", "Zed Other"),
        ("child", "Kim"),
        ("colleague", "Zed Other"),
        ("t1", "Send contract"),
        ("t2", "Chase report"),
        ("r1", "Wants a meeting"),
    ]:
        assert line in got
    assert [d["other"] for d in as_json("contact", "dupes")] == ["c4", "c6"]

    r = usage_error("contact", "merge", "c1", "c2")
    assert r.err.strip() == "pa: error: no contact c2"


# -------------------------------------------------------------------------------------------- brief


def _tomorrow(s: Session, p: Principal) -> None:
    _maria_and_leo(s, p)
    maria = contacts.resolve_contact(s, p, "Maria Berg")
    leo = contacts.resolve_contact(s, p, "Leo Berg")
    relations.add_relation(s, maria, "child", other=leo)
    secret = contacts.create_contact(s, principal=p, name="Secret Sam", now=NOW, confidential=True)
    vera = contacts.create_contact(s, principal=p, name="Vera Vip", now=NOW, vip=3)
    board = events.create_event(
        s,
        principal=p,
        title="Board prep",
        now=NOW,
        start_local=datetime(2026, 11, 26, 10),
        end_local=datetime(2026, 11, 26, 11),
        tz=ZONE,
    )
    hush = events.create_event(
        s,
        principal=p,
        title="Hush dinner",
        now=NOW,
        start_local=datetime(2026, 11, 26, 19),
        tz=ZONE,
        confidential=True,
    )
    events.create_event(  # nobody on file attends: not a meeting to prepare
        s, principal=p, title="Dentist", now=NOW, start_local=datetime(2026, 11, 26, 8), tz=ZONE
    )
    later = events.create_event(
        s, principal=p, title="Next week", now=NOW, start_local=datetime(2026, 12, 2, 9), tz=ZONE
    )
    for ev, who in ((board, maria), (board, leo), (board, secret), (hush, maria), (later, leo)):
        s.add(EventAttendee(event_id=ev.id or 0, contact_id=who.id or 0))
    crm.log_interaction(s, leo, "call", "Old chat", at=datetime(2026, 8, 1, 7, tzinfo=UTC))
    crm.set_cadence(s, leo, 60, now=NOW)
    crm.set_cadence(s, maria, 60, now=NOW)
    queue.create_request(s, principal=p, subject="Wants a meeting", now=NOW, contact_id=vera.id)
    queue.create_request(s, principal=p, subject="Small ask", now=NOW, contact_id=leo.id)


def test_brief_anticipates_tomorrow(db_path: Path) -> None:
    seed(db_path, _tomorrow)
    text = ok("brief").out
    blocks = {b.splitlines()[0]: b.splitlines()[1:] for b in text.strip().split("\n\n")}
    assert blocks["Tomorrow's meetings (1)"] == [
        "  10:00  Board prep",
        "      Leo Berg — parent Maria Berg; last contact 2026-08-01",
        "      Maria Berg — organisation: Acme; role: CFO; child Leo Berg",
    ]
    assert blocks["Keep in touch — overdue (1)"] == [
        "  c2 Leo Berg — every 60 days, last 2026-08-01"
    ]
    assert blocks["VIP requests waiting (1)"] == ["  r1 Vera Vip: Wants a meeting"]
    assert "Secret Sam" not in text and "Hush" not in text

    lines = as_json("brief", "--include-confidential")["lines"]
    start = lines.index("Tomorrow's meetings (2)")
    assert lines[start + 1 : start + 6] == [
        "  10:00  Board prep",
        "      Leo Berg — parent Maria Berg; last contact 2026-08-01",
        "      Maria Berg — organisation: Acme; role: CFO; child Leo Berg",
        "      Secret Sam",
        "  19:00  Hush dinner",
    ]

    md = ok("brief", "--md").out
    assert "## Tomorrow's meetings (1)" in md and "- 10:00  Board prep" in md
    assert "## VIP requests waiting (1)" in md


def test_unknown_contact_ids_and_names_are_usage_errors(db_path: Path) -> None:
    seed(db_path, _maria_and_leo)
    r = usage_error("contact", "log", "c9", "call", "Hello")
    assert r.err.strip() == "pa: error: no contact c9"
    # A name that matches several contacts names them.
    r = usage_error("contact", "log", "Berg", "call", "Hello")
    assert "matches several contacts: c1 Maria Berg, c2 Leo Berg" in r.err
    assert rows(db_path, "SELECT COUNT(*) FROM interaction") == [(0,)]
    assert rows(db_path, "SELECT COUNT(*) FROM important_date") == [(0,)]
    assert rows(db_path, "SELECT COUNT(*) FROM keep_in_touch") == [(0,)]

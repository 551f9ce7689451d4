"""A realistic generated data set (deterministic for a seed and `now`): two principals, contacts with
relations and birthdays, two years of events with recurring series, tasks and queue items.

Rows go in with Core executemany (ORM inserts run ~5k rows/s; executemany ~13x faster), so
`--size 100000` stays usable for benchmarks.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from pa_tui.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    Event,
    EventAttendee,
    ImportantDate,
    Interaction,
    KeepInTouch,
    Principal,
    QueueDocument,
    Relation,
    Request,
    Task,
)
from pa_tui.services.timeutil import local_to_utc, local_today

GIVEN = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Sofia",
    "Anders",
    "Eva",
    "Per",
    "Ingrid",
    "Nils",
    "Sara",
    "Olof",
    "Elin",
    "Carl",
    "Jane",
    "Bob",
    "Marta",
    "José",
    "Zoë",
    "Søren",
    "Amélie",
    "Chen",
    "Priya",
    "Kofi",
    "Léa",
    "Mateo",
    "Aiko",
    "Omar",
    "Noor",
    "Ivan",
]
FAMILY = [
    "Berg",
    "Lind",
    "Holm",
    "Roe",
    "Dahl",
    "Nyström",
    "Ek",
    "Sjöberg",
    "García",
    "Müller",
    "Dubois",
    "Rossi",
    "Tanaka",
    "Okafor",
    "Haddad",
    "Novak",
    "Kowalski",
    "Johansson",
    "Andersson",
    "Björk",
    "Fischer",
    "Silva",
    "Moreau",
    "Costa",
]
ORGS = (
    "Nordbank",
    "Acme Holdings",
    "Board of Trustees",
    "Helix Pharma",
    "Kvarn & Co",
    "City Hall",
    "Aurora Ventures",
    "Lindqvist Law",
    "Tidewater Shipping",
    "The Foundation",
)
ROLES = (
    "CFO",
    "CEO",
    "Partner",
    "Board member",
    "Journalist",
    "Lawyer",
    "Investor",
    "Architect",
    "Chief of staff",
    "Head of IR",
    "Tailor",
    "Travel agent",
    "Chauffeur",
)
CHILDREN = ("Leo", "Maja", "Alma", "Hugo", "Ella", "Noah", "Olivia", "Liam")
MEETINGS = (
    "Board meeting",
    "Quarterly review with {o}",
    "Lunch with {n}",
    "Call with {n}",
    "Investor update",
    "1:1 with {n}",
    "Budget workshop",
    "Press interview ({o})",
    "Dentist",
    "School play",
    "Flight ARN→LHR",
    "Site visit {o}",
    "Strategy offsite",
)
SERIES = (
    ("Weekly leadership sync", "FREQ=WEEKLY;BYDAY=MO"),
    ("Board meeting", "FREQ=MONTHLY;BYDAY=1FR"),
    ("1:1 with chief of staff", "FREQ=WEEKLY;BYDAY=TH"),
    ("Gym", "FREQ=WEEKLY;BYDAY=TU,FR"),
    ("Quarterly investor call", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"),
)
TASKS = (
    "Book flights to {c}",
    "Renew passport",
    "Send flowers to {n}",
    "Prepare board pack",
    "Chase invoice from {o}",
    "Draft reply to {n}",
    "Order tailor appointment",
    "Confirm hotel with nanny in {c}",
    "File expense report",
    "Take the dog to the vet",
    "Minutes of board meeting",
    "Research venues for offsite",
    "Pay {o} invoice",
    "Call back {n}",
    "Buy birthday gift for {n}",
)
CITIES = ("London", "Tokyo", "New York", "Paris", "Oslo", "Berlin", "Zürich")
SUBJECTS = (
    "wants 15 min re merger",
    "asks for a meeting about the budget",
    "invoice attached",
    "press enquiry",
    "lunch next week?",
    "contract for signature",
    "returning your call",
    "visiting HQ on Thursday",
    "board papers for review",
    "urgent: term sheet",
)
KINDS = ("call", "call", "email", "meeting_request", "visitor", "document", "document", "other")
PROJECTS = ("board", "travel", "finance", "home", "press", None, None)
TAGS = ("errand", "call", "waiting", "invoice", "gift", "")


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> list[list[dict[str, Any]]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        session.connection().execute(insert(model), chunk)


def _next_id(session: Session, model: Any) -> int:
    return int(session.exec(select(func.coalesce(func.max(model.id), 0))).one()) + 1


def generate(
    session: Session, *, now: datetime, size: int = 0, seed: int = 7, tz: str = "Europe/Stockholm"
) -> dict[str, int]:
    """Fill the store; `size` scales every table to about that many rows (0 = the realistic set)."""
    rng = random.Random(seed)
    n_contacts = size or 300
    n_tasks = size or 500
    n_requests = size or 200
    n_events = size or 900
    principals = _principals(session, now, tz)
    counts: dict[str, int] = {}
    cid0 = _next_id(session, Contact)
    people = _contacts(session, rng, now, principals, n_contacts, cid0)
    counts["contacts"] = len(people)
    counts["events"] = _events(session, rng, now, principals, people, n_events)
    counts["tasks"] = _tasks(session, rng, now, principals, people, n_tasks)
    counts["requests"] = _requests(session, rng, now, principals, people, n_requests)
    _advance_sequences(session)
    return counts


def _advance_sequences(session: Session) -> None:
    """Rows went in with explicit ids; PostgreSQL's sequences must be told, SQLite needs nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("contact", "relation", "event"):
        session.connection().exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def _principals(session: Session, now: datetime, tz: str) -> list[Principal]:
    found = list(session.exec(select(Principal)).all())
    names = {p.name for p in found}
    for name, zone, default in (("Eva Lind", tz, True), ("Carl Berg", "America/New_York", False)):
        if name not in names:
            if default:
                for p in found:
                    p.is_default = False
                    session.add(p)
            p = Principal(name=name, tz=zone, is_default=default, created_at=now)
            session.add(p)
            found.append(p)
    session.flush()
    return [p for p in found if p.name in ("Eva Lind", "Carl Berg")]


def _contacts(
    session: Session,
    rng: random.Random,
    now: datetime,
    principals: list[Principal],
    n: int,
    cid0: int,
) -> list[tuple[int, int, str]]:
    rows, emails, phones, dates, relations, interactions = [], [], [], [], [], []
    cadences: list[dict[str, Any]] = []
    people: list[tuple[int, int, str]] = []  # (contact id, principal id, name)
    rel_id = _next_id(session, Relation)
    for i in range(n):
        cid = cid0 + i
        principal = principals[0] if i % 4 else principals[1]
        assert principal.id is not None
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        name = f"{given} {family}"
        staff = i % 37 == 0
        vip = 3 if i % 53 == 0 else 2 if i % 17 == 0 else 1 if i % 5 == 0 else 0
        rows.append(
            {
                "id": cid,
                "principal_id": principal.id,
                "name": name,
                "given_name": given,
                "family_name": family,
                "org": "Our office" if staff else rng.choice(ORGS),
                "role": "Assistant" if staff else rng.choice(ROLES),
                "vip": vip,
                "policy": "through" if vip >= 2 or staff else "block" if i % 41 == 0 else "screen",
                "is_staff": staff,
                "notes": rng.choice(
                    ("", "Prefers calls before 10.", "Allergic to nuts.", "Speaks French.", "")
                ),
                "confidential": i % 29 == 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        emails.append(
            {
                "contact_id": cid,
                "kind": "work",
                "value": f"{given}.{family}.{i}@example.com".lower(),
            }
        )
        digits = f"7{rng.randrange(10_000_000, 99_999_999)}"
        phones.append(
            {
                "contact_id": cid,
                "kind": "mobile",
                "value": f"+46 {digits[:2]} {digits[2:5]} {digits[5:]}",
                "digits": f"46{digits}",
            }
        )
        dates.append(
            {
                "contact_id": cid,
                "relation_id": None,
                "kind": "birthday",
                "label": None,
                "month": rng.randint(1, 12),
                "day": rng.randint(1, 28),
                "year": rng.choice((None, rng.randint(1950, 2000))),
            }
        )
        if i % 3 == 0:
            relations.append(
                {
                    "id": rel_id,
                    "contact_id": cid,
                    "kind": "spouse",
                    "label": None,
                    "other_contact_id": None,
                    "other_name": rng.choice(GIVEN),
                }
            )
            dates.append(
                {
                    "contact_id": cid,
                    "relation_id": None,
                    "kind": "anniversary",
                    "label": None,
                    "month": rng.randint(1, 12),
                    "day": rng.randint(1, 28),
                    "year": rng.randint(1980, 2020),
                }
            )
            rel_id += 1
        if i % 5 == 0:
            relations.append(
                {
                    "id": rel_id,
                    "contact_id": cid,
                    "kind": "child",
                    "label": None,
                    "other_contact_id": None,
                    "other_name": rng.choice(CHILDREN),
                }
            )
            dates.append(
                {
                    "contact_id": cid,
                    "relation_id": rel_id,
                    "kind": "birthday",
                    "label": None,
                    "month": rng.randint(1, 12),
                    "day": rng.randint(1, 28),
                    "year": rng.randint(2008, 2022),
                }
            )
            rel_id += 1
        if i % 2 == 0:
            interactions.append(
                {
                    "contact_id": cid,
                    "at": now - timedelta(days=rng.randint(1, 300)),
                    "kind": rng.choice(("call", "meeting", "email", "gift", "note")),
                    "summary": "Caught up on the project",
                    "confidential": False,
                }
            )
        if i % 25 == 0:
            cadences.append(
                {
                    "contact_id": cid,
                    "every_days": rng.choice((14, 30, 42, 90)),
                    "since": now - timedelta(days=rng.randint(30, 200)),
                }
            )
        people.append((cid, principal.id, name))
    _bulk(session, Contact, rows)
    _bulk(session, ContactEmail, emails)
    _bulk(session, ContactPhone, phones)
    _bulk(session, Relation, relations)
    _bulk(session, ImportantDate, dates)
    _bulk(session, Interaction, interactions)
    _bulk(session, KeepInTouch, cadences)
    return people


def _fill(template: str, rng: random.Random, people: list[tuple[int, int, str]]) -> str:
    return template.format(
        n=rng.choice(people)[2].split()[0], o=rng.choice(ORGS), c=rng.choice(CITIES)
    )


def _events(
    session: Session,
    rng: random.Random,
    now: datetime,
    principals: list[Principal],
    people: list[tuple[int, int, str]],
    n: int,
) -> int:
    rows, attendees = [], []
    eid = _next_id(session, Event)
    today = {p.id: local_today(now, p.tz) for p in principals}
    zones = {p.id: p.tz for p in principals}
    for p in principals:
        for title, rule in SERIES:
            start = datetime.combine(
                today[p.id] - timedelta(days=365), time(9 if "Gym" not in title else 7)
            )
            rows.append(_event_row(eid, p.id, title, start, 60, zones[p.id], now, rrule=rule))
            eid += 1
    for i in range(max(0, n - len(rows))):
        pid = principals[0].id if i % 4 else principals[1].id
        # Dense around today so the Today screen is full; spread over two years otherwise.
        offset = rng.randint(-3, 7) if i % 10 == 0 else rng.randint(-365, 365)
        start = datetime.combine(
            today[pid] + timedelta(days=offset), time(rng.randint(8, 17), rng.choice((0, 30)))
        )
        title = _fill(rng.choice(MEETINGS), rng, people)
        rows.append(
            _event_row(
                eid,
                pid,
                title,
                start,
                rng.choice((30, 45, 60, 90, 120)),
                zones[pid],
                now,
                location=rng.choice((None, "HQ room 4", "Grand Hôtel", "Zoom", "Arlanda T5")),
                confidential=i % 31 == 0,
            )
        )
        if people and i % 2 == 0:
            attendees.append(
                {"event_id": eid, "contact_id": rng.choice(people)[0], "role": "required"}
            )
        eid += 1
    _bulk(session, Event, rows)
    _bulk(
        session,
        EventAttendee,
        list({(a["event_id"], a["contact_id"]): a for a in attendees}.values()),
    )
    return len(rows)


def _event_row(
    eid: int,
    pid: Any,
    title: str,
    start: datetime,
    minutes: int,
    zone: str,
    now: datetime,
    *,
    rrule: str | None = None,
    location: str | None = None,
    confidential: bool = False,
) -> dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    return {
        "id": eid,
        "principal_id": pid,
        "title": title,
        "start_local": start,
        "end_local": end,
        "tz": zone,
        "all_day": False,
        "start_utc": local_to_utc(start, zone),
        "end_utc": local_to_utc(end, zone),
        "rrule": rrule,
        "location": location,
        "confidential": confidential,
        "created_at": now,
        "updated_at": now,
    }


def _tasks(
    session: Session,
    rng: random.Random,
    now: datetime,
    principals: list[Principal],
    people: list[tuple[int, int, str]],
    n: int,
) -> int:
    rows = []
    today = {p.id: local_today(now, p.tz) for p in principals}
    staff = [c for c in people if c[0] % 37 == people[0][0] % 37]
    for i in range(n):
        pid = principals[0].id if i % 4 else principals[1].id
        due = today[pid] + timedelta(days=rng.randint(-10, 40)) if i % 3 else None
        status = "done" if i % 5 == 0 else "waiting" if i % 11 == 0 else "todo"
        tag = rng.choice(TAGS)
        rows.append(
            {
                "principal_id": pid,
                "title": _fill(rng.choice(TASKS), rng, people),
                "due_date": due,
                "priority": rng.choice((1, 2, 3, 4, 4, 4)),
                "status": status,
                "project": rng.choice(PROJECTS),
                "tags": tag or None,
                "contact_id": rng.choice(people)[0] if i % 3 == 0 else None,
                "delegated_to_id": rng.choice(staff)[0] if staff and i % 13 == 0 else None,
                "rrule": "FREQ=MONTHLY" if i % 50 == 0 else None,
                "recur_from_completion": False,
                "confidential": i % 23 == 0,
                "completed_at": now - timedelta(days=rng.randint(0, 30))
                if status == "done"
                else None,
                "created_at": now - timedelta(days=rng.randint(0, 60)),
                "updated_at": now,
            }
        )
    _bulk(session, Task, rows)
    return len(rows)


def _requests(
    session: Session,
    rng: random.Random,
    now: datetime,
    principals: list[Principal],
    people: list[tuple[int, int, str]],
    n: int,
) -> int:
    rows = []
    for i in range(n):
        cid, pid, _name = rng.choice(people)
        known = i % 4 != 0
        kind = rng.choice(KINDS)
        status = (
            "new"
            if i % 3
            else rng.choice(("accepted", "declined", "done", "deferred", "delegated", "screened"))
        )
        rows.append(
            {
                "principal_id": pid,
                "kind": kind,
                "contact_id": cid if known else None,
                "from_name": None if known else f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                "from_phone": f"555-{rng.randint(1000, 9999)}" if kind == "call" else None,
                "subject": rng.choice(SUBJECTS),
                "body": None,
                "received_at": now - timedelta(minutes=rng.randint(5, 60 * 24 * 10)),
                "urgency": rng.choice((1, 2, 3, 4, 4)),
                "status": status,
                "duration_min": 30 if kind == "meeting_request" else None,
                "confidential": i % 19 == 0,
                "actor": "demo",
                "created_at": now,
                "updated_at": now,
            }
        )
    _bulk(session, Request, rows)
    _documents(session, rng, now)
    return len(rows)


VENDORS = ("Acme AB", "Globex", "Initech", "Nordic Print", "Hotel Lutetia", "SJ Rail")


def _documents(session: Session, rng: random.Random, now: datetime) -> None:
    """Invoices and contracts on the document items, so `pa report invoices` has something."""
    ids = session.exec(
        select(Request.id).where(col(Request.kind) == "document", col(Request.actor) == "demo")
    ).all()
    today = now.date()
    rows = [
        {
            "request_id": rid,
            "vendor": rng.choice(VENDORS),
            "amount_cents": rng.randint(50, 25000) * 100 + rng.choice((0, 50, 99)),
            "currency": rng.choice(("EUR", "EUR", "SEK", "USD")),
            "reference": f"INV-{rid:05d}",
            "due_date": today + timedelta(days=rng.randint(-10, 30)),
        }
        for rid in ids
    ]
    _bulk(session, QueueDocument, rows)

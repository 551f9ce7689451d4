"""A dossier: one view of everyone involved in an event or a queue item — role and organisation,
relations with names, upcoming dates, the last interactions, open tasks and requests, personal
notes. Shared by `pa dossier TERM`, the cockpit's panes and the brief."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, or_, select

from pa_tui.errors import NotFound, PaError
from pa_tui.models import (
    Contact,
    Event,
    EventAttendee,
    ImportantDate,
    Interaction,
    KeepInTouch,
    Principal,
    Request,
    Task,
)
from pa_tui.services import contacts, relations
from pa_tui.services.anniversaries import next_anniversary
from pa_tui.services.ids import parse_id
from pa_tui.services.timeutil import as_utc, local_today, utc_to_local

LAST_INTERACTIONS = 5
DATES_AHEAD = 60


@dataclass
class Person:
    """What to know about one contact before meeting or answering them."""

    contact: Contact
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    links: list[relations.Link] = field(default_factory=list)
    dates: list[tuple[date, str]] = field(default_factory=list)  # (next occurrence, what)
    interactions: list[Interaction] = field(default_factory=list)
    last_contacted: datetime | None = None
    cadence_days: int | None = None
    open_tasks: list[Task] = field(default_factory=list)
    open_requests: list[Request] = field(default_factory=list)
    zone: str = "UTC"  # the principal's: dates are read in it

    def _local(self, instant: datetime) -> datetime:
        return utc_to_local(as_utc(instant), self.zone)

    def lines(self, *, privacy: bool = False) -> list[tuple[str, str]]:
        """(label, value) pairs in reading order; privacy keeps only role and organisation."""
        c = self.contact
        out = [("name", c.name), ("organisation", c.org or ""), ("role", c.role or "")]
        out += [("VIP", "★" * c.vip if c.vip else ""), ("policy", c.policy)]
        if c.is_staff:
            out.append(("staff", "yes (can be delegated to)"))
        if privacy:
            return [(k, v) for k, v in out if v]
        out += [("email", ", ".join(self.emails)), ("phone", ", ".join(self.phones))]
        out += [(link.label, link.name) for link in self.links]
        out += [(f"{when:%a %d %b}", what) for when, what in self.dates]
        if self.last_contacted:
            out.append(("last contact", f"{self._local(self.last_contacted):%Y-%m-%d}"))
        if self.cadence_days:
            out.append(("keep in touch", f"every {self.cadence_days} days"))
        out += [(f"{self._local(i.at):%Y-%m-%d} {i.kind}", i.summary) for i in self.interactions]
        out += [(f"t{t.id}", t.title) for t in self.open_tasks]
        out += [(f"r{r.id}", r.subject) for r in self.open_requests]
        if c.notes:
            out.append(("notes", c.notes))
        return [(k, v) for k, v in out if v]


def person(
    session: Session, contact: Contact, *, now: datetime, zone: str, include_confidential: bool
) -> Person:
    from pa_tui.services.crm import last_contacted

    cid = contact.id or 0
    today = local_today(now, zone)
    found = Person(contact, zone=zone)
    found.emails = [e.value for e in contacts.emails_of(session, cid)]
    found.phones = [p.value for p in contacts.phones_of(session, cid)]
    found.links = relations.links_of(session, cid)
    found.dates = _dates(session, contact, found.links, today)
    found.interactions = [
        i
        for i in session.exec(
            select(Interaction)
            .where(col(Interaction.contact_id) == cid)
            .order_by(col(Interaction.at).desc())
            .limit(LAST_INTERACTIONS * 2)
        ).all()
        if include_confidential or not i.confidential
    ][:LAST_INTERACTIONS]
    found.last_contacted = last_contacted(session, [cid], now=now).get(cid)
    cadence = session.get(KeepInTouch, cid)
    found.cadence_days = cadence.every_days if cadence else None
    found.open_tasks = [
        t
        for t in session.exec(
            select(Task)
            .where(
                or_(col(Task.contact_id) == cid, col(Task.delegated_to_id) == cid),
                col(Task.status).in_(("todo", "waiting")),
            )
            .order_by(col(Task.due_date), col(Task.id))
            .limit(20)
        ).all()
        if include_confidential or not t.confidential
    ][:5]
    found.open_requests = [
        r
        for r in session.exec(
            select(Request)
            .where(col(Request.contact_id) == cid, col(Request.status).in_(("new", "deferred")))
            .order_by(col(Request.received_at).desc())
            .limit(20)
        ).all()
        if include_confidential or not r.confidential
    ][:5]
    return found


def _dates(
    session: Session, contact: Contact, links: list[relations.Link], today: date
) -> list[tuple[date, str]]:
    """The contact's own dates and those of its relations (plain names and linked contacts) in
    the next DATES_AHEAD days, soonest first."""
    horizon = today + timedelta(days=DATES_AHEAD)
    wanted = [(contact.id, None)] + [(link.contact_id, link) for link in links if link.contact_id]
    out: list[tuple[date, str]] = []
    for cid, link in wanted:
        rows = session.exec(select(ImportantDate).where(col(ImportantDate.contact_id) == cid)).all()
        for d in rows:
            if link is not None and d.relation_id is not None:
                continue  # a related contact's own relations are theirs
            when = next_anniversary(d.month, d.day, today)
            if when >= horizon:
                continue
            whose = link.name if link is not None else ""
            if d.relation_id is not None:
                rel = next((x for x in links if x.relation_id == d.relation_id), None)
                whose = f"{rel.label} {rel.name}" if rel else "relation"
            what = d.label or d.kind
            turns = f" (turns {when.year - d.year})" if d.year and d.kind == "birthday" else ""
            out.append((when, f"{whose + ': ' if whose else ''}{what}{turns}"))
    return sorted(out)


@dataclass
class Dossier:
    title: str
    people: list[Person]
    hidden: int = 0  # confidential contacts left out


def find_people(session: Session, principal: Principal, term: str) -> list[Contact]:
    """A name, email or phone number in any format (+46 8 123 45 67 = 08-123 45 67)."""
    found = contacts.match_contacts(session, principal, term)
    if not found:
        raise NotFound(f"no contact matches {term!r} (a name, email or phone number)")
    return found


def for_term(
    session: Session,
    principal: Principal,
    term: str,
    *,
    now: datetime,
    include_confidential: bool = False,
) -> Dossier:
    """`TERM` is a typed id (c5 contact, e12 event, r7 queue item) or a name/email/phone."""
    typed = _typed(term)
    if typed is not None:
        kind, number = typed
        if kind == "event":
            return for_event(
                session, principal, number, now=now, include_confidential=include_confidential
            )
        if kind == "request":
            return for_request(
                session, principal, number, now=now, include_confidential=include_confidential
            )
        if kind == "contact":
            contact = session.get(Contact, number)
            if contact is None:
                raise NotFound(f"no contact c{number}")
            title = contact.name if include_confidential or not contact.confidential else term
            return _dossier(session, principal, title, [contact], now, include_confidential)
    people = find_people(session, principal, term)
    return _dossier(session, principal, term, people[:5], now, include_confidential)


def _typed(term: str) -> tuple[str, int] | None:
    text = term.strip()
    if len(text) < 2 or text[0].lower() not in "cer" or not text[1:].isdigit():
        return None
    try:
        return parse_id(text)
    except PaError:
        return None


def for_event(
    session: Session,
    principal: Principal,
    event_id: int,
    *,
    now: datetime,
    include_confidential: bool = False,
) -> Dossier:
    ev = session.get(Event, event_id)
    if ev is None:
        raise NotFound(f"no event e{event_id}")
    if ev.confidential and not include_confidential:
        raise PaError(f"e{event_id} is confidential (--include-confidential)")
    master = ev.parent_id or ev.id
    people = list(
        session.exec(
            select(Contact)
            .join(EventAttendee, col(EventAttendee.contact_id) == col(Contact.id))
            .where(col(EventAttendee.event_id) == master)
            .order_by(col(Contact.name))
        ).all()
    )
    return _dossier(session, principal, ev.title, people, now, include_confidential)


def for_request(
    session: Session,
    principal: Principal,
    request_id: int,
    *,
    now: datetime,
    include_confidential: bool = False,
) -> Dossier:
    item = session.get(Request, request_id)
    if item is None:
        raise NotFound(f"no queue item r{request_id}")
    if item.confidential and not include_confidential:
        raise PaError(f"r{request_id} is confidential (--include-confidential)")
    people = [c for c in [session.get(Contact, item.contact_id)] if c] if item.contact_id else []
    title = item.subject if people else f"{item.subject} (from {item.from_name or 'unknown'})"
    return _dossier(session, principal, title, people, now, include_confidential)


def _dossier(
    session: Session,
    principal: Principal,
    title: str,
    people: list[Contact],
    now: datetime,
    include_confidential: bool,
) -> Dossier:
    shown = [c for c in people if include_confidential or not c.confidential]
    return Dossier(
        title,
        [
            person(
                session, c, now=now, zone=principal.tz, include_confidential=include_confidential
            )
            for c in shown
        ],
        hidden=len(people) - len(shown),
    )

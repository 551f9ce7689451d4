"""The personal-CRM side of contacts: interactions, "last contacted" (from interactions and past
meetings), keep-in-touch cadences and who is overdue, important dates told as sentences
("Maria Berg's child Leo turns 10 on Fri 27 Nov"), and reminder tasks made once a year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from pa_tui.errors import PaError
from pa_tui.models import (
    Contact,
    Event,
    EventAttendee,
    ImportantDate,
    Interaction,
    KeepInTouch,
    Principal,
    Relation,
    ReminderLog,
)
from pa_tui.services import contacts, relations, tasks
from pa_tui.services.anniversaries import UpcomingDate
from pa_tui.services.timeutil import as_utc, local_today

INTERACTION_KINDS = ("call", "meeting", "email", "gift", "note")
DATE_KINDS = ("birthday", "anniversary", "custom")


def log_interaction(
    session: Session,
    contact: Contact,
    kind: str,
    summary: str,
    *,
    at: datetime,
    confidential: bool = False,
) -> Interaction:
    if kind not in INTERACTION_KINDS:
        raise PaError(
            f"interaction kind must be one of {', '.join(INTERACTION_KINDS)}, not {kind!r}"
        )
    if not summary.strip():
        raise PaError("say what the interaction was about")
    row = Interaction(
        contact_id=contact.id or 0,
        at=at,
        kind=kind,
        summary=summary.strip(),
        confidential=confidential,
    )
    session.add(row)
    session.flush()
    return row


def add_date(
    session: Session,
    contact: Contact,
    kind: str,
    text: str,
    *,
    label: str | None = None,
    relation: Relation | None = None,
) -> ImportantDate:
    """A birthday (year optional), anniversary or custom date of a contact, or of one of its
    relations that is a plain name (Leo, Maria's child)."""
    if kind not in DATE_KINDS:
        raise PaError(f"date kind must be one of {', '.join(DATE_KINDS)}, not {kind!r}")
    if kind == "custom" and not (label or "").strip():
        raise PaError("a custom date needs a label, e.g. --label 'name day'")
    year, month, day = contacts.parse_partial_date(text)
    row = ImportantDate(
        contact_id=contact.id,
        relation_id=relation.id if relation is not None else None,
        kind=kind,
        label=(label or "").strip() or None,
        month=month,
        day=day,
        year=year,
    )
    session.add(row)
    session.flush()
    return row


# ---- last contacted and cadence


def last_contacted(
    session: Session, contact_ids: list[int], *, now: datetime
) -> dict[int, datetime]:
    """The latest interaction or past meeting (as an attendee) of each contact, up to now."""
    if not contact_ids:
        return {}
    found: dict[int, datetime] = {}
    for cid, at in session.exec(
        select(Interaction.contact_id, func.max(Interaction.at))
        .where(col(Interaction.contact_id).in_(contact_ids), col(Interaction.at) <= now)
        .group_by(col(Interaction.contact_id))
    ).all():
        if at is not None:
            found[cid] = as_utc(at)
    # Meetings: single events and series alike count from their start (a series' last held
    # occurrence is approximated by its own start here; recurring attendees are rare).
    for cid, at in session.exec(
        select(EventAttendee.contact_id, func.max(Event.start_utc))
        .join(Event, col(Event.id) == col(EventAttendee.event_id))
        .where(
            col(EventAttendee.contact_id).in_(contact_ids),
            col(Event.start_utc) <= now,
            col(Event.cancelled).is_(False),
        )
        .group_by(col(EventAttendee.contact_id))
    ).all():
        if at is not None and (cid not in found or as_utc(at) > found[cid]):
            found[cid] = as_utc(at)
    return found


_CADENCE = re.compile(r"^\s*(?:every\s+)?(\d+)\s*(d|day|days|w|week|weeks|m|month|months)\s*$")


def parse_cadence(text: str) -> int:
    """ "6w", "every 6 weeks", "3 months", "10d" -> days."""
    m = _CADENCE.match(text.lower())
    if not m or int(m.group(1)) == 0:
        raise PaError(f"not a cadence: {text!r} (e.g. 6w, every 2 months, 10d)")
    n, unit = int(m.group(1)), m.group(2)[0]
    return n * {"d": 1, "w": 7, "m": 30}[unit]


def set_cadence(
    session: Session, contact: Contact, every_days: int | None, *, now: datetime
) -> None:
    row = session.get(KeepInTouch, contact.id)
    if every_days is None:
        if row is not None:
            session.delete(row)
            session.flush()
        return
    if every_days < 1:
        raise PaError("a cadence is at least one day")
    if row is None:
        row = KeepInTouch(contact_id=contact.id or 0, every_days=every_days, since=now)
    row.every_days = every_days
    session.add(row)
    session.flush()


@dataclass(frozen=True)
class Overdue:
    contact: Contact
    every_days: int
    last: datetime | None
    due: datetime  # when the next touch was due

    def days_over(self, now: datetime) -> int:
        return max(0, (now - self.due).days)


def overdue_touches(
    session: Session, principal: Principal, *, now: datetime, include_confidential: bool = False
) -> list[Overdue]:
    """Contacts with a cadence whose last touch (or the cadence's start) is longer ago than it;
    most overdue first."""
    rows = session.exec(
        select(Contact, KeepInTouch)
        .join(KeepInTouch, col(KeepInTouch.contact_id) == col(Contact.id))
        .where(col(Contact.principal_id) == principal.id)
    ).all()
    last = last_contacted(session, [c.id for c, _ in rows if c.id is not None], now=now)
    out = []
    for contact, cadence in rows:
        if contact.confidential and not include_confidential:
            continue
        seen = last.get(contact.id or 0)
        due = (seen or as_utc(cadence.since)) + timedelta(days=cadence.every_days)
        if due <= now:
            out.append(Overdue(contact, cadence.every_days, seen, due))
    return sorted(out, key=lambda o: (o.due, o.contact.name))


# ---- important dates, told as sentences


def sentence(
    item: UpcomingDate,
    today: date,
    relation_of: dict[int, str] | None = None,
    *,
    absolute: bool = False,
) -> str:
    """ "Maria Berg's child Leo turns 10 on Fri 27 Nov" / "Anna's birthday is today"."""
    owner = item.contact.name
    who = f"{owner}'s {item.relation_name}" if item.relation_name else owner
    if relation_of and not item.relation_name and item.contact.id in relation_of:
        who = f"{owner} ({relation_of[item.contact.id]})"
    delta = (item.when - today).days
    when = "today" if delta == 0 else "tomorrow" if delta == 1 else f"on {item.when:%a %d %b}"
    if absolute:  # a task title outlives the day it was made on
        delta, when = 2, f"on {item.when:%a %d %b}"
    if item.kind == "birthday":
        if item.turns is not None:
            return f"{who} turns {item.turns} {when}"
        return f"{who}'s birthday is {when}" if delta <= 1 else f"{who}'s birthday {when}"
    what = item.label or item.kind
    years = f" ({item.turns} years)" if item.turns else ""
    return f"{who}: {what}{years} {when}"


def upcoming(
    session: Session,
    principal: Principal,
    *,
    today: date,
    days: int = 14,
    include_confidential: bool = False,
) -> list[tuple[UpcomingDate, str]]:
    """The dates in the next `days` with their sentences; a contact who is someone's relation
    says whose ("Leo Berg (child of Maria Berg)")."""
    found = contacts.upcoming_dates(
        session, principal, today=today, days=days, include_confidential=include_confidential
    )
    relation_of: dict[int, str] = {}
    for item in found:
        cid = item.contact.id
        if cid is None or item.relation_name or cid in relation_of:
            continue
        links = [link for link in relations.links_of(session, cid) if link.contact_id]
        family = [link for link in links if link.label in ("child", "parent", "spouse", "partner")]
        pick = (family or links)[:1]
        if pick:
            relation_of[cid] = pick[0].phrase()
    return [(item, sentence(item, today, relation_of)) for item in found]


def relation_of_item(session: Session, item: UpcomingDate) -> dict[int, str]:
    cid = item.contact.id
    if cid is None or item.relation_name:
        return {}
    links = [link for link in relations.links_of(session, cid) if link.contact_id]
    return {cid: links[0].phrase()} if links else {}


def date_reminders(
    session: Session,
    principal: Principal,
    *,
    now: datetime,
    ahead: int = 7,
    include_confidential: bool = False,
) -> list[tuple[str, int]]:
    """A task per date in the next `ahead` days ("Gift: Maria Berg's child Leo turns 10 on
    Fri 27 Nov"), due `ahead` days before it (today at the latest): made once per year per date,
    however often this runs. Returns (sentence, task id) for the ones made now."""
    today = local_today(now, principal.tz)
    made = []
    for item, text in upcoming(
        session, principal, today=today, days=ahead + 1, include_confidential=include_confidential
    ):
        key = f"date:{item.date_id}:{item.when.year}"
        if item.date_id is None or session.get(ReminderLog, key) is not None:
            continue
        verb = "Gift" if item.kind == "birthday" else "Remember"
        text = sentence(item, today, relation_of_item(session, item), absolute=True)
        task = tasks.create_task(
            session,
            principal=principal,
            title=f"{verb}: {text}",
            now=now,
            due_date=max(today, item.when - timedelta(days=ahead)),
            contact_id=item.contact.id,
            confidential=bool(item.contact.confidential),
            project="dates",
        )
        session.add(ReminderLog(key=key, raised_at=now))
        made.append((text, task.id or 0))
    session.flush()
    return made

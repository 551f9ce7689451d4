"""What to prepare before being asked: tomorrow's meetings with who is coming (their dossiers a
key away), contacts overdue for a touch, and VIP requests still waiting. Shown on Today and in
`pa brief`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select

from pa_tui.models import Contact, EventAttendee, Principal, Request
from pa_tui.services import crm, display, events
from pa_tui.services.timeutil import day_bounds_utc, local_today

VIP_WAITING = 2  # VIP tier from which a waiting request is called out


@dataclass(frozen=True)
class Meeting:
    key: str  # e12@20261126T0900
    when: str  # "10:00"
    title: str
    people: list[str]  # "Maria Berg (CFO, Acme)"
    confidential: bool


@dataclass
class Ahead:
    meetings: list[Meeting] = field(default_factory=list)
    touches: list[crm.Overdue] = field(default_factory=list)
    vip_waiting: list[tuple[Request, Contact]] = field(default_factory=list)


def ahead(
    session: Session, principal: Principal, *, now: datetime, include_confidential: bool = True
) -> Ahead:
    zone = principal.tz
    tomorrow = local_today(now, zone) + timedelta(days=1)
    start, end = day_bounds_utc(tomorrow, zone)
    out = Ahead()
    for occ in events.occurrences(session, principal, start, end):
        ev = occ.event
        if ev.confidential and not include_confidential:
            continue
        master = ev.parent_id or ev.id
        people = session.exec(
            select(Contact)
            .join(EventAttendee, col(EventAttendee.contact_id) == col(Contact.id))
            .where(col(EventAttendee.event_id) == master)
            .order_by(col(Contact.name))
        ).all()
        if not people:
            continue
        names = [
            c.name + (f" ({', '.join(x for x in (c.role, c.org) if x)})" if c.role or c.org else "")
            for c in people
            if include_confidential or not c.confidential
        ]
        if not names:
            continue
        out.meetings.append(
            Meeting(
                key=f"e{master}@{occ.start:%Y%m%dT%H%M}",
                when=display.when_local(occ.start, zone, with_date=False),
                title=ev.title,
                people=names,
                confidential=ev.confidential,
            )
        )
    out.touches = crm.overdue_touches(
        session, principal, now=now, include_confidential=include_confidential
    )[:10]
    rows = session.exec(
        select(Request, Contact)
        .join(Contact, col(Contact.id) == col(Request.contact_id))
        .where(
            col(Request.principal_id) == principal.id,
            col(Request.status).in_(("new", "deferred")),
            col(Contact.vip) >= VIP_WAITING,
            or_(col(Request.snooze_until).is_(None), col(Request.snooze_until) <= now),
        )
        .order_by(col(Request.received_at))
        .limit(10)
    ).all()
    out.vip_waiting = [
        (r, c) for r, c in rows if include_confidential or not (r.confidential or c.confidential)
    ]
    return out

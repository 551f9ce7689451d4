"""Triage actions on a queue item, each with real effects in one transaction (audit by trigger).

accept -> an event in a chosen slot with the sender as attendee (a call: a call-back task);
decline -> status, reason and a reply draft; delegate -> a task for a staff contact;
convert -> a task; snooze -> hidden until a time; done.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from pa_tui.errors import PaError
from pa_tui.models import Contact, Event, EventAttendee, Principal, Request, Task
from pa_tui.services import events, queue, tasks
from pa_tui.services.screening import working_days_after
from pa_tui.services.timeutil import local_to_utc, local_today, utc_to_local

DECLINE_TEMPLATE = (
    "Dear {name}, thank you for your message about {subject}. "
    "Unfortunately {principal} cannot take this on at the moment."
)


def _sender_name(session: Session, item: Request) -> str:
    if item.contact_id:
        contact = session.get(Contact, item.contact_id)
        if contact is not None:
            return contact.name
    return item.from_name or "there"


# Senders whose meetings may go over the daily meeting cap: VIP tier 2 and up, or policy through.
VIP_THROUGH = 2


def allowed_through(session: Session, item: Request) -> bool:
    contact = session.get(Contact, item.contact_id) if item.contact_id else None
    return contact is not None and (contact.policy == "through" or contact.vip >= VIP_THROUGH)


def _check_slot(
    session: Session, item: Request, principal: Principal, start: datetime, end: datetime
) -> None:
    """A booking must be free (events, buffers, protected time) and within the daily cap,
    unless the sender may go over it."""
    from pa_tui.services import conflicts, policy, slots

    rules = policy.load_policy(session, principal)
    zone = principal.tz
    day_start = local_to_utc(datetime.combine(utc_to_local(start, zone).date(), time()), zone)
    around = events.occurrences(
        session, principal, day_start - timedelta(days=1), day_start + timedelta(days=2)
    )
    found = conflicts.collisions(
        start, end, has_location=bool(item.location), occurrences=around, policy=rules, zone=zone
    )
    if found:
        what = conflicts.describe_collisions([(c.start, c) for c in found], zone)
        raise PaError(f"that slot collides with {what}")
    day = utc_to_local(start, zone).date()
    booked = slots.meetings_per_day(around, zone).get(day, 0)
    if rules.cap is not None and booked >= rules.cap and not allowed_through(session, item):
        raise PaError(
            f"{day:%a %d %b} already has {booked} meetings (cap {rules.cap}); pick another day"
        )


def _open(item: Request) -> None:
    if item.status not in queue.OPEN_STATUSES:
        raise PaError(f"r{item.id} is {item.status} already")


def accept(
    session: Session,
    item: Request,
    principal: Principal,
    *,
    slot: tuple[datetime, datetime],
    now: datetime,
    actor: str | None = None,
) -> Event | Task:
    """A meeting request books the slot; a call gets a call-back task at the slot's start."""
    _open(item)
    start, end = slot
    who = _sender_name(session, item)
    if item.kind == "call":
        task = tasks.create_task(
            session,
            principal=principal,
            title=f"Call back {who}: {item.subject}",
            now=now,
            due_at=start,
            priority=min(item.urgency, 4),
            contact_id=item.contact_id,
            request_id=item.id,
            confidential=item.confidential,
        )
        queue.set_status(session, item, "accepted", now=now, note="call back", actor=actor)
        return task
    _check_slot(session, item, principal, start, end)
    zone = principal.tz
    event = events.create_event(
        session,
        principal=principal,
        title=f"{item.subject} ({who})" if who != "there" else item.subject,
        now=now,
        start_local=utc_to_local(start, zone),
        end_local=utc_to_local(end, zone),
        tz=zone,
        location=item.location,
        confidential=item.confidential,
    )
    if item.contact_id and event.id is not None:
        session.add(EventAttendee(event_id=event.id, contact_id=item.contact_id))
    item.event_id = event.id
    queue.set_status(session, item, "accepted", now=now, note="booked", actor=actor)
    return event


def decline_draft(session: Session, item: Request, principal: Principal) -> str:
    return DECLINE_TEMPLATE.format(
        name=_sender_name(session, item), subject=item.subject, principal=principal.name
    )


def decline(
    session: Session, item: Request, *, reason: str, now: datetime, actor: str | None = None
) -> Request:
    _open(item)
    return queue.set_status(session, item, "declined", now=now, note=reason, actor=actor)


def delegate(
    session: Session,
    item: Request,
    principal: Principal,
    *,
    staff: Contact,
    now: datetime,
    due: date | None = None,
    actor: str | None = None,
) -> Task:
    _open(item)
    if not staff.is_staff:
        raise PaError(f"{staff.name} is not staff: only staff contacts take delegated work")
    task = tasks.create_task(
        session,
        principal=principal,
        title=f"{item.subject} (from {_sender_name(session, item)})",
        now=now,
        due_date=due or working_days_after(local_today(now, principal.tz), 2),
        priority=item.urgency,
        contact_id=item.contact_id,
        delegated_to_id=staff.id,
        request_id=item.id,
        confidential=item.confidential,
        status="waiting",
    )
    queue.set_status(session, item, "delegated", now=now, note=f"to {staff.name}", actor=actor)
    return task


def convert(
    session: Session,
    item: Request,
    principal: Principal,
    *,
    now: datetime,
    actor: str | None = None,
) -> Task:
    _open(item)
    task = tasks.create_task(
        session,
        principal=principal,
        title=item.subject,
        now=now,
        notes=item.body,
        priority=item.urgency,
        contact_id=item.contact_id,
        request_id=item.id,
        confidential=item.confidential,
        due_date=item.deadline and local_today(item.deadline, principal.tz),
    )
    queue.set_status(session, item, "converted", now=now, actor=actor)
    return task


def snooze(
    session: Session, item: Request, *, until: datetime, now: datetime, actor: str | None = None
) -> Request:
    _open(item)
    item.snooze_until = until
    return queue.set_status(
        session, item, "deferred", now=now, note=f"until {until:%Y-%m-%d %H:%M}", actor=actor
    )


def done(session: Session, item: Request, *, now: datetime, actor: str | None = None) -> Request:
    _open(item)
    return queue.set_status(session, item, "done", now=now, actor=actor)


def snooze_presets(now: datetime, zone: str) -> dict[str, datetime]:
    """`1` tomorrow 9:00, `2` next Monday 9:00 (UTC instants)."""
    today = local_today(now, zone)
    monday = today + timedelta(days=7 - today.weekday())
    return {
        "tomorrow 9:00": local_to_utc(datetime.combine(today + timedelta(days=1), time(9)), zone),
        "next Monday 9:00": local_to_utc(datetime.combine(monday, time(9)), zone),
    }

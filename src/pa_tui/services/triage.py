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
# Built-in reply templates; config [queue.templates] adds to them or replaces them by name.
TEMPLATES = {
    "decline": DECLINE_TEMPLATE,
    "decline-offer": (
        "Dear {name}, thank you for your message about {subject}. {principal} cannot make the "
        "time you asked for; would {alternative} suit you instead?"
    ),
    "accept": "Dear {name}, {principal} will see you about {subject} on {date}.",
}


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
    custom: dict[str, str] | None = None,
) -> Event | Task:
    """A meeting request books the slot; a call gets a call-back task at the slot's start; a
    document is approved. A booking keeps an "accept" reply draft (config templates first)."""
    _open(item)
    if item.kind == "document":
        return approve_document(session, item, principal, now=now, actor=actor)
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
    from pa_tui.services import display

    when = display.when_local(start, zone)
    set_reply(item, draft(session, item, principal, template="accept", when=when, custom=custom))
    queue.set_status(session, item, "accepted", now=now, note="booked", actor=actor)
    return event


def templates(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**TEMPLATES, **(extra or {})}


def draft(
    session: Session,
    item: Request,
    principal: Principal,
    *,
    template: str = "decline",
    alternative: str = "another time",
    when: str = "a time to be agreed",
    custom: dict[str, str] | None = None,
) -> str:
    """A reply from a template; placeholders {name} {subject} {principal} {alternative} {kind}
    {date}. The sender's words are data: braces in them are not placeholders."""
    from pa_tui.services import display

    known = templates(custom)
    if template not in known:
        raise PaError(f"no reply template {template!r} (have: {', '.join(known)})")
    return known[template].format(
        name=_sender_name(session, item),
        subject=item.subject,
        principal=principal.name,
        alternative=alternative,
        kind=display.KIND_LABEL.get(item.kind, item.kind),
        date=when,
    )


def decline_draft(
    session: Session,
    item: Request,
    principal: Principal,
    *,
    template: str = "decline",
    custom: dict[str, str] | None = None,
    now: datetime | None = None,
) -> str:
    """The decline reply; {alternative} is the next free slot when the template asks for one."""
    alternative = "another time"
    if "{alternative}" in templates(custom).get(template, "") and now is not None:
        alternative = next_free_text(session, item, principal, now=now) or alternative
    return draft(
        session, item, principal, template=template, alternative=alternative, custom=custom
    )


def slot_offers(
    session: Session, item: Request, principal: Principal, *, now: datetime, respect_cap: bool
) -> list[tuple[datetime, datetime]]:
    """Free slots for what the item asks (its length, its sender's meetings, travel buffer if
    it has a place), earliest first: what accept offers and a decline proposes."""
    from pa_tui.services import slots

    free = slots.free_slots(
        session,
        principal,
        now=now,
        duration=timedelta(minutes=item.duration_min or 30),
        with_contacts=[item.contact_id] if item.contact_id else [],
        has_location=bool(item.location),
        respect_cap=respect_cap,
    )
    return [slot.pair() for slot in free]


def next_free_text(session: Session, item: Request, principal: Principal, *, now: datetime) -> str:
    from pa_tui.services import display

    free = slot_offers(session, item, principal, now=now, respect_cap=True)
    if not free:
        return ""
    start, _ = free[0]
    return display.when_local(start, principal.tz)


def set_reply(item: Request, reply: str) -> None:
    item.extra = {**(item.extra or {}), "reply": reply}


def reply_of(item: Request) -> str | None:
    return (item.extra or {}).get("reply")


def decline(
    session: Session,
    item: Request,
    *,
    reason: str,
    now: datetime,
    actor: str | None = None,
    reply: str | None = None,
) -> Request:
    """Declined with a reason; the reply draft is kept on the item for `pa queue reply`."""
    _open(item)
    if reply:
        set_reply(item, reply)
    return queue.set_status(session, item, "declined", now=now, note=reason, actor=actor)


def reopen(session: Session, item: Request, *, now: datetime, actor: str | None = None) -> Request:
    """Back into the queue: a screened-out item reviewed, or a decision taken back."""
    if item.status in queue.OPEN_STATUSES:
        raise PaError(f"r{item.id} is open already")
    item.snooze_until = None
    return queue.set_status(session, item, "new", now=now, note="reopened", actor=actor)


def approve_document(
    session: Session,
    item: Request,
    principal: Principal,
    *,
    now: datetime,
    actor: str | None = None,
) -> Task:
    """An invoice or contract approved: a "pay by" task due on the document's due date."""
    from pa_tui.models import QueueDocument

    _open(item)
    doc = session.get(QueueDocument, item.id)
    if doc is None:
        doc = QueueDocument(request_id=item.id or 0, vendor=_sender_name(session, item))
    due = doc.due_date or (item.deadline and local_today(item.deadline, principal.tz))
    due = due or local_today(now, principal.tz) + timedelta(days=14)
    what = " ".join(
        x
        for x in (
            f"Pay {doc.vendor or _sender_name(session, item)}",
            money(doc.amount_cents, doc.currency),
            f"ref {doc.reference}" if doc.reference else "",
        )
        if x
    )
    task = tasks.create_task(
        session,
        principal=principal,
        title=f"{what} ({item.subject})",
        now=now,
        due_date=due,
        priority=min(item.urgency, 3),
        contact_id=item.contact_id,
        request_id=item.id,
        confidential=item.confidential,
        project="invoices",
    )
    doc.approved_at = now
    doc.pay_task_id = task.id
    session.add(doc)
    queue.set_status(
        session, item, "accepted", now=now, note=f"approved; pay by {due}", actor=actor
    )
    return task


def mark_paid(session: Session, item: Request, *, now: datetime, actor: str | None = None) -> None:
    from pa_tui.models import QueueDocument

    doc = session.get(QueueDocument, item.id)
    if doc is None:
        raise PaError(f"r{item.id} is not a document with an amount")
    if doc.paid_at is not None:
        raise PaError(f"r{item.id} was paid on {doc.paid_at:%Y-%m-%d}")
    doc.paid_at = now
    session.add(doc)
    if doc.pay_task_id:
        task = session.get(Task, doc.pay_task_id)
        if task is not None and task.status != "done":
            tasks.complete_task(session, task, now=now, tz="UTC")
    if item.status in queue.OPEN_STATUSES:
        # Paid without a separate approval: the item is dealt with.
        queue.set_status(session, item, "done", now=now, note="paid", actor=actor)
    else:
        queue.record_note(session, item, "paid", now=now, actor=actor)
    session.flush()


def money(cents: int | None, currency: str | None) -> str:
    if cents is None:
        return ""
    whole, part = divmod(cents, 100)
    return f"{whole:,}.{part:02d} {currency or ''}".strip()


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
    from pa_tui.services import display

    _open(item)
    owner = session.get(Principal, item.principal_id)
    item.snooze_until = until
    # The note is read by people: the principal's wall time, as the command printed it.
    when = display.when_local(until, owner.tz) if owner else f"{until:%Y-%m-%d %H:%M} UTC"
    return queue.set_status(session, item, "deferred", now=now, note=f"until {when}", actor=actor)


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


def staff_of(session: Session, principal: Principal) -> list[Contact]:
    """Who delegated work can go to, by name."""
    from sqlmodel import col, select

    return list(
        session.exec(
            select(Contact)
            .where(col(Contact.principal_id) == principal.id, col(Contact.is_staff))
            .order_by(col(Contact.name))
        ).all()
    )

"""`pa import`: files in, rows out — events and tasks from iCalendar, contacts from vCard, tasks
from Taskwarrior JSON and CSV. Every row keeps the source's UID (UUID), so importing the same
file again updates in place and creates nothing. The caller runs it in one transaction: a file
that fails anywhere leaves the store as it was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from pa_tui.errors import PaError
from pa_tui.interop import ics, taskwarrior
from pa_tui.models import Contact, ContactEmail, Event, EventAttendee, Principal, Task
from pa_tui.services import contacts, events

FORMATS = ("ics", "vcf", "taskwarrior", "csv")


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def add(self, kind: str, *, created: bool) -> None:
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1

    def line(self) -> str:
        def counts(d: dict[str, int]) -> str:
            return ", ".join(f"{n} {k}" for k, n in sorted(d.items())) or "nothing"

        text = f"created {counts(self.created)}; updated {counts(self.updated)}"
        text += f"; skipped {len(self.skipped)}" + (
            f" ({'; '.join(self.skipped[:3])}{' …' if len(self.skipped) > 3 else ''})"
            if self.skipped
            else ""
        )
        return text


def detect(path: str, data: bytes) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".ics", ".ical", ".ifb"):
        return "ics"
    if suffix in (".vcf", ".vcard"):
        return "vcf"
    if suffix == ".csv":
        return "csv"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if head.startswith(b"BEGIN:VCALENDAR"):
        return "ics"
    if head.startswith(b"BEGIN:VCARD"):
        return "vcf"
    if head[:1] in (b"[", b"{"):
        return "taskwarrior"
    raise PaError(f"{path}:1: cannot tell the format (use --format {'|'.join(FORMATS)})")


def import_files(
    session: Session,
    principal: Principal,
    paths: Sequence[str],
    *,
    now: datetime,
    fmt: str | None = None,
) -> Summary:
    summary = Summary()
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise PaError(f"{path}: cannot read: {exc.strerror}") from None
        kind = fmt or detect(path, data)
        if kind == "ics":
            found = ics.read(data, path, default_zone=principal.tz)
            _events(session, principal, found, now, summary)
            _todos(session, principal, found.todos, now, summary)
            summary.skipped += [f"{path} {s}" for s in found.skipped]
        elif kind == "vcf":
            from pa_tui.interop import vcard

            _contacts(session, principal, vcard.read_cards(data, path), now, summary)
        elif kind == "taskwarrior":
            _tasks(
                session,
                principal,
                taskwarrior.read(data, path, summary.skipped, principal.tz),
                now,
                summary,
            )
        elif kind == "csv":
            from pa_tui.interop import csvfile

            records = csvfile.read(data, path)
            cards = [r.card for r in records if r.kind == "contact"]
            if cards:
                _contacts(session, principal, cards, now, summary)
            tasks = [r.task for r in records if r.kind == "task"]
            if tasks:
                _tasks(session, principal, tasks, now, summary)
        else:
            raise PaError(f"unknown format {kind!r} (use {', '.join(FORMATS)})")
    session.flush()
    return summary


# ---- events


def _by_uid(session: Session, model: Any, principal: Principal, uid: str) -> Any:
    query = select(model).where(
        col(model.principal_id) == principal.id, col(model.external_uid) == uid
    )
    if model is Event:
        query = query.where(col(Event.parent_id).is_(None))
    return session.exec(query).first()


def _events(
    session: Session, principal: Principal, found: ics.IcsFile, now: datetime, summary: Summary
) -> None:
    masters = [e for e in found.events if e.recurrence_id is None]
    overrides = [e for e in found.events if e.recurrence_id is not None]
    rows: dict[str, tuple[Event, ics.IcsEvent]] = {}
    # The store's rows for these UIDs in a few queries, and one flush for all the new ones,
    # instead of a query and a flush per event.
    existing = _existing(session, Event, principal, [ev.uid for ev in masters])
    made: set[str] = set()
    for ev in masters:
        if ev.uid in rows:
            summary.skipped.append(f"line {ev.line}: a second VEVENT with UID {ev.uid}")
            continue
        row = existing.get(ev.uid)
        created = row is None
        if row is None:
            row = Event(
                principal_id=principal.id or 0,
                title=ev.title,
                start_utc=now,
                end_utc=now,
                created_at=now,
                updated_at=now,
            )
            made.add(ev.uid)
        _fill_event(row, ev, principal, now)
        session.add(row)
        rows[ev.uid] = (row, ev)
        summary.add("events", created=created)
    session.flush()
    for uid, (row, ev) in rows.items():
        if ev.attendees:
            _attendees(session, principal, row, ev, now, summary, new=uid in made)
    for ov in overrides:
        parent = rows.get(ov.uid)
        if parent is None:
            master = _by_uid(session, Event, principal, ov.uid)
            if master is None or not master.rrule:
                summary.skipped.append(f"line {ov.line}: RECURRENCE-ID of no series in the store")
                continue
            parent = (master, _as_ics(master))
        series, series_ics = parent
        wall = ics._series_wall(ov.recurrence_id, series_ics)
        wall_dt = (
            wall if isinstance(wall, datetime) else datetime.combine(wall, datetime.min.time())
        )
        row = session.exec(
            select(Event).where(
                col(Event.parent_id) == series.id, col(Event.recurrence_id) == wall_dt
            )
        ).first()
        created = row is None
        if row is None:
            row = Event(
                principal_id=principal.id or 0,
                title=ov.title,
                start_utc=now,
                end_utc=now,
                created_at=now,
                updated_at=now,
            )
        _fill_event(row, ov, principal, now)
        row.parent_id, row.recurrence_id, row.external_uid = series.id, wall_dt, None
        row.rrule = row.rdate = row.exdate = None
        events.derive_utc(row, principal.tz)
        session.add(row)
        session.flush()
        summary.add("occurrence overrides", created=created)


def _existing(
    session: Session, model: Any, principal: Principal, uids: list[str]
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(uids), 500):
        query = select(model).where(
            col(model.principal_id) == principal.id,
            col(model.external_uid).in_(uids[start : start + 500]),
        )
        if model is Event:
            query = query.where(col(Event.parent_id).is_(None))
        for row in session.exec(query).all():
            found[row.external_uid] = row
    return found


def _as_ics(row: Event) -> ics.IcsEvent:
    return ics.IcsEvent(
        uid=row.external_uid or "",
        line=0,
        title=row.title,
        all_day=row.all_day,
        start_local=row.start_local,
        tz=row.tz,
    )


def _fill_event(row: Event, ev: ics.IcsEvent, principal: Principal, now: datetime) -> None:
    row.title = ev.title
    row.location = ev.location
    row.agenda = ev.description
    row.all_day = ev.all_day
    row.start_date, row.end_date = ev.start_date, ev.end_date
    row.start_local, row.end_local = ev.start_local, ev.end_local
    row.tz = None if ev.all_day else ev.tz
    row.rrule = ev.rrule
    row.rdate = ",".join(ev.rdate) or None
    row.exdate = ",".join(ev.exdate) or None
    row.cancelled = ev.cancelled
    row.confidential = ev.confidential
    row.reminders = ",".join(str(m) for m in ev.reminders) or None
    row.external_uid = ev.uid
    row.updated_at = now
    events.derive_utc(row, principal.tz)


def _attendees(
    session: Session,
    principal: Principal,
    row: Event,
    ev: ics.IcsEvent,
    now: datetime,
    summary: Summary,
    *,
    new: bool = False,
) -> None:
    """Attendees matched to contacts by email; a contact is created for an unknown address."""
    have: set[int | None] = set()
    if not new:
        attending = select(EventAttendee).where(col(EventAttendee.event_id) == row.id)
        have = {a.contact_id for a in session.exec(attending)}
    for email, name in ev.attendees:
        owner = session.exec(
            select(Contact)
            .join(ContactEmail, col(ContactEmail.contact_id) == col(Contact.id))
            .where(col(ContactEmail.value) == email, col(Contact.principal_id) == principal.id)
        ).first()
        if owner is None:
            label = (name or "").strip() or email.split("@", 1)[0]
            summary.add("contacts", created=True)  # an attendee nobody had on file
            owner = contacts.create_contact(
                session, principal=principal, name=label, now=now, emails=[email]
            )
        if owner.id not in have and row.id is not None and owner.id is not None:
            session.add(EventAttendee(event_id=row.id, contact_id=owner.id))
            have.add(owner.id)


# ---- tasks


def _todos(
    session: Session,
    principal: Principal,
    todos: list[ics.IcsTodo],
    now: datetime,
    summary: Summary,
) -> None:
    items = []
    for todo in todos:
        item = taskwarrior.TaskItem(
            uid=todo.uid,
            title=todo.title,
            notes=todo.notes,
            due_date=todo.due_date,
            due_at=todo.due_at,
            sched_date=todo.sched_date,
            status=todo.status,
            priority=todo.priority,
            tags=todo.tags,
            rrule=todo.rrule,
            until_date=todo.until_date,
            completed_at=todo.completed_at,
            confidential=todo.confidential,
            location=todo.location,
        )
        items.append(item)
    _tasks(session, principal, items, now, summary)


def _tasks(
    session: Session,
    principal: Principal,
    items: list[taskwarrior.TaskItem],
    now: datetime,
    summary: Summary,
) -> None:
    existing = _existing(session, Task, principal, [item.uid for item in items])
    for item in items:
        row = existing.get(item.uid)
        summary.add("tasks", created=row is None)
        if row is None:
            row = Task(
                principal_id=principal.id or 0, title=item.title, created_at=now, updated_at=now
            )
            existing[item.uid] = row
        row.title = item.title
        row.notes = item.notes
        row.due_date, row.due_at = item.due_date, item.due_at
        row.sched_date = item.sched_date
        row.status = item.status
        row.priority = item.priority
        row.project = item.project
        row.tags = " ".join(item.tags) or None
        row.rrule = item.rrule
        row.until_date = item.until_date
        row.completed_at = item.completed_at
        row.confidential = item.confidential
        row.location = item.location
        row.external_uid = item.uid
        row.extra = {**(row.extra or {}), **item.extra} or None
        row.updated_at = now
        session.add(row)
    session.flush()


# ---- contacts


def card_uid(card: Any) -> str:
    """The card's UID, else a stable one from its name and first email or phone."""
    if card.uid:
        return str(card.uid).strip()
    import hashlib

    first = card.emails[0][1] if card.emails else card.phones[0][1] if card.phones else ""
    return "pa-tui-noid-" + hashlib.sha1(f"{card.name}|{first}".encode()).hexdigest()[:16]


def _contacts(
    session: Session, principal: Principal, cards: list[Any], now: datetime, summary: Summary
) -> None:
    """Contacts by their card's UID: new ones made in one flush, known ones updated; their
    channels, own dates and plain-name relations are replaced by the file's (it is the truth
    for them). Relations to other contacts, interactions and links are left alone."""
    from pa_tui.models import ContactPhone, ImportantDate, Relation
    from pa_tui.services.phones import phone_digits

    by_uid: dict[str, Any] = {}
    for card in cards:
        uid = card_uid(card)
        if uid in by_uid:
            summary.skipped.append(f"line {card.line}: a second card with UID {uid} (later kept)")
        by_uid[uid] = card
    existing = _existing(session, Contact, principal, list(by_uid))
    rows: list[tuple[Contact, Any]] = []
    for uid, card in by_uid.items():
        row = existing.get(uid)
        summary.add("contacts", created=row is None)
        if row is None:
            row = Contact(
                principal_id=principal.id or 0,
                name=card.name or "(no name)",
                created_at=now,
                updated_at=now,
            )
        row.name = card.name or row.name
        row.given_name, row.family_name = card.given_name, card.family_name
        row.org, row.role = card.org, card.title
        row.notes = card.notes
        row.external_uid = uid
        row.updated_at = now
        extra = {k: v for k, v in (row.extra or {}).items() if k not in ("categories", "addresses")}
        if card.categories:
            extra["categories"] = list(card.categories)
        if card.addresses:
            extra["addresses"] = [list(a) for a in card.addresses]
        row.extra = extra or None
        session.add(row)
        rows.append((row, card))
    session.flush()
    known = [row.id for row in existing.values() if row.id is not None]
    for start in range(0, len(known), 500):
        ids = known[start : start + 500]
        for model, extra_cond in (
            (ContactEmail, None),
            (ContactPhone, None),
            (Relation, col(Relation.other_contact_id).is_(None)),
            (ImportantDate, col(ImportantDate.relation_id).is_(None)),
        ):
            query = select(model).where(col(model.contact_id).in_(ids))
            if extra_cond is not None:
                query = query.where(extra_cond)
            for old in session.exec(query).all():
                session.delete(old)  # a plain relation's dates go with it (ON DELETE CASCADE)
    session.flush()
    for row, card in rows:
        cid = row.id or 0
        seen_emails: set[str] = set()
        for kind, value in card.emails:
            low = value.strip().lower()
            if low and low not in seen_emails:
                seen_emails.add(low)
                session.add(ContactEmail(contact_id=cid, kind=kind, value=low))
        for kind, value in card.phones:
            if value.strip():
                session.add(
                    ContactPhone(
                        contact_id=cid, kind=kind, value=value.strip(), digits=phone_digits(value)
                    )
                )
        for kind, when in (("birthday", card.birthday), ("anniversary", card.anniversary)):
            if when is not None:
                year, month, day = when
                session.add(
                    ImportantDate(contact_id=cid, kind=kind, month=month, day=day, year=year)
                )
        for kind, name in card.related:
            label = None
            if kind.startswith("custom:"):
                kind, label = "custom", kind.split(":", 1)[1] or "related"
            session.add(Relation(contact_id=cid, kind=kind, label=label, other_name=name))
    session.flush()


def json_safe_summary(summary: Summary) -> dict[str, Any]:
    return {"created": summary.created, "updated": summary.updated, "skipped": summary.skipped}

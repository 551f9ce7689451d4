"""`pa export`: events, tasks and contacts out as iCalendar, vCard, Taskwarrior JSON or CSV.
Confidential rows stay out unless asked for, and the caller says how many were left out; the
exported UIDs are the imported ones, so a round trip updates instead of duplicating."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from pa_tui.errors import PaError
from pa_tui.interop import ics as ics_mod
from pa_tui.interop import taskwarrior
from pa_tui.models import Contact, ContactEmail, Event, EventAttendee, Principal, Task
from pa_tui.services.textsafe import data_text, json_safe

FORMATS = {
    "events": ("ics", "json", "csv"),
    "tasks": ("ics", "json", "csv"),
    "contacts": ("vcf", "json", "csv"),
}


@dataclass
class Export:
    text: str
    count: int
    hidden: int  # confidential rows left out


def export(
    session: Session, principal: Principal, what: str, fmt: str, *, include_confidential: bool
) -> Export:
    if what not in FORMATS:
        raise PaError(f"export what? {', '.join(FORMATS)}")
    if fmt not in FORMATS[what]:
        raise PaError(f"{what} export as {', '.join(FORMATS[what])}, not {fmt}")
    model: Any = {"events": Event, "tasks": Task, "contacts": Contact}[what]
    query = select(model).where(col(model.principal_id) == principal.id).order_by(col(model.id))
    rows = list(session.exec(query).all())
    shown = [r for r in rows if include_confidential or not r.confidential]
    hidden = len(rows) - len(shown)
    if what == "events":
        masters = [r for r in shown if r.parent_id is None]
        ids = {r.id for r in masters}
        overrides = [r for r in shown if r.parent_id in ids]
        text = (
            _events_ics(session, masters, overrides, principal)
            if fmt == "ics"
            else _table(fmt, masters + overrides, EVENT_FIELDS)
        )
        return Export(text, len(masters), hidden)
    if what == "tasks":
        if fmt == "ics":
            text = _todos_ics(shown, principal)
        elif fmt == "json":
            text = taskwarrior.export(shown)
        else:
            text = _table(fmt, shown, TASK_FIELDS)
        return Export(text, len(shown), hidden)
    cards = [_card(session, c) for c in shown]
    if fmt == "vcf":
        from pa_tui.interop import vcard

        return Export(vcard.write_cards([_clean_card(c) for c in cards]), len(cards), hidden)
    return Export(_table(fmt, [_card_row(c) for c in cards], CONTACT_FIELDS), len(cards), hidden)


EVENT_FIELDS = (
    "external_uid",
    "title",
    "all_day",
    "start_local",
    "end_local",
    "tz",
    "start_date",
    "end_date",
    "location",
    "rrule",
    "rdate",
    "exdate",
    "parent_id",
    "recurrence_id",
    "cancelled",
    "reminders",
    "agenda",
)
TASK_FIELDS = (
    "external_uid",
    "title",
    "status",
    "priority",
    "due_date",
    "due_at",
    "sched_date",
    "project",
    "tags",
    "rrule",
    "notes",
    "completed_at",
)
CONTACT_FIELDS = (
    "uid",
    "name",
    "given_name",
    "family_name",
    "org",
    "title",
    "emails",
    "phones",
    "birthday",
    "anniversary",
    "related",
    "notes",
)


def _value(row: Any, name: str) -> Any:
    value = row[name] if isinstance(row, dict) else getattr(row, name)
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _table(fmt: str, rows: list[Any], fields: tuple[str, ...]) -> str:
    data = [{f: _value(r, f) for f in fields} for r in rows]
    if fmt == "csv":  # CSV cannot escape controls: they become U+FFFD (JSON escapes them)
        data = [
            {
                k: data_text(v).replace("\r", "\ufffd") if isinstance(v, str) else v
                for k, v in d.items()
            }
            for d in data
        ]
    if fmt == "json":
        return json_safe(json.dumps(data, ensure_ascii=False, indent=1)) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for item in data:
        # A cell starting with = + - @ would be a formula to a spreadsheet: keep it text.
        writer.writerow(
            {k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in item.items()}
        )
    return buffer.getvalue()


def _uid(kind: str, row: Any) -> str:
    """The row's UID; one made here is stored on the row (the export runs in a write
    transaction), so importing the export again updates instead of duplicating."""
    if not row.external_uid:
        row.external_uid = f"pa-tui-{kind}-{row.id}@pa-tui"
    return str(row.external_uid)


def _dt(wall: datetime | None, tz: str | None) -> Any:
    if wall is None:
        return None
    return wall.replace(tzinfo=ZoneInfo(tz)) if tz else wall


def _events_ics(
    session: Session, masters: list[Event], overrides: list[Event], principal: Principal
) -> str:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//pa-tui//pa-tui//EN")
    cal.add("version", "2.0")
    by_master: dict[int, list[Event]] = {}
    for ov in overrides:
        by_master.setdefault(ov.parent_id or 0, []).append(ov)
    emails = _emails(session, [m.id or 0 for m in masters])
    for ev in masters:
        uid = _uid("event", ev)
        cal.add_component(_vevent(ev, uid, emails.get(ev.id or 0, [])))
        for ov in by_master.get(ev.id or 0, []):
            comp = _vevent(ov, uid, [])
            rid = ov.recurrence_id
            if rid is not None:
                comp.add("recurrence-id", rid.date() if ev.all_day else _dt(rid, ev.tz))
            cal.add_component(comp)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def _vevent(ev: Event, uid: str, attendees: list[tuple[str, str]]) -> Any:
    import icalendar

    comp = icalendar.Event()
    comp.add("uid", data_text(uid))
    comp.add("summary", data_text(ev.title))
    comp.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    if ev.all_day and ev.start_date:
        comp.add("dtstart", ev.start_date)
        comp.add("dtend", ev.end_date or ev.start_date + timedelta(days=1))
    else:
        comp.add("dtstart", _dt(ev.start_local, ev.tz))
        comp.add("dtend", _dt(ev.end_local or ev.start_local, ev.tz))
    if ev.location:
        comp.add("location", data_text(ev.location))
    if ev.agenda:
        comp.add("description", data_text(ev.agenda))
    if ev.rrule:
        comp.add("rrule", icalendar.vRecur.from_ical(ev.rrule))
    for name, values in (("exdate", ev.exdate), ("rdate", ev.rdate)):
        for value in (values or "").split(","):
            if value:
                parsed = datetime.fromisoformat(value)
                comp.add(name, parsed.date() if ev.all_day else _dt(parsed, ev.tz))
    if ev.cancelled:
        comp.add("status", "CANCELLED")
    if ev.confidential:
        comp.add("class", "CONFIDENTIAL")
    for email, name in attendees:
        comp.add("attendee", f"mailto:{data_text(email)}", parameters={"CN": data_text(name)})
    for minutes in (ev.reminders or "").split(","):
        if minutes.strip().isdigit():
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", data_text(ev.title))
            alarm.add("trigger", -timedelta(minutes=int(minutes)))
            comp.add_component(alarm)
    return comp


def _emails(session: Session, event_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    rows = session.exec(
        select(EventAttendee.event_id, Contact.name, ContactEmail.value)
        .join(Contact, col(Contact.id) == col(EventAttendee.contact_id))
        .join(ContactEmail, col(ContactEmail.contact_id) == col(Contact.id))
        .where(col(EventAttendee.event_id).in_(event_ids))
    ).all()
    for event_id, name, email in rows:
        if email not in {e for e, _ in out.get(event_id, [])}:
            out.setdefault(event_id, []).append((email, name))
    return out


def _todos_ics(tasks: list[Task], principal: Principal) -> str:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//pa-tui//pa-tui//EN")
    cal.add("version", "2.0")
    status = {
        "todo": "NEEDS-ACTION",
        "waiting": "NEEDS-ACTION",
        "done": "COMPLETED",
        "cancelled": "CANCELLED",
    }
    for t in tasks:
        comp = icalendar.Todo()
        comp.add("uid", data_text(_uid("task", t)))
        comp.add("summary", data_text(t.title))
        comp.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
        comp.add("status", status.get(t.status, "NEEDS-ACTION"))
        if t.notes:
            comp.add("description", data_text(t.notes))
        if t.due_at is not None:
            comp.add(
                "due", t.due_at.astimezone(UTC) if t.due_at.tzinfo else t.due_at.replace(tzinfo=UTC)
            )
        elif t.due_date is not None:
            comp.add("due", t.due_date)
        if t.sched_date is not None:
            comp.add("dtstart", t.sched_date)
        if t.priority in (1, 2, 3):
            comp.add("priority", ics_mod.priority_to_ical(t.priority))
        if t.tags:
            comp.add("categories", data_text(t.tags).split())
        if t.rrule:
            comp.add("rrule", icalendar.vRecur.from_ical(t.rrule))
        if t.completed_at is not None:
            done = t.completed_at if t.completed_at.tzinfo else t.completed_at.replace(tzinfo=UTC)
            comp.add("completed", done.astimezone(UTC))
        if t.location:
            comp.add("location", data_text(t.location))
        if t.confidential:
            comp.add("class", "CONFIDENTIAL")
        cal.add_component(comp)
    return cal.to_ical().decode("utf-8")


def _card(session: Session, c: Contact) -> Any:
    from pa_tui.interop import vcard
    from pa_tui.interop.importer import card_uid
    from pa_tui.models import ContactPhone, ImportantDate, Relation
    from pa_tui.services import relations

    card = vcard.Card(
        line=0,
        version="3.0",
        name=c.name,
        given_name=c.given_name,
        family_name=c.family_name,
        org=c.org,
        title=c.role,
        notes=c.notes,
    )
    card.emails = [
        (e.kind, e.value)
        for e in session.exec(select(ContactEmail).where(col(ContactEmail.contact_id) == c.id))
    ]
    card.phones = [
        (p.kind, p.value)
        for p in session.exec(select(ContactPhone).where(col(ContactPhone.contact_id) == c.id))
    ]
    for d in session.exec(
        select(ImportantDate).where(
            col(ImportantDate.contact_id) == c.id, col(ImportantDate.relation_id).is_(None)
        )
    ):
        if d.kind == "birthday":
            card.birthday = (d.year, d.month, d.day)
        elif d.kind == "anniversary":
            card.anniversary = (d.year, d.month, d.day)
    for link in relations.links_of(session, c.id or 0):
        if not link.forward:
            continue
        rel = session.get(Relation, link.relation_id)
        if rel is None:
            continue
        kind = f"custom:{rel.label}" if rel.kind == "custom" else rel.kind
        card.related.append((kind, link.name))
    extra = c.extra or {}
    card.categories = list(extra.get("categories", []))
    card.addresses = [tuple(a) for a in extra.get("addresses", [])]
    if not c.external_uid:
        c.external_uid = card_uid(card)  # kept, so a re-import of this export matches it
    card.uid = c.external_uid
    return card


def _clean_card(card: Any) -> Any:
    """The card's text as data: no raw control characters in the file (vCard cannot escape
    them); the store keeps the original."""
    import copy

    out = copy.copy(card)
    for name in ("name", "given_name", "family_name", "org", "title", "notes", "uid"):
        value = getattr(out, name)
        if isinstance(value, str):
            setattr(out, name, data_text(value))
    out.emails = [(k, data_text(v)) for k, v in card.emails]
    out.phones = [(k, data_text(v)) for k, v in card.phones]
    out.related = [(data_text(k), data_text(v)) for k, v in card.related]
    out.categories = [data_text(c) for c in card.categories]
    out.addresses = [(k, data_text(v)) for k, v in card.addresses]
    return out


def _card_row(card: Any) -> dict[str, Any]:
    def date_text(value: Any) -> str | None:
        if value is None:
            return None
        year, month, day = value
        return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"

    return {
        "uid": card.uid,
        "name": card.name,
        "given_name": card.given_name,
        "family_name": card.family_name,
        "org": card.org,
        "title": card.title,
        "emails": " ".join(v for _, v in card.emails),
        "phones": " ".join(v for _, v in card.phones),
        "birthday": date_text(card.birthday),
        "anniversary": date_text(card.anniversary),
        "related": "; ".join(f"{k} {n}" for k, n in card.related),
        "notes": card.notes,
    }

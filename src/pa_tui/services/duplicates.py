"""Likely duplicate contacts (same email, same phone, or names that are nearly the same) and a
merge that keeps every email, phone, relation, date, interaction and link of both, in one
transaction."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from pa_tui.errors import PaError
from pa_tui.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    EventAttendee,
    ImportantDate,
    Interaction,
    KeepInTouch,
    Principal,
    Relation,
    Request,
    Task,
)
from pa_tui.services.phones import same_number
from pa_tui.services.screening import fold

NAME_SIMILARITY = 0.88


@dataclass(frozen=True)
class Pair:
    keep: Contact
    other: Contact
    reason: str  # "same email ann@x.com", "same phone", "similar names"


def _name_key(name: str) -> str:
    """Words folded (case, accents) and sorted: "Berg, Anna" == "anna berg"."""
    words = fold(name).replace(",", " ").replace(".", " ").split()
    return " ".join(sorted(words))


def find(session: Session, principal: Principal) -> list[Pair]:
    """Pairs of likely duplicates, the older contact first (it is the one kept by default)."""
    people = {
        c.id: c
        for c in session.exec(select(Contact).where(col(Contact.principal_id) == principal.id))
        if c.id is not None
    }
    reasons: dict[tuple[int, int], str] = {}

    def pair(a: int, b: int, why: str) -> None:
        key = (min(a, b), max(a, b))
        reasons.setdefault(key, why)

    by_email: dict[str, list[int]] = defaultdict(list)
    for e in session.exec(
        select(ContactEmail).where(col(ContactEmail.contact_id).in_(list(people)))
    ):
        by_email[e.value.lower()].append(e.contact_id)
    for value, ids in by_email.items():
        for other in sorted(set(ids))[1:]:
            pair(min(ids), other, f"same email {value}")
    # Phones: grouped by their last 7 digits, then compared whatever the format
    # (+46 70 123 45 67 == 070-123 45 67).
    by_tail: dict[str, list[ContactPhone]] = defaultdict(list)
    for p in session.exec(
        select(ContactPhone).where(col(ContactPhone.contact_id).in_(list(people)))
    ):
        if len(p.digits) >= 7:
            by_tail[p.digits[-7:]].append(p)
    for tail, phones in by_tail.items():
        for i, a in enumerate(phones):
            for b in phones[i + 1 :]:
                if a.contact_id != b.contact_id and same_number(a.value, b.value):
                    pair(a.contact_id, b.contact_id, f"same phone …{tail[-4:]}")
    # Names: exact folded match by key, and close spellings within the same first letter
    # (a blocking key keeps this far from n² on a large address book).
    blocks: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for cid, c in people.items():
        key = _name_key(c.name)
        if key:
            blocks[key[:1]].append((key, cid))
    for items in blocks.values():
        items.sort()
        for i, (key, cid) in enumerate(items):
            for other_key, other in items[i + 1 : i + 40]:
                if key == other_key:
                    pair(cid, other, "same name")
                elif difflib.SequenceMatcher(None, key, other_key).ratio() >= NAME_SIMILARITY:
                    pair(cid, other, "similar names")
    return [
        Pair(people[a], people[b], why)
        for (a, b), why in sorted(reasons.items())
        if a in people and b in people
    ]


LINKED = (
    (ContactEmail, "contact_id"),
    (ContactPhone, "contact_id"),
    (Relation, "contact_id"),
    (Relation, "other_contact_id"),
    (ImportantDate, "contact_id"),
    (Interaction, "contact_id"),
    (EventAttendee, "contact_id"),
    (Task, "contact_id"),
    (Task, "delegated_to_id"),
    (Request, "contact_id"),
    (KeepInTouch, "contact_id"),
)


def linked_counts(session: Session, contact_ids: list[int]) -> dict[str, int]:
    """Rows pointing at these contacts, per table.column: what a merge must keep."""
    out = {}
    for model, column in LINKED:
        rows = session.exec(select(model).where(col(getattr(model, column)).in_(contact_ids)))
        out[f"{model.__tablename__}.{column}"] = len(list(rows))
    return out


def _of(session: Session, model: Any, contact_id: int) -> list[Any]:
    return list(session.exec(select(model).where(col(model.contact_id) == contact_id)).all())


def merge(session: Session, keep: Contact, other: Contact) -> dict[str, int]:
    """Fold `other` into `keep`: links move over, duplicates among them collapse (the same email
    or phone twice, the same meeting twice, a relation between the two), empty fields of `keep`
    are filled from `other`, notes are joined, the higher VIP tier and the stricter policy win.
    Returns how many rows moved per table."""
    if keep.id == other.id:
        raise PaError("a contact cannot be merged into itself")
    if keep.principal_id != other.principal_id:
        raise PaError("contacts of different principals cannot be merged")
    kid, oid = keep.id or 0, other.id or 0
    moved: dict[str, int] = {}

    emails = {
        e.value.lower()
        for e in session.exec(select(ContactEmail).where(col(ContactEmail.contact_id) == kid))
    }
    for e in session.exec(select(ContactEmail).where(col(ContactEmail.contact_id) == oid)).all():
        if e.value.lower() in emails:
            session.delete(e)
        else:
            e.contact_id = kid
            session.add(e)
            moved["contact_email"] = moved.get("contact_email", 0) + 1
    phones = [
        p.value
        for p in session.exec(select(ContactPhone).where(col(ContactPhone.contact_id) == kid))
    ]
    for p in session.exec(select(ContactPhone).where(col(ContactPhone.contact_id) == oid)).all():
        if any(same_number(p.value, kept) for kept in phones):
            session.delete(p)
        else:
            p.contact_id = kid
            session.add(p)
            moved["contact_phone"] = moved.get("contact_phone", 0) + 1
    # A relation between the two would become a self-relation: it goes.
    for rel in session.exec(
        select(Relation).where(
            ((col(Relation.contact_id) == kid) & (col(Relation.other_contact_id) == oid))
            | ((col(Relation.contact_id) == oid) & (col(Relation.other_contact_id) == kid))
        )
    ).all():
        session.delete(rel)
    attending = {
        a.event_id
        for a in session.exec(select(EventAttendee).where(col(EventAttendee.contact_id) == kid))
    }
    for a in session.exec(select(EventAttendee).where(col(EventAttendee.contact_id) == oid)).all():
        if a.event_id in attending:
            session.delete(a)
        else:
            session.add(EventAttendee(event_id=a.event_id, contact_id=kid, role=a.role))
            session.delete(a)
            moved["event_attendee"] = moved.get("event_attendee", 0) + 1
    cadence, theirs = session.get(KeepInTouch, kid), session.get(KeepInTouch, oid)
    if theirs is not None:
        if cadence is None:
            session.add(
                KeepInTouch(contact_id=kid, every_days=theirs.every_days, since=theirs.since)
            )
            moved["keep_in_touch"] = 1
        else:
            cadence.every_days = min(cadence.every_days, theirs.every_days)
            session.add(cadence)
        session.delete(theirs)
    session.flush()
    for model, column in (
        (Relation, "contact_id"),
        (Relation, "other_contact_id"),
        (ImportantDate, "contact_id"),
        (Interaction, "contact_id"),
        (Task, "contact_id"),
        (Task, "delegated_to_id"),
        (Request, "contact_id"),
    ):
        # Row by row through the ORM (not a bulk UPDATE), so the cockpit's undo sees each one.
        rows = session.exec(select(model).where(col(getattr(model, column)) == oid)).all()
        for row in rows:
            setattr(row, column, kid)
            session.add(row)
        if rows:
            moved[f"{model.__tablename__}.{column}"] = len(rows)
    _collapse_relations(session, kid)
    _collapse_dates(session, kid)
    for name in ("given_name", "family_name", "org", "role", "external_uid"):
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    if other.notes and other.notes != keep.notes:
        keep.notes = f"{keep.notes}\n\n{other.notes}" if keep.notes else other.notes
    keep.vip = max(keep.vip, other.vip)
    strict = {"block": 2, "screen": 1, "through": 0}
    if strict.get(other.policy, 1) > strict.get(keep.policy, 1):
        keep.policy = other.policy
    keep.is_staff = keep.is_staff or other.is_staff
    keep.confidential = keep.confidential or other.confidential
    keep.extra = {**(other.extra or {}), **(keep.extra or {})} or None
    session.add(keep)
    session.flush()
    session.delete(other)
    session.flush()
    return moved


def _collapse_relations(session: Session, contact_id: int) -> None:
    """Both had the same relation (colleague of Zed): keep one."""
    seen: set[tuple[object, ...]] = set()
    mine = (col(Relation.contact_id) == contact_id) | (col(Relation.other_contact_id) == contact_id)
    for rel in session.exec(select(Relation).where(mine).order_by(col(Relation.id))).all():
        key = (rel.contact_id, rel.kind, rel.label, rel.other_contact_id, rel.other_name)
        if key in seen:
            session.delete(rel)
        seen.add(key)
    session.flush()


def _collapse_dates(session: Session, contact_id: int) -> None:
    """Both had the same birthday: keep one, so it is told (and reminded of) once."""
    seen: set[tuple[object, ...]] = set()
    mine = col(ImportantDate.contact_id) == contact_id
    for d in session.exec(select(ImportantDate).where(mine).order_by(col(ImportantDate.id))).all():
        key = (d.relation_id, d.kind, d.label, d.month, d.day, d.year)
        if key in seen:
            session.delete(d)
        seen.add(key)
    session.flush()

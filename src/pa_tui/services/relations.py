"""Relations between people as typed links, stored once and shown both ways: A's spouse is B, so
B's spouse is A; A's child is B, so B's parent is A. The other side may be a contact or a plain
name with its own dates ("Leo, Maria's son, born 2016-03-04")."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from pa_tui.errors import PaError
from pa_tui.models import Contact, ImportantDate, Relation

KINDS = ("spouse", "partner", "child", "parent", "assistant", "reports-to", "colleague", "custom")
# How the other side reads the same link.
INVERSE = {
    "spouse": "spouse",
    "partner": "partner",
    "child": "parent",
    "parent": "child",
    "assistant": "assists",
    "reports-to": "manages",
    "colleague": "colleague",
}


@dataclass(frozen=True)
class Link:
    """One relation as seen from one contact: "spouse: Maria Berg"."""

    label: str  # spouse, child, parent, assists, godmother, godchild of ...
    name: str
    contact_id: int | None  # the other person, when a contact
    relation_id: int
    forward: bool  # stored from this contact's side
    seen_as: str = ""  # what this contact is to the other: Leo's "parent" link -> "child"

    def phrase(self) -> str:
        """This contact as the other's relation: "Maria Berg's child"."""
        return f"{self.name}'s {self.seen_as}" if self.seen_as else f"{self.label} {self.name}"


def label_of(rel: Relation, *, forward: bool) -> str:
    if rel.kind == "custom":
        text = rel.label or "related"
        return text if forward else f"{text} of"
    return rel.kind if forward else INVERSE.get(rel.kind, f"{rel.kind} of")


def add_relation(
    session: Session,
    contact: Contact,
    kind: str,
    *,
    other: Contact | None = None,
    other_name: str | None = None,
    label: str | None = None,
) -> Relation:
    """contact's KIND is other (a contact) or other_name (a plain name)."""
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise PaError(f"relation kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "custom" and not (label or "").strip():
        raise PaError("a custom relation needs a label, e.g. --label godmother")
    if (other is None) == (not (other_name or "").strip()):
        raise PaError("a relation links to one contact or one plain name")
    if other is not None and other.id == contact.id:
        raise PaError(f"{contact.name} cannot be related to themselves")
    if other is not None and other.principal_id != contact.principal_id:
        raise PaError(f"{other.name} belongs to another principal's contacts")
    for link in links_of(session, contact.id or 0):
        same_other = (other is not None and link.contact_id == other.id) or (
            other is None and link.contact_id is None and link.name == (other_name or "").strip()
        )
        wanted = label_of(
            Relation(contact_id=0, kind=kind, label=(label or "").strip()), forward=True
        )
        if same_other and link.label == wanted:
            raise PaError(f"{contact.name} already has {link.label} {link.name}")
    rel = Relation(
        contact_id=contact.id or 0,
        kind=kind,
        label=(label or "").strip() or None,
        other_contact_id=other.id if other is not None else None,
        other_name=None if other is not None else (other_name or "").strip(),
    )
    session.add(rel)
    session.flush()
    return rel


def links_of(session: Session, contact_id: int) -> list[Link]:
    """Every relation of a contact, both the ones stored from its side and the ones pointing at
    it (read the other way round), ordered by label then name."""
    rows = session.exec(
        select(Relation).where(
            or_(
                col(Relation.contact_id) == contact_id, col(Relation.other_contact_id) == contact_id
            )
        )
    ).all()
    ids = {r.contact_id for r in rows} | {r.other_contact_id for r in rows if r.other_contact_id}
    names = {
        c.id: c.name
        for c in session.exec(select(Contact).where(col(Contact.id).in_(ids))).all()
        if c.id is not None
    }
    out = []
    for rel in rows:
        if rel.id is None:
            continue
        if rel.contact_id == contact_id:
            other_id = rel.other_contact_id
            name = names.get(other_id, "?") if other_id else (rel.other_name or "?")
            back = label_of(rel, forward=False)
            out.append(Link(label_of(rel, forward=True), name, other_id, rel.id, True, back))
        if rel.other_contact_id == contact_id:
            owner = rel.contact_id
            label, back = label_of(rel, forward=False), label_of(rel, forward=True)
            out.append(Link(label, names.get(owner, "?"), owner, rel.id, False, back))
    return sorted(out, key=lambda link: (link.label, link.name.casefold()))


def relation_dates(session: Session, relation_id: int) -> list[ImportantDate]:
    return list(
        session.exec(
            select(ImportantDate).where(col(ImportantDate.relation_id) == relation_id)
        ).all()
    )


def remove_relation(session: Session, relation_id: int) -> None:
    rel = session.get(Relation, relation_id)
    if rel is None:
        raise PaError(f"no relation {relation_id}")
    session.delete(rel)
    session.flush()

"""Contacts: incremental search, a dossier pane (relations, dates, interactions, open items),
an add/edit form and `l` to log an interaction."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from sqlmodel import Session
from textual.binding import Binding

from pa_tui.errors import PaError
from pa_tui.models import Contact, Interaction
from pa_tui.screens.base import ListScreen
from pa_tui.screens.modals import ChoiceModal, FormField, FormModal, PromptModal
from pa_tui.services import contacts, crm, duplicates, relations, views
from pa_tui.services.rows import ListRow
from pa_tui.widgets.record_list import Column

INTERACTION_KINDS = ("call", "meeting", "email", "gift", "note")


class ContactsScreen(ListScreen):
    LABEL = "Contacts"
    EMPTY = "No contacts. n adds one."
    COLUMNS = [
        Column("id", 6),
        Column("name"),
        Column("organisation", 18),
        Column("role", 14),
        Column("vip", 3),
        Column("policy", 7),
    ]
    BINDINGS = [
        Binding("l", "log", "Log interaction", id="contacts.log"),
        Binding("R", "relate", "Relation", show=False, id="contacts.relate"),
        Binding("K", "cadence", "Keep in touch", show=False, id="contacts.cadence"),
        Binding("M", "merge", "Merge duplicate", show=False, id="contacts.merge"),
    ]

    def load_ids(self, session: Session) -> list[int]:
        return views.contact_ids(session, self.pa.principal, term=self.term)

    def load_rows(self, session: Session, ids: list[int]) -> list[ListRow]:
        return views.contact_rows(session, ids)

    def load_detail(self, session: Session, row: ListRow) -> Text:
        return dossier(
            session,
            int(row.key[1:]),
            privacy=self.pa.privacy,
            now=self.pa.now(),
            zone=self.pa.principal.tz,
        )

    def action_new(self) -> None:
        def saved(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def create(session: Session) -> Contact:
                return contacts.create_contact(
                    session,
                    principal=self.pa.principal,
                    name=values["name"],
                    now=self.pa.now(),
                    emails=[values["email"]] if values["email"].strip() else [],
                    phones=[values["phone"]] if values["phone"].strip() else [],
                    org=values["org"].strip() or None,
                    role=values["role"].strip() or None,
                    birthday=values["birthday"].strip() or None,
                )

            made = self.pa._run("add contact", create)
            if made is not None:
                self.reload(keep_key=f"c{made.id}")

        def email(v: str) -> str | None:
            return None if not v.strip() or "@" in v else "not an email address"

        def birthday(v: str) -> str | None:
            if not v.strip():
                return None
            try:
                contacts.parse_partial_date(v)
            except Exception as exc:
                return str(exc)
            return None

        fields = [
            FormField("name", "Name", "", lambda v: None if v.strip() else "must not be empty"),
            FormField("email", "Email", "", email),
            FormField("phone", "Phone", ""),
            FormField("org", "Organisation", ""),
            FormField("role", "Role", ""),
            FormField("birthday", "Birthday (YYYY-MM-DD or --MM-DD)", "", birthday),
        ]
        self.app.push_screen(FormModal("New contact", fields), saved)

    def action_log(self) -> None:
        key = self.current_key()
        if key is None:
            return

        def kind_picked(index: int | None) -> None:
            if index is None:
                return
            kind = INTERACTION_KINDS[index]

            def summary_typed(summary: str | None) -> None:
                if not summary:
                    return

                def log(session: Session) -> Interaction:
                    contact = session.get(Contact, int(key[1:]))
                    assert contact is not None
                    return crm.log_interaction(session, contact, kind, summary, at=self.pa.now())

                if self.pa._run(f"log {kind} with {key}", log) is not None:
                    self.notify(f"logged {kind} with {key}", markup=False)
                    self.reload(keep_key=key)

            self.app.push_screen(PromptModal(f"What was the {kind} about?"), summary_typed)

        self.app.push_screen(
            ChoiceModal("Log an interaction", list(INTERACTION_KINDS)), kind_picked
        )

    def action_relate(self) -> None:
        """R: "spouse Maria Berg", "child Leo" (a plain name unless one contact matches),
        "custom godmother Greta"."""
        key = self.current_key()
        if key is None:
            return

        def check(text: str) -> str | None:
            words = text.split()
            if len(words) < 2 or words[0].lower() not in relations.KINDS:
                return f"KIND NAME, KIND one of {', '.join(relations.KINDS)}"
            if words[0].lower() == "custom" and len(words) < 3:
                return "custom LABEL NAME, e.g. custom godmother Greta"
            return None

        def typed(text: str | None) -> None:
            if not text:
                return
            words = text.split()
            kind = words[0].lower()
            label = words[1] if kind == "custom" else None
            name = " ".join(words[2:] if kind == "custom" else words[1:])

            def relate(session: Session) -> str:
                contact = session.get(Contact, int(key[1:]))
                assert contact is not None
                found = contacts.match_contacts(session, self.pa.principal, name)
                other = found[0] if len(found) == 1 and found[0].id != contact.id else None
                relations.add_relation(
                    session,
                    contact,
                    kind,
                    other=other,
                    other_name=None if other else name,
                    label=label,
                )
                return f"{contact.name}'s {label or kind}: " + (other.name if other else name)

            message = self.pa._run(f"relate {key}", relate)
            if message:
                self.notify(message, markup=False)
                self.reload(keep_key=key)

        self.app.push_screen(PromptModal("Relation (e.g. spouse Maria Berg):", check=check), typed)

    def action_cadence(self) -> None:
        key = self.current_key()
        if key is None:
            return

        def check(text: str) -> str | None:
            if text.strip().lower() == "none":
                return None
            try:
                crm.parse_cadence(text)
            except PaError as exc:
                return str(exc)
            return None

        def typed(text: str | None) -> None:
            if not text:
                return
            every = None if text.strip().lower() == "none" else crm.parse_cadence(text)

            def cadence(session: Session) -> bool:
                contact = session.get(Contact, int(key[1:]))
                assert contact is not None
                crm.set_cadence(session, contact, every, now=self.pa.now())
                return True

            if self.pa._run(f"cadence {key}", cadence):
                self.notify(
                    f"{key}: " + (f"every {every} days" if every else "no cadence"), markup=False
                )
                self.reload(keep_key=key)

        self.app.push_screen(
            PromptModal("Keep in touch every (6w, 2 months, none):", check=check), typed
        )

    def action_merge(self) -> None:
        """M: the highlighted contact's likely duplicates; the one picked is merged into it."""
        key = self.current_key()
        if key is None:
            return
        cid = int(key[1:])
        with self.pa.store.read() as session:
            pairs = [
                p
                for p in duplicates.find(session, self.pa.principal)
                if cid in (p.keep.id, p.other.id)
            ]
        others = [(p.other if p.keep.id == cid else p.keep, p.reason) for p in pairs]
        if not others:
            self.notify(f"no likely duplicate of {key}", markup=False)
            return

        def picked(index: int | None) -> None:
            if index is None:
                return
            other = others[index][0]

            def merge(session: Session) -> int:
                keep = session.get(Contact, cid)
                gone = session.get(Contact, other.id)
                assert keep is not None and gone is not None
                return sum(duplicates.merge(session, keep, gone).values())

            moved = self.pa._run(f"merge c{other.id} into {key}", merge)
            if moved is not None:
                self.notify(
                    f"merged c{other.id} into {key} ({moved} links moved; u undoes)", markup=False
                )
                self.reload(keep_key=key)

        labels = [f"c{o.id} {o.name} — {why}" for o, why in others]
        self.app.push_screen(ChoiceModal(f"Merge into {key}", labels), picked)

    def action_done(self) -> None:
        self.notify("contacts are never done; D deletes", markup=False)

    def action_snooze(self) -> None:
        self.notify("snooze works on tasks and queue items", markup=False)


def dossier(
    session: Session, contact_id: int, *, privacy: bool = False, now: datetime, zone: str
) -> Text:
    """What to know about one person: role, relations both ways, dates, last interactions,
    open items, notes (services/dossier.py), as the detail pane shows it."""
    from pa_tui.screens.dossier import dossier_text
    from pa_tui.services import dossier as dossiers

    contact = session.get(Contact, contact_id)
    if contact is None:
        return Text()
    person = dossiers.person(session, contact, now=now, zone=zone, include_confidential=True)
    return dossier_text(dossiers.Dossier(contact.name, [person]), privacy=privacy)

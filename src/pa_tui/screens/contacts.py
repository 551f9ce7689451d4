"""Contacts: incremental search, a dossier pane (relations, dates, interactions, open items),
an add/edit form and `l` to log an interaction."""

from __future__ import annotations

from rich.text import Text
from sqlmodel import Session, col, select
from textual.binding import Binding

from pa_tui.models import Contact, ImportantDate, Interaction, Relation, Request, Task
from pa_tui.screens.base import ListScreen, line, para, section
from pa_tui.screens.modals import ChoiceModal, FormField, FormModal, PromptModal
from pa_tui.services import contacts, views
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
    ]

    def load_ids(self, session: Session) -> list[int]:
        return views.contact_ids(session, self.pa.principal, term=self.term)

    def load_rows(self, session: Session, ids: list[int]) -> list[ListRow]:
        return views.contact_rows(session, ids)

    def load_detail(self, session: Session, row: ListRow) -> Text:
        return dossier(session, int(row.key[1:]), privacy=self.pa.privacy)

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
                    item = Interaction(
                        contact_id=int(key[1:]), at=self.pa.now(), kind=kind, summary=summary
                    )
                    session.add(item)
                    return item

                if self.pa._run(f"log {kind} with {key}", log) is not None:
                    self.notify(f"logged {kind} with {key}", markup=False)
                    self.reload(keep_key=key)

            self.app.push_screen(PromptModal(f"What was the {kind} about?"), summary_typed)

        self.app.push_screen(
            ChoiceModal("Log an interaction", list(INTERACTION_KINDS)), kind_picked
        )

    def action_done(self) -> None:
        self.notify("contacts are never done; D deletes", markup=False)

    def action_snooze(self) -> None:
        self.notify("snooze works on tasks and queue items", markup=False)


def dossier(session: Session, contact_id: int, *, privacy: bool = False) -> Text:
    """What to know about one person: role, relations, dates, last interactions, open items."""
    contact = session.get(Contact, contact_id)
    text = Text()
    if contact is None:
        return text
    section(text, contact.name)
    line(text, "organisation", contact.org)
    line(text, "role", contact.role)
    line(text, "VIP", "★" * contact.vip if contact.vip else "")
    line(text, "policy", contact.policy)
    if contact.is_staff:
        line(text, "staff", "yes (can be delegated to)")
    if privacy:
        text.append("Personal details hidden in privacy mode (ctrl+g).\n", style="italic")
        return text
    line(text, "email", ", ".join(e.value for e in contacts.emails_of(session, contact_id)))
    line(text, "phone", ", ".join(p.value for p in contacts.phones_of(session, contact_id)))
    relations = session.exec(select(Relation).where(col(Relation.contact_id) == contact_id)).all()
    back = session.exec(select(Relation).where(col(Relation.other_contact_id) == contact_id)).all()
    if relations or back:
        section(text, "Relations")
        for rel in relations:
            other = rel.other_name
            if rel.other_contact_id:
                found = session.get(Contact, rel.other_contact_id)
                other = found.name if found else other
            line(text, rel.label or rel.kind, other)
        for rel in back:
            found = session.get(Contact, rel.contact_id)
            line(text, f"{rel.label or rel.kind} of", found.name if found else "")
    dates = session.exec(
        select(ImportantDate).where(col(ImportantDate.contact_id) == contact_id)
    ).all()
    if dates:
        section(text, "Dates")
        for d in dates:
            who = ""
            if d.relation_id:
                owner = session.get(Relation, d.relation_id)
                who = f" ({owner.kind} {owner.other_name or ''})" if owner else ""
            year = f"{d.year}-" if d.year else "--"
            line(text, f"{d.label or d.kind}{who}", f"{year}{d.month:02d}-{d.day:02d}")
    last = session.exec(
        select(Interaction)
        .where(col(Interaction.contact_id) == contact_id)
        .order_by(col(Interaction.at).desc())
        .limit(5)
    ).all()
    if last:
        section(text, "Last interactions")
        for i in last:
            line(text, f"{i.at:%Y-%m-%d} {i.kind}", i.summary)
    open_tasks = session.exec(
        select(Task).where(
            col(Task.contact_id) == contact_id, col(Task.status).in_(("todo", "waiting"))
        )
    ).all()
    open_requests = session.exec(
        select(Request).where(
            col(Request.contact_id) == contact_id, col(Request.status).in_(("new", "deferred"))
        )
    ).all()
    if open_tasks or open_requests:
        section(text, "Open items")
        for t in open_tasks[:5]:
            line(text, f"t{t.id}", t.title)
        for r in open_requests[:5]:
            line(text, f"r{r.id}", r.subject)
    if contact.notes:
        section(text, "Notes")
        para(text, contact.notes)
    return text

"""The gatekeeping queue: items by score, the sender's dossier beside them, and triage keys.

a accept (pick a free slot; a document is approved into a "pay by" task) · c decline (reply
from a template) · s snooze · o delegate to staff · t turn into a task · x done · y copy the
reply draft · r reopen · $ paid · f open / screened out / waiting / decided. After each the
cursor rests on the next item.
"""

from __future__ import annotations

from rich.text import Text
from sqlmodel import Session
from textual.binding import Binding

from pa_tui.models import Contact, Request
from pa_tui.screens.base import ListScreen, line, section
from pa_tui.screens.contacts import dossier
from pa_tui.screens.modals import ChoiceModal, PromptModal
from pa_tui.services import display, queue_explain, triage, views
from pa_tui.services.rows import ListRow
from pa_tui.services.textsafe import clean
from pa_tui.widgets.record_list import Column


class QueueScreen(ListScreen):
    LABEL = "Queue"
    CAPTURE_PREFIX = "call "
    EMPTY = "The queue is clear."
    COLUMNS = [
        Column("id", 6),
        Column("score", 5),
        Column("kind", 8),
        Column("from", 18),
        Column("subject"),
        Column("age", 4),
    ]
    BINDINGS = [
        Binding("a", "accept", "Accept", id="queue.accept"),
        Binding("c", "decline", "Decline", id="queue.decline"),
        Binding("o", "delegate", "Delegate", id="queue.delegate"),
        Binding("t", "convert", "To task", id="queue.convert"),
        Binding("y", "copy_reply", "Copy reply", show=False, id="queue.copy_reply"),
        Binding("r", "reopen", "Reopen", show=False, id="queue.reopen"),
        Binding("dollar_sign", "paid", "Paid", show=False, id="queue.paid"),
        Binding("f", "cycle_filter", "Open/screened/waiting/decided", id="queue.filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mode = "open"
        self.last_reply: str | None = None

    def title_text(self) -> str:
        return f"{super().title_text()} — {self.mode} (f)"

    def load_ids(self, session: Session) -> list[int]:
        return views.queue_ids(
            session, self.pa.principal, now=self.pa.now(), term=self.term, mode=self.mode
        )

    def left_view(self, key: str) -> bool:
        with self.pa.store.read() as session:
            item = session.get(Request, int(key[1:]))
            return item is None or not views.in_queue_view(item, self.mode, self.pa.now())

    def load_rows(self, session: Session, ids: list[int]) -> list[ListRow]:
        return views.queue_rows(session, self.pa.principal, ids, now=self.pa.now())

    def load_detail(self, session: Session, row: ListRow) -> Text:
        item = session.get(Request, int(row.key[1:]))
        text = Text()
        if item is None:
            return text
        section(text, item.subject)
        line(text, "id", row.key)
        line(text, "kind", display.KIND_LABEL.get(item.kind, item.kind))
        sender = session.get(Contact, item.contact_id) if item.contact_id else None
        line(text, "from", display.sender(item, sender))
        line(text, "received", display.when_local(item.received_at, self.pa.principal.tz))
        line(text, "deadline", display.when_local(item.deadline, self.pa.principal.tz))
        line(text, "wants", f"{item.duration_min} min" if item.duration_min else "")
        line(
            text, "status", item.status + (f" — {item.decision_note}" if item.decision_note else "")
        )
        why = queue_explain.explain(session, item, self.pa.principal, now=self.pa.now())
        section(text, f"Score {why.score.total}" + ("  OVERDUE" if why.score.overdue else ""))
        for name, points in why.score.terms:
            if points:
                line(text, f"{points:+d}", name)
        line(text, "answer in", f"{why.answer_within} (waited {why.waited})")
        for rule in why.rules:
            line(text, "screened", rule)
        line(text, "waiting on", why.waiting_on or "")
        if why.document:
            section(text, "Document")
            for name, value in why.document:
                line(text, name, value)
        if why.reply:
            section(text, "Reply draft (y copies)")
            text.append(clean(why.reply) + "\n")
        if item.body:
            section(text, "Message")
            text.append(clean(item.body) + "\n")
        if item.contact_id:
            text.append("\n")
            text.append_text(
                dossier(
                    session,
                    item.contact_id,
                    privacy=self.pa.privacy,
                    now=self.pa.now(),
                    zone=self.pa.principal.tz,
                )
            )
        return text

    def _item(self) -> tuple[str, Request] | None:
        key = self.current_key()
        if key is None:
            return None
        with self.pa.store.read() as session:
            item = session.get(Request, int(key[1:]))
        return (key, item) if item is not None else None

    def action_accept(self) -> None:
        found = self._item()
        if found is None:
            return
        key, item = found
        if item.kind == "document":
            self._approve(key, item)
            return
        with self.pa.store.read() as session:
            offers = triage.slot_offers(
                session,
                item,
                self.pa.principal,
                now=self.pa.now(),
                respect_cap=not triage.allowed_through(session, item),
            )
        if not offers:
            self.notify(
                "No free slot in the next 14 days (working hours, protected time, meeting cap).",
                severity="warning",
                markup=False,
            )
            return
        zone = self.pa.principal.tz
        labels = [
            f"{display.when_local(s, zone)}–{display.when_local(e, zone, with_date=False)}"
            for s, e in offers
        ]
        what = "call back" if item.kind == "call" else "book"

        def picked(index: int | None) -> None:
            if index is None:
                return

            def accept(session: Session) -> str:
                fresh = session.get(Request, item.id)
                assert fresh is not None
                made = triage.accept(
                    session,
                    fresh,
                    self.pa.principal,
                    slot=offers[index],
                    now=self.pa.now(),
                    custom=dict(self.pa.queue_config.templates),
                )
                return f"{'t' if what == 'call back' else 'e'}{made.id}"

            made_key = self.pa._run(f"accept {key}", accept)
            if made_key:
                self.notify(f"accepted {key}: {made_key} at {labels[index]}", markup=False)
                self.after_action()

        self.app.push_screen(ChoiceModal(f"Accept {key}: {what} when?", labels), picked)

    def action_decline(self) -> None:
        found = self._item()
        if found is None:
            return
        key, item = found
        custom = dict(self.pa.queue_config.templates)
        with self.pa.store.read() as session:
            draft = triage.decline_draft(
                session, item, self.pa.principal, custom=custom, now=self.pa.now()
            )

        def reason(text: str | None) -> None:
            if text is None:
                return

            def decline(session: Session) -> bool:
                fresh = session.get(Request, item.id)
                assert fresh is not None
                triage.decline(
                    session, fresh, reason="declined", now=self.pa.now(), reply=text.strip()
                )
                return True

            if self.pa._run(f"decline {key}", decline):
                self.last_reply = text.strip()
                self.notify(f"declined {key} — y copies the reply", markup=False)
                self.after_action()

        self.app.push_screen(PromptModal(f"Decline {key} — reply:", draft), reason)

    def _approve(self, key: str, item: Request) -> None:
        def approve(session: Session) -> str:
            fresh = session.get(Request, item.id)
            assert fresh is not None
            task = triage.approve_document(session, fresh, self.pa.principal, now=self.pa.now())
            return f"t{task.id} due {task.due_date}"

        made = self.pa._run(f"approve {key}", approve)
        if made:
            self.notify(f"approved {key}: pay by task {made}", markup=False)
            self.after_action()

    def action_copy_reply(self) -> None:
        """The reply draft to the clipboard by OSC 52 (works over ssh): the current item's, or
        the one just made by a decline."""
        found = self._item()
        text = triage.reply_of(found[1]) if found else None
        text = text or self.last_reply
        if not text:
            self.notify("no reply draft here (c declines with one)", markup=False)
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"reply copied ({len(text)} characters)", markup=False)

    def action_reopen(self) -> None:
        found = self._item()
        if found is None:
            return
        key, item = found

        def reopen(session: Session) -> bool:
            fresh = session.get(Request, item.id)
            assert fresh is not None
            triage.reopen(session, fresh, now=self.pa.now())
            return True

        if self.pa._run(f"reopen {key}", reopen):
            self.notify(f"{key} is back in the queue", markup=False)
            self.after_action()

    def action_paid(self) -> None:
        found = self._item()
        if found is None:
            return
        key, item = found

        def paid(session: Session) -> bool:
            fresh = session.get(Request, item.id)
            assert fresh is not None
            triage.mark_paid(session, fresh, now=self.pa.now())
            return True

        if self.pa._run(f"paid {key}", paid):
            self.notify(f"{key} paid", markup=False)
            self.after_action()

    def action_cycle_filter(self) -> None:
        modes = views.QUEUE_FILTERS
        self.mode = modes[(modes.index(self.mode) + 1) % len(modes)]
        self.reload()

    def action_delegate(self) -> None:
        found = self._item()
        if found is None:
            return
        key, item = found
        with self.pa.store.read() as session:
            staff = triage.staff_of(session, self.pa.principal)
        if not staff:
            self.notify(
                "no staff contacts to delegate to (pa contact add NAME --staff)", markup=False
            )
            return

        def picked(index: int | None) -> None:
            if index is None:
                return

            def delegate(session: Session) -> str:
                fresh = session.get(Request, item.id)
                assert fresh is not None
                task = triage.delegate(
                    session, fresh, self.pa.principal, staff=staff[index], now=self.pa.now()
                )
                return f"t{task.id}"

            made = self.pa._run(f"delegate {key}", delegate)
            if made:
                self.notify(f"delegated {key} to {staff[index].name}: {made}", markup=False)
                self.after_action()

        labels = [f"{s.name}" + (f" — {s.role}" if s.role else "") for s in staff]
        self.app.push_screen(ChoiceModal(f"Delegate {key} to", labels), picked)

    def action_convert(self) -> None:
        found = self._item()
        if found is None:
            return
        key, item = found

        def convert(session: Session) -> str:
            fresh = session.get(Request, item.id)
            assert fresh is not None
            return f"t{triage.convert(session, fresh, self.pa.principal, now=self.pa.now()).id}"

        made = self.pa._run(f"convert {key}", convert)
        if made:
            self.notify(f"{key} is now task {made}", markup=False)
            self.after_action()

    def action_edit_text(self) -> None:
        super().action_edit_text()

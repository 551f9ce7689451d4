"""The gatekeeping queue: items by score, the sender's dossier beside them, and triage keys.

a accept (pick one of the next 3 free slots) · c decline (reason from a template) · s snooze ·
o delegate to staff · t turn into a task · x done. After each the cursor rests on the next item.
"""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from sqlmodel import Session
from textual.binding import Binding

from pa_tui.models import Contact, Request
from pa_tui.screens.base import ListScreen, line, section
from pa_tui.screens.contacts import dossier
from pa_tui.screens.modals import ChoiceModal, PromptModal
from pa_tui.services import display, slots, triage, views
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
    ]

    def load_ids(self, session: Session) -> list[int]:
        return views.queue_ids(session, self.pa.principal, now=self.pa.now(), term=self.term)

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
        line(text, "status", item.status)
        score = row.extra.get("score")
        if score is not None:
            line(text, "score", f"{score.total} = {score.explain()}")
        if item.body:
            section(text, "Message")
            text.append(clean(item.body) + "\n")
        if item.contact_id:
            text.append("\n")
            text.append_text(dossier(session, item.contact_id, privacy=self.pa.privacy))
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
        length = timedelta(minutes=item.duration_min or 30)
        with self.pa.store.read() as session:
            free = slots.free_slots(
                session,
                self.pa.principal,
                now=self.pa.now(),
                duration=length,
                with_contacts=[item.contact_id] if item.contact_id else [],
                has_location=bool(item.location),
                respect_cap=not triage.allowed_through(session, item),
            )
        offers = [slot.pair() for slot in free]
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
                    session, fresh, self.pa.principal, slot=offers[index], now=self.pa.now()
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
        with self.pa.store.read() as session:
            draft = triage.decline_draft(session, item, self.pa.principal)

        def reason(text: str | None) -> None:
            if text is None:
                return

            def decline(session: Session) -> None:
                fresh = session.get(Request, item.id)
                assert fresh is not None
                triage.decline(session, fresh, reason=text, now=self.pa.now())

            self.pa._run(f"decline {key}", decline)
            self.notify(f"declined {key}", markup=False)
            self.after_action()

        self.app.push_screen(PromptModal(f"Decline {key} — reason / reply:", draft), reason)

    def action_delegate(self) -> None:
        found = self._item()
        if found is None:
            return
        key, item = found
        from pa_tui.app import staff_of

        with self.pa.store.read() as session:
            staff = staff_of(session, self.pa.principal)
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

"""Tasks: filters (f cycles today / overdue / waiting-delegated / all), complete, priority, reschedule."""

from __future__ import annotations

from rich.text import Text
from sqlmodel import Session
from textual.binding import Binding

from pa_tui.models import Contact, Task
from pa_tui.screens.base import ListScreen, line, para, section
from pa_tui.services import display, views
from pa_tui.services.rows import ListRow
from pa_tui.widgets.record_list import Column


class TasksScreen(ListScreen):
    LABEL = "Tasks"
    CAPTURE_PREFIX = "add "
    EMPTY = "No tasks here. n adds one; f changes the filter."
    COLUMNS = [
        Column("id", 6),
        Column("pri", 3),
        Column("due", 16),
        Column("title"),
        Column("project/tags", 18),
    ]
    BINDINGS = [
        Binding("f", "cycle_filter", "Today/overdue/waiting/all", id="tasks.filter"),
        Binding("p", "cycle_priority", "Priority", id="tasks.priority"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mode = "all"

    def title_text(self) -> str:
        return f"{super().title_text()} — showing {self.mode} (f)"

    def load_ids(self, session: Session) -> list[int]:
        return views.task_ids(
            session, self.pa.principal, now=self.pa.now(), mode=self.mode, term=self.term
        )

    def left_view(self, key: str) -> bool:
        with self.pa.store.read() as session:
            task = session.get(Task, int(key[1:]))
            return task is None or not views.in_task_view(task, self.mode, self.pa.today())

    def load_rows(self, session: Session, ids: list[int]) -> list[ListRow]:
        return views.task_rows(session, self.pa.principal, ids, now=self.pa.now())

    def load_detail(self, session: Session, row: ListRow) -> Text:
        task = session.get(Task, int(row.key[1:]))
        text = Text()
        if task is None:
            return text
        section(text, task.title)
        line(text, "id", row.key)
        line(text, "status", task.status)
        line(text, "due", display.task_due(task, self.pa.principal.tz))
        line(text, "priority", display.PRIORITY_LABEL.get(task.priority) or "none")
        line(text, "project", task.project)
        line(text, "tags", task.tags)
        line(text, "repeats", task.rrule)
        for label, cid in (("about", task.contact_id), ("delegated to", task.delegated_to_id)):
            if cid:
                contact = session.get(Contact, cid)
                line(text, label, contact.name if contact else f"c{cid}")
        if task.request_id:
            line(text, "from queue item", f"r{task.request_id}")
        line(text, "confidential", "yes" if task.confidential else "")
        if task.notes:
            section(text, "Notes")
            para(text, task.notes)
        return text

    def action_cycle_filter(self) -> None:
        modes = views.TASK_FILTERS
        self.mode = modes[(modes.index(self.mode) + 1) % len(modes)]
        self.reload()

    def action_cycle_priority(self) -> None:
        key = self.current_key()
        if key is None:
            return

        def bump(session: Session) -> ListRow | None:
            task = session.get(Task, int(key[1:]))
            assert task is not None
            # 4 (none) -> 3 -> 2 -> 1 (urgent) -> 4
            task.priority = 4 if task.priority == 1 else task.priority - 1
            task.updated_at = self.pa.now()
            session.add(task)
            session.flush()
            # The new line from the row in hand: no page fetched, one line repainted.
            found = views.task_rows(session, self.pa.principal, [task.id or 0], now=self.pa.now())
            return found[0] if found else None

        row = self.pa._run(f"priority {key}", bump)
        # The row stays where it is while you cycle; the order settles on the next load.
        if row is None or not self.records.replace_row(row):
            self.records.refresh_rows()

    def focus_key(self, key: str) -> None:
        self.mode = "all"
        self.term = ""
        self.reload(keep_key=key)

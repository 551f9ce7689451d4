"""Today: the day's agenda (overlaps flagged, free gaps shown), the queue's top items, tasks due
or overdue, and birthdays and anniversaries in the next 7 days. Enter jumps to the item.

Before the store has opened, the app's preview (read with the standard library) fills it; the
lines come from the same builder (services/today.py) either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from pa_tui.screens.base import LinesScreen, line, section
from pa_tui.services import display, today
from pa_tui.services.rows import ListRow
from pa_tui.services.textsafe import clean
from pa_tui.widgets.record_list import Column, RecordList

if TYPE_CHECKING:
    from sqlmodel import Session


class TodayScreen(LinesScreen):
    LABEL = "Today"
    COLUMNS = [Column("when", 13), Column("what"), Column("", 16)]

    def title_text(self) -> str:
        name = clean(self.pa.principal.name, single_line=True)
        return f"Today — {name} — {display.day_label(self.pa.today())}"

    def load_lines(self, session: Session) -> list[ListRow]:
        return today.lines(today.read(session, self.pa.principal, self.pa.now()))

    def reload(self, keep_key: str | None = None) -> None:
        preview = self.pa.preview_lines
        if self.pa.ready or preview is None:
            super().reload(keep_key)
        elif self.query("#list"):
            self.lines = preview
            self._loaded(list(range(len(preview))), keep_key)

    def load_detail(self, session: Session, row: ListRow) -> Text:
        text = Text()
        if not row.key:
            return text
        section(text, " ".join(c for c in row.cells if c))
        line(text, "open", f"Enter jumps to {row.key.split('@')[0]}")
        return text

    def on_record_list_selected(self, message: RecordList.Selected) -> None:
        if message.row.key:
            self.pa.jump_to(message.row.key)

    def current_key(self) -> str | None:
        row = self.records.current
        return row.key.split("@", 1)[0] if row is not None and row.key else None

    def after_action(self) -> None:
        self.reload()

    def after_load(self) -> None:
        if self.records.cursor == 0 and len(self.lines) > 1:
            self.records.cursor = 1

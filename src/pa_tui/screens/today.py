"""Today: the day's agenda (overlaps flagged, free gaps shown), the queue's top items, tasks due
or overdue, and birthdays and anniversaries in the next 7 days. Enter jumps to the item."""

from __future__ import annotations

from rich.text import Text
from sqlmodel import Session

from pa_tui.screens.base import LinesScreen, line, section
from pa_tui.services import agenda_view, contacts, display, views
from pa_tui.services.rows import ListRow
from pa_tui.services.textsafe import clean
from pa_tui.widgets.record_list import Column, RecordList

TOP_QUEUE = 5


class TodayScreen(LinesScreen):
    LABEL = "Today"
    COLUMNS = [Column("when", 13), Column("what"), Column("", 16)]

    def title_text(self) -> str:
        name = clean(self.pa.principal.name, single_line=True)
        return f"Today — {name} — {display.day_label(self.pa.today())}"

    def load_lines(self, session: Session) -> list[ListRow]:
        principal, now = self.pa.principal, self.pa.now()
        today = self.pa.today()
        out = agenda_view.day_lines(session, principal, today, gaps=True)
        out[0].cells = [f"Agenda — {display.day_label(today)}"]

        ids = views.queue_ids(session, principal, now=now)
        out.append(
            ListRow(
                key="",
                cells=[f"Queue — top {min(TOP_QUEUE, len(ids))} of {len(ids)}"],
                flags={"header"},
            )
        )
        for row in views.queue_rows(session, principal, ids[:TOP_QUEUE], now=now):
            out.append(
                ListRow(
                    key=row.key,
                    cells=[
                        f"{row.cells[0]} {row.cells[1]:>3}",
                        f"{row.cells[3]}: {row.cells[4]}",
                        row.cells[2],
                    ],
                    confidential=row.confidential,
                    flags=row.flags,
                )
            )
        if not ids:
            out.append(ListRow(key="", cells=["", "the queue is clear", ""], flags={"dim"}))

        due = views.task_ids(session, principal, now=now, mode="today")
        out.append(ListRow(key="", cells=[f"Tasks due or overdue ({len(due)})"], flags={"header"}))
        for row in views.task_rows(session, principal, due[:50], now=now):
            out.append(
                ListRow(
                    key=row.key,
                    cells=[f"{row.cells[0]} {row.cells[1]}", row.cells[3], row.cells[2][:10]],
                    confidential=row.confidential,
                    flags=row.flags,
                )
            )
        if len(due) > 50:
            out.append(
                ListRow(
                    key="", cells=["", f"… {len(due) - 50} more on Tasks (5)", ""], flags={"dim"}
                )
            )

        dates = contacts.upcoming_dates(
            session, principal, today=today, days=7, include_confidential=True
        )
        out.append(
            ListRow(
                key="", cells=[f"Birthdays & dates, next 7 days ({len(dates)})"], flags={"header"}
            )
        )
        for d in dates:
            who = f"{d.contact.name}'s {d.relation_name}" if d.relation_name else d.contact.name
            turns = f" turns {d.turns}" if d.turns is not None and d.kind == "birthday" else ""
            out.append(
                ListRow(
                    key=f"c{d.contact.id}",
                    cells=[f"{d.when:%a %d %b}", f"{who}: {d.label or d.kind}{turns}", ""],
                    confidential=d.contact.confidential,
                )
            )
        return out

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

"""Agenda: day and week views (w), h/l previous/next, t today, . go to a typed date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from rich.text import Text
from sqlmodel import Session, col, select
from textual.binding import Binding

from pa_tui.models import Contact, Event, EventAttendee
from pa_tui.screens.base import LinesScreen, line, section
from pa_tui.screens.modals import PromptModal
from pa_tui.services import agenda_view
from pa_tui.services.rows import ListRow
from pa_tui.services.textsafe import clean
from pa_tui.services.timeutil import as_utc, local_today
from pa_tui.widgets.record_list import Column


class AgendaScreen(LinesScreen):
    LABEL = "Agenda"
    CAPTURE_PREFIX = "event "
    COLUMNS = [Column("when", 13), Column("what"), Column("where", 16)]
    BINDINGS = [
        Binding("h,left", "shift(-1)", "Prev", id="agenda.prev"),
        Binding("l,right", "shift(1)", "Next", id="agenda.next"),
        Binding("t", "today", "Today", id="agenda.today"),
        Binding("w", "toggle_week", "Day/Week", id="agenda.week"),
        Binding("full_stop", "goto", "Go to date", id="agenda.goto"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.week = False

    def reload(self, keep_key: str | None = None) -> None:
        if self.day is None:
            self.day = self.pa.today()
        super().reload(keep_key)

    def title_text(self) -> str:
        assert self.day is not None
        start = agenda_view.start_of_week(self.day) if self.week else self.day
        span = f"week of {start:%a %d %b %Y}" if self.week else f"{start:%a %d %b %Y}"
        name = clean(self.pa.principal.name, single_line=True)
        return f"Agenda — {name} — {span}  (h/l move, w week, t today)"

    def load_lines(self, session: Session) -> list[ListRow]:
        assert self.day is not None
        start = agenda_view.start_of_week(self.day) if self.week else self.day
        lines = agenda_view.day_lines(
            session, self.pa.principal, start, days=7 if self.week else 1, gaps=not self.week
        )
        if self.term:
            term = self.term.lower()
            lines = [r for r in lines if "header" in r.flags or term in " ".join(r.cells).lower()]
        return lines

    def load_detail(self, session: Session, row: ListRow) -> Text:
        event_id = row.extra.get("event_id")
        text = Text()
        if event_id is None:
            return text
        ev = session.get(Event, event_id)
        if ev is None:
            return text
        section(text, ev.title)
        line(text, "id", f"e{ev.parent_id or ev.id}")
        line(text, "when", row.cells[0])
        line(text, "where", ev.location)
        line(text, "zone", ev.tz or "floating")
        line(text, "repeats", ev.rrule)
        line(text, "confidential", "yes" if ev.confidential else "")
        people = session.exec(
            select(Contact)
            .join(EventAttendee, col(EventAttendee.contact_id) == col(Contact.id))
            .where(col(EventAttendee.event_id) == (ev.parent_id or ev.id))
        ).all()
        if people:
            section(text, "Attendees")
            for p in people:
                line(
                    text, f"c{p.id}", p.name + (f" — {p.role}, {p.org}" if p.role and p.org else "")
                )
        for title, body in (("Agenda", ev.agenda), ("Minutes", ev.minutes)):
            if body:
                section(text, title)
                text.append(clean(body) + "\n")
        return text

    def current_key(self) -> str | None:
        row = self.records.current
        if row is None or not row.key:
            return None
        return row.key.split("@", 1)[0]

    def action_shift(self, direction: int) -> None:
        assert self.day is not None
        self.day += timedelta(days=7 if self.week else 1) * direction
        self.reload()

    def action_today(self) -> None:
        self.day = self.pa.today()
        self.reload()

    def action_toggle_week(self) -> None:
        self.week = not self.week
        self.reload()

    def action_goto(self) -> None:
        def typed(text: str | None) -> None:
            if text:
                when = self.pa.parse_when(text)
                if when is not None:
                    self.day = local_today(when, self.pa.principal.tz)
                    self.reload()

        self.app.push_screen(
            PromptModal(
                "Go to date (fri, 27 jan, next week, 2027-01-15):", check=self.pa.date_error
            ),
            typed,
        )

    def action_done(self) -> None:
        self.notify("events are not done; D deletes, e edits", markup=False)

    def action_snooze(self) -> None:
        self.notify("move an event with e (edit)", markup=False)

    def focus_key(self, key: str) -> None:
        """Show the day of an event (or of one occurrence: e3@20261127T0900) with the cursor on it."""
        event_part, _, at = key.partition("@")
        if at:
            instant = datetime.strptime(at, "%Y%m%dT%H%M").replace(tzinfo=UTC)
        else:
            with self.pa.store.read() as session:
                ev = session.get(Event, int(event_part[1:]))
            instant = as_utc(ev.start_utc) if ev is not None else self.pa.now()
        self.day = local_today(instant, self.pa.principal.tz)
        self.week = False
        self.term = ""
        self.reload(keep_key=key)

    def _loaded(self, ids: list[int], keep_key: str | None) -> None:
        super()._loaded(ids, None)
        self._pending_key = None
        if keep_key:
            wanted = keep_key if "@" in keep_key else None
            for index, row in enumerate(self.lines):
                if row.key == wanted or (wanted is None and row.key.split("@")[0] == keep_key):
                    self.records.cursor = index
                    break

"""Agenda: day and week views (w), h/l previous/next, t today, . go to a typed date; m moves an
event, D deletes one (a recurring one asks: this occurrence, this and following, or all)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.text import Text
from sqlmodel import Session, col, select
from textual import work
from textual.binding import Binding

from pa_tui.models import Contact, Event, EventAttendee
from pa_tui.screens.base import LinesScreen, line, section
from pa_tui.screens.modals import ChoiceModal, ConfirmModal, PromptModal
from pa_tui.services import agenda_view, capture, minutes, series
from pa_tui.services.rows import ListRow
from pa_tui.services.textsafe import clean
from pa_tui.services.timeutil import as_utc, local_to_utc, local_today, utc_to_local
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
        Binding("m", "move", "Move", id="agenda.move"),
        Binding("M", "minutes", "Minutes", id="agenda.minutes"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.week = False
        # Neighbouring days computed ahead in a worker, so h/l repaint without waiting for the
        # day's expansion (~15 ms on a busy 100k store): key -> lines, for one write generation.
        self._ahead: dict[tuple[Any, ...], list[ListRow]] = {}

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
        return self._lines_for(session, self.day, self.week, self.term)

    def _lines_for(self, session: Session, day: date, week: bool, term: str) -> list[ListRow]:
        start = agenda_view.start_of_week(day) if week else day
        lines = agenda_view.day_lines(
            session, self.pa.principal, start, days=7 if week else 1, gaps=not week
        )
        if term:
            low = term.lower()
            lines = [r for r in lines if "header" in r.flags or low in " ".join(r.cells).lower()]
        return lines

    def _ahead_key(self, day: date) -> tuple[Any, ...]:
        return (day, self.week, self.term, self.pa.principal.id, self.pa.write_generation)

    def after_load(self) -> None:
        """Compute the days either side while the user reads this one."""
        if self.day is None or not self.pa.ready:
            return
        step = timedelta(days=7 if self.week else 1)
        wanted = [self.day + step, self.day - step]
        self._ahead = {k: v for k, v in self._ahead.items() if k[4] == self.pa.write_generation}
        missing = [(d, self._ahead_key(d)) for d in wanted if self._ahead_key(d) not in self._ahead]
        if missing:
            # After this day is on screen: the worker's Python holds the GIL in turns with the
            # main thread, and would otherwise stretch the very repaint it is meant to speed up.
            week, term = self.week, self.term
            self.call_after_refresh(lambda: self._compute_ahead(missing, week, term))

    @work(thread=True, exclusive=True, group="agenda-ahead")
    def _compute_ahead(
        self, wanted: list[tuple[date, tuple[Any, ...]]], week: bool, term: str
    ) -> None:
        computed = []
        with self.pa.store.read() as session:
            for day, key in wanted:
                computed.append((key, self._lines_for(session, day, week, term)))
        self.app.call_from_thread(self._store_ahead, computed)

    def _store_ahead(self, computed: list[tuple[tuple[Any, ...], list[ListRow]]]) -> None:
        self._ahead.update(computed)

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
        ready = self._ahead.get(self._ahead_key(self.day))
        if ready is None:
            self.reload()
            return
        # Computed ahead for this write generation: shown at once, no worker round trip.
        for index, row in enumerate(ready):
            row.ref = index
        self.lines = ready
        self._loaded(list(range(len(ready))), None)

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
        self.notify("move an event with m", markup=False)

    # ---- moving and deleting, with the scope a recurring event needs

    def _occurrence(self) -> ListRow | None:
        row = self.records.current
        return row if row is not None and row.key.startswith("e") else None

    def _with_scope(self, row: ListRow, verb: str, then: Callable[[str], None]) -> None:
        if "wall" not in row.extra:
            then("single")
            return
        labels = ["this occurrence", "this and following", "every occurrence"]

        def picked(index: int | None) -> None:
            if index is not None:
                then(series.SCOPES[index])

        self.app.push_screen(ChoiceModal(f"{verb} which?", labels), picked)

    def action_move(self) -> None:
        row = self._occurrence()
        if row is None:
            return

        def scoped(scope: str) -> None:
            self.app.push_screen(
                PromptModal(
                    "Move to (14:00, 14:00-15:30, fri 9:30, 3 dec 10:00):",
                    check=lambda text: self._new_time(row, text)[1],
                ),
                lambda text: self._move(row, scope, text) if text else None,
            )

        self._with_scope(row, "Move", scoped)

    def _new_time(
        self, row: ListRow, text: str
    ) -> tuple[tuple[datetime, datetime] | None, str | None]:
        """The typed new start/end as wall times in the principal's zone, or an error."""
        zone = self.pa.principal.tz
        start: datetime = row.extra["start"]
        end: datetime = row.extra["end"]
        day = utc_to_local(start, zone).date()
        try:
            cap = capture.parse_line(text, today=day)
        except capture.CaptureError as exc:
            return None, str(exc)
        if cap.time is None or cap.title:
            return None, "type a time, e.g. 14:00 or fri 9:30"
        new_start = datetime.combine(cap.date or day, cap.time)
        if cap.end_time is not None:
            new_end = datetime.combine(new_start.date(), cap.end_time)
        else:
            new_end = new_start + (cap.duration or (end - start))
        if new_end <= new_start:
            return None, "ends before it starts"
        return (new_start, new_end), None

    def _move(self, row: ListRow, scope: str, text: str) -> None:
        when, _error = self._new_time(row, text)
        if when is None:
            return
        zone = self.pa.principal.tz
        series_id = int(row.key[1:].split("@")[0])
        start_utc, end_utc = local_to_utc(when[0], zone), local_to_utc(when[1], zone)
        with self.pa.store.read() as session:
            clash = series.clash_text(
                session, self.pa.principal, start_utc, end_utc, skip_key=f"e{series_id}"
            )

        def apply(session: Session) -> str:
            wall: datetime = row.extra.get("wall") or datetime.min
            start, end = self._in_event_zone(session, series_id, when)
            if scope == "single":
                series.move_event(session, series_id, start_local=start, end_local=end,
                                  now=self.pa.now())  # fmt: skip
            elif scope == "this":
                series.move_occurrence(session, series_id, wall, start_local=start,
                                       end_local=end, now=self.pa.now())  # fmt: skip
            elif scope == "following":
                series.edit_following(session, series_id, wall, start_local=start,
                                      end_local=end, now=self.pa.now())  # fmt: skip
            else:
                series.edit_all(session, series_id, start_local=start, end_local=end,
                                now=self.pa.now())  # fmt: skip
            return f"moved e{series_id} ({scope}) to {when[0]:%a %d %b %H:%M}"

        def go(keep: bool | None = True) -> None:
            if not keep:
                return
            message = self.pa._run(f"move e{series_id}", apply)
            if message:
                self.notify(message + " (u undoes)", markup=False)
                self.day = when[0].date()
                self.reload(keep_key=f"e{series_id}@{start_utc:%Y%m%dT%H%M}")

        if clash:
            self.app.push_screen(
                ConfirmModal(f"That time collides with {clash}.\nKeep both? (Enter/y, n/Esc)"), go
            )
        else:
            go()

    def _in_event_zone(
        self, session: Session, series_id: int, when: tuple[datetime, datetime]
    ) -> tuple[datetime, datetime]:
        """Typed times are the principal's; an event kept in another zone stores its own."""
        ev = session.get(Event, series_id)
        zone = self.pa.principal.tz
        if ev is None or not ev.tz or ev.tz == zone:
            return when
        return (
            utc_to_local(local_to_utc(when[0], zone), ev.tz),
            utc_to_local(local_to_utc(when[1], zone), ev.tz),
        )

    def _occurrence_text(self, row: ListRow, attr: str) -> tuple[int, Any, str]:
        """(series id, recurrence id, the occurrence's agenda or minutes): its override's text,
        else the series' agenda (a coming occurrence starts from it; minutes are its own)."""
        series_id = int(row.key[1:].split("@")[0])
        wall = row.extra.get("wall")
        with self.pa.store.read() as session:
            ev = session.get(Event, series_id)
            own = series.override_at(session, ev, wall) if ev is not None and wall else ev
            text = getattr(own, attr, None) if own is not None else None
            if text is None and attr == "agenda" and ev is not None:
                text = ev.agenda
        return series_id, wall, text or ""

    def action_edit_text(self) -> None:
        """E on an occurrence: a coming one's agenda, a past one's minutes (action items and
        all), kept on that occurrence (a recurring meeting's others are untouched)."""
        row = self._occurrence()
        if row is None:
            return
        if row.extra["start"] < self.pa.now():
            self.action_minutes()
            return
        series_id, wall, current = self._occurrence_text(row, "agenda")
        text = self.pa.editor(current or "# Agenda\n\n1. \n")
        if text is None or text == current:
            return

        def save(session: Session) -> str:
            occurrence = minutes.occurrence_row(session, series_id, wall, now=self.pa.now())
            occurrence.agenda, occurrence.updated_at = text, self.pa.now()
            session.add(occurrence)
            return f"agenda of e{series_id} saved"

        message = self.pa._run(f"agenda of e{series_id}", save)
        if message:
            self.notify(message, markup=False)
            self.reload(keep_key=row.key)

    def action_minutes(self) -> None:
        """This occurrence's minutes in $EDITOR; `- [ ] ... to:name fri` lines become tasks."""
        row = self._occurrence()
        if row is None:
            return
        series_id, wall, current = self._occurrence_text(row, "minutes")
        text = self.pa.editor(current or "# Minutes\n\n- [ ] \n")
        if text is None or text == current:
            return

        def save(session: Session) -> str:
            occurrence = minutes.occurrence_row(session, series_id, wall, now=self.pa.now())
            return minutes.sync(session, occurrence, text, now=self.pa.now()).summary()

        message = self.pa._run(f"minutes of e{series_id}", save)
        if message:
            self.notify(f"minutes of e{series_id} saved: {message}", markup=False)
            self.reload(keep_key=row.key)

    def action_delete(self) -> None:
        row = self._occurrence()
        if row is None:
            return
        series_id = int(row.key[1:].split("@")[0])

        def scoped(scope: str) -> None:
            if scope in ("single", "all"):
                super(AgendaScreen, self).action_delete()
                return
            wall = row.extra["wall"]

            def apply(session: Session) -> str:
                if scope == "this":
                    series.cancel_occurrence(session, series_id, wall, now=self.pa.now())
                    return f"cancelled e{series_id} on {wall:%a %d %b}"
                series.end_series_before(session, series_id, wall, now=self.pa.now())
                return f"e{series_id} ends before {wall:%a %d %b}"

            message = self.pa._run(f"delete e{series_id} ({scope})", apply)
            if message:
                self.notify(message + " (u undoes)", markup=False)
                self.reload()

        self._with_scope(row, "Delete", scoped)

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

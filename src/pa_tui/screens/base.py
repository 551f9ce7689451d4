"""The shape every list screen shares: a virtual list, a detail pane, a filter and a capture bar.

Screens read through thread workers (one session per unit of work) and write through
`app.act(...)`, which makes every change one transaction and one undo step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from pa_tui.screens.modals import ChoiceModal, ConfirmModal, PromptModal
from pa_tui.services import textsafe
from pa_tui.services.rows import ListRow
from pa_tui.widgets.capture_bar import CaptureBar
from pa_tui.widgets.record_list import Column, RecordList

if TYPE_CHECKING:
    from sqlmodel import Session

    from pa_tui.app import PaApp


class ListScreen(Screen[None]):
    """A list with a detail pane. Subclasses say what the list holds and what the keys do."""

    LABEL: ClassVar[str] = ""
    COLUMNS: ClassVar[list[Column]] = []
    CAPTURE_PREFIX: ClassVar[str] = "add "
    EMPTY: ClassVar[str] = "Nothing here."

    BINDINGS = [
        Binding("n", "new", "New", id="list.new"),
        Binding("e", "edit", "Edit", show=False, id="list.edit"),
        Binding("E", "edit_text", "$EDITOR", show=False, id="list.edit_text"),
        Binding("x", "done", "Done", id="list.done"),
        Binding("D", "delete", "Delete", show=False, id="list.delete"),
        Binding("s", "snooze", "Snooze", id="list.snooze"),
        Binding("i", "dossier", "Dossier", show=False, id="list.dossier"),
        Binding("slash", "filter", "Filter", id="list.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="list.clear"),
        Binding("q", "app.quit", "Quit", show=False, id="list.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.term = ""
        self.detail_key: str | None = None
        self._pending_key: str | None = None

    @property
    def pa(self) -> PaApp:
        return self.app  # type: ignore[return-value]

    # ---- layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="title-bar", markup=False)
        with Horizontal(id="body"):
            with Vertical(id="list-pane"):
                yield Static("", id="col-header", markup=False)
                yield RecordList(self.COLUMNS, self.fetch_rows, empty=self.EMPTY, id="list")
            with VerticalScroll(id="detail-pane"):
                yield Static("", id="detail", markup=False)
        yield Input(placeholder="filter…  (Esc clears)", id="filter")
        yield CaptureBar(self.pa.today(), id="capture")
        yield Footer()

    @property
    def records(self) -> RecordList:
        return self.query_one("#list", RecordList)

    def on_mount(self) -> None:
        self.records.focus()

    # Before the store opens (Today's preview) only reading keys work; the footer shows the rest
    # dimmed until then.
    PREVIEW_ACTIONS: ClassVar[frozenset[str]] = frozenset({"filter", "clear_filter", "quit"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.pa.ready and action not in self.PREVIEW_ACTIONS:
            return None
        return True

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown, so this is the only first load.
        key = self.pa.take_jump(self)
        if key is not None:
            self.focus_key(key)
        else:
            self.reload()

    def focus_key(self, key: str) -> None:
        """Show the list with the cursor on `key` (a jump from Today or the palette)."""
        self.term = ""
        self.reload(keep_key=key)

    def on_record_list_resized(self) -> None:
        self._header()

    def _header(self) -> None:
        width = self.records.text_width or self.size.width
        _set_line(self.query_one("#col-header", Static), self.records.header_text(width))

    def title_text(self) -> str:
        principal = textsafe.clean(self.pa.principal.name, single_line=True)
        where = f" — filter: {self.term}" if self.term else ""
        return f"{self.LABEL} — {principal}{where}"

    # ---- loading (thread workers: never touch widgets from here)
    def load_ids(self, session: Session) -> list[int]:
        raise NotImplementedError

    def load_rows(self, session: Session, ids: list[int]) -> list[ListRow]:
        raise NotImplementedError

    def load_detail(self, session: Session, row: ListRow) -> Text:
        return Text(" ".join(row.cells))

    def fetch_rows(self, ids: list[int]) -> list[ListRow]:
        with self.pa.store.read() as session:
            return self.load_rows(session, ids)

    def reload(self, keep_key: str | None = None) -> None:
        # A key asked for wins over the cursor until a load has placed it: a resume that
        # reloads right after (a modal closing) must not put the cursor back on the old row.
        if keep_key is not None:
            self._pending_key = keep_key
        if not self.query("#list"):
            return  # not composed yet (a live refresh during a mode switch): resume loads it
        current = self.records.current
        self._reload(self._pending_key or (current.key if current else None))

    @work(thread=True, exclusive=True, group="load")
    def _reload(self, keep_key: str | None) -> None:
        with self.pa.store.read() as session:
            ids = self.load_ids(session)
        self.app.call_from_thread(self._loaded, ids, keep_key)

    def _loaded(self, ids: list[int], keep_key: str | None) -> None:
        _set_line(self.query_one("#title-bar", Static), self.title_text())
        self.records.privacy = self.pa.privacy
        self.records.set_ids(ids, keep_key=keep_key, rows=self.rows_in_hand())
        if keep_key is not None and keep_key == self._pending_key:
            self._pending_key = None
        self.after_load()
        self._header()
        if not ids:
            self._show_detail(Text(""))

    def after_load(self) -> None:
        """Hook for screens whose lists open on a section header."""

    def rows_in_hand(self) -> list[ListRow] | None:
        """Rows already computed with the ids (LinesScreen); None: fetched by page."""
        return None

    def on_record_list_highlighted(self, message: RecordList.Highlighted) -> None:
        if message.row is None:
            return
        self.detail_key = message.row.key
        self._load_detail(message.row)

    @work(thread=True, exclusive=True, group="detail")
    def _load_detail(self, row: ListRow) -> None:
        if not self.pa.ready:
            return  # a preview before the store opens: details come with the full load
        with self.pa.store.read() as session:
            text = self.load_detail(session, row)
        self.app.call_from_thread(self._detail_loaded, row.key, text)

    def _detail_loaded(self, key: str, text: Text) -> None:
        if key == self.detail_key:
            self._show_detail(text)

    def _show_detail(self, text: Text) -> None:
        current = self.records.current
        if current is not None and current.confidential and self.pa.privacy:
            text = Text("Confidential — hidden in privacy mode (ctrl+g).", style="italic")
        self.query_one("#detail", Static).update(text)

    def refresh_privacy(self) -> None:
        self.records.privacy = self.pa.privacy
        current = self.records.current
        if current is not None:
            self._load_detail(current)

    # ---- the shared keys
    def action_new(self) -> None:
        self.query_one(CaptureBar).open(self.CAPTURE_PREFIX, self.pa.today())

    def on_capture_bar_submitted(self, message: CaptureBar.Submitted) -> None:
        # An event that collides asks first (Enter keeps both): the key comes back later then.
        key = self.pa.capture(message.line, done=self._captured)
        if key is not None:
            self._captured(key)

    def _captured(self, key: str) -> None:
        self.query_one(CaptureBar).close()
        self.records.focus()
        self.reload(keep_key=key)

    def on_capture_bar_cancelled(self) -> None:
        self.records.focus()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-open")
        field.value = self.term
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.term = event.value.strip()
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.records.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.remove_class("-open")
        if self.term:
            self.term = ""
            field.value = ""
            self.reload()
        self.records.focus()

    def current_key(self) -> str | None:
        row = self.records.current
        return row.key if row else None

    def action_done(self) -> None:
        key = self.current_key()
        if key and key[0] in "tr":
            self.pa.mark_done(key)
            self.after_action()

    def after_action(self) -> None:
        """After a change to the current record the cursor stays put, so it lands on the next
        item by itself. A record that left this view goes at once; the reload confirms."""
        key = self.current_key()
        if key is not None and self.pa.ready and self.left_view(key) and self.records.drop(key):
            # After the repaint: the reload's worker would share the GIL with it.
            self.call_after_refresh(self.reload)
            return
        self.reload()

    def left_view(self, key: str) -> bool:
        """Whether the record `key` no longer belongs in this list (one read by id)."""
        return False

    def action_delete(self) -> None:
        row = self.records.current
        if row is None:
            return
        label = textsafe.clean(row.cells[min(len(row.cells) - 1, 3 if row.key[0] != "c" else 1)])

        def answered(yes: bool | None) -> None:
            if yes:
                self.pa.delete(row.key)
                self.after_action()

        self.app.push_screen(ConfirmModal(f"Delete {row.key} {label}?"), answered)

    def action_snooze(self) -> None:
        key = self.current_key()
        if key is None or key[0] not in "tr":
            return
        presets = self.pa.snooze_presets()
        labels = [*presets, "type a date…"]

        def picked(index: int | None) -> None:
            if index is None:
                return
            if index < len(presets):
                self.pa.snooze(key, list(presets.values())[index])
                self.after_action()
            else:
                self.app.push_screen(
                    PromptModal(
                        "Snooze until (e.g. fri 9am, 27 jan, next week):",
                        check=self.pa.date_error,
                    ),
                    typed,
                )

        def typed(text: str | None) -> None:
            if text:
                when = self.pa.parse_when(text)
                if when is not None:
                    self.pa.snooze(key, when)
                    self.after_action()

        self.app.push_screen(ChoiceModal(f"Snooze {key} until", labels), picked)

    def action_dossier(self) -> None:
        """Everyone involved in the highlighted item, in one view."""
        key = self.current_key()
        if key:
            self.pa.open_dossier(key)

    def action_edit(self) -> None:
        key = self.current_key()
        if key:
            self.pa.edit_form(key, on_saved=lambda: self.reload(keep_key=key))

    def action_edit_text(self) -> None:
        key = self.current_key()
        if key:
            self.pa.edit_in_editor(key)
            self.reload(keep_key=key)


class LinesScreen(ListScreen):
    """A list of lines computed whole by load_lines (Today, Agenda: small, mixed kinds); the
    RecordList orders them by index."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[ListRow] = []

    def on_mount(self) -> None:
        # (Textual also runs ListScreen.on_mount: handlers run along the MRO.)
        self.records.stable_ids = False  # ids are positions: a stale row could be another line

    def load_lines(self, session: Session) -> list[ListRow]:
        raise NotImplementedError

    def rows_in_hand(self) -> list[ListRow] | None:
        return self.lines

    def load_ids(self, session: Session) -> list[int]:
        lines = self.load_lines(session)
        for index, row in enumerate(lines):
            row.ref = index
        self.lines = lines
        return list(range(len(lines)))

    def load_rows(self, session: Session, ids: list[int]) -> list[ListRow]:
        return self.fetch_rows(ids)

    def fetch_rows(self, ids: list[int]) -> list[ListRow]:
        lines = self.lines  # computed whole by load_ids: no session needed
        return [lines[i] for i in ids if i < len(lines)]


def _set_line(bar: Static, text: str) -> None:
    """A one-line bar (its height fixed by the CSS) shows `text`: repainted only when the text
    changed, and with no layout pass (a whole-screen reflow on every h/l in the Agenda)."""
    if str(bar.content) != text:
        bar.update(Text(text), layout=False)


def section(text: Text, title: str) -> None:
    """A heading; titles are stored text too, so they are cleaned like values."""
    if text.plain:
        text.append("\n")
    text.append(textsafe.clean(title, single_line=True) + "\n", style="bold underline")


def para(text: Text, body: str | None) -> None:
    """A block of stored text (notes, minutes), appended literally and cleaned."""
    if body:
        text.append(textsafe.clean(body) + "\n")


def line(text: Text, label: str, value: Any, style: str = "") -> None:
    """One 'label: value' line; the value is stored text, appended literally."""
    if value in (None, "", []):
        return
    text.append(f"{label}: ", style="bold")
    text.append(textsafe.clean(value) + "\n", style=style)

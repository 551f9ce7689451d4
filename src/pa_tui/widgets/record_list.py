"""A virtual list for any number of rows: the Line API over ids, rows fetched per visible window.

A stock DataTable builds every row before its first frame (0.37 ms a row: 37 s for 100k). This list
holds only the ordered ids; render_line asks for the rows it needs, a thread worker fetches them in
pages, and a key press repaints the lines that changed. Text is drawn as plain Segments: stored
text can never become markup or escape sequences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pa_tui.services.rows import ListRow
from pa_tui.services.textsafe import clean

PAGE = 100
MASK = "▒▒▒▒ confidential ▒▒▒▒"


@dataclass(frozen=True)
class Column:
    title: str
    width: int | None = None  # None: shares what is left


RowFetcher = Callable[[list[int]], list[ListRow]]


class RecordList(ScrollView, can_focus=True):
    """Rows addressed by index; `ids` set the order, `fetch` turns a window of ids into rows."""

    DEFAULT_CSS = """
    RecordList { height: 1fr; overflow-x: hidden; }
    RecordList > .record-list--cursor { background: $accent 40%; text-style: bold; }
    RecordList:focus > .record-list--cursor { background: $accent; color: $text; }
    RecordList > .record-list--overdue { color: $error; }
    RecordList > .record-list--urgent { text-style: bold; }
    RecordList > .record-list--done { color: $text-muted; text-style: strike; }
    RecordList > .record-list--confidential { color: $warning; }
    RecordList > .record-list--dim { color: $text-muted; }
    RecordList > .record-list--header { color: $accent; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "record-list--cursor",
        "record-list--overdue",
        "record-list--urgent",
        "record-list--done",
        "record-list--confidential",
        "record-list--dim",
        "record-list--header",
    }
    BINDINGS = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="list.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.pagedown"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.pageup"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("enter", "select", "Open", show=False, id="list.open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)
    privacy: reactive[bool] = reactive(False)

    class Highlighted(Message):
        def __init__(self, record_list: RecordList, row: ListRow | None) -> None:
            super().__init__()
            self.record_list = record_list
            self.row = row

    class Selected(Message):
        def __init__(self, record_list: RecordList, row: ListRow) -> None:
            super().__init__()
            self.record_list = record_list
            self.row = row

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: RowFetcher,
        *,
        empty: str = "Nothing here.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.fetch = fetch
        self.empty = empty
        self.ids: list[int] = []
        self._rows: dict[int, ListRow] = {}  # index -> row
        self._stale: dict[int, ListRow] = {}  # id -> the row before a reload (see set_ids)
        self.stable_ids = True  # ids are record ids (False: positions of computed lines)
        self._pending: set[int] = set()  # pages being fetched
        self._generation = 0  # bumps on set_ids so late pages of an old list are dropped
        self.loaded = False
        self._line_styles: dict[tuple[tuple[bool, ...], bool, bool], Style] = {}

    # ---- data
    def set_ids(
        self, ids: list[int], *, keep_key: str | None = None, rows: list[ListRow] | None = None
    ) -> None:
        """A new ordering (after a filter or a reload); keeps the cursor on `keep_key` if present.
        `rows`: every row already in hand (computed lines), so none is fetched and none is missing."""
        self._generation += 1
        self.ids = ids
        self._keep_stale()
        self._rows.clear()
        self._pending.clear()
        if rows is not None:
            self._rows.update(enumerate(rows))
        self.loaded = True
        self._set_virtual_rows(len(ids))
        target = self.cursor
        if keep_key is not None and keep_key[1:].isdigit() and int(keep_key[1:]) in ids:
            target = ids.index(int(keep_key[1:]))
        self.cursor = max(0, min(target, len(ids) - 1))
        self._ensure_page(self.cursor)
        self.refresh()

    def _set_virtual_rows(self, count: int) -> None:
        """The scrollable height for `count` rows. Widget.virtual_size asks for a layout pass of
        the whole screen on every change (each day in the Agenda has another count); only
        scrollbars appearing or going change the layout, so otherwise the scrollbars are updated
        in place. (_scroll_update is Textual's own step for that; textual is pinned.)"""
        size = Size(self.size.width, count + 1)
        if size == self.virtual_size:
            return
        if not self.size or not self.container_size:
            self.virtual_size = size  # not laid out yet: the first layout takes it
            return
        self.set_reactive(RecordList.virtual_size, size)
        self._scroll_update(size)  # sets show_*_scrollbar: a change there lays out (reactive)

    def refresh_rows(self) -> None:
        """Fetch the visible rows again but keep the order: one row changed, not the list."""
        self._generation += 1
        self._keep_stale()
        self._rows.clear()
        self._pending.clear()
        self._ensure_page(self.cursor)
        self._ensure_page(int(self.scroll_offset.y))

    def replace_row(self, row: ListRow) -> bool:
        """One record changed in place (its order not yet): swap its line and repaint only it,
        with no page fetched. False when the row is not loaded (then refresh_rows)."""
        for index, have in self._rows.items():
            if have.key == row.key:
                self._rows[index] = row
                self.refresh_line(index)
                if index == self.cursor:
                    self.post_message(self.Highlighted(self, row))
                return True
        return False

    def drop(self, key: str) -> bool:
        """Take one record out at once (an action moved it out of this view): the rows after it
        move up and the cursor stays on the same line, the next record. The reload that follows
        confirms the order; until it lands (sorting a 54k queue takes ~200 ms) the screen already
        shows the change. False when the record is not here or ids are not record ids."""
        if not self.stable_ids or not key[1:].isdigit():
            return False
        rid = int(key[1:])
        index = self.cursor  # where it usually is: no search through 54k ids
        if not (0 <= index < len(self.ids) and self.ids[index] == rid):
            try:
                index = self.ids.index(rid)
            except ValueError:
                return False
        self._generation += 1  # a page in flight holds rows for the old positions
        self._pending.clear()
        del self.ids[index]
        self._rows = {i - (i > index): row for i, row in self._rows.items() if i != index}
        # The scrollable height stays one row too tall until the reload lands: a new height
        # repaints the scrollbar (36 lines through Rich), which a one-row change never moves.
        self.cursor = max(0, min(self.cursor, len(self.ids) - 1))
        self._ensure_page(self.cursor)
        self.refresh()
        return True

    def _keep_stale(self) -> None:
        # Until the new page arrives, the row under the cursor is still the same record (ids
        # are record ids): a key pressed during a reload (a live refresh) acts on it instead
        # of finding nothing. Lists of computed lines (ids are positions) keep nothing.
        self._stale = {row.ref: row for row in self._rows.values()} if self.stable_ids else {}

    def row_at(self, index: int) -> ListRow | None:
        return self._rows.get(index)

    @property
    def current(self) -> ListRow | None:
        if not self.ids or not 0 <= self.cursor < len(self.ids):
            return None
        row = self._rows.get(self.cursor)
        return row if row is not None else self._stale.get(self.ids[self.cursor])

    def _ensure_page(self, index: int) -> None:
        if not self.ids:
            return
        page = index // PAGE
        if page in self._pending or (page * PAGE) in self._rows:
            return
        self._pending.add(page)
        generation = self._generation
        window = self.ids[page * PAGE : (page + 1) * PAGE]
        self.run_worker(
            lambda: self._load_page(page, window, generation),
            thread=True,
            group="record-list-pages",
        )

    def _load_page(self, page: int, window: list[int], generation: int) -> None:
        rows = self.fetch(window)
        self.app.call_from_thread(self._page_loaded, page, rows, generation)

    def _page_loaded(self, page: int, rows: list[ListRow], generation: int) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        by_ref = {r.ref: r for r in rows}
        for offset, rid in enumerate(self.ids[page * PAGE : (page + 1) * PAGE]):
            row = by_ref.get(rid)
            if row is not None:
                self._rows[page * PAGE + offset] = row
        self.refresh()
        if page * PAGE <= self.cursor < (page + 1) * PAGE:
            self.post_message(self.Highlighted(self, self.current))

    # ---- movement
    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_offset.y)
        self._scroll_to_cursor()
        self._ensure_page(new)
        if int(self.scroll_offset.y) == top:
            # Within the view only two lines change: repaint those, not the whole list.
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.size.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        if not self.ids:
            return
        target = max(0, min(len(self.ids) - 1, self.cursor + delta))
        # Section headers are not items: step over them when moving one line at a time.
        step = 1 if delta > 0 else -1
        while abs(delta) == 1 and self._is_header(target) and 0 <= target + step < len(self.ids):
            target += step
        if not self._is_header(target):
            self.cursor = target

    def _is_header(self, index: int) -> bool:
        row = self._rows.get(index)
        return row is not None and "header" in row.flags

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 1))

    def action_first(self) -> None:
        if self.ids:
            self.cursor = 0

    def action_last(self) -> None:
        if self.ids:
            self.cursor = len(self.ids) - 1

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.ids):
            self.cursor = index

    def watch_privacy(self) -> None:
        self.refresh()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        top = int(new)
        self._ensure_page(top)
        self._ensure_page(top + self.size.height)

    class Resized(Message):
        """The list's width changed: column headers drawn elsewhere must follow."""

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.ids) + 1)
        self.post_message(self.Resized())

    # ---- drawing
    def widths(self, total: int) -> list[int]:
        fixed = sum(c.width or 0 for c in self.columns) + len(self.columns) - 1
        flex = [c for c in self.columns if c.width is None]
        spare = max(0, total - fixed)
        each = spare // len(flex) if flex else 0
        out = []
        for c in self.columns:
            out.append(c.width if c.width is not None else each)
        if flex:  # the last flexible column takes the remainder
            last = max(i for i, c in enumerate(self.columns) if c.width is None)
            out[last] += spare - each * len(flex)
        return out

    @property
    def text_width(self) -> int:
        """Columns for text: the widget less its vertical scrollbar."""
        return self.scrollable_content_region.width

    def render_line(self, y: int) -> Strip:
        width = self.text_width
        index = int(self.scroll_offset.y) + y
        if not self.ids:
            if y == 0:
                text = "Loading…" if not self.loaded else self.empty
                return Strip([Segment(text.ljust(width)[:width], self._style("record-list--dim"))])
            return Strip.blank(width, self.rich_style)
        if index >= len(self.ids):
            return Strip.blank(width, self.rich_style)
        row = self._rows.get(index)
        if row is None:
            self._ensure_page(index)
            return Strip([Segment("…".ljust(width)[:width], self._style("record-list--dim"))])
        style = self._row_style(row, index)
        return Strip([Segment(self.format_row(row, width), style)], width)

    def format_row(self, row: ListRow, width: int) -> str:
        if "header" in row.flags or "span" in row.flags:
            return clean(" ".join(row.cells), single_line=True).ljust(width)[:width]
        cells = list(row.cells)
        if row.confidential and self.privacy:
            # The mask goes in the widest (first flexible) column, other cells but the id blank.
            flex = next((i for i, c in enumerate(self.columns) if c.width is None), 1)
            cells = [cells[0]] + ["" for _ in cells[1:]]
            if flex < len(cells):
                cells[flex] = MASK
        parts = []
        for cell, w in zip(cells, self.widths(width), strict=False):
            text = clean(cell, single_line=True)
            parts.append(text[:w].ljust(w) if len(text) <= w else text[: max(0, w - 1)] + "…")
        return " ".join(parts).ljust(width)[:width]

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    _FLAG_STYLES = (
        ("header", "record-list--header"),
        ("dim", "record-list--dim"),
        ("overdue", "record-list--overdue"),
        ("urgent", "record-list--urgent"),
        ("done", "record-list--done"),
    )

    def _row_style(self, row: ListRow, index: int) -> Style:
        # Styles by what sets them, kept until the CSS changes (theme, focus): rich_style walks
        # every ancestor, ~0.1 ms a line, which a day of 40 lines pays on each h/l.
        key = (
            tuple(flag in row.flags for flag, _ in self._FLAG_STYLES),
            row.confidential,
            index == self.cursor,
        )
        style = self._line_styles.get(key)
        if style is None:
            style = self.rich_style
            for present, (_, component) in zip(key[0], self._FLAG_STYLES, strict=True):
                if present:
                    style += self._style(component)
            if row.confidential:
                style += self._style("record-list--confidential")
            if index == self.cursor:
                style += self._style("record-list--cursor")
            self._line_styles[key] = style
        return style

    def notify_style_update(self) -> None:
        self._line_styles.clear()
        super().notify_style_update()

    def header_text(self, width: int) -> str:
        parts = [
            c.title[:w].ljust(w) for c, w in zip(self.columns, self.widths(width), strict=False)
        ]
        return " ".join(parts)[:width]

"""`?`: every binding of the app and of the screen underneath, with its id for the [keys] config."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(owner: object) -> list[tuple[str, str, str]]:
    rows = []
    for cls in type(owner).__mro__:
        for b in getattr(cls, "BINDINGS", []) if "BINDINGS" in vars(cls) else []:
            if isinstance(b, Binding):
                rows.append((b.key, b.description or b.action, b.id or ""))
    return rows


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 98%; height: 90%; border: round $accent; background: $panel;
    }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self._table(), id="help-table")

    def _table(self) -> Table:
        table = Table(title="Keys (remap in config.toml [keys] by id)", expand=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        table.add_column("id", style="dim")
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        seen: set[str] = set()
        for owner, title in ((below, "This screen"), (self.app, "Everywhere")):
            if owner is None:
                continue
            table.add_row(Text(title, style="bold underline"), "", "")
            for key, does, bid in binding_rows(owner):
                if bid in seen and bid:
                    continue
                seen.add(bid)
                table.add_row(Text(key), Text(does), Text(bid))
        from pa_tui.widgets.record_list import RecordList

        table.add_row(Text("Lists", style="bold underline"), "", "")
        for key, does, bid in binding_rows(RecordList([], lambda ids: [])):
            table.add_row(Text(key), Text(does), Text(bid))
        table.add_row(
            Text("ctrl+p"), Text("command palette: go to date, principal, jump to anything"), ""
        )
        return table

"""`?`: every key that works on the screen underneath (as remapped by the config), with its id."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GROUPS = {
    "app": "Everywhere",
    "list": "Every list",
    "tasks": "Tasks",
    "queue": "Queue",
    "agenda": "Agenda",
    "contacts": "Contacts",
}


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
        # Title as Text: a plain string would lose "[keys]" to Rich markup.
        table = Table(title=Text("Keys — remap them in config.toml [keys] by id"), expand=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        table.add_column("id", style="dim")
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else self.app.screen
        # The active bindings carry the keys as remapped by the keymap, one entry per key.
        by_id: dict[str, tuple[list[str], str]] = {}
        for active in below.active_bindings.values():
            b = active.binding
            bid = b.id or f"{type(active.node).__name__}.{b.action}"
            keys, _ = by_id.setdefault(bid, ([], b.description or b.action))
            # The key name as the config's [keys] table spells it (ctrl+q, question_mark).
            if b.key not in keys:
                keys.append(b.key)
        order = list(GROUPS)
        for group in [*order, "other"]:
            rows = [
                (bid, keys, does)
                for bid, (keys, does) in sorted(by_id.items())
                if (bid.split(".", 1)[0] if bid.split(".", 1)[0] in GROUPS else "other") == group
            ]
            if not rows:
                continue
            table.add_row(Text(GROUPS.get(group, "Other"), style="bold underline"), "", "")
            for bid, keys, does in rows:
                table.add_row(Text(", ".join(keys)), Text(does), Text(bid))
        table.add_row(
            Text("ctrl+p"), Text("command palette: go to date, principal, jump to anything"), ""
        )
        return table

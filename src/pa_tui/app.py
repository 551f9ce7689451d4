"""The Textual cockpit (placeholder until the cockpit issue lands its screens)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from pa_tui.store import Store, open_store


class PaApp(App[None]):
    TITLE = "pa-tui"
    BINDINGS = [("q", "quit", "Quit"), ("ctrl+q", "quit", "Quit")]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"pa-tui cockpit on {self.store.target.describe()}", id="placeholder", markup=False
        )
        yield Footer()


def run_app(db: str | None) -> int:
    PaApp(open_store(db)).run()
    return 0

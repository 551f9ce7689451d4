"""The dossier as a modal: everyone involved in the highlighted event, queue item or contact —
role, relations, dates, last interactions, open items, notes. `i` opens it, Esc closes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from pa_tui.screens.modals import MODAL_CSS
from pa_tui.services.dossier import Dossier
from pa_tui.services.textsafe import clean


def dossier_text(found: Dossier, *, privacy: bool = False) -> Text:
    """Stored text appended literally (never markup), cleaned of control characters."""
    text = Text()
    text.append(clean(found.title, single_line=True) + "\n", style="bold")
    if not found.people:
        text.append("Nobody on file: no contact sent it or attends.\n", style="italic")
    for person in found.people:
        text.append("\n")
        text.append(
            f"c{person.contact.id} " + clean(person.contact.name, single_line=True) + "\n",
            style="bold underline",
        )
        rows = person.lines(privacy=privacy or (person.contact.confidential and privacy))
        width = max((len(k) for k, _ in rows), default=0)
        for key, value in rows[1:]:  # the name is the heading
            text.append(f"{clean(key, single_line=True):<{width}}  ", style="bold")
            text.append(clean(value) + "\n")
        if privacy:
            text.append("Personal details hidden in privacy mode (ctrl+g).\n", style="italic")
    if found.hidden:
        text.append(f"\n{found.hidden} confidential contact(s) left out.\n", style="italic")
    return text


class DossierModal(ModalScreen[None]):
    DEFAULT_CSS = (
        MODAL_CSS.format(name="DossierModal")
        + """
    DossierModal > Vertical { width: 90; height: 90%; }
    DossierModal VerticalScroll { height: 1fr; }
    """
    )
    BINDINGS = [
        Binding("escape,q,i", "close", "Close", id="dossier.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="dossier.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="dossier.up"),
    ]

    def __init__(self, found: Dossier, *, privacy: bool = False) -> None:
        super().__init__()
        self.found = found
        self.privacy = privacy

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll():
                yield Static(
                    dossier_text(self.found, privacy=self.privacy), id="dossier", markup=False
                )
            yield Label("j/k scroll    Esc, q or i: close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

"""The quick-capture bar: the same grammar as the shell, with the parse shown live under the input."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from pa_tui.services.capture import CaptureError, tokens_from_line
from pa_tui.services.capture_items import KIND_OF_COMMAND, build_item
from pa_tui.services.textsafe import clean

KINDS_HELP = "add = task · event · call NAME [NUMBER] · req KIND NAME"


def preview(line: str, today: date) -> tuple[bool, str]:
    """(ok, what the line would create) for the text typed so far."""
    words = line.strip().split(None, 1)
    if not words:
        return False, KINDS_HELP
    command = words[0].lower()
    if command not in KIND_OF_COMMAND:
        return False, f"start with a kind: {KINDS_HELP}"
    rest = words[1] if len(words) > 1 else ""
    try:
        item = build_item(
            command, tokens_from_line(rest), today=today, shorthands=True, line_no=None
        )
    except CaptureError as exc:
        return False, f"✗ {exc}"
    cap = item.cap
    title = cap.title or "(no title yet)"
    head = {"task": "task", "event": "event", "request": f"{item.request_kind} from {item.sender}"}
    parts = [f'{head[item.kind]} "{title}"', *cap.summary()]
    return True, "→ " + " · ".join(parts)


class CaptureBar(Vertical):
    """Input + live preview; posts Submitted(line) on Enter, Cancelled on Esc."""

    DEFAULT_CSS = """
    CaptureBar { height: auto; display: none; border-top: solid $accent; }
    CaptureBar.-open { display: block; }
    CaptureBar > Input, CaptureBar > Input:focus { border: none; height: 1; padding: 0 1; }
    CaptureBar > #capture-preview { height: 1; padding: 0 1; color: $text-muted; }
    CaptureBar > #capture-preview.-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="capture.cancel")]

    class Submitted(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class Cancelled(Message):
        pass

    def __init__(self, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today

    def compose(self) -> ComposeResult:
        # select_on_focus off: the prefilled kind ("add ") must survive the first key typed.
        yield Input(
            placeholder="add Call Bob tomorrow 3pm p1 #board @bob",
            id="capture-input",
            select_on_focus=False,
        )
        yield Static("", id="capture-preview", markup=False)

    def open(self, prefix: str, today: date) -> None:
        self.today = today
        self.add_class("-open")
        field = self.query_one(Input)
        field.value = prefix
        field.cursor_position = len(prefix)
        field.focus()
        self._show(prefix)

    def close(self) -> None:
        self.remove_class("-open")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def _show(self, line: str) -> None:
        ok, text = preview(line, self.today)
        label = self.query_one("#capture-preview", Static)
        label.update(Text(clean(text, single_line=True)))
        label.set_class(not ok, "-error")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(event.value))

    def action_cancel(self) -> None:
        self.close()
        self.post_message(self.Cancelled())

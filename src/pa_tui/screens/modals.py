"""Small modal screens: confirm, pick one of a few choices, prompt for text, and a validating form.

Each returns its answer through dismiss(); Esc always leaves without an answer (nothing written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pa_tui.services.textsafe import clean

MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 95%; height: auto; max-height: 90%;
    border: round $accent; background: $panel; padding: 0 1;
}}
{name} .title {{ text-style: bold; color: $accent; }}
{name} .hint {{ color: $text-muted; }}
{name} .error {{ color: $error; }}
"""


def _literal(text: str) -> Text:
    return Text(clean(text))


class ConfirmModal(ModalScreen[bool]):
    """Asks once: y or Enter confirms, n or Esc declines."""

    DEFAULT_CSS = MODAL_CSS.format(name="ConfirmModal")
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_literal(self.question), classes="title")
            yield Label("y / Enter: yes    n / Esc: no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceModal(ModalScreen[int | None]):
    """Numbered choices picked with 1-9; Enter takes the first. Returns the index or None."""

    DEFAULT_CSS = MODAL_CSS.format(name="ChoiceModal")
    BINDINGS = [
        Binding("enter", "pick(0)", "First", id="choice.first"),
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
        *[Binding(str(n), f"pick({n - 1})", show=False, id=f"choice.{n}") for n in range(1, 10)],
    ]

    def __init__(self, title: str, choices: Sequence[str], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_literal(self.title_text), classes="title")
            with VerticalScroll():
                for n, choice in enumerate(self.choices[:9], start=1):
                    yield Static(_literal(f"{n}  {choice}"), classes="choice")
            if not self.choices:
                yield Label("Nothing to choose from.", classes="error")
            yield Label(self.hint or "1-9: pick    Enter: the first    Esc: cancel", classes="hint")

    def action_pick(self, index: int) -> None:
        if 0 <= index < min(len(self.choices), 9):
            self.dismiss(index)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptModal(ModalScreen[str | None]):
    """One line of text; `check` returns an error message (shown, Enter refused) or None."""

    DEFAULT_CSS = MODAL_CSS.format(name="PromptModal")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        check: Callable[[str], str | None] | None = None,
        hint: str = "Enter: accept    Esc: cancel",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.check = check
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_literal(self.title_text), classes="title")
            yield Input(value=self.value, id="prompt-input")
            yield Static("", id="prompt-error", classes="error", markup=False)
            yield Label(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _error(self, value: str) -> str | None:
        return self.check(value) if self.check else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#prompt-error", Static).update(Text(self._error(event.value) or ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._error(event.value) is None:
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class FormField:
    name: str
    label: str
    value: str = ""
    check: Callable[[str], str | None] | None = None  # error message, or None when valid


class FormModal(ModalScreen[dict[str, str] | None]):
    """Fields validated as you type; ctrl+s (or Enter on the last field) saves only when all are
    valid; Esc leaves without writing. Returns {name: value} of every field."""

    DEFAULT_CSS = (
        MODAL_CSS.format(name="FormModal")
        + """
    FormModal Input { height: 1; border: none; padding: 0 1; background: $boost; }
    FormModal Input.-invalid { background: $error 30%; }
    FormModal .field-error { color: $error; height: auto; }
    """
    )
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[FormField]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_literal(self.title_text), classes="title")
            with VerticalScroll():
                for f in self.fields:
                    yield Label(f.label)
                    yield Input(value=f.value, id=f"field-{f.name}")
                    yield Static("", id=f"error-{f.name}", classes="field-error", markup=False)
            yield Label("ctrl+s: save    Tab: next field    Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}", Input).focus()

    def _check(self, f: FormField, value: str) -> str | None:
        return f.check(value) if f.check else None

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        f = next((f for f in self.fields if f.name == name), None)
        if f is None:
            return
        error = self._check(f, event.value)
        self.query_one(f"#error-{name}", Static).update(Text(error or ""))
        event.input.set_class(error is not None, "-invalid")

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#field-{f.name}", Input).value for f in self.fields}

    def errors(self) -> dict[str, str]:
        found = {}
        for f in self.fields:
            error = self._check(f, self.query_one(f"#field-{f.name}", Input).value)
            if error:
                found[f.name] = error
        return found

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"field-{self.fields[-1].name}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        errors = self.errors()
        for name, error in errors.items():
            self.query_one(f"#error-{name}", Static).update(Text(error))
        if not errors:
            self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)

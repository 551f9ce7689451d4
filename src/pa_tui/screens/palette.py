"""Command palette (ctrl+p): app commands, and "jump to anything" through the search index.

Matcher.highlight parses its argument as markup, so stored names are shown as plain Content and
never go through it.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from pa_tui.services.textsafe import clean

if TYPE_CHECKING:
    from pa_tui.app import PaApp

KIND_LABEL = {"contact": "contact", "task": "task", "request": "queue", "event": "event"}


class PaCommands(Provider):
    """Go to date, switch principal, new task/event/call, theme, privacy, help."""

    def _commands(self) -> list[tuple[str, Any, str]]:
        app: PaApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, Any, str]] = [
            ("Go to date…", self._goto, "the agenda on a typed date"),
            ("Switch principal…", app.action_switch_principal, "whose day is shown"),
            ("New task", partial(self._capture, "tasks", "add "), "quick capture"),
            ("New event", partial(self._capture, "agenda", "event "), "quick capture"),
            ("Log a call", partial(self._capture, "queue", "call "), "quick capture"),
            ("Toggle dark/light theme", app.action_toggle_theme, "ctrl+t"),
            ("Toggle privacy mode", app.action_privacy, "ctrl+g: mask confidential items"),
            ("Undo", app.action_undo, "u"),
            ("Redo", app.action_redo, "ctrl+r"),
            ("Help: all keys", app.action_help, "?"),
        ]
        for mode, key in (
            ("today", "1"),
            ("agenda", "2"),
            ("queue", "3"),
            ("contacts", "4"),
            ("tasks", "5"),
        ):
            out.append((f"Show {mode.title()}", partial(app.switch_mode, mode), key))
        return out

    def _goto(self) -> None:
        app: PaApp = self.app  # type: ignore[assignment]
        app.switch_mode("agenda")
        action = getattr(app.screen, "action_goto", None)
        if callable(action):
            action()

    def _capture(self, mode: str, prefix: str) -> None:
        app: PaApp = self.app  # type: ignore[assignment]
        app.switch_mode(mode)
        bar = app.screen.query_one("#capture")
        bar.open(prefix, app.today())  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)


class JumpProvider(Provider):
    """Any contact, task, event or queue item by name, through the FTS index."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        app: PaApp = self.app  # type: ignore[assignment]

        from pa_tui.services import search  # SQLModel: loaded after the first frame

        def find() -> list[search.Hit]:
            with app.store.read() as session:
                assert app.principal.id is not None
                return search.search(
                    session,
                    app.principal.id,
                    query,
                    limit=15,
                    include_confidential=not app.privacy,
                )

        hits = await asyncio.to_thread(find)
        for rank, hit in enumerate(hits):
            key = f"{hit.kind[0]}{hit.id}"
            label = f"{KIND_LABEL[hit.kind]} {key}: {clean(hit.label, single_line=True)}"
            yield Hit(
                0.9 - rank * 0.01,
                Content(label),
                partial(app.jump_to, key),
                text=label,
                help="name match" if hit.in_name else "found in the text",
            )

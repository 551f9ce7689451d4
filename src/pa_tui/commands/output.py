"""Printing for the CLI: Rich tables in a terminal, tab-separated lines in a pipe, JSON on request.

User text is passed as rich.text.Text (never markup) and cleaned of control characters.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from pa_tui.services.textsafe import clean, json_safe


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(json_safe(text) + "\n")


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        console = Console()
        # The title is data (a principal's or a contact's name), printed as literal text and
        # left to the terminal to wrap, so it reads as it is stored.
        console.print(Text(clean(title, single_line=True)), soft_wrap=True)
        table = Table(show_edge=False, pad_edge=False)
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(Text(clean(cell, single_line=True)) for cell in row))
        console.print(table)
        return
    for row in rows:
        print("\t".join(clean(cell, single_line=True) for cell in row))


def note(message: str | None) -> None:
    """A closing remark, e.g. how many confidential items were left out."""
    if message:
        print(message)


def line(text: str) -> None:
    print(clean(text))

"""User-facing typed ids: t12 task, e3 event, r7 queue item, c5 contact."""

from __future__ import annotations

import re
from typing import Final

from pa_tui.errors import PaError

PREFIX: Final = {"task": "t", "event": "e", "request": "r", "contact": "c"}
KIND_OF_PREFIX: Final = {v: k for k, v in PREFIX.items()}
_ID_RE = re.compile(r"^([tercTERC])(\d+)$")


def format_id(kind: str, number: int | None) -> str:
    return f"{PREFIX[kind]}{number}"


def parse_id(text: str, *, expect: str | None = None) -> tuple[str, int]:
    """'t12' -> ('task', 12). A bare number is accepted when `expect` names the kind."""
    value = text.strip()
    m = _ID_RE.match(value)
    if m:
        kind = KIND_OF_PREFIX[m.group(1).lower()]
        if expect and kind != expect:
            raise PaError(f"{value!r} is a {kind} id, expected a {expect} id")
        return kind, int(m.group(2))
    if expect and value.isdigit():
        return expect, int(value)
    raise PaError(f"not an id: {value!r} (ids look like t12, e3, r7, c5)")

"""Text from outside is data: strip terminal control sequences before it reaches a screen."""

from __future__ import annotations

import re

# C0 controls except tab/newline, DEL, and C1 controls (ESC [ ... and 0x9b CSI both start sequences).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: object, *, single_line: bool = False) -> str:
    """The text with control characters shown as U+FFFD, so no escape sequence can reach a terminal."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("\ufffd", text)
    if single_line:
        text = text.replace("\n", " ").replace("\t", " ")
    return text

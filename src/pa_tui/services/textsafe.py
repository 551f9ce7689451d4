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


_JSON_RAW = re.compile(r"[\x7f-\x9f]")


def json_safe(text: str) -> str:
    """JSON text with DEL and C1 controls escaped (json.dumps leaves them raw with ensure_ascii
    off, and 0x9b is a CSI to many terminals); still valid JSON with the same value."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

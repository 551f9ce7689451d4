"""Text from outside is data: strip terminal control sequences before it reaches a screen."""

from __future__ import annotations

import re

# C0 controls except tab/newline, DEL, and C1 controls (ESC [ ... and 0x9b CSI both start sequences).
# Bidi embedding/override/isolate controls too: they reorder what follows on screen (a title
# that reads differently from what it is).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: object, *, single_line: bool = False) -> str:
    """The text with control characters shown as U+FFFD, so no escape sequence can reach a terminal."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("\ufffd", text)
    if single_line:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


_JSON_RAW = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    """JSON text with DEL and C1 controls escaped (json.dumps leaves them raw with ensure_ascii
    off, and 0x9b is a CSI to many terminals); still valid JSON with the same value."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_DATA_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def data_text(value: str) -> str:
    """Text for a file another program reads (an export): controls that no format may carry
    raw become U+FFFD; tab, newline and carriage return stay (the writer escapes them)."""
    return _DATA_CONTROL.sub("\ufffd", value)

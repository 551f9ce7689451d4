"""The config file (TOML): validated, with file:line errors. Read by the cockpit and the non-capture
commands; the capture path never reads it (tomllib alone costs ~20 ms)."""

from __future__ import annotations

import os
import re
import tomllib

from pa_tui.errors import PaError
from pa_tui.paths import config_file


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


def load(path: str | None = None) -> tuple[str, dict[str, object], str]:
    """(path, parsed table, raw text); an absent file is an empty config."""
    file = path or config_file()
    if not os.path.exists(file):
        return file, {}, ""
    try:
        with open(file, encoding="utf-8") as fh:
            text = fh.read()
        return file, tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError carries the place only in its text: "(at line 3, column 5)".
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"{file}:{m.group(1)}" if m else file
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise PaError(f"{where}: {message}") from None
    except OSError as exc:
        raise PaError(f"{file}: cannot read: {exc.strerror}") from None


def load_keymap(path: str | None = None, known: set[str] | None = None) -> dict[str, str]:
    """[keys] binding-id = "key[,key]" -> Textual keymap; unknown ids are refused with file:line."""
    file, data, text = load(path)
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise PaError(f"{file}:{_line_of(text, '[keys]')}: [keys] must be a table")
    keymap: dict[str, str] = {}
    for binding_id, value in keys.items():
        line = _line_of(text, binding_id)
        if known is not None and binding_id not in known:
            raise PaError(
                f"{file}:{line}: unknown binding id {binding_id!r} (see `?` in the cockpit)"
            )
        if not isinstance(value, str) or not value.strip():
            raise PaError(f'{file}:{line}: {binding_id} must be a key name like "ctrl+j"')
        keymap[binding_id] = value.strip()
    return keymap


SCHEDULE_KEYS = {"hours": str, "buffer": int, "cap": int, "protect": list}


def load_schedule(path: str | None = None) -> dict[str, object]:
    """[schedule] — the scheduling policy a principal starts with (hours, buffer in minutes,
    cap, protect = ["mon-fri 08:00-09:00 Focus", ...]); checked here so a mistake names its
    file:line. `pa principal set` changes it afterwards; the store keeps it."""
    from pa_tui.services import schedule

    file, data, text = load(path)
    table = data.get("schedule", {})
    if not isinstance(table, dict):
        raise PaError(f"{file}:{_line_of(text, '[schedule]')}: [schedule] must be a table")
    for key, value in table.items():
        where = f"{file}:{_line_of(text, key)}"
        kind = SCHEDULE_KEYS.get(key)
        if kind is None:
            raise PaError(
                f"{where}: unknown key {key!r} in [schedule] ({', '.join(SCHEDULE_KEYS)})"
            )
        if not isinstance(value, kind) or isinstance(value, bool):
            raise PaError(f"{where}: schedule.{key} must be {kind.__name__}")
        try:
            if key == "hours":
                schedule.parse_hours(str(value))
            elif key == "protect":
                for spec in value:  # type: ignore[attr-defined]
                    schedule.parse_block(str(spec))
        except PaError as exc:
            raise PaError(f"{where}: {exc}") from None
    return table

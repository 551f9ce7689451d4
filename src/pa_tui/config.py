"""The config file (TOML): validated, with file:line errors. Read by the cockpit and the non-capture
commands; the capture path never reads it (tomllib alone costs ~20 ms)."""

from __future__ import annotations

import os
import re
import tomllib

from pa_tui.errors import PaError
from pa_tui.paths import config_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pa_tui.services.queue_settings import QueueConfig


def _key_line(text: str, key: str, start: int = 1, table: str | None = None) -> int:
    """The line where `key = ...` is written, searching from line `start` (a nested key is looked
    for from its parent's line); `table` also accepts a `[table]` header for the key."""
    pattern = re.compile(rf"(?:^|[\s{{,])[\"']?{re.escape(key)}[\"']?\s*=")
    header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]") if table else None
    lines = text.splitlines()
    for number in range(max(1, start), len(lines) + 1):
        line = lines[number - 1].split("#", 1)[0] if "#" in lines[number - 1] else lines[number - 1]
        if pattern.search(line) or (header is not None and header.search(line)):
            return number
    return _line_of(text, key)


def _string_line(text: str, value: str, start: int) -> int:
    """The line of a string value as TOML may spell it (plain, escaped, or a literal string)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    lines = text.splitlines()
    for number in range(max(1, start), len(lines) + 1):
        line = lines[number - 1]
        if f'"{escaped}"' in line or f"'{value}'" in line or value in line:
            return number
    return start


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
    except UnicodeDecodeError as exc:
        with open(file, "rb") as fh:
            line = fh.read()[: exc.start].count(b"\n") + 1
        raise PaError(f"{file}:{line}: not UTF-8 (byte 0x{exc.object[exc.start]:02x})") from None
    except OSError as exc:
        raise PaError(f"{file}: cannot read: {exc.strerror}") from None


def load_keymap(path: str | None = None, known: set[str] | None = None) -> dict[str, str]:
    """[keys] binding-id = "key[,key]" -> Textual keymap; unknown ids are refused with file:line."""
    file, data, text = load(path)
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise PaError(f"{file}:{_line_of(text, '[keys]')}: [keys] must be a table")
    keymap: dict[str, str] = {}
    header = _key_line(text, "keys", table="keys")
    for binding_id, value in keys.items():
        line = _key_line(text, binding_id, header)
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
    header = _key_line(text, "schedule", table="schedule")
    for key, value in table.items():
        where = f"{file}:{_key_line(text, key, header)}"
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


QUEUE_KEYS = ("rules", "answer", "answer_vip", "templates")
TEMPLATE_FIELDS = ("name", "subject", "principal", "alternative", "kind", "date")


def load_queue(path: str | None = None) -> QueueConfig:
    """[queue] — screening rules, answer times per kind and reply templates, validated so a
    mistake names its file:line:

        [queue]
        rules = ["kind=document and subject~invoice -> delegate Finance",
                 "from.vip>=2 -> urgency high"]
        answer = { call = "4h", email = "1d" }
        answer_vip = { call = "2h" }
        templates = { decline = "Dear {name}, ... {alternative}" }
    """
    import string

    from pa_tui.services import screening
    from pa_tui.services.queue_settings import QueueConfig, minutes_of

    file, data, text = load(path)
    table = data.get("queue", {})
    if not isinstance(table, dict):
        raise PaError(f"{file}:{_line_of(text, '[queue]')}: [queue] must be a table")
    for key in table:
        if key not in QUEUE_KEYS:
            raise PaError(
                f"{file}:{_line_of(text, key)}: unknown key {key!r} in [queue] "
                f"({', '.join(QUEUE_KEYS)})"
            )
    rules: list[tuple[str, str]] = []
    raw_rules = table.get("rules", [])
    if not isinstance(raw_rules, list):
        raise PaError(f"{file}:{_line_of(text, 'rules')}: queue.rules must be a list of strings")
    after = _key_line(text, "rules")
    for n, rule in enumerate(raw_rules, start=1):
        after = _string_line(text, rule, after) if isinstance(rule, str) else after
        where = f"{file}:{after}"
        if not isinstance(rule, str):
            raise PaError(f"{where}: queue.rules[{n}] must be a string")
        try:
            screening.parse_rule(rule, n)
        except screening.RuleError as exc:
            raise PaError(f"{where}: rule {n}: {exc}") from None
        rules.append((rule.strip(), where))
    answers: dict[str, list[tuple[str, int]]] = {"answer": [], "answer_vip": []}
    for name in answers:
        spec = table.get(name, {})
        if not isinstance(spec, dict):
            raise PaError(f"{file}:{_key_line(text, name)}: queue.{name} must be a table")
        parent = _key_line(text, name, table=f"queue.{name}")
        for kind, value in spec.items():
            where = f"{file}:{_key_line(text, kind, parent)}"
            if kind not in screening.KINDS:
                raise PaError(
                    f"{where}: queue.{name}.{kind}: kind is one of {', '.join(screening.KINDS)}"
                )
            minutes = minutes_of(value) if isinstance(value, str) else None
            if not minutes:
                raise PaError(f'{where}: queue.{name}.{kind} must be a duration like "2h"')
            answers[name].append((kind, minutes))
    templates: list[tuple[str, str]] = []
    spec = table.get("templates", {})
    if not isinstance(spec, dict):
        raise PaError(f"{file}:{_line_of(text, 'templates')}: queue.templates must be a table")
    parent = _key_line(text, "templates", table="queue.templates")
    for tname, body in spec.items():
        where = f"{file}:{_key_line(text, tname, parent)}"
        if not isinstance(body, str):
            raise PaError(f"{where}: queue.templates.{tname} must be a string")
        try:
            used = {f for _, f, _, _ in string.Formatter().parse(body) if f is not None}
        except ValueError as exc:
            raise PaError(f"{where}: queue.templates.{tname}: {exc}") from None
        unknown = used - set(TEMPLATE_FIELDS)
        if unknown:
            raise PaError(
                f"{where}: queue.templates.{tname}: unknown placeholder "
                f"{{{sorted(unknown)[0]}}} (use {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)})"
            )
        templates.append((tname, body))
    return QueueConfig(
        tuple(rules),
        tuple(answers["answer"]),
        tuple(answers["answer_vip"]),
        tuple(templates),
        present="queue" in data,
    )


def load_backup_keep(path: str | None = None) -> int:
    """[backup] keep = N: daily backups the cockpit keeps (default 7; 0 turns them off)."""
    from pa_tui.backup import KEEP_DAILY

    file, data, text = load(path)
    table = data.get("backup", {})
    if not isinstance(table, dict):
        raise PaError(f"{file}:{_line_of(text, '[backup]')}: [backup] must be a table")
    for key, value in table.items():
        where = f"{file}:{_key_line(text, key, _key_line(text, 'backup', table='backup'))}"
        if key != "keep":
            raise PaError(f"{where}: unknown key {key!r} in [backup] (keep)")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise PaError(f"{where}: backup.keep must be a whole number of days, 0 or more")
    return int(table.get("keep", KEEP_DAILY))

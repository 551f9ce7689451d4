"""Capture items: header words of `call`/`req`, contact references, row fields and the words that
describe what was made. Standard library only: the fast path, the services path and the cockpit's
capture bar share it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pa_tui.services.capture import Capture, CaptureError, Token, parse
from pa_tui.services.capture_rows import event_fields, request_fields, task_fields

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Lookup = Callable[[str, bool], list[tuple[int, str]]]
    PhoneLookup = Callable[[str], list[tuple[int, str]]]

KIND_OF_COMMAND = {"add": "task", "event": "event", "call": "request", "req": "request"}
PREFIX = {"task": "t", "event": "e", "request": "r"}
_PHONE = re.compile(r"^\+?[\d\s().\-/]{5,}$")


class Item:
    """One capture: the parsed line, its kind, and the call/req header words."""

    def __init__(
        self,
        line_no: int | None,
        cap: Capture,
        kind: str,  # task | event | request
        request_kind: str | None,
        sender: str | None,
        number: str | None,
        tokens: list[Token],
    ) -> None:
        self.line_no = line_no
        self.cap = cap
        self.kind = kind
        self.request_kind = request_kind
        self.sender = sender
        self.number = number
        self.tokens = tokens


def split_header(
    command: str, tokens: list[Token], where: str
) -> tuple[str | None, str | None, str | None, list[Token]]:
    """call: NAME [NUMBER]; req: KIND NAME. Returns (request kind, sender, number, rest)."""
    if command == "call":
        if not tokens:
            raise CaptureError(where or "pa call", "who called? pa call NAME [NUMBER] TEXT...")
        name, rest = tokens[0].text, tokens[1:]
        number = None
        if rest and _PHONE.match(rest[0].text) and sum(c.isdigit() for c in rest[0].text) >= 5:
            number, rest = rest[0].text, rest[1:]
        return "call", name, number, rest
    if command == "req":
        if len(tokens) < 2:
            raise CaptureError(
                where or "pa req",
                "pa req KIND NAME TEXT... (KIND: meeting, visitor, document, email, other)",
            )
        return tokens[0].text, tokens[1].text, None, tokens[2:]
    return None, None, None, tokens


def build_item(
    command: str, tokens: list[Token], *, today: date, shorthands: bool, line_no: int | None
) -> Item:
    where = f"stdin:{line_no}" if line_no else ""
    request_kind, sender, number, rest = split_header(command, tokens, where)
    cap = parse(rest, today=today, shorthands=shorthands)
    return Item(line_no, cap, KIND_OF_COMMAND[command], request_kind, sender, number, tokens)


def item_fields(item: Item, today: date, zone: str) -> dict[str, Any]:
    if item.kind == "task":
        return task_fields(item.cap, today=today, tz=zone)
    if item.kind == "event":
        return event_fields(item.cap, today=today, tz=zone)
    assert item.request_kind is not None
    return request_fields(item.cap, kind=item.request_kind, today=today, tz=zone)


def resolve_refs(
    item: Item, lookup: Any, by_phone: Any
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Match @name, to:name and the caller against contacts; unknown or ambiguous stays text."""
    refs: dict[str, tuple[int, str]] = {}
    notes: list[str] = []
    cap = item.cap
    for key, term, word, staff in (
        ("contact", cap.contact, cap.contact_word, False),
        ("delegate", cap.delegate, cap.delegate_word, True),
    ):
        if not term:
            continue
        found = _pick(term, lookup(term, staff))
        if len(found) == 1:
            refs[key] = found[0]
            continue
        cap.keep_in_title(word)
        what = "staff contact" if staff else "contact"
        if found:
            names = ", ".join(f"{n} (c{i})" for i, n in found[:4]) + (
                ", ..." if len(found) > 4 else ""
            )
            notes.append(f"{word}: ambiguous {what} ({names}); kept in the title")
        else:
            notes.append(f"{word}: no such {what}; kept in the title")
    if item.sender:
        found = _pick(item.sender, lookup(item.sender, False))
        if len(found) != 1 and item.number:
            found = by_phone(item.number)
        if len(found) == 1:
            refs["sender"] = found[0]
        elif found:
            notes.append(f"{item.sender}: several contacts match; kept as a name")
    return refs, notes


def _pick(term: str, found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Narrow several matches: an exact name, else an exact first name, wins."""
    if len(found) <= 1:
        return found
    low = term.casefold()
    exact = [f for f in found if f[1].casefold() == low]
    if len(exact) == 1:
        return exact
    first = [f for f in found if f[1].casefold().split(" ")[0] == low]
    return first if len(first) == 1 else found


def ref_columns(item: Item, refs: dict[str, tuple[int, str]]) -> dict[str, Any]:
    if item.kind == "task":
        return {
            "contact_id": refs["contact"][0] if "contact" in refs else None,
            "delegated_to_id": refs["delegate"][0] if "delegate" in refs else None,
            **({"status": "waiting"} if "delegate" in refs else {}),
        }
    if item.kind == "request":
        sender = refs.get("sender") or refs.get("contact")
        return {
            "contact_id": sender[0] if sender else None,
            "from_name": None if sender else item.sender,
            "from_phone": item.number,
        }
    return {}


class Result:
    """What one capture created (or would create, on --dry-run)."""

    def __init__(
        self,
        item: Item,
        kind: str,
        id: int | None,
        principal: str,
        zone: str,
        fields: dict[str, Any],
        refs: dict[str, tuple[int, str]],  # contact / delegate / sender -> (id, name)
        notes: list[str],
    ) -> None:
        self.item = item
        self.kind = kind
        self.id = id
        self.principal = principal
        self.zone = zone
        self.fields = fields
        self.refs = refs
        self.notes = notes


def _when(fields: dict[str, Any], key: str, zone: str) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(zone))
        return value.strftime("%a %d %b %Y %H:%M")
    return value.strftime("%a %d %b %Y")


def describe(result: Result) -> list[str]:
    """The parsed fields, in words, for the confirmation line."""
    f, z, cap = result.fields, result.zone, result.item.cap
    parts: list[str] = []
    if result.kind == "task":
        if f.get("due_at"):
            parts.append("due " + _when(f, "due_at", z))
        elif f.get("due_date"):
            parts.append("due " + _when(f, "due_date", z))
        if f.get("sched_date"):
            parts.append("sched " + _when(f, "sched_date", z))
        if f["priority"] != 4:
            parts.append(f"p{f['priority']}")
    elif result.kind == "event":
        if f["all_day"]:
            last = f["end_date"] - timedelta(days=1)
            parts.append(
                _when(f, "start_date", z)
                + ("" if last == f["start_date"] else f" – {last:%a %d %b %Y}")
                + " all day"
            )
        else:
            parts.append(f"{_when(f, 'start_local', z)}–{f['end_local']:%H:%M}")
    else:
        parts.append(f["kind"].replace("_request", ""))
        sender = result.refs.get("sender") or result.refs.get("contact")
        who = f"{sender[1]} (c{sender[0]})" if sender else f.get("from_name") or ""
        if f.get("from_phone"):
            who += f" {f['from_phone']}"
        parts.append(f"from {who.strip()}")
        if f["urgency"] != 4:
            parts.append(f"p{f['urgency']}")
        if f.get("deadline"):
            parts.append("by " + _when(f, "deadline", z))
        if f.get("wanted_date"):
            parts.append("wants " + _when(f, "wanted_date", z))
        if f.get("duration_min"):
            parts.append(f"{f['duration_min']} min")
    if cap.rrule:
        parts.append(cap.recur_text or cap.rrule)
    if cap.until:
        parts.append(f"until {cap.until:%a %d %b %Y}")
    if f.get("project"):
        parts.append(f"pro:{f['project']}")
    parts += [f"+{t}" for t in (f.get("tags") or "").split()]
    if f.get("location"):
        parts.append(f"at {f['location']}")
    if "contact" in result.refs and result.kind != "request":
        parts.append(f"@{result.refs['contact'][1]} (c{result.refs['contact'][0]})")
    if "delegate" in result.refs:
        parts.append(f"delegated to {result.refs['delegate'][1]} (c{result.refs['delegate'][0]})")
    if f.get("confidential"):
        parts.append("confidential")
    parts.append(f"for {result.principal}")
    return parts

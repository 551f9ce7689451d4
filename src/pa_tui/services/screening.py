"""Screening on arrival: sender policy (through, screen, block) and the user's rules, as pure code.

A rule is one line, `CONDITIONS -> ACTIONS`, e.g. `kind=document and subject~invoice -> delegate
Finance`. Conditions are `FIELD OP VALUE` joined by `and`; actions are joined by `,`. Every writer
(the cockpit, `pa req`, `pa call` on the standard-library path) runs `arrival` and carries out the
plan it returns, so an item is screened the same way whoever wrote it. Written by hand: the
language is ten lines of grammar, and a parser library would cost the capture path its start-up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# field -> how its value is compared: "text" (=, !=, ~, !~), "number" (all), "flag" (=, != yes/no)
FIELDS: dict[str, str] = {
    "kind": "text",
    "subject": "text",
    "body": "text",
    "text": "text",  # subject and body
    "from": "text",  # the sender's name (a contact's, or the raw name)
    "from.org": "text",
    "from.role": "text",
    "from.policy": "text",
    "from.vip": "number",
    "from.known": "flag",  # the sender is a contact
    "from.staff": "flag",
    "phone": "text",
    "urgency": "number",
    "principal": "text",
    "vendor": "text",
    "amount": "number",  # in major units: amount>=1000
    "currency": "text",
}
OPS = ("!~", ">=", "<=", "!=", "=", "~", ">", "<")
_OPS_FOR = {
    "text": {"=", "!=", "~", "!~"},
    "number": {"=", "!=", ">=", "<=", ">", "<"},
    "flag": {"=", "!="},
}
URGENCY_WORDS = {"urgent": 1, "high": 2, "normal": 3, "medium": 3, "low": 4}
YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
KINDS = ("call", "email", "meeting_request", "visitor", "document", "other")
_KIND_ALIASES = {"meeting": "meeting_request", "request": "meeting_request", "doc": "document"}


class RuleError(ValueError):
    """A rule that does not parse; the message says which part."""


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str

    def test(self, facts: dict[str, Any]) -> bool:
        have = facts.get(self.field)
        kind = FIELDS[self.field]
        if kind == "number":
            if have is None:
                return self.op == "!="
            want = float(self.value)
            return {
                "=": have == want,
                "!=": have != want,
                ">=": have >= want,
                "<=": have <= want,
                ">": have > want,
                "<": have < want,
            }[self.op]
        if kind == "flag":
            return (
                bool(have) == YES[self.value.lower()]
                if self.op == "="
                else (bool(have) != YES[self.value.lower()])
            )
        text, want_text = fold(str(have or "")), fold(self.value)
        if self.op == "=":
            return text == want_text
        if self.op == "!=":
            return text != want_text
        found = want_text in text
        return found if self.op == "~" else not found


@dataclass(frozen=True)
class Action:
    verb: str  # urgency | delegate | screen-out | confidential
    arg: str = ""


@dataclass(frozen=True)
class Rule:
    source: str
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    number: int = 0  # its place in the list, 1-based, for "rule 2: ..."

    def label(self) -> str:
        return f"rule {self.number}: {self.source}"


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Ångström" ~ "angstrom"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_SPLIT_ARROW = re.compile(r"\s*(?:->|→|=>)\s*")
_COND = re.compile(r"^\s*([A-Za-z.]+)\s*(" + "|".join(re.escape(o) for o in OPS) + r")\s*(.*?)\s*$")


def _split_and(text: str) -> list[str]:
    """Conditions split on `and`, except inside a quoted value: subject~"black and white"."""
    out, start, quote = [], 0, ""
    for m in re.finditer(r"[\"']|\s+and\s+", text, re.IGNORECASE):
        token = m.group(0)
        if token in "\"'":
            quote = "" if quote == token else (quote or token)
        elif not quote:
            out.append(text[start : m.start()])
            start = m.end()
    out.append(text[start:])
    return out


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_rule(source: str, number: int = 0) -> Rule:
    parts = _SPLIT_ARROW.split(source.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise RuleError(
            "a rule is CONDITIONS -> ACTIONS, e.g. kind=call and from.vip>=2 -> urgency high"
        )
    conditions = tuple(_condition(c) for c in _split_and(parts[0]))
    actions = tuple(_action(a) for a in re.split(r"\s*,\s*", parts[1]) if a.strip())
    if not actions:
        raise RuleError("no action after ->")
    return Rule(source.strip(), conditions, actions, number)


def _condition(text: str) -> Condition:
    m = _COND.match(text)
    if not m:
        raise RuleError(f"{text.strip()!r} is not FIELD OP VALUE (ops: {' '.join(OPS)})")
    name, op, value = m.group(1).lower(), m.group(2), _unquote(m.group(3))
    kind = FIELDS.get(name)
    if kind is None:
        raise RuleError(f"unknown field {name!r} (fields: {', '.join(FIELDS)})")
    if op not in _OPS_FOR[kind]:
        raise RuleError(f"{name} takes {' '.join(sorted(_OPS_FOR[kind]))}, not {op}")
    if value == "":
        raise RuleError(f"{name}{op} needs a value")
    if kind == "number":
        try:
            float(value)
        except ValueError:
            raise RuleError(f"{name} compares numbers, not {value!r}") from None
    if kind == "flag" and value.lower() not in YES:
        raise RuleError(f"{name} is yes or no, not {value!r}")
    if name == "kind":
        value = _KIND_ALIASES.get(value.lower(), value.lower())
        if value not in KINDS:
            raise RuleError(f"kind is one of {', '.join(KINDS)}, not {value!r}")
    return Condition(name, op, value)


def _action(text: str) -> Action:
    words = text.strip().split(None, 1)
    verb = words[0].lower()
    arg = _unquote(words[1].strip()) if len(words) > 1 else ""
    if verb == "urgency":
        low = arg.lower().removeprefix("p")
        if low in URGENCY_WORDS:
            return Action("urgency", str(URGENCY_WORDS[low]))
        if low in ("1", "2", "3", "4"):
            return Action("urgency", low)
        raise RuleError(f"urgency takes 1-4 or {'|'.join(URGENCY_WORDS)}, not {arg!r}")
    if verb == "delegate":
        if not arg:
            raise RuleError("delegate needs a staff contact's name: delegate Finance")
        return Action("delegate", arg)
    if (verb == "screen" and arg.lower() == "out") or verb in ("screen-out", "block"):
        return Action("screen-out")
    if verb == "confidential" and not arg:
        return Action("confidential")
    raise RuleError(
        f"unknown action {text.strip()!r} (urgency N|high|low, delegate NAME, screen out, "
        "confidential)"
    )


def parse_rules(sources: list[str]) -> list[Rule]:
    return [parse_rule(s, n) for n, s in enumerate(sources, start=1)]


@dataclass(frozen=True)
class Sender:
    """What rules may ask about the sender; `None` fields for an unknown one."""

    name: str | None = None
    known: bool = False
    vip: int = 0
    policy: str = "screen"
    org: str | None = None
    role: str | None = None
    staff: bool = False


@dataclass
class Plan:
    """What a writer does with a new item: its urgency and status, whom to delegate it to."""

    urgency: int
    status: str = "new"
    confidential: bool = False
    delegate_to: str | None = None
    applied: list[str] = field(default_factory=list)
    note: str | None = None


def facts(item: dict[str, Any], sender: Sender, principal: str = "") -> dict[str, Any]:
    amount = item.get("amount_cents")
    return {
        "kind": item.get("kind"),
        "subject": item.get("subject") or "",
        "body": item.get("body") or "",
        "text": f"{item.get('subject') or ''}\n{item.get('body') or ''}",
        "from": sender.name or item.get("from_name") or "",
        "from.org": sender.org or "",
        "from.role": sender.role or "",
        "from.policy": sender.policy if sender.known else "unknown",
        "from.vip": sender.vip,
        "from.known": sender.known,
        "from.staff": sender.staff,
        "phone": item.get("from_phone") or "",
        "urgency": item.get("urgency") or 4,
        "principal": principal,
        "vendor": item.get("vendor") or sender.name or item.get("from_name") or "",
        "amount": None if amount is None else amount / 100,
        "currency": item.get("currency") or "",
    }


def arrival(item: dict[str, Any], sender: Sender, rules: list[Rule], principal: str = "") -> Plan:
    """The sender's policy first (block: screened out, never lost), then each matching rule in order.

    A later rule's urgency wins over an earlier one's; the first delegate wins; screen out ends
    the item's way into the queue whatever else matched."""
    plan = Plan(urgency=int(item.get("urgency") or 4), confidential=bool(item.get("confidential")))
    if sender.known and sender.policy == "block":
        plan.status = "screened"
        plan.applied.append(f"sender policy: block ({sender.name}) -> screen out")
    known = facts(item, sender, principal)
    for rule in rules:
        if not all(c.test(known) for c in rule.conditions):
            continue
        plan.applied.append(rule.label())
        for action in rule.actions:
            if action.verb == "urgency":
                plan.urgency = int(action.arg)
                known["urgency"] = plan.urgency
            elif action.verb == "delegate" and plan.delegate_to is None:
                plan.delegate_to = action.arg
            elif action.verb == "screen-out":
                plan.status = "screened"
            elif action.verb == "confidential":
                plan.confidential = True
    if plan.status == "screened":
        plan.delegate_to = None
        plan.note = "screened out"
    return plan


def staff_match(name: str, staff: list[tuple[int, str]]) -> int | None:
    """A delegate action's staff contact: exact name first, then the one whose name starts so."""
    want = fold(name)
    exact = [i for i, n in staff if fold(n) == want]
    if exact:
        return exact[0]
    starts = [i for i, n in staff if fold(n).startswith(want) or want in fold(n).split()]
    return starts[0] if len(starts) == 1 else None


def working_days_after(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def delegated_task(
    item: dict[str, Any], sender_name: str, staff_id: int, today: date
) -> dict[str, Any]:
    """The waiting task a delegation makes (triage and rules alike): due in two working days."""
    return {
        "title": f"{item.get('subject') or '(no subject)'} (from {sender_name})",
        "due_date": working_days_after(today, 2),
        "priority": int(item.get("urgency") or 4),
        "contact_id": item.get("contact_id"),
        "delegated_to_id": staff_id,
        "confidential": bool(item.get("confidential")),
        "status": "waiting",
    }


def arrival_notes(plan: Plan, delegated_to: str | None) -> list[str]:
    """What the capture line tells the user the screening did."""
    notes = [f"screened: {label}" for label in plan.applied]
    if plan.status == "screened":
        notes.append("screened out: see `pa queue --screened`; `pa queue reopen ID` undoes it")
    elif plan.delegate_to and delegated_to is None:
        notes.append(f"no staff contact {plan.delegate_to!r} to delegate to; left in the queue")
    elif delegated_to:
        notes.append(f"delegated to {delegated_to}")
    return notes

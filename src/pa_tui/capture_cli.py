"""`pa add|event|call|req`: quick capture from the shell, scripts and stdin.

Fast on purpose: it reads argv itself (argparse swallows `--` and rejects words starting with `-`),
and on a SQLite store writes with the standard library through capture_store. It imports no
textual, sqlmodel, sqlalchemy, pydantic, rich, platformdirs, tomllib or dateutil.parser; the services
path (a new store, another database) is taken only when needed.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pa_tui.paths import StoreTarget, resolve_store
from pa_tui.services.capture import Capture, CaptureError, Token, parse, tokens_from_argv
from pa_tui.services.capture_rows import event_fields, request_fields, task_fields
from pa_tui.services.textsafe import clean, json_safe

# No dataclasses, typing, json, pathlib or argparse at import: each costs 6-13 ms per capture.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KIND_OF_COMMAND = {"add": "task", "event": "event", "call": "request", "req": "request"}
PREFIX = {"task": "t", "event": "e", "request": "r"}
FLAGS = ("--dry-run", "--json", "--confidential", "--force", "--help", "-h")
_PHONE = re.compile(r"^\+?[\d\s().\-/]{5,}$")

USAGE = {
    "add": "pa add TEXT...   (e.g. pa add Call Bob tomorrow 3pm p1 pro:board @bob)",
    "event": 'pa event TEXT...   (e.g. pa event Board meeting fri 10:00-12:00 at "HQ room 4")',
    "call": 'pa call NAME [NUMBER] TEXT...   (e.g. pa call "Jane Roe" 555-0101 wants 15 min p1)',
    "req": "pa req meeting|visitor|document|email|other NAME TEXT...   "
    '(e.g. pa req meeting "Carl Berg" 30m next week re budget)',
}


class UsageError(Exception):
    pass


class Options:
    def __init__(self) -> None:
        self.dry_run = False
        self.json = False
        self.confidential = False
        self.force = False
        self.principal: str | None = None
        self.words: list[str] = []


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


def split_options(words: list[str]) -> Options:
    """Our flags are read only before a `--`; any other word starting with `-` is title text."""
    opts = Options()
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--":
            opts.words += words[i:]
            break
        if w == "--dry-run":
            opts.dry_run = True
        elif w == "--json":
            opts.json = True
        elif w == "--confidential":
            opts.confidential = True
        elif w == "--force":
            opts.force = True
        elif w in ("--help", "-h"):
            raise UsageError("help")
        elif w == "--for" and i + 1 < len(words):
            opts.principal = words[i + 1]
            i += 1
        elif w.startswith("--for="):
            opts.principal = w[6:]
        else:
            opts.words.append(w)
        i += 1
    return opts


def _header(
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
    request_kind, sender, number, rest = _header(command, tokens, where)
    cap = parse(rest, today=today, shorthands=shorthands)
    return Item(line_no, cap, KIND_OF_COMMAND[command], request_kind, sender, number, tokens)


def _now(zone: str) -> datetime:
    value = os.environ.get("PA_NOW")
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"PA_NOW: not an ISO datetime: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    return parsed.astimezone(UTC)


def _today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def _read_items(command: str, opts: Options, zone: str) -> list[Item]:
    now = _now(zone)
    today = _today(now, zone)
    if opts.words == ["-"]:
        items = []
        for n, raw in enumerate(sys.stdin.read().splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                from pa_tui.services.capture import tokens_from_line

                items.append(
                    build_item(
                        command, tokens_from_line(raw), today=today, shorthands=True, line_no=n
                    )
                )
            except CaptureError as exc:
                raise CaptureError(exc.token, f"stdin:{n}: {exc.reason}") from None
        if not items:
            raise UsageError("stdin: no lines to capture")
        return items
    if not opts.words:
        raise UsageError(f"nothing to capture; usage: {USAGE[command]}")
    return [
        build_item(
            command, tokens_from_argv(opts.words), today=today, shorthands=False, line_no=None
        )
    ]


def run_capture(argv: list[str], *, db: str | None = None) -> int:
    command, words = argv[0], argv[1:]
    prog = f"pa {command}"
    try:
        opts = split_options(words)
    except UsageError:
        print(f"usage: {USAGE[command]}\n{_GRAMMAR_HELP}")
        return 0
    target = resolve_store(db)
    try:
        results = _capture(command, opts, target)
    except CaptureError as exc:
        reason = exc.reason
        if reason.startswith("stdin:"):
            where, _, reason = reason.partition(": ")
            print(
                f"{prog}: error: {where}: {clean(exc.token, single_line=True)!r}: {reason}; nothing written",
                file=sys.stderr,
            )
        else:
            print(
                f"{prog}: error: {clean(str(exc), single_line=True)}; nothing written",
                file=sys.stderr,
            )
        return 2
    except (UsageError, LookupError) as exc:
        print(f"{prog}: error: {clean(str(exc).strip(chr(39)), single_line=True)}", file=sys.stderr)
        return 2
    except _ServicesError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    for result in results:
        _print(result, opts)
    return 0


class _ServicesError(Exception):
    pass


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


def _capture(command: str, opts: Options, target: StoreTarget) -> list[Result]:
    if target.sqlite_file is not None:
        from pa_tui import capture_store

        try:
            conn = capture_store.connect(target.sqlite_file)
        except capture_store.CaptureStoreUnavailable:
            pass
        else:
            try:
                return _capture_fast(conn, command, opts)
            finally:
                conn.close()
    return _capture_services(command, opts, target)


def _confidential(item: Item, opts: Options) -> None:
    if opts.confidential:
        item.cap.confidential = True


def _fields(item: Item, today: date, zone: str) -> dict[str, Any]:
    if item.kind == "task":
        return task_fields(item.cap, today=today, tz=zone)
    if item.kind == "event":
        return event_fields(item.cap, today=today, tz=zone)
    assert item.request_kind is not None
    return request_fields(item.cap, kind=item.request_kind, today=today, tz=zone)


def _capture_fast(conn: Any, command: str, opts: Options) -> list[Result]:
    from pa_tui import capture_store
    from pa_tui.services.clock import machine_zone

    default = capture_store.principal(conn, None)
    zone = default[2] if default else machine_zone()
    items = _read_items(command, opts, zone)
    results: list[Result] = []
    if not opts.dry_run:
        capture_store.begin(conn)
    try:
        for item in items:
            _confidential(item, opts)
            name = item.cap.principal or opts.principal
            who = capture_store.principal(conn, name) if name else default
            if who is None:
                if opts.dry_run:
                    who = (0, "me", zone)
                else:
                    created = _now(zone)
                    who = (capture_store.add_principal(conn, "me", zone, created), "me", zone)
                    default = who
            pid, pname, pzone = who
            now = _now(pzone)
            if pzone != zone:  # dates are read in the principal's zone
                item = build_item(
                    command,
                    item.tokens,
                    today=_today(now, pzone),
                    shorthands=item.line_no is not None,
                    line_no=item.line_no,
                )
                _confidential(item, opts)
            refs, notes = _resolve_fast(
                conn, pid, item
            )  # before fields: it may keep words in the title
            fields = _fields(item, _today(now, pzone), pzone)
            fields.update(_ref_columns(item, refs))
            stamp = {"created_at": now, "updated_at": now}
            if item.kind == "request":
                fields.update(received_at=now, actor=_actor())
            new_id = None
            if not opts.dry_run:
                new_id = capture_store.insert(
                    conn, item.kind, {**fields, **stamp, "principal_id": pid}
                )
            results.append(
                Result(item, item.kind, new_id, pname, pzone, fields, refs, notes + item.cap.notes)
            )
        if not opts.dry_run:
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return results


def _actor() -> str:
    return os.environ.get("USER") or os.environ.get("LOGNAME") or "pa"


def _resolve_fast(conn: Any, pid: int, item: Item) -> tuple[dict[str, tuple[int, str]], list[str]]:
    from pa_tui import capture_store
    from pa_tui.services.phones import phone_digits

    def lookup(term: str, staff: bool) -> list[tuple[int, str]]:
        return capture_store.find_contacts(conn, pid, term, staff_only=staff)

    def by_phone(number: str) -> list[tuple[int, str]]:
        return capture_store.find_by_phone(conn, pid, phone_digits(number))

    return _resolve(item, lookup, by_phone)


def _resolve(
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


def _ref_columns(item: Item, refs: dict[str, tuple[int, str]]) -> dict[str, Any]:
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


def _capture_services(command: str, opts: Options, target: StoreTarget) -> list[Result]:
    """The same capture through SQLModel: a new store (it is created here) or a non-SQLite one."""
    from pa_tui.errors import PaError
    from pa_tui.models import Event, Request, Task
    from pa_tui.services import contacts, principals, queue
    from pa_tui.services.clock import machine_zone
    from pa_tui.store import Store

    try:
        store = Store(target)
    except PaError as exc:
        raise _ServicesError(str(exc)) from None
    try:
        with store.write() as session:
            default = principals.default_principal(session)
            zone = default.tz if default else machine_zone()
            items = _read_items(command, opts, zone)
            results: list[Result] = []
            for item in items:
                _confidential(item, opts)
                name = item.cap.principal or opts.principal
                try:
                    who = principals.resolve_principal(session, name, now=_now(zone))
                except PaError as exc:
                    raise LookupError(str(exc)) from None
                now = _now(who.tz)
                if who.tz != zone:
                    item = build_item(
                        command,
                        item.tokens,
                        today=_today(now, who.tz),
                        shorthands=item.line_no is not None,
                        line_no=item.line_no,
                    )
                    _confidential(item, opts)

                def lookup(term: str, staff: bool, who: Any = who) -> list[tuple[int, str]]:
                    found = contacts.match_contacts(session, who, term)
                    return [(c.id, c.name) for c in found if c.id and (c.is_staff or not staff)]

                def by_phone(number: str, who: Any = who) -> list[tuple[int, str]]:
                    return [
                        (c.id, c.name) for c in contacts.find_by_phone(session, who, number) if c.id
                    ]

                refs, notes = _resolve(item, lookup, by_phone)
                fields = _fields(item, _today(now, who.tz), who.tz)
                fields.update(_ref_columns(item, refs))
                stamp = {"created_at": now, "updated_at": now, "principal_id": who.id}
                model: Any = {"task": Task, "event": Event, "request": Request}[item.kind]
                if item.kind == "request":
                    fields.update(received_at=now, actor=_actor())
                row = model(**fields, **stamp)
                session.add(row)
                session.flush()
                if item.kind == "request":
                    queue.record_arrival(session, row, now)
                results.append(
                    Result(
                        item,
                        item.kind,
                        row.id,
                        who.name,
                        who.tz,
                        fields,
                        refs,
                        notes + item.cap.notes,
                    )
                )
            if opts.dry_run:
                session.rollback()
                for r in results:
                    r.id = None
    finally:
        store.close()
    return results


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


def _print(result: Result, opts: Options) -> None:
    import json

    typed = f"{PREFIX[result.kind]}{result.id}" if result.id is not None else None
    title = result.fields.get("title") or result.fields.get("subject")
    if opts.json:
        data = {
            "id": typed,
            "kind": result.kind,
            "dry_run": opts.dry_run,
            "principal": result.principal,
            **{k: _jsonable(v) for k, v in result.fields.items()},
            "refs": {k: {"id": f"c{v[0]}", "name": v[1]} for k, v in result.refs.items()},
            "notes": result.notes,
        }
        if result.item.line_no:
            data["line"] = result.item.line_no
        print(json_safe(json.dumps(data, ensure_ascii=False)))
        return
    head = f"would create {result.kind}" if typed is None else f"created {typed}"
    line = f"{head} {json.dumps(title, ensure_ascii=False)} · " + " · ".join(describe(result))
    print(clean(line, single_line=True))
    for note in result.notes:
        print(clean(f"  note: {note}", single_line=True), file=sys.stderr)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


_GRAMMAR_HELP = """
Words are title text unless they are:
  +tag  project:NAME (pro:NAME)  @contact  to:staff  for:principal  at:PLACE / at "PLACE"
  p1..p4  p:urgent|high|medium|low  conf:yes  --confidential  --for NAME  --dry-run  --json
  today tomorrow fri  next week  next month  in 3 days  27 jan  2027-01-15
  3pm 15:00 10:00-12:00  30m 1h30 for 45m  due:DATE sched:DATE until:DATE
  every day|weekday|week|2 weeks|month|year  every monday,friday  every 3rd friday
  every last workday  every! 2 weeks (from completion)
  --  ends parsing: the rest is title.   pa add -  reads one item per line from stdin.
On stdin and in the cockpit (no shell): #project and !1..!4 work too."""

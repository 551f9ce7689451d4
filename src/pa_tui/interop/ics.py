"""iCalendar (RFC 5545) in and out, with the icalendar library doing the parsing and writing.

Reading: textfile.py checks the file first (icalendar raises on none of the broken samples and
gives no line numbers), then VEVENTs and VTODOs become plain records in pa-tui's terms: wall
time + IANA zone (Windows zone names and fixed "UTC-07" zones mapped), all-day dates, floating
times, RRULE with UNTIL in the series' own wall time, RDATE/EXDATE as wall times,
RECURRENCE-ID overrides, attendees, VALARM reminders. Writing builds icalendar components.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pa_tui.interop.textfile import ImportFileError, check_nesting, decode, logical_lines

# Properties whose empty value is an error (Google's `EXDATE;VALUE=DATE:`), not "no value".
_NEED_VALUE = {"DTSTART", "DTEND", "DUE", "EXDATE", "RDATE", "RRULE", "RECURRENCE-ID", "DURATION"}
_FIXED = re.compile(r"^(?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?$")


@dataclass
class IcsEvent:
    uid: str
    line: int
    title: str
    description: str | None = None
    location: str | None = None
    all_day: bool = False
    start_local: datetime | None = None
    end_local: datetime | None = None
    tz: str | None = None  # None: floating (or all-day)
    start_date: date | None = None
    end_date: date | None = None
    rrule: str | None = None
    rdate: list[str] = field(default_factory=list)
    exdate: list[str] = field(default_factory=list)
    recurrence_id: Any = None  # an aware datetime / naive / date: made a series wall later
    cancelled: bool = False
    confidential: bool = False
    attendees: list[tuple[str, str | None]] = field(default_factory=list)  # (email, name)
    reminders: list[int] = field(default_factory=list)


@dataclass
class IcsTodo:
    uid: str
    line: int
    title: str
    notes: str | None = None
    due_date: date | None = None
    due_at: datetime | None = None  # aware UTC when DUE has a time
    sched_date: date | None = None
    status: str = "todo"
    priority: int = 4
    tags: list[str] = field(default_factory=list)
    rrule: str | None = None
    until_date: date | None = None
    completed_at: datetime | None = None
    confidential: bool = False
    location: str | None = None


@dataclass
class IcsFile:
    events: list[IcsEvent] = field(default_factory=list)
    todos: list[IcsTodo] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "line 12: VEVENT without DTSTART"


def zone_name(value: datetime, tzid: str | None) -> str:
    """An IANA name for an aware datetime's zone: zoneinfo's key, a Windows name mapped, a fixed
    "UTC-07" as Etc/GMT+7; otherwise UTC (the caller converts the instant)."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    key = getattr(value.tzinfo, "key", None)
    if key:
        return str(key)
    for name in (tzid, WINDOWS_TO_OLSON.get(tzid or "")):
        if name:
            try:
                ZoneInfo(name)
                return name
            except (ZoneInfoNotFoundError, ValueError):
                pass
    m = _FIXED.match((tzid or "").strip())
    if m and not m.group(3):
        hours = int(m.group(2))
        # POSIX-style Etc zones invert the sign: UTC-07 is Etc/GMT+7.
        return "UTC" if hours == 0 else f"Etc/GMT{'+' if m.group(1) == '-' else '-'}{hours}"
    return "UTC"


def _wall(value: Any, tzid: str | None, display_zone: str | None) -> tuple[Any, str | None]:
    """(wall value, zone): a date stays a date; naive is floating; aware becomes wall time in
    its zone (UTC ones in the calendar's X-WR-TIMEZONE when it names one)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value, None
        zone = zone_name(value, tzid)
        if zone == "UTC" and display_zone:
            zone = display_zone
        wall = value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        return wall, zone
    return value, None


def _text(comp: Any, name: str) -> str | None:
    value = comp.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        raise ValueError(f"{name} appears more than once")
    text = str(value)
    return text if text.strip() else None


# Properties a component may have once (RFC 5545): a second one is a broken file, not a list.
_ONCE = {
    "DTSTART",
    "DTEND",
    "DUE",
    "DURATION",
    "RECURRENCE-ID",
    "SUMMARY",
    "UID",
    "TZID",
    "STATUS",
    "CLASS",
    "PRIORITY",
    "COMPLETED",
    "LOCATION",
    "DESCRIPTION",
}


def _check_single(lines: list[Any], path: str) -> None:
    seen: list[set[str]] = []
    for line in lines:
        name = line.text.partition(":")[0]
        key = name.split(";", 1)[0].strip().upper()
        if key == "BEGIN":
            seen.append(set())
        elif key == "END":
            if seen:
                seen.pop()
        elif key in _ONCE and seen:
            if key in seen[-1]:
                raise ImportFileError(f"{path}:{line.number}: {key} appears twice in one component")
            seen[-1].add(key)


def _check_values(lines: list[Any], path: str) -> None:
    for line in lines:
        name, _, value = line.text.partition(":")
        if ";;" in name or name.endswith(";"):
            raise ImportFileError(f"{path}:{line.number}: empty parameter in {name!r}")
        key = name.split(";", 1)[0].strip().upper()
        if key in _NEED_VALUE and not value.strip():
            raise ImportFileError(f"{path}:{line.number}: {key} has no value")


def read(data: bytes, path: str, *, default_zone: str) -> IcsFile:
    import icalendar

    text = decode(data, path)
    lines = logical_lines(text)
    components = check_nesting(lines, path, "VCALENDAR")
    _check_values(lines, path)
    _check_single(lines, path)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImportFileError(f"{path}:1: {exc}") from None
    begins = {kind: [n for k, n in components if k == kind] for kind in ("VEVENT", "VTODO")}
    out = IcsFile()
    counters = {"VEVENT": 0, "VTODO": 0}
    for cal in calendars:
        try:
            display = _text(cal, "X-WR-TIMEZONE")
        except ValueError as exc:
            raise ImportFileError(f"{path}:1: VCALENDAR: {exc}") from None
        for comp in cal.subcomponents:
            kind = comp.name
            if kind not in counters:
                continue
            index = counters[kind]
            counters[kind] += 1
            line = begins[kind][index] if index < len(begins[kind]) else 1
            if getattr(comp, "errors", None):
                prop, message = comp.errors[0]
                raise ImportFileError(f"{path}:{line}: {kind} {prop}: {message}")
            try:
                if kind == "VEVENT":
                    found = _event(comp, line, display, out.skipped)
                    if found is not None:
                        out.events.append(found)
                elif comp.get("RECURRENCE-ID") is not None:
                    # One occurrence of a recurring to-do (Thunderbird writes the completed
                    # one): pa-tui keeps the series, whose next one comes on completion.
                    out.skipped.append(f"line {line}: VTODO occurrence (the series is kept)")
                else:
                    out.todos.append(_todo(comp, line, default_zone))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise ImportFileError(f"{path}:{line}: {kind}: {exc}") from None
    return out


def _uid(comp: Any, line: int) -> str:
    uid = _text(comp, "UID")
    if uid:
        return uid.strip()
    # No UID (old Mozilla exports): a stable one from what the item is, so a re-import matches.
    import hashlib

    basis = f"{comp.get('SUMMARY')}|{comp.get('DTSTART') and comp.get('DTSTART').to_ical()}"
    return "pa-tui-noid-" + hashlib.sha1(basis.encode()).hexdigest()[:16]


def _event(comp: Any, line: int, display: str | None, skipped: list[str]) -> IcsEvent | None:
    if comp.get("DTSTART") is None:
        skipped.append(f"line {line}: VEVENT without DTSTART")
        return None
    start = comp.decoded("DTSTART")
    tzid = comp["DTSTART"].params.get("TZID")
    ev = IcsEvent(uid=_uid(comp, line), line=line, title=(_text(comp, "SUMMARY") or "(no title)"))
    ev.description = _text(comp, "DESCRIPTION")
    ev.location = _text(comp, "LOCATION")
    ev.cancelled = (_text(comp, "STATUS") or "").upper() == "CANCELLED"
    ev.confidential = (_text(comp, "CLASS") or "").upper() in ("PRIVATE", "CONFIDENTIAL")
    if comp.get("DTEND") is not None:
        end = comp.decoded("DTEND")
    elif comp.get("DURATION") is not None:
        end = start + comp.decoded("DURATION")
    else:
        end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    if not isinstance(start, datetime):
        ev.all_day = True
        ev.start_date = start
        end_day = end.date() if isinstance(end, datetime) else end
        ev.end_date = max(end_day, start + timedelta(days=1))
    else:
        ev.start_local, ev.tz = _wall(start, tzid, display)
        if isinstance(end, datetime):
            end_wall = (
                end.astimezone(ZoneInfo(ev.tz)).replace(tzinfo=None)
                if end.tzinfo is not None and ev.tz
                else end.replace(tzinfo=None)
            )
        else:
            end_wall = datetime.combine(end, datetime.min.time())
        ev.end_local = max(end_wall, ev.start_local)
    if comp.get("RRULE") is not None:
        ev.rrule = _rrule(comp, ev)
    for name, target in (("RDATE", ev.rdate), ("EXDATE", ev.exdate)):
        for value in _dates(comp, name):
            target.append(_series_wall(value, ev).isoformat())
    if comp.get("RECURRENCE-ID") is not None:
        ev.recurrence_id = comp.decoded("RECURRENCE-ID")
    for prop in _many(comp, "ATTENDEE") + _many(comp, "ORGANIZER"):
        email = str(prop).split(":", 1)[-1].strip().lower() if ":" in str(prop) else ""
        if "@" in email:
            name = prop.params.get("CN")
            if email not in {a for a, _ in ev.attendees}:
                ev.attendees.append((email, str(name) if name else None))
    ev.reminders = _alarms(comp, start)
    return ev


def _many(comp: Any, name: str) -> list[Any]:
    value = comp.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _dates(comp: Any, name: str) -> list[Any]:
    out = []
    for prop in _many(comp, name):
        for item in getattr(prop, "dts", []):
            out.append(item.dt)
    return out


def _series_wall(value: Any, ev: IcsEvent) -> Any:
    """An EXDATE/RDATE/RECURRENCE-ID as a wall time of the series (its zone) or a date."""
    if ev.all_day:
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, datetime):
        if value.tzinfo is not None and ev.tz:
            return value.astimezone(ZoneInfo(ev.tz)).replace(tzinfo=None)
        return value.replace(tzinfo=None)
    return datetime.combine(value, ev.start_local.time() if ev.start_local else datetime.min.time())


def _rrule(comp: Any, ev: IcsEvent) -> str:
    """The rule with UNTIL as a wall time of the series (or a date for all-day series), as
    pa-tui's expansion reads it; an UTC UNTIL of a local series would be compared wrongly."""
    rule = comp["RRULE"]
    if isinstance(rule, list):
        rule = rule[0]
    parts = []
    for key, values in rule.items():
        value = values[0] if isinstance(values, list) and len(values) == 1 else values
        if key == "UNTIL":
            until = value
            if ev.all_day:
                day = until.date() if isinstance(until, datetime) else until
                if isinstance(until, datetime) and until.tzinfo is not None:
                    day = until.astimezone(UTC).date()
                parts.append(f"UNTIL={day:%Y%m%d}")
            else:
                wall = _series_wall(until, ev)
                if not isinstance(wall, datetime):
                    wall = datetime.combine(wall, datetime.max.time().replace(microsecond=0))
                parts.append(f"UNTIL={wall:%Y%m%dT%H%M%S}")
            continue
        items = values if isinstance(values, list) else [values]
        rendered = ",".join(_rule_part(v) for v in items)
        parts.append(f"{key}={rendered}")
    return ";".join(parts)


def _rule_part(value: Any) -> str:
    to_ical = getattr(value, "to_ical", None)
    if to_ical is not None:
        out = to_ical()
        return out.decode() if isinstance(out, bytes) else str(out)
    return str(value)


def _alarms(comp: Any, start: Any) -> list[int]:
    """VALARMs as minutes before the start (relative triggers; absolute ones measured)."""
    minutes: set[int] = set()
    for alarm in comp.walk("VALARM"):
        trigger = alarm.get("TRIGGER")
        if trigger is None:
            continue
        value = alarm.decoded("TRIGGER")
        if isinstance(value, timedelta):
            before = -value
        elif isinstance(value, datetime) and isinstance(start, datetime) and start.tzinfo:
            before = start - value.astimezone(UTC)
        else:
            continue
        if before >= timedelta(0):
            minutes.add(int(before.total_seconds() // 60))
    return sorted(minutes, reverse=True)


_STATUS = {
    "NEEDS-ACTION": "todo",
    "IN-PROCESS": "todo",
    "COMPLETED": "done",
    "CANCELLED": "cancelled",
}


def priority_from_ical(value: int) -> int:
    """RFC 5545 1 (highest)..9 (lowest), 0 undefined -> pa-tui 1..4."""
    if value <= 0:
        return 4
    return 1 if value <= 2 else 2 if value <= 4 else 3 if value == 5 else 4


def priority_to_ical(value: int) -> int:
    return {1: 1, 2: 3, 3: 5, 4: 0}.get(value, 0)


def _todo(comp: Any, line: int, default_zone: str) -> IcsTodo:
    todo = IcsTodo(uid=_uid(comp, line), line=line, title=_text(comp, "SUMMARY") or "(no title)")
    todo.notes = _text(comp, "DESCRIPTION")
    todo.location = _text(comp, "LOCATION")
    todo.status = _STATUS.get((_text(comp, "STATUS") or "NEEDS-ACTION").upper(), "todo")
    if comp.get("PRIORITY") is not None:
        todo.priority = priority_from_ical(int(comp.decoded("PRIORITY")))
    todo.confidential = (_text(comp, "CLASS") or "").upper() in ("PRIVATE", "CONFIDENTIAL")
    for prop in _many(comp, "CATEGORIES"):
        for cat in getattr(prop, "cats", []):
            tag = re.sub(r"\s+", "-", str(cat).strip().lower())
            if tag and tag not in todo.tags:
                todo.tags.append(tag)
    for name in ("DUE", "DTSTART"):
        if comp.get(name) is None:
            continue
        value = comp.decoded(name)
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(default_zone))
            day = aware.astimezone(ZoneInfo(default_zone)).date()
            if name == "DUE":
                todo.due_at, todo.due_date = aware.astimezone(UTC), day
            else:
                todo.sched_date = day
        elif name == "DUE":
            todo.due_date = value
        else:
            todo.sched_date = value
    if comp.get("RRULE") is not None:
        rule = comp["RRULE"]
        rule = rule[0] if isinstance(rule, list) else rule
        todo.rrule = ";".join(
            f"{k}={','.join(_rule_part(v) for v in (vals if isinstance(vals, list) else [vals]))}"
            for k, vals in rule.items()
            if k != "UNTIL"
        )
        until = rule.get("UNTIL")
        if until:
            end = until[0] if isinstance(until, list) else until
            if isinstance(end, datetime):
                aware = end if end.tzinfo else end.replace(tzinfo=ZoneInfo(default_zone))
                end = aware.astimezone(ZoneInfo(default_zone)).date()
            todo.until_date = end
    if comp.get("COMPLETED") is not None:
        done = comp.decoded("COMPLETED")
        if isinstance(done, datetime):
            todo.completed_at = (done if done.tzinfo else done.replace(tzinfo=UTC)).astimezone(UTC)
    if todo.completed_at and todo.status == "todo":
        todo.status = "done"
    return todo

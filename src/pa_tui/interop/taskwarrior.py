"""Taskwarrior's `task export` (a JSON array, or one object per line with json.array=off) read
into plain task records, and pa-tui tasks written back in its format. UUIDs are kept, so a
re-import updates in place; what has no place in pa-tui (depends, annotations, UDAs) is kept in
the task's notes and extra data rather than lost."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pa_tui.interop.textfile import ImportFileError, decode

PRIORITY_IN = {"H": 2, "M": 3, "L": 4}
PRIORITY_OUT = {1: "H", 2: "H", 3: "M"}
STATUS_IN = {
    "pending": "todo",
    "waiting": "todo",
    "completed": "done",
    "deleted": "cancelled",
    "recurring": "todo",
}
STATUS_OUT = {"todo": "pending", "waiting": "pending", "done": "completed", "cancelled": "deleted"}
# Taskwarrior's recur periods that map onto an RRULE.
RECUR = {
    "daily": "FREQ=DAILY",
    "day": "FREQ=DAILY",
    "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "weekly": "FREQ=WEEKLY",
    "week": "FREQ=WEEKLY",
    "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "fortnight": "FREQ=WEEKLY;INTERVAL=2",
    "monthly": "FREQ=MONTHLY",
    "month": "FREQ=MONTHLY",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "semiannual": "FREQ=MONTHLY;INTERVAL=6",
    "annual": "FREQ=YEARLY",
    "yearly": "FREQ=YEARLY",
    "biannual": "FREQ=YEARLY;INTERVAL=2",
}
KNOWN = {
    "id",
    "uuid",
    "description",
    "status",
    "entry",
    "modified",
    "due",
    "scheduled",
    "wait",
    "until",
    "end",
    "priority",
    "project",
    "tags",
    "annotations",
    "recur",
    "depends",
    "urgency",
    "start",
    "mask",
    "imask",
    "parent",
}


@dataclass
class TaskItem:
    uid: str
    title: str
    notes: str | None = None
    due_date: date | None = None
    due_at: datetime | None = None
    sched_date: date | None = None
    status: str = "todo"
    priority: int = 4
    project: str | None = None
    tags: list[str] = field(default_factory=list)
    rrule: str | None = None
    until_date: date | None = None
    completed_at: datetime | None = None
    confidential: bool = False
    location: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def stamp(value: str) -> datetime:
    """20261203T090000Z -> an aware UTC datetime."""
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _objects(text: str, path: str) -> list[tuple[int, dict[str, Any]]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None
        if not isinstance(data, list):
            raise ImportFileError(f"{path}:1: expected a JSON array of tasks")
        # Line of each object: the array has one per line in `task export`.
        lines = [
            n for n, line in enumerate(text.splitlines(), start=1) if line.lstrip().startswith("{")
        ]
        return [(lines[i] if i < len(lines) else 1, obj) for i, obj in enumerate(data)]
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line.rstrip().rstrip(","))))
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{path}:{number}: not JSON: {exc.msg}") from None
    return out


def read(data: bytes, path: str, skipped: list[str], zone: str = "UTC") -> list[TaskItem]:
    """Every task of the export; a UUID seen twice keeps its last version (backlog files list
    each modification) and says so in `skipped`. A recurring series is its template (status
    recurring): the instances Taskwarrior made from it are skipped, since pa-tui makes the next
    one on completion. Dates are read in `zone`, the principal's."""
    found: dict[str, TaskItem] = {}
    objects = _objects(decode(data, path), path)
    templates = {
        str(o.get("uuid"))
        for _, o in objects
        if isinstance(o, dict) and o.get("status") == "recurring"
    }
    for number, obj in objects:
        if not isinstance(obj, dict):
            raise ImportFileError(f"{path}:{number}: expected a task object")
        if obj.get("parent") and str(obj["parent"]) in templates:
            skipped.append(
                f"{path}:{number}: an instance of recurring task {str(obj['parent'])[:8]}"
            )
            continue
        try:
            item = _item(obj, zone)
        except (KeyError, ValueError, TypeError) as exc:
            raise ImportFileError(f"{path}:{number}: {exc}") from None
        if item.uid in found:
            skipped.append(f"{path}:{number}: uuid {item.uid[:8]} again (the later one kept)")
            del found[item.uid]
        found[item.uid] = item
    return list(found.values())


def _day(value: str, zone: str) -> date:
    """A Taskwarrior instant as a day in the principal's zone; midnight UTC is a date as typed
    (`task add due:2026-12-01` exports 20261201T000000Z)."""
    from zoneinfo import ZoneInfo

    instant = stamp(value)
    if instant.time() == datetime.min.time():
        return instant.date()
    return instant.astimezone(ZoneInfo(zone)).date()


def _item(obj: dict[str, Any], zone: str = "UTC") -> TaskItem:
    if not obj.get("uuid"):
        raise ValueError("task without uuid")
    if not str(obj.get("description", "")).strip():
        raise ValueError("task without description")
    item = TaskItem(uid=str(obj["uuid"]), title=str(obj["description"]).strip())
    item.status = STATUS_IN.get(str(obj.get("status", "pending")), "todo")
    if obj.get("priority"):
        item.priority = PRIORITY_IN.get(str(obj["priority"]).upper(), 4)
    item.project = obj.get("project") or None
    item.tags = [str(t).lower() for t in obj.get("tags", []) if str(t).strip()]
    if obj.get("due"):
        due = stamp(obj["due"])
        item.due_date = _day(obj["due"], zone)
        # A midnight-UTC due is a date-only due in practice (task add due:2026-12-01).
        item.due_at = None if due.time() == datetime.min.time() else due
    if obj.get("scheduled") or obj.get("wait"):
        item.sched_date = _day(obj.get("scheduled") or obj["wait"], zone)
    if obj.get("until"):
        item.until_date = _day(obj["until"], zone)
    if obj.get("end") and item.status == "done":
        item.completed_at = stamp(obj["end"])
    if obj.get("recur"):
        item.rrule = RECUR.get(str(obj["recur"]).lower())
        if item.rrule is None:
            item.extra["recur"] = obj["recur"]
    notes = [
        str(a.get("description", "")) for a in obj.get("annotations", []) if isinstance(a, dict)
    ]
    depends = obj.get("depends")
    if depends:
        ids = depends if isinstance(depends, list) else str(depends).split(",")
        notes.append("depends on: " + ", ".join(str(d) for d in ids))
        item.extra["depends"] = list(ids)
    item.notes = "\n".join(n for n in notes if n) or None
    for key, value in obj.items():
        if key not in KNOWN:
            item.extra[key] = value  # UDAs (principal, estimate...) kept as they are
    if obj.get("wait"):
        item.extra["wait"] = obj["wait"]
    return item


def export(tasks: list[Any]) -> str:
    """pa-tui tasks as `task import` reads them: a JSON array, one object per line."""
    rows = []
    for t in tasks:
        obj: dict[str, Any] = {
            "uuid": _keep_uuid(t),
            "description": t.title,
            "status": STATUS_OUT.get(t.status, "pending"),
            "entry": _fmt(t.created_at),
            "modified": _fmt(t.updated_at),
        }
        if t.due_at is not None:
            obj["due"] = _fmt(t.due_at)
        elif t.due_date is not None:
            obj["due"] = f"{t.due_date:%Y%m%d}T000000Z"
        if t.sched_date is not None:
            obj["scheduled"] = f"{t.sched_date:%Y%m%d}T000000Z"
        if t.priority in PRIORITY_OUT:
            obj["priority"] = PRIORITY_OUT[t.priority]
        if t.project:
            obj["project"] = t.project
        if t.tags:
            obj["tags"] = t.tags.split()
        if t.completed_at is not None:
            obj["end"] = _fmt(t.completed_at)
        # The "depends on:" line the import wrote is exported as the field itself.
        notes = "\n".join(
            line for line in (t.notes or "").splitlines() if not line.startswith("depends on: ")
        )
        if notes:
            obj["annotations"] = [{"entry": _fmt(t.updated_at), "description": notes}]
        depends = (t.extra or {}).get("depends")
        if depends:
            obj["depends"] = list(depends)
        if t.until_date is not None:
            obj["until"] = f"{t.until_date:%Y%m%d}T000000Z"
        recur = {v: k for k, v in RECUR.items()}.get(t.rrule or "")
        if recur:
            obj["recur"] = recur
        for key, value in (t.extra or {}).items():
            if key not in obj and key not in ("depends",) and isinstance(value, (str, int, float)):
                obj[key] = value
        rows.append(json.dumps(obj, ensure_ascii=False, sort_keys=True))
    from pa_tui.services.textsafe import json_safe

    # DEL, C1 and bidi controls escaped as \uXXXX: the same JSON value, nothing raw on a terminal.
    return json_safe("[\n" + ",\n".join(rows) + "\n]\n")


def _fmt(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _keep_uuid(task: Any) -> str:
    """Taskwarrior needs a UUID: a task made in pa-tui gets one, kept on the row so that the
    export imported again matches it (the exporter runs in a write transaction)."""
    import uuid

    if not task.external_uid:
        task.external_uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"pa-tui:task:{task.id}"))
    return str(task.external_uid)

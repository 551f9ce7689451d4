"""From a parsed Capture to the column values of the row it becomes (task, event or queue item).

Pure and standard-library only: the fast sqlite3 writer and the services path both start here, so a
capture makes the same row whichever road it takes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pa_tui.services.capture import Capture, CaptureError, build_rule, first_occurrence, with_until
from pa_tui.services.timeutil import local_to_utc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REQUEST_KINDS = {
    "call": "call",
    "meeting": "meeting_request",
    "meeting_request": "meeting_request",
    "visitor": "visitor",
    "document": "document",
    "doc": "document",
    "email": "email",
    "mail": "email",
    "other": "other",
}


def _first_date(cap: Capture, today: date) -> date | None:
    """The date the item starts on: the one given, or a recurrence's first occurrence."""
    if cap.date is not None:
        return cap.date
    if cap.rrule and ("BYDAY" in cap.rrule or "BYMONTHDAY" in cap.rrule):
        return first_occurrence(cap.rrule, today)
    if cap.rrule:
        return today
    return None


def task_fields(cap: Capture, *, today: date, tz: str) -> dict[str, Any]:
    if not cap.title:
        raise CaptureError("", "a task needs a title")
    day = cap.due or _first_date(cap, today)
    if cap.time is not None and day is None:
        day = today
    due_at = None
    if cap.time is not None and day is not None and cap.due is None:
        due_at = local_to_utc(datetime.combine(day, cap.time), tz)
    elif cap.time is not None and cap.due is not None:
        due_at = local_to_utc(datetime.combine(cap.due, cap.time), tz)
    return {
        "title": cap.title,
        "due_date": day,
        "due_at": due_at,
        "sched_date": cap.sched,
        "sched_at": None,
        "until_date": cap.until,
        "priority": cap.priority or 4,
        "rrule": cap.rrule,
        "recur_from_completion": cap.recur_from_completion,
        "project": cap.project,
        "tags": " ".join(sorted(set(cap.tags))) or None,
        "location": cap.location,
        "confidential": cap.confidential,
        "reminders": ",".join(str(m) for m in cap.reminders) or None,
    }


def event_fields(cap: Capture, *, today: date, tz: str) -> dict[str, Any]:
    if not cap.title:
        raise CaptureError("", "an event needs a title")
    day = _first_date(cap, today)
    if day is None and cap.time is None:
        raise CaptureError(cap.title, "an event needs a date or a time (e.g. fri 10:00-12:00)")
    rrule = with_until(cap.rrule, cap.until) if cap.rrule else None
    fields: dict[str, Any] = {
        "title": cap.title,
        "location": cap.location,
        "rrule": rrule,
        "confidential": cap.confidential,
        "reminders": ",".join(str(m) for m in cap.reminders) or None,
        "start_local": None,
        "end_local": None,
        "tz": None,
        "all_day": False,
        "start_date": None,
        "end_date": None,
    }
    if cap.time is None:
        assert day is not None
        days = max(1, round((cap.duration or timedelta(days=1)) / timedelta(days=1)))
        start_wall = datetime.combine(day, time())
        end_wall = datetime.combine(day + timedelta(days=days), time())
        fields.update(all_day=True, start_date=day, end_date=day + timedelta(days=days))
    else:
        start_wall = datetime.combine(day or today, cap.time)
        if cap.end_time is not None:
            end_wall = datetime.combine(start_wall.date(), cap.end_time)
        else:
            end_wall = start_wall + (cap.duration or timedelta(hours=1))
        fields.update(start_local=start_wall, end_local=end_wall, tz=tz)
    fields["start_utc"] = local_to_utc(start_wall, tz)
    fields["end_utc"] = local_to_utc(end_wall, tz)
    fields["series_until_utc"] = series_until(rrule, start_wall, end_wall - start_wall, tz)
    return fields


def series_until(
    rrule: str | None, start_wall: datetime, length: timedelta, tz: str
) -> datetime | None:
    """End of the last occurrence of a bounded series (UNTIL/COUNT); None when it never ends."""
    if not rrule or ("UNTIL=" not in rrule and "COUNT=" not in rrule):
        return None
    last = None
    for last in build_rule(rrule, start_wall):  # noqa: B007  (bounded by UNTIL or COUNT)
        pass
    if last is None:
        return local_to_utc(start_wall, tz) + length
    return local_to_utc(last, tz) + length


def request_fields(cap: Capture, *, kind: str, today: date, tz: str) -> dict[str, Any]:
    stored_kind = REQUEST_KINDS.get(kind.lower())
    if stored_kind is None:
        choices = "meeting, visitor, document, email, other"
        raise CaptureError(kind, f"unknown request kind (use {choices})")
    deadline = None
    if cap.due is not None:
        deadline = local_to_utc(datetime.combine(cap.due, cap.time or time(17)), tz)
    elif cap.time is not None and stored_kind != "meeting_request":
        deadline = local_to_utc(datetime.combine(cap.date or today, cap.time), tz)
    minutes = None
    if cap.duration is not None:
        minutes = int(cap.duration.total_seconds() // 60)
    elif cap.end_time is not None and cap.time is not None:
        minutes = (
            datetime.combine(today, cap.end_time) - datetime.combine(today, cap.time)
        ).seconds // 60
    return {
        "kind": stored_kind,
        "subject": cap.title or "(no subject)",
        "urgency": cap.priority or 4,
        "deadline": deadline,
        "duration_min": minutes,
        "wanted_date": cap.date,
        "location": cap.location,
        "confidential": cap.confidential,
    }


def document_fields(cap: Capture, fields: dict[str, Any]) -> dict[str, Any] | None:
    """The invoice side of a document item (amt:, ref:, due:), written to queue_document."""
    if fields.get("kind") != "document" and cap.amount_cents is None and not cap.reference:
        return None
    return {
        "amount_cents": cap.amount_cents,
        "currency": cap.currency,
        "reference": cap.reference,
        "due_date": cap.due,
    }

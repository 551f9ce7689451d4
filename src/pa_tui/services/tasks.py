"""Tasks: create, list, complete (a recurring task makes its next one), and what is due."""

from __future__ import annotations

from datetime import date, datetime, time

from dateutil.rrule import rrulestr
from sqlmodel import Session, col, select

from pa_tui.errors import PaError
from pa_tui.models import Principal, Task
from pa_tui.services.listing import Listing, without_confidential
from pa_tui.services.timeutil import local_to_utc, local_today, utc_to_local

OPEN_STATUSES = ("todo", "waiting")
STATUSES = ("todo", "waiting", "done", "cancelled")


def create_task(
    session: Session,
    *,
    principal: Principal,
    title: str,
    now: datetime,
    notes: str | None = None,
    due_date: date | None = None,
    due_at: datetime | None = None,
    priority: int = 4,
    project: str | None = None,
    tags: list[str] | None = None,
    contact_id: int | None = None,
    delegated_to_id: int | None = None,
    request_id: int | None = None,
    event_id: int | None = None,
    rrule: str | None = None,
    recur_from_completion: bool = False,
    confidential: bool = False,
    status: str = "todo",
    external_uid: str | None = None,
    reminders: str | None = None,
) -> Task:
    if not title.strip():
        raise PaError("task title is empty")
    if priority not in (1, 2, 3, 4):
        raise PaError(f"priority must be 1..4, not {priority}")
    if status not in STATUSES:
        raise PaError(f"task status must be one of {', '.join(STATUSES)}, not {status!r}")
    if due_at is not None and due_date is None:
        due_date = local_today(due_at, principal.tz)
    assert principal.id is not None
    task = Task(
        principal_id=principal.id,
        title=title.strip(),
        notes=notes,
        reminders=reminders,
        due_date=due_date,
        due_at=due_at,
        priority=priority,
        project=project,
        tags=" ".join(sorted({t.lower() for t in tags})) if tags else None,
        contact_id=contact_id,
        delegated_to_id=delegated_to_id,
        request_id=request_id,
        event_id=event_id,
        rrule=rrule,
        recur_from_completion=recur_from_completion,
        confidential=confidential,
        status=status,
        external_uid=external_uid,
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    return task


def list_tasks(
    session: Session,
    principal: Principal,
    *,
    include_done: bool = False,
    include_confidential: bool = False,
    limit: int | None = None,
) -> Listing[Task]:
    query = select(Task).where(col(Task.principal_id) == principal.id)
    if not include_done:
        query = query.where(col(Task.status).in_(OPEN_STATUSES))
    rows = list(
        session.exec(
            query.order_by(
                col(Task.due_date).is_(None), col(Task.due_date), col(Task.priority), col(Task.id)
            ).limit(limit)
        ).all()
    )
    return without_confidential(rows, include_confidential)


def complete_task(session: Session, task: Task, *, now: datetime, tz: str) -> Task | None:
    """Mark done; for a recurring task create and return the next one."""
    if task.status == "done":
        raise PaError(f"t{task.id} is done already")
    task.status = "done"
    task.completed_at = now
    task.updated_at = now
    session.add(task)
    nxt = _next_occurrence(task, now=now, tz=tz)
    session.flush()
    return _spawn(session, task, nxt, now=now, tz=tz) if nxt else None


def _next_occurrence(task: Task, *, now: datetime, tz: str) -> date | None:
    if not task.rrule:
        return None
    today = local_today(now, tz)
    anchor = today if task.recur_from_completion or task.due_date is None else task.due_date
    base = datetime.combine(anchor, time())
    try:
        rule = rrulestr(task.rrule, dtstart=base)
    except (ValueError, TypeError) as exc:
        raise PaError(f"t{task.id}: bad recurrence {task.rrule!r}: {exc}") from None
    nxt = rule.after(base, inc=False)
    # A due-date series that fell behind skips to the first occurrence after today.
    while nxt is not None and not task.recur_from_completion and nxt.date() <= today:
        nxt = rule.after(nxt, inc=False)
    if nxt is None or (task.until_date and nxt.date() > task.until_date):
        return None
    return nxt.date()


def _spawn(session: Session, task: Task, due: date, *, now: datetime, tz: str) -> Task:
    due_at = None
    if task.due_at is not None:
        wall = utc_to_local(task.due_at, tz)
        due_at = local_to_utc(datetime.combine(due, wall.time()), tz)
    nxt = Task(
        **task.model_dump(
            exclude={
                "id",
                "status",
                "completed_at",
                "due_date",
                "due_at",
                "created_at",
                "updated_at",
            }
        ),
        status="todo",
        due_date=due,
        due_at=due_at,
        created_at=now,
        updated_at=now,
    )
    session.add(nxt)
    session.flush()
    return nxt

"""What the cockpit's lists show: ordered ids (cheap, the whole list) and rows for a window of them.

A list of 100k rows costs one query of ids; only the rows on screen are fetched in full. The
cockpit calls these from thread workers, so a key never waits on the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, text
from sqlalchemy import select as sa_select  # sqlmodel's select types at most 4 columns
from sqlmodel import Session, col, or_, select

from pa_tui.models import Contact, Principal, Request, Task
from pa_tui.services import queue, search, tasks
from pa_tui.services.queue_settings import answer_times
from pa_tui.services.rows import ListRow, queue_list_row, queue_score, task_list_row
from pa_tui.services.scoring import queue_order_sql
from pa_tui.services.timeutil import as_utc, local_today

TASK_FILTERS = ("today", "overdue", "waiting", "all")


def task_ids(
    session: Session, principal: Principal, *, now: datetime, mode: str = "all", term: str = ""
) -> list[int]:
    """Open tasks of a filter, ordered by due date then priority; `term` narrows through FTS."""
    today = local_today(now, principal.tz)
    query = select(Task.id).where(col(Task.principal_id) == principal.id)
    if mode == "today":
        query = query.where(col(Task.status).in_(("todo", "waiting")), col(Task.due_date) <= today)
    elif mode == "overdue":
        query = query.where(col(Task.status).in_(("todo", "waiting")), col(Task.due_date) < today)
    elif mode == "waiting":
        query = query.where(
            or_(col(Task.status) == "waiting", col(Task.delegated_to_id).is_not(None)),
            col(Task.status).in_(("todo", "waiting")),
        )
    else:
        query = query.where(col(Task.status).in_(("todo", "waiting")))
    if term:
        project = (
            term[4:] if term.startswith("pro:") else term[1:] if term.startswith("#") else None
        )
        if project:
            query = query.where(col(Task.project) == project)
        elif term.startswith("+"):
            query = query.where(col(Task.tags).like(f"%{term[1:].lower()}%"))
        else:
            query = query.where(
                col(Task.id).in_(
                    search.search_ids(session, "task", term, principal_id=principal.id, limit=500)
                )
            )
    query = query.order_by(
        col(Task.due_date).is_(None), col(Task.due_date), col(Task.priority), col(Task.id)
    )
    return [int(i) for i in session.exec(query).all() if i is not None]


def in_task_view(task: Task, mode: str, today: date) -> bool:
    """Whether task_ids(mode) lists this task (its filter's conditions, one row at a time):
    after an action the cockpit drops a row that left at once, before the reload confirms."""
    if task.status not in tasks.OPEN_STATUSES:
        return False
    if mode == "today":
        return task.due_date is not None and task.due_date <= today
    if mode == "overdue":
        return task.due_date is not None and task.due_date < today
    if mode == "waiting":
        return task.status == "waiting" or task.delegated_to_id is not None
    return True


def task_rows(
    session: Session, principal: Principal, ids: list[int], *, now: datetime
) -> list[ListRow]:
    today = local_today(now, principal.tz)
    found = {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(ids))).all()}
    names = _contact_names(session, [t.delegated_to_id for t in found.values()])
    out = []
    for i in ids:
        t = found.get(i)
        if t is not None:
            out.append(task_list_row(t, today, principal.tz, names.get(t.delegated_to_id or 0)))
    return out


def _contact_names(session: Session, ids: list[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.exec(select(Contact.id, Contact.name).where(col(Contact.id).in_(wanted))).all()
    return {int(i): n for i, n in rows if i is not None}


QUEUE_FILTERS = ("open", "screened", "waiting", "decided")
_QUEUE_STATUS = {
    "screened": ("screened",),
    "waiting": ("delegated",),
    "decided": ("accepted", "declined", "converted", "done", "delegated"),
}


def in_queue_view(item: Request, mode: str, now: datetime) -> bool:
    """Whether queue_ids(mode) lists this item (see in_task_view)."""
    if mode == "open":
        return item.status in queue.OPEN_STATUSES and (
            item.snooze_until is None or as_utc(item.snooze_until) <= now
        )
    return item.status in _QUEUE_STATUS[mode]


def queue_ids(
    session: Session, principal: Principal, *, now: datetime, term: str = "", mode: str = "open"
) -> list[int]:
    """Open queue items, highest score first (see scoring.score; same terms in SQL on SQLite);
    other modes: screened out, waiting on staff, decided — the latest change first."""
    found = (
        search.search_ids(session, "request", term, principal_id=principal.id, limit=500)
        if term
        else None
    )
    if mode != "open":
        query = (
            select(Request.id)
            .where(
                col(Request.principal_id) == principal.id,
                col(Request.status).in_(_QUEUE_STATUS[mode]),
            )
            .order_by(col(Request.updated_at).desc(), col(Request.id).desc())
            .limit(1000)
        )
        if found is not None:
            query = query.where(col(Request.id).in_(found))
        return [int(i) for i in session.exec(query).all() if i is not None]
    if session.get_bind().dialect.name == "sqlite":
        return _queue_ids_sql(session, principal, now=now, only=found)
    return _queue_ids_python(session, principal, now=now, only=found)


def _queue_ids_python(
    session: Session, principal: Principal, *, now: datetime, only: list[int] | None
) -> list[int]:
    """The portable road: score each open item with scoring.score and sort."""
    times = answer_times(session)
    query: Any = (
        sa_select(Request, Contact)
        .join(Contact, col(Contact.id) == col(Request.contact_id), isouter=True)
        .where(
            col(Request.principal_id) == principal.id,
            col(Request.status).in_(("new", "deferred")),
            or_(col(Request.snooze_until).is_(None), col(Request.snooze_until) <= now),
        )
    )
    if only is not None:
        query = query.where(col(Request.id).in_(only))
    scored = []
    for item, sender in session.execute(query).all():
        s = queue_score(item, sender, now, times)
        scored.append((-s.total, as_utc(item.received_at), item.id))
    scored.sort()
    return [int(rid) for _, _, rid in scored]


def _queue_ids_sql(
    session: Session, principal: Principal, *, now: datetime, only: list[int] | None
) -> list[int]:
    """The score computed by SQLite: 55k open items sort in ~60 ms instead of ~1 s in Python."""
    times = answer_times(session)
    sql, params = queue_order_sql(principal.id or 0, now, only=only, times=times)
    return [int(r[0]) for r in session.connection().execute(text(sql), params)]


def queue_rows(
    session: Session, principal: Principal, ids: list[int], *, now: datetime
) -> list[ListRow]:
    found = {r.id: r for r in session.exec(select(Request).where(col(Request.id).in_(ids))).all()}
    people = {
        c.id: c
        for c in session.exec(
            select(Contact).where(
                col(Contact.id).in_({r.contact_id for r in found.values() if r.contact_id})
            )
        ).all()
    }
    times = answer_times(session)
    out = []
    for i in ids:
        r = found.get(i)
        if r is not None:
            sender = people.get(r.contact_id) if r.contact_id else None
            out.append(queue_list_row(r, sender, now, times))
    return out


def contact_ids(session: Session, principal: Principal, *, term: str = "") -> list[int]:
    """Contacts by name; with a term, FTS matches (names first) in their rank order; a phone
    number in any format or an email (prefix) finds its owner."""
    if term:
        from pa_tui.services import contacts

        if contacts.looks_like_phone(term) or "@" in term:
            return [c.id for c in contacts.match_contacts(session, principal, term) if c.id]
        return search.search_ids(session, "contact", term, principal_id=principal.id, limit=500)
    query = (
        select(Contact.id)
        .where(col(Contact.principal_id) == principal.id)
        .order_by(func.lower(col(Contact.name)), col(Contact.id))
    )
    return [int(i) for i in session.exec(query).all() if i is not None]


def contact_rows(session: Session, ids: list[int]) -> list[ListRow]:
    found = {c.id: c for c in session.exec(select(Contact).where(col(Contact.id).in_(ids))).all()}
    out = []
    for i in ids:
        c = found.get(i)
        if c is None:
            continue
        out.append(
            ListRow(
                key=f"c{c.id}",
                ref=i,
                cells=[f"c{c.id}", c.name, c.org or "", c.role or "", "★" * c.vip, c.policy],
                confidential=c.confidential,
                flags={"staff"} if c.is_staff else set(),
            )
        )
    return out

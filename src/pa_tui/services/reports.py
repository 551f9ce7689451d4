"""Numbers for reports: open, overdue and paid documents with totals per currency and vendor, and
the queue's daily figures (received, decided, median time to decision, overdue)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from pa_tui.models import AuditEntry, Contact, Principal, QueueDocument, Request, Task
from pa_tui.services import queue
from pa_tui.services.queue_settings import answer_times
from pa_tui.services.rows import queue_score
from pa_tui.services.timeutil import as_utc, local_to_utc, local_today, utc_to_local


@dataclass
class DocumentLine:
    key: str
    vendor: str
    subject: str
    amount_cents: int | None
    currency: str
    reference: str
    due: date | None
    state: str  # open | approved | overdue | paid | declined
    confidential: bool


@dataclass
class InvoiceReport:
    lines: list[DocumentLine] = field(default_factory=list)
    # (state, currency) -> cents; (vendor, currency) -> cents of what is still to pay
    totals: dict[tuple[str, str], int] = field(default_factory=dict)
    by_vendor: dict[tuple[str, str], int] = field(default_factory=dict)
    hidden: int = 0  # confidential ones left out


def _state(item: Request, doc: QueueDocument, pay: Task | None, today: date) -> str:
    if doc.paid_at is not None or (pay is not None and pay.status == "done"):
        return "paid"
    if item.status == "declined":
        return "declined"
    due = pay.due_date if pay is not None and pay.due_date else doc.due_date
    if due is not None and due < today:
        return "overdue"
    return "approved" if doc.approved_at is not None else "open"


def invoices(
    session: Session, principal: Principal, *, now: datetime, include_confidential: bool = False
) -> InvoiceReport:
    today = local_today(now, principal.tz)
    rows = session.exec(
        select(Request, QueueDocument)
        .join(QueueDocument, col(QueueDocument.request_id) == col(Request.id))
        .where(col(Request.principal_id) == principal.id)
        .order_by(col(QueueDocument.due_date), col(Request.id))
    ).all()
    pay_ids = [d.pay_task_id for _, d in rows if d.pay_task_id]
    pays = {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(pay_ids))).all()}
    report = InvoiceReport()
    for item, doc in rows:
        if item.confidential and not include_confidential:
            report.hidden += 1
            continue
        state = _state(item, doc, pays.get(doc.pay_task_id), today)
        line = DocumentLine(
            key=f"r{item.id}",
            vendor=doc.vendor or item.from_name or "",
            subject=item.subject,
            amount_cents=doc.amount_cents,
            currency=doc.currency or "",
            reference=doc.reference or "",
            due=doc.due_date,
            state=state,
            confidential=item.confidential,
        )
        report.lines.append(line)
        if doc.amount_cents is None:
            continue
        key = (state, line.currency)
        report.totals[key] = report.totals.get(key, 0) + doc.amount_cents
        if state not in ("paid", "declined"):
            vkey = (line.vendor, line.currency)
            report.by_vendor[vkey] = report.by_vendor.get(vkey, 0) + doc.amount_cents
    return report


@dataclass
class DayFigures:
    day: date
    received: int = 0
    decided: int = 0
    median_minutes: float | None = None
    overdue: int = 0  # items open at the end of the day (or now) past their answer time


def queue_week(
    session: Session, principal: Principal, *, now: datetime, days: int = 7
) -> list[DayFigures]:
    """Per day of the last `days` (today included), in the principal's zone."""
    zone = principal.tz
    today = local_today(now, zone)
    first = today - timedelta(days=days - 1)
    start = local_to_utc(datetime.combine(first, datetime.min.time()), zone)
    items = session.exec(select(Request).where(col(Request.principal_id) == principal.id)).all()
    by_id = {i.id: i for i in items}
    decided_at: dict[int, datetime] = {}
    for entry in session.exec(
        select(AuditEntry)
        .where(
            col(AuditEntry.entity) == "request",
            col(AuditEntry.to_status).in_(queue.DECIDED),
            col(AuditEntry.entity_id).in_(list(by_id)),
        )
        .order_by(col(AuditEntry.id))
    ).all():
        decided_at.setdefault(entry.entity_id, as_utc(entry.at))
    senders = {
        c.id: c
        for c in session.exec(
            select(Contact).where(col(Contact.principal_id) == principal.id)
        ).all()
    }
    times = answer_times(session)
    figures = {
        first + timedelta(days=n): DayFigures(first + timedelta(days=n)) for n in range(days)
    }
    waits: dict[date, list[float]] = defaultdict(list)
    for item in items:
        received = as_utc(item.received_at)
        if received >= start:
            day = utc_to_local(received, zone).date()
            if day in figures:
                figures[day].received += 1
        decided = decided_at.get(item.id or 0)
        if decided is not None and decided >= start:
            day = utc_to_local(decided, zone).date()
            if day in figures:
                figures[day].decided += 1
                waits[day].append((decided - received).total_seconds() / 60)
        for day, fig in figures.items():
            end = min(
                now,
                local_to_utc(datetime.combine(day + timedelta(days=1), datetime.min.time()), zone),
            )
            if received >= end or (decided is not None and decided < end):
                continue
            if item.status in ("screened",) or (
                decided is None and item.status not in queue.OPEN_STATUSES
            ):
                continue
            sender = senders.get(item.contact_id) if item.contact_id else None
            if queue_score(item, sender, end, times).overdue:
                fig.overdue += 1
    for day, values in waits.items():
        figures[day].median_minutes = statistics.median(values)
    return [figures[d] for d in sorted(figures)]

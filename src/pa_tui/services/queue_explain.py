"""Why a queue item stands where it does: its score term by term, the rules applied on arrival,
its answer time, who it waits on, its invoice side and its reply draft. Shared by `pa queue
--explain ID` and the cockpit's detail pane."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from pa_tui.models import Contact, Principal, QueueDocument, Request, Task
from pa_tui.services import display, triage
from pa_tui.services.queue_settings import answer_times
from pa_tui.services.rows import age_label, queue_score
from pa_tui.services.scoring import Score
from pa_tui.services.timeutil import as_utc


@dataclass
class Explanation:
    key: str
    score: Score
    answer_within: str
    waited: str
    rules: list[str] = field(default_factory=list)
    waiting_on: str | None = None
    document: list[tuple[str, str]] = field(default_factory=list)
    reply: str | None = None

    def lines(self) -> list[str]:
        width = max(len(name) for name, _ in self.score.terms)
        out = [f"{self.key}: score {self.score.total}"]
        out += [f"  {name:<{width}}  {points:+4d}" for name, points in self.score.terms]
        state = "OVERDUE" if self.score.overdue else "within time"
        out.append(f"  waited {self.waited}; answer within {self.answer_within}: {state}")
        out += [f"  applied on arrival: {r}" for r in self.rules]
        if self.waiting_on:
            out.append(f"  waiting on {self.waiting_on}")
        out += [f"  {k}: {v}" for k, v in self.document]
        if self.reply:
            out.append(f"  reply draft: {self.reply}")
        return out


def rules_applied(item: Request) -> list[str]:
    if not item.rules_applied:
        return []
    try:
        found = json.loads(item.rules_applied)
    except ValueError:
        return [item.rules_applied]
    return [str(r) for r in found] if isinstance(found, list) else [str(found)]


def waiting_on(session: Session, item: Request) -> str | None:
    """The staff member a delegated item waits on, while their task is open."""
    if item.status != "delegated":
        return None
    task = session.exec(
        select(Task).where(col(Task.request_id) == item.id, col(Task.delegated_to_id).is_not(None))
    ).first()
    if task is None or task.status in ("done", "cancelled") or task.delegated_to_id is None:
        return None
    staff = session.get(Contact, task.delegated_to_id)
    return f"{staff.name} (t{task.id})" if staff else None


def explain(session: Session, item: Request, principal: Principal, *, now: datetime) -> Explanation:
    sender = session.get(Contact, item.contact_id) if item.contact_id else None
    times = answer_times(session)
    s = queue_score(item, sender, now, times)
    within = times.within(item.kind, sender.vip if sender else 0)
    doc = session.get(QueueDocument, item.id)
    facts: list[tuple[str, str]] = []
    if doc is not None:
        facts = [
            (k, v)
            for k, v in (
                ("vendor", doc.vendor or ""),
                ("amount", triage.money(doc.amount_cents, doc.currency)),
                ("reference", doc.reference or ""),
                ("due", doc.due_date.isoformat() if doc.due_date else ""),
                ("approved", display.when_local(doc.approved_at, principal.tz)),
                ("paid", display.when_local(doc.paid_at, principal.tz)),
                ("pay task", f"t{doc.pay_task_id}" if doc.pay_task_id else ""),
            )
            if v
        ]
    return Explanation(
        key=f"r{item.id}",
        score=s,
        answer_within=age_label(within),
        waited=age_label(now - as_utc(item.received_at)),
        rules=rules_applied(item),
        waiting_on=waiting_on(session, item),
        document=facts,
        reply=triage.reply_of(item),
    )

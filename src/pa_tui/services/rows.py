"""What a cockpit list holds: one line with a typed id, its cells and the flags it is styled by.

Kept free of SQLModel so the first frame can show rows read with the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pa_tui.services import display
from pa_tui.services.scoring import DEFAULT_TIMES, AnswerTimes, Score, score
from pa_tui.services.timeutil import as_utc


@dataclass
class ListRow:
    """One line of a list: a typed id, its cells, and flags the screen styles by."""

    key: str  # typed id: t12, r7, c5 (events: e3@2026-11-27T09:00)
    cells: list[str]
    ref: int = -1  # what the list orders by: the row id (or an index for agenda lines)
    confidential: bool = False
    flags: set[str] = field(default_factory=set)  # overdue, urgent, overlap, recurring, done
    extra: dict[str, Any] = field(default_factory=dict)


def task_list_row(t: Any, today: date, zone: str, delegated_to: str | None) -> ListRow:
    """A task's line (t: a Task or a record with its attributes)."""
    flags = set()
    if t.due_date and t.due_date < today and t.status in ("todo", "waiting"):
        flags.add("overdue")
    if t.priority == 1:
        flags.add("urgent")
    if t.status in ("done", "cancelled"):
        flags.add("done")
    tags = " ".join(f"+{g}" for g in (t.tags or "").split())
    notes = (
        f"pro:{t.project}" if t.project else "",
        tags,
        f"→{delegated_to}" if delegated_to else "",
    )
    return ListRow(
        key=f"t{t.id}",
        ref=t.id,
        cells=[
            f"t{t.id}",
            display.PRIORITY_LABEL.get(t.priority, ""),
            display.task_due(t, zone),
            t.title,
            " ".join(x for x in notes if x),
        ],
        confidential=t.confidential,
        flags=flags,
    )


def queue_score(r: Any, contact: Any | None, now: datetime, times: AnswerTimes) -> Score:
    """An item's score (r: a Request or a record; contact: its sender or None)."""
    return score(
        urgency=r.urgency,
        vip=contact.vip if contact else 0,
        received_at=r.received_at,
        deadline=r.deadline,
        now=now,
        kind=r.kind,
        known=contact is not None,
        policy=contact.policy if contact else None,
        times=times,
    )


def queue_list_row(
    r: Any, contact: Any | None, now: datetime, times: AnswerTimes = DEFAULT_TIMES
) -> ListRow:
    """A queue item's line with its score (r: a Request or a record with its attributes)."""
    s = queue_score(r, contact, now, times)
    flags = set()
    if r.urgency == 1:
        flags.add("urgent")
    if s.overdue:
        flags.add("overdue")
    return ListRow(
        key=f"r{r.id}",
        ref=r.id,
        cells=[
            f"r{r.id}",
            str(s.total),
            display.KIND_LABEL.get(r.kind, r.kind),
            display.sender(r, contact),
            r.subject,
            age_label(now - as_utc(r.received_at)),
        ],
        confidential=r.confidential or bool(contact and contact.confidential),
        flags=flags,
        extra={"score": s},
    )


def age_label(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    if minutes < 60 * 48:
        return f"{minutes // 60}h"
    return f"{minutes // (60 * 24)}d"

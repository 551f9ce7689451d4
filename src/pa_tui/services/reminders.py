"""Reminders: events (each occurrence) and timed tasks carry "minutes before" offsets; a reminder
is due once its moment has passed (within a look-back) and it has not been raised yet. Raising
it writes a ReminderLog row, so the cockpit, `pa remind` and a cron job each raise it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from pa_tui.models import Principal, ReminderLog, Task
from pa_tui.services import events
from pa_tui.services.timeutil import as_utc, utc_to_local

LOOKBACK = timedelta(hours=12)  # a reminder older than this is stale, not raised any more
MAX_AHEAD = timedelta(days=7)  # the longest offset looked for ("remind:1w" is a week)


@dataclass(frozen=True)
class Reminder:
    log_key: str  # e12@20261125T0900-15 (item, occurrence start in UTC, minutes)
    key: str  # e12 / t7
    title: str
    starts: datetime  # the event's start or the task's due time (UTC)
    minutes: int
    location: str | None
    confidential: bool

    @property
    def fires(self) -> datetime:
        return self.starts - timedelta(minutes=self.minutes)

    def text(self, zone: str, now: datetime, *, show_confidential: bool = False) -> str:
        left = int((self.starts - now).total_seconds() // 60)
        when = f"in {left} min" if left > 0 else "now" if left > -1 else f"{-left} min ago"
        title = self.title if show_confidential or not self.confidential else "(confidential)"
        shown = show_confidential or not self.confidential
        where = f" at {self.location}" if self.location and shown else ""
        kind = "due" if self.key.startswith("t") else "starts"
        return (
            f"{when}: {title}{where} {kind} {utc_to_local(self.starts, zone):%a %H:%M} ({self.key})"
        )


def _offsets(text: str | None) -> list[int]:
    out = []
    for part in (text or "").split(","):
        if part.strip().isdigit():
            out.append(int(part))
    return out


def due(
    session: Session, principal: Principal, *, now: datetime, lookback: timedelta = LOOKBACK
) -> list[Reminder]:
    """Reminders whose moment is in (now - lookback, now] and that were not raised yet."""
    found: list[Reminder] = []
    window = (now - lookback, now + MAX_AHEAD)
    for o in events.occurrences(session, principal, *window, with_reminders=True):
        ev = o.event
        series_id = ev.parent_id or ev.id
        for minutes in _offsets(ev.reminders):
            found.append(Reminder(f"e{series_id}@{o.start:%Y%m%dT%H%M}-{minutes}", f"e{series_id}",
                                  ev.title, o.start, minutes, ev.location, ev.confidential))  # fmt: skip
    tasks = session.exec(
        select(Task).where(
            col(Task.principal_id) == principal.id,
            col(Task.status).in_(("todo", "waiting")),
            col(Task.reminders).is_not(None),
            col(Task.due_at).is_not(None),
            col(Task.due_at) > now - lookback,
            col(Task.due_at) <= now + MAX_AHEAD,
        )
    ).all()
    for t in tasks:
        assert t.due_at is not None
        at = as_utc(t.due_at)
        for minutes in _offsets(t.reminders):
            found.append(Reminder(f"t{t.id}@{at:%Y%m%dT%H%M}-{minutes}", f"t{t.id}", t.title, at,
                                  minutes, t.location, t.confidential))  # fmt: skip
    ready = [r for r in found if now - lookback < r.fires <= now]
    if not ready:
        return []
    raised = set(
        session.exec(
            select(ReminderLog.key).where(col(ReminderLog.key).in_([r.log_key for r in ready]))
        ).all()
    )
    return sorted((r for r in ready if r.log_key not in raised), key=lambda r: (r.fires, r.key))


def mark_raised(session: Session, reminders: list[Reminder], *, now: datetime) -> None:
    for r in reminders:
        session.add(ReminderLog(key=r.log_key, raised_at=now))
    session.flush()

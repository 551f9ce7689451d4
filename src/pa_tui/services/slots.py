"""A first free-slot finder: working hours on workdays, around the principal's existing events.

The agenda-engine issue adds protected time, travel buffers and meeting caps on top.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from pa_tui.models import Principal
from pa_tui.services import events
from pa_tui.services.timeutil import local_to_utc, local_today, utc_to_local
from pa_tui.services.workday import WORK_END, WORK_START

STEP = timedelta(minutes=15)


def _round_up(moment: datetime, step: timedelta = STEP) -> datetime:
    base = moment.replace(second=0, microsecond=0)
    minutes = base.hour * 60 + base.minute
    step_min = int(step.total_seconds() // 60)
    extra = (-minutes) % step_min
    if base < moment and extra == 0:
        extra = step_min
    return base + timedelta(minutes=extra)


def free_slots(
    session: Session,
    principal: Principal,
    *,
    now: datetime,
    duration: timedelta,
    count: int = 3,
    days: int = 14,
    work_start: time = WORK_START,
    work_end: time = WORK_END,
) -> list[tuple[datetime, datetime]]:
    """The next `count` free [start, end) slots (UTC) of `duration`, from now, in working hours."""
    zone = principal.tz
    today = local_today(now, zone)
    window_start = local_to_utc(datetime.combine(today, time()), zone)
    window_end = local_to_utc(datetime.combine(today + timedelta(days=days), time()), zone)
    busy = [
        (o.start, o.end)
        for o in events.occurrences(session, principal, window_start, window_end)
        if not o.event.all_day and not o.event.cancelled
    ]
    busy.sort()
    found: list[tuple[datetime, datetime]] = []
    for offset in range(days):
        day: date = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        start = local_to_utc(datetime.combine(day, work_start), zone)
        end = local_to_utc(datetime.combine(day, work_end), zone)
        cursor = max(start, now)
        cursor = local_to_utc(_round_up(utc_to_local(cursor, zone)), zone)
        while cursor + duration <= end and len(found) < count:
            clash = next((b for b in busy if b[0] < cursor + duration and b[1] > cursor), None)
            if clash is None:
                found.append((cursor, cursor + duration))
                cursor += duration
            else:
                cursor = local_to_utc(_round_up(utc_to_local(clash[1], zone)), zone)
        if len(found) >= count:
            break
    return found

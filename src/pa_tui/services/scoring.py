"""Queue priority: a score from urgency, the sender's VIP tier, age and deadline, term by term.

Minimal for the cockpit; the queue-engine issue adds relation, kind and per-kind answer times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pa_tui.services.timeutil import as_utc

URGENCY_POINTS = {1: 40, 2: 25, 3: 10, 4: 0}
VIP_POINTS = 10  # per tier, 0..3
AGE_POINTS_PER_DAY = 4
AGE_CAP = 20


@dataclass(frozen=True)
class Score:
    total: int
    terms: tuple[tuple[str, int], ...]  # ("urgency p1", 40), ...

    def explain(self) -> str:
        return " + ".join(f"{name} {points}" for name, points in self.terms if points) or "0"


def score(
    *, urgency: int, vip: int, received_at: datetime, deadline: datetime | None, now: datetime
) -> Score:
    age_days = max(0.0, (now - as_utc(received_at)) / timedelta(days=1))
    terms = [
        (f"urgency p{urgency}", URGENCY_POINTS.get(urgency, 0)),
        (f"VIP tier {vip}", VIP_POINTS * vip),
        (f"age {age_days:.1f}d", min(AGE_CAP, int(age_days * AGE_POINTS_PER_DAY))),
    ]
    if deadline is not None:
        left = as_utc(deadline) - now
        if left < timedelta(0):
            terms.append(("deadline passed", 40))
        elif left < timedelta(days=1):
            terms.append(("deadline within 24 h", 30))
        elif left < timedelta(days=3):
            terms.append(("deadline within 3 days", 15))
    return Score(sum(p for _, p in terms), tuple(terms))

"""What the agenda shows of a trip segment, without the store: its icon, and the zone change of
one that ends in another zone (a flight to New York)."""

from __future__ import annotations

from typing import Any

from pa_tui.services.clock import zone_info
from pa_tui.services.timeutil import as_utc

KINDS = ("flight", "train", "hotel", "car", "meeting", "other")
ICON = {"flight": "✈", "train": "🚆", "hotel": "🛏", "car": "🚗", "meeting": "👥", "other": "•"}


def zone_change(seg: Any, event: Any) -> str | None:
    """ "Europe/Stockholm → America/New_York (-6 h)" for a segment that ends in another zone."""
    start_tz = event.tz
    if not seg.end_tz or not start_tz or seg.end_tz == start_tz:
        return None
    at = as_utc(event.end_utc)
    before = at.astimezone(zone_info(start_tz)).utcoffset()
    after = at.astimezone(zone_info(seg.end_tz)).utcoffset()
    assert before is not None and after is not None
    hours = (after - before).total_seconds() / 3600
    return f"time zone {start_tz} → {seg.end_tz} ({hours:+g} h)"

"""The default working day (09:00-17:00, Monday to Friday) where a principal has set no hours."""

from __future__ import annotations

from datetime import time

WORK_START = time(9)
WORK_END = time(17)
WORK_DAYS = frozenset(range(5))  # Monday=0 .. Friday=4

"""Per-principal scheduling policy: working hours, travel buffer, meeting cap, protected blocks;
and the log of reminders already raised (so none is raised twice)."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class PrincipalPrefs(SQLModel, table=True):
    __tablename__ = "principal_prefs"

    principal_id: int = Field(foreign_key="principal.id", primary_key=True, ondelete="CASCADE")
    # Canonical text, e.g. "mon-thu 09:00-17:00, fri 09:00-13:00" (services/schedule.py parses).
    work_hours: str | None = None
    buffer_min: int = 0  # travel time padded around events that have a location
    meeting_cap: int | None = None  # meetings per day the queue may accept (None: no cap)
    updated_at: datetime


class ProtectedBlock(SQLModel, table=True):
    """Recurring protected/focus time in the principal's zone: no meeting is booked into it."""

    __tablename__ = "protected_block"

    id: int | None = Field(default=None, primary_key=True)
    principal_id: int = Field(foreign_key="principal.id", index=True, ondelete="CASCADE")
    label: str
    weekdays: str  # "0,1,2,3,4" (Monday = 0)
    start: str  # "08:00" wall time
    end: str  # "09:30"
    created_at: datetime


class ReminderLog(SQLModel, table=True):
    """A reminder raised: item key (e12, t7) + the occurrence start + minutes before."""

    __tablename__ = "reminder_log"

    key: str = Field(primary_key=True)  # "e12@20261125T0900-15"
    raised_at: datetime

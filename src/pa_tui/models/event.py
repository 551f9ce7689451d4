"""Calendar events: wall time + IANA zone (NULL = floating) or all-day dates, with derived UTC bounds."""

from datetime import date, datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from pa_tui.models.columns import optional_ref


class Event(SQLModel, table=True):
    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    principal_id: int = Field(foreign_key="principal.id", index=True, ondelete="CASCADE")
    title: str
    # Wall time, naive on purpose: 09:00 stays 09:00 local across DST. NULL tz = floating time.
    start_local: NaiveDatetime | None = None
    end_local: NaiveDatetime | None = None
    tz: str | None = None
    all_day: bool = False
    start_date: date | None = None  # all-day events: [start_date, end_date) as RFC 5545 says
    end_date: date | None = None
    # Derived for range queries; floating and all-day events are placed in the principal's zone.
    start_utc: datetime = Field(index=True)
    end_utc: datetime = Field(index=True)
    location: str | None = None
    rrule: str | None = None  # RFC 5545 RRULE value, e.g. "FREQ=MONTHLY;BYDAY=1FR"
    rdate: str | None = None  # comma-separated local ISO datetimes/dates
    exdate: str | None = None  # comma-separated local ISO datetimes/dates
    # Last occurrence end of a series (NULL = endless): keeps range queries on series bounded.
    series_until_utc: datetime | None = Field(default=None, index=True)
    # Per-occurrence override: a row pointing at its series and the original occurrence start.
    parent_id: int | None = optional_ref("event.id", ondelete="CASCADE")
    recurrence_id: NaiveDatetime | None = None
    cancelled: bool = False
    agenda: str | None = None
    minutes: str | None = None
    reminders: str | None = None  # comma-separated minutes before start, e.g. "15,60"
    confidential: bool = False
    external_uid: str | None = Field(default=None, index=True)
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    created_at: datetime
    updated_at: datetime


class EventAttendee(SQLModel, table=True):
    __tablename__ = "event_attendee"
    # "Whom has this contact met, and when" starts from the contact (the primary key leads with
    # the event). Covering, so SQLite's planner takes it without ANALYZE statistics: `pa brief`'s
    # last-contacted read walked every past event instead (16 s on the 100k demo; now 10 ms).
    __table_args__ = (Index("ix_event_attendee_contact", "contact_id", "event_id"),)

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    role: str = "required"

"""Tasks: errands and follow-ups, possibly recurring, delegated, or born from a queue item or meeting."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from pa_tui.models.columns import optional_ref


class Task(SQLModel, table=True):
    __tablename__ = "task"

    id: int | None = Field(default=None, primary_key=True)
    principal_id: int = Field(foreign_key="principal.id", index=True, ondelete="CASCADE")
    title: str
    notes: str | None = None
    # A due date in the principal's zone; due_at when a time was given (an instant, UTC).
    due_date: date | None = Field(default=None, index=True)
    due_at: datetime | None = None
    sched_date: date | None = None
    sched_at: datetime | None = None
    until_date: date | None = None
    priority: int = 4  # 1 urgent, 2 high, 3 medium, 4 default/none
    status: str = Field(default="todo", index=True)  # todo | waiting | done | cancelled
    rrule: str | None = None
    recur_from_completion: bool = False
    reminders: str | None = None
    project: str | None = Field(default=None, index=True)
    tags: str | None = None  # space-separated, lower case
    contact_id: int | None = optional_ref("contact.id")
    delegated_to_id: int | None = optional_ref("contact.id")
    request_id: int | None = optional_ref("request.id")
    event_id: int | None = optional_ref("event.id")
    location: str | None = None
    confidential: bool = False
    external_uid: str | None = Field(default=None, index=True)
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    completed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

"""One item of the gatekeeping queue: a call, message, meeting request, visitor or document to screen."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from pa_tui.models.columns import optional_ref


class Request(SQLModel, table=True):
    __tablename__ = "request"

    id: int | None = Field(default=None, primary_key=True)
    principal_id: int = Field(foreign_key="principal.id", index=True, ondelete="CASCADE")
    # call | email | meeting_request | visitor | document | other
    kind: str = "call"
    contact_id: int | None = optional_ref("contact.id")
    from_name: str | None = None  # raw name when the sender is not a contact
    from_phone: str | None = None
    subject: str
    body: str | None = None
    received_at: datetime = Field(index=True)
    urgency: int = 4  # 1..4 like task priority
    deadline: datetime | None = None
    duration_min: int | None = None
    wanted_date: date | None = None
    # new | accepted | declined | deferred | delegated | converted | done
    status: str = Field(default="new", index=True)
    snooze_until: datetime | None = None
    decision_note: str | None = None
    event_id: int | None = optional_ref("event.id")
    # The task an item became points here (task.request_id): no request.task_id, whose foreign
    # key would close a request <-> task cycle that SQLAlchemy cannot order deterministically.
    location: str | None = None
    confidential: bool = False
    rules_applied: str | None = None
    # Who made the last change; the audit trigger copies it into the audit entry.
    actor: str | None = None
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    created_at: datetime
    updated_at: datetime

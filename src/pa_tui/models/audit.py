"""Audit trail: one row per state change of a queue item (written by SQL triggers on SQLite)."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    entity: str = "request"
    entity_id: int = Field(index=True)
    at: datetime
    actor: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    note: str | None = None

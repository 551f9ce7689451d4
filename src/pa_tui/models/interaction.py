"""Interactions with a contact: calls, meetings, emails, gifts, notes."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class Interaction(SQLModel, table=True):
    __tablename__ = "interaction"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    at: datetime = Field(index=True)
    kind: str = "note"  # call | meeting | email | gift | note
    summary: str
    confidential: bool = False

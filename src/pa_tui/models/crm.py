"""Keep-in-touch cadence per contact ("every 6 weeks"): who is overdue for a call or a note."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class KeepInTouch(SQLModel, table=True):
    __tablename__ = "keep_in_touch"

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    every_days: int
    # From when the cadence counts if there was never a contact: the day it was set.
    since: datetime

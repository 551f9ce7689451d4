"""The executive served: every row in the store belongs to one principal."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class Principal(SQLModel, table=True):
    __tablename__ = "principal"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    # IANA zone: dates, times and a PA_NOW without offset are read in it.
    tz: str
    is_default: bool = False
    created_at: datetime

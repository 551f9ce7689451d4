"""Column helpers shared by the tables (not a table itself)."""

from typing import Any

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field


def optional_ref(target: str, *, ondelete: str = "SET NULL") -> Any:
    """A nullable, indexed foreign key: SQLModel's foreign_key= cannot say ON DELETE for these."""
    return Field(
        default=None,
        sa_column=Column(Integer, ForeignKey(target, ondelete=ondelete), index=True),
    )

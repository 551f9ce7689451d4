"""A listing of rows with the count of confidential rows left out of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Listing(Generic[T]):
    rows: list[T] = field(default_factory=list)
    hidden: int = 0  # confidential rows not shown

    def hidden_note(self) -> str | None:
        if not self.hidden:
            return None
        noun = "item" if self.hidden == 1 else "items"
        return f"{self.hidden} confidential {noun} not shown (--include-confidential shows them)"


def without_confidential(rows: list[T], include: bool) -> Listing[T]:
    if include:
        return Listing(rows)
    kept = [r for r in rows if not getattr(r, "confidential", False)]
    return Listing(kept, hidden=len(rows) - len(kept))

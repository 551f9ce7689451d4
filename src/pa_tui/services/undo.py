"""Undo/redo by row images: a tracked transaction records each touched row before and after.

Generic on purpose: any service call (triage, done, edit, delete) becomes undoable without writing
an inverse for it. Undo writes the before-images back in one transaction; redo the after-images.
Audit rows are history and are never rewound (an undone status change adds its own audit row).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session, SQLModel

from pa_tui.models import AuditEntry
from pa_tui.store import Store

Key = tuple[type[SQLModel], tuple[Any, ...]]


@dataclass
class Change:
    """Rows touched by one user action: key -> (before, after); None = the row did not exist."""

    label: str
    rows: dict[Key, tuple[dict[str, Any] | None, dict[str, Any] | None]] = field(
        default_factory=dict
    )


def _key(obj: SQLModel) -> Key:
    # From the column values: a new row has no identity key yet inside after_flush.
    return type(obj), tuple(inspect(type(obj)).primary_key_from_instance(obj))


def _image(obj: SQLModel) -> dict[str, Any]:
    mapper = inspect(type(obj))
    return {c.key: getattr(obj, c.key) for c in mapper.column_attrs}


def _committed_image(obj: SQLModel) -> dict[str, Any]:
    """The row as it was before this session changed it."""
    state = inspect(obj)
    image = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.deleted:
            image[attr.key] = hist.deleted[0]
        elif hist.unchanged:
            image[attr.key] = hist.unchanged[0]
        else:
            image[attr.key] = getattr(obj, attr.key)
    return image


class UndoStack:
    """At least `depth` levels of undo and redo within a session of the app."""

    def __init__(self, store: Store, depth: int = 50) -> None:
        self.store = store
        self.depth = depth
        self.done: list[Change] = []
        self.undone: list[Change] = []

    @contextmanager
    def action(self, label: str) -> Iterator[Session]:
        """A write transaction whose row changes become one undo step."""
        change = Change(label)
        touched: dict[Key, SQLModel] = {}

        def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
            for obj in list(session.dirty) + list(session.deleted):
                if isinstance(obj, AuditEntry) or not isinstance(obj, SQLModel):
                    continue
                key = _key(obj)
                if key not in change.rows:
                    change.rows[key] = (_committed_image(obj), None)
                touched[key] = obj

        def after_flush(session: Session, _ctx: Any) -> None:
            for obj in session.new:
                if isinstance(obj, AuditEntry) or not isinstance(obj, SQLModel):
                    continue
                key = _key(obj)
                change.rows.setdefault(key, (None, None))
                touched[key] = obj

        with self.store.write() as session:
            event.listen(session, "before_flush", before_flush)
            event.listen(session, "after_flush", after_flush)
            try:
                yield session
                session.flush()
                for key, (before, _after) in list(change.rows.items()):
                    obj = touched[key]
                    gone = inspect(obj).deleted or inspect(obj).was_deleted
                    change.rows[key] = (before, None if gone else _image(obj))
            finally:
                event.remove(session, "before_flush", before_flush)
                event.remove(session, "after_flush", after_flush)
        if change.rows:
            self.done.append(change)
            del self.done[: -self.depth]
            self.undone.clear()

    def undo(self) -> str | None:
        if not self.done:
            return None
        change = self.done.pop()
        self._apply(change, use_before=True)
        self.undone.append(change)
        return change.label

    def redo(self) -> str | None:
        if not self.undone:
            return None
        change = self.undone.pop()
        self._apply(change, use_before=False)
        self.done.append(change)
        return change.label

    def _apply(self, change: Change, *, use_before: bool) -> None:
        rank = _dependency_order([model for model, _ident in change.rows])
        targets = [
            (key, before if use_before else after) for key, (before, after) in change.rows.items()
        ]
        with self.store.write() as session:
            # Parents are restored before their children, and children deleted before parents.
            for (model, ident), target in sorted(targets, key=lambda kt: rank[kt[0][0]]):
                if target is None:
                    continue
                row = session.get(model, ident)
                if row is None:
                    session.add(model(**target))
                else:
                    for name, value in target.items():
                        setattr(row, name, value)
                    session.add(row)
                session.flush()
            for (model, ident), target in sorted(targets, key=lambda kt: -rank[kt[0][0]]):
                if target is None:
                    row = session.get(model, ident)
                    if row is not None:
                        session.delete(row)
                        session.flush()


def _dependency_order(models: list[type[SQLModel]]) -> dict[type[SQLModel], int]:
    tables = SQLModel.metadata.sorted_tables
    rank = {t.name: i for i, t in enumerate(tables)}
    return {m: rank.get(getattr(m, "__tablename__", ""), 0) for m in models}

"""Search across contacts, tasks, queue items and events.

SQLite: the FTS5 index kept by triggers (prefix, diacritic-insensitive). Names are matched first,
then bodies, as two cheap indexed queries instead of one bm25 ranking over everything (12-170 ms on
100k rows). Other databases: a plain case-insensitive LIKE fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, or_, select

from pa_tui import sqlite_schema
from pa_tui.models import Contact, Event, Request, Task

_MODELS: dict[str, Any] = {"contact": Contact, "task": Task, "request": Request, "event": Event}
_NAME_COLS = {
    "contact": ("name",),
    "task": ("title",),
    "request": ("subject", "from_name"),
    "event": ("title",),
}
_BODY_COLS = {
    "contact": ("org", "role", "notes"),
    "task": ("notes", "project", "tags"),
    "request": ("body",),
    "event": ("location", "agenda"),
}


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    label: str
    in_name: bool
    confidential: bool


def search_ids(
    session: Session,
    kind: str,
    term: str,
    *,
    principal_id: int | None = None,
    names_only: bool = False,
    limit: int = 50,
) -> list[int]:
    """Ids of one kind matching `term`: name matches first, then (unless names_only) body matches.

    The principal filter runs inside the index query, so another principal's many matches never
    crowd out this one's.
    """
    if session.get_bind().dialect.name != "sqlite":
        return _like_ids(
            session, kind, term, principal_id=principal_id, names_only=names_only, limit=limit
        )
    query = sqlite_schema.fts_query(term)
    if query is None:
        return []
    code = sqlite_schema.KIND_CODES[kind]
    ids: list[int] = []
    columns = ("name",) if names_only else ("name", "body")
    owner = "" if principal_id is None else f" AND t.principal_id = {int(principal_id)}"
    table = _MODELS[kind].__tablename__
    for column in columns:
        rows = session.connection().execute(
            text(
                f"SELECT s.rowid FROM search_idx s JOIN {table} t ON t.id = s.rowid / 8 "
                f"WHERE search_idx MATCH :q AND s.rowid % 8 = :code{owner} "
                "LIMIT :lim"
            ),
            {"q": f"{column} : ({query})", "code": code, "lim": limit},
        )
        for (rowid,) in rows:
            rid = rowid // 8
            if rid not in ids:
                ids.append(rid)
        if len(ids) >= limit:
            break
    return ids[:limit]


def _like_ids(
    session: Session,
    kind: str,
    term: str,
    *,
    principal_id: int | None,
    names_only: bool,
    limit: int,
) -> list[int]:
    model = _MODELS[kind]
    words = term.split()
    ids: list[int] = []
    groups = [_NAME_COLS[kind]] + ([] if names_only else [_BODY_COLS[kind]])
    for cols in groups:
        query = select(model.id)
        if principal_id is not None:
            query = query.where(col(model.principal_id) == principal_id)
        for word in words:
            query = query.where(or_(*(col(getattr(model, c)).ilike(f"%{word}%") for c in cols)))
        for rid in session.exec(query.limit(limit)).all():
            if rid not in ids:
                ids.append(rid)
    return ids[:limit]


def search(
    session: Session,
    principal_id: int,
    term: str,
    *,
    kinds: tuple[str, ...] = ("contact", "task", "request", "event"),
    limit: int = 20,
    include_confidential: bool = False,
) -> list[Hit]:
    """Hits across kinds: every kind's name matches before any body match."""
    hits: list[Hit] = []
    for names_only in (True, False):
        for kind in kinds:
            model = _MODELS[kind]
            ids = search_ids(
                session, kind, term, principal_id=principal_id, names_only=names_only, limit=limit
            )
            if not ids:
                continue
            rows: list[Any] = session.exec(  # type: ignore[assignment]
                select(model).where(
                    col(model.id).in_(ids),
                    col(model.principal_id) == principal_id,
                )
            ).all()
            by_id = {r.id: r for r in rows}
            for rid in ids:
                row = by_id.get(rid)
                if row is None or any(h.kind == kind and h.id == rid for h in hits):
                    continue
                if row.confidential and not include_confidential:
                    continue
                label = getattr(row, _NAME_COLS[kind][0])
                hits.append(Hit(kind, rid, label, names_only, row.confidential))
    return hits[:limit]

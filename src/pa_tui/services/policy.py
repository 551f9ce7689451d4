"""A principal's scheduling policy in the store: read it as a schedule.Policy, change it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from pa_tui.errors import NotFound, PaError
from pa_tui.models import Principal, PrincipalPrefs, ProtectedBlock
from pa_tui.services.schedule import (
    Block,
    Policy,
    block_from,
    format_hours,
    parse_block,
    parse_hours,
    policy_from,
)

if TYPE_CHECKING:
    from pa_tui.store import Store


def load_policy(session: Session, principal: Principal) -> Policy:
    prefs = session.get(PrincipalPrefs, principal.id)
    rows = session.exec(
        select(ProtectedBlock)
        .where(col(ProtectedBlock.principal_id) == principal.id)
        .order_by(col(ProtectedBlock.id))
    ).all()
    return policy_from(prefs, [block_from(r) for r in rows])


def set_prefs(
    session: Session,
    principal: Principal,
    *,
    now: datetime,
    work_hours: str | None = None,
    buffer_min: int | None = None,
    meeting_cap: int | None = None,
    clear_cap: bool = False,
) -> PrincipalPrefs:
    assert principal.id is not None
    prefs = session.get(PrincipalPrefs, principal.id) or PrincipalPrefs(
        principal_id=principal.id, updated_at=now
    )
    if work_hours is not None:
        prefs.work_hours = format_hours(parse_hours(work_hours))
    if buffer_min is not None:
        if not 0 <= buffer_min <= 24 * 60:
            raise PaError(f"travel buffer must be 0..1440 minutes, not {buffer_min}")
        prefs.buffer_min = buffer_min
    if meeting_cap is not None:
        if meeting_cap < 0:
            raise PaError(f"meeting cap must be 0 or more, not {meeting_cap}")
        prefs.meeting_cap = meeting_cap
    if clear_cap:
        prefs.meeting_cap = None
    prefs.updated_at = now
    session.add(prefs)
    session.flush()
    return prefs


def add_block(session: Session, principal: Principal, block: Block, *, now: datetime) -> int:
    assert principal.id is not None
    row = ProtectedBlock(
        principal_id=principal.id,
        label=block.label,
        weekdays=",".join(str(d) for d in sorted(block.weekdays)),
        start=f"{block.start:%H:%M}",
        end=f"{block.end:%H:%M}",
        created_at=now,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def remove_block(session: Session, principal: Principal, block_id: int) -> None:
    row = session.get(ProtectedBlock, block_id)
    if row is None or row.principal_id != principal.id:
        raise NotFound(f"no protected block {block_id} for {principal.name}")
    session.delete(row)
    session.flush()


def describe(policy: Policy) -> list[tuple[str, str]]:
    rows = [
        ("working hours", format_hours(policy.hours)),
        ("travel buffer", f"{int(policy.buffer.total_seconds() // 60)} min"),
        ("meeting cap", "none" if policy.cap is None else f"{policy.cap} per day"),
    ]
    for b in policy.blocks:
        rows.append((f"protected #{b.id}", b.text()))
    return rows


def seed(session: Session, principal: Principal, spec: dict[str, object], *, now: datetime) -> bool:
    """Give a principal that has no policy yet the config file's [schedule] (validated there);
    one already set (`pa principal set`) is left alone."""
    if not spec or has_policy(session, principal):
        return False
    hours, buffer, cap = spec.get("hours"), spec.get("buffer"), spec.get("cap")
    set_prefs(
        session,
        principal,
        now=now,
        work_hours=str(hours) if hours else None,
        buffer_min=int(str(buffer)) if buffer is not None else None,
        meeting_cap=int(str(cap)) if cap is not None else None,
    )
    for text in spec.get("protect") or []:  # type: ignore[attr-defined]
        add_block(session, principal, parse_block(str(text)), now=now)
    return True


def has_policy(session: Session, principal: Principal) -> bool:
    """Set already (prefs or protected blocks): the config file no longer seeds it."""
    blocks = session.exec(
        select(ProtectedBlock.id).where(col(ProtectedBlock.principal_id) == principal.id)
    ).first()
    return session.get(PrincipalPrefs, principal.id) is not None or blocks is not None


def seed_from_config(store: Store, principal: Principal, *, now: datetime) -> None:
    """A principal without a scheduling policy starts with the config file's [schedule]; the
    write lock is taken only when there is something to seed."""
    from pa_tui.config import load_schedule

    spec = load_schedule()
    if not spec:
        return
    with store.read() as session:
        if has_policy(session, principal):
            return
    with store.write() as session:
        seed(session, principal, spec, now=now)

"""Principals (the executives served): the default one, lookup by name, add and switch."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from pa_tui.errors import NotFound, PaError
from pa_tui.models import Principal
from pa_tui.services.clock import machine_zone, zone_info

DEFAULT_NAME = "me"


def list_principals(session: Session) -> list[Principal]:
    return list(session.exec(select(Principal).order_by(col(Principal.name))).all())


def default_principal(session: Session) -> Principal | None:
    found = session.exec(select(Principal).where(col(Principal.is_default))).first()
    if found is None:
        found = session.exec(select(Principal).order_by(col(Principal.id))).first()
    return found


def ensure_default(session: Session, *, now: datetime) -> Principal:
    """The default principal, made on first use in the machine's zone."""
    found = default_principal(session)
    if found is not None:
        return found
    return add_principal(session, name=DEFAULT_NAME, tz=machine_zone(), now=now, default=True)


def find_principal(session: Session, name: str) -> Principal:
    wanted = name.strip().casefold()
    for p in list_principals(session):
        if p.name.casefold() == wanted:
            return p
    matches = [p for p in list_principals(session) if p.name.casefold().startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(p.name for p in matches)
        raise PaError(f"principal {name!r} is ambiguous: {names}")
    raise NotFound(f"no principal named {name!r} (see `pa principal list`)")


def resolve_principal(session: Session, name: str | None, *, now: datetime) -> Principal:
    return find_principal(session, name) if name else ensure_default(session, now=now)


def add_principal(
    session: Session, *, name: str, tz: str, now: datetime, default: bool = False
) -> Principal:
    name = name.strip()
    if not name:
        raise PaError("principal name is empty")
    zone_info(tz)
    if any(p.name.casefold() == name.casefold() for p in list_principals(session)):
        raise PaError(f"principal {name!r} exists already")
    first = default_principal(session) is None
    principal = Principal(name=name, tz=tz, is_default=default or first, created_at=now)
    if principal.is_default:
        _clear_default(session)
    session.add(principal)
    session.flush()
    return principal


def set_default(session: Session, name: str) -> Principal:
    principal = find_principal(session, name)
    _clear_default(session)
    principal.is_default = True
    session.add(principal)
    session.flush()
    return principal


def _clear_default(session: Session) -> None:
    for p in session.exec(select(Principal).where(col(Principal.is_default))).all():
        p.is_default = False
        session.add(p)

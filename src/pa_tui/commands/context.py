"""What every non-capture command needs: the store, the principal, and `now` read in their zone."""

from __future__ import annotations

import argparse
from datetime import datetime

from pa_tui.models import Principal
from pa_tui.services import principals
from pa_tui.services.clock import machine_zone, now_utc
from pa_tui.store import Store, open_store


def store_for(args: argparse.Namespace) -> Store:
    return open_store(getattr(args, "db", None))


def principal_and_now(store: Store, args: argparse.Namespace) -> tuple[Principal, datetime]:
    """The principal asked for (or the default one, made on first use) and now in its zone."""
    with store.write() as session:
        principal = principals.resolve_principal(
            session, getattr(args, "principal", None), now=now_utc(machine_zone())
        )
    return principal, now_utc(principal.tz)

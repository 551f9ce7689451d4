"""What every non-capture command needs: the store, the principal, and `now` read in their zone."""

from __future__ import annotations

import argparse
from datetime import datetime

from pa_tui.models import Principal
from pa_tui.services import policy, principals, queue_settings
from pa_tui.services.clock import machine_zone, now_utc
from pa_tui.store import Store, open_store


def store_for(args: argparse.Namespace) -> Store:
    return open_store(getattr(args, "db", None))


def principal_and_now(store: Store, args: argparse.Namespace) -> tuple[Principal, datetime]:
    """The principal asked for (or the default one, made on first use) and now in its zone."""
    name = getattr(args, "principal", None)
    with store.read() as session:
        found = (
            principals.find_principal(session, name)
            if name
            else principals.default_principal(session)
        )
    if found is None:  # first use: only then take the write lock
        with store.write() as session:
            found = principals.ensure_default(session, now=now_utc(machine_zone()))
    policy.seed_from_config(store, found, now=now_utc(found.tz))
    queue_settings.sync_from_config(store, now=now_utc(found.tz))
    return found, now_utc(found.tz)

"""`pa demo [--size N]`: fill the store with the generated demo data set."""

from __future__ import annotations

import argparse

from pa_tui.commands.context import store_for
from pa_tui.commands.output import line
from pa_tui.services import demo
from pa_tui.services.clock import machine_zone, now_utc


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    now = now_utc(machine_zone())
    with store.write() as session:
        counts = demo.generate(session, now=now, size=max(0, args.size), seed=args.seed)
    line(
        "demo data: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f" in {store.target.describe()}"
    )
    return 0

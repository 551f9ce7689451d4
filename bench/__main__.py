"""`python -m bench [--quick]`: what users feel, as ratios against baselines measured in the same run.

Stores are made once with `pa demo --size N` and cached in bench/.cache. Whole processes are timed
from outside (like hyperfine); in-process figures hook the real code paths. Results go to
bench/results/latest.json and a Markdown table on stdout. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
# The console script, as users run it (python -m adds runpy's cost).
_SCRIPT = Path(sys.executable).with_name("pa")
PA = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "pa_tui.cli"]
ENV = {**os.environ, "PA_NOW": "2026-11-25T08:00", "NO_COLOR": "1"}
NOW = datetime(2026, 11, 25, 7, tzinfo=UTC)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values) * 1000, 2),
        "p95_ms": round(pct(values, 0.95) * 1000, 2),
        "runs": len(values),
    }


def store_for(size: int) -> Path:
    """A cached demo store of `size` rows per table (made once; later runs reuse it)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{size}.db"
    if not path.exists():
        tmp = path.with_suffix(".tmp.db")
        for stale in CACHE.glob(tmp.name + "*"):
            stale.unlink()
        started = time.perf_counter()
        subprocess.run([*PA, "--db", str(tmp), "demo", "--size", str(size)], env=ENV, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"  made {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        import sqlite3

        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        tmp.rename(path)
    else:
        # A store cached by an older pa-tui: migrate it now, not inside the first timed run.
        subprocess.run([*PA, "--db", str(path), "doctor"], env=ENV, stdout=subprocess.DEVNULL)
    return path


def time_process(argv: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall time of whole processes, like hyperfine (-N): one warm-up, then `runs` timed runs."""
    times = []
    for i in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(argv, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)  # fmt: skip
        if i:
            times.append(time.perf_counter() - started)
    return times


def fig_capture(big: Path, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "pa.db"
        shutil.copy(big, work)
        env = {**ENV, "PA_DB": str(work)}
        base = time_process([sys.executable, "-c", "import sqlite3"], runs, env)
        out: dict[str, Any] = {"baseline import sqlite3": summary(base)}
        commands = {
            "pa add": [*PA, "add", "Call", "Bob", "tomorrow", "3pm", "p1", "pro:board"],
            "pa call": [*PA, "call", "Jane Roe", "555-0101", "wants", "15", "min", "p1"],
            "pa list tasks": [*PA, "list", "tasks", "--limit", "50"],
            "pa brief": [*PA, "brief"],
        }
        for name, argv in commands.items():
            n = runs if name in ("pa add", "pa call") else max(3, runs // 5)
            t = time_process(argv, n, env)
            out[name] = {
                **summary(t),
                "ratio": round(statistics.median(t) / statistics.median(base), 2),
            }
        # Peers, for context, where Debian's packages are installed: each in its own temp home.
        peer_env = {**env, "HOME": tmp, "TASKDATA": tmp, "XDG_CONFIG_HOME": f"{tmp}/config"}
        Path(f"{tmp}/config/todoman").mkdir(parents=True)
        Path(f"{tmp}/cal/default").mkdir(parents=True)
        Path(f"{tmp}/config/todoman/config.py").write_text(
            f'path = "{tmp}/cal/*"\ndefault_list = "default"\n'
            'date_format = "%Y-%m-%d"\ntime_format = "%H:%M"\n',
            encoding="utf-8",
        )
        for name, argv in (
            ("task add (Taskwarrior)", ["task", "rc.confirmation=off", "add", "Call", "Bob"]),
            ("todoman new", ["todoman", "new", "Call", "Bob"]),
        ):
            if shutil.which(argv[0]):
                t = time_process(argv, max(3, runs // 3), peer_env)
                ratio = round(statistics.median(t) / statistics.median(base), 2)
                out[name] = {**summary(t), "ratio": ratio}
    return out


def probe(args: list[str]) -> dict[str, float]:
    started = time.time()
    proc = subprocess.run([sys.executable, str(HERE / "probe_frames.py"), *args], env=ENV,
                          capture_output=True, text=True, timeout=600, check=True)  # fmt: skip
    marks = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "first_frame": marks["first_frame"] - started,
        "data_frame": marks["data_frame"] - started,
        "rss_mb": marks["rss_mb"],
        "from_preview": marks.get("from_preview", False),
    }


def fig_frames(sizes: list[int], runs: int) -> dict[str, Any]:
    bare = [probe(["bare"]) for _ in range(runs)]
    base = statistics.median(b["first_frame"] for b in bare)
    out: dict[str, Any] = {
        "bare Textual app + empty DataTable": summary([b["first_frame"] for b in bare])
    }
    for size in sizes:
        path = store_for(size)
        got = [probe(["pa", str(path)]) for _ in range(runs)]
        first = [g["first_frame"] for g in got]
        data = [g["data_frame"] for g in got]
        out[f"cockpit {size} rows"] = {
            "first_frame": {**summary(first), "ratio": round(statistics.median(first) / base, 2)},
            "data_frame": {**summary(data), "ratio": round(statistics.median(data) / base, 2)},
            "peak_rss_mb": round(max(g["rss_mb"] for g in got), 1),
            "data_frame_from_preview": f"{sum(bool(g['from_preview']) for g in got)}/{len(got)}",
        }
        smallest = out.get(f"cockpit {sizes[0]} rows")
        if size != sizes[0] and smallest:
            out[f"cockpit {size} rows"]["data_frame"]["vs_smallest"] = round(
                statistics.median(data) * 1000 / smallest["data_frame"]["median_ms"], 2
            )
    table = [probe(["datatable", "1000"]) for _ in range(max(1, runs // 2))]
    out["stock DataTable 1k rows"] = summary([t["first_frame"] for t in table])
    return out


async def _key_latency(path: Path | None, presses: int) -> dict[str, Any]:
    """Per key: from the key event to the end of the next completed screen refresh."""
    from textual.screen import Screen

    refreshed: list[float] = []
    original = Screen._compositor_refresh
    # A triage key is done when its row has left the screen: refreshes are kept only once
    # the watched record is no longer in the list.
    watch: dict[str, int | None] = {"id": None}

    def hooked(self: Screen[Any]) -> None:
        original(self)
        if watch["id"] is None or watch["id"] not in self.app.screen.records.ids:
            refreshed.append(time.perf_counter())

    Screen._compositor_refresh = hooked  # type: ignore[method-assign]
    try:
        if path is None:
            from textual.app import App, ComposeResult
            from textual.widgets import DataTable

            class Stock(App[None]):
                def compose(self) -> ComposeResult:
                    yield DataTable()

                def on_mount(self) -> None:
                    table = self.query_one(DataTable)
                    table.add_columns("id", "title", "due")
                    table.add_rows((str(i), f"row {i}", "2026-11-25") for i in range(1000))
                    table.focus()

            app: Any = Stock()
            plan = [("stock DataTable 1k", "", ["down"] * presses)]
        else:
            from pa_tui.app import PaApp
            from pa_tui.store import open_sqlite

            app = PaApp(open_sqlite(path), clock=lambda: NOW, live_interval=0, reminder_interval=0)
            plan = [
                ("Tasks move (j)", "5", ["j"] * presses),
                ("Queue move (j)", "3", ["j"] * presses),
                ("Agenda next day (l)", "2", ["l"] * (presses // 4)),
                ("Tasks priority (p)", "5", ["p"] * (presses // 4)),
                # Triage: the item is done and leaves the open queue (a write, then the row
                # gone from the screen; the re-sort of every open item follows in a worker).
                ("Queue triage done (x), row gone", "3", ["x"] * (presses // 4)),
            ]
        results: dict[str, Any] = {}
        async with app.run_test(size=(120, 40)) as pilot:
            for name, mode, keys in plan:
                if mode:
                    await pilot.press(mode)
                for _ in range(5):
                    await _settled(app)
                    await pilot.pause()
                latencies = []
                for key in keys:
                    row = app.screen.records.current if key == "x" else None
                    watch["id"] = int(row.key[1:]) if row is not None else None
                    before = time.perf_counter()
                    await pilot.press(key)
                    for _ in range(400):  # a triaged row: wait until it has left the screen
                        if watch["id"] is None or any(t > before for t in refreshed):
                            break
                        await pilot.pause(0.005)
                    watch["id"] = None
                    after_key = [t for t in refreshed if t > before]
                    if after_key:
                        latencies.append(after_key[0] - before)
                if latencies:
                    results[name] = summary(latencies)
        return results
    finally:
        Screen._compositor_refresh = original  # type: ignore[method-assign]


async def _settled(app: Any) -> None:
    """Wait for the app's workers; one replaced by a newer one (an exclusive reload that a live
    refresh superseded) is cancelled, which is not an error here."""
    from textual.worker import WorkerCancelled

    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete()


async def _live_refresh(path: Path, runs: int) -> list[float]:
    from pa_tui.app import PaApp
    from pa_tui.store import open_sqlite

    app = PaApp(open_sqlite(path), clock=lambda: NOW, live_interval=1.0, reminder_interval=0)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        for n in range(runs):
            await _settled(app)
            subject = f"live check {n} {random.random():.6f}"
            env = {**ENV, "PA_DB": str(path)}
            proc = await asyncio.to_thread(
                subprocess.run, [*PA, "call", "--json", "Zed Quux", subject, "p1"],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            committed = time.perf_counter()  # the process ends after its commit: an upper bound
            new_id = int(json.loads(proc.stdout)["id"][1:])
            while time.perf_counter() - committed < 10:
                if new_id in app.screen.records.ids:
                    times.append(time.perf_counter() - committed)
                    break
                await pilot.pause(0.01)
    return times


def fig_search(path: Path, queries: int) -> dict[str, Any]:
    from pa_tui.services import principals, search
    from pa_tui.store import open_sqlite

    store = open_sqlite(path)
    rng = random.Random(5)
    out: dict[str, Any] = {}
    with store.read() as session:
        p = principals.default_principal(session)
        assert p is not None and p.id is not None
        words = [
            "anna",
            "berg",
            "jos",
            "söder",
            "invoice",
            "board",
            "flow",
            "passport",
            "kvarn",
            "zoë",
        ]
        for kind in ("contact", "task"):
            for style in ("prefix", "word"):
                times = []
                for _ in range(queries):
                    word = rng.choice(words)
                    term = word[:3] if style == "prefix" else word
                    started = time.perf_counter()
                    search.search_ids(session, kind, term, principal_id=p.id, limit=50)
                    times.append(time.perf_counter() - started)
                out[f"{kind} {style}"] = summary(times)
        # The Contacts filter and `pa dossier`: a phone number typed in another format than
        # stored (national, spaces) and the start of an email find their owner by index.
        from sqlmodel import select

        from pa_tui.models import Contact, ContactEmail, ContactPhone
        from pa_tui.services import contacts

        mine = select(Contact.id).where(Contact.principal_id == p.id)
        phones = [
            r.value
            for r in session.exec(
                select(ContactPhone).where(ContactPhone.contact_id.in_(mine)).limit(500)  # type: ignore[union-attr]
            ).all()
        ]
        emails = [
            r.value
            for r in session.exec(
                select(ContactEmail).where(ContactEmail.contact_id.in_(mine)).limit(500)  # type: ignore[union-attr]
            ).all()
        ]
        for style, terms in (
            ("contact phone, any format", [_national(v) for v in phones]),
            ("contact email prefix", [v.split("@")[0] + "@" for v in emails]),
        ):
            times = []
            for _ in range(queries):
                term = rng.choice(terms)
                started = time.perf_counter()
                found = contacts.match_contacts(session, p, term)
                times.append(time.perf_counter() - started)
                assert found, term  # each term is some contact's: it must be found
            out[style] = summary(times)
    store.close()
    return out


def _national(number: str) -> str:
    """+46 8 123 45 67 -> 08-123 45 67: the same number as people type it at home."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.strip().startswith("+") and len(digits) > 9:
        digits = "0" + digits[2:]
    return f"{digits[:2]}-{digits[2:5]} {digits[5:]}"


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu
            )
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "packages": {
            p: version(p) for p in ("textual", "rich", "sqlmodel", "sqlalchemy", "python-dateutil")
        },
        "sqlite": __import__("sqlite3").sqlite_version,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def markdown(results: dict[str, Any]) -> str:
    lines = ["| figure | measure | median ms | p95 ms | ratio |", "|---|---|---|---|---|"]

    def walk(prefix: str, data: dict[str, Any]) -> None:
        for key, value in data.items():
            if isinstance(value, dict) and "median_ms" in value:
                ratio = str(value.get("ratio", ""))
                if "vs_smallest" in value:
                    ratio += f" ({value['vs_smallest']}x the smallest store)"
                cells = [prefix, key, value["median_ms"], value["p95_ms"], ratio]
                lines.append("| " + " | ".join(map(str, cells)) + " |")
            elif isinstance(value, dict):
                walk(f"{prefix} {key}".strip(), value)
            else:
                lines.append(f"| {prefix} | {key} | {value} | | |")

    for figure, data in results.items():
        if figure != "machine":
            walk(figure, data)
    return "\n".join(lines)


def _agenda_figure(quick: bool) -> dict[str, Any]:
    from bench import agenda

    agenda_store = CACHE / f"agenda-{agenda.SERIES}x{agenda.SINGLES}.db"
    if not agenda_store.exists():
        tmp = agenda_store.with_suffix(".tmp.db")
        for stale in CACHE.glob(tmp.name + "*"):
            stale.unlink()
        agenda.make_store(tmp)
        tmp.rename(agenda_store)
    else:
        subprocess.run(
            [*PA, "--db", str(agenda_store), "doctor"], env=ENV, stdout=subprocess.DEVNULL
        )
    return agenda.measure(agenda_store, 10 if quick else 30, summary)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="a short run (under two minutes)")
    parser.add_argument(
        "--only",
        default="1234567",
        help="the figures to run, by number (default all: 1234567); results go to latest-partial.json",
    )
    args = parser.parse_args()
    quick = args.quick
    only = set(args.only)
    sizes = [1000, 10000] if quick else [1000, 10000, 100000]
    big = store_for(sizes[-1])
    results: dict[str, Any] = {"machine": machine()}
    if "1" in only:
        print("capture…", file=sys.stderr)
        results["1 capture (whole process, vs python -c 'import sqlite3')"] = fig_capture(
            big, 10 if quick else 30
        )
    if "2" in only:
        print("frames…", file=sys.stderr)
        results["2 cockpit frames (whole process, vs bare Textual app)"] = fig_frames(
            sizes, 2 if quick else 5
        )
    if "3" in only:
        print("keys…", file=sys.stderr)
        presses = 40 if quick else 200
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / "pa.db"  # the keys write (priority, done): not to the cache
            shutil.copy(big, work)
            keys = asyncio.run(_key_latency(work, presses))
        keys.update(asyncio.run(_key_latency(None, presses)))
        stock = keys.get("stock DataTable 1k")
        for figure in keys.values():
            if stock and figure is not stock:
                # The target is on p95: each key against the stock table's p95, same run.
                figure["ratio"] = round(figure["p95_ms"] / stock["p95_ms"], 2)
        results["3 key to repaint"] = keys
    if "4" in only:
        print("live refresh…", file=sys.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / "pa.db"
            shutil.copy(big, work)
            results["4 live refresh (pa call commit -> row on screen)"] = {
                "live refresh": summary(asyncio.run(_live_refresh(work, 3 if quick else 10)))
            }
    if "5" in only:
        print("search…", file=sys.stderr)
        results["5 search (100 per style)"] = fig_search(big, 100)
    if "6" in only:
        print("agenda engine…", file=sys.stderr)
        results[
            "6 agenda engine (2,000 series + 20,000 events; targets: week 100 ms, year 1 s)"
        ] = _agenda_figure(quick)
    if "7" in only:
        print("imports…", file=sys.stderr)
        from bench import imports

        results["7 import (fresh store, one transaction)"] = imports.measure(
            CACHE, summary, 1 if quick else 3
        )
    RESULTS.mkdir(exist_ok=True)
    name = "latest.json" if only >= set("1234567") else "latest-partial.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    m = results["machine"]
    print(
        f"\n{m['cpu']} ({m['cores']} cores), Python {m['python']}, SQLite {m['sqlite']}, "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

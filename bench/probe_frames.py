"""Child process for the frame figures: prints JSON with wall-clock marks, then exits.

`python bench/probe_frames.py pa STORE` runs the cockpit headless and marks the first frame (chrome
drawn) and the first data frame (Today filled); `... bare` runs a bare Textual app with an empty
DataTable; `... datatable N` a stock DataTable holding N rows. The parent started the clock just
before spawning us, so the marks include interpreter start and imports, as a user feels them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    kind = sys.argv[1]
    marks: dict[str, float] = {}

    def done(app: object) -> None:
        marks["rss_mb"] = _rss_mb()
        # Textual captures sys.stdout while it runs: write to the real descriptor.
        os.write(1, (json.dumps(marks) + "\n").encode())
        app.exit()  # type: ignore[attr-defined]

    if kind == "pa":
        from pa_tui.app import PaApp, screen_class, sqlite_preview

        # Mark the data frame: Today's rows drawn, whichever load drew them first (the preview
        # read with the standard library, or the full one). Today's module is light on purpose.
        today: Any = screen_class("today")
        original = today._loaded

        def loaded(self: Any, ids: list[int], keep_key: str | None) -> None:
            original(self, ids, keep_key)

            def filled() -> None:
                # Rows arrive by page; wait until the visible ones are drawn.
                if self.records.ids and self.records.row_at(0) is None:
                    self.set_timer(0.005, filled)
                    return
                if "data_frame" not in marks:
                    marks["data_frame"] = time.time()
                    marks["from_preview"] = not self.app.ready
                if self.app.ready:
                    # Peak memory with the full load done (the preview alone holds far less).
                    done(self.app)

            self.call_after_refresh(filled)

        today._loaded = loaded

        class Probe(PaApp):
            # Textual calls every on_mount along the MRO (PaApp's too): no super() call here.
            def on_mount(self) -> None:
                self.call_after_refresh(lambda: marks.setdefault("first_frame", time.time()))

        def opener() -> Any:
            # As `pa` does: the store (and SQLModel) open in a worker after the first frame.
            from pa_tui.store import open_sqlite

            return open_sqlite(sys.argv[2])

        now = datetime(2026, 11, 25, 7, tzinfo=UTC)
        Probe(opener, clock=lambda: now, live_interval=0, preview=sqlite_preview(sys.argv[2])).run(
            headless=True, size=(120, 40)
        )
        return

    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 0

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("id", "title", "due")
            table.add_rows((str(i), f"row {i}", "2026-11-25") for i in range(rows))
            self.call_after_refresh(self._drawn)

        def _drawn(self) -> None:
            marks["first_frame"] = marks["data_frame"] = time.time()
            done(self)

    Bare().run(headless=True, size=(120, 40))


if __name__ == "__main__":
    main()

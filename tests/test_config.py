"""The config file: [keys] remaps binding ids; a bad file is one line naming file:line, exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_pa
from pa_tui.app import binding_ids
from pa_tui.config import load_keymap
from pa_tui.errors import PaError


def _write(text: str) -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "pa-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_keymap_from_config() -> None:
    _write('# my keys\n[keys]\n"tasks.filter" = "F"\n"app.undo" = "ctrl+z"\n')
    assert load_keymap(known=binding_ids()) == {"tasks.filter": "F", "app.undo": "ctrl+z"}


def test_unknown_binding_id_names_file_and_line() -> None:
    path = _write('[keys]\n"tasks.filter" = "F"\n"no.such" = "x"\n')
    with pytest.raises(PaError, match=rf"{path}:3: unknown binding id 'no.such'"):
        load_keymap(known=binding_ids())


def test_bad_config_stops_the_cockpit_with_one_line() -> None:
    path = _write("[keys\n")
    r = run_pa()
    assert r.code == 2
    assert r.err.startswith(f"pa: error: {path}:1: ")
    assert r.err.count("\n") == 1 and "Traceback" not in r.err


async def test_cockpit_starts_on_defaults_when_schedule_or_queue_is_wrong(
    store, isolated_env
) -> None:
    """A mistake in [schedule] or [queue] is named in a notification (file:line) and the cockpit
    runs on the defaults for that part instead of refusing to start."""
    from conftest import NOW, settle
    from pa_tui.app import PaApp

    path = _write('[schedule]\nhours = "someday 09-17"\n[queue]\nrules = ["nonsense"]\n')
    app = PaApp(lambda: store, clock=lambda: NOW, live_interval=0, reminder_interval=0)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(20):
            await settle(app, pilot)
            if app.ready:
                break
        assert app.ready and app.startup_error is None
        shown = [n.message for n in app._notifications]
        assert any(m.startswith(f"{path}:2: ") for m in shown), shown
        assert app.queue_config.rules == ()  # the defaults: no rules

"""End to end: the real `pa` cockpit in a real terminal (tmux), keys in, SQLite state out."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import run_pa

TIMEOUT = 20.0


class Tmux:
    """One private tmux server (its own -L socket), one session running one command."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"pa-test-{uuid.uuid4().hex[:10]}"
        self.env = env
        self.target = "pa"

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
            check=check,
        )

    def start(self, command: list[str], *, width: int, height: int) -> None:
        # remain-on-exit keeps the pane (and its exit status) after the app quits, so a crash
        # leaves its traceback to read instead of a vanished session.
        self(
            "start-server", ";",
            "set-option", "-g", "remain-on-exit", "on", ";",
            "new-session", "-d", "-s", self.target, "-x", str(width), "-y", str(height),
            shlex.join(command),
        )  # fmt: skip

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", self.target).stdout

    def keys(self, *keys: str) -> None:
        self("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        self("send-keys", "-t", self.target, "-l", text)

    def pane(self, fmt: str) -> str:
        return self("display-message", "-p", "-t", self.target, fmt).stdout.strip()

    def wait_for(self, what: str | Callable[[str], bool], timeout: float = TIMEOUT) -> str:
        """Poll the screen until `what` (a regex, or a predicate) matches; fail with the screen."""
        test = what if callable(what) else (lambda s: re.search(what, s) is not None)
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if test(text):
                return text
            if self.pane("#{pane_dead}") == "1":
                break
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what!r}; the screen was:\n{text}")

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        """The app's exit status once its pane is dead (a signal counts as 128 + signal)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead, status, signum = self.pane(
                "#{pane_dead}/#{pane_dead_status}/#{pane_dead_signal}"
            ).split("/")
            if signum:
                return 128 + int(signum)
            if status:
                return int(status)
            if dead == "1":
                # The pty closed but tmux has not reaped the child yet. With libutempter, tmux
                # can miss that SIGCHLD for good (tmux/tmux#311) and leave a zombie: nudge our
                # own server so it calls waitpid again.
                os.kill(int(self.pane("#{pid}")), signal.SIGCHLD)
            time.sleep(0.1)
        pytest.fail(f"the app did not exit; {self.dump_stacks()}")

    def dump_stacks(self) -> str:
        """Make a stuck app print every thread's stack (PYTHONFAULTHANDLER is on) and show it."""
        screen = self.screen()
        pid = self.pane("#{pane_pid}")
        dead = self.pane("#{pane_dead}")
        ps = subprocess.run(["ps", "-L", "-o", "pid,lwp,stat,wchan:20,cmd", "-p", pid],
                            capture_output=True, text=True).stdout  # fmt: skip
        if dead != "1" and pid:
            os.kill(int(pid), signal.SIGABRT)
            deadline = time.monotonic() + 5
            while self.pane("#{pane_dead}") != "1" and time.monotonic() < deadline:
                time.sleep(0.1)
        history = self("capture-pane", "-p", "-J", "-S", "-", "-t", self.target).stdout
        return f"pane_dead={dead!r} pid={pid}\n{ps}\nscreen:\n{screen}\nafter SIGABRT:\n{history}"

    def kill(self) -> None:
        socket = self("display-message", "-p", "#{socket_path}", check=False).stdout.strip()
        self("kill-server", check=False)
        if socket:
            Path(socket).unlink(missing_ok=True)  # tmux leaves the socket file behind


@pytest.fixture
def tmux() -> Iterator[Callable[[dict[str, str]], Tmux]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux not installed: apt-get install tmux")
    started: list[Tmux] = []

    def make(env: dict[str, str]) -> Tmux:
        server = Tmux(env)
        started.append(server)
        return server

    yield make
    for server in started:
        server.kill()


@pytest.fixture
def filled_store(db_path: Path) -> Path:
    """A principal, a staff contact and one queue item, written by the real `pa`."""
    for args in (
        ("principal", "add", "Eva Lind", "--tz", "Europe/Stockholm", "--default"),
        ("contact", "add", "Anna Sjöberg", "--staff"),
        ("call", "Carl Berg", "555-0100", "about the budget"),
    ):
        result = run_pa(*args)
        assert result.code == 0, result.err
    return db_path


TASK_ROW = r"t\d+\s+p2\s+2026-11-26\s+Buy flowers"


def _start_app(
    tmux: Callable[[dict[str, str]], Tmux], store: Path, editor: Path | None = None
) -> Tmux:
    env = {
        **os.environ,
        "PA_DB": str(store),
        "PA_NOW": "2026-11-25T08:00",
        "TERM": "xterm-256color",
    }
    term = tmux(env)
    term.start(
        ["env", f"PA_DB={store}", "PA_NOW=2026-11-25T08:00", "TERM=xterm-256color",
         f"EDITOR={editor or 'false'}", "VISUAL=",
         "PYTHONFAULTHANDLER=1", sys.executable, "-m", "pa_tui.cli"],
        width=100,
        height=30,
    )  # fmt: skip
    term.wait_for(r"Today — Eva Lind — Wed 25 Nov 2026")
    return term


def _store_state(store: Path) -> tuple[list[tuple[str, int]], list[tuple[str]]]:
    with sqlite3.connect(store) as db:
        tasks = db.execute(
            "SELECT due_date, priority, notes FROM task WHERE title = 'Buy flowers'"
        ).fetchall()
        items = db.execute(
            "SELECT status FROM request WHERE subject = 'about the budget'"
        ).fetchall()
    return tasks, items


def test_capture_a_task_and_clear_the_queue_in_a_real_terminal(
    tmux: Callable[[dict[str, str]], Tmux], filled_store: Path, tmp_path: Path
) -> None:
    # A real $EDITOR: the cockpit suspends itself, runs it on a temp file, and reads it back.
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "roses, not lilies\\n" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    term = _start_app(tmux, filled_store, editor)

    term.keys("5")
    term.wait_for(r"Tasks — Eva Lind")
    term.keys("n")
    term.wait_for(r"esc Cancel")  # the capture bar is open and has the focus
    term.type("Buy flowers tomorrow p2")  # after the prefilled "add "
    term.keys("Enter")
    term.wait_for(TASK_ROW)
    term.keys("E")  # the new task has the cursor: its notes go through $EDITOR
    term.wait_for(r"saved notes of t\d+")

    term.keys("3")
    term.wait_for(r"r\d+\s+\d+\s+call\s+Carl Berg.*about the budget")
    term.keys("x")
    term.wait_for(r"The queue is clear\.")

    term.keys("q")
    assert term.wait_exit() == 0, term.screen()

    tasks, items = _store_state(filled_store)
    assert tasks == [("2026-11-26", 2, "roses, not lilies\n")]
    assert items == [("done",)]

"""Where pa-tui keeps its files (XDG), and which store a command opens. Standard library only.

The capture path imports this module, so it builds XDG paths from the environment itself instead of
importing platformdirs (+27 ms measured).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_DIR = "pa-tui"


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var, "")
    # XDG says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / fallback


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / APP_DIR


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache") / APP_DIR


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / APP_DIR


def config_file() -> Path:
    return Path(os.environ.get("PA_CONFIG") or config_dir() / "config.toml")


@dataclass(frozen=True)
class StoreTarget:
    """The store a command works on: a SQLite file, or any SQLAlchemy URL."""

    url: str
    sqlite_path: Path | None  # set when the store is a SQLite file

    @property
    def is_sqlite(self) -> bool:
        return self.sqlite_path is not None

    def describe(self) -> str:
        return str(self.sqlite_path) if self.sqlite_path else _redact(self.url)


def _redact(url: str) -> str:
    """Hide a password in a URL before it is shown or logged."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url


def sqlite_target(path: Path | str) -> StoreTarget:
    p = Path(path).expanduser()
    return StoreTarget(url=f"sqlite:///{p}", sqlite_path=p)


def resolve_store(cli_db: str | None = None) -> StoreTarget:
    """`--db PATH` beats PA_DATABASE_URL beats PA_DB beats $XDG_DATA_HOME/pa-tui/pa.db."""
    if cli_db:
        return _from_url_or_path(cli_db)
    url = os.environ.get("PA_DATABASE_URL")
    if url:
        return _from_url_or_path(url)
    db = os.environ.get("PA_DB")
    if db:
        return sqlite_target(db)
    return sqlite_target(data_dir() / "pa.db")


def _from_url_or_path(value: str) -> StoreTarget:
    if "://" not in value:
        return sqlite_target(value)
    if value.startswith("sqlite:///"):
        return sqlite_target(value[len("sqlite:///") :])
    return StoreTarget(url=value, sqlite_path=None)

"""Where pa-tui keeps its files (XDG), and which store a command opens. Standard library only.

The capture path imports this module, so it builds XDG paths from the environment itself instead of
importing platformdirs (+27 ms measured).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

APP_DIR = "pa-tui"


def _xdg(var: str, fallback: str) -> str:
    value = os.environ.get(var, "")
    # XDG says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return value
    return os.path.join(os.path.expanduser("~"), fallback)


# Plain strings, not pathlib: importing pathlib costs the capture path ~8 ms.
def data_dir() -> str:
    return os.path.join(_xdg("XDG_DATA_HOME", ".local/share"), APP_DIR)


def cache_dir() -> str:
    return os.path.join(_xdg("XDG_CACHE_HOME", ".cache"), APP_DIR)


def config_dir() -> str:
    return os.path.join(_xdg("XDG_CONFIG_HOME", ".config"), APP_DIR)


def config_file() -> str:
    return os.environ.get("PA_CONFIG") or os.path.join(config_dir(), "config.toml")


class StoreTarget:
    """The store a command works on: a SQLite file, or any SQLAlchemy URL."""

    __slots__ = ("sqlite_file", "url")

    def __init__(self, url: str, sqlite_file: str | None) -> None:
        self.url = url
        self.sqlite_file = sqlite_file  # set when the store is a SQLite file

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoreTarget) and (self.url, self.sqlite_file) == (
            other.url,
            other.sqlite_file,
        )

    def __repr__(self) -> str:
        return f"StoreTarget(url={self.url!r}, sqlite_file={self.sqlite_file!r})"

    @property
    def sqlite_path(self) -> Path | None:
        from pathlib import Path

        return Path(self.sqlite_file) if self.sqlite_file else None

    @property
    def is_sqlite(self) -> bool:
        return self.sqlite_file is not None

    def describe(self) -> str:
        return self.sqlite_file or _redact(self.url)


def _redact(url: str) -> str:
    """Hide a password in a URL before it is shown or logged."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url


def sqlite_target(path: str | os.PathLike[str]) -> StoreTarget:
    p = os.path.expanduser(os.fspath(path))
    return StoreTarget(url=f"sqlite:///{p}", sqlite_file=p)


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
    return sqlite_target(os.path.join(data_dir(), "pa.db"))


def _from_url_or_path(value: str) -> StoreTarget:
    if "://" not in value:
        return sqlite_target(value)
    if value.startswith("sqlite:///"):
        return sqlite_target(value[len("sqlite:///") :])
    return StoreTarget(url=value, sqlite_file=None)

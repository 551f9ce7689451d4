"""Errors the user can act on: the CLI prints them as one line and exits with code 2."""


class PaError(Exception):
    """A user-facing error; its message is one line naming what was wrong and where."""


class NotFound(PaError):
    pass


class StoreError(PaError):
    pass

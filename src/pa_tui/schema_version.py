"""The schema version this pa-tui writes; standard library only so the capture path can check it."""

SCHEMA_VERSION = 9

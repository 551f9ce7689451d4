"""Interop with what users already have: iCalendar, vCard and Taskwarrior (importers and
exporters land here; no Textual import)."""

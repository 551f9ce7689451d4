"""pa-tui: a keyboard-driven terminal cockpit for personal and executive assistants.

Kept import-free on purpose: the quick-capture path imports this package and must stay fast.
"""

__version__ = "0.1.0"

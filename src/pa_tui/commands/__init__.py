"""Subcommands of `pa` other than quick capture; each module has run(args) -> exit code."""

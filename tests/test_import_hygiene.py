"""No model, service, interop module (nor the CLI entry point) may pull in Textual when imported."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

PACKAGES = ("pa_tui.models", "pa_tui.services", "pa_tui.interop")


def _modules() -> list[str]:
    names: list[str] = []
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        names.append(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=package_name + "."):
            names.append(info.name)
    names.append("pa_tui.cli")
    return sorted(set(names))


MODULES = _modules()


def test_module_list_is_complete() -> None:
    # The walk really found the modules (a broken walk would make the parametrized test vacuous).
    assert {
        "pa_tui.models.contact",
        "pa_tui.services.events",
        "pa_tui.services.search",
        "pa_tui.cli",
    } <= set(MODULES)
    assert len([m for m in MODULES if m.startswith("pa_tui.services.")]) >= 10


@pytest.mark.parametrize("module", MODULES)
def test_import_does_not_load_textual(module: str) -> None:
    code = f"import importlib,sys; importlib.import_module({module!r}); print('textual' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False", f"{module} imports textual"


def test_the_probe_detects_textual() -> None:
    """The same probe on the cockpit module says True, so a False above means something."""
    code = "import importlib,sys; importlib.import_module('pa_tui.app'); print('textual' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"

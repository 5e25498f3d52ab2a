"""Importing ``placement`` (what Excel does on every fresh Python) stays light.

xlwings itself already imports numpy and pandas; ``placement`` must add nothing
heavy on top: no openpyxl, XlsxWriter or defusedxml (the report machinery loads
only when the button runs), and no third-party module at all beyond xlwings.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

import placement

HEAVY = ("openpyxl", "xlsxwriter", "defusedxml")

PROBE = """
import json, sys
import xlwings
before = set(sys.modules)
import placement
added = sorted(set(sys.modules) - before)
print(json.dumps({"added": added, "loaded": sorted(sys.modules)}))
"""


@pytest.fixture(scope="module")
def probe() -> dict[str, list[str]]:
    """Import xlwings, then placement, in a fresh Python; list the modules loaded and those added."""
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_importing_placement_loads_no_report_libraries(probe):
    """After ``import placement`` none of openpyxl, XlsxWriter or defusedxml is loaded."""
    loaded = {name.split(".")[0] for name in probe["loaded"]}
    assert not loaded & set(HEAVY)


def test_placement_adds_only_its_own_modules_and_the_standard_library(probe):
    """Beyond what ``import xlwings`` loads, ``import placement`` adds only xl_placement and standard modules."""
    added = {name.split(".")[0] for name in probe["added"]}
    foreign = {name for name in added if name not in sys.stdlib_module_names and not name.startswith("_")}
    assert foreign == {"placement", "xl_placement"}


def test_button_module_is_not_imported_with_the_functions(probe):
    """The button's module (and the report machinery behind it) loads only when the button runs."""
    assert "xl_placement.button" not in probe["loaded"]


def test_main_runs_the_button(monkeypatch):
    """placement.main(), what the workbook's button calls, runs xl_placement.button.main()."""
    calls = []
    fake = types.ModuleType("xl_placement.button")
    fake.main = lambda: calls.append("button")
    monkeypatch.setitem(sys.modules, "xl_placement.button", fake)
    placement.main()
    assert calls == ["button"]

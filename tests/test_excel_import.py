"""Importing ``placement`` (what Excel does on every fresh Python) stays light.

xlwings itself already imports numpy and pandas; ``placement`` must add nothing
heavy on top: no openpyxl, XlsxWriter or defusedxml (the report machinery loads
only when the button runs), and no third-party module at all beyond xlwings.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("openpyxl", "xlsxwriter", "defusedxml")

PROBE = """
import json, sys
import xlwings
before = set(sys.modules)
import placement
added = sorted(set(sys.modules) - before)
print(json.dumps({"added": added, "loaded": sorted(sys.modules)}))
"""


def _probe() -> dict[str, list[str]]:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_importing_placement_loads_no_report_libraries():
    """After ``import placement`` none of openpyxl, XlsxWriter or defusedxml is loaded."""
    loaded = {name.split(".")[0] for name in _probe()["loaded"]}
    assert not loaded & set(HEAVY)


def test_placement_adds_only_its_own_modules_and_the_standard_library():
    """Beyond what ``import xlwings`` loads, ``import placement`` adds only xl_placement and standard modules."""
    added = {name.split(".")[0] for name in _probe()["added"]}
    foreign = {name for name in added if name not in sys.stdlib_module_names and not name.startswith("_")}
    assert foreign == {"placement", "xl_placement"}

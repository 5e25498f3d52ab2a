"""The Python module behind placement.xlsm.

xlwings looks for a workbook's functions in the module named after it ("UDF Modules"
left empty means ``placement`` for placement.xlsm), so this module re-exports the
Excel functions (every name in ``xl_placement.excel.FUNCTIONS``, the one list of them);
"Import Functions" in the xlwings ribbon tab registers them. ``main()`` is what the
workbook's "Build report" button runs (``RunPython``).
"""

from __future__ import annotations

import importlib

from xl_placement.excel import *  # noqa: F403 - the eight functions: xl_placement.excel.__all__, FUNCTIONS


def main() -> None:
    """Build the report from the workbook that called (the "Build report" button)."""
    # Imported here, not at the top: the report machinery is heavy and the functions
    # above must load fast every time Excel recalculates with a fresh Python.
    button = importlib.import_module("xl_placement.button")
    button.main()

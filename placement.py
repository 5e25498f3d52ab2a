"""The Python module behind placement.xlsm.

xlwings looks for a workbook's functions in the module named after it ("UDF Modules"
left empty means ``placement`` for placement.xlsm), so this module re-exports the
Excel functions; "Import Functions" in the xlwings ribbon tab registers them.
``main()`` is what the workbook's "Build report" button runs (``RunPython``).
"""

from __future__ import annotations

import importlib

from xl_placement.excel import (
    ALLOCATE_PROCEEDS,
    BENCHMARKED_PRICE,
    DILUTION,
    PLACEMENT_CHECK,
    PLACEMENT_DISCOUNT,
    PLACEMENT_PROCEEDS,
    THEORETICAL_DILUTION,
    VWAP,
)

__all__ = [
    "ALLOCATE_PROCEEDS",
    "BENCHMARKED_PRICE",
    "DILUTION",
    "PLACEMENT_CHECK",
    "PLACEMENT_DISCOUNT",
    "PLACEMENT_PROCEEDS",
    "THEORETICAL_DILUTION",
    "VWAP",
    "main",
]


def main() -> None:
    """Build the report from the workbook that called (the "Build report" button)."""
    # Imported here, not at the top: the report machinery is heavy and the functions
    # above must load fast every time Excel recalculates with a fresh Python.
    button = importlib.import_module("xl_placement.button")
    button.main()

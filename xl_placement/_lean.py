"""Start-up time of the command line: load openpyxl without NumPy.

openpyxl imports NumPy, when it is installed, only so that cells accept NumPy
numbers; that import is about 140 ms, a third of a one-report run. The command
line never puts NumPy values in a workbook, so its own process loads openpyxl with
NumPy hidden for that one import. NumPy stays importable afterwards (pandas works
as usual); only openpyxl in that process does not know NumPy's number types.
Library users are unaffected: nothing here runs on ``import xl_placement``.
"""

from __future__ import annotations

import sys


def import_openpyxl_without_numpy() -> None:
    """Import openpyxl with NumPy hidden, unless either is already loaded."""
    if "numpy" in sys.modules or "openpyxl" in sys.modules:
        return
    # None in sys.modules makes "import numpy" raise ImportError.
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import openpyxl  # noqa: F401, PLC0415 - the import is the point
    finally:
        del sys.modules["numpy"]

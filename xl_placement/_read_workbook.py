"""Read the defined names of a workbook file with openpyxl, for ``inputs.deal_from_workbook``.

Only values are read (``data_only``: a formula cell gives the value Excel last saved),
VBA is not loaded, and the file goes through the project's safe reader
(``safe_read.load_workbook_safely``): size and zip-bomb checks, XML through defusedxml.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from xl_placement.safe_read import load_workbook_safely

Grid = Sequence[Sequence[object]]


def named_ranges(path: Path) -> dict[str, tuple[str, Callable[[], Grid]]]:
    """The defined names of the workbook at ``path``: each name's address and a reader of its values."""
    book = _load(path)
    ranges: dict[str, tuple[str, Callable[[], Grid]]] = {}
    for name, defined in book.defined_names.items():
        destinations = list(defined.destinations)
        if len(destinations) != 1:
            continue
        sheet, ref = destinations[0]
        if sheet not in book.sheetnames:
            continue
        address = f"{sheet}!{ref.replace('$', '')}"
        ranges[name] = (address, partial(_grid, book[sheet], ref.replace("$", "")))
    return ranges


def _grid(sheet: Any, ref: str) -> Grid:
    found = sheet[ref]
    if not isinstance(found, tuple):
        return [[found.value]]
    return [[cell.value for cell in row] for row in found]


def _load(path: Path) -> Any:
    # Checked first (size, zip bomb, not-a-workbook), then parsed through defusedxml.
    return load_workbook_safely(path, read_only=False, data_only=True, keep_vba=False)

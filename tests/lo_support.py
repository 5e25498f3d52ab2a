"""LibreOffice as the tests' oracle: recalculate a workbook and list the cells that hold errors.

Test-only helpers over ``xl_placement.libreoffice.convert`` (the package itself only converts
to PDF), so the PDF path does not import openpyxl for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from xl_placement.libreoffice import DEFAULT_TIMEOUT, convert, convert_many


def recalculate(xlsx_path: str | Path, out_dir: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Open a workbook in LibreOffice, recalculate every formula and save it as xlsx.

    Args:
        xlsx_path: the workbook (xlsx, xlsm or anything Calc opens).
        out_dir: the folder for the result, created when missing.
        timeout: seconds before LibreOffice is stopped.

    Returns:
        ``out_dir / <stem>.xlsx``, whose cells carry the values LibreOffice calculated.

    Raises:
        DependencyMissingError: LibreOffice is not installed.
        ConversionError: the file is missing, or LibreOffice failed or timed out.
    """
    return convert(xlsx_path, out_dir, "xlsx", timeout=timeout)


def recalculate_many(
    xlsx_paths: Sequence[str | Path], out_dir: str | Path, *, timeout: float = DEFAULT_TIMEOUT
) -> list[Path]:
    """Recalculate several workbooks with one start of LibreOffice (most of a conversion's time).

    Args:
        xlsx_paths: the workbooks; their file names (without extension) must differ.
        out_dir: the folder for the results, created when missing.
        timeout: seconds before LibreOffice is stopped, for the whole batch.

    Returns:
        ``out_dir / <stem>.xlsx`` for each workbook, in the order given.

    Raises:
        DependencyMissingError: LibreOffice is not installed.
        ConversionError: a file is missing, two share a name, or LibreOffice failed or timed out.
    """
    return convert_many(xlsx_paths, out_dir, "xlsx", timeout=timeout)


@dataclass(frozen=True)
class CellError:
    """A cell whose calculated value is an error value such as ``#DIV/0!``."""

    sheet: str
    cell: str
    value: str

    def __str__(self) -> str:
        """Render as ``'Sheet'!A1 = #DIV/0!``."""
        return f"'{self.sheet}'!{self.cell} = {self.value}"


def formula_errors(path: str | Path) -> list[CellError]:
    """List the cells of a calculated workbook that hold an error value.

    Reads the cached values (``data_only``), so run it on LibreOffice's output.

    Args:
        path: a workbook, typically the result of :func:`recalculate`.

    Returns:
        Every cell holding ``#DIV/0!``, ``#NAME?``, ``#REF!``, ``#VALUE!`` or another
        error value, or LibreOffice's ``Err:NNN`` text; empty when there is none.
    """
    book = openpyxl.load_workbook(path, data_only=True)
    try:
        found = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if _is_error(cell.value, cell.data_type):
                        found.append(CellError(sheet.title, cell.coordinate, str(cell.value)))
        return found
    finally:
        book.close()


def _is_error(value: object, data_type: str) -> bool:
    if not isinstance(value, str):
        return False
    if data_type == "e":
        return True
    return value.startswith("Err:") and value[4:].isdigit()

"""LibreOffice as the tests' oracle: recalculate workbooks and list the cells that hold errors.

Test-only helpers over ``xl_placement.libreoffice.convert`` (the package itself only converts
to PDF), so the PDF path does not import openpyxl for them.

Starting LibreOffice is most of a small conversion's time, so the recalculation tests share
ONE start for the whole session: a test module registers the workbooks it needs with
:func:`in_session` (at import, so every collected module has registered before the first
test runs), and the session fixture ``lo_session`` (tests/conftest.py) writes every
registered workbook, recalculates them all in one LibreOffice run and hands each test
module its own results. Identical workbooks (the same bytes) are recalculated once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from coverage_pause import coverage_paused

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


#: Makes a module's workbooks (file name -> bytes); it may write scratch files in the folder given.
Maker = Callable[[Path], dict[str, bytes]]

_MAKERS: dict[str, Maker] = {}


def in_session(maker: Maker) -> Maker:
    """Register a module's workbooks for the session's one LibreOffice run (use as a decorator).

    The test module then reads them with ``lo_session.results(maker)``.
    """
    _MAKERS[_key(maker)] = maker
    return maker


def _key(maker: Maker) -> str:
    return f"{maker.__module__}.{maker.__qualname__}"


@dataclass(frozen=True)
class Recalculated:
    """A workbook as written (``data``, saved at ``source``) and LibreOffice's recalculated copy."""

    data: bytes
    source: Path
    result: Path


class Session:
    """Every registered workbook, recalculated by one start of LibreOffice."""

    def __init__(self, folder: Path, *, timeout: float | None = None) -> None:
        """Make every registered module's workbooks and recalculate them all at once.

        Args:
            folder: an empty scratch folder.
            timeout: seconds for the whole run; by default a minute plus three seconds a workbook.
        """
        sources, results = folder / "sources", folder / "recalculated"
        sources.mkdir()
        made: dict[str, dict[str, bytes]] = {}
        unique: dict[str, Path] = {}  # sha-256 of the bytes -> where they are saved
        for key, maker in list(_MAKERS.items()):
            scratch = folder / "scratch" / str(len(made))
            scratch.mkdir(parents=True)
            made[key] = maker(scratch)
            for name, data in made[key].items():
                digest = hashlib.sha256(data).hexdigest()
                if digest not in unique:
                    # a number for a stem: names from different modules may clash; a name without a
                    # suffix is a report (LibreOffice picks its import filter by the file's suffix)
                    unique[digest] = sources / f"{len(unique):04}{Path(name).suffix or '.xlsx'}"
                    unique[digest].write_bytes(data)
        paths = list(unique.values())
        budget = timeout if timeout is not None else 60 + 3 * len(paths)
        done = dict(zip(paths, recalculate_many(paths, results, timeout=budget), strict=True))
        self._results = {
            key: {
                name: Recalculated(data, unique[digest], done[unique[digest]])
                for name, data in books.items()
                for digest in [hashlib.sha256(data).hexdigest()]
            }
            for key, books in made.items()
        }

    def results(self, maker: Maker) -> dict[str, Recalculated]:
        """The workbooks ``maker`` made, by name, each with LibreOffice's recalculated copy."""
        return self._results[_key(maker)]


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
    with coverage_paused():  # only openpyxl runs here: no package line to measure, half the time
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

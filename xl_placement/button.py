"""The "Build report" button of placement.xlsm.

The button's macro ``BuildReport`` runs ``placement.main()`` through xlwings'
``RunPython``, which calls ``main()`` here. It reads the deal from the calling
workbook's Inputs sheet as it is on screen (saved or not), builds the report with the
same generator as the command line, saves it as ``<workbook name> report.xlsx`` in
the workbook's folder and opens it. Bad input reaches the user as one message box
listing each problem and its cell, never as a Python traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from xl_placement import deal as model
from xl_placement.errors import DealError, PlacementError
from xl_placement.inputs import Cells, Grid, deal_from_cells
from xl_placement.money import in_context

TITLE = "xl-placement: Build report"
MAX_LISTED = 12  # problems listed in the message box; the rest are counted


NOT_FROM_EXCEL = (
    "placement.main() builds the report of the workbook that calls it: run it from the workbook's "
    "Build report button, or use `xl-placement build placement.xlsm`"
)


def main() -> None:
    """Run from the workbook's button: build the report of the calling workbook.

    Raises:
        SystemExit: not called from Excel (one line, no traceback).
    """
    import xlwings as xw  # noqa: PLC0415 - xlwings is only needed when Excel calls

    if not _called_from_excel(xw):
        raise SystemExit(NOT_FROM_EXCEL)
    run(xw.Book.caller())


def _called_from_excel(xw: Any) -> bool:
    """Whether a workbook called: RunPython's ``--from_xl=1`` argument, xlwings' mock caller, or its COM server's caller."""
    if "--from_xl=1" in sys.argv or hasattr(xw.Book, "_mock_caller"):
        return True
    windows = getattr(xw, "_xlwindows", None)
    return getattr(windows, "BOOK_CALLER", None) is not None


def run(book: Any) -> Path | None:
    """Build and open the report of an xlwings ``Book``; show any problem in a message box.

    Returns:
        The report's path, or None when a message box reported a problem instead.
    """
    try:
        deal = deal_from_book(book)
        target = report_path(Path(book.fullname))
        _report_builder()(deal, target, force=True)
    except PlacementError as exc:
        book.app.alert(message(exc), title=TITLE, mode="critical")
        return None
    except Exception as exc:  # noqa: BLE001 - a button must never show a traceback
        text = f"The report could not be built: {type(exc).__name__}: {exc}\n\nPlease report this problem."
        book.app.alert(text, title=TITLE, mode="critical")
        return None
    book.app.books.open(str(target))
    return target


def report_path(workbook: Path) -> Path:
    """Where the button saves the report: ``<workbook name> report.xlsx`` beside the workbook."""
    return workbook.with_name(f"{workbook.stem} report.xlsx")


def message(exc: PlacementError) -> str:
    """One readable message for a message box: a line per problem, the first few listed."""
    if not isinstance(exc, DealError):
        return str(exc)
    problems = [str(problem) for problem in exc.problems]
    count = len(problems)
    head = "The deal on the Inputs sheet has " + ("1 problem:" if count == 1 else f"{count} problems:")
    lines = problems[:MAX_LISTED]
    if count > MAX_LISTED:
        lines.append(f"... and {count - MAX_LISTED} more.")
    return "\n".join([head, "", *lines, "", "Correct the cells named above and press Build report again."])


@in_context
def deal_from_book(book: Any) -> model.Deal:
    """Read the deal from an open xlwings ``Book`` by its defined names.

    Raises:
        DealError: the inputs are invalid (every problem listed, each naming its cell).
    """
    ranges: dict[str, tuple[str, Callable[[], Grid]]] = {}
    for name in book.names:
        try:
            found = name.refers_to_range
        except Exception:  # noqa: BLE001, S112 - a name for a constant or formula is not an input
            continue
        address = f"{found.sheet.name}!{str(found.address).replace('$', '')}"
        ranges[str(name.name)] = (address, _reader(found))
    return deal_from_cells(Cells(ranges), str(book.fullname))


def _reader(found: Any) -> Callable[[], Grid]:
    """Read a name's cells as rows; an error cell (#N/A) arrives as its text, as openpyxl gives it to the CLI.

    Without ``err_to_str`` xlwings turns an error cell into a blank, and a required
    figure that failed to calculate would be taken as not given.
    """

    def read() -> Grid:
        return cast(Grid, found.options(ndim=2, err_to_str=True).value)

    return read


def _report_builder() -> Callable[..., Path]:
    """The report generator shared with the command line (``xl_placement.build_report``)."""
    from xl_placement.api import build_report  # noqa: PLC0415 - loaded only when the button runs

    return build_report

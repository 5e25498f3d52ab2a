"""The "Build report" button: reads the calling workbook, builds the report beside it, reports problems in one message.

Excel does not run here, so the xlwings Book is a stand-in with the same surface
(``fullname``, ``names``, ``app.alert``, ``app.books.open``) whose cells come from
the committed placement.xlsm read with openpyxl. Each name's range is a real xlwings
``Range`` whose cells arrive as COM hands them over and pass xlwings' converters and
the Windows engine's value cleaning (tests/xlwings_windows.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from xlwings_windows import COM_ERRORS, ComRange, com_value, windows_engine, xlwings_range

from xl_placement import button, cli, load_deal
from xl_placement.errors import DealError, Problem

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "placement.xlsm"


ENGINE = windows_engine()


def _Range(sheet, ref):  # noqa: N802 - stands where xlwings' Range class would be called
    """A real xlwings Range over the cells at ``ref``, handed over as COM gives them (see xlwings_windows)."""
    cells = sheet[ref.replace("$", "")]
    cells = cells if isinstance(cells, tuple) else ((cells,),)
    rows = [[_as_excel(c.value) for c in row] for row in cells]
    return xlwings_range(ComRange(com_value(rows), ref, sheet.title), ENGINE)


def _as_excel(value):
    """A cell's value as COM gives it: numbers as floats, dates as datetimes, error cells as COM codes."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str) and value in COM_ERRORS:
        return COM_ERRORS[value]
    return value


class _Name:
    def __init__(self, name, found):
        self.name = name
        self._found = found

    @property
    def refers_to_range(self):
        if self._found is None:
            raise ValueError("not a range")
        return self._found


class _App:
    def __init__(self):
        self.alerts: list[tuple[str, str]] = []
        self.opened: list[str] = []
        self.books = self

    def alert(self, prompt, title="", mode=None):
        assert mode == "critical"
        self.alerts.append((title, prompt))

    def open(self, path):
        self.opened.append(path)


class FakeBook:
    def __init__(self, path: Path, changes: dict[str, object] | None = None):
        book = openpyxl.load_workbook(COMMITTED)
        self.fullname = str(path)
        self.app = _App()
        self.names = [_Name("a_constant", None)]
        for name, defined in book.defined_names.items():
            sheet, ref = next(iter(defined.destinations))
            if name in (changes or {}):
                book[sheet][ref.replace("$", "").split(":")[0]] = changes[name]
            self.names.append(_Name(name, _Range(book[sheet], ref)))


@pytest.fixture
def written(monkeypatch):
    """Stand in for the report generator; record what it was asked to write."""
    calls = []

    def build_report(deal, path, *, force=False):
        calls.append((deal, Path(path), force))
        Path(path).write_bytes(b"report")
        return Path(path)

    monkeypatch.setattr(button, "_report_builder", lambda: build_report)
    return calls


def test_button_builds_the_report_beside_the_workbook_and_opens_it(tmp_path, written):
    """With the demo inputs the report of the demo deal is written as '<name> report.xlsx' and opened."""
    book = FakeBook(tmp_path / "Project Falcon.xlsm")
    result = button.run(book)
    expected = tmp_path / "Project Falcon report.xlsx"
    assert result == expected
    deal, path, force = written[0]
    assert (path, force) == (expected, True)
    demo = load_deal(ROOT / "examples" / "sensetime.toml")
    assert dataclasses.replace(deal, source="") == dataclasses.replace(demo, source="")
    assert book.app.opened == [str(expected)]
    assert book.app.alerts == []


def test_bad_inputs_give_one_message_naming_each_cell(tmp_path, written):
    """A bad price and a blank name give one message box listing both cells, and no report."""
    book = FakeBook(tmp_path / "placement.xlsm", {"placing_price": "abc", "issuer_name": None})
    assert button.run(book) is None
    assert written == []
    assert book.app.opened == []
    [(title, text)] = book.app.alerts
    assert title == button.TITLE
    assert text.startswith("The deal on the Inputs sheet has 2 problems:")
    assert "placing.price (cell Inputs!" in text
    assert "issuer.name (cell Inputs!" in text
    assert "Traceback" not in text


def test_an_unexpected_failure_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    """A failure inside the generator still reaches the user as one message box line."""

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(button, "_report_builder", lambda: broken)
    book = FakeBook(tmp_path / "placement.xlsm")
    assert button.run(book) is None
    [(_, text)] = book.app.alerts
    assert "RuntimeError: disk on fire" in text
    assert "Traceback" not in text


def test_message_lists_at_most_twelve_problems():
    """Twenty problems show the first twelve and a count of the rest."""
    error = DealError([Problem(f"stated.x{i}", i, "is wrong") for i in range(20)], "deal.xlsm")
    text = button.message(error)
    assert "stated.x11 = 11: is wrong" in text
    assert "stated.x12" not in text
    assert "... and 8 more." in text


def test_report_path_follows_the_workbook_name():
    """The report of 'Project Falcon.xlsm' is 'Project Falcon report.xlsx' in the same folder."""
    assert button.report_path(Path("/deals/Project Falcon.xlsm")) == Path("/deals/Project Falcon report.xlsx")


def test_button_writes_the_same_report_as_the_command_line(tmp_path, capsys):
    """With the real generator the button's report equals ``xl-placement build examples/sensetime.toml``'s."""
    book = FakeBook(tmp_path / "placement.xlsm")
    written = button.run(book)
    assert written == tmp_path / "placement report.xlsx"
    from_cli = tmp_path / "cli.xlsx"
    assert cli.main(["build", str(ROOT / "examples" / "sensetime.toml"), "-o", str(from_cli)]) == 0
    capsys.readouterr()
    assert written.read_bytes() == from_cli.read_bytes()


def test_a_stock_code_typed_as_a_number_is_refused_with_the_excel_fix(tmp_path, written):
    """A stock code cell holding the number 1211 (a float from Excel, so 0020 would have lost its zeros) is
    refused in the message box, naming the cell and saying to format it as Text; no report is built."""
    book = FakeBook(tmp_path / "placement.xlsm", {"issuer_stock_code": 1211})
    button.run(book)
    assert written == []
    [(_, text)] = book.app.alerts
    assert "issuer.stock_code (cell Inputs!" in text
    assert "format the cell as Text" in text


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#REF!"])
def test_an_error_cell_stops_the_build_with_the_command_lines_message(tmp_path, written, capsys, error):
    """An error in a figure cell (5-day average close) is an error, not a blank: the button and the CLI say the same line."""
    changes = {"market_average_close_5d": error}
    book = FakeBook(tmp_path / "placement.xlsm", changes)
    assert button.run(book) is None
    assert written == []
    [(_, text)] = book.app.alerts
    saved = tmp_path / "saved.xlsx"
    workbook = openpyxl.load_workbook(COMMITTED)
    for name, value in changes.items():
        sheet, ref = next(iter(workbook.defined_names[name].destinations))
        workbook[sheet][ref.replace("$", "")] = value
    workbook.save(saved)
    assert cli.main(["build", str(saved), "-o", str(tmp_path / "cli.xlsx")]) != 0
    from_cli = capsys.readouterr().err
    line = next(line for line in text.splitlines() if line.startswith("market.average_close_5d"))
    assert re.fullmatch(
        rf"market\.average_close_5d \(cell Inputs!B\d+\) = '{re.escape(error)}': must be a number", line
    )
    assert line in from_cli


def test_main_outside_excel_exits_with_one_line():
    """`python -c "import placement; placement.main()"` outside Excel ends with one line and exit code 1, no traceback."""
    run = subprocess.run(
        [sys.executable, "-c", "import placement; placement.main()"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.splitlines() == [button.NOT_FROM_EXCEL]
    assert (
        "run it from the workbook's Build report button, or use `xl-placement build placement.xlsm`"
        in run.stderr
    )


def test_main_from_runpython_builds_the_calling_workbook(tmp_path, written, monkeypatch):
    """With RunPython's --from_xl=1 argument, main() builds the report of xlwings' calling book."""
    import xlwings as xw  # noqa: PLC0415 - only this test needs xlwings' Book

    book = FakeBook(tmp_path / "Deal.xlsm")
    monkeypatch.setattr(sys, "argv", ["-c", "--wb=Deal.xlsm", "--from_xl=1", "--hwnd=1"])
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda _cls: book))
    button.main()
    assert [path for _, path, _ in written] == [tmp_path / "Deal report.xlsx"]

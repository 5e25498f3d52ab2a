"""The "Build report" button: reads the calling workbook, builds the report beside it, reports problems in one message.

Excel does not run here, so the xlwings Book is a stand-in with the same surface
(``fullname``, ``names``, ``app.alert``, ``app.books.open``) whose cells come from
the committed placement.xlsm read with openpyxl.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from xl_placement import button, cli
from xl_placement.dealfile import load_deal
from xl_placement.errors import DealError, Problem

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "placement.xlsm"


class _Range:
    def __init__(self, sheet, ref):
        self.sheet = type("Sheet", (), {"name": sheet.title})()
        self.address = ref
        self._cells = sheet[ref.replace("$", "")]

    def options(self, ndim):
        assert ndim == 2
        return self

    @property
    def value(self):
        cells = self._cells if isinstance(self._cells, tuple) else ((self._cells,),)
        # xlwings gives numbers as floats and dates as datetimes, as Excel holds them
        return [[_as_excel(c.value) for c in row] for row in cells]


def _as_excel(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
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

"""xlwings Lite's "Build report" script, and what xlwings Lite makes of the functions' results.

The script (lite/main.py's ``build_report``, ``xl_placement.lite``) runs here against a
recording stand-in for the Book xlwings Lite hands a script (tests/lite_book.py), over
placement.xlsm's own Inputs sheet; what it writes must be the openpyxl report's cells:
every value and formula, number format and defined name. tests/test_pyodide.py runs
the same inside Pyodide. xlwings Lite's own value conversion (``xlwings/pro/_xlofficejs.py``,
which needs a licence to import) is read from xlwings' source file and run as written.
"""

from __future__ import annotations

import ast
import datetime as dt
import runpy
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings
from lite_book import FakeBook, differences

import placement
from xl_placement import excel, lite
from xl_placement.figures import compute
from xl_placement.inputs import deal_from_workbook
from xl_placement.report.build import render_report

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "placement.xlsm"


def demo_book() -> FakeBook:
    """placement.xlsm as xlwings Lite would hand it to a script: its sheets, names and cell values."""
    return FakeBook(openpyxl.load_workbook(WORKBOOK, data_only=True))


def the_report() -> Any:
    """The report the command line builds from placement.xlsm, opened with openpyxl."""
    return openpyxl.load_workbook(BytesIO(render_report(compute(deal_from_workbook(WORKBOOK)))))


def test_build_report_writes_the_reports_cells_into_the_workbook():
    """The script writes every sheet of the report into the workbook: same values, formulas, formats and names."""
    book = demo_book()
    script = runpy.run_path(str(ROOT / "lite" / "main.py"))["build_report"]
    script(book)
    record = book.record()
    assert record["alerts"] == []
    assert differences(record, the_report(), lite.LEFT_OUT, lite.GAP) == []
    assert [
        entry for entry in record["log"] if entry[0] != "add sheet"
    ] == []  # nothing of the user's replaced
    formulas = [
        c["value"]
        for cells in record["written"].values()
        for c in cells.values()
        if str(c.get("value")).startswith("=")
    ]
    assert "=Gross" in formulas  # live formulas on the report's names, not values


def test_build_report_again_replaces_its_own_sheets_and_names():
    """Run twice, the script replaces the sheets and names it wrote, and writes the same cells."""
    book = demo_book()
    first = lite.build_in_book(book)
    lite.build_in_book(book)
    log = book.record()["log"]
    assert [name for kind, name in log if kind == "delete sheet"] == first
    assert len([1 for kind, _ in log if kind == "delete name"]) == len(the_report().defined_names)
    assert differences(book.record(), the_report(), lite.LEFT_OUT, lite.GAP) == []


def test_bad_inputs_give_one_message_and_write_nothing():
    """An invalid input on the Inputs sheet shows the button's message naming the cell; no sheet is written."""
    source = openpyxl.load_workbook(WORKBOOK, data_only=True)
    price = source.defined_names["placing_price"]
    sheet, cell = next(iter(price.destinations))
    source[sheet][cell.replace("$", "")].value = "abc"
    book = FakeBook(source)
    assert lite.run(book) == []
    [alert] = book.record()["alerts"]
    assert "Inputs!" + cell.replace("$", "") in alert
    assert book.record()["log"] == []


def test_a_logo_on_the_inputs_sheet_is_left_out_not_an_error():
    """xlwings Lite cannot read a logo file or place an image: a logo cell is left out, as LEFT_OUT says."""
    source = openpyxl.load_workbook(WORKBOOK, data_only=True)
    sheet, cell = next(iter(source.defined_names["report_logo"].destinations))
    source[sheet][cell.replace("$", "")].value = "no such logo.png"
    book = FakeBook(source)
    assert lite.run(book) != []
    assert book.record()["alerts"] == []
    assert "logo" in lite.LEFT_OUT
    assert differences(book.record(), the_report(), lite.LEFT_OUT, lite.GAP) == []


# --- what xlwings Lite does with a function's result and with a date cell --------------------


def officejs_engine() -> dict[str, Any]:
    """xlwings Lite's value conversion, the functions of ``xlwings/pro/_xlofficejs.py`` as installed."""
    source = (Path(xlwings.__file__).parent / "pro" / "_xlofficejs.py").read_text(encoding="utf-8")
    wanted = {
        "errorstr_to_errortype",
        "_clean_value_data_element",
        "_is_jsnull",
        "datetime_to_formatted_number",
    }
    nodes = [n for n in ast.parse(source).body if getattr(n, "name", None) in wanted]
    assert len(nodes) == len(wanted), "xlwings' _xlofficejs.py no longer has these functions"
    namespace: dict[str, Any] = {"utils": xlwings.utils, "dt": dt}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), "xlwings/pro/_xlofficejs.py", "exec"), namespace)  # noqa: S102 - xlwings' own code
    return namespace


def test_an_input_error_comes_back_as_a_real_error_value_in_xlwings_lite():
    """#N/A in gives the text "#N/A" back, which xlwings Lite writes as Excel's #N/A error itself (not text)."""
    result = placement.PLACEMENT_DISCOUNT(1.91, "#N/A")
    assert result == "#N/A"
    engine = officejs_engine()
    assert engine["errorstr_to_errortype"](result, "1.4") == {"type": "Error", "errorType": "NotAvailable"}
    # A message is not an error text: xlwings Lite would write it as text, so there it is raised instead.
    assert (
        engine["errorstr_to_errortype"]("#VALUE! price is blank; give a value", "1.4")
        == "#VALUE! price is blank; give a value"
    )


def test_in_xlwings_lite_a_problem_is_raised_as_one_line(monkeypatch):
    """Where xlwings Lite runs the functions, a bad argument raises one line (a #VALUE! error with that message)."""
    monkeypatch.setattr(excel, "RAISES_ERRORS", True)
    with pytest.raises(excel.FunctionError) as raised:
        placement.PLACEMENT_DISCOUNT(-1.0, 2.09)
    assert str(raised.value) == "price must be a positive number, got -1"
    assert placement.PLACEMENT_DISCOUNT(1.91, "#N/A") == "#N/A"  # an error value is still given back


def test_xlwings_lite_hands_a_date_cell_over_as_its_serial_number():
    """What the functions cannot refuse in xlwings Lite: a date cell arrives as a number, even formatted as a date."""
    clean = officejs_engine()["_clean_value_data_element"]
    formatted = {"type": "FormattedNumber", "basicValue": 45946.0, "numberFormat": "yyyy-mm-dd"}
    assert clean(formatted, None, None, None, True) == 45946.0
    assert clean(45946.0, None, None, None, True) == 45946.0
    # So PLACEMENT_DISCOUNT computes with it, as documented (the classic add-in refuses the date).
    assert isinstance(placement.PLACEMENT_DISCOUNT(45946.0, 2.09), float)


def test_without_xlwings_the_script_is_a_plain_function():
    """Outside Excel, lite/main.py's decorators leave the script and the functions as plain Python functions."""
    from xl_placement import _no_xlwings  # noqa: PLC0415

    def script(book):
        return book

    assert _no_xlwings.script(script) is script
    assert _no_xlwings.script(name="Build report")(script) is script

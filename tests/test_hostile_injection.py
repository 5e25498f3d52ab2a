"""Formula injection: text from a deal stays inert text in every workbook and CSV xl-placement writes.

A deal whose every text field looks like a formula, an error value or a DDE payload is
built into the report, the batch summaries and the placement workbook. Each workbook's
formulas (cells, defined names, charts, validations) must be exactly those of the same
report built from a harmless twin deal of the same shape, and no cell may be an error.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest

from xl_placement import batch
from xl_placement.checks import check_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import compute
from xl_placement.report import render_report
from xl_placement.workbook import workbook_bytes

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"

# Text fields: path -> (hostile value, harmless value of the same shape).
TEXTS: dict[tuple[str | int, ...], tuple[str, str]] = {
    ("issuer", "name"): (HYPERLINK, "Twin Holdings Ltd"),
    ("issuer", "stock_code"): ("=1+1", "0001"),
    ("issuer", "share_class"): ("@SUM(A1:A9)", "B"),
    ("placing", "agents", 0): ("+1+1", "Agent One"),
    ("placing", "agents", 1): ("-1-1", "Agent Two"),
    ("placing", "agents", 2): ("\t=2+2", "Agent Three"),
    ("placing", "agents", 3): ("\r=3+3", "Agent Four"),
    ("placing", "agents", 4): ("#N/A", "Agent Five"),
    ("placing", "offering"): (DDE, "Regulation S"),
    ("fx", "source"): ("#DIV/0!", "a stated rate"),
    ("proceeds", "uses", 0, "name"): ("#N/A", "Use one"),
    ("proceeds", "uses", 1, "name"): (DDE, "Use two"),
    ("proceeds", "uses", 2, "name"): ("+SUM(1,2)", "Use three"),
    ("proceeds", "uses", 3, "name"): ("-2+3", "Use four"),
    ("shareholders", 0, "name"): ("@A1", "Holder one"),
    ("shareholders", 1, "name"): ("#REF!", "Holder two"),
    ("shareholders", 2, "name"): (HYPERLINK.replace("y", "z"), "Holder three"),
}

SHAPE: dict[str, Any] = {
    "issuer": {"name": "", "stock_code": "", "exchange": "HKEX", "currency": "HKD", "share_class": ""},
    "placing": {
        "agents": ["", "", "", "", ""],
        "offering": "",
        "new_shares": 100_000_000,
        "price": "1.80",
        "shares_outstanding": 1_000_000_000,
    },
    "market": {"last_close": "2.00", "average_close_5d": "1.95"},
    "costs": {"commission_rate": "2%", "other_costs": 1_000_000},
    "fx": {"quote_currency": "USD", "rate": "7.8", "source": ""},
    "proceeds": {"basis": "net", "uses": [{"name": "", "share": "0.25"} for _ in range(4)]},
    "shareholders": [
        {"name": "", "shares": 300_000_000},
        {"name": "", "shares": 50},
        {"name": "", "shares": 10},
    ],
}

FORMULA_ELEMENTS = ("f", "definedName", "formula", "formula1", "formula2")


def _deal_mapping(which: int) -> dict[str, Any]:
    """The shape filled with the hostile (0) or harmless (1) texts."""
    data = copy.deepcopy(SHAPE)
    for path, values in TEXTS.items():
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = values[which]
    return data


def _inert(text: str) -> str:
    """The text as validation keeps it: surrounding whitespace (a leading tab or CR) is trimmed."""
    return text.strip()


HOSTILE = sorted({_inert(hostile) for hostile, _ in TEXTS.values()})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _formulas(data: bytes) -> dict[str, list[tuple[str, str]]]:
    """Per XML part: (cell reference or element name, formula text) of every formula-bearing element."""
    found: dict[str, list[tuple[str, str]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not name.endswith(".xml"):
                continue
            root = ElementTree.fromstring(package.read(name))  # noqa: S314 - our own output
            entries = []
            for cell in root.iter():
                if _local(cell.tag) == "c":
                    for child in cell:
                        if _local(child.tag) == "f":
                            entries.append((cell.get("r", ""), child.text or ""))
                elif _local(cell.tag) in FORMULA_ELEMENTS[1:] or (
                    _local(cell.tag) == "f" and name.startswith("xl/charts/")
                ):
                    entries.append((_local(cell.tag), cell.text or ""))
            if entries:
                found[name] = entries
    return found


def _error_cells(data: bytes) -> list[tuple[str, str]]:
    """(part, cell) of every cell typed as an error value (t="e")."""
    errors = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                root = ElementTree.fromstring(package.read(name))  # noqa: S314 - our own output
                errors += [
                    (name, c.get("r", "")) for c in root.iter() if _local(c.tag) == "c" and c.get("t") == "e"
                ]
    return errors


def _all_text(data: bytes) -> str:
    """Every text node of every XML part, joined: where inert strings must show up."""
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                root = ElementTree.fromstring(package.read(name))  # noqa: S314 - our own output
                texts += [node.text for node in root.iter() if node.text]
    return "\n".join(texts)


def _assert_inert(hostile: bytes, twin: bytes, expected_texts: list[str]) -> None:
    """Same formulas as the harmless twin, none holding a hostile text, no error cells but a blank input's, texts present."""
    formulas = _formulas(hostile)
    assert formulas  # the scan found the generator's own formulas (or the summary's filter)
    assert formulas == _formulas(twin)
    for entries in formulas.values():
        for _, formula in entries:
            assert not any(text.lstrip("=") in formula for text in HOSTILE if len(text) > 4), formula
    # The only error values allowed are the twin's too: a formula whose input the deal leaves
    # blank caches the error the spreadsheet gives (#DIV/0!), never a hostile error literal.
    errors = _error_cells(hostile)
    assert errors == _error_cells(twin)
    cells = {(part, ref): formula for part, entries in formulas.items() for ref, formula in entries}
    for error in errors:
        assert "market_average_close_30d" in cells[error], error  # SHAPE gives no 30-day average
    shown = _all_text(hostile)
    missing = [text for text in expected_texts if text not in shown]
    assert missing == []


def test_the_scan_catches_what_a_naive_writer_does():
    """openpyxl writing the same texts naively makes a formula and an error cell, and the scan sees both."""
    book = openpyxl.Workbook()
    book.active["A1"] = HYPERLINK
    book.active["A2"] = "#N/A"
    stream = io.BytesIO()
    book.save(stream)
    naive = stream.getvalue()
    assert _formulas(naive) == {"xl/worksheets/sheet1.xml": [("A1", HYPERLINK[1:])]}
    assert _error_cells(naive) == [("xl/worksheets/sheet1.xml", "A2")]


@pytest.fixture(scope="module")
def deals():
    """The hostile deal and its harmless twin, validated like any deal file."""
    return deal_from_mapping(_deal_mapping(0), "hostile"), deal_from_mapping(_deal_mapping(1), "twin")


def test_hostile_texts_are_accepted_as_text_with_only_surrounding_whitespace_trimmed(deals):
    """Formula-like text passes validation unchanged except for a leading tab or CR, which is trimmed."""
    hostile, _ = deals
    assert hostile.issuer.name == HYPERLINK
    assert hostile.placing.agents == ("+1+1", "-1-1", "=2+2", "=3+3", "#N/A")
    assert [use.name for use in hostile.proceeds.uses] == ["#N/A", DDE, "+SUM(1,2)", "-2+3"]


@pytest.mark.parametrize("text", ["=1\t+1", "=1\r+1", "=1\n+1", "@\x00A1", "\x1b[31m"])
def test_control_characters_inside_text_are_refused(text):
    """A tab, CR, line feed, NUL or escape inside a name is refused with one line naming the field."""
    data = _deal_mapping(1)
    data["issuer"]["name"] = text
    with pytest.raises(
        DealError, match=r"^hostile: issuer\.name = .*: must be one line of text with no control"
    ):
        deal_from_mapping(data, "hostile")


def test_report_holds_no_injected_formula_and_no_error_cell(deals):
    """The report of the hostile deal has exactly the twin's formulas, no error cells, and the texts as text."""
    hostile, twin = deals
    reports = [render_report(compute(deal), check_deal(compute(deal))) for deal in (hostile, twin)]
    _assert_inert(*reports, HOSTILE)


def test_placement_workbook_holds_no_injected_formula_and_no_error_cell(deals):
    """placement.xlsm filled with the hostile deal has exactly the twin's formulas and every text as text."""
    hostile, twin = deals
    books = [workbook_bytes(deal=deal) for deal in (hostile, twin)]
    _assert_inert(*books, HOSTILE)


def _outcome(deal_data: dict[str, Any], tmp_path: Path, name: str) -> batch.Outcome:
    job = batch.Job(f"{name}.csv row 2", 2, deal_data, None, tmp_path / f"{name}.xlsx")
    outcome = batch.run_job(job)
    assert outcome.status != batch.ERROR, outcome.error
    return outcome


def test_batch_summary_xlsx_holds_no_formula_and_no_error_cell(tmp_path):
    """summary.xlsx for the hostile deal has no formulas at all (nor the twin's), no errors, and the texts as text."""
    outcomes = [
        _outcome(_deal_mapping(which), tmp_path, name) for which, name in ((0, "hostile"), (1, "twin"))
    ]
    hostile, twin = (batch.summary_xlsx([o]) for o in outcomes)
    # Only the defined names of the filter, the print area and the heading row printed on every page.
    entries = [entry for found in _formulas(twin).values() for entry in found]
    assert [kind for kind, _ in entries] == ["definedName"] * 3
    last = openpyxl.utils.get_column_letter(len(batch.SUMMARY_COLUMNS))
    assert sorted(text for _, text in entries) == [
        "Summary!$1:$1",
        f"Summary!$A$1:${last}$2",
        f"Summary!$A$1:${last}$2",
    ]
    _assert_inert(hostile, twin, [HYPERLINK, "=1+1"])
    # A failed row's message repeats the hostile value: still text.
    failed = batch.Outcome("x.csv row 3", 3, batch.ERROR, error="=1+1: " + DDE)
    assert _formulas(batch.summary_xlsx([failed])) == _formulas(batch.summary_xlsx([outcomes[1]]))


def test_batch_summary_csv_neutralises_formula_text(tmp_path):
    """Every summary.csv cell that a spreadsheet would run (= + - @ tab CR first) starts with an apostrophe."""
    outcome = _outcome(_deal_mapping(0), tmp_path, "hostile")
    failed = batch.Outcome("@x.csv row 3", 3, batch.ERROR, error="-1+1 " + DDE)
    text = batch.summary_csv([outcome, failed]).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    cells = [cell for row in rows for cell in row.values()]
    dangerous = [c for c in cells if re.match(r"[=+\-@\t\r]", c) and not _is_number(c)]
    assert dangerous == []
    assert rows[0]["issuer"] == "'" + HYPERLINK
    assert rows[0]["stock code"] == "'=1+1"
    assert rows[1]["source"] == "'@x.csv row 3"


def _is_number(cell: str) -> bool:
    """A negative number (a premium) is a number, not a formula."""
    return re.fullmatch(r"-?\d+(\.\d+)?", cell) is not None


def test_ampersand_codes_in_a_name_stay_text_in_the_page_footer():
    """An issuer named "AT&T &Z&F" prints as that text: footer codes (&Z path, &F file name) are doubled, not run."""
    data = _deal_mapping(1)
    data["issuer"]["name"] = "AT&T &Z&F"
    report = render_report(compute(deal_from_mapping(data, "footer")))
    with zipfile.ZipFile(io.BytesIO(report)) as package:
        footers = [
            node.text or ""
            for name in package.namelist()
            if name.startswith("xl/worksheets/sheet")
            for node in ElementTree.fromstring(package.read(name)).iter()  # noqa: S314 - our own output
            if _local(node.tag) == "oddFooter"
        ]
    assert footers
    assert all("AT&&T &&Z&&F" in footer for footer in footers)
    assert not any(re.search(r"(?<!&)&[ZF]", footer.replace("&&", "")) for footer in footers)

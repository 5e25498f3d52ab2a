"""The report workbook: published figures, live formulas with cached values, banker conventions, safe text."""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_support import (
    EXAMPLES,
    figures_of,
    find_row,
    formulas,
    history_deal,
    hostile,
    named,
    named_cell,
    render,
    values,
)

import xl_placement.formulas
from xl_placement import build_report, load_deal
from xl_placement.checks import check_deal
from xl_placement.cli import main
from xl_placement.errors import OutputExistsError
from xl_placement.money import allocate
from xl_placement.report import render_report
from xl_placement.report.proceeds_sheet import workings

ALLOWED_FUNCTIONS = {
    "ROUND", "ROUNDUP", "INT", "MOD", "SUM", "SUMPRODUCT", "MAX", "MIN", "ROW", "IF", "AND", "CHAR", "FIXED",
}  # fmt: skip
INPUT_NAMES = (
    "NewShares",
    "Price",
    "SharesOutstanding",
    "CommissionRate",
    "OtherCosts",
    "FxRate",
    "AllocDecimals",
)
BLUE, BLACK = "FF0000FF", "FF000000"


@pytest.fixture(scope="module")
def demo() -> bytes:
    return render("sensetime")


def test_demo_deal_sheet_shows_the_published_figures(demo):
    """Discounts 8.6/5.5/6.8%, 4.21% of existing and 4.04% of enlarged, HK$3,247m and US$415.2m, as announced."""
    book = values(demo)
    sheet = book["Deal sheet"]
    discounts = {
        label: sheet.cell(find_row(sheet, label), 4).value
        for label in ("Last close", "5-day average close", "30-day average close")
    }
    assert round(discounts["Last close"] * 100, 1) == 8.6
    assert round(discounts["5-day average close"] * 100, 1) == 5.5
    assert round(discounts["30-day average close"] * 100, 1) == 6.8
    assert round(named(book, "PctExisting") * 100, 2) == 4.21
    assert round(named(book, "PctEnlarged") * 100, 2) == 4.04
    assert named(book, "Gross") == 3_247_000_000
    assert round(named(book, "GrossQuote") / 1e6, 1) == 415.2
    assert named(book, "NetPerShare") == pytest.approx(1.91)
    assert named(book, "CostsNote") == "No costs: net proceeds equal gross proceeds."
    assert named(book, "IssuerName") == "SenseTime Group Inc."
    assert named(book, "Placees") == "Not less than six independent placees"


def test_byd_deal_sheet_shows_the_published_figures():
    """BYD: gross about HK$43,509m, net HK$43,383m, 4.46%/4.27% of all shares and 11.82%/10.57% of H shares."""
    book = values(render("byd"))
    assert round(named(book, "Gross") / 1e6) == 43_509
    assert named(book, "Net") == pytest.approx(named(book, "Gross") - 126_000_000, abs=0.005)
    assert round(named(book, "Net") / 1e6) == 43_383
    assert round(named(book, "PctExisting") * 100, 2) == 4.46
    assert round(named(book, "PctEnlarged") * 100, 2) == 4.27
    assert round(named(book, "PctExistingClass") * 100, 2) == 11.82
    assert round(named(book, "PctEnlargedClass") * 100, 2) == 10.57
    sheet = book["Deal sheet"]
    assert round(sheet.cell(find_row(sheet, "Last close"), 4).value * 100, 1) == 7.8
    assert round(sheet.cell(find_row(sheet, "5-day average close"), 4).value * 100, 1) == 12.3
    assert round(sheet.cell(find_row(sheet, "10-day average close"), 4).value * 100, 1) == 11.8


@pytest.mark.parametrize("deal", ["sensetime", "byd", "hostile", "history"])
def test_every_formula_cell_carries_a_value(deal):
    """A reader without a calculation engine sees a value in every formula cell, never a blank."""
    mapping = {"hostile": hostile(), "history": history_deal()}.get(deal, deal)
    data = render(mapping)
    book, cached = formulas(data), values(data)
    cells = [
        (s.title, c.coordinate)
        for s in book.worksheets
        for r in s.iter_rows()
        for c in r
        if c.data_type == "f"
    ]
    assert len(cells) > 40
    blanks = [f"{t}!{ref}" for t, ref in cells if cached[t][ref].value is None]
    assert blanks == []


def test_pandas_reads_the_allocated_amounts_as_numbers(demo):
    """pandas (no calculation engine) reads the use-of-proceeds amounts as numbers adding up to the net proceeds."""
    pd = pytest.importorskip("pandas")
    frame = pd.read_excel(io.BytesIO(demo), sheet_name="Use of proceeds", header=None)
    sheet = values(demo)["Use of proceeds"]
    first, total = find_row(sheet, "Use") + 1, find_row(sheet, "Total")
    amounts = frame.iloc[first - 1 : total - 1, 3].tolist()
    assert amounts == [1_298_800_000, 974_100_000, 649_400_000, 324_700_000]
    assert sum(amounts) == 3_247_000_000


def test_every_formula_is_one_a_user_could_type(demo):
    """Formulas use only everyday functions (ROUND, INT, MOD, SUM, IF, CHAR, FIXED and the like), no array or _xlfn."""
    book = formulas(demo)
    used = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert isinstance(cell.value, str)
                    assert cell.value.startswith("=")
                    assert "_xlfn" not in cell.value
                    assert "{" not in cell.value
                    used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", cell.value))
    assert used <= ALLOWED_FUNCTIONS
    gross = named_cell(book, "Gross").value
    assert gross == "=" + xl_placement.formulas.gross("NewShares", "Price")
    assert gross.startswith("=((NewShares-MOD(NewShares,10^6))/10^6*ROUND(Price*10^6,0)*100")


def test_inputs_are_blue_and_formulas_black(demo):
    """Banker convention: typed inputs are blue values, every formula is black."""
    book = formulas(demo)
    for name in INPUT_NAMES:
        cell = named_cell(book, name)
        assert cell.data_type == "n", name
        assert cell.font.color.rgb == BLUE, name
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert cell.font.color.rgb == BLACK, f"{sheet.title}!{cell.coordinate}"


def test_derived_figures_are_formulas_on_the_inputs(demo):
    """Gross, net, dilution and discounts are native formulas referring to the input cells."""
    book = formulas(demo)
    assert named_cell(book, "Net").value == "=Gross-TotalCosts"
    assert named_cell(book, "PctEnlarged").value == "=NewShares/(SharesOutstanding+NewShares)"
    sheet = book["Deal sheet"]
    row = find_row(sheet, "Last close")
    assert sheet.cell(row, 4).value == f"=1-Price/C{row}"


def test_deal_text_is_never_a_formula():
    """Issuer, agents, uses, holders and the rate source starting with = + - @ # stay text cells."""
    data = render(hostile())
    book = formulas(data)
    assert named_cell(book, "IssuerName").data_type == "s"
    assert named(book, "IssuerName") == '=HYPERLINK("http://example.com","click")'
    assert named(book, "StockCode") == "=1+1"
    assert named(book, "Agents") == "@SUM(A1), #N/A"
    assert named(book, "FxSource") == "=1/0"
    assert named(book, "Offering") == "{{issuer}} & co"  # deal text is not a placeholder
    texts = {"+A", "-B", "=CMD|' /C calc'!A0"}
    found = {c.value for s in book.worksheets for r in s.iter_rows() for c in r if c.value in texts}
    assert found == texts
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert "HYPERLINK" not in cell.value
                    assert "CMD" not in cell.value
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet_xml = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>HYPERLINK" not in sheet_xml
    assert b"<f>CMD" not in sheet_xml


def test_same_deal_gives_identical_bytes():
    """Two renders of the same deal are byte-identical; zip dates and document properties are fixed."""
    first, second = render("sensetime"), render("sensetime")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert package.namelist()[0] == "[Content_Types].xml"
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert "<dc:creator>xl-placement</dc:creator>" in core
    assert "2025-01-01T00:00:00Z" in core


def test_different_deals_give_different_bytes():
    """Determinism is not constancy: a different deal gives a different file."""
    assert render("sensetime") != render("byd")


def test_every_sheet_prints_on_one_landscape_page(demo):
    """Each sheet is set to landscape, fitted to one page wide and one page tall, with a print area."""
    book = formulas(demo)
    assert book.sheetnames == ["Deal sheet", "Use of proceeds", "Shareholding", "Pricing grid", "Checks"]
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1), sheet.title
        assert sheet.print_area, sheet.title


def test_waterfall_chart_is_a_stacked_column_with_an_invisible_base(demo):
    """The use-of-proceeds chart stacks four series; the first (the base) has no fill; there is no legend."""
    with zipfile.ZipFile(io.BytesIO(demo)) as package:
        charts = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
        xml = package.read(charts[0]).decode()
    assert len(charts) == 1
    assert '<c:grouping val="stacked"' in xml or '<grouping val="stacked"' in xml
    first_series = xml[
        xml.index("ser>") : xml.index("</c:ser>") if "</c:ser>" in xml else xml.index("</ser>")
    ]
    assert "noFill" in first_series
    assert xml.count("<c:ser>") + xml.count("<ser>") == 4
    assert 'sourceLinked="0"' in xml


def test_waterfall_data_steps_from_gross_through_net_to_zero(demo):
    """Chart data: gross and net bars and each use as a step (no costs bar for zero costs), the last use ending at zero."""
    book = values(demo)
    sheet = book["Use of proceeds"]
    row = find_row(sheet, "Gross proceeds", column=18)
    labels = [sheet.cell(row + i, 18).value for i in range(6)]
    assert labels[:2] == ["Gross proceeds", "Net proceeds"]  # zero costs: no empty "Costs" slot between
    last = row + 5
    assert sheet.cell(last, 19).value == 0  # base of the last use
    assert sheet.cell(last, 22).value == 324_700_000


def test_long_tables_push_down_what_is_below():
    """Twelve uses and seven holders: totals and the check row move down with their names, and add up."""
    mapping = history_deal()
    mapping["proceeds"]["uses"] = [{"name": f"Use {i}", "share": "8.3333%"} for i in range(11)]
    mapping["proceeds"]["uses"].append({"name": "Use 11", "share": "8.3337%"})
    mapping["proceeds"]["decimals"] = 0
    mapping["shareholders"] = [{"name": f"Holder {i}", "shares": 1_000_000 * (i + 1)} for i in range(7)]
    book = values(render(mapping))
    uses = book["Use of proceeds"]
    first, total = find_row(uses, "Use") + 1, find_row(uses, "Total")
    assert total - first == 12
    assert (
        sum(uses.cell(r, 4).value for r in range(first, total))
        == uses.cell(total, 4).value
        == named(book, "AllocBase")
    )
    (_title, ref), *_ = book.defined_names["AllocCheck"].destinations
    assert int(ref.split("$")[-1]) > total
    assert named(book, "AllocCheck") == 0
    holding = book["Shareholding"]
    rows = [holding.cell(r, 2).value for r in range(6, 6 + 10)]
    assert rows == [*(f"Holder {i}" for i in range(7)), "Placees", "Other public shareholders", "Total"]
    assert holding.cell(15, 3).value == 60_000_000
    assert holding.cell(15, 5).value == 63_000_000


def test_checks_sheet_shows_the_check_deal_results(demo):
    """The Checks sheet lists each rule with its status, each stated figure and each sentence from check_deal."""
    report = check_deal(figures_of("sensetime"))
    sheet = values(demo)["Checks"]
    cells = {c.value for r in sheet.iter_rows() for c in r if c.value is not None}
    for rule in report.rules:
        assert {rule.rule, rule.title, rule.status} <= cells
    for stated in report.stated:
        assert {
            stated.label,
            f"{stated.stated} ({stated.precision})",
            # amounts without their exact figure to the cent beside them
            stated.computed_text.rsplit(" (", 1)[0]
            if stated.key.startswith("gross")
            else stated.computed_text,
            stated.status,
        } <= cells
    assert "HK$3.25bn (to HK$10m)" in cells
    # an amount as computed, rounded to the stated unit's digits: no "(3,247,000,000.00)" beside it
    assert {"HK$3.247bn", "US$415.20m"} <= cells
    assert not any("3,247,000,000.00" in str(c) for c in cells)
    for sentence in report.sentences:
        assert sentence in cells
    assert "matches" in cells


def test_build_report_writes_and_refuses_to_overwrite(tmp_path):
    """build_report saves the workbook; an existing file is kept unless force is given."""
    deal = load_deal(EXAMPLES / "sensetime.toml")
    target = tmp_path / "out" / "report.xlsx"
    assert build_report(deal, target) == target
    assert target.read_bytes() == render_report(figures_of("sensetime"))
    target.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError):
        build_report(deal, target)
    assert target.read_bytes() == b"keep me"
    build_report(deal, target, force=True)
    assert target.read_bytes().startswith(b"PK")


@given(
    base=st.decimals(min_value=0, max_value=10**11, places=2),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8).filter(any),
    decimals=st.integers(min_value=-3, max_value=2),
)
def test_sheet_workings_reproduce_money_allocate(base, weights, decimals):
    """The visible whole-number steps of the sheet's largest-remainder rounding give exactly money.allocate's amounts."""
    total = sum(weights)
    shares = [(Decimal(w) / total).quantize(Decimal("1e-7")) for w in weights]
    if not any(shares):
        return
    steps = workings(base, shares, decimals)
    assert steps is not None
    expected = allocate(base, shares, decimals)
    assert [Decimal(p).scaleb(-decimals) for p in steps.parts] == expected
    assert sum(steps.parts) == steps.units
    # Every number the sheet computes is a whole number below 2^53 (exact in doubles).
    rest = steps.units % steps.total
    assert all(rest * w < 2**53 and steps.units < 10**14 for w in steps.weights)


def test_workings_decline_what_a_spreadsheet_cannot_compute_exactly():
    """Shares with eight decimals, or 10^14 units or more, get figures instead of formulas."""
    assert workings(Decimal(100), [Decimal("0.12345678"), Decimal("0.87654322")], 2) is None
    assert workings(Decimal(10**12), [Decimal("0.5"), Decimal("0.5")], 2) is None
    assert workings(Decimal(10**12 - 1), [Decimal("0.5"), Decimal("0.5")], 2) is not None


def test_command_line_build_writes_the_report(tmp_path, capsys):
    """`xl-placement build deal -o file` (what `make report` runs) writes the report workbook."""
    target = tmp_path / "sensetime.xlsx"
    assert main(["build", str(EXAMPLES / "sensetime.toml"), "-o", str(target)]) == 0
    assert target.read_bytes() == render("sensetime")
    assert str(target) in capsys.readouterr().out


def test_checks_sheet_headline_names_breaches_and_differences():
    """The Checks sheet's headline starts with the outcome word: at HK$1.50 (28% below the last close) "Checks
    failed" naming the breach and the differing figures; the demo "Checks incomplete" naming the unevaluated
    rule; with a mandate limit "Checks passed"."""
    mapping = tomllib.loads((EXAMPLES / "sensetime.toml").read_text())
    mapping["placing"]["price"] = 1.50
    headline = formulas(render(mapping))["Checks"]["B3"].value
    assert headline.startswith("Checks failed: 1 rule breach and ")
    assert "stated figures that differ" in headline
    headline = formulas(render("sensetime"))["Checks"]["B3"].value
    assert headline.startswith(
        "Checks incomplete: 1 check could not be made for want of data (HKEX Rule 13.36(2)(b))"
    )
    mapping = tomllib.loads((EXAMPLES / "sensetime.toml").read_text())
    mapping["placing"]["mandate_limit"] = 8_084_807_600
    mapping["placing"]["mandate_used"] = 0
    headline = formulas(render(mapping))["Checks"]["B3"].value
    assert headline.startswith("Checks passed: every applicable rule passed, and every stated figure matches")


def test_a_premium_is_a_negative_discount_shown_in_brackets():
    """Price 6.41 against a 10-day average of 6.34 (domain.md) is a 1.1% premium: -0.011 shown as (1.10%)."""
    mapping = tomllib.loads((EXAMPLES / "sensetime.toml").read_text())
    mapping["placing"]["price"] = 6.41
    mapping["market"] = {"last_close": 6.50, "average_close_10d": 6.34}
    mapping.pop("stated")
    book = formulas(render(mapping))
    sheet = book["Deal sheet"]
    row = find_row(sheet, "10-day average close")
    assert round(values(render(mapping))["Deal sheet"].cell(row, 4).value, 4) == -0.011
    positive, negative = sheet.cell(row, 4).number_format.split(";")[:2]
    assert negative == "(0.00%)"
    assert positive == "0.00%"

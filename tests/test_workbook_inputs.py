"""Reading the Inputs sheet back: the same deal and figures as the deal file, and problems that name their cell."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xl_placement import cli, load_deal
from xl_placement.deal import ReportSettings, Shareholder
from xl_placement.errors import DealError, UnsafeWorkbookError
from xl_placement.figures import compute
from xl_placement.inputs import deal_from_workbook
from xl_placement.prices import Close
from xl_placement.workbook import build_workbook, demo_deal

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "placement.xlsm"


def _same(a, b):
    """The same deal, wherever it came from, [report] (how the pages are marked) included."""
    plain = {"source": ""}
    return dataclasses.replace(a, **plain) == dataclasses.replace(b, **plain)


def test_committed_workbook_gives_the_demo_deal_and_its_figures():
    """deal_from_workbook("placement.xlsm") equals load_deal("examples/sensetime.toml"), figures included."""
    from_sheet = deal_from_workbook(COMMITTED)
    from_file = load_deal(ROOT / "examples" / "sensetime.toml")
    assert _same(from_sheet, from_file)
    sheet_figures, file_figures = compute(from_sheet), compute(from_file)
    assert dataclasses.replace(sheet_figures, deal=None) == dataclasses.replace(file_figures, deal=None)


def test_demo_figures_match_the_announcement():
    """The workbook's deal gives the published 8.6% discount, 4.04% of enlarged capital and HK$3,247m gross."""
    figures = compute(deal_from_workbook(COMMITTED))
    last = next(r for r in figures.references if r.key == "last_close")
    assert round(last.discount * 1000) == 86
    assert round(figures.percent_of_enlarged * 10000) == 404
    assert figures.proceeds.gross == Decimal("3247000000")


def test_packaged_demo_is_the_example_deal():
    """The workbook's demo (the packaged, commented example-deal.toml that init writes) is examples/sensetime.toml's deal.

    Two texts of one deal on purpose: the package carries the commented one (init and the
    workbook need it without a checkout), the checkout's commands use the short one.
    """
    assert not (ROOT / "xl_placement" / "data" / "sensetime.toml").exists()
    assert _same(demo_deal(), load_deal(ROOT / "examples" / "sensetime.toml"))


def test_a_workbook_built_from_the_byd_deal_reads_back_the_same(tmp_path):
    """A workbook prefilled with the BYD deal (10-day average, class shares, costs) reads back equal."""
    deal = load_deal(ROOT / "examples" / "byd.toml")
    target = build_workbook(tmp_path / "byd.xlsm", deal=deal)
    assert _same(deal_from_workbook(target), deal)


def test_history_shareholders_and_dates_round_trip(tmp_path):
    """A deal with a price history, shareholders, dates and two agents survives the sheet unchanged."""
    deal = load_deal(ROOT / "examples" / "sensetime.toml")
    start = dt.date(2025, 6, 2)
    history = tuple(
        dataclasses.replace(c, date=start + dt.timedelta(days=i))
        for i, c in enumerate(
            _closes([Decimal("2.10"), Decimal("2.05"), Decimal("2.09")], [151_000_000, 0, 99])
        )
    )
    deal = dataclasses.replace(
        deal,
        market=dataclasses.replace(deal.market, history=history),
        placing=dataclasses.replace(
            deal.placing, agents=("HSBC", "Morgan Stanley"), agreement_date=dt.date(2025, 6, 5)
        ),
        shareholders=_holders([("Founder entities", 5_000_000_000), ("SoftBank", 2_000_000_000)]),
    )
    target = build_workbook(tmp_path / "deal.xlsm", deal=deal)
    assert _same(deal_from_workbook(target), deal)


def test_committed_workbook_flags_the_demos_illustrative_parts():
    """The demo's [report] illustrative = ["timetable", "liquidity"] is on the sheet and read back, in order."""
    assert deal_from_workbook(COMMITTED).report == ReportSettings(illustrative=("timetable", "liquidity"))


def test_every_report_field_round_trips(tmp_path):
    """Marking, draft date, disclaimer, logo and three illustrative parts survive the sheet unchanged."""
    (tmp_path / "logo.png").write_bytes(b"not read here")
    report = ReportSettings(
        marking="Confidential; for the board only",
        final=False,
        draft_date=dt.date(2025, 6, 9),
        disclaimer=" ".join(["For discussion only; not an offer of securities."] * 10),
        logo="logo.png",
        illustrative=("market prices", "use of proceeds", "shareholders"),
    )
    deal = dataclasses.replace(load_deal(ROOT / "examples" / "byd.toml"), report=report)
    target = build_workbook(tmp_path / "deal.xlsm", deal=dataclasses.replace(deal, source=""))
    assert deal_from_workbook(target).report == report
    final = dataclasses.replace(deal, report=ReportSettings(final=True), source="")
    assert deal_from_workbook(build_workbook(tmp_path / "final.xlsm", deal=final)).report.final is True


def test_a_logo_is_found_beside_the_workbook(tmp_path):
    """A deal file's logo (relative to the deal file) is rewritten for the workbook's folder and read from there."""
    (tmp_path / "deals" / "art").mkdir(parents=True)
    (tmp_path / "books").mkdir()
    text = (ROOT / "examples" / "sensetime.toml").read_text(encoding="utf-8")
    deal_file = tmp_path / "deals" / "falcon.toml"
    deal_file.write_text(text.replace("[report]\n", '[report]\nlogo = "art/logo.png"\n'), encoding="utf-8")
    deal = load_deal(deal_file)
    assert deal.report.logo == "art/logo.png"
    target = build_workbook(tmp_path / "books" / "Falcon.xlsm", deal=deal)
    read = deal_from_workbook(target)
    assert read.report.logo == "../deals/art/logo.png"
    assert (target.parent / read.report.logo).resolve() == (tmp_path / "deals" / "art" / "logo.png").resolve()
    assert dataclasses.replace(read, source="", report=deal.report) == dataclasses.replace(deal, source="")


def test_an_illustrative_part_not_on_the_list_names_its_cell_and_the_choices(tmp_path):
    """A misspelt part ("timetable; volumes") is refused naming the cell and every accepted choice."""
    target = _edited(tmp_path, {"report_illustrative": "timetable; volumes"})
    with pytest.raises(DealError) as caught:
        deal_from_workbook(target)
    book = openpyxl.load_workbook(COMMITTED)
    cell = next(iter(book.defined_names["report_illustrative"].destinations))[1].replace("$", "")
    assert [p.path for p in caught.value.problems] == [f"report.illustrative (cell Inputs!{cell})"]
    assert (
        '"market prices", "liquidity", "timetable", "costs", "use of proceeds", "shareholders"; '
        "separate several with ;" in str(caught.value)
    )


def test_a_final_report_with_a_draft_date_names_the_date_cell(tmp_path):
    """final = true with a draft date is the deal file's conflict, reported at the sheet's draft-date cell."""
    target = _edited(tmp_path, {"report_final": "true", "report_draft_date": dt.datetime(2025, 6, 9)})
    with pytest.raises(DealError) as caught:
        deal_from_workbook(target)
    book = openpyxl.load_workbook(COMMITTED)
    cell = next(iter(book.defined_names["report_draft_date"].destinations))[1].replace("$", "")
    assert f"report.draft_date (cell Inputs!{cell})" in [p.path for p in caught.value.problems]


def _closes(closes, volumes):
    return [Close(dt.date(2025, 1, 1), c, Decimal(v)) for c, v in zip(closes, volumes, strict=True)]


def _holders(pairs):
    return tuple(Shareholder(name, shares) for name, shares in pairs)


def _edited(tmp_path, changes: dict[str, object]) -> Path:
    book = openpyxl.load_workbook(COMMITTED)
    for name, value in changes.items():
        sheet, ref = next(iter(book.defined_names[name].destinations))
        first = ref.replace("$", "").split(":")[0]
        book[sheet][first] = value
    target = tmp_path / "edited.xlsx"
    book.save(target)
    return target


def test_problems_name_the_field_and_the_sheet_cell(tmp_path):
    """A bad price and a blank issuer name are both reported, each with its field path and its Inputs cell."""
    target = _edited(tmp_path, {"placing_price": "abc", "issuer_name": None})
    with pytest.raises(DealError) as caught:
        deal_from_workbook(target)
    paths = [problem.path for problem in caught.value.problems]
    book = openpyxl.load_workbook(COMMITTED)
    price_cell = next(iter(book.defined_names["placing_price"].destinations))[1].replace("$", "")
    name_cell = next(iter(book.defined_names["issuer_name"].destinations))[1].replace("$", "")
    assert f"placing.price (cell Inputs!{price_cell})" in paths
    assert f"issuer.name (cell Inputs!{name_cell})" in paths
    assert "'abc': must be a number" in str(caught.value)


def test_a_bad_table_row_names_its_row_on_the_sheet(tmp_path):
    """A use whose share is text names the table cell it sits in, not just its index."""
    target = _edited(tmp_path, {"uses_share": "forty"})
    with pytest.raises(DealError) as caught:
        deal_from_workbook(target)
    book = openpyxl.load_workbook(COMMITTED)
    first = next(iter(book.defined_names["uses_share"].destinations))[1].replace("$", "").split(":")[0]
    assert any(f"(cell Inputs!{first})" in problem.path for problem in caught.value.problems)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    """An issuer name typed as "=1+1" is read as the text "=1+1", never evaluated."""
    book = openpyxl.load_workbook(COMMITTED)
    sheet, ref = next(iter(book.defined_names["issuer_name"].destinations))
    book[sheet][ref.replace("$", "")].value = "=1+1"
    book[sheet][ref.replace("$", "")].data_type = "s"
    target = tmp_path / "formula.xlsx"
    book.save(target)
    assert deal_from_workbook(target).issuer.name == "=1+1"


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    """A text file named .xlsm is refused with UnsafeWorkbookError, not a traceback from deep inside openpyxl."""
    fake = tmp_path / "fake.xlsm"
    fake.write_text("not a workbook")
    with pytest.raises(UnsafeWorkbookError):
        deal_from_workbook(fake)


def test_a_workbook_without_inputs_is_one_clear_problem(tmp_path):
    """A plain workbook with no named input cells gives one problem saying what is missing, not a list of fields."""
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(DealError) as caught:
        deal_from_workbook(plain)
    [problem] = caught.value.problems
    assert "has no named input cells" in problem.expected


def test_cli_check_reads_the_workbook_like_the_deal_file(capsys):
    """``xl-placement check placement.xlsm`` prints the same summary as for examples/sensetime.toml."""
    cli.main(["check", str(COMMITTED)])
    from_sheet = capsys.readouterr().out
    cli.main(["check", str(ROOT / "examples" / "sensetime.toml")])
    from_file = capsys.readouterr().out
    assert from_sheet == from_file
    assert "8.6" in from_file


def test_inputs_are_found_by_name_not_position(tmp_path):
    """When a name points elsewhere (as after a person inserts rows), the reader follows the name."""
    book = openpyxl.load_workbook(COMMITTED)
    old = next(iter(book.defined_names["placing_price"].destinations))[1].replace("$", "")
    book["Inputs"][old] = "not read any more"
    book["Inputs"]["Z100"] = 2.5
    book.defined_names["placing_price"].attr_text = "Inputs!$Z$100"
    target = tmp_path / "moved.xlsx"
    book.save(target)
    assert deal_from_workbook(target).placing.price == Decimal("2.5")


def _cell(name: str) -> str:
    book = openpyxl.load_workbook(COMMITTED)
    return next(iter(book.defined_names[name].destinations))[1].replace("$", "")


def test_stock_code_cell_is_formatted_as_text():
    """The stock-code input cell has the Text format (@), so Excel keeps "0020" as typed."""
    book = openpyxl.load_workbook(COMMITTED)
    assert book["Inputs"][_cell("issuer_stock_code")].number_format == "@"


def test_a_stock_code_typed_as_a_number_is_refused_naming_its_cell(tmp_path):
    """A stock code that reached the sheet as the number 20 (zeros lost) is refused with the Excel fix."""
    target = _edited(tmp_path, {"issuer_stock_code": 20})
    with pytest.raises(DealError) as caught:
        deal_from_workbook(target)
    (problem,) = caught.value.problems
    assert problem.path == f"issuer.stock_code (cell Inputs!{_cell('issuer_stock_code')})"
    assert "format the cell as Text" in problem.expected


def test_stated_cells_read_announcement_forms(tmp_path):
    """Stated cells hold text as published: "HK$3.25bn" and "approximately 8.6%" are read like the deal file."""
    target = _edited(
        tmp_path,
        {"stated_gross_proceeds": "HK$3.25bn", "stated_discount_to_last_close": "approximately 8.6%"},
    )
    stated = deal_from_workbook(target).stated
    assert stated["gross_proceeds"].quantum == 10_000_000
    assert stated["discount_to_last_close"].value == Decimal("0.086")


def test_a_stated_rate_typed_without_percent_is_refused_naming_its_cell(tmp_path):
    """A stated discount typed as the number 8.15 is refused with "did you mean "8.15%"?" and its cell."""
    target = _edited(tmp_path, {"stated_discount_to_last_close": 8.15})
    with pytest.raises(DealError) as caught:
        deal_from_workbook(target)
    (problem,) = caught.value.problems
    assert (
        problem.path
        == f"stated.discount_to_last_close (cell Inputs!{_cell('stated_discount_to_last_close')})"
    )
    assert problem.expected == 'a rate above 1 needs a percent sign; did you mean "8.15%"?'

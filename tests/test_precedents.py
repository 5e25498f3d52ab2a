"""Precedent placings: reading the file, computed blanks, filters, statistics, the command line and the API."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
import statistics
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import xl_placement
from xl_placement import cli, load_deal
from xl_placement import precedents as pr
from xl_placement.errors import PrecedentsError
from xl_placement.figures import compute
from xl_placement.report import render_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "precedents.csv"
DEMO = ROOT / "examples" / "sensetime.toml"
MEASURE_COLUMN = {"discount_to_last_close": 11, "percent_of_enlarged": 14, "gross_proceeds_usd": 18}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def example_rows() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _oracle(row: dict[str, str], measure: str) -> float | None:
    """An independent reading of one measure from the example CSV (floats, no project code)."""

    def pct(text: str) -> float | None:
        return float(text.rstrip("%")) / 100 if text else None

    def money(text: str) -> float | None:
        match = re.fullmatch(r"HK\$([0-9,.]+)(m|bn)", text)
        if not match:
            return None
        return float(match[1].replace(",", "")) * (1e6 if match[2] == "m" else 1e9)

    if measure == "discount_to_last_close":
        if row["discount_to_last_close"]:
            return pct(row["discount_to_last_close"])
        if row["price"] and row["last_close"]:
            return 1 - float(row["price"]) / float(row["last_close"])
        return None
    if measure == "percent_of_enlarged":
        if row["percent_of_enlarged"]:
            return pct(row["percent_of_enlarged"])
        existing = pct(row["percent_of_existing"])
        return None if existing is None else existing / (1 + existing)
    gross = money(row["gross_proceeds"])
    if gross is None and row["new_shares"] and row["price"]:
        gross = int(row["new_shares"]) * float(row["price"])
    return None if gross is None or not row["usd_rate"] else gross / float(row["usd_rate"])


def test_the_example_lists_17_hong_kong_placings_with_sources():
    """examples/precedents.csv holds 17 HKEX placings of 2020-2025, each with its source; BYD 2025 as domain.md gives it."""
    rows = example_rows()
    assert len(rows) == 17
    assert all(r["exchange"] == "HKEX" and r["source"].startswith("http") for r in rows)
    assert {r["date"][:4] for r in rows} == {"2020", "2021", "2023", "2024", "2025"}
    byd = next(r for r in rows if r["stock_code"] == "1211" and r["date"] == "2025-03-03")
    assert (byd["price"], byd["last_close"], byd["discount_to_last_close"]) == ("335.20", "363.60", "7.8%")
    assert (byd["percent_of_existing"], byd["percent_of_enlarged"]) == ("4.46%", "4.27%")
    assert (byd["gross_proceeds"], byd["net_proceeds"]) == ("HK$43,509m", "HK$43,383m")


# The example gives no after-market figures (no source found publishes them): those
# measures are tested on hand-written lists in tests/test_precedents_after_market.py.
@pytest.mark.parametrize("measure", [m for m, _ in pr.MEASURES if m not in pr.AFTER_MARKET])
def test_statistics_agree_with_the_statistics_module(measure):
    """Count, min, quartiles (Excel's inclusive method), median, mean and max equal Python's statistics on an independent reading."""
    values = [v for v in (_oracle(r, measure) for r in example_rows()) if v is not None]
    ours = pr.summarise(pr.values_of(pr.read_precedents(EXAMPLE), measure))
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    expected = (
        len(values),
        min(values),
        q1,
        statistics.median(values),
        statistics.fmean(values),
        q3,
        max(values),
    )
    got = (
        ours.count,
        ours.minimum,
        ours.lower_quartile,
        ours.median,
        ours.mean,
        ours.upper_quartile,
        ours.maximum,
    )
    assert got[0] == expected[0]
    assert expected[0] >= 14
    for mine, theirs in zip(got[1:], expected[1:], strict=True):
        assert math.isclose(float(mine), theirs, rel_tol=1e-12)
    assert math.isclose(q2, statistics.median(values), rel_tol=1e-12)


def test_the_example_discount_statistics_match_the_published_range():
    """The example's discounts to last close run from 4.50% to 12.38% (domain.md: roughly 4.5% to 12.4%)."""
    stats = pr.summarise(pr.values_of(pr.read_precedents(EXAMPLE), "discount_to_last_close"))
    assert (stats.minimum, stats.maximum) == (Decimal("0.045"), Decimal("0.1238"))


@given(st.lists(st.decimals(min_value=-1, max_value=10**6, places=4), min_size=2, max_size=40))
def test_quartile_is_excels_inclusive_method(values):
    """For any list, QUARTILE 1 and 3 equal statistics.quantiles(method='inclusive'); 0, 2, 4 are min, median, max."""
    q1, q2, q3 = statistics.quantiles([float(v) for v in values], n=4, method="inclusive")
    for q, expected in ((1, q1), (2, q2), (3, q3)):
        assert math.isclose(float(pr.quartile(values, q)), expected, rel_tol=1e-9, abs_tol=1e-9)
    assert pr.quartile(values, 0) == min(values)
    assert pr.quartile(values, 4) == max(values)


def test_percentile_rank_counts_ties_half():
    """The share below, ties counted half: 2 of [1, 2, 3, 4] is at 37.5%; outside the range gives 0% or 100%."""
    values = [Decimal(v) for v in (1, 2, 3, 4)]
    assert pr.percentile_rank(values, Decimal(2)) == Decimal("0.375")
    assert pr.percentile_rank(values, Decimal(0)) == 0
    assert pr.percentile_rank(values, Decimal(9)) == 1
    assert pr.percentile_rank([], Decimal(1)) is None


def test_blanks_are_computed_and_marked():
    """A blank that follows from other figures is computed and named; published figures are kept as published."""
    rows = {(r.stock_code, r.date.text if r.date else ""): r for r in pr.read_precedents(EXAMPLE)}
    xiaomi = rows[("1810", "2025-03-25")]
    assert xiaomi.gross_proceeds == Decimal("42600000000.00")  # 800m x 53.25, not published
    assert "gross_proceeds" in xiaomi.computed
    assert "discount_to_last_close" not in xiaomi.computed
    assert xiaomi.discount_to_last_close == Decimal("0.066")
    horizon = rows[("9660", "2025-09-25")]
    assert math.isclose(float(horizon.percent_of_enlarged), 0.046 / 1.046, rel_tol=1e-12)
    assert "percent_of_enlarged" in horizon.computed
    geely = rows[("0175", "2020-05-29")]
    assert geely.gross_proceeds == Decimal("6480000000")  # "HK$6.48bn" as published
    assert "gross_proceeds" not in geely.computed


def test_a_month_only_date_is_kept_as_a_month():
    """ "2025-11" stays a month: sorted at the month's end, shown as 2025-11, never turned into a day."""
    selection = pr.load_precedents(EXAMPLE)
    ubtech = next(r for r in selection.rows if r.stock_code == "9880")
    assert ubtech.date is not None
    assert ubtech.date.text == "2025-11"
    assert not ubtech.date.exact
    dates = [r.date.last for r in selection.rows if r.date]
    assert dates == sorted(dates)
    order = [r.stock_code for r in selection.rows]
    assert order.index("6181") < order.index("9880") < order.index("0020", order.index("9880"))


def test_since_inside_a_month_leaves_the_month_only_row_out_and_says_so():
    """--since 2025-11-15 cannot tell whether a "2025-11" deal is before or after: it is left out, with a note."""
    inside = pr.load_precedents(EXAMPLE, since="2025-11-15")
    assert [r.stock_code for r in inside.rows] == ["0020"]
    assert any("month" in note for note in inside.notes)
    before = pr.load_precedents(EXAMPLE, since="2025-11-01")
    assert "9880" in [r.stock_code for r in before.rows]
    assert before.filters == "since 2025-11-01"


def test_exchange_filter_and_empty_selection():
    """--exchange keeps one exchange; a filter that leaves nothing is an error naming the filters."""
    assert len(pr.load_precedents(EXAMPLE, exchange="hkex").rows) == 17
    with pytest.raises(
        PrecedentsError, match=r"no precedents left after the filters \(exchange SGX\) of the 17"
    ):
        pr.load_precedents(EXAMPLE, exchange="SGX")


BAD_CELLS = [
    ("gross_proceeds", "US$3,150m", "US$"),
    ("discount_to_last_close", "8.63", "percent sign"),
    ("date", "2025-13", "YYYY-MM-DD, or YYYY-MM"),
    ("new_shares", "1.5", "whole number"),
    ("price", "-1", "positive"),
    ("kind", "rights issue", '"placing", "top-up", "subscription"'),
    ("percent_of_enlarged", "140%", "below 100%"),
    ("issuer", "", "is empty"),
]


@pytest.mark.parametrize(("column", "value", "expected"), BAD_CELLS)
def test_a_bad_cell_exits_2_naming_file_row_and_column_and_writes_nothing(
    tmp_path, capsys, column, value, expected
):
    """A bad figure in row 4 is refused with exit 2 and a message naming the file, the row and the column; no report is written."""
    rows = example_rows()
    rows[2][column] = value
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "report.xlsx"
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(out), "--precedents", str(bad))
    assert code == 2
    assert f"{bad}, row 4, column {column}" in err
    assert expected in err
    assert "Traceback" not in err
    assert not out.exists()


def test_an_unknown_column_is_refused(tmp_path):
    """A misspelt column (discount_to_last) is refused naming it and listing the columns."""
    bad = tmp_path / "bad.csv"
    bad.write_text("issuer,exchange,currency,discount_to_last\nA,HKEX,HKD,8%\n", encoding="utf-8")
    with pytest.raises(
        PrecedentsError, match=r"row 1, column 4 'discount_to_last': is not a precedents column"
    ):
        pr.read_precedents(bad)


def test_empty_selection_and_filters_without_a_file_exit_2(tmp_path, capsys):
    """An empty selection, and --since without --precedents, exit 2 and write nothing."""
    out = tmp_path / "r.xlsx"
    code, _, err = run(
        capsys, "build", str(DEMO), "-o", str(out), "--precedents", str(EXAMPLE), "--since", "2030-01-01"
    )
    assert code == 2
    assert "no precedents left" in err
    assert not out.exists()
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(out), "--since", "2020-01-01")
    assert code == 2
    assert "give --precedents FILE too" in err
    assert not out.exists()
    code, _, err = run(
        capsys, "build", str(DEMO), "-o", str(out), "--precedents", str(EXAMPLE), "--since", "1/2/2024"
    )
    assert code == 2
    assert "--since '1/2/2024'" in err
    assert not out.exists()


def test_build_with_precedents_says_what_it_used(tmp_path, capsys):
    """build --precedents --since --exchange reports how many rows the filters left, and the report has the sheet."""
    out = tmp_path / "r.xlsx"
    code, stdout, err = run(
        capsys,
        "build",
        str(DEMO),
        "-o",
        str(out),
        "--precedents",
        str(EXAMPLE),
        "--since",
        "2024-01-01",
        "--exchange",
        "HKEX",
    )
    assert (code, err) == (0, "")
    # Counted from the CSV itself: HKEX rows dated from 2024-01-01 and before the demo's agreement date.
    with EXAMPLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kept = [r for r in rows if r["exchange"] == "HKEX" and "2024-01-01" <= r["date"] < "2025-06-10"]
    assert (
        f"precedents: {len(kept)} of {len(rows)} from {EXAMPLE} (filters: since 2024-01-01, exchange HKEX, "
        "before 2025-06-10 (the agreement date))" in stdout
    )
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-1] == "Precedents"
    (title, ref), *_ = book.defined_names["PrecedentSelection"].destinations
    assert book[title][ref.replace("$", "")].value == (
        f"{len(kept)} precedents from {EXAMPLE.name} ({len(rows)} read) · filters: since 1 Jan 2024, exchange HKEX, "
        "before 10 Jun 2025 (the agreement date)"
    )


def test_a_report_without_precedents_has_no_precedents_sheet():
    """Without precedents the report keeps its other sheets and no precedent names."""
    data = render_report(compute(load_deal(DEMO)))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Deal sheet", "Use of proceeds", "Shareholding", "Pricing grid", "Checks"]
    assert not [n for n in book.defined_names if n.startswith("Precedent")]


def test_batch_summary_and_deal_folder_are_precedents(tmp_path, capsys):
    """A batch's summary.csv and a folder of deal files are read as precedents, their figures marked computed, the deal itself left out."""
    code, _, _ = run(
        capsys,
        "batch",
        str(ROOT / "examples" / "deals.csv"),
        "--out-dir",
        str(tmp_path / "b"),
        "--workers",
        "1",
    )
    assert code == 0
    summary = pr.read_precedents(tmp_path / "b" / "summary.csv")
    assert len(summary) == 2
    assert {"discount_to_last_close", "percent_of_enlarged", "gross_proceeds"} <= summary[0].computed
    folder = tmp_path / "deals"
    folder.mkdir()
    for name in ("sensetime.toml", "byd.toml"):
        (folder / name).write_bytes((ROOT / "examples" / name).read_bytes())
    deals = pr.read_precedents(folder)
    assert [r.stock_code for r in deals] == ["1211", "0020"]
    byd = deals[0]
    assert byd.date is None or byd.date.exact
    assert math.isclose(float(byd.discount_to_last_close), 1 - 335.20 / 363.60, rel_tol=1e-12)
    sensetime = deals[1]
    assert math.isclose(float(sensetime.gross_proceeds_usd), 3_247_000_000 / 7.8203, rel_tol=1e-12)
    demo = load_deal(
        DEMO
    )  # without its (illustrative) dates: BYD's file has none, so a cut-off would drop it
    undated = dataclasses.replace(
        demo, placing=dataclasses.replace(demo.placing, agreement_date=None, announcement_date=None)
    )
    selection = pr.load_precedents(folder, deal=undated)
    assert [r.stock_code for r in selection.rows] == ["1211"]
    assert any("matching this deal" in n for n in selection.notes)
    code, _, err = run(
        capsys, "batch", str(ROOT / "examples" / "deals.csv"), "--out-dir", str(tmp_path / "c"),
        "--workers", "1", "--precedents", str(tmp_path / "b" / "summary.csv"),
    )  # fmt: skip
    # The demo (row 1) is dated: its only other precedent, BYD's row, has no date, so nothing is left
    # before its cut-off and that deal fails with the reason; BYD (no date, no cut-off) gets the sheet.
    assert code == 1
    assert "no precedents dated before the cut-off (before 2025-06-10 (the agreement date))" in err
    reports = sorted((tmp_path / "c").glob("row*.xlsx"))
    assert len(reports) == 1
    assert "Precedents" in openpyxl.load_workbook(reports[0]).sheetnames


def test_precedents_frame_is_sorted_with_blanks_as_nan():
    """precedents_frame gives one row a deal, by date, numbers as floats, NaN where unknown, and what was computed."""
    frame = xl_placement.precedents_frame(EXAMPLE, exchange="HKEX")
    assert len(frame) == 17
    assert list(frame["date"]) == sorted(frame["date"])
    first = frame.iloc[0]
    assert (first["issuer"], first["date"].date()) == (
        "Geely Automobile Holdings Limited",
        dt.date(2020, 5, 29),
    )
    assert math.isnan(frame.set_index("date_text").loc["2024-06-21", "percent_of_enlarged"])
    assert (
        frame.set_index("date_text").loc["2025-11", "computed"]
        == "gross_proceeds, gross_proceeds_usd, percent_of_existing"
    )


def test_api_build_report_with_precedents(tmp_path):
    """build_report(..., precedents=PATH, since=...) writes the sheet; a Selection works too."""
    deal = xl_placement.load_deal(DEMO)
    path = xl_placement.build_report(deal, tmp_path / "a.xlsx", precedents=EXAMPLE, since=dt.date(2025, 1, 1))
    assert "Precedents" in openpyxl.load_workbook(path).sheetnames
    selection = xl_placement.load_precedents(EXAMPLE)
    path = xl_placement.build_report(deal, tmp_path / "b.xlsx", precedents=selection)
    assert "Precedents" in openpyxl.load_workbook(path).sheetnames


def test_a_long_source_address_is_kept_whole(tmp_path):
    """A source address of 600 characters (longer than a name may be) is kept whole; a line break in it is refused."""
    url = "https://example.com/" + "a" * 580
    good = tmp_path / "good.csv"
    good.write_text(f"issuer,exchange,currency,source\nA,HKEX,HKD,{url}\n", encoding="utf-8")
    assert pr.read_precedents(good)[0].source == url
    bad = tmp_path / "bad.csv"
    bad.write_text('issuer,exchange,currency,source\nA,HKEX,HKD,"a\nb"\n', encoding="utf-8")
    with pytest.raises(PrecedentsError, match="row 2, column source"):
        pr.read_precedents(bad)


FIGURE_COLUMNS = [
    "discount_to_last_close",
    "percent_of_enlarged",
    "gross_proceeds",
    "price",
    "date",
    "new_shares",
]


@given(column=st.sampled_from(FIGURE_COLUMNS), text=st.text(max_size=30))
def test_any_cell_gives_a_figure_or_an_error_naming_it(tmp_path_factory, column, text):
    """Whatever a figure cell holds, the row is read or refused with PrecedentsError naming row 2 and the column: never another exception."""
    path = tmp_path_factory.mktemp("fuzz") / "p.csv"
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(["issuer", "exchange", "currency", column])
    writer.writerow(["A", "HKEX", "HKD", text])
    path.write_text(stream.getvalue(), encoding="utf-8")
    try:
        rows, message = pr.read_precedents(path), ""
    except PrecedentsError as exc:
        rows, message = (), str(exc)
    assert len(rows) == (0 if message else 1)
    assert not message or f"row 2, column {column}" in message


def test_a_template_without_the_precedents_sheet(tmp_path):
    """An older restyled template without the Precedents sheet still builds plain reports, and says what is missing when precedents are asked for."""
    book = openpyxl.load_workbook(ROOT / "xl_placement" / "data" / "report.xlsx")
    del book["Precedents"]
    for key in [n for n in book.defined_names if n.startswith("Precedent")]:
        del book.defined_names[key]
    old = tmp_path / "old.xlsx"
    book.save(old)
    figures = compute(load_deal(DEMO))
    assert (
        "Precedents"
        not in openpyxl.load_workbook(io.BytesIO(render_report(figures, template=old))).sheetnames
    )
    with pytest.raises(xl_placement.TemplateError, match="lacks the sheet 'Precedents'"):
        render_report(figures, template=old, precedents=pr.load_precedents(EXAMPLE))


def test_a_summary_row_without_a_report_is_not_a_precedent(tmp_path, capsys):
    """Deals of a batch that got no report (bad rows) are skipped; every deal with a report is read, its name unguarded."""
    run(
        capsys,
        "batch",
        str(ROOT / "tests" / "corpus" / "bad_batch.csv"),
        "--out-dir",
        str(tmp_path),
        "--workers",
        "1",
    )
    with (tmp_path / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        records = list(csv.DictReader(stream))
    with_report = [r for r in records if r["report"]]
    assert len(records) > len(with_report) >= 1
    rows = pr.read_precedents(tmp_path / "summary.csv")
    # The summary guards formula-like text with an apostrophe; the precedent has the name itself.
    assert [r.issuer for r in rows] == [r["issuer"].removeprefix("'") for r in with_report]
    assert '=HYPERLINK("http://x","y")' in [r.issuer for r in rows]


def test_precedents_without_pandas(tmp_path):
    """Without pandas a report with precedents still builds; precedents_frame names the extra to install."""
    from test_portable import run_blocked  # noqa: PLC0415 - the interpreter with pandas blocked

    out = tmp_path / "p.xlsx"
    done = run_blocked(
        "from xl_placement import build_report, load_deal, precedents_frame\n"
        "from xl_placement.errors import DependencyMissingError\n"
        f"build_report(load_deal('examples/byd.toml'), {str(out)!r}, precedents='examples/precedents.csv')\n"
        "try:\n    precedents_frame('examples/precedents.csv')\n"
        "except DependencyMissingError as exc:\n    print(exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert "Precedents" in openpyxl.load_workbook(out).sheetnames
    assert done.stdout.strip() == (
        "precedents_frame needs pandas, which is not installed; install it with: pip install 'xl-placement[pandas]'"
    )


def test_a_summary_figure_not_given_is_blank(tmp_path):
    """A batch summary's "not given" (a checked deal without the figure's input) is read as a blank, not refused."""
    from xl_placement.batch import Outcome, summary_csv  # noqa: PLC0415

    outcome = Outcome(
        "deals.csv row 2",
        2,
        "passed",
        report="row2.xlsx",
        issuer={"issuer": "A Ltd", "stock code": "0001", "exchange": "HKEX", "currency": "HKD"},
        figures={"price": Decimal("1.5"), "new_shares": Decimal(1000), "gross_proceeds": Decimal(1500)},
    )
    path = tmp_path / "summary.csv"
    path.write_bytes(summary_csv([outcome]))
    assert "not given" in path.read_text(encoding="utf-8-sig")
    (row,) = pr.read_precedents(path)
    assert row.discount_to_last_close is None
    assert row.gross_proceeds == 1500

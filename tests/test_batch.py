"""Batch input: CSV rows named by dotted field paths become deals; names, summaries and progress are safe."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xl_placement.batch import (
    ERROR,
    Job,
    Outcome,
    ProgressBar,
    parse_header,
    read_jobs,
    row_mapping,
    run_job,
    safe_name,
    summary_csv,
    summary_xlsx,
)
from xl_placement.checks import PASSED, check_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError, InputError
from xl_placement.figures import compute

DEMO_COLUMNS = [
    "issuer.name",
    "issuer.stock_code",
    "issuer.exchange",
    "issuer.currency",
    "placing.new_shares",
    "placing.price",
    "placing.shares_outstanding",
    "market.last_close",
    "market.average_close_5d",
    "proceeds.uses.0.name",
    "proceeds.uses.0.share",
    "proceeds.uses.1.name",
    "proceeds.uses.1.share",
]
DEMO_ROW = [
    "SenseTime Group Inc.",
    "0020",
    "HKEX",
    "HKD",
    "1,700,000,000",
    "1.91",
    "40424038000",
    "2.09",
    "2.021",
    "Infrastructure",
    "60%",
    "Working capital",
    "40%",
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    return path


def test_dotted_columns_make_the_nested_deal() -> None:
    """A CSV row of text cells becomes a deal whose figures match the published demo deal (8.6%, 4.04%)."""
    mapping = row_mapping(parse_header(DEMO_COLUMNS), DEMO_ROW)
    assert mapping["proceeds"]["uses"] == [
        {"name": "Infrastructure", "share": "60%"},
        {"name": "Working capital", "share": "40%"},
    ]
    figures = compute(deal_from_mapping(mapping))
    assert figures.deal.issuer.stock_code == "0020"  # the leading zero survives: cells are text
    ref = figures.reference("last_close")
    assert ref is not None
    assert round(ref.discount * 100, 1) == Decimal("8.6")
    assert round(figures.percent_of_enlarged * 100, 2) == Decimal("4.04")
    assert figures.proceeds.gross == Decimal(3_247_000_000)


def test_stated_cells_are_read_as_published() -> None:
    """CSV stated cells use the deal file's reader: "HK$3.25bn" is to HK$10m and matches, "8.15" is refused."""
    columns = parse_header([*DEMO_COLUMNS, "stated.gross_proceeds", "stated.discount_to_last_close"])
    deal = deal_from_mapping(row_mapping(columns, [*DEMO_ROW, "HK$3.25bn", "approximately 8.6%"]))
    assert deal.stated["gross_proceeds"].quantum == 10_000_000
    assert all(s.matches for s in check_deal(compute(deal)).stated)
    with pytest.raises(DealError, match=r'did you mean "8\.15%"\?'):
        deal_from_mapping(row_mapping(columns, [*DEMO_ROW, "HK$3.25bn", "8.15"]))


def test_history_and_shareholders_columns() -> None:
    """List columns at any depth (market.history.N.*, shareholders.N.*) build lists in order."""
    columns = parse_header(
        ["market.history.0.date", "market.history.0.close", "market.history.1.date", "shareholders.0.shares"]
    )
    mapping = row_mapping(columns, ["2025-06-02", "2.10", "2025-06-03", "5"])
    assert mapping == {
        "market": {"history": [{"date": "2025-06-02", "close": "2.10"}, {"date": "2025-06-03"}]},
        "shareholders": [{"shares": "5"}],
    }


def test_empty_cells_are_absent_fields() -> None:
    """Empty and blank cells leave the field out (so optional fields can be left blank)."""
    columns = parse_header(["issuer.name", "issuer.share_class", "proceeds.uses.1.name"])
    assert row_mapping(columns, ["X", "  ", ""]) == {"issuer": {"name": "X"}}


def test_formula_text_stays_text() -> None:
    """A cell such as =HYPERLINK(...) or @SUM(1) is kept as the exact text, never evaluated."""
    columns = parse_header(["issuer.name", "fx.source"])
    mapping = row_mapping(columns, ['=HYPERLINK("http://x","y")', "@SUM(1)"])
    assert mapping == {"issuer": {"name": '=HYPERLINK("http://x","y")'}, "fx": {"source": "@SUM(1)"}}


def test_formula_text_in_a_number_field_is_an_error() -> None:
    """=1+1 in placing.price is refused as not a number (not computed to 2)."""
    columns = parse_header(DEMO_COLUMNS)
    row = list(DEMO_ROW)
    row[DEMO_COLUMNS.index("placing.price")] = "=1+1"
    with pytest.raises(DealError, match=r"placing.price = '=1\+1': must be a number"):
        deal_from_mapping(row_mapping(columns, row))


def test_gap_in_list_numbering_is_reported() -> None:
    """proceeds.uses.2 without proceeds.uses.1 names the missing entry."""
    columns = parse_header(["proceeds.uses.0.name", "proceeds.uses.2.name"])
    with pytest.raises(DealError, match=r"proceeds.uses.1: .*is missing but proceeds.uses.2 is given"):
        row_mapping(columns, ["a", "b"])


def test_extra_cells_and_unnamed_columns_are_reported() -> None:
    """A row wider than the header, or a value under a blank heading, is a row error, not silently dropped."""
    columns = parse_header(["issuer.name", ""])
    with pytest.raises(DealError, match="header has only 2 columns"):
        row_mapping(columns, ["a", "", "stray"])
    with pytest.raises(DealError, match="column 2 = 'x': has a value but no heading"):
        row_mapping(columns, ["a", "x"])


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["issuer.name", "issuer.name"], "column 2 'issuer.name': repeats column 'issuer.name'"),
        (["issuer..name"], "has no empty parts"),
        (["0.name"], "must start with a section name"),
        (["issuer", "issuer.name"], "columns 'issuer' and 'issuer.name' both set issuer"),
        (["proceeds.uses.0.name", "proceeds.uses.x"], "mix list numbers and field names"),
        (["proceeds.uses.10000.name"], "the list index 10000 is above 9999"),
    ],
)
def test_bad_headers_are_refused(header: list[str], message: str) -> None:
    """A malformed header is an input error naming the column, before any deal runs."""
    with pytest.raises(InputError, match=message):
        parse_header(header, "deals.csv")


def test_unknown_column_is_reported_by_name() -> None:
    """A typo in a column (placing.pirce) is reported with a suggestion, not ignored."""
    columns = parse_header([*DEMO_COLUMNS, "placing.pirce"])
    with pytest.raises(DealError, match=r"placing.pirce: is not a known field; did you mean placing.price\?"):
        deal_from_mapping(row_mapping(columns, [*DEMO_ROW, "2"]))


def test_csv_rows_become_jobs_with_row_numbers(tmp_path: Path) -> None:
    """Rows are numbered as a spreadsheet shows them (header = row 1), blank lines skipped, bad rows kept as failures."""
    source = write_csv(
        tmp_path / "deals.csv",
        [DEMO_COLUMNS, DEMO_ROW, [""] * len(DEMO_COLUMNS), [*DEMO_ROW[:9], "a", "1", "", "", "", "stray"]],
    )
    jobs, failed = read_jobs(source, tmp_path / "out")
    assert [(j.row, j.report.name) for j in jobs] == [(2, "row2-0020.xlsx")]
    assert [(o.row, o.status) for o in failed] == [(4, ERROR)]
    assert failed[0].error.startswith(f"{source} row 4: row = '15 cells'")


def test_csv_with_excel_bom_is_read(tmp_path: Path) -> None:
    """Excel's 'CSV UTF-8' byte-order mark does not end up in the first column's name."""
    source = tmp_path / "deals.csv"
    source.write_bytes(
        "\ufeff".encode()
        + ",".join(DEMO_COLUMNS).encode()
        + b"\r\n"
        + ",".join(f'"{c}"' for c in DEMO_ROW).encode()
    )
    jobs, failed = read_jobs(source, tmp_path)
    assert failed == []
    assert jobs[0].mapping is not None
    assert jobs[0].mapping["issuer"]["name"] == "SenseTime Group Inc."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"issuer.name\r\n", "there are no deals below the header row"),
        ("issuer.name\r\nCaf\u00e9\r\n".encode("cp1252"), "is not UTF-8 text .*save it as 'CSV UTF-8'"),
        (b'issuer.name\r\n"unclosed\r\n', "row 2: is not valid CSV"),
    ],
)
def test_unusable_csv_is_an_input_error(tmp_path: Path, content: bytes, message: str) -> None:
    """An empty, header-only, non-UTF-8 or malformed CSV is one clear input error naming the file."""
    source = tmp_path / "deals.csv"
    source.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_jobs(source, tmp_path)


def test_folder_input_and_wrong_input(tmp_path: Path) -> None:
    """A folder gives one job per .toml/.json file (report named after it); other inputs are refused clearly."""
    (tmp_path / "b.toml").write_text("")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "summary.toml").write_text("")
    (tmp_path / "notes.txt").write_text("")
    jobs, _ = read_jobs(tmp_path, tmp_path / "out")
    assert [(j.path.name if j.path else "", j.report.name) for j in jobs] == [
        ("a.json", "a.xlsx"),
        ("b.toml", "b.xlsx"),
        ("summary.toml", "summary-2.xlsx"),  # never the batch's own summary.xlsx
    ]
    with pytest.raises(InputError, match="no such file or folder"):
        read_jobs(tmp_path / "missing.csv", tmp_path)
    with pytest.raises(InputError, match=r"must be a \.csv file or a folder"):
        read_jobs(tmp_path / "notes.txt", tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"has no \.toml or \.json deal files"):
        read_jobs(empty, tmp_path)


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("row2-0020", "row2-0020"),
        ("../../etc/passwd", "etc_passwd"),
        ("a/b\\c:d*e?f", "a_b_c_d_e_f"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("...", "fallback"),
        ("\u5546\u6e6f", "fallback"),
        ("x" * 300, "x" * 80),
    ],
)
def test_safe_file_names(stem: str, expected: str) -> None:
    """Report names keep only letters, digits and ._- , avoid Windows device names and stay short."""
    assert safe_name(stem, "fallback") == expected


def test_duplicate_codes_get_distinct_names(tmp_path: Path) -> None:
    """Two rows with the same stock code and names differing only in case never share a report file."""
    source = write_csv(tmp_path / "d.csv", [["issuer.stock_code"], ["ab"], ["AB"]])
    jobs, _ = read_jobs(source, tmp_path)
    names = [j.report.name.lower() for j in jobs]
    assert len(set(names)) == 2


OUTCOMES = [
    Outcome(
        "deals.csv row 2",
        2,
        PASSED,
        report="out/row2.xlsx",
        issuer={"issuer": "=cmd|' /C calc'!A0", "stock code": "0020", "exchange": "HKEX", "currency": "HKD"},
        figures={
            "price": Decimal("1.91"),
            "discount_to_last_close": Decimal("-0.011"),
            "new_shares": Decimal(5),
        },
    ),
    Outcome("deals.csv row 3", 3, ERROR, error="deals.csv row 3: issuer.name = '+SUM(1)': bad\nsecond line"),
]


def test_summary_csv_defuses_formula_text() -> None:
    """Text cells starting with = + - @ get a leading apostrophe in summary.csv; numbers (a premium's -0.011) do not."""
    rows = list(csv.reader(io.StringIO(summary_csv(OUTCOMES).decode("utf-8-sig"))))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    second = dict(zip(header, rows[2], strict=True))
    assert first["issuer"] == "'=cmd|' /C calc'!A0"
    assert first["stock code"] == "0020"
    assert first["discount to last close"] == "-0.011"
    assert second["status"] == "error"
    assert second["error"] == "deals.csv row 3: issuer.name = '+SUM(1)': bad; second line"


def test_summary_xlsx_has_no_formulas(tmp_path: Path) -> None:
    """summary.xlsx holds formula-like text as plain strings and numbers as numbers; no cell is a formula."""
    path = tmp_path / "summary.xlsx"
    path.write_bytes(summary_xlsx(OUTCOMES))
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    values = {str(cell.value) for cell in cells}
    assert "=cmd|' /C calc'!A0" in values
    assert sheet.cell(row=2, column=6).value == "0020"
    assert sheet.cell(row=2, column=9).value == pytest.approx(1.91)


def test_summary_xlsx_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same outcomes give the same summary.xlsx bytes on another day (so runs can be diffed)."""
    import xlsxwriter.core  # noqa: PLC0415 - the module whose clock is moved

    first = summary_xlsx(OUTCOMES)

    class IsDatetime(type):
        def __instancecheck__(cls, instance: object) -> bool:
            return isinstance(instance, dt.datetime)

    class LaterClock(metaclass=IsDatetime):
        """Stands in for ``datetime`` in XlsxWriter: a clock seven years on, same type checks."""

        @staticmethod
        def now(tz: dt.tzinfo | None = None) -> dt.datetime:
            return dt.datetime(2031, 7, 4, 9, 30, tzinfo=tz)

    # XlsxWriter stamps the document with the current time unless a creation date is given.
    monkeypatch.setattr(xlsxwriter.core, "datetime", LaterClock)
    assert summary_xlsx(OUTCOMES) == first


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal() -> None:
    """The bar draws on a terminal and writes nothing when output is redirected."""
    quiet = io.StringIO()
    ProgressBar(quiet)(OUTCOMES[0], 1, 2)
    assert quiet.getvalue() == ""
    tty = FakeTerminal()
    bar = ProgressBar(tty, width=10)
    bar(OUTCOMES[0], 1, 2)
    bar(OUTCOMES[1], 2, 2)
    assert tty.getvalue() == "\r[#####-----] 1/2 deals\r[##########] 2/2 deals, 1 not built\n"


def demo_job(tmp_path: Path, column: str, value: str, *, row: int = 7) -> Job:
    """A job for the demo CSV row with one cell changed (a new column is appended when needed)."""
    header, cells = list(DEMO_COLUMNS), list(DEMO_ROW)
    if column in header:
        cells[header.index(column)] = value
    else:
        header.append(column)
        cells.append(value)
    mapping = row_mapping(parse_header(header), cells)
    return Job(f"deals.csv row {row}", row, mapping, None, tmp_path / "report.xlsx")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("placing.new_shares", "", "placing.new_shares: is required"),
        ("placing.price", "abc", "placing.price = 'abc': must be a number"),
        ("placing.price", "-1.91", "placing.price = '-1.91': must be a positive number"),
        ("placing.price", "0", "placing.price = '0': must be a positive number"),
        ("placing.price", "NaN", "placing.price = 'NaN': must be a number"),
        ("placing.price", "inf", "placing.price = 'inf': must be a number"),
        ("placing.price", "1.9.1", "placing.price = '1.9.1': must be a number"),
        ("market.last_close", "2.09 HKD", "market.last_close = '2.09 HKD': must be a number"),
        ("placing.new_shares", "1234567890123456789", "significant digits"),
        ("placing.new_shares", "1.5", "must be a whole number"),
        ("proceeds.uses.0.share", "65%", "proceeds.uses: the shares of the uses add up to 105%, not 100%"),
        ("proceeds.uses.1.name", "infrastructure", "proceeds.uses.1.name = 'infrastructure': appears twice"),
        (
            "issuer.name",
            "Bell\x07Co",
            "must be one line of text with no control characters",
        ),
        ("issuer.name", "x" * 40_000, "is 40,000 characters long; the limit is 200"),
        ("issuer.currency", "HK$", 'must be a three-letter currency code like "HKD"'),
        ("issuer.exchange", "XETRA", "issuer.exchange = 'XETRA': must be one of"),
        ("placing.agreement_date", "2025-13-01", "must be a date in the form YYYY-MM-DD"),
        ("placing.pirce", "1.91", "placing.pirce: is not a known field; did you mean placing.price?"),
    ],
)
def test_bad_rows_fail_alone_with_a_clear_reason(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    """Each hostile cell fails its row with a message naming the row, the column and the fix; nothing is written."""
    outcome = run_job(demo_job(tmp_path, column, value))
    assert outcome.status == ERROR
    assert outcome.error.startswith("deals.csv row 7: ")
    assert message in outcome.error
    assert "Traceback" not in outcome.error
    assert "\x07" not in outcome.error  # control characters are shown escaped, never sent to the terminal
    assert outcome.trace == ""
    assert list(tmp_path.iterdir()) == []


def test_history_out_of_order_names_the_row(tmp_path: Path) -> None:
    """Price history dates out of order fail the row, naming the CSV column of the offending date."""
    header = [
        *DEMO_COLUMNS,
        "market.history.0.date",
        "market.history.0.close",
        "market.history.1.date",
        "market.history.1.close",
    ]
    cells = [*DEMO_ROW, "2025-06-03", "2.1", "2025-06-02", "2.0"]
    job = Job("deals.csv row 2", 2, row_mapping(parse_header(header), cells), None, tmp_path / "r.xlsx")
    outcome = run_job(job)
    assert outcome.status == ERROR
    assert outcome.error.startswith("deals.csv row 2: market.history.1.date = ")
    assert "2025-06-02" in outcome.error
    assert "must be after the previous row's 2025-06-03" in outcome.error


def test_a_bug_in_one_deal_is_contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception fails only its deal, with a short message and the traceback kept for --debug."""

    def broken(*_args: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("xl_placement.api.compute", broken)
    outcome = run_job(demo_job(tmp_path, "issuer.name", "X"))
    assert outcome.status == ERROR
    assert outcome.error == "deals.csv row 7: internal error (ZeroDivisionError: boom); please report it"
    assert "Traceback (most recent call last)" in outcome.trace


def test_an_oversized_cell_fails_its_row_only(tmp_path: Path) -> None:
    """A cell beyond the CSV cell limit fails that row; the rows after it are still read."""
    source = tmp_path / "deals.csv"
    rows = [
        ",".join(DEMO_COLUMNS),
        ",".join(["y" * 150_000, *DEMO_ROW[1:4]]),
        ",".join(f'"{c}"' for c in DEMO_ROW),
    ]
    source.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    jobs, failed = read_jobs(source, tmp_path / "out")
    assert [(o.row, o.error) for o in failed] == [
        (2, f"{source} row 2: a cell has more than 100,000 characters")
    ]
    assert [j.row for j in jobs] == [3]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_files(tmp_path: Path, separator: str) -> None:
    """A 'CSV' saved by Excel in a semicolon locale (or as tab-separated text) is read column by column."""
    source = tmp_path / "deals.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream, delimiter=separator).writerows([DEMO_COLUMNS, DEMO_ROW])
    jobs, failed = read_jobs(source, tmp_path)
    assert failed == []
    assert jobs[0].mapping is not None
    figures = compute(deal_from_mapping(jobs[0].mapping))
    assert figures.proceeds.gross == Decimal(3_247_000_000)


def test_decimal_comma_is_refused_not_misread(tmp_path: Path) -> None:
    """In a semicolon file, a decimal comma (1,91) is an error, never silently read as 191."""
    source = tmp_path / "deals.csv"
    row = list(DEMO_ROW)
    row[DEMO_COLUMNS.index("placing.price")] = "1,91"
    with source.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream, delimiter=";").writerows([DEMO_COLUMNS, row])
    jobs, _ = read_jobs(source, tmp_path)
    assert jobs[0].mapping is not None
    with pytest.raises(DealError, match=r"placing.price = '1,91': must be a number"):
        deal_from_mapping(jobs[0].mapping)


def test_existing_report_fails_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row whose report exists fails with 'already exists' before any rendering, and the file is kept."""

    def must_not_render(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rendered a report that cannot be saved")

    monkeypatch.setattr("xl_placement.report.render_report", must_not_render)
    job = demo_job(tmp_path, "issuer.name", "X")
    job.report.write_bytes(b"keep")
    outcome = run_job(job)
    assert outcome.status == ERROR
    assert outcome.error == f"deals.csv row 7: {job.report} already exists; it was not replaced"
    assert outcome.exists  # the command line adds its --force hint to this one
    assert job.report.read_bytes() == b"keep"


def test_error_paths_use_column_names_but_values_are_untouched(tmp_path: Path) -> None:
    """A CSV row's error names the column (proceeds.uses.0.share) and quotes the value exactly, brackets and all."""
    outcome = run_job(demo_job(tmp_path, "proceeds.uses.0.share", "[1] 60"))
    assert outcome.error.startswith("deals.csv row 7: proceeds.uses.0.share = '[1] 60': must be a fraction")

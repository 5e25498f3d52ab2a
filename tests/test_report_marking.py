"""Pages a banker sends unedited (issue 29): markings, the top-up in three stages, illustrative flags.

Expected figures come from the examples' own terms by hand arithmetic (a top-up of 120m
shares by a vendor holding 450m of 1,500m), not from the code's output.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from report_support import EXAMPLES, figures_of, find_row, formulas, named, render, values

from xl_placement import load_deal
from xl_placement.batch import SUMMARY_COLUMNS, Outcome, run_batch, summary_records
from xl_placement.capital import shareholding
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import CalculationError, DealError, InputError
from xl_placement.libreoffice import convert_many
from xl_placement.precedents import load_precedents
from xl_placement.report import render_report
from xl_placement.report.marking import image_size
from xl_placement.workbook import input_cells, workbook_bytes

ROOT = Path(__file__).resolve().parents[1]
POPPLER = shutil.which("pdftotext") is not None


def demo_mapping() -> dict:
    import tomllib  # noqa: PLC0415

    with (EXAMPLES / "sensetime.toml").open("rb") as handle:
        return tomllib.load(handle)


def with_report(**report: object) -> dict:
    data = copy.deepcopy(demo_mapping())
    data["report"] = {**data.get("report", {}), **report}
    return data


# --- page headers and footers ----------------------------------------------------------------


# tests/conftest.py pins the build day: SOURCE_DATE_EPOCH 1750032000 is 20,255 days after
# 1 Jan 1970, 16 Jun 2025 at midnight UTC.
PINNED_DRAFT = "Draft of 16 Jun 2025"


def test_every_page_is_marked_confidential_and_draft_with_the_build_date():
    """By default each sheet's header: the marking left, "Draft of <build day>" centre (as the body writes
    dates, not the header's locale-dependent &D), the market date right; footer pages."""
    book = formulas(render("sensetime"))
    for sheet in book.worksheets:
        assert sheet.oddHeader.left.text == "Strictly private and confidential", sheet.title
        assert sheet.oddHeader.center.text == PINNED_DRAFT, sheet.title
        assert "&D" not in sheet.oddHeader.center.text
        assert sheet.oddHeader.right.text == "Market data as of 10 Jun 2025", sheet.title
        assert "page &P of &N" in sheet.oddFooter.right.text, sheet.title


def test_a_marking_with_an_ampersand_is_text_not_a_header_code():
    """ "R&D" in the marking is written "R&&D" (a lone & starts a header code); a final report has no draft mark."""
    book = formulas(render(with_report(marking="Project Falcon - R&D only", final=True)))
    for sheet in book.worksheets:
        assert sheet.oddHeader.left.text == "Project Falcon - R&&D only"
        assert not sheet.oddHeader.center.text


def test_a_draft_date_is_printed_as_a_date_not_the_print_date():
    """[report] draft_date 2025-06-09 gives "Draft of 9 Jun 2025" in every header, over SOURCE_DATE_EPOCH's day."""
    book = formulas(render(with_report(draft_date=dt.date(2025, 6, 9))))
    assert {s.oddHeader.center.text for s in book.worksheets} == {"Draft of 9 Jun 2025"}


def test_without_a_draft_date_or_source_date_epoch_the_draft_is_of_today(monkeypatch):
    """Unpinned, the draft mark is the day the report is built, written as the sheets write dates."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = dt.date.today()
    book = formulas(render("sensetime"))
    after = dt.date.today()  # a build across midnight may carry either day
    days = {f"Draft of {day.day} {day:%b %Y}" for day in (before, after)}
    assert {s.oddHeader.center.text for s in book.worksheets} <= days


@pytest.mark.parametrize("value", ["tomorrow", "1.5e9", "99999999999999999999"])
def test_a_source_date_epoch_that_is_not_a_time_is_refused(monkeypatch, tmp_path, capsys, value):
    """`build` exits 2 with one line naming SOURCE_DATE_EPOCH, its value and the fix; no report is written."""
    from xl_placement import cli  # noqa: PLC0415

    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "deal.xlsx"
    assert cli.main(["build", str(EXAMPLES / "sensetime.toml"), "-o", str(out)]) == 2
    _, err = capsys.readouterr()
    assert f"SOURCE_DATE_EPOCH = '{value}'" in err
    assert "seconds since 1970-01-01 UTC" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_the_batch_marks_its_reports_as_build_does(tmp_path):
    """A batch's report carries the same page headers as `build`'s of the same deal (one draft date)."""
    folder = tmp_path / "deals"
    folder.mkdir()
    shutil.copy(EXAMPLES / "sensetime.toml", folder / "sensetime.toml")
    run_batch(folder, tmp_path / "out", workers=1)
    batch = openpyxl.load_workbook(tmp_path / "out" / "sensetime.xlsx")
    built = formulas(render("sensetime"))
    headers = {s.title: s.oddHeader.center.text for s in built.worksheets}
    assert {s.title: s.oddHeader.center.text for s in batch.worksheets} == headers
    assert set(headers.values()) == {PINNED_DRAFT}


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ({"marking": "x" * 61}, "report.marking = "),
        ({"final": True, "draft_date": dt.date(2025, 6, 9)}, "report.draft_date"),
        ({"illustrative": ["volumes"]}, "must be one of"),
        ({"disclaimer": "a\nb"}, "one line"),
    ],
)
def test_bad_report_settings_name_the_field(report, expected):
    """A too-long marking, a final report with a draft date, an unknown part: one message naming the field."""
    with pytest.raises(DealError) as caught:
        deal_from_mapping(with_report(**report), "x.toml")
    assert expected in str(caught.value)


def test_the_disclaimer_prints_at_the_foot_of_every_sheet():
    """The disclaimer is a text cell below each sheet's content, inside its print area."""
    text = "=For discussion only & not an offer of securities."
    data = render(with_report(disclaimer=text))
    book = formulas(data)
    for sheet in book.worksheets:
        found = [c for row in sheet.iter_rows() for c in row if c.value == text]
        assert len(found) == 1, sheet.title
        assert found[0].data_type == "s"
        last_row = int(str(sheet.print_area).rsplit("$", 1)[1])
        assert found[0].row == last_row, sheet.title


# --- the logo --------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A valid PNG of one colour, written by hand (no image library)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x1f\x38\x64" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_png_logo_goes_on_the_deal_sheet_scaled(tmp_path):
    """A 200 x 100 PNG beside the deal file is embedded once, on the deal sheet, 36 px high (72 wide)."""
    (tmp_path / "logo.png").write_bytes(png(200, 100))
    deal_file = tmp_path / "deal.toml"
    text = (EXAMPLES / "sensetime.toml").read_text(encoding="utf-8")
    deal_file.write_text(text.replace("[report]\n", '[report]\nlogo = "logo.png"\n'), encoding="utf-8")
    data = render_report(figures_of_file(deal_file))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [n for n in package.namelist() if n.startswith("xl/media/")]
        assert media == ["xl/media/image1.png"]
        assert package.read(media[0]) == png(200, 100)
        drawing = package.read("xl/drawings/drawing1.xml").decode()
    assert "<col>8</col>" in drawing.replace("xdr:", "")  # column I of the deal sheet
    assert 'cx="685800"' in drawing  # 72 px = 72 * 9525 EMU
    assert 'cy="342900"' in drawing  # 36 px


def figures_of_file(path: Path):
    from xl_placement.figures import compute  # noqa: PLC0415

    return compute(load_deal(path))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"GIF89a" + b"\0" * 20, "is not a PNG or JPEG"),
        (b"<svg/>", "is not a PNG or JPEG"),
        (png(5000, 10), "5000 x 10 pixels"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 1_000_001, "a logo may be at most 1,000,000"),
    ],
)
def test_a_bad_logo_is_refused_with_the_fix(tmp_path, content, expected):
    """Not PNG/JPEG, too many pixels or too many bytes: an InputError naming report.logo; nothing built."""
    (tmp_path / "logo.png").write_bytes(content)
    deal_file = tmp_path / "deal.toml"
    text = (EXAMPLES / "sensetime.toml").read_text(encoding="utf-8")
    deal_file.write_text(text.replace("[report]\n", '[report]\nlogo = "logo.png"\n'), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        render_report(figures_of_file(deal_file))
    assert "report.logo = 'logo.png'" in str(caught.value)
    assert expected in str(caught.value)


def test_a_missing_logo_says_where_it_was_looked_for(tmp_path):
    """A logo path that is not there names the resolved path (beside the deal file)."""
    deal_file = tmp_path / "deal.toml"
    text = (EXAMPLES / "sensetime.toml").read_text(encoding="utf-8")
    deal_file.write_text(text.replace("[report]\n", '[report]\nlogo = "brand/logo.png"\n'), encoding="utf-8")
    with pytest.raises(InputError, match="no such file"):
        render_report(figures_of_file(deal_file))


def test_image_size_reads_png_and_jpeg_headers():
    """PNG from IHDR; JPEG from its start-of-frame marker after an APP0 segment; anything else None."""
    assert image_size(png(3, 2)) == ("png", 3, 2)
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + b"\0" * 9
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 480, 640, 1) + b"\x01\x11\x00"
    assert image_size(b"\xff\xd8" + app0 + sof + b"\xff\xd9") == ("jpeg", 640, 480)
    assert image_size(b"\xff\xd8\xff\xe0\x00\x01") is None  # a segment shorter than its own length field
    assert image_size(b"BM" + b"\0" * 40) is None


# --- illustrative parts ----------------------------------------------------------------------


def test_the_demo_flags_its_illustrative_timetable_and_volume():
    """The demo's timetable and liquidity bands read "(illustrative)", and the line under the title lists them."""
    sheet = values(render("sensetime"))["Deal sheet"]
    texts = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert "Timetable (illustrative)" in texts
    assert "Liquidity (illustrative)" in texts
    assert "Pricing" in texts  # published (implied) prices are not flagged
    assert any(
        t.startswith("Illustrative figures, not published by the issuer: timetable, liquidity.")
        for t in texts
    )


def test_every_part_can_be_flagged_on_its_band():
    """Flagging all six parts marks the Pricing, Proceeds, costs, liquidity, timetable, Use and Shareholder bands."""
    parts = ["market prices", "liquidity", "timetable", "costs", "use of proceeds", "shareholders"]
    book = values(render(with_report(illustrative=parts)))
    texts = {
        c.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    for band in (
        "Pricing",
        "Proceeds",
        "Other costs, itemised",
        "Liquidity",
        "Timetable",
        "Use",
        "Shareholder",
    ):
        assert f"{band} (illustrative)" in texts, band
    assert "HKD m (illustrative)" not in texts


def test_byd_flags_its_use_of_proceeds_split_as_illustrative():
    """BYD's split is not the issuer's: the Use band and the waterfall heading say so."""
    sheet = values(render("byd"))["Use of proceeds"]
    texts = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert "Use (illustrative)" in texts
    assert "Waterfall: gross proceeds to each use (illustrative)" in texts


# --- the top-up ------------------------------------------------------------------------------


def test_top_up_shareholding_in_three_stages_by_hand():
    """Vendor 450m of 1,500m places 120m then subscribes 120m new: 450 -> 330 (22.00%) -> 450 of 1,620 (27.78%)."""
    rows = shareholding(
        [("Vendor", 450_000_000), ("Other", 30_000_000)], 1_500_000_000, 120_000_000, "Vendor"
    )
    vendor, other, placees, public, total = rows
    assert (vendor.shares_before, vendor.shares_between, vendor.shares_after) == (
        450_000_000,
        330_000_000,
        450_000_000,
    )
    assert vendor.percent_between == Decimal(330) / Decimal(1500)
    assert vendor.percent_after == pytest.approx(Decimal(5) / Decimal(18))  # 450 / 1,620 = 5 / 18
    assert (other.shares_between, placees.shares_between, placees.shares_after) == (
        30_000_000,
        120_000_000,
        120_000_000,
    )
    assert (public.shares_before, public.shares_between) == (1_020_000_000, 1_020_000_000)
    assert (total.shares_before, total.shares_between, total.shares_after) == (
        1_500_000_000,
        1_500_000_000,
        1_620_000_000,
    )
    with pytest.raises(CalculationError, match="fewer than"):
        shareholding([("Vendor", 100)], 1_000, 120, "Vendor")


def test_top_up_report_shows_the_stage_between_as_formulas():
    """The example top-up's Shareholding prints to H: vendor between = before - NewShares = 330m; deadline 31 Oct 2025."""
    data = render("topup-illustrative")
    sheet, cached = formulas(data)["Shareholding"], values(data)["Shareholding"]
    row = find_row(sheet, "Founder Holdings Ltd")
    assert sheet.cell(row, 5).value == f"=C{row}-NewShares"
    assert cached.cell(row, 5).value == 330_000_000
    assert cached.cell(row, 6).value == pytest.approx(0.22)
    assert sheet.cell(row, 7).value == f"=E{row}+NewShares"
    assert cached.cell(row, 7).value == 450_000_000
    assert cached.cell(row, 8).value == pytest.approx(450 / 1620)
    assert str(sheet.print_area).endswith(f"$H${sheet.max_row}") or "$H$" in str(sheet.print_area)
    assert sheet["B2"].value.endswith("shareholding before and after the top-up placing")
    deal = formulas(data)["Deal sheet"]
    assert deal["B2"].value.endswith(": top-up placing")
    sentences = [
        c.value for row in values(data)["Checks"].iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert sentences[-1] == (
        "Completion of the Subscription shall take place within 14 days after the date of the Placing "
        "Agreement (17 October 2025), that is on or before 31 October 2025."
    )
    assert any(
        s.startswith('Founder Holdings Ltd (the "Vendor") has agreed to place 120,000,000 existing')
        for s in sentences
    )
    dates = values(data)["Deal sheet"]
    shown = {dates.cell(r, 7).value: dates.cell(r, 8).value for r in range(1, dates.max_row + 1)}
    assert shown["Subscription due by (agreement + 14 days)"] == dt.datetime(2025, 10, 31)  # 17 Oct + 14


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"vendor": "Nobody"}, "must be the name of a [[shareholders]] row"),
        ({"kind": "placing", "vendor_lock_up_days": None}, "applies to a top-up placing only"),
    ],
)
def test_a_bad_vendor_names_the_field(change, expected):
    """A vendor not among the holders, or on a plain placing: placing.vendor with the fix."""
    import tomllib  # noqa: PLC0415

    with (EXAMPLES / "topup-illustrative.toml").open("rb") as handle:
        data = tomllib.load(handle)
    for key, value in change.items():
        if value is None:
            data["placing"].pop(key)
        else:
            data["placing"][key] = value
    with pytest.raises(DealError) as caught:
        deal_from_mapping(data, "x.toml")
    assert "placing.vendor" in str(caught.value)
    assert expected in str(caught.value)


# --- the batch summary and the workbook ------------------------------------------------------


def test_summary_gives_gross_proceeds_in_us_dollars_beside_the_own_currency():
    """The US$ column sits right after gross proceeds and carries the outcome's US$ figure."""
    index = SUMMARY_COLUMNS.index("gross proceeds US$")
    assert SUMMARY_COLUMNS[index - 1] == "gross proceeds"
    outcome = Outcome(
        "x",
        2,
        "passed",
        figures={"gross_proceeds": Decimal(3_247_000_000), "gross_proceeds_usd": Decimal("415196348")},
    )
    (record,) = summary_records([outcome])
    assert record[index] == Decimal("415196348")


def test_batch_summary_names_reports_from_its_folder_and_gives_usd(tmp_path):
    """A folder batch: the report column is "sensetime.xlsx"; gross proceeds US$ = 3,247,000,000 / 7.8203."""
    folder = tmp_path / "deals"
    folder.mkdir()
    shutil.copy(EXAMPLES / "sensetime.toml", folder / "sensetime.toml")
    result = run_batch(folder, tmp_path / "out", workers=1)
    book = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")
    sheet = book.active
    heads = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[heads.index("report")] == "sensetime.xlsx"
    assert row[heads.index("gross proceeds US$ (m)")] == pytest.approx(3_247_000_000 / 7.8203)
    assert result.outcomes[0].status != "error"


def test_inputs_labels_are_written_for_people():
    """No label reads like a field name: "Shares available under LR 7.1", "ADS ratio", "20-day ADTV"."""
    labels = {c.path: c.label for cells in input_cells().values() for c in cells}
    assert labels["placing.remaining_7_1"] == "Shares available under LR 7.1"
    assert labels["placing.ads_ratio"].startswith("ADS ratio")
    assert labels["market.adtv_20d"].startswith("20-day ADTV")
    assert labels["market.average_close_5d"] == "5-day average close"
    for label in labels.values():
        assert "_" not in label
        assert not any(word in label for word in ("Adtv", "Ads ", "7 1", "Remaining"))


# --- what the printed pages say (LibreOffice, pdftotext) -------------------------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) is not installed")
def test_printed_pages_are_marked_and_free_of_the_removed_phrases(tmp_path):
    """The examples' reports, placement.xlsm and a batch summary, printed by LibreOffice and read by pdftotext.

    Every report page carries the marking, "Draft" and "page N of M"; no "Costs none" slot,
    no "Remaining 7 1" or "Adtv" label, no xlwings.conf page, no text run together in the summary.
    """
    deal = load_deal(EXAMPLES / "sensetime.toml")
    sources = []
    for name in ("sensetime", "byd", "topup-illustrative"):
        path = tmp_path / f"{name}.xlsx"
        precedents = load_precedents(EXAMPLES / "precedents.csv", deal=deal) if name == "sensetime" else None
        path.write_bytes(render_report(figures_of(name), precedents=precedents))
        sources.append(path)
    workbook = tmp_path / "placement.xlsm"
    workbook.write_bytes(workbook_bytes(deal=deal))
    sources.append(workbook)
    folder = tmp_path / "deals"
    folder.mkdir()
    for name in ("sensetime", "byd", "topup-illustrative"):
        shutil.copy(EXAMPLES / f"{name}.toml", folder / f"{name}.toml")
    run_batch(folder, tmp_path / "out", workers=1)
    sources.append(tmp_path / "out" / "summary.xlsx")
    pdf_dir = tmp_path / "pdf"
    convert_many(sources, pdf_dir, "pdf")
    for source in sources[:3]:
        pages = _pages(pdf_dir / f"{source.stem}.pdf")
        assert len(pages) >= 5, source.name
        for number, page in enumerate(pages, start=1):
            assert "Strictly private and confidential" in page, (source.name, number)
            assert PINNED_DRAFT in page, (source.name, number)
            assert f"page {number} of {len(pages)}" in page, (source.name, number)
        text = " ".join(" ".join(page.split()) for page in pages)
        assert "Costs none" not in text
    topup = " ".join(" ".join(p.split()) for p in _pages(pdf_dir / "topup-illustrative.pdf", layout=False))
    assert "After the vendor's placing of existing shares" in topup
    assert "top-up placing" in topup
    demo = " ".join(" ".join(p.split()) for p in _pages(pdf_dir / "sensetime.pdf"))
    assert "Timetable (illustrative)" in demo
    assert "BYD Mar 2025" in demo  # a labelled point of the precedents scatter
    inputs = _pages(pdf_dir / "placement.pdf")
    text = " ".join(" ".join(p.split()) for p in inputs)
    assert "Shares available under LR 7.1" in text
    assert "20-day ADTV" in text
    for removed in ("Remaining 7 1", "Adtv 20d", "Ads ratio", "xlwings reads its settings"):
        assert removed not in text
    for page in inputs:  # the column heads repeat on every printed page
        assert "Deal-file key" in page or "Plain formula" in page
    summary = " ".join(" ".join(p.split()) for p in _pages(pdf_dir / "summary.pdf"))
    assert "gross proceeds US$" in summary
    for run_together in ("incompletebyd", "incompletesensetime", "%not given", str(tmp_path)):
        assert run_together not in summary


def _pages(pdf: Path, *, layout: bool = True) -> list[str]:
    """The PDF's pages as text: laid out as printed, or in reading order (a wrapped heading stays together)."""
    command = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True)
    return [page for page in text.stdout.split("\f") if page.strip()]


def test_named_helper_still_reads_the_demo():
    """The shared readers see the demo's gross proceeds: HK$1.91 x 1,700,000,000 = HK$3,247,000,000."""
    assert named(values(render("sensetime")), "Gross") == 3_247_000_000

"""No look-ahead: precedents dated on or after the deal's date are left out, and every face says which cut-off."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from report_support import undated_demo

from xl_placement import load_deal
from xl_placement.api import build_report, precedents_frame
from xl_placement.cli import main
from xl_placement.errors import PrecedentsError
from xl_placement.figures import compute
from xl_placement.precedents import NO_CUT_OFF, deal_cut_off, load_precedents, summarise, values_of
from xl_placement.report import render_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "precedents.csv"
TOPUP = ROOT / "examples" / "topup-illustrative.toml"  # agreement 2025-10-17
LATER = {"2025-10-21", "2025-11", "2025-12-18"}  # Laopu Gold, UBTech, SenseTime: after the deal


def hand_filtered() -> list[dict[str, str]]:
    """The example CSV's rows dated before 2025-10-17, chosen by reading the date column as text."""
    with EXAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["date"] for r in rows} >= LATER
    kept = [r for r in rows if r["date"] and r["date"] not in LATER]
    assert all(r["date"] < "2025-10-17" for r in kept)
    return kept


def hand_discounts() -> list[Fraction]:
    """Published discounts to the last close of the hand-filtered rows ("8.63%" -> 863/10000)."""
    return [
        Fraction(r["discount_to_last_close"].rstrip("%")) / 100
        for r in hand_filtered()
        if r["discount_to_last_close"]
    ]


def test_the_cut_off_is_the_agreement_date_then_announcement_then_market_data() -> None:
    """Agreement 2025-10-17 wins over announcement 2025-10-20; without either, the history's last day."""
    deal = load_deal(TOPUP)
    assert deal_cut_off(deal) == (dt.date(2025, 10, 17), "before 2025-10-17 (the agreement date)")
    no_agreement = replace(deal, placing=replace(deal.placing, agreement_date=None))
    assert deal_cut_off(no_agreement)[0] == dt.date(2025, 10, 20)
    undated = replace(no_agreement, placing=replace(no_agreement.placing, announcement_date=None))
    last_close_day = max(c.date for c in deal.market.history)
    assert deal_cut_off(undated) == (last_close_day, f"before {last_close_day} (the date of the market data)")
    bare = replace(undated, market=replace(undated.market, history=()))
    assert deal_cut_off(bare) == (None, NO_CUT_OFF)
    assert deal_cut_off(deal, dt.date(2026, 1, 1)) == (
        dt.date(2026, 1, 1),
        "before 2026-01-01 (the cut-off given)",
    )


def test_a_deal_of_2025_10_17_does_not_count_later_deals() -> None:
    """The selection keeps exactly the hand-filtered rows; quartiles equal statistics.quantiles of them."""
    deal = load_deal(TOPUP)
    selection = load_precedents(EXAMPLE, deal=deal)
    assert not {r.date.text for r in selection.rows if r.date} & LATER
    assert len(selection.rows) == len(hand_filtered())
    assert "before 2025-10-17 (the agreement date)" in selection.filters
    assert "3 rows dated on or after 2025-10-17 left out (no look-ahead)" in selection.notes
    expected = hand_discounts()
    q1, q2, q3 = statistics.quantiles(expected, n=4, method="inclusive")
    stats = summarise(values_of(selection.rows, "discount_to_last_close"))
    assert stats.count == len(expected)
    assert (Fraction(stats.lower_quartile), Fraction(stats.median), Fraction(stats.upper_quartile)) == (
        q1,
        q2,
        q3,
    )


def test_until_overrides_and_a_dateless_deal_says_no_cut_off_was_applied() -> None:
    """--until 2026-01-01 keeps all 17 rows; the demo (no date at all) keeps all 17 and says no cut-off."""
    deal = load_deal(TOPUP)
    every = load_precedents(EXAMPLE, deal=deal, until="2026-01-01")
    assert len(every.rows) == 17
    assert "before 2026-01-01 (the cut-off given)" in every.filters
    plain = load_precedents(EXAMPLE, deal=undated_demo())
    assert NO_CUT_OFF in plain.filters
    with pytest.raises(PrecedentsError, match="no precedents dated before the cut-off"):
        load_precedents(EXAMPLE, deal=deal, until="2020-01-01")


def test_the_precedents_sheet_counts_only_earlier_deals_and_names_the_cut_off() -> None:
    """The sheet's cached Count and quartiles of the discount are those of the hand-filtered list."""
    figures = compute(load_deal(TOPUP))
    data = render_report(figures, precedents=load_precedents(EXAMPLE))  # the sheet applies the deal's cut-off
    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Precedents"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("before 17 Oct 2025 (the agreement date)" in t for t in texts)
    assert not any(t in LATER for t in texts)
    column = next(int(c.column) for c in sheet[6] if c.value == "Discount to last close")
    count_row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "Count")
    expected = hand_discounts()
    q1, q2, q3 = statistics.quantiles(expected, n=4, method="inclusive")
    assert sheet.cell(count_row, column).value == len(expected)
    for offset, value in ((2, q1), (3, q2), (5, q3)):
        assert sheet.cell(count_row + offset, column).value == pytest.approx(float(value), rel=1e-12)


def test_the_frame_and_build_report_apply_the_cut_off(tmp_path: Path) -> None:
    """precedents_frame(deal=...) has no row from 2025-10-17 on and says the cut-off; build_report(until=) overrides."""
    pytest.importorskip("pandas")
    deal = load_deal(TOPUP)
    frame = precedents_frame(EXAMPLE, deal=deal)
    assert len(frame) == len(hand_filtered())
    assert not set(frame["date_text"]) & LATER
    assert frame.attrs["cut_off"] == "before 2025-10-17 (the agreement date)"
    out = build_report(deal, tmp_path / "r.xlsx", precedents=EXAMPLE, until="2026-01-01")
    sheet = openpyxl.load_workbook(out, data_only=True)["Precedents"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("before 1 Jan 2026 (the cut-off given)" in t for t in texts)


def test_build_and_check_on_the_command_line_say_the_cut_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """build prints the cut-off with the filters; --until changes it; check names the deal's cut-off."""
    out = tmp_path / "r.xlsx"
    assert main(["build", str(TOPUP), "-o", str(out), "--precedents", str(EXAMPLE)]) == 0
    assert "before 2025-10-17 (the agreement date)" in capsys.readouterr().out
    assert (
        main(
            [
                "build",
                str(TOPUP),
                "-o",
                str(out),
                "--force",
                "--precedents",
                str(EXAMPLE),
                "--until",
                "2025-12-18",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "16 of 17" in printed
    assert "before 2025-12-18 (the cut-off given)" in printed
    main(["check", str(TOPUP)])
    assert "precedents cut-off: before 2025-10-17 (the agreement date)" in capsys.readouterr().out
    main(["check", "--json", str(TOPUP)])
    assert (
        json.loads(capsys.readouterr().out)["precedents_cut_off"] == "before 2025-10-17 (the agreement date)"
    )


def test_batch_takes_until_and_cuts_each_deal_at_its_own_date(tmp_path: Path) -> None:
    """A batch of the top-up example: --until 2025-12-18 keeps 16 of 17 rows (SenseTime's 2025-12-18 placing out)."""
    folder = tmp_path / "deals"
    folder.mkdir()
    (folder / "topup.toml").write_bytes(TOPUP.read_bytes())
    out = tmp_path / "out"
    args = ["batch", str(folder), "--out-dir", str(out), "--workers", "1", "--precedents", str(EXAMPLE)]
    assert main([*args, "--until", "2025-12-18"]) == 0
    report = next(p for p in out.glob("*.xlsx") if not p.name.startswith("summary"))
    texts = [str(c.value) for row in openpyxl.load_workbook(report)["Precedents"].iter_rows() for c in row]
    assert "16 precedents from" in " ".join(texts)
    assert any("before 18 Dec 2025 (the cut-off given)" in t for t in texts)
    assert main([*args, "--force"]) == 0  # without --until: the deal's own agreement date
    texts = [str(c.value) for row in openpyxl.load_workbook(report)["Precedents"].iter_rows() for c in row]
    assert any(f"{len(hand_filtered())} precedents from" in t for t in texts)
    assert any("before 17 Oct 2025 (the agreement date)" in t for t in texts)

"""Placements outside Hong Kong: ASX capacity, SGX Rule 811 and 806, Nasdaq 5635(d), structures.

The deals are shaped like real ones; each says where its figures come from. A figure a
source did not publish is marked "(illustrative)". Expected values are worked out by hand
or with fractions here, never copied from the code's output.
"""

from __future__ import annotations

import copy
import csv
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from deal_maps import report_of, rule
from lo_support import Session, formula_errors, in_session
from report_support import formulas, named, named_cell, render, values

from xl_placement import figure_rows
from xl_placement.cli import main
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import compute

# --- ASX: Kazia Therapeutics' placement of late 2022 ---------------------------------------
# Tranche 1: 22,597,918 shares under LR 7.1 and 2,789,100 under LR 7.1A; Tranche 2:
# 15,522,073 shares subject to shareholders' approval. Source: Kazia notice of meeting,
# Form 6-K, https://capedge.com/filing/1075880/0001193125-23-011491/KZIA-6K/file/2
# Price, VWAP and remaining capacities (illustrative): not in that source.
KAZIA_TRANCHES = [
    {"name": "Tranche 1 (LR 7.1)", "shares": 22_597_918, "capacity": "7.1"},
    {"name": "Tranche 1 (LR 7.1A)", "shares": 2_789_100, "capacity": "7.1A"},
    {"name": "Tranche 2", "shares": 15_522_073, "capacity": "approval"},
]
KAZIA_SHARES = 22_597_918 + 2_789_100 + 15_522_073


def asx(**placing: Any) -> dict[str, Any]:
    """An ASX deal in Kazia's shape; ``placing`` fields are laid over it (None removes one)."""
    data: dict[str, Any] = {
        "issuer": {
            "name": "Kazia Therapeutics Limited",
            "stock_code": "KZA",
            "exchange": "ASX",
            "currency": "AUD",
        },
        "placing": {"new_shares": KAZIA_SHARES, "price": "9c", "tranches": copy.deepcopy(KAZIA_TRANCHES)},
        "market": {"last_close": "10.5c", "vwap_15d": "12c"},  # (illustrative)
    }
    for key, value in placing.items():
        if value is None:
            data["placing"].pop(key, None)
        else:
            data["placing"][key] = value
    return data


def test_asx_prices_in_cents_are_read_as_hundredths() -> None:
    """ "9c" is A$0.09 and "10.5c" A$0.105: the discount to the last close is 1 - 9/10.5 = 14.29%."""
    figures = compute(deal_from_mapping(asx(), "test"))
    assert figures.deal.placing.price == Decimal("0.09")
    last = figures.reference("last_close")
    assert last is not None
    assert last.price == Decimal("0.105")
    assert abs(Fraction(last.discount) - (1 - Fraction(90, 105))) < Fraction(1, 10**20)


def test_asx_floor_is_checked_for_the_7_1a_tranche_only() -> None:
    """9c is 75% of a 12c VWAP (passes); 8.99c is below it, and the 2,789,100 7.1A shares breach."""
    check = rule(report_of(asx()), "Rule 7.1A")
    assert check.status == "pass"
    assert "2,789,100 shares" in check.detail
    below = rule(report_of(asx(price="8.99c")), "Rule 7.1A")
    assert below.status == "breach"


def test_a_7_1_tranche_at_71_percent_of_the_vwap_is_not_a_breach() -> None:
    """LR 7.1 has no price floor: without a 7.1A tranche the floor is not applicable, VWAP or not."""
    tranches = [KAZIA_TRANCHES[0], {**KAZIA_TRANCHES[1], "capacity": "7.1"}, KAZIA_TRANCHES[2]]
    data = asx(price="8.52c", tranches=tranches)  # 8.52 / 12 = 71% of the 15-day VWAP
    check = rule(report_of(data), "Rule 7.1A")
    assert check.status == "not applicable"
    assert "LR 7.1" in check.detail
    del data["market"]["vwap_15d"]
    assert rule(report_of(data), "Rule 7.1A").status == "not applicable"
    whole = asx(price="8.52c", tranches=None, capacity="7.1")
    del whole["market"]["vwap_15d"]
    assert rule(report_of(whole), "Rule 7.1A").status == "not applicable"


def test_asx_without_a_capacity_says_which_to_give() -> None:
    """No capacity and no tranches: every ASX check asks for it instead of guessing a verdict."""
    checks = report_of(asx(tranches=None)).rules
    assert len(checks) == 4  # the 75% floor, 7.1A eligibility, and the two capacities
    for check in checks:
        assert check.status == "not enough data"
        assert "say whether the shares are issued under LR 7.1 or 7.1A" in check.detail


def test_asx_capacities_are_checked_against_what_remains() -> None:
    """22,597,918 shares under 7.1 fit 22,597,918 remaining (0 left) and breach 22,597,917 by one."""
    fits = report_of(asx(remaining_7_1=22_597_918, remaining_7_1a=5_000_000))
    assert rule(fits, "capacity under LR 7.1A").status == "pass"
    first = [r for r in fits.rules if r.rule == "ASX capacity under LR 7.1"]
    assert first[0].status == "pass"
    assert first[0].value == 0
    over = report_of(asx(remaining_7_1=22_597_917))
    breach = next(r for r in over.rules if r.rule == "ASX capacity under LR 7.1")
    assert breach.status == "breach"
    assert "by 1 shares" in breach.detail
    missing = rule(over, "capacity under LR 7.1A")
    assert missing.status == "not enough data"
    assert "placing.remaining_7_1a" in missing.detail


def test_asx_whole_issue_under_one_capacity_uses_the_mandate_limit() -> None:
    """capacity = "7.1A" with mandate_limit 2,000,000: 2,789,100 shares exceed it by 789,100."""
    data = asx(tranches=None, capacity="7.1A", new_shares=2_789_100, mandate_limit=2_000_000)
    check = rule(report_of(data), "capacity under LR 7.1A")
    assert check.status == "breach"
    assert "789,100" in check.detail


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"capacity": "7.1"}, "placing.capacity = '7.1': cannot be given with [[placing.tranches]]"),
        (
            {"new_shares": KAZIA_SHARES + 1},
            "the tranches hold 40,909,091 shares in all, not placing.new_shares",
        ),
        ({"mandate_limit": 1_000}, "give placing.remaining_7_1 and placing.remaining_7_1a"),
    ],
)
def test_asx_tranches_that_do_not_fit_are_refused(change: dict[str, Any], message: str) -> None:
    """A tranche split that contradicts the other fields is refused with a message naming them."""
    with pytest.raises(DealError, match=None) as caught:
        deal_from_mapping(asx(**change), "test")
    assert message in str(caught.value)


def test_asx_wording_speaks_of_listing_rules_not_the_general_mandate() -> None:
    """The terms sentence names the tranches and their Listing Rules, never a Hong Kong mandate."""
    terms = report_of(asx()).sentences[0]
    assert "general mandate" not in terms
    assert "22,597,918 shares under Listing Rule 7.1" in terms
    assert "15,522,073 shares with shareholders' approval" in terms
    assert "best efforts" not in terms


# --- SGX: Jiutian Chemical Group, October 2020 ---------------------------------------------
# 170,000,000 placement shares at 6.03 cents; "a discount of about 5.63% of the volume
# weighted average price of 6.39 cents for trades done on the SGX-ST on Oct 15"; trading
# halted before the open on 16 October; announced 19 October; within the general mandate.
# Source: The Edge Singapore, "Jiutian Chemical seeks to raise $10.3 mil via proposed
# placement of 170 mil new shares" (Catalist Rule 811(1), as quoted there).
def jiutian(**market: Any) -> dict[str, Any]:
    """The Jiutian placement; ``market`` fields are laid over it (None removes one)."""
    data: dict[str, Any] = {
        "issuer": {
            "name": "Jiutian Chemical Group Limited",
            "stock_code": "C8R",
            "exchange": "SGX",
            "currency": "SGD",
        },
        "placing": {"new_shares": 170_000_000, "price": "6.03c", "agreement_date": "2020-10-19"},
        "market": {"day_vwap": "6.39c", "day_vwap_date": "2020-10-15"},
        "stated": {"discount_to_day_vwap": "5.63%", "gross_proceeds": "S$10.3m"},
    }
    for key, value in market.items():
        if value is None:
            data["market"].pop(key, None)
        else:
            data["market"][key] = value
    return data


def test_sgx_811_names_the_preceding_market_day_and_why() -> None:
    """The halted shares had no full market day before signing: 811 uses 15 October's VWAP, and says so."""
    checks = report_of(jiutian())
    check = rule(checks, "811")
    assert check.status == "pass"
    assert check.value is not None
    assert abs(Fraction(check.value) - (1 - Fraction(603, 639))) < Fraction(
        1, 10**40
    )  # 5.634%: "about 5.63%"
    assert "15 October 2020, the preceding market day" in check.detail
    assert "no full market day of trading on 19 October 2020" in check.detail
    assert check.title == "Discount to the VWAP of the preceding market day"
    assert all(s.matches for s in checks.stated), checks.stated  # 5.63% and S$10.3m as published
    assert checks.stated[0].label == "Discount to the VWAP of the preceding market day"
    assert any(
        "S$0.0639 per Share for trades done on 15 October 2020, the preceding market day" in s
        for s in checks.sentences
    )


def test_sgx_811_on_the_agreement_day_and_without_a_date() -> None:
    """Same day: "the full market day the placing agreement was signed"; no date: it asks for one."""
    same = rule(report_of(jiutian(day_vwap_date="2020-10-19")), "811")
    assert "the full market day the placing agreement was signed" in same.detail
    undated = rule(report_of(jiutian(day_vwap_date=None)), "811")
    assert "give market.day_vwap_date" in undated.detail


def test_sgx_day_vwap_date_after_the_agreement_is_refused() -> None:
    """Rule 811 looks back, never forward: a day after the agreement date is an input error."""
    with pytest.raises(DealError) as caught:
        deal_from_mapping(jiutian(day_vwap_date="2020-10-20"), "test")
    assert "market.day_vwap_date = 2020-10-20: is after placing.agreement_date (2020-10-19)" in str(
        caught.value
    )


def test_sgx_mandate_limit_is_checked_not_ignored() -> None:
    """170,000,000 new shares against a 50,000,000-share mandate: Rule 806 breached by 120,000,000."""
    data = jiutian()
    data["placing"]["mandate_limit"] = 50_000_000
    check = rule(report_of(data), "806")
    assert check.status == "breach"
    assert "120,000,000" in check.detail
    data["placing"]["mandate_limit"] = 170_000_000
    # Fits only if none of the mandate was used before: unknown use is not zero, so not a pass...
    assert rule(report_of(data), "806").status == "not enough data"
    data["placing"]["mandate_used"] = 0  # ...until the deal says none was
    assert rule(report_of(data), "806").status == "pass"


# --- Nasdaq: Kazia Therapeutics' registered direct offering of November 2023 -------------
# 2,620,000 ADSs (10 ordinary shares each) at US$0.45; pre-funded warrants for 1,824,445 ADSs
# at US$0.44; warrants for 4,444,445 ADSs at US$0.583. Gross proceeds US$1,981,756.
# Sources: prospectus supplement (424B5), https://ih.advfn.com/stock-market/NASDAQ/kazia-therapeutics-KZIA/stock-news/92718388/
# and annual report note 22, https://www.sec.gov/Archives/edgar/data/1075880/000119312524259805/R27.htm
# Shares outstanding, last close and 5-day average (illustrative).
def kazia_rdo(**placing: Any) -> dict[str, Any]:
    """The Kazia RDO in ordinary shares, prices per ADS; ``placing`` fields laid over it (None removes)."""
    data: dict[str, Any] = {
        "issuer": {
            "name": "Kazia Therapeutics Limited",
            "stock_code": "KZIA",
            "exchange": "NASDAQ",
            "currency": "USD",
        },
        "placing": {
            "new_shares": 26_200_000,
            "price": "0.45",
            "ads_ratio": 10,
            "prefunded_warrants": 18_244_450,
            "prefunded_price": "0.44",
            "attached_warrants": 44_444_450,
            "warrant_exercise_price": "0.583",
            "shares_outstanding": 300_000_000,
        },
        "market": {"last_close": "0.50", "average_close_5d": "0.48"},
        "stated": {"gross_proceeds": "US$1,981,756"},  # as published: to the dollar
    }
    for key, value in placing.items():
        if value is None:
            data["placing"].pop(key, None)
        else:
            data["placing"][key] = value
    return data


def test_gross_proceeds_count_adss_and_pre_funded_warrants() -> None:
    """2,620,000 x 0.45 + 1,824,445 x 0.44 = US$1,981,755.80, published as US$1,981,756."""
    checks = report_of(kazia_rdo())
    gross = next(s for s in checks.stated if s.key == "gross_proceeds")
    assert gross.matches
    figures = compute(deal_from_mapping(kazia_rdo(), "test"))
    assert figures.proceeds.gross == Decimal(2_620_000) * Decimal("0.45") + Decimal(1_824_445) * Decimal(
        "0.44"
    )


def test_nasdaq_20_percent_counts_every_share_the_deal_may_issue() -> None:
    """26.2m new shares are 8.7% of 300m; with 62,688,900 warrant shares 88,888,900 are 29.6%: a breach below the Minimum Price."""
    check = rule(report_of(kazia_rdo()), "5635(d)")
    assert check.status == "breach"  # US$0.45 is below the Minimum Price of min(0.50, 0.48)
    assert "88,888,900 shares (26,200,000 new shares and 62,688,900 warrant shares)" in check.figure
    assert "29.63%" in check.figure  # 88,888,900 / 300,000,000
    counted = rule(
        report_of(
            kazia_rdo(
                warrant_shares=0,
                prefunded_warrants=None,
                prefunded_price=None,
                attached_warrants=None,
                warrant_exercise_price=None,
            )
        ),
        "5635(d)",
    )
    assert counted.status == "pass"  # new shares alone are 8.73%, under 20%


def test_nasdaq_warrant_shares_cannot_undercount_the_warrants_sold() -> None:
    """placing.warrant_shares below pre-funded + attached warrants is refused, naming both."""
    with pytest.raises(DealError) as caught:
        deal_from_mapping(kazia_rdo(warrant_shares=1), "test")
    assert "placing.prefunded_warrants + placing.attached_warrants (62,688,900)" in str(caught.value)


def test_nasdaq_public_offering_is_not_applicable_with_the_reason() -> None:
    """placing.public_offering = true: 5635(d) applies only to transactions other than public offerings."""
    check = rule(report_of(kazia_rdo(public_offering=True)), "5635(d)")
    assert check.status == "not applicable"
    assert "public offering" in check.detail


def test_nasdaq_refuses_a_mandate_limit() -> None:
    """Nasdaq has no general mandate: a limit would be ignored, so it is refused with the reason."""
    with pytest.raises(DealError) as caught:
        deal_from_mapping(kazia_rdo(mandate_limit=1_000_000), "test")
    assert "placing.mandate_limit = 1000000: means nothing for a Nasdaq deal" in str(caught.value)


def test_fully_diluted_dilution_and_exercise_proceeds() -> None:
    """88,888,900 of 388,888,900 shares fully diluted; 4,444,445 ADS warrants at US$0.583 raise US$2,591,111.44."""
    rows = {r.key: r for r in figure_rows(compute(deal_from_mapping(kazia_rdo(), "test")))}
    diluted = rows["percent_fully_diluted"].value
    assert diluted is not None
    assert abs(Fraction(diluted) - Fraction(88_888_900, 388_888_900)) < Fraction(1, 10**20)
    assert rows["warrant_exercise_proceeds"].value == Decimal("2591111.44")  # 4,444,445 x 0.583, to the cent


def test_nasdaq_wording_has_no_hong_kong_terms_and_no_assumed_underwriting() -> None:
    """Per ADS with the ratio, pre-funded warrants in proceeds, no general mandate, no best efforts."""
    sentences = report_of(kazia_rdo()).sentences
    terms = sentences[0]
    assert "at US$0.45 per ADS (each ADS representing 10 ordinary shares)" in terms
    assert "general mandate" not in " ".join(sentences)
    assert "best efforts" not in terms
    assert any("Pre-funded warrants to subscribe for 18,244,450 Shares" in s for s in sentences)
    given = kazia_rdo()
    given["placing"]["underwriting"] = "best efforts"
    assert "on a best efforts basis" in report_of(given).sentences[0]


def test_minimum_price_is_the_lower_of_close_and_five_day_average() -> None:
    """FAQ 271/272: the Minimum Price is min(last close, 5-day average); at it the price is not below."""
    data = kazia_rdo(price="0.48")
    assert rule(report_of(data), "5635(d)").status == "pass"
    data["market"] = {"last_close": "0.47", "average_close_5d": "0.49"}
    check = rule(report_of(data), "5635(d)")
    assert "Minimum Price US$0.47" in check.figure
    assert check.status == "pass"


# --- Fewer required inputs ------------------------------------------------------------------

MINIMAL: dict[str, Any] = {
    "issuer": {"name": "Minimal Ltd", "stock_code": "MIN", "exchange": "SGX", "currency": "SGD"},
    "placing": {"new_shares": 170_000_000, "price": "6.03c"},
}


def test_a_deal_with_only_shares_and_price_gives_figures_and_names_the_rest() -> None:
    """Gross proceeds are computed; every figure and check that needs more names the field."""
    figures = compute(deal_from_mapping(copy.deepcopy(MINIMAL), "test"))
    assert figures.proceeds.gross == Decimal("10251000.00")  # 170,000,000 x 0.0603
    rows = {r.key: r for r in figure_rows(figures)}
    for key in ("shares_outstanding", "enlarged_shares", "percent_of_existing", "percent_of_enlarged"):
        assert rows[key].value is None
        assert rows[key].note == "not given: needs placing.shares_outstanding"
    checks = report_of(copy.deepcopy(MINIMAL))
    assert {r.status for r in checks.rules} == {"not enough data"}
    assert "market.day_vwap" in rule(checks, "811").detail
    assert "placing.mandate_limit" in rule(checks, "806").detail
    assert any("not given: needs placing.shares_outstanding" in s for s in checks.sentences)
    assert any("not given: needs [[proceeds.uses]]" in s for s in checks.sentences)


def test_command_line_says_not_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """xl-placement check prints and --json carries "not given" with the field, exit 0."""
    deal = tmp_path / "minimal.json"
    deal.write_text(json.dumps(MINIMAL))
    assert main(["check", str(deal)]) == 0
    out = capsys.readouterr().out
    assert "not given (needs placing.shares_outstanding)" in out
    assert main(["check", str(deal), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["figures"]["percent_of_enlarged"]["value"] is None
    assert data["figures"]["percent_of_enlarged"]["note"] == "not given: needs placing.shares_outstanding"


def test_report_of_a_minimal_deal_says_not_given_and_caches_no_fake_numbers() -> None:
    """Figures whose inputs are missing have no cell (their rows are left off), never a 0 or a formula over a blank."""
    data = render(copy.deepcopy(MINIMAL))
    book = values(data)
    for name in ("SharesOutstanding", "Enlarged", "PctExisting", "PctEnlarged", "TheoreticalPrice"):
        assert name not in book.defined_names, name
    assert named_cell(formulas(data), "Price").number_format == "#,##0.0000"  # 6.03 cents shows as 0.0603
    assert named(book, "KeyEnlarged") == "Shares in issue not available"
    assert named(book, "KeyDiscount") == "Market prices not available"
    assert named(book, "Gross") == pytest.approx(10_251_000)
    assert named(book, "AllocCheck") == "not given"
    holding = book["Shareholding"]
    assert any(
        cell.value == "The number of shares in issue was not available"
        for row in holding.iter_rows()
        for cell in row
    )


@in_session
def _reports(folder: Path) -> dict[str, bytes]:
    """The reports of deals outside Hong Kong, by deal."""
    del folder
    return {
        "minimal": render(copy.deepcopy(MINIMAL)),
        "kazia": render(kazia_rdo()),
        "asx": render(asx()),
        "jiutian": render(jiutian()),
    }


def _recalculates(data: bytes, lo_path: Path) -> list[str]:
    """Formula cells whose LibreOffice value (in ``lo_path``) differs from the cached one, and any error value."""
    book, cached = formulas(data), values(data)
    lo = openpyxl.load_workbook(lo_path, data_only=True)
    wrong = list(formula_errors(lo_path))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                expected = cached[sheet.title][cell.coordinate].value
                got = lo[sheet.title][cell.coordinate].value
                close = (
                    isinstance(got, int | float)
                    and isinstance(expected, int | float)
                    and abs(got - expected) <= 1e-9 * max(1.0, abs(expected))
                )
                if not close and got != expected:
                    wrong.append(
                        f"'{sheet.title}'!{cell.coordinate} {cell.value}: LO {got!r}, cached {expected!r}"
                    )
    return wrong


@pytest.mark.libreoffice
@pytest.mark.parametrize("deal", ["minimal", "kazia", "asx", "jiutian"])
def test_reports_outside_hong_kong_recalculate_in_libreoffice(deal: str, lo_session: Session) -> None:
    """Every formula of these reports (ADS ratio and pre-funded warrants in gross) recalculates to its cached value."""
    book = lo_session.results(_reports)[deal]
    assert _recalculates(book.data, book.result) == []


def test_report_terms_use_the_exchange_words() -> None:
    """Mandate cell: HKEX/SGX "General mandate"; ASX the tranches' Listing Rules; Nasdaq approval; underwriting not given."""
    asx_book = values(render(asx()))
    assert named(asx_book, "Mandate") == "LR 7.1 + LR 7.1A + holder approval (3 tranches)"
    single = values(render(asx(tranches=None, capacity="7.1A")))
    assert named(single, "Mandate") == "Under Listing Rule 7.1A"
    assert "Underwriting" not in asx_book.defined_names  # not given: the term's row is left off
    nasdaq_book = values(render(kazia_rdo()))
    # The Kazia deal file does not say (placing.mandate): nothing claims there was no approval, and
    # the term's row is left off the deal sheet.
    assert "Mandate" not in nasdaq_book.defined_names
    assert "Mandate" not in values(render(jiutian())).defined_names  # the deal file does not say


def test_batch_summary_says_not_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An ASX row split into two tranches is checked (incomplete: no remaining capacity given); its dilution
    columns say "not given", not blank."""
    rows = [
        "issuer.name,issuer.stock_code,issuer.exchange,issuer.currency,placing.new_shares,placing.price,"
        "placing.tranches.0.name,placing.tranches.0.shares,placing.tranches.0.capacity,"
        "placing.tranches.1.name,placing.tranches.1.shares,placing.tranches.1.capacity,market.vwap_15d",
        "Kazia,KZA,ASX,AUD,25387018,9c,T1,22597918,7.1,T1A,2789100,7.1A,12c",
    ]
    source = tmp_path / "deals.csv"
    source.write_text("\n".join(rows) + "\n")
    assert main(["batch", str(source), "--out-dir", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    with (tmp_path / "out" / "summary.csv").open(encoding="utf-8-sig", newline="") as handle:
        (record,) = csv.DictReader(handle)
    # Nothing failed, but the LR 7.1 and 7.1A capacity checks need the remaining capacity: incomplete.
    assert record["status"] == "incomplete"
    assert "placing.remaining_7_1" in record["incomplete checks"]
    assert record["% of enlarged"] == "not given"
    assert record["gross proceeds"] == "2284831.62"  # 25,387,018 x 0.09


def test_a_label_inside_a_sentence_keeps_an_acronym_and_lowers_a_plain_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "VWAP of the agreement day" keeps its capitals mid-sentence (check, 811, grid, API); "Last close" is lowered."""
    data = jiutian(day_vwap_date=None, last_close="6.5c")  # the VWAP is of the agreement day itself
    deal = tmp_path / "jiutian.json"
    deal.write_text(json.dumps(data))
    assert main(["check", str(deal)]) == 0
    out = capsys.readouterr().out
    assert "discount to VWAP of the agreement day (SGD 0.0639)" in out
    assert "discount to last close (SGD 0.065)" in out
    assert (
        rule(report_of(data), "811").figure == "discount of 5.63% to VWAP of the agreement day"
    )  # 1 - 603/639
    labels = {row.label for row in figure_rows(compute(deal_from_mapping(data, "test")))}
    assert {"Discount to VWAP of the agreement day", "Discount to last close"} <= labels
    book = values(render(data))
    texts = {c.value for ws in book.worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert {"Discount to VWAP of the agreement day", "Discount to last close"} <= texts  # the grid's heads
    assert not [t for t in texts if "vWAP" in t or "vwap of" in t]

"""PLACEMENT_CHECK: the listing-rule checks in a cell, the same as the report and the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

import placement
from xl_placement import load_deal
from xl_placement.checks import check_deal
from xl_placement.figures import compute

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HEADER = ["Rule", "Check", "Status", "Figure", "Limit", "Unit", "Detail"]
DETAIL = 6


def statuses(table):
    """Rule -> status of a PLACEMENT_CHECK table (after its header row)."""
    assert table[0] == HEADER
    return {row[0]: row[2] for row in table[1:]}


def test_demo_deal_cells_give_exactly_the_rows_of_check_deal():
    """On the demo deal's cells PLACEMENT_CHECK shows check_deal's rows for examples/sensetime.toml as data:
    the same statuses, the figure and limit as numbers with their unit, and the detail (short when long)."""
    deal = load_deal(EXAMPLES / "sensetime.toml")
    checks = check_deal(compute(deal)).rules
    table = placement.PLACEMENT_CHECK("HKEX", 1.91, 1.7e9, 40_424_038_000.0, 2.09, 2.021, "general", 6.0)
    assert table[0] == HEADER
    assert [row[:3] for row in table[1:]] == [[r.rule, r.title, r.status] for r in checks]
    # The figure and the limit as numbers: the discount 1 - 1.91/2.09 against the cap 0.20.
    discount = next(row for row in table if row[0] == "HKEX Rule 13.36(5)")
    assert discount[3:6] == [pytest.approx(1 - 1.91 / 2.09, rel=1e-15), 0.2, "fraction"]
    placees = next(row for row in table if row[0] == "HKEX placing disclosure")
    assert placees[3:6] == [6.0, 6.0, "placees"]
    renamed = {
        "as given in the deal file": "as given in the arguments",
        "placing.mandate_limit": "mandate_limit",
    }
    for row, check in zip(table[1:], checks, strict=True):
        detail = check.detail
        for old, new in renamed.items():
            detail = detail.replace(old, new)
        detail = detail.replace("placing.mandate_used", "mandate_used")
        assert len(row[DETAIL]) <= 255
        if len(detail) <= 255:
            assert row[DETAIL] == detail
        else:  # cut to whole sentences, keeping the last (the verdict's reason), or at a word
            assert row[DETAIL].endswith(("\u2026", detail.rsplit(". ", 1)[-1]))
    assert statuses(table)["HKEX Rule 13.36(5)"] == "pass"


def test_the_table_is_data_a_formula_can_count():
    """Statuses are the fixed words: counting "breach" in the status column counts the breaches, as
    =COUNTIF(C2:C6,"breach") would; figures and limits are numbers; header=FALSE leaves out the header."""
    table = placement.PLACEMENT_CHECK("HKEX", 0.80, 100.0, 1000.0, 1.0, 0.9, "general", 5.0, 100.0, 1.0)
    assert {row[2] for row in table[1:]} <= {
        "pass",
        "breach",
        "not applicable",
        "not enough data",
        "information",
    }
    assert sum(row[2] == "breach" for row in table[1:]) == 2  # 20% discount and one share over the mandate
    assert all(isinstance(row[3], float) or row[3] == "" for row in table[1:])
    bare = placement.PLACEMENT_CHECK("HKEX", 0.80, 100.0, 1000.0, 1.0, 0.9, *[None] * 11, False)
    assert bare[0][0] == "HKEX Rule 13.36(5)"
    assert len(bare) == len(placement.PLACEMENT_CHECK("HKEX", 0.80, 100.0, 1000.0, 1.0, 0.9)) - 1


@pytest.mark.parametrize("exchange", ["HKEX", "SGX", "NASDAQ", "ASX", "other"])
def test_no_string_is_longer_than_xlwings_can_return(exchange):
    """xlwings' classic add-in turns the whole array into #VALUE! for a string over 255 characters: none is."""
    mandate = (4e8, 1e8) if exchange in ("HKEX", "SGX") else (None, None)
    capacity = "7.1A" if exchange == "ASX" else None
    args = (exchange, 0.5, 3e8, 1e9, 1.0, 0.9, "general", 3.0, *mandate, 0.95, 0.9, None, capacity, 2e8)
    table = placement.PLACEMENT_CHECK(*args)
    assert isinstance(table, list), table
    assert all(len(cell) <= 255 for row in table for cell in row if isinstance(cell, str))


@pytest.mark.parametrize("exchange", ["HKEX", "SGX", "NASDAQ", "ASX", "other"])
@pytest.mark.parametrize("mandate", [None, "specific"])
def test_check_texts_speak_of_the_functions_own_arguments(exchange, mandate):
    """With the optional arguments blank, no text names a deal-file field or table the function does not take."""
    table = placement.PLACEMENT_CHECK(exchange, 1.91, 1.7e9, 40_424_038_000.0, 2.09, None, mandate)
    assert isinstance(table, list), table
    for row in table[1:]:
        for text in (cell for cell in row if isinstance(cell, str)):
            for deal_file_word in ("placing.", "market.", "issuer.", "[[", "deal file"):
                assert deal_file_word not in text, (row[0], text)
    details = " ".join(row[DETAIL] for row in table[1:])
    if exchange == "HKEX" and mandate is None:
        assert "Needs mandate_limit" in details
        assert "average_close_5d" in details


@pytest.mark.parametrize(
    ("limit", "used", "message"),
    [
        (
            8e9,
            9e9,
            "#VALUE! mandate_used cannot exceed mandate_limit (8000000000), got 9000000000; correct one of them",
        ),
        (None, 1e6, "#VALUE! mandate_used needs mandate_limit as well, got 1000000"),
    ],
)
def test_impossible_mandate_figures_are_refused_naming_the_arguments(limit, used, message):
    """More shares used than the mandate allows cannot be: refused, naming both arguments, numbers as Excel shows them."""
    result = placement.PLACEMENT_CHECK("HKEX", 1.91, 1.7e9, 4e10, 2.09, 2.021, None, None, limit, used)
    assert result == message


def test_mandate_used_up_to_the_limit_is_checked():
    """Used equal to the limit is possible: no headroom left, so the placing breaches the mandate."""
    table = placement.PLACEMENT_CHECK("HKEX", 1.91, 1.7e9, 4e10, 2.09, 2.021, None, None, 8e9, 8e9)
    assert statuses(table)["HKEX Rule 13.36(2)(b)"] == "breach"


@pytest.mark.parametrize(
    ("price", "status"),
    [(0.80, "breach"), (0.8001, "pass"), (0.7999, "breach"), (1.05, "pass")],
    ids=["exactly-20%", "19.99%", "20.01%", "premium"],
)
def test_hkex_discount_cap_at_its_boundary(price, status):
    """Rule 13.36(5): a discount of exactly 20% to the benchmarked price breaches; 19.99% and a premium pass."""
    table = placement.PLACEMENT_CHECK("HKEX", price, 100.0, 1000.0, 1.0, 0.9)
    assert statuses(table)["HKEX Rule 13.36(5)"] == status


def test_hkex_benchmark_uses_the_5_day_average_when_it_is_above_the_close():
    """With the 5-day average (1.25) above the close (1.0), a price of 1.0 is a 20% discount: a breach."""
    table = placement.PLACEMENT_CHECK("HKEX", 1.0, 100.0, 1000.0, 1.0, 1.25)
    assert statuses(table)["HKEX Rule 13.36(5)"] == "breach"


def test_hkex_without_average_says_which_input_is_missing():
    """Without the 5-day average the discount check has not enough data and names the missing input."""
    table = placement.PLACEMENT_CHECK("HKEX", 1.91, 1.7e9, 4e10, 2.09)
    row = next(row for row in table if row[0] == "HKEX Rule 13.36(5)")
    assert row[2] == "not enough data"
    assert "average_close_5d" in row[DETAIL]


@pytest.mark.parametrize(("used", "status"), [(0.0, "pass"), (1.0, "breach")])
def test_hkex_mandate_headroom(used, status):
    """New shares equal to the mandate limit fit; one share already used makes it a breach."""
    table = placement.PLACEMENT_CHECK("HKEX", 1.91, 100.0, 1000.0, 2.09, 2.021, "general", 6.0, 100.0, used)
    assert statuses(table)["HKEX Rule 13.36(2)(b)"] == status


def test_sgx_rule_811_discount_to_day_vwap():
    """SGX Rule 811: more than a 10% discount to the agreement day's VWAP breaches."""
    breach = placement.PLACEMENT_CHECK("SGX", 0.89, 100.0, 1000.0, 1.0, None, None, None, None, None, 1.0)
    ok = placement.PLACEMENT_CHECK("sgx", 0.90, 100.0, 1000.0, 1.0, None, None, None, None, None, 1.0)
    # Rule 806 (the general mandate's limit) needs mandate_limit, which these calls leave blank.
    assert statuses(breach) == {"SGX Rule 811": "breach", "SGX Rule 806": "not enough data"}
    assert statuses(ok) == {"SGX Rule 811": "pass", "SGX Rule 806": "not enough data"}


def test_exchange_without_rules_says_so():
    """An exchange without rules here is reported as not applicable, not passed silently."""
    table = placement.PLACEMENT_CHECK("other", 1.91, 100.0, 1000.0, 2.09)
    assert table[1][2] == "not applicable"
    assert "No listing rules are checked" in table[1][DETAIL]


def test_currency_defaults_to_the_exchange_and_can_be_given():
    """Prices in the texts carry the exchange's currency (S$ for SGX) or the one given."""
    args = ("SGX", 0.9, 100.0, 1000.0, 1.0, None, None, None, None, None, 1.0)
    assert "Day VWAP S$1.00" in placement.PLACEMENT_CHECK(*args)[1][DETAIL]
    assert "Day VWAP EUR 1.00" in placement.PLACEMENT_CHECK(*args, None, "eur")[1][DETAIL]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("XETRA", 1.91, 100.0, 1000.0, 2.09),
            '#VALUE! exchange must be one of "HKEX", "SGX", "NASDAQ", "ASX", "LSE", "TSX", "Bursa", "other", got \'XETRA\'',
        ),
        (
            ("HKEX", -1.0, 100.0, None, 2.09),
            "#VALUE! price must be a positive number, got -1",
        ),
        (
            ("HKEX", 1.91, 1.5, 1000.0, 2.09),
            "#VALUE! new_shares must be a whole number, got 1.5",
        ),
        (
            ("HKEX", 1.91, 100.0, 1000.0, 2.09, None, "special"),
            '#VALUE! mandate must be one of "general", "specific", got \'special\'',
        ),
        (
            ("HKEX", 1.91, 100.0, 1000.0, 2.09, None, None, None, None, 5.0),
            "#VALUE! mandate_used needs mandate_limit as well, got 5",
        ),
        (
            ("HKEX", [1.91, 1.92], 100.0, 1000.0, 2.09),
            "#VALUE! price must be a single cell, got a range of 2 rows x 1 column",
        ),
    ],
)
def test_bad_arguments_are_named_in_one_line(args, message):
    """Problems are reported by argument name, all of them, on one line."""
    assert placement.PLACEMENT_CHECK(*args) == message


def test_asx_capacity_and_nasdaq_warrants_and_public_offering():
    """ASX: capacity "7.1" (or 7.1 typed as a number) makes the 75% floor not applicable; "7.1A" checks it.

    Nasdaq: warrant shares count toward the 20% (150 + 60 of 1,000 below the Minimum Price breaches);
    a public offering is not applicable.
    """
    asx_71 = placement.PLACEMENT_CHECK("ASX", 0.70, 100.0, 1000.0, 1.0, *[None] * 6, 1.0, None, 7.1)
    assert statuses(asx_71)["ASX Listing Rule 7.1A"] == "not applicable"
    asx_71a = placement.PLACEMENT_CHECK("ASX", 0.70, 100.0, 1000.0, 1.0, *[None] * 6, 1.0, None, "7.1A")
    assert statuses(asx_71a)["ASX Listing Rule 7.1A"] == "breach"  # 0.70 is below 75% of 1.00
    args = ("NASDAQ", 8.0, 150.0, 1000.0, 10.0, 9.0, *[None] * 7)
    assert statuses(placement.PLACEMENT_CHECK(*args))["Nasdaq Rule 5635(d)"] == "pass"  # 15%
    assert statuses(placement.PLACEMENT_CHECK(*args, None, 60.0))["Nasdaq Rule 5635(d)"] == "breach"  # 21%
    public = placement.PLACEMENT_CHECK(*args, None, 60.0, True)
    assert statuses(public)["Nasdaq Rule 5635(d)"] == "not applicable"

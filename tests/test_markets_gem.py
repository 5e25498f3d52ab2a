"""HKEX GEM (issue 30): the Main Board's rules under the GEM Listing Rules' numbers.

Expected prices come from fraction arithmetic (``fractions.Fraction``) and the rule numbers from
the GEM rulebook (17.42B, 17.41(2), 10.44A, 20.90(4)), never from the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from deal_maps import mapping, report_of, rule

from xl_placement.checks import check_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import Figures, compute
from xl_placement.grid import lowest_within_rule, pricing_grid
from xl_placement.rules import BREACH, NOT_ENOUGH_DATA, PASS, rule_checks
from xl_placement.wording import _reference_words, announcement_sentences

GEM = {"exchange": "HKEX", "currency": "HKD", "board": "GEM"}
MAIN_BOARD_NUMBERS = ("13.36", "7.27B", "14A.92")


def _gem(placing: dict | None = None, market: dict | None = None) -> Figures:
    data = mapping(
        issuer=GEM, placing=placing or {"mandate": "general"}, market=market or {"last_close": "2.00"}
    )
    return compute(deal_from_mapping(data, "test"))


def _at(figures: Figures, price: Decimal) -> Figures:
    deal = figures.deal
    return compute(dataclasses.replace(deal, placing=dataclasses.replace(deal.placing, price=price)))


def _discount_status(figures: Figures) -> str:
    return next(c for c in rule_checks(figures) if "17.42B" in c.rule).status


def test_gem_checks_are_named_by_gem_rule_numbers():
    """Every HKEX check of a GEM deal names its GEM Listing Rule, never a Main Board number."""
    figures = _gem(
        placing={
            "mandate": "general",
            "mandate_limit": 200,
            "mandate_used": 0,
            "kind": "top-up",
            "agreement_date": dt.date(2025, 9, 1),
            "subscription_date": dt.date(2025, 9, 10),
        },
    )
    rules = [c.rule for c in rule_checks(figures)]
    for gem_rule in (
        "HKEX GEM Rule 17.42B",
        "HKEX GEM Rule 17.41(2)",
        "HKEX GEM Rule 10.44A",
        "HKEX GEM Rule 20.90(4)",
    ):
        assert gem_rule in rules
    texts = " ".join(f"{c.rule} {c.title} {c.detail}" for c in rule_checks(figures))
    texts += " " + pricing_grid(figures).rule.title
    texts += " ".join(r.label for r in figures.references)
    for number in MAIN_BOARD_NUMBERS:
        assert number not in texts


def test_gem_wording_names_the_gem_listing_rules():
    """The benchmarked price sentence cites GEM Rule 17.42B of the GEM Listing Rules."""
    figures = _gem(market={"last_close": "2.00", "average_close_5d": "2.10"})
    bench = figures.reference("benchmarked_price")
    assert bench is not None
    assert bench.label == "Benchmarked price (GEM Rule 17.42B)"
    words = _reference_words(figures, bench)  # the sentence when the benchmark differs from both closes
    assert words.endswith("under GEM Rule 17.42B of the GEM Listing Rules")
    assert "13.36" not in " ".join(announcement_sentences(figures))


def test_main_board_keeps_its_numbers():
    """Without a board (or with "Main Board") the Main Board numbers stay."""
    for issuer in ({"exchange": "HKEX"}, {"exchange": "HKEX", "board": "Main Board"}):
        checks = report_of(mapping(issuer=issuer))
        assert rule(checks, "13.36(5)").rule == "HKEX Rule 13.36(5)"


@pytest.mark.parametrize(
    ("close", "average", "tick"),
    [
        ("2.00", "1.90", Fraction(1, 100)),
        ("0.40", "0.41", Fraction(5, 1000)),
        ("0.125", "0.120", Fraction(1, 1000)),
    ],
)
def test_gem_17_42b_boundaries(close, average, tick):
    """Exactly 20% below the benchmarked price breaches; one tick above passes; one tick below breaches."""
    figures = _gem(placing={"mandate": "general"}, market={"last_close": close, "average_close_5d": average})
    bench = max(Fraction(close), Fraction(average))
    bound = Fraction(4, 5) * bench
    first = math.ceil(bound / tick) * tick
    if first == bound:
        first += tick  # exactly 20% breaches
    lowest = lowest_within_rule(figures)
    assert lowest is not None
    assert Fraction(lowest) == first
    to_dec = lambda f: Decimal(f.numerator) / Decimal(f.denominator)  # noqa: E731
    assert _discount_status(_at(figures, to_dec(first))) == PASS
    assert _discount_status(_at(figures, to_dec(first - tick))) == BREACH
    assert _discount_status(_at(figures, to_dec(bound))) == BREACH


def test_gem_grid_verdict_is_the_checks():
    """Each grid row's outcome is GEM 17.42B's status for the deal priced there."""
    figures = _gem(placing={"mandate": "general"}, market={"last_close": "1.00", "average_close_5d": "0.95"})
    rows = pricing_grid(figures).rows
    assert rows
    for row in rows:
        assert row.outcome == _discount_status(_at(figures, row.price)), row.price


def test_gem_mandate_headroom_boundary():
    """GEM 17.41(2): headroom 0 passes, one share over breaches; an unknown use is not enough data."""

    def status(limit: int, used: int | None) -> str:
        placing = {"mandate": "general", "mandate_limit": limit, "new_shares": 100}
        if used is not None:
            placing["mandate_used"] = used
        return next(c for c in rule_checks(_gem(placing=placing)) if "17.41(2)" in c.rule).status

    assert status(150, 50) == PASS
    assert status(150, 51) == BREACH
    assert status(150, None) == NOT_ENOUGH_DATA


def test_board_must_belong_to_the_exchange():
    """A board the exchange does not have is refused, naming the field and the boards allowed."""
    with pytest.raises(DealError) as caught:
        deal_from_mapping(mapping(issuer={"exchange": "SGX", "currency": "SGD", "board": "GEM"}), "test")
    assert "issuer.board" in str(caught.value)
    check_deal(_gem())  # and a GEM deal loads and checks


def test_placement_check_takes_hkex_gem():
    """PLACEMENT_CHECK's exchange "HKEX GEM" checks the GEM rules: 0.80 is exactly 20% below 1.00 (a breach)."""
    import placement  # noqa: PLC0415

    table = placement.PLACEMENT_CHECK("HKEX GEM", 0.80, 100.0, 1000.0, 1.0, 0.9, "general")
    rows = {row[0]: row[2] for row in table[1:]}
    assert rows["HKEX GEM Rule 17.42B"] == BREACH
    assert not any("13.36" in name for name in rows)
    passing = placement.PLACEMENT_CHECK("HKEX GEM", 0.81, 100.0, 1000.0, 1.0, 0.9, "general")
    assert {row[0]: row[2] for row in passing[1:]}["HKEX GEM Rule 17.42B"] == PASS


def test_placement_checks_exchange_help_names_every_registered_exchange():
    """The exchange argument's help (a literal the functions page reads) lists each registry key."""
    import ast  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from xl_placement.rules import EXCHANGES  # noqa: PLC0415

    source = (Path(__file__).resolve().parent.parent / "xl_placement" / "excel.py").read_text("utf-8")
    docs = [
        kw.value.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "exchange"
        for kw in node.keywords
        if kw.arg == "doc" and isinstance(kw.value, ast.Constant)
    ]
    assert docs
    for key in EXCHANGES:
        assert f'"{key}"' in docs[0], key


def test_gem_example_matches_its_announcement():
    """GEM 8360, 17 August 2020: 141,400,000 shares at HK$0.037, 9.76% below HK$0.041, 14.75% below HK$0.0434,
    gross "约5,232,000港元"; the benchmarked price is the 5-day average (the higher), well inside 17.42B's 20%."""
    from deal_maps import example  # noqa: PLC0415

    figures = example("gem-8360")
    gross = Fraction(141_400_000) * Fraction(37, 1000)
    assert gross == 5_231_800
    assert figures.proceeds.gross == Decimal(5_231_800)
    assert round(gross, -3) == 5_232_000  # the announcement's figure, to the nearest thousand
    bench = max(Fraction(41, 1000), Fraction(434, 10_000))
    discount = 1 - Fraction(37, 1000) / bench
    assert round(discount * 100, 2) == Fraction(1475, 100)
    report = check_deal(figures)
    check = rule(report, "17.42B")
    assert check.status == PASS
    assert check.value is not None
    assert abs(Fraction(check.value) - discount) < Fraction(1, 10**45)  # to the project's 50 digits
    assert [s.status for s in report.stated] == ["matches"] * 5
    # the lowest price within the rule: the first HK$0.001 tick above 80% of the benchmarked price
    # (a price exactly at 80% is a 20% discount, which breaches)
    lowest = Fraction(math.floor(bench * Fraction(4, 5) * 1000) + 1, 1000)
    assert lowest == Fraction(35, 1000)
    assert lowest_within_rule(figures) == Decimal("0.035")

"""Tests for xl_placement.capital: dilution, Rule 7.27B, mandate headroom, shareholding."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_placement.capital import (
    PLACEES,
    PUBLIC,
    dilution,
    mandate_headroom,
    shareholding,
    theoretical_diluted_price,
    theoretical_dilution_effect,
)
from xl_placement.errors import CalculationError
from xl_placement.money import round_half_up

D = Decimal
DEMO_NEW = 1_700_000_000
DEMO_EXISTING = 40_424_038_000


def percent(fraction: Decimal, places: int) -> Decimal:
    """A fraction as a percentage rounded half up, the way an announcement prints it."""
    return round_half_up(fraction * 100, places)


def test_demo_dilution_on_both_bases():
    """1.7bn new shares on 40,424,038,000 are 4.0357% of the enlarged and 4.2054% of the existing capital."""
    assert percent(dilution(DEMO_NEW, DEMO_EXISTING, "enlarged"), 4) == D("4.0357")
    assert percent(dilution(DEMO_NEW, DEMO_EXISTING, "existing"), 4) == D("4.2054")


def test_demo_dilution_rounds_to_the_published_4_04():
    """At two decimals the enlarged-basis figure is the announcement's 4.04%."""
    assert percent(dilution(DEMO_NEW, DEMO_EXISTING), 2) == D("4.04")


def test_enlarged_is_the_default_basis():
    """Without a basis, dilution is on the enlarged share capital (what announcements headline)."""
    assert dilution(DEMO_NEW, DEMO_EXISTING) == dilution(DEMO_NEW, DEMO_EXISTING, "enlarged")


def test_byd_dilution_on_total_and_h_shares():
    """BYD's 129.8m H shares: 4.46% / 4.27% of total and 11.82% / 10.57% of H shares (domain.md)."""
    new = 129_800_000
    total, h_shares = 2_909_265_434, 1_098_000_000  # as in examples/byd.toml
    assert percent(dilution(new, total, "existing"), 2) == D("4.46")
    assert percent(dilution(new, total, "enlarged"), 2) == D("4.27")
    assert percent(dilution(new, h_shares, "existing"), 2) == D("11.82")
    assert percent(dilution(new, h_shares, "enlarged"), 2) == D("10.57")


@given(
    new=st.integers(min_value=0, max_value=10**13),
    existing=st.integers(min_value=1, max_value=10**13),
)
def test_enlarged_basis_is_e_over_one_plus_e(new, existing):
    """Property: the enlarged-basis figure equals e / (1 + e), e being the existing-basis figure."""
    e = Fraction(dilution(new, existing, "existing"))
    enlarged = Fraction(dilution(new, existing, "enlarged"))
    assert abs(enlarged - e / (1 + e)) < Fraction(1, 10**40)
    assert enlarged <= e


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 100, "enlarged"), "new_shares must be zero or positive"),
        ((1, 0, "enlarged"), "existing_shares must be positive"),
        ((1, 100, "diluted"), 'basis must be "enlarged" or "existing"'),
        ((float("nan"), 100, "enlarged"), "new_shares must be a finite number"),
    ],
)
def test_dilution_refuses_bad_input(args, message):
    """Negative new shares, no existing shares, NaN or an unknown basis raise a CalculationError naming it."""
    with pytest.raises(CalculationError, match=message):
        dilution(*args)


def test_exchange_faq_theoretical_dilution_example():
    """HKEX FAQ: 100 shares at HK$1.00 and 50 new at HK$0.75 give a diluted price of 0.9167 and an 8.33% effect."""
    assert round_half_up(theoretical_diluted_price(1.00, 100, 50, 0.75), 4) == D("0.9167")
    assert percent(theoretical_dilution_effect(1.00, 100, 50, 0.75), 2) == D("8.33")


def test_theoretical_diluted_price_is_exact():
    """The FAQ's diluted price is exactly 137.5 / 150 = 11/12 (to 40 digits)."""
    assert abs(Fraction(theoretical_diluted_price(1, 100, 50, 0.75)) - Fraction(11, 12)) < Fraction(1, 10**40)


def test_no_dilution_effect_when_issued_at_the_benchmarked_price():
    """Issuing at the benchmarked price leaves the diluted price unchanged: an effect of zero."""
    assert theoretical_dilution_effect(2, 100, 50, 2) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 100, 50, 0.75), "benchmarked_price must be positive"),
        ((1, 0, 50, 0.75), "existing_shares must be positive"),
        ((1, 100, -50, 0.75), "new_shares and price must be zero or positive"),
        ((1, 100, 50, -0.75), "new_shares and price must be zero or positive"),
    ],
)
def test_theoretical_diluted_price_refuses_bad_input(args, message):
    """Impossible inputs raise a CalculationError naming the argument."""
    with pytest.raises(CalculationError, match=message):
        theoretical_diluted_price(*args)


def test_mandate_headroom_after_the_demo_deal():
    """A 20% mandate on the demo's shares (8,084,807,600) less 1.7bn leaves 6,384,807,600; beyond it is negative."""
    limit = DEMO_EXISTING // 5
    assert limit == 8_084_807_600
    assert mandate_headroom(limit, 0, DEMO_NEW) == 6_384_807_600
    assert mandate_headroom(limit, 7_000_000_000, DEMO_NEW) == -615_192_400


def test_shareholding_before_and_after():
    """Holders keep their shares, placees take the new ones, the rest is public; totals are existing and enlarged."""
    rows = shareholding([("Founder entities", 5_000_000_000)], DEMO_EXISTING, DEMO_NEW)
    names = [row.name for row in rows]
    assert names == ["Founder entities", PLACEES, PUBLIC, "Total"]
    founder, placees, public, total = rows
    assert (founder.shares_before, founder.shares_after) == (5_000_000_000, 5_000_000_000)
    assert (placees.shares_before, placees.shares_after) == (0, DEMO_NEW)
    assert public.shares_before == public.shares_after == DEMO_EXISTING - 5_000_000_000
    assert (total.shares_before, total.shares_after) == (DEMO_EXISTING, DEMO_EXISTING + DEMO_NEW)
    assert total.percent_before == total.percent_after == 1
    assert percent(placees.percent_after, 4) == D("4.0357")
    assert abs(
        Fraction(founder.percent_after) - Fraction(5_000_000_000, DEMO_EXISTING + DEMO_NEW)
    ) < Fraction(1, 10**40)
    assert abs(sum(row.percent_after for row in rows[:-1]) - 1) < D("1e-40")


def test_shareholding_with_no_listed_holders_is_placees_and_public():
    """Without listed holders the table is placees, the public and the total."""
    rows = shareholding([], 100, 50)
    assert [(r.name, r.shares_before, r.shares_after) for r in rows] == [
        (PLACEES, 0, 50),
        (PUBLIC, 100, 100),
        ("Total", 100, 150),
    ]


def test_shareholding_refuses_holders_above_the_shares_in_issue():
    """Listed holders holding more than the shares in issue raise a CalculationError with both counts."""
    with pytest.raises(CalculationError, match="hold 150 shares, more than the 100 in issue"):
        shareholding([("A", 100), ("B", 50)], 100, 10)

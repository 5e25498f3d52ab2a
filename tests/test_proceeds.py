"""Tests for xl_placement.proceeds: gross, costs, net, net price per share, FX, use of proceeds."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import placement
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import CalculationError, DealError
from xl_placement.money import round_half_up
from xl_placement.proceeds import allocate_proceeds, gross_proceeds, proceeds, to_quote

D = Decimal


def test_demo_gross_proceeds():
    """1.7bn shares at HK$1.91 raise exactly HK$3,247,000,000 (domain.md)."""
    assert gross_proceeds(1_700_000_000, 1.91) == D(3_247_000_000)


def test_demo_proceeds_in_us_dollars():
    """HK$3,247m at 7.8203 HKD per USD is the announcement's US$415.2m."""
    money = proceeds(1_700_000_000, 1.91, fx_rate=7.8203)
    assert money.fx_rate == D("7.8203")
    assert money.gross_quote is not None
    assert round_half_up(money.gross_quote / 1_000_000, 1) == D("415.2")
    assert money.net_quote == money.gross_quote  # the demo has no costs


def test_demo_without_costs_has_net_equal_to_gross():
    """With zero costs net proceeds equal gross and the net price per share is the placing price."""
    money = proceeds(1_700_000_000, 1.91)
    assert money.net == money.gross == D(3_247_000_000)
    assert money.costs == 0
    assert money.net_price_per_share == D("1.91")
    assert money.gross_quote is None


def test_byd_gross_net_and_net_price_per_share():
    """BYD: 129.8m at HK$335.20 is about HK$43,509m gross; less HK$126m costs, about HK$43,383m net."""
    money = proceeds(129_800_000, 335.20, other_costs=126_000_000)
    assert money.gross == D("43508960000.00")
    assert round_half_up(money.gross / 1_000_000, 0) == 43_509
    assert round_half_up(money.net / 1_000_000, 0) == 43_383
    # Net price per share = net / shares, exactly.
    assert abs(Fraction(money.net_price_per_share) - Fraction(money.net) / 129_800_000) < Fraction(1, 10**40)
    assert round_half_up(money.net_price_per_share, 2) == D("334.23")


def test_commission_is_a_rate_of_gross_rounded_half_up_to_cents():
    """2.5% of HK$1,000.30 is HK$25.0075, which rounds half up to HK$25.01; net is the rest."""
    money = proceeds(1, D("1000.30"), commission_rate=D("0.025"), other_costs=D("0.005"))
    assert money.commission == D("25.01")
    assert money.other_costs == D("0.01")
    assert money.net == D("975.28")
    assert money.costs == D("25.02")


def test_gross_is_rounded_half_up_to_the_cent():
    """3 shares at 0.335 is 1.005, which is HK$1.01 (half up), not 1.00."""
    assert gross_proceeds(3, D("0.335")) == D("1.01")


def test_to_quote_divides_by_the_rate():
    """HK$7,820.30 at 7.8203 HKD per USD is US$1,000 exactly."""
    assert to_quote(D("7820.30"), D("7.8203")) == 1000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"new_shares": 0, "price": 1}, "new_shares must be positive"),
        ({"new_shares": 10, "price": -1}, "new_shares and price must be zero or positive"),
        (
            {"new_shares": 10, "price": 1, "commission_rate": 1},
            "commission_rate must be a fraction from 0 to below 1",
        ),
        ({"new_shares": 10, "price": 1, "commission_rate": -0.01}, "commission_rate must be a fraction"),
        ({"new_shares": 10, "price": 1, "other_costs": -5}, "other_costs must be zero or positive"),
        ({"new_shares": 10, "price": 1, "other_costs": 11}, "costs of 11.00 exceed gross proceeds of 10.00"),
        ({"new_shares": 10, "price": 1, "fx_rate": 0}, "fx rate must be positive"),
        ({"new_shares": 10, "price": float("nan")}, "price must be a finite number"),
    ],
)
def test_proceeds_refuses_impossible_input(kwargs, message):
    """No shares, negative amounts, a 100% commission, costs above gross or a zero rate raise a CalculationError."""
    with pytest.raises(CalculationError, match=message):
        proceeds(**kwargs)


def test_demo_use_of_proceeds_adds_up_exactly():
    """The demo's 40/30/20/10 of HK$3,247m is 1,298.8m / 974.1m / 649.4m / 324.7m, summing exactly."""
    amounts = allocate_proceeds(3_247_000_000, [0.4, 0.3, 0.2, 0.1])
    assert amounts == [D(1_298_800_000), D(974_100_000), D(649_400_000), D(324_700_000)]
    assert sum(amounts) == 3_247_000_000


def test_use_of_proceeds_in_thirds_adds_up_to_the_cent():
    """Shares 33.3333/33.3333/33.3334% of HK$100: the leftover cent goes to the largest remainder, the last use."""
    amounts = allocate_proceeds(100, [D("0.333333"), D("0.333333"), D("0.333334")], 2)
    assert amounts == [D("33.33"), D("33.33"), D("33.34")]


def test_use_of_proceeds_shares_must_add_up_to_100_percent():
    """Shares adding up to 90% raise a CalculationError that states the sum."""
    with pytest.raises(CalculationError, match=r"add up to 90%, not 100%"):
        allocate_proceeds(1000, [0.5, 0.4])


@pytest.mark.parametrize(
    ("shares", "shown"), [(["0.5", "0.4"], "90%"), (["0.333", "0.333", "0.333"], "99.9%")]
)
def test_uses_not_adding_to_100_percent_get_one_message_everywhere(shares: list[str], shown: str) -> None:
    """allocate_proceeds, the deal file and ALLOCATE_PROCEEDS refuse the same shares in the same words."""
    words = f"add up to {shown}, not 100%; correct them so they total 100%"
    with pytest.raises(CalculationError) as raised:
        allocate_proceeds(1000, [D(s) for s in shares])
    assert str(raised.value) == f"the shares of the uses {words}"
    data = {
        "issuer": {"name": "Example Ltd", "stock_code": "1", "exchange": "HKEX", "currency": "HKD"},
        "placing": {"new_shares": 1_000, "price": "2.00"},
        "proceeds": {"uses": [{"name": f"Use {i}", "share": s} for i, s in enumerate(shares)]},
    }
    with pytest.raises(DealError) as refused:
        deal_from_mapping(data, "x.toml")
    assert str(refused.value) == f"x.toml: proceeds.uses: the shares of the uses {words}"
    assert placement.ALLOCATE_PROCEEDS(1000.0, [float(s) for s in shares]) == f"#VALUE! weights {words}"

"""Stated-versus-computed figures: compared at the published precision, rounding half up."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from deal_maps import example, history, mapping, report_of

from xl_placement.checks import StatedCheck, check_deal
from xl_placement.dealfile import deal_from_mapping, parse_text
from xl_placement.figures import compute
from xl_placement.published import parse_published, stated_kind
from xl_placement.rules import NOT_ENOUGH_DATA
from xl_placement.stated import check_stated

ROOT = Path(__file__).resolve().parent.parent


def _stated(checks_stated: tuple[StatedCheck, ...], key: str) -> StatedCheck:
    return next(s for s in checks_stated if s.key == key)


def _sensetime(key: str, value: object) -> StatedCheck:
    return check_stated(example("sensetime"), key, parse_published(value, kind=stated_kind(key)))


def test_sensetime_published_figures_all_match() -> None:
    """Every figure SenseTime's announcement published (8.6%, 5.5%, 6.8%, 4.04%, HK$3.25bn, US$415.2m) matches."""
    checks = check_deal(example("sensetime"))
    assert [s.key for s in checks.stated] == [
        "discount_to_last_close",
        "discount_to_average_close_5d",
        "discount_to_average_close_30d",
        "percent_of_enlarged",
        "gross_proceeds",
        "gross_proceeds_quote",
    ]
    assert all(s.matches for s in checks.stated)


def test_one_decimal_matches_the_unrounded_discount() -> None:
    """ "8.6%" matches the computed 8.61%; the text shows one digit more than published, then more."""
    check = _sensetime("discount_to_last_close", "8.6%")
    assert check.matches
    assert check.precision == "to 0.1%"
    assert check.computed_text == "8.61% (8.6124%)"


def test_wrong_tenth_does_not_match() -> None:
    """ "8.7%" does not match 8.61%, and the mismatch shows the computed 8.61%."""
    check = _sensetime("discount_to_last_close", "8.7%")
    assert not check.matches
    assert check.status == "differs"
    assert check.stated == "8.7%"
    assert check.computed_text.startswith("8.61%")


def test_gross_proceeds_match_to_ten_million() -> None:
    """ "HK$3.25bn" (to 10 million) matches the computed HK$3,247,000,000; "HK$3.24bn" does not."""
    assert _sensetime("gross_proceeds", "HK$3.25bn").matches
    assert not _sensetime("gross_proceeds", "HK$3.24bn").matches


def test_a_bare_amount_is_exact() -> None:
    """3_250_000_000 is exact (to the cent), so it differs from 3,247,000,000; 3_247_000_000 matches."""
    check = _sensetime("gross_proceeds", 3_250_000_000)
    assert check.status == "differs"
    assert check.precision == "to HKD 0.01"
    assert _sensetime("gross_proceeds", 3_247_000_000).matches
    assert not _sensetime("gross_proceeds", "3,000,000,000").matches


def test_a_round_price_is_exact_too() -> None:
    """net_price_per_share = 10 does not "match" 1.91 by having no digits after its leading one; "1.90" keeps its zero."""
    assert not _sensetime("net_price_per_share", 10).matches
    assert not _sensetime("net_price_per_share", "1.90").matches
    assert _sensetime("net_price_per_share", "1.91").matches
    assert _sensetime("net_price_per_share", "approximately HK$1.91").matches


def test_two_decimals_of_enlarged_capital() -> None:
    """4.04% matches 4.0357% of the enlarged capital and 4.21% matches 4.2054% of the existing."""
    assert _sensetime("percent_of_enlarged", "4.04%").matches
    assert _sensetime("percent_of_existing", "4.21%").matches
    assert not _sensetime("percent_of_existing", "4.20%").matches


def test_half_rounds_up_like_a_spreadsheet() -> None:
    """A computed 8.625% rounds half up to 8.63% (banker's rounding would give 8.62%)."""
    data = mapping(placing={"price": "0.91375"}, market={"last_close": "1.00"})
    data["stated"] = {"discount_to_last_close": "8.63%", "discount_to_average_close_5d": "8.62%"}
    data["market"]["average_close_5d"] = "1.00"
    checks = report_of(data)
    assert _stated(checks.stated, "discount_to_last_close").matches
    assert not _stated(checks.stated, "discount_to_average_close_5d").matches


def test_byd_published_figures_match() -> None:
    """BYD's published 7.8%, 12.3%, 11.8%, 4.46%, 4.27%, 11.82%, 10.57% and net HK$43,383m all match."""
    checks = check_deal(example("byd"))
    assert len(checks.stated) == 9
    assert all(s.matches for s in checks.stated)


def test_per_class_figure_without_class_count_is_not_enough_data() -> None:
    """A per-class figure without placing.class_shares_outstanding is "not enough data" naming that field."""
    data = mapping()
    data["stated"] = {"percent_of_existing_class": "11.82%"}
    check = report_of(data).stated[0]
    assert not check.matches
    assert check.status == "not enough data"
    assert check.computed is None
    assert "placing.class_shares_outstanding" in check.computed_text


def test_quote_currency_figure_without_fx_names_fx() -> None:
    """gross_proceeds_quote without an [fx] section is a mismatch that asks for [fx]."""
    data = mapping()
    data["stated"] = {"gross_proceeds_quote": 415_200_000}
    check = report_of(data).stated[0]
    assert not check.matches
    assert "[fx]" in check.computed_text


def test_quote_currency_figure_matches_published_dollars() -> None:
    """SenseTime's US$415.2m matches HK$3,247m at 7.8203 (US$415,201,463: to the nearest US$0.1m)."""
    check = _sensetime("gross_proceeds_quote", "US$415.2 million")
    assert check.matches
    assert check.precision == "to US$0.1m"
    assert not _sensetime("gross_proceeds_quote", "US$415.3 million").matches


def test_benchmark_discount_without_data_names_the_input() -> None:
    """discount_to_benchmarked_price without a 5-day average or history names market.average_close_5d."""
    data = mapping()
    del data["market"]["average_close_5d"]
    data["stated"] = {"discount_to_benchmarked_price": "10%"}
    check = report_of(data).stated[0]
    assert not check.matches
    assert "market.average_close_5d" in check.computed_text


def test_faq_theoretical_dilution_effect_matches() -> None:
    """The Exchange FAQ's 8.33% theoretical dilution effect matches the computed figure."""
    data = mapping(
        placing={"new_shares": 50, "price": "0.75", "shares_outstanding": 100},
        market={"last_close": "1.00", "average_close_5d": "1.00"},
    )
    data["stated"] = {"theoretical_dilution_effect": "8.33%"}
    assert report_of(data).stated[0].matches


def test_premium_stated_as_negative_discount_matches() -> None:
    """A 1.1% premium (6.41 against 6.34) stated as "-1.1%" matches."""
    data = mapping(placing={"price": "6.41"}, market={"average_close_10d": "6.34"})
    data["stated"] = {"discount_to_average_close_10d": "-1.1%"}
    assert report_of(data).stated[0].matches


@pytest.mark.parametrize(
    ("key", "stated"),
    [
        ("discount_to_average_close_20d", "10.0%"),  # 20 closes of 2.00, price 1.80
        ("discount_to_vwap_5d", "10.0%"),  # VWAP of 2.00 over the last five days
    ],
)
def test_stated_n_day_figure_is_computed_from_history(key: str, stated: str) -> None:
    """A stated N-day figure outside 5/10/30 is computed from the history rather than reported missing."""
    days = [f"2025-03-{d:02d}" for d in range(1, 26)]
    data = mapping()
    data["market"] = {"history": history([(d, "2.00") for d in days], [1000] * 25)}
    data["stated"] = {key: stated}
    check = report_of(data).stated[0]
    assert check.matches, check.computed_text
    assert check.computed == Decimal("0.1")


@pytest.mark.parametrize("key", ["net_proceeds", "net_price_per_share"])
def test_net_figures_without_costs_are_not_enough_data(key: str) -> None:
    """Without a [costs] table a stated net figure is "not enough data" naming both cost fields, never a match
    against gross (180 is this deal's gross: net equal to gross would have matched)."""
    data = mapping()
    data["stated"] = {key: 180 if key == "net_proceeds" else 2}
    check = report_of(data).stated[0]
    assert check.status == NOT_ENOUGH_DATA
    assert check.computed is None
    assert "costs.commission_rate and costs.other_costs" in check.computed_text


@pytest.mark.parametrize(
    ("costs", "missing"),
    [
        ({"commission_rate": 0}, "costs.other_costs"),
        ({"other_costs": 0}, "costs.commission_rate"),
    ],
)
def test_net_needs_both_costs(costs: dict[str, object], missing: str) -> None:
    """One cost given and the other left out: net is still not given, and the missing field is named."""
    data = mapping()
    data["costs"] = costs
    data["stated"] = {"net_proceeds": 180}
    check = report_of(data).stated[0]
    assert check.status == NOT_ENOUGH_DATA
    assert check.computed_text.endswith(f"needs {missing} (0 if none)")


def test_itemised_costs_stand_for_other_costs() -> None:
    """Itemised costs with a commission rate give net: 180 gross - 2% (3.60) - 1.40 - 1.00 = 174."""
    data = mapping()
    data["costs"] = {
        "commission_rate": "2%",
        "items": [{"name": "a", "amount": "1.40"}, {"name": "b", "amount": 1}],
    }
    data["stated"] = {"net_proceeds": "174.00"}
    check = report_of(data).stated[0]
    assert check.matches, check.computed_text


def test_explicit_zero_costs_give_net_equal_to_gross() -> None:
    """commission_rate = 0 and other_costs = 0, written out, make net equal gross (180)."""
    data = mapping()
    data["costs"] = {"commission_rate": 0, "other_costs": 0}
    data["stated"] = {"net_proceeds": 180}
    assert report_of(data).stated[0].matches


def test_mismatch_fails_the_report() -> None:
    """One mismatching stated figure makes CheckReport.passed False."""
    data = mapping()
    data["stated"] = {"discount_to_last_close": "9%"}
    checks = report_of(data)
    assert not checks.passed
    assert checks.mismatches == checks.stated


# --- parse_published: the announcement forms ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value", "quantum"),
    [
        ("HK$3,150 million", "amount", "3150000000", "1000000"),
        ("3,150m", "amount", "3150000000", "1000000"),
        ("HK$3.15bn", "amount", "3150000000", "10000000"),
        ("US$415.2 million", "amount", "415200000", "100000"),
        ("approximately HK$1.49", "price", "1.49", "0.01"),
        ("~8.6%", "percent", "0.086", "0.001"),
        ("about 8.6%", "percent", "0.086", "0.001"),
        ("8.6 per cent", "percent", "0.086", "0.001"),
        ("HKD 3,150m", "amount", "3150000000", "1000000"),
        ("RMB 12.5 billion", "amount", "12500000000", "100000000"),
        ("5.7c", "price", "0.057", "0.001"),
        ("-1.1%", "percent", "-0.011", "0.001"),
        ("3,250,000,000", "amount", "3250000000", "0.01"),  # bare: exact, to the cent
        ("0.0860", "percent", "0.086", "0.000001"),  # bare: exact, to 10^-6
        # precedents as published (shared/precedents-hk.csv)
        ("8.63%", "percent", "0.0863", "0.0001"),
        ("HK$11,662.0m", "amount", "11662000000", "100000"),
        ("HK$6.48bn", "amount", "6480000000", "10000000"),
        ("HK$4,030.13m", "amount", "4030130000", "10000"),
    ],
)
def test_announcement_forms_give_value_and_shown_precision(
    text: str, kind: str, value: str, quantum: str
) -> None:
    """Each form gives its value and the step of its last shown digit in the unit shown; the text is kept."""
    figure = parse_published(text, kind=kind)
    assert (figure.value, figure.quantum, figure.text) == (Decimal(value), Decimal(quantum), text)


def test_a_bare_number_is_exact() -> None:
    """A TOML/JSON number or digits alone are exact: to the cent for an amount, to 10^-6 for a price or a
    rate, finer when the number shows more digits; never "to its last digit" (#25)."""
    assert parse_published(3_250_000_000, kind="amount").quantum == Decimal("0.01")
    assert parse_published(2, kind="price").quantum == Decimal("0.000001")
    assert parse_published(Decimal("1.910"), kind="price").quantum == Decimal("0.000001")
    assert parse_published(0.086, kind="percent").quantum == Decimal("0.000001")
    assert parse_published(Decimal("0.12345678"), kind="percent").quantum == Decimal("0.00000001")


@pytest.mark.parametrize("written", ["2", "2.0", "2.00"])
def test_a_round_bare_price_differs_from_the_computed_one(written: str) -> None:
    """net_price_per_share = 2 (a TOML integer), 2.0 or 2.00 (TOML floats, read as Decimal) differs from
    SenseTime's net price of HK$1.91 (no costs): a bare number is exact, not "to HKD 1" (#25)."""
    toml = (ROOT / "examples" / "sensetime.toml").read_text(encoding="utf-8")
    toml = toml.replace("[stated]\n", f"[stated]\nnet_price_per_share = {written}\n", 1)
    check = _stated(
        check_deal(compute(deal_from_mapping(parse_text(toml, "toml")))).stated, "net_price_per_share"
    )
    assert check.status == "differs"
    assert check.stated_value == 2


def test_a_symbol_of_another_currency_is_refused_naming_the_field() -> None:
    """ "US$415.2 million" for an HKD figure is refused; given a field name, the message starts with it."""
    with pytest.raises(
        ValueError, match=r'^gross_proceeds = "US\$415.2 million": is written in US\$ \(USD\), but'
    ):
        parse_published("US$415.2 million", kind="amount", currency="HKD", field="gross_proceeds")
    assert parse_published("US$415.2 million", kind="amount", currency="USD").currency == "USD"
    assert parse_published("$415.2m", kind="amount", currency="SGD").currency == "SGD"  # a local "$"
    assert parse_published("HK$3.15bn", kind="amount").currency == "HKD"  # no currency given: any symbol


@pytest.mark.parametrize(
    ("value", "kind", "message"),
    [
        (8.15, "percent", 'a rate above 1 needs a percent sign; did you mean "8.15%"?'),
        ("8.15", "percent", 'a rate above 1 needs a percent sign; did you mean "8.15%"?'),
        ("HK$3.15bn", "percent", 'is a rate: write it as a percentage like "8.6%"'),
        ("8.6%", "amount", "is money, not a rate"),
        ("HK$1.49bn", "price", "is a price per share"),
        ("5.7c", "amount", "cents are for prices"),
        ("three billion", "amount", 'must be an amount like "HK$3,150 million"'),
        (True, "amount", 'must be an amount like "HK$3,150 million"'),
        ("", "percent", "must not be empty"),
        ("HK$1234567890123456", "amount", "significant digits"),
    ],
)
def test_figures_that_cannot_be_read_are_refused_with_the_form_to_use(
    value: object, kind: str, message: str
) -> None:
    """A rate above 1 without %, a unit or symbol its kind cannot have, or unreadable text: refused with the fix."""
    with pytest.raises(ValueError, match=message.replace("$", r"\$").replace("(", r"\(").replace(")", r"\)")):
        parse_published(value, kind=kind)

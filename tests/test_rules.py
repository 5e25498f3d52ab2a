"""Listing-rule checks: each rule at its boundary, the published examples and missing data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deal_maps import example, history, mapping, report, report_of, rule

from xl_placement.checks import STATUSES, check_deal
from xl_placement.money import round_half_up

# --- HKEX Rule 13.36(5) ----------------------------------------------------------------


def test_exactly_twenty_percent_discount_breaches() -> None:
    """A price of 1.60 against a benchmarked price of 2.00 is exactly 20% and breaches 13.36(5)."""
    check = rule(report(placing={"price": "1.60"}), "13.36(5)")
    assert check.status == "breach"
    assert check.value == Decimal("0.2")
    assert "specific mandate" in check.detail


def test_just_under_twenty_percent_passes() -> None:
    """19.99% (1.6002 against 2.00) passes 13.36(5)."""
    check = rule(report(placing={"price": "1.6002"}), "13.36(5)")
    assert check.status == "pass"
    assert check.value == Decimal("0.1999")


def test_just_over_twenty_percent_breaches_and_shows_digits() -> None:
    """20.0005% breaches and its figure does not round onto the limit as "20.00%"."""
    check = rule(report(placing={"price": "1.59999"}), "13.36(5)")
    assert check.status == "breach"
    assert "20.001%" in check.figure  # 20.0005% to 2 decimals would sit on the limit; 3 show the breach


def test_discount_rule_not_applicable_to_specific_mandate() -> None:
    """Rule 13.36(5) limits general-mandate issues only: a specific mandate is not applicable."""
    check = rule(report(placing={"price": "1.00", "mandate": "specific"}), "13.36(5)")
    assert check.status == "not applicable"


def test_sensetime_passes_at_published_discount() -> None:
    """SenseTime's HK$1.91 against HK$2.09 is the published 8.6% discount and passes 13.36(5)."""
    check = rule(check_deal(example("sensetime")), "13.36(5)")
    assert check.status == "pass"
    assert check.value is not None
    assert round_half_up(check.value * 100, 1) == Decimal("8.6")
    assert "8.61%" in check.figure


def test_close_above_five_day_average_benchmarks_on_close() -> None:
    """SenseTime's close 2.09 is above its 5-day average 2.021, so the benchmarked price is the close."""
    check = rule(check_deal(example("sensetime")), "13.36(5)")
    assert "Benchmarked price HK$2.09" in check.detail
    assert "HK$2.021" in check.detail


def test_average_above_close_benchmarks_on_average() -> None:
    """BYD's 5-day average 382.2 is above its close 363.6: the benchmark discount is the published 12.3%."""
    check = rule(check_deal(example("byd")), "13.36(5)")
    assert check.status == "pass"
    assert "Benchmarked price HK$382.20" in check.detail
    assert check.value is not None
    assert round_half_up(check.value * 100, 1) == Decimal("12.3")


def test_premium_passes_and_says_premium() -> None:
    """A price of 6.41 against 6.34 is a 1.1% premium (domain.md) and passes as a premium."""
    check = rule(
        report(placing={"price": "6.41"}, market={"last_close": "6.30", "average_close_5d": "6.34"}),
        "13.36(5)",
    )
    assert check.status == "pass"
    assert check.value is not None
    assert round_half_up(check.value * 100, 1) == Decimal("-1.1")
    assert check.figure.startswith("premium of 1.10%")


DESCENDING = [
    ("2025-06-02", "3.00"),
    ("2025-06-03", "2.90"),
    ("2025-06-04", "2.80"),
    ("2025-06-05", "2.70"),
    ("2025-06-06", "2.60"),
    ("2025-06-09", "2.50"),
    ("2025-06-10", "2.40"),
]


def _dated(**placing: object) -> dict[str, Any]:
    data = mapping(placing={"price": "2.24", **placing})
    data["market"] = {"history": history(DESCENDING)}
    return data


def test_dated_history_uses_the_five_days_before_the_agreement() -> None:
    """Agreement on 10 June: closes 3-9 June average 2.70 > the 2.40 close; 2.24 is 17.04% below and passes."""
    check = rule(report_of(_dated(agreement_date="2025-06-10")), "13.36(5)")
    assert check.status == "pass"
    assert "Benchmarked price HK$2.70" in check.detail
    assert "2025-06-03 HK$2.90" in check.detail
    assert "2025-06-09 HK$2.50" in check.detail
    assert "2025-06-02" not in check.detail
    assert "2025-06-10 (HK$2.40)" in check.detail


def test_dated_history_earliest_date_shifts_the_window() -> None:
    """An announcement on 9 June moves the window to 2-6 June (average 2.80): 2.24 is then exactly 20%."""
    data = _dated(agreement_date="2025-06-10", announcement_date="2025-06-09")
    check = rule(report_of(data), "13.36(5)")
    assert check.status == "breach"
    assert check.value == Decimal("0.2")
    assert "2025-06-02 HK$3.00" in check.detail
    assert "2025-06-09 HK$2.50" not in check.detail


def test_history_without_agreement_date_is_not_enough_data() -> None:
    """A history without placing.agreement_date cannot pick the closes, and the check says so."""
    data = _dated()
    check = rule(report_of(data), "13.36(5)")
    assert check.status == "not enough data"
    assert "placing.agreement_date" in check.detail


def test_history_too_short_names_the_missing_days() -> None:
    """Fewer than 5 trading days before the agreement date is not enough data, with the count."""
    check = rule(report_of(_dated(agreement_date="2025-06-06")), "13.36(5)")
    assert check.status == "not enough data"
    assert "4 trading days before 2025-06-06" in check.detail


def test_no_five_day_average_is_not_enough_data() -> None:
    """Without market.average_close_5d or a history, 13.36(5) names the missing input."""
    data = mapping()
    del data["market"]["average_close_5d"]
    check = rule(report_of(data), "13.36(5)")
    assert check.status == "not enough data"
    assert "market.average_close_5d" in check.detail


# --- HKEX general mandate, Rule 7.27B, placees --------------------------------------------


def test_mandate_headroom_zero_passes() -> None:
    """100 new shares with a limit of 1,000 and 900 used leave headroom 0: a pass."""
    check = rule(report(placing={"mandate_limit": 1000, "mandate_used": 900}), "13.36(2)(b)")
    assert check.status == "pass"
    assert check.value == 0


def test_mandate_headroom_minus_one_breaches() -> None:
    """101 new shares against 100 available exceed the mandate by one share: a breach."""
    check = rule(
        report(placing={"new_shares": 101, "mandate_limit": 1000, "mandate_used": 900}), "13.36(2)(b)"
    )
    assert check.status == "breach"
    assert check.value == -1
    assert "by 1 shares" in check.detail


def test_mandate_limit_missing_is_not_enough_data() -> None:
    """Without placing.mandate_limit the headroom check names that field."""
    check = rule(report(), "13.36(2)(b)")
    assert check.status == "not enough data"
    assert "placing.mandate_limit" in check.detail


def test_mandate_headroom_not_applicable_to_specific_mandate() -> None:
    """A specific-mandate issue does not use the general mandate."""
    check = rule(report(placing={"mandate": "specific"}), "13.36(2)(b)")
    assert check.status == "not applicable"


FAQ = {"new_shares": 50, "price": "0.75", "shares_outstanding": 100}
PAR = {"last_close": "1.00", "average_close_5d": "1.00"}


def test_tde_faq_example_is_information_under_general_mandate() -> None:
    """The Exchange's FAQ example (100 at 1.00, 50 new at 0.75) gives 8.33%, informational for a general mandate."""
    check = rule(report(placing=FAQ | {"mandate": "general"}, market=PAR), "7.27B")
    assert check.status == "information"
    assert check.value is not None
    assert round_half_up(check.value * 100, 2) == Decimal("8.33")
    # (100 x 1.00 + 50 x 0.75) / 150 = 0.91666...: shown to 3 decimals, the stated precision of computed prices
    assert "HK$0.917" in check.figure


def test_tde_faq_example_passes_under_specific_mandate() -> None:
    """The same 8.33% passes Rule 7.27B for a specific-mandate placing."""
    check = rule(report(placing={**FAQ, "mandate": "specific"}, market=PAR), "7.27B")
    assert check.status == "pass"


def test_tde_exactly_twenty_five_percent_breaches() -> None:
    """100 new at 0.50 on 100 at 1.00 dilutes to 0.75: exactly 25% breaches for a specific mandate."""
    placing = {"new_shares": 100, "price": "0.50", "shares_outstanding": 100, "mandate": "specific"}
    check = rule(report(placing=placing, market=PAR), "7.27B")
    assert check.status == "breach"
    assert check.value == Decimal("0.25")


def test_tde_just_under_twenty_five_percent_passes() -> None:
    """At 0.5002 the diluted price is 0.7501: 24.99% passes."""
    placing = {"new_shares": 100, "price": "0.5002", "shares_outstanding": 100, "mandate": "specific"}
    check = rule(report(placing=placing, market=PAR), "7.27B")
    assert check.status == "pass"
    assert check.value == Decimal("0.2499")


def test_six_placees_pass() -> None:
    """Six placees need not be named."""
    assert rule(report(placing={"min_placees": 6}), "placing disclosure").status == "pass"


def test_five_placees_must_be_named() -> None:
    """Fewer than six placees: the check says each must be named."""
    check = rule(report(placing={"min_placees": 5}), "placing disclosure")
    assert check.status == "information"
    assert "name each placee" in check.detail


def test_placees_missing_is_not_enough_data() -> None:
    """Without placing.min_placees the placees check names that field."""
    check = rule(report(), "placing disclosure")
    assert check.status == "not enough data"
    assert "placing.min_placees" in check.detail


# --- SGX, Nasdaq, ASX, other -----------------------------------------------------------------


def _sgx(price: str, **market: str) -> dict[str, Any]:
    return {
        "issuer": {"exchange": "SGX", "currency": "SGD"},
        "placing": {"price": price},
        "market": {"last_close": "1.00", **market},
    }


def test_sgx_without_day_vwap_is_not_enough_data() -> None:
    """Without market.day_vwap Rule 811 cannot be checked, and the check names the field."""
    check = rule(report(**_sgx("0.90")), "811")
    assert check.status == "not enough data"
    assert "market.day_vwap" in check.detail


def _asx(price: str, capacity: str = "7.1A", **market: str) -> dict[str, Any]:
    return {
        "issuer": {"exchange": "ASX", "currency": "AUD"},
        "placing": {"price": price, "capacity": capacity},
        "market": {"last_close": "1.00", **market},
    }


def test_asx_vwap_from_history_with_volumes() -> None:
    """14 days at 1.00 x 100 and one at 2.00 x 500 give a VWAP of 2400/1900; 0.95 passes, 0.94 breaches."""
    days = [f"2025-07-{d:02d}" for d in range(1, 16)]
    closes = [(d, "1.00") for d in days[:-1]] + [(days[-1], "2.00")]
    volumes = [100] * 14 + [500]
    for price, status in (("0.95", "pass"), ("0.94", "breach")):
        data = mapping(**_asx(price))
        data["market"] = {"history": history(closes, volumes)}
        check = rule(report_of(data), "Rule 7.1A")
        assert check.status == status
        assert "A$1.2632" in check.figure


def test_asx_without_vwap_is_not_enough_data() -> None:
    """Without market.vwap_15d or a history with volumes, 7.1A names what it needs."""
    check = rule(report(**_asx("0.75")), "Rule 7.1A")
    assert check.status == "not enough data"
    assert "market.vwap_15d" in check.detail


def _nasdaq(price: str, new_shares: int, last: str = "10.00", average: str = "9.00") -> dict[str, Any]:
    return {
        "issuer": {"exchange": "NASDAQ", "currency": "USD"},
        "placing": {"price": price, "new_shares": new_shares, "shares_outstanding": 1000},
        "market": {"last_close": last, "average_close_5d": average},
    }


# The boundaries of Rule 811, 7.1A and 5635(d) (exactly 10%, exactly 75%, at the Minimum Price,
# exactly 20%) are examples of the exact-fraction property tests in tests/test_checks_properties.py.


def test_nasdaq_minimum_price_is_the_close_when_lower() -> None:
    """With the close 8.00 below the average 9.00, the Minimum Price is 8.00 and 8.50 is not below it."""
    check = rule(report(**_nasdaq("8.50", 300, last="8.00")), "5635(d)")
    assert check.status == "pass"
    assert "Minimum Price US$8.00" in check.figure
    # and the 5-day average 9.00 when it is the lower
    assert "US$9.00" in rule(report(**_nasdaq("8.99", 200)), "5635(d)").figure


def test_nasdaq_with_shareholder_approval_passes() -> None:
    """A specific mandate (shareholder approval) makes a large discounted issue a pass."""
    data = _nasdaq("8.00", 300)
    data["placing"]["mandate"] = "specific"
    assert rule(report(**data), "5635(d)").status == "pass"


def test_other_exchange_says_no_rules_are_checked() -> None:
    """An exchange without rules gives one "not applicable" result, never a silent pass."""
    checks = report(issuer={"exchange": "other", "currency": "EUR"}, placing={"price": "0.10"})
    assert len(checks.rules) == 1
    assert checks.rules[0].status == "not applicable"
    assert "No listing rules are checked" in checks.rules[0].detail


def test_every_status_is_a_known_one() -> None:
    """Every rule of every exchange reports one of the five statuses."""
    for exchange in ("HKEX", "SGX", "NASDAQ", "ASX", "other"):
        for check in report(issuer={"exchange": exchange}).rules:
            assert check.status in STATUSES


def test_report_fails_on_a_breach() -> None:
    """CheckReport.passed is False when a rule is breached, True once every HKEX rule is decided and passes."""
    assert not report(placing={"price": "1.60"}).passed
    assert report(placing={"mandate_limit": 200, "mandate_used": 0, "min_placees": 6}).passed
    assert not check_deal(example("sensetime")).passed  # no mandate limit: incomplete


def test_rule_wording_takes_its_numbers_from_the_caps(monkeypatch):
    """The caps are defined once, in the exchange's module: change one and the limit and advice follow."""
    import dataclasses  # noqa: PLC0415

    from xl_placement.rules import base, hkex  # noqa: PLC0415

    assert [base.cap(c) for c in (Decimal("0.20"), Decimal("0.25"), Decimal("0.1"), Decimal("0.075"))] == [
        "20%",
        "25%",
        "10%",
        "7.5%",
    ]
    monkeypatch.setattr(hkex, "DISCOUNT", dataclasses.replace(hkex.DISCOUNT, max_discount=Decimal("0.15")))
    monkeypatch.setattr(hkex, "TDE_CAP", Decimal("0.3"))
    byd = example("byd")
    limits = [hkex.discount_check(byd).limit, hkex.dilution(byd).limit]
    assert limits == ["below 15%", "below 30%"]

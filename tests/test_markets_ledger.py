"""The twelve-month ledger (issue 30): mandate and capacity usage added up from [[placing.prior_issues]].

Expected counts are added up here by hand from the ledger rows; ASX's A x 15% less C and
A x 10% less E use fraction arithmetic.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

import pytest
from deal_maps import mapping

from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import compute
from xl_placement.ledger import months_before
from xl_placement.rules import BREACH, NOT_ENOUGH_DATA, PASS, rule_checks

D = dt.date


def _issue(day: str, shares: int, authority: str) -> dict[str, Any]:
    return {"date": D.fromisoformat(day), "shares": shares, "authority": authority}


HK_LEDGER = [
    _issue("2025-05-01", 10, "general mandate"),  # under the previous mandate: not counted
    _issue("2025-07-01", 30, "general mandate"),
    _issue("2025-08-01", 40, "specific"),  # approved by holders: not counted
]


def _hk(new_shares: int, ledger: list[dict[str, Any]], **placing: Any) -> dict[str, Any]:
    return mapping(
        placing={
            "new_shares": new_shares,
            "mandate": "general",
            "mandate_limit": 150,
            "mandate_date": D(2025, 6, 1),
            "agreement_date": D(2025, 9, 1),
            "prior_issues": ledger,
            **placing,
        }
    )


def _status(data: dict[str, Any], rule: str) -> str:
    return next(c for c in rule_checks(compute(deal_from_mapping(data, "t"))) if rule in c.rule).status


def test_hkex_mandate_used_is_the_ledgers_general_mandate_issues_since_the_meeting():
    """30 shares under the mandate since 1 June 2025 (the May issue and the approved one do not count)."""
    deal = deal_from_mapping(_hk(100, HK_LEDGER), "t")
    assert deal.placing.mandate_used == 30


@pytest.mark.parametrize(("new_shares", "status"), [(120, PASS), (119, PASS), (121, BREACH)])
def test_hkex_headroom_from_the_ledger_boundaries(new_shares, status):
    """Limit 150 less 30 used: 120 new shares leave 0 (pass), 121 are one over (breach)."""
    assert 150 - 30 - new_shares >= 0 if status == PASS else 150 - 30 - new_shares < 0
    assert _status(_hk(new_shares, HK_LEDGER), "13.36(2)(b)") == status


def test_gem_and_sgx_count_the_same_ledger():
    """GEM 17.41(2) and SGX Rule 806 count the general-mandate issues since the meeting too."""
    gem = _hk(121, HK_LEDGER)
    gem["issuer"] |= {"board": "GEM"}
    assert _status(gem, "17.41(2)") == BREACH
    sgx = _hk(120, HK_LEDGER)
    sgx["issuer"] |= {"exchange": "SGX", "currency": "SGD"}
    assert deal_from_mapping(sgx, "t").placing.mandate_used == 30


def test_a_typed_mandate_used_the_ledger_contradicts_is_refused_naming_both():
    with pytest.raises(DealError) as caught:
        deal_from_mapping(_hk(100, HK_LEDGER, mandate_used=20), "t")
    text = str(caught.value)
    assert "placing.mandate_used" in text
    assert "20" in text
    assert "30 shares [[placing.prior_issues]]" in text
    deal_from_mapping(_hk(100, HK_LEDGER, mandate_used=30), "t")  # agreeing: accepted


def test_general_mandate_issues_need_the_mandate_date():
    data = _hk(100, HK_LEDGER)
    del data["placing"]["mandate_date"]
    with pytest.raises(DealError) as caught:
        deal_from_mapping(data, "t")
    assert "placing.mandate_date" in str(caught.value)


def test_unknown_use_stays_not_enough_data_without_a_ledger():
    """No ledger, no typed mandate_used: a headroom that fits is not enough data, never assumed zero."""
    data = _hk(100, [])
    del data["placing"]["prior_issues"]
    assert _status(data, "13.36(2)(b)") == NOT_ENOUGH_DATA


def test_an_authority_the_exchange_does_not_count_is_refused():
    with pytest.raises(DealError) as caught:
        deal_from_mapping(_hk(100, [_issue("2025-07-01", 5, "7.1")]), "t")
    assert "placing.prior_issues[0].authority" in str(caught.value)


def test_an_issue_after_the_deal_is_refused():
    with pytest.raises(DealError) as caught:
        deal_from_mapping(_hk(100, [_issue("2025-09-02", 5, "general mandate")]), "t")
    assert "placing.prior_issues[0].date" in str(caught.value)


ASX_LEDGER = [
    _issue("2024-09-14", 50_000, "7.1"),  # more than 12 months before 15 September 2025
    _issue("2025-01-10", 200_000, "specific"),  # adds to A
    _issue("2025-03-01", 30_000, "7.1"),  # C
    _issue("2025-04-01", 20_000, "7.1A"),  # E
]
A = 1_000_000 + 200_000
LEFT_7_1 = math.floor(A * Fraction(15, 100)) - 30_000
LEFT_7_1A = math.floor(A * Fraction(10, 100)) - 20_000


def _asx(new_shares: int, capacity: str, **placing: Any) -> dict[str, Any]:
    return mapping(
        issuer={"exchange": "ASX", "currency": "AUD", "sp_asx_300": False},
        placing={
            "new_shares": new_shares,
            "capacity": capacity,
            "shares_outstanding": 1_250_000,
            "shares_at_period_start": 1_000_000,
            "agreement_date": D(2025, 9, 15),
            "prior_issues": ASX_LEDGER,
            **placing,
        },
        market={"last_close": "1.00", "vwap_15d": "1.00"},
    )


def test_asx_capacity_from_the_ledger():
    """A = 1,000,000 + 200,000 approved; 7.1: 15% of A less 30,000; 7.1A: 10% of A less 20,000."""
    deal = deal_from_mapping(_asx(1, "7.1"), "t")
    assert (deal.placing.remaining_7_1, deal.placing.remaining_7_1a) == (LEFT_7_1, LEFT_7_1A)
    assert (LEFT_7_1, LEFT_7_1A) == (150_000, 100_000)


@pytest.mark.parametrize(("capacity", "left"), [("7.1", LEFT_7_1), ("7.1A", LEFT_7_1A)])
def test_asx_capacity_boundaries(capacity, left):
    """Exactly what is left passes, one share under passes, one share over breaches."""
    rule = f"LR {capacity}"
    for shares, status in ((left, PASS), (left - 1, PASS), (left + 1, BREACH)):
        checks = rule_checks(compute(deal_from_mapping(_asx(shares, capacity), "t")))
        found = next(c for c in checks if c.rule == f"ASX capacity under {rule}")
        assert found.status == status, shares


def test_asx_typed_capacity_the_ledger_contradicts_is_refused():
    with pytest.raises(DealError) as caught:
        deal_from_mapping(_asx(1, "7.1", remaining_7_1=160_000), "t")
    text = str(caught.value)
    assert "placing.remaining_7_1" in text
    assert "150,000" in text


def test_asx_ledger_needs_the_start_shares():
    data = _asx(1, "7.1")
    del data["placing"]["shares_at_period_start"]
    with pytest.raises(DealError) as caught:
        deal_from_mapping(data, "t")
    assert "placing.shares_at_period_start" in str(caught.value)


def test_months_before():
    assert months_before(D(2025, 9, 15), 12) == D(2024, 9, 15)
    assert months_before(D(2024, 2, 29), 12) == D(2023, 2, 28)
    assert months_before(D(2025, 3, 31), 1) == D(2025, 2, 28)
    assert months_before(D(2025, 1, 31), 6) == D(2024, 7, 31)


@pytest.mark.parametrize(
    ("exchange", "currency", "field", "value"),
    [
        ("TSX", "CAD", "mandate_limit", 100),
        ("TSX", "CAD", "mandate_date", D(2025, 1, 1)),
        ("LSE", "GBP", "mandate_used", 0),
        ("ASX", "AUD", "mandate_date", D(2025, 1, 1)),
    ],
)
def test_mandate_fields_an_exchange_does_not_read_are_refused(exchange, currency, field, value):
    """A field the exchange's checks would not read is refused naming it, never silently ignored."""
    placing: dict[str, Any] = {field: value}
    if field == "mandate_used":
        placing["mandate_limit"] = 100
    data = mapping(issuer={"exchange": exchange, "currency": currency}, placing=placing)
    with pytest.raises(DealError) as caught:
        deal_from_mapping(data, "t")
    assert f"placing.{field}" in str(caught.value)

"""Market context, liquidity, timetable, itemised costs and public float: core figures and deal-file fields."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from report_support import figures_of

from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError
from xl_placement.figures import compute

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

BASE = {
    "issuer": {"name": "Context Co", "stock_code": "2", "exchange": "HKEX", "currency": "HKD"},
    "placing": {"new_shares": 10_000_000, "price": 1.85, "shares_outstanding": 200_000_000},
    "market": {"last_close": 2.00},
    "proceeds": {"uses": [{"name": "All", "share": 1}]},
}


def deal(**changes: dict[str, object]) -> dict[str, object]:
    mapping = copy.deepcopy(BASE)
    for section, values in changes.items():
        mapping.setdefault(section, {}).update(values)  # type: ignore[attr-defined]
    return mapping


def test_one_class_market_capitalisation_and_deal_size_match_a_hand_computation():
    """SenseTime's figures as one class: HK$2.09 x 40,424,038,000 = HK$84,486,239,420; HK$3,247m is 3.843% of it."""
    figures = compute(load_deal_without_class("sensetime"))
    market = figures.market
    assert market.market_cap == Decimal("84486239420")
    assert market.market_cap_basis == ""
    assert float(market.market_cap_quote or 0) == pytest.approx(84_486_239_420 / 7.8203, rel=1e-12)
    assert float(market.gross_to_market_cap or 0) == pytest.approx(3_247_000_000 / 84_486_239_420, rel=1e-12)
    # The demo's illustrative 20-day ADTV of 180,000,000 shares: 1,700,000,000 new shares are 9.44 days of it.
    (adtv,) = market.liquidity
    assert (adtv.days, adtv.volume, adtv.origin) == (20, Decimal(180_000_000), "given")
    assert adtv.days_of_volume == pytest.approx(Decimal(85) / 9)  # 1,700 / 180 = 85 / 9, exactly
    assert market.as_of == dt.date(2025, 6, 10)  # no history: the (illustrative) agreement date


def load_deal_without_class(name: str):  # type: ignore[no-untyped-def]
    """An example deal with its share class removed: the shares in issue are then one class."""
    deal = figures_of(name).deal
    return dataclasses.replace(deal, issuer=dataclasses.replace(deal.issuer, share_class=None))


def test_a_named_class_without_its_share_count_has_no_market_capitalisation():
    """SenseTime names Class B but not how many shares are Class B: never all 40.4bn shares at the B close."""
    market = figures_of("sensetime").market
    assert (market.market_cap, market.market_cap_quote, market.gross_to_market_cap) == (None, None, None)
    assert "placing.class_shares_outstanding" in market.market_cap_missing
    assert "[[issuer.other_classes]]" in market.market_cap_missing


def test_byd_without_its_a_shares_is_the_h_share_capitalisation_labelled_so():
    """BYD: HK$363.60 x 1,098,000,000 H shares = HK$399,232,800,000, not x 2,909,265,434 (HK$1,057,808.9m)."""
    figures = figures_of("byd")
    market = figures.market
    assert market.market_cap == Decimal("363.60") * 1_098_000_000 == Decimal("399232800000")
    assert market.market_cap != Decimal("1057808900000")  # the old, wrong figure, to the 0.1m
    assert market.market_cap_basis == "H shares only"
    assert float(market.gross_to_market_cap or 0) == pytest.approx(
        43_508_960_000 / 399_232_800_000, rel=1e-15
    )


# BYD as if its A shares were given: 1,811,265,434 A shares (2,909,265,434 less 1,098,000,000 H) at an
# illustrative CNY 380.00 close and 1.0850 HKD per CNY. Expected by hand, to the cent:
# A: 1,811,265,434 x 380 = 688,280,864,920 CNY; x 1.085 = 746,784,738,438.20 HKD.
# H: 1,098,000,000 x 363.60 = 399,232,800,000. Total 1,146,017,538,438.20.
A_SHARES = {"name": "A shares", "shares": 1_811_265_434, "last_close": "380.00", "currency": "CNY"}
A_RATE = {"rate": "1.0850", "rate_source": "illustrative"}


def byd_with(**issuer: object) -> dict[str, object]:
    import tomllib  # noqa: PLC0415

    data = tomllib.loads((EXAMPLES / "byd.toml").read_text(encoding="utf-8"))
    data["issuer"].update(issuer)
    return data


def test_every_class_at_its_own_price_adds_up():
    """With [[issuer.other_classes]] the market cap is H at the H close plus A at the A close and rate."""
    figures = compute(deal_from_mapping(byd_with(other_classes=[A_SHARES | A_RATE])))
    market = figures.market
    assert market.market_cap == Decimal("1146017538438.20")
    assert market.market_cap_basis == "all classes"
    assert float(market.gross_to_market_cap or 0) == pytest.approx(
        43_508_960_000 / 1_146_017_538_438.20, rel=1e-15
    )


def test_the_placed_class_may_be_left_to_the_shares_in_issue_less_the_others():
    """Without class_shares_outstanding the H shares are 2,909,265,434 less the A shares: the same total."""
    data = byd_with(other_classes=[A_SHARES | A_RATE])
    del data["placing"]["class_shares_outstanding"]
    del data["stated"]["percent_of_existing_class"]
    del data["stated"]["percent_of_enlarged_class"]
    assert compute(deal_from_mapping(data)).market.market_cap == Decimal("1146017538438.20")


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (A_SHARES, "issuer.other_classes[0].rate", "CNY"),
        (A_SHARES | {"rate": "1.085"}, "issuer.other_classes[0].rate_source", "say where"),
        (A_SHARES | A_RATE | {"shares": 1_000}, "issuer.other_classes", "not placing.shares_outstanding"),
        (
            A_SHARES | {"currency": "HKD", "rate": "2", "rate_source": "x"},
            "issuer.other_classes[0].rate",
            "must be 1",
        ),
    ],
)
def test_other_classes_that_cannot_be_valued_or_do_not_add_up_are_refused(row, field, words):
    """A class in another currency needs a sourced rate, and the classes must add up to the shares in issue."""
    with pytest.raises(DealError) as raised:
        deal_from_mapping(byd_with(other_classes=[row]))
    assert field in str(raised.value)
    assert words in str(raised.value)


def test_adtv_from_history_is_the_mean_volume_of_the_last_20_and_30_days():
    """The top-up example: ADTV over 20 and 30 days of its history, and the new shares in days of it."""
    figures = figures_of("topup-illustrative")
    closes = figures.deal.market.history
    by_days = {item.days: item for item in figures.market.liquidity}
    assert sorted(by_days) == [20, 30]
    for n, item in by_days.items():
        window = closes[-n:]
        volume = sum(int(c.volume or 0) for c in window) / n
        value = sum(float(c.close) * int(c.volume or 0) for c in window) / n
        assert float(item.volume) == pytest.approx(volume, rel=1e-12)
        assert float(item.value or 0) == pytest.approx(value, rel=1e-12)
        assert float(item.days_of_volume) == pytest.approx(120_000_000 / volume, rel=1e-12)
        assert item.origin == "from history"
    assert figures.market.as_of == closes[-1].date


def test_a_given_adtv_is_used_and_its_value_is_not_invented():
    """market.adtv_20d = 5,000,000: 10m new shares are 2 days of volume; no traded value is made up."""
    figures = compute(deal_from_mapping(deal(market={"adtv_20d": 5_000_000})))
    (item,) = figures.market.liquidity
    assert (item.days, item.volume, item.value, item.days_of_volume) == (20, 5_000_000, None, 2)
    assert item.origin == "given"


def test_timetable_keeps_every_date_and_ends_lock_ups_after_completion():
    """Agreement, announcement, price fixing, completion, long stop; lock-ups of 90 days end completion + 90."""
    figures = figures_of("topup-illustrative")
    when = {entry.key: entry.when for entry in figures.timetable}
    p = figures.deal.placing
    assert when["agreement_date"] == p.agreement_date
    assert when["announcement_date"] == p.announcement_date
    assert when["price_fixing_date"] == p.price_fixing_date
    assert when["completion_date"] == dt.date(2025, 10, 24)
    assert when["long_stop_date"] == p.long_stop_date
    assert when["lock_up_end"] == dt.date(2026, 1, 22)  # 24 Oct 2025 + 90 days
    assert when["vendor_lock_up_end"] == dt.date(2026, 1, 22)


def test_a_lock_up_without_a_completion_date_says_so_and_a_plain_placing_has_no_vendor_row():
    """lock_up_days alone: no end date, a note naming what is missing; no vendor row outside a top-up."""
    figures = compute(deal_from_mapping(deal(placing={"lock_up_days": 90})))
    entries = {entry.key: entry for entry in figures.timetable}
    assert entries["lock_up_end"].when is None
    assert "no completion date" in entries["lock_up_end"].note
    assert "vendor_lock_up_end" not in entries


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"placing": {"vendor_lock_up_days": 90}}, "placing.vendor_lock_up_days"),
        (
            {"placing": {"agreement_date": "2025-06-10", "completion_date": "2025-06-01"}},
            "placing.completion_date",
        ),
        ({"placing": {"lock_up_days": -1}}, "placing.lock_up_days"),
        ({"market": {"adtv_20d": 0}}, "market.adtv_20d"),
        ({"costs": {"other_costs": 100, "items": [{"name": "Legal", "amount": 90}]}}, "costs.other_costs"),
        ({"costs": {"items": [{"name": "Legal"}]}}, "costs.items[0].amount"),
        ({"shareholders": [{"name": "A", "shares": 1, "public": "maybe"}]}, "shareholders[0].public"),
    ],
)
def test_new_fields_refuse_bad_values_naming_the_field(changes, path):
    """Each new field's bad value is a deal-file error on that field, with the fix in the message."""
    mapping = deal()
    for section, values in changes.items():
        if isinstance(values, list):
            mapping[section] = values
        else:
            mapping.setdefault(section, {}).update(values)  # type: ignore[attr-defined]
    with pytest.raises(DealError) as caught:
        deal_from_mapping(mapping)
    assert any(p.path == path for p in caught.value.problems), [p.path for p in caught.value.problems]


def test_itemised_costs_add_up_to_other_costs_when_it_is_left_out():
    """Two items of 1,000.50 and 2,000 make other costs of 3,000.50, and net proceeds follow."""
    mapping = deal(
        costs={
            "commission_rate": 0,
            "items": [{"name": "Legal", "amount": "1000.50"}, {"name": "Levy", "amount": 2000}],
        }
    )
    figures = compute(deal_from_mapping(mapping))
    assert figures.deal.costs.other_costs == Decimal("3000.50")
    assert figures.proceeds.net == Decimal(18_500_000) - Decimal("3000.50")
    assert [i.name for i in figures.deal.costs.items] == ["Legal", "Levy"]


def test_public_float_leaves_out_holders_marked_not_public_and_counts_placees_as_public():
    """Top-up example: 1.5bn less 480m held outside the float is 1.02bn (68%); after, +120m of 1.62bn."""
    pf = figures_of("topup-illustrative").public_float
    assert pf is not None
    assert (pf.shares_before, pf.shares_after) == (1_020_000_000, 1_140_000_000)
    assert float(pf.percent_before) == pytest.approx(0.68, rel=1e-12)
    assert float(pf.percent_after) == pytest.approx(1_140 / 1_620, rel=1e-12)


def test_no_public_float_is_shown_when_no_holder_is_marked():
    """Holders without ``public = false`` are public: no float figure is claimed."""
    mapping = deal()
    mapping["shareholders"] = [{"name": "A", "shares": 10}]
    figures = compute(deal_from_mapping(mapping))
    assert figures.public_float is None


def test_a_batch_csv_row_states_the_other_classes_by_dotted_paths():
    """issuer.other_classes.0.* columns give the same all-classes market capitalisation as the deal file."""
    from xl_placement.batch import parse_header, row_mapping  # noqa: PLC0415

    row = {
        "issuer.name": "BYD",
        "issuer.stock_code": "1211",
        "issuer.exchange": "HKEX",
        "issuer.currency": "HKD",
        "issuer.share_class": "H",
        "placing.new_shares": "129800000",
        "placing.price": "335.20",
        "placing.shares_outstanding": "2909265434",
        "placing.class_shares_outstanding": "1098000000",
        "market.last_close": "363.60",
        **{f"issuer.other_classes.0.{key}": str(value) for key, value in (A_SHARES | A_RATE).items()},
    }
    mapping = row_mapping(parse_header(list(row)), list(row.values()))
    assert compute(deal_from_mapping(mapping)).market.market_cap == Decimal("1146017538438.20")

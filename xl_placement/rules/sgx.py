"""Singapore Exchange (Mainboard Rules): Rule 811 (discount to the day's VWAP) and Rule 806 (general mandate)."""

from __future__ import annotations

from decimal import Decimal

from xl_placement.figures import Figures
from xl_placement.formats import date_text, price_text
from xl_placement.rules.base import (
    PASS,
    DocRow,
    Exchange,
    PriceLimit,
    PriceRule,
    RuleCheck,
    Shown,
    TickTable,
    cap,
    discount_words,
    mandate_check,
    price_check,
    unchecked,
    unless_approved,
)

DISCOUNT_CAP = Decimal("0.10")  # Rule 811: more than 10% is a breach

DISCOUNT = PriceLimit(
    rule="SGX Rule 811",
    title="Discount to the VWAP of the agreement day",
    reference="day_vwap",
    max_discount=DISCOUNT_CAP,
    breach_at_limit=False,
    wording=f"discount to the agreement day's VWAP of {cap(DISCOUNT_CAP)} or less",
    inputs=("market.day_vwap", "placing.mandate"),
)

NAME_THE_DAY = "; give market.day_vwap_date to name the day"

# SGX-ST Rules, Rule 8.3.3 (minimum bid size of stocks, REITs and business trusts).
TICKS = TickTable(
    bands=(
        (Decimal(0), Decimal("0.001")),
        (Decimal("0.20"), Decimal("0.005")),
        (Decimal(1), Decimal("0.01")),
    ),
    source="SGX-ST Rules, Rule 8.3.3 (minimum bid size, amended 13 November 2017): "
    "https://rulebook.sgx.com/rulebook/83-orders",
)


def price_rule(figures: Figures) -> PriceRule:
    """Rule 811 as it applies to the deal: without specific approval, against the day's VWAP."""
    return unless_approved(
        figures,
        DISCOUNT,
        f"The placing has specific shareholder approval (placing.mandate = specific), so the {cap(DISCOUNT_CAP)} "
        "limit does not apply.",
        "Not enough data: needs market.day_vwap (the volume-weighted average price of trades on the "
        "full market day the placing agreement is signed, or of the preceding market day up to signing "
        "when there was no full market day of trading) and market.day_vwap_date (that day).",
    )


def discount_check(figures: Figures) -> RuleCheck:
    """SGX Rule 811: no more than a 10% discount to the VWAP of the agreement day (or the day before)."""
    rule = price_rule(figures)
    ref = figures.reference(DISCOUNT.reference)
    limit = f"{cap(DISCOUNT_CAP)} or less"
    if rule.status != PASS or ref is None:
        return unchecked(DISCOUNT.rule, DISCOUNT.title, limit, rule.status, rule.why)
    found = price_check(
        figures,
        rule,
        Shown(discount_words(ref, DISCOUNT_CAP), ref.discount, DISCOUNT_CAP),
        f"Day VWAP {price_text(ref.price, figures.deal.issuer.currency)} ({ref.origin}): {_day(figures)}.",
        f" A discount of more than {cap(DISCOUNT_CAP)} needs specific shareholder approval.",
    )
    return RuleCheck(
        found.rule,
        f"Discount to the {ref.label}",
        found.figure,
        found.limit,
        found.status,
        found.detail,
        found.value,
        found.limit_value,
        found.unit,
    )


def _day(figures: Figures) -> str:
    """Which market day's VWAP Rule 811 uses here, and why."""
    m, p = figures.deal.market, figures.deal.placing
    day, agreed = m.day_vwap_date, p.agreement_date
    if day is None:
        return f"taken as the VWAP of the full market day the placing agreement was signed{NAME_THE_DAY}"
    if agreed is None:
        return (
            f"the VWAP of {date_text(day)} (market.day_vwap_date); give placing.agreement_date to show "
            "whether it is the agreement day or the preceding market day"
        )
    if day == agreed:
        return f"the VWAP of {date_text(day)}, the full market day the placing agreement was signed"
    return (
        f"the VWAP of {date_text(day)}, the preceding market day, because there was no full market day of "
        f"trading on {date_text(agreed)} before the placing agreement was signed (Rule 811 then uses the "
        "trades of the preceding market day up to signing)"
    )


def mandate(figures: Figures) -> RuleCheck:
    """SGX Rule 806: shares issued under the general mandate against its limit."""
    return mandate_check(
        figures,
        "SGX Rule 806",
        "up to 50% of the issued shares excluding treasury shares, of which at most 20% other than pro "
        "rata, as the resolution sets it",
    )


EXCHANGE = Exchange(
    code="SGX",
    currency="SGD",
    checks=(discount_check, mandate),
    price_rule=price_rule,
    ticks=TICKS,
    price_check=DISCOUNT.rule,
    file_only=(NAME_THE_DAY,),
    docs=(
        DocRow(
            "Rule 811",
            "discount to the VWAP of the full market day the agreement is signed (`market.day_vwap`), or of the "
            "preceding market day when there was no full market day of trading before signing "
            "(`market.day_vwap_date` names the day; the detail says which day and why)",
            f"**more than {cap(DISCOUNT_CAP)}** breaches (exactly {cap(DISCOUNT_CAP)} passes)",
            'pass, breach; not applicable with specific shareholder approval (`mandate = "specific"`); not '
            "enough data",
        ),
        DocRow(
            "Rule 806",
            "general-mandate headroom: new shares against `mandate_limit` \u2212 `mandate_used`",
            "new shares up to what is left",
            "pass, breach; not applicable under a specific mandate; not enough data without `placing.mandate_limit`",
        ),
    ),
)

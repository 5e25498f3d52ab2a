"""Nasdaq Rule 5635(d): 20% or more of the shares, issued or issuable, below the Minimum Price needs approval."""

from __future__ import annotations

from decimal import Decimal

from xl_placement.deal import Deal
from xl_placement.figures import Figures
from xl_placement.formats import listed, percent_beside, price_text
from xl_placement.prices import discount
from xl_placement.rules.base import (
    NOT_APPLICABLE,
    NOT_ENOUGH_DATA,
    PASS,
    DocRow,
    Exchange,
    PriceLimit,
    PriceRule,
    RuleCheck,
    Shown,
    TickTable,
    cap,
    not_applied,
    price_check,
    unchecked,
)

SIZE = Decimal("0.20")  # 5635(d): 20% or more of the shares outstanding
MINIMUM_PRICE = "minimum_price"  # the lower of the last close and the 5-day average close

MINIMUM = PriceLimit(
    rule="Nasdaq Rule 5635(d)",
    title="Price against the Minimum Price",
    reference=MINIMUM_PRICE,
    max_discount=Decimal(0),
    breach_at_limit=False,
    wording=f"at or above the Minimum Price, or under {cap(SIZE)} of the shares",
    inputs=(
        "market.last_close",
        "market.average_close_5d",
        "placing.shares_outstanding",
        "placing.warrant_shares",
    ),
)
OR_HISTORY = ", or give at least 5 closes in [[market.history]]"

# Regulation NMS Rule 612 (17 CFR 242.612): no quote in an increment below $0.01 at $1.00 or more.
TICKS = TickTable(
    bands=((Decimal(0), Decimal("0.0001")), (Decimal(1), Decimal("0.01"))),
    source="SEC Regulation NMS Rule 612, minimum pricing increment (17 CFR 242.612): "
    "https://www.ecfr.gov/current/title-17/chapter-II/part-242/subject-group-ECFR3dd95cf4d3f6730/section-242.612",
)


def shares_counted(deal: Deal) -> int:
    """Shares Rule 5635(d) counts: new shares plus every warrant share the deal sells."""
    p = deal.placing
    if p.warrant_shares is not None:
        return p.new_shares + p.warrant_shares
    return p.new_shares + (p.prefunded_warrants or 0) + (p.attached_warrants or 0)


def minimum_price(figures: Figures) -> Decimal | None:
    """The Minimum Price: the lower of the last close and the 5-day average close (None when one is missing)."""
    last, average = figures.reference("last_close"), figures.reference("average_close_5d")
    return min(last.price, average.price) if last is not None and average is not None else None


def is_large(deal: Deal) -> bool:
    """True when the shares counted are 20% or more of the shares outstanding (which must be given)."""
    outstanding = deal.placing.shares_outstanding or 0
    count = shares_counted(deal)
    return count >= SIZE * outstanding


def price_rule(figures: Figures) -> PriceRule:
    """Rule 5635(d) as it applies to the deal: a breach needs a price below the Minimum Price and size."""
    p = figures.deal.placing
    if p.public_offering:
        return not_applied(
            MINIMUM,
            NOT_APPLICABLE,
            "The deal is a public offering (placing.public_offering = true); Rule 5635(d) applies only to "
            "transactions other than public offerings.",
        )
    last, average = figures.reference("last_close"), figures.reference("average_close_5d")
    missing = [
        name
        for name, value in (
            ("market.last_close", last),
            ("market.average_close_5d", average),
            ("placing.shares_outstanding", p.shares_outstanding),
        )
        if value is None
    ]
    lowest = minimum_price(figures)
    if missing or lowest is None:
        return not_applied(
            MINIMUM,
            NOT_ENOUGH_DATA,
            f"Not enough data: needs {listed(missing)} (the Minimum Price is the lower of the Nasdaq Official "
            f"Closing Price immediately before signing and the average of the five trading days before "
            f"signing{OR_HISTORY}; the {cap(SIZE)} is of the shares outstanding before the issue).",
        )
    return PriceRule(
        MINIMUM, PASS, reference_price=lowest, large=is_large(figures.deal), approved=p.mandate == "specific"
    )


def minimum_price_check(figures: Figures) -> RuleCheck:
    """Nasdaq 5635(d): 20% or more of the shares, issued or issuable, below the Minimum Price needs approval."""
    deal = figures.deal
    p, ccy = deal.placing, deal.issuer.currency
    limit = f"price at or above the Minimum Price, or under {cap(SIZE)} of the shares outstanding"
    rule = price_rule(figures)
    last, average = figures.reference("last_close"), figures.reference("average_close_5d")
    if rule.status != PASS or rule.reference_price is None or last is None or average is None:
        return unchecked(MINIMUM.rule, MINIMUM.title, limit, rule.status, rule.why)
    minimum = rule.reference_price
    count = shares_counted(deal)
    outstanding = p.shares_outstanding or 1
    size = percent_beside(Decimal(count) / outstanding, SIZE)
    warrants = count - p.new_shares
    counted = (
        f"{count:,} shares ({p.new_shares:,} new shares and {warrants:,} warrant shares)"
        if warrants
        else f"{count:,} new shares"
    )
    figure = (
        f"price {price_text(p.price, ccy)} against the Minimum Price {price_text(minimum, ccy)}; "
        f"{counted}, {size} of the shares outstanding"
    )
    detail = (
        f"Minimum Price (Rule 5635(d), FAQs 271 and 272) = the lower of the last close "
        f"{price_text(last.price, ccy)} ({last.origin}) and the 5-day average close "
        f"{price_text(average.price, ccy)} ({average.origin}), both immediately before signing. The rule "
        "counts every share the deal issues or may issue (warrants, pre-funded warrants: "
        "placing.warrant_shares); approval is required when the price is below the Minimum Price and "
        f"those shares are {cap(SIZE)} or more of the shares outstanding before the issue."
    )
    if p.ads_ratio is not None:
        detail += " Prices are per ADS; shares are counted in ordinary shares."
    below = rule.below(p.price)
    if below and rule.large:
        detail += (
            " Shareholder approval is given (placing.mandate = specific)."
            if rule.approved
            else " Both hold: the issue needs shareholder approval."
        )
    elif not below:
        detail += " The price is at or above the Minimum Price."
    else:
        detail += f" The price is below the Minimum Price, but the shares are under {cap(SIZE)}."
    shown = Shown(figure, discount(p.price, minimum), Decimal(0), limit)
    return price_check(figures, rule, shown, detail, "")


EXCHANGE = Exchange(
    code="NASDAQ",
    currency="USD",
    checks=(minimum_price_check,),
    price_rule=price_rule,
    ticks=TICKS,
    price_check=MINIMUM.rule,
    file_only=(OR_HISTORY,),
    docs=(
        DocRow(
            "Rule 5635(d)",
            "price against the **Minimum Price**, the lower of the last close and the 5-day average close before "
            "signing, together with **every share the deal issues or may issue**: `new_shares` + `warrant_shares` "
            "(default: `prefunded_warrants` + `attached_warrants`)",
            f"breach only when the price is **below** the Minimum Price **and** those shares are **{cap(SIZE)} or "
            f"more** of the shares outstanding: then shareholder approval is required. Below the Minimum Price "
            f"with under {cap(SIZE)} passes",
            'pass (also when `mandate = "specific"`, i.e. approved), breach; not applicable for a public offering '
            "(`public_offering = true`); not enough data",
        ),
    ),
)

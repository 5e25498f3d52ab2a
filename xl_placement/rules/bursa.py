"""Bursa Malaysia (Main Market and ACE Market Listing Requirements, Chapter 6).

Para 6.03(1): no issue under the general mandate if, aggregated with the general-mandate
issues of the preceding 12 months, it exceeds 10% of the issued shares (excluding treasury
shares); the ledger (``[[placing.prior_issues]]``, "general mandate") gives the 12 months'
issues. Pricing: not more than a 10% discount to the volume-weighted average market price of
the 5 market days immediately before the price-fixing date (``market.vwap_5d``): Paragraph
6.04(a), as issuers' announcements cite it (the Listing Requirements' own text was not found in
the sources searched). The 20% mandate was a temporary relief (16 April 2020 to 31 December
2022) and is not applied. Tick sizes: Bursa's own table of minimum bids.
"""

from __future__ import annotations

from decimal import Decimal

from xl_placement.figures import Figures
from xl_placement.formats import price_text
from xl_placement.ledger import months_before, share_of, total, within
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
    discount_words,
    headroom_check,
    price_check,
    unchecked,
    unless_approved,
)

GENERAL_MANDATE = Decimal("0.10")  # Para 6.03(1)
DISCOUNT_CAP = Decimal("0.10")  # not more than 10% below the 5-market-day VWAP

PRICING_SOURCE = (
    "Paragraph 6.04(a) as cited in issuers' announcements, e.g. Alam Maritim Resources Berhad's proposed private "
    'placement ("Based on Paragraph 6.04(a) of the Listing Requirements, the Placement Shares I may be issued based '
    'on a discount of not more than 10% to the 5-day volume weighted average market price", quoted at '
    "https://boston2.i3investor.com/web/forum/forum-thread/800000888?p=245); the Listing Requirements' own text "
    "was not found in the sources searched (December 2026)"
)

DISCOUNT = PriceLimit(
    rule="Bursa LR 6.04(a)",
    title="Discount to the 5-market-day VWAP before price-fixing",
    reference="vwap_5d",
    max_discount=DISCOUNT_CAP,
    breach_at_limit=False,
    wording=f"discount to the 5-market-day VWAP of {cap(DISCOUNT_CAP)} or less",
    inputs=("market.vwap_5d", "placing.mandate"),
)

# Minimum bid sizes for shares (Bursa Malaysia, from 3 August 2009): Bursa's own table, Table I.
TICKS = TickTable(
    bands=(
        (Decimal(0), Decimal("0.005")),
        (Decimal(1), Decimal("0.01")),
        (Decimal(10), Decimal("0.02")),
        (Decimal(100), Decimal("0.10")),
    ),
    source="Bursa Malaysia, minimum bids (Bidaan Minimum), Table I: 0.5 sen below RM1.00, 1 sen RM1.00 to RM9.99, "
    "2 sen RM10.00 to RM99.98, 10 sen from RM100.00 "
    "(http://www.bursamalaysia.com/bm/market/securities/equities/trading/minimum-bids/); the same table at RHB "
    "(https://www.rhbinvest.com/Bursa_Malaysia-trading.html) and OCBC "
    "(https://iocbc.com/research/market-information-malaysia.html)",
)


def price_rule(figures: Figures) -> PriceRule:
    """The 10% pricing limit as it applies: general-mandate placings, against the 5-market-day VWAP."""
    return unless_approved(
        figures,
        DISCOUNT,
        "Shareholders approved the precise terms of the issue (placing.mandate = specific).",
        "Not enough data: needs market.vwap_5d (the volume-weighted average market price of the 5 market "
        "days immediately before the price-fixing date).",
    )


def discount_check(figures: Figures) -> RuleCheck:
    """Not more than 10% below the 5-market-day VWAP before the price-fixing date."""
    rule = price_rule(figures)
    ref = figures.reference(DISCOUNT.reference)
    if rule.status != PASS or ref is None:
        return unchecked(DISCOUNT.rule, DISCOUNT.title, f"{cap(DISCOUNT_CAP)} or less", rule.status, rule.why)
    return price_check(
        figures,
        rule,
        Shown(discount_words(ref, DISCOUNT_CAP), ref.discount, DISCOUNT_CAP),
        f"5-market-day VWAP {price_text(ref.price, figures.deal.issuer.currency)} before the price-fixing date "
        "(Paragraph 6.04(a) of the Listing Requirements).",
        f" A discount of more than {cap(DISCOUNT_CAP)} needs shareholders' approval of the precise terms.",
    )


def twelve_month_used(figures: Figures) -> int | None:
    """General-mandate shares issued in the 12 months before the deal: the ledger's, else placing.mandate_used."""
    p = figures.deal.placing
    if p.prior_issues and p.day is not None:
        return total(within(p.prior_issues, months_before(p.day, 12), p.day), "general mandate")
    return p.mandate_used


def mandate(figures: Figures) -> RuleCheck:
    """Para 6.03(1): the issue with the preceding 12 months' general-mandate issues within 10% of issued shares."""
    p = figures.deal.placing
    rule, title = "Bursa LR 6.03(1)", "General mandate over 12 months"
    words = f"{cap(GENERAL_MANDATE)} of the issued shares (excluding treasury shares) over 12 months"
    if p.mandate == "specific":
        return unchecked(rule, title, words, NOT_APPLICABLE, "Shareholders approved the precise terms.")
    if p.shares_outstanding is None:
        return unchecked(
            rule,
            title,
            words,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.shares_outstanding (issued shares excluding treasury shares).",
        )
    if p.prior_issues and p.day is None:
        return unchecked(
            rule,
            title,
            words,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.price_fixing_date (or another deal date) to choose the 12 months of "
            "[[placing.prior_issues]].",
        )
    limit_shares = share_of(GENERAL_MANDATE, p.shares_outstanding)
    if p.mandate_limit is not None:  # the resolution's own number, never above the 10%
        limit_shares = min(limit_shares, p.mandate_limit)
    used = twelve_month_used(figures)
    headroom = limit_shares - (used or 0) - p.new_shares
    used_words = f"{used:,} used in the 12 months" if used is not None else "12 months' use not given"
    limit = f"{limit_shares - (used or 0):,} shares available ({limit_shares:,} less {used_words})"
    figure = f"{p.new_shares:,} new shares"
    return headroom_check(
        (rule, title, figure, limit),
        headroom,
        use_known=used is not None,
        unknown_use="The placing fits only if no shares were issued under the general mandate in the preceding "
        "12 months; needs [[placing.prior_issues]] or placing.mandate_used (0 when none were).",
        remains=f"{headroom:,} shares of the 10% remain after the placing.",
        exceeds=f"Over the 10% by {-headroom:,} shares: needs shareholders' approval of the precise terms.",
    )


EXCHANGE = Exchange(
    code="Bursa",
    currency="MYR",
    checks=(discount_check, mandate),
    price_rule=price_rule,
    ticks=TICKS,
    price_check=DISCOUNT.rule,
    docs=(
        DocRow(
            "Para 6.04(a)",
            "discount to the 5-market-day VWAP immediately before the price-fixing date (`market.vwap_5d`); the "
            f"paragraph: {PRICING_SOURCE}",
            f"**more than {cap(DISCOUNT_CAP)}** breaches (exactly {cap(DISCOUNT_CAP)} passes)",
            'pass, breach; not applicable with approval of the precise terms (`mandate = "specific"`); not enough '
            "data without `vwap_5d`",
        ),
        DocRow(
            "Para 6.03(1)",
            "new shares plus the general-mandate issues of the preceding 12 months (the ledger, or "
            "`mandate_used`) against 10% of `shares_outstanding` (whole shares, rounded down; `mandate_limit`, "
            "when given and lower, instead)",
            "up to 10% (0 left passes, 1 over breaches)",
            "pass, breach; not applicable under a specific approval; not enough data without `shares_outstanding`, "
            "or when the shares fit only if none were used",
        ),
    ),
)

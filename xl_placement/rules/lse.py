"""London Stock Exchange (Main Market and AIM): the Pre-Emption Group's Statement of Principles (2022).

The Statement of Principles (4 November 2022) supports a disapplication of pre-emption rights
for up to 10% of the issued ordinary share capital for any purpose, a further 10% for an
acquisition or specified capital investment (``placing.purpose = "acquisition"``), and for
each limb up to 2% more for a follow-on offer (``placing.follow_on_shares``), within the
authority's period. Use of the authority is added up from the ledger
(``[[placing.prior_issues]]`` rows "PEG general" and "PEG acquisition" since
``placing.mandate_date``, the meeting that granted it).

The Main Market discount limit (10% to the middle-market price at the time of agreeing the
placing, LR 9.5.10 before July 2024) is NOT checked: no text of the UK Listing Rules (UKLR, in
force since 29 July 2024) stating a discount limit was found in the sources searched (December
2026: the FCA Handbook's LR 9.5 as at 13 September 2021, and a copy of UKLR 9.4 with the
rights-issue placing rule, but no UKLR discount provision), so neither the rule's number nor the
listing categories it covers are known here. The check says so ("information"), and the pricing
grid applies no price rule. The LSE's tick sizes (the UK tick size regime's price and liquidity
bands) were not found either: the grid steps by 0.01p and says so.
"""

from __future__ import annotations

from decimal import Decimal

from xl_placement.figures import Figures
from xl_placement.formats import date_text, percent_text
from xl_placement.ledger import share_of, total, within
from xl_placement.rules.base import (
    BREACH,
    INFORMATION,
    NOT_APPLICABLE,
    NOT_ENOUGH_DATA,
    PASS,
    SHARES,
    DocRow,
    Exchange,
    PriceRule,
    RuleCheck,
    TickTable,
    cap,
    headroom_check,
    not_applied,
    unchecked,
)

PEG_GENERAL = Decimal("0.10")  # any purpose
PEG_ACQUISITION = Decimal("0.10")  # a further 10% for an acquisition or specified capital investment
PEG_FOLLOW_ON = Decimal("0.02")  # per limb, for a follow-on offer
FOLLOW_ON_OF_PLACING = Decimal("0.20")  # a follow-on offer is at most 20% of the shares placed
PEG = "PEG Statement of Principles (2022)"
PEG_SOURCE = (
    "Pre-Emption Group, Statement of Principles, 4 November 2022 (summaries: Arthur Cox, 10 November 2022, "
    "https://insights.arthurcox.com/post/102i14v/pre-emption-group-issues-revised-statement-of-principles; "
    "Travers Smith, https://traverssmith.com/knowledge/knowledge-container/disapplication-of-pre-emption-"
    "rights-back-to-the-future)"
)
LR_9_5_SOURCE = "https://handbook.fca.org.uk/handbook/LR/9/5.html?date=2021-09-13"
UKLR_NOT_CHECKED = (
    "Not checked: the Listing Rules limited a Main Market placing to a discount of 10% to the middle-market "
    "price at the time of agreeing the placing (LR 9.5.10 before July 2024); no discount limit in the UK Listing "
    "Rules (UKLR) in force since 29 July 2024 was found, nor which listing categories it would cover. Check the "
    "UKLR yourself."
)

# Not confirmed: the LSE's tick size follows the UK tick size regime by price and liquidity band
# (the band needs the share's average daily number of transactions), which this table cannot
# know. The grid therefore steps in hundredths of a penny, and says so; no price rule is applied.
TICKS = TickTable(
    bands=((Decimal(0), Decimal("0.0001")),),
    source="not confirmed: the LSE tick depends on the UK tick size regime's price and liquidity bands, and no "
    "table of them was found in the sources searched; the grid steps by 0.01p, which may be finer than the "
    "share's tick",
)


def price_rule(figures: Figures) -> PriceRule:  # noqa: ARG001 - the same for every LSE deal
    """No price rule is checked for an LSE deal (the UKLR discount limit is not confirmed)."""
    return not_applied(None, NOT_APPLICABLE, UKLR_NOT_CHECKED, "No price rule is checked for LSE")


def _prior(figures: Figures) -> tuple[int, int] | None:
    """PEG general and acquisition shares used since placing.mandate_date (None: the date not given)."""
    p = figures.deal.placing
    if p.mandate_date is None:
        return None
    period = within(p.prior_issues, p.mandate_date, p.day)
    return total(period, "PEG general"), total(period, "PEG acquisition")


def _of(shares: int, base: int) -> str:
    return f"{shares:,} shares ({percent_text(Decimal(shares) / base)} of {base:,})"


def disapplication(figures: Figures) -> RuleCheck:
    """The placing's shares within what is left of the PEG limits (10%, or 20% for an acquisition)."""
    p = figures.deal.placing
    acquisition = p.purpose == "acquisition"
    rule = f"{PEG}, {'acquisition limb' if acquisition else 'general limb'}"
    title = "Non-pre-emptive shares within the disapplication"
    limit_words = (
        f"{cap(PEG_GENERAL)} for any purpose plus {cap(PEG_ACQUISITION)} for an acquisition or specified "
        "capital investment, less what was used"
        if acquisition
        else f"{cap(PEG_GENERAL)} of the issued share capital for any purpose, less what was used"
    )
    if p.mandate == "specific":
        return unchecked(
            rule,
            title,
            limit_words,
            NOT_APPLICABLE,
            "Shareholders approved this issue: the PEG limits do not apply.",
        )
    base = p.shares_outstanding
    if base is None:
        return unchecked(
            rule,
            title,
            limit_words,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.shares_outstanding (the issued ordinary share capital).",
        )
    prior = _prior(figures)
    general_used, acquisition_used = prior or (0, 0)
    cap_general = share_of(PEG_GENERAL, base)  # whole shares, rounded down
    cap_acquisition = share_of(PEG_ACQUISITION, base)
    room = cap_general - general_used + (cap_acquisition - acquisition_used if acquisition else 0)
    headroom = room - p.new_shares
    figure = _of(p.new_shares, base)
    used = (
        f"{general_used + (acquisition_used if acquisition else 0):,} used since {date_text(p.mandate_date)}"
        if prior is not None and p.mandate_date is not None
        else "use not given (placing.mandate_date with [[placing.prior_issues]])"
    )
    limit = f"{room:,} shares available ({limit_words}; {used})"
    return headroom_check(
        (rule, title, figure, limit),
        headroom,
        use_known=prior is not None,
        unknown_use="The placing fits only if none of the authority was used before it; needs placing.mandate_date "
        "(the meeting that granted the disapplication) and [[placing.prior_issues]] (none listed: none used).",
        remains=f"{headroom:,} shares of the disapplication remain after the placing.",
        exceeds=f"The placing exceeds the disapplication by {-headroom:,} shares: beyond the PEG principles "
        "(a specific shareholder approval, or consultation with shareholders, is expected).",
    )


def follow_on(figures: Figures) -> RuleCheck:
    """A follow-on offer: up to 2% per limb used, and at most 20% of the shares placed."""
    p = figures.deal.placing
    rule, title = f"{PEG}, follow-on offer", "Follow-on offer to retail and existing holders"
    limbs = 2 if p.purpose == "acquisition" else 1
    words = f"{cap(PEG_FOLLOW_ON)} of the issued share capital per limb used, and {cap(FOLLOW_ON_OF_PLACING)} of the placing"
    if p.follow_on_shares is None:
        return unchecked(
            rule, title, words, NOT_APPLICABLE, "No follow-on offer (placing.follow_on_shares not given)."
        )
    base = p.shares_outstanding
    if base is None:
        return unchecked(
            rule,
            title,
            words,
            NOT_ENOUGH_DATA,
            "Not enough data: needs placing.shares_outstanding (the issued ordinary share capital).",
        )
    by_capital = share_of(PEG_FOLLOW_ON * limbs, base)
    by_placing = share_of(FOLLOW_ON_OF_PLACING, p.new_shares)
    most = min(by_capital, by_placing)
    headroom = most - p.follow_on_shares
    limit = (
        f"{most:,} shares (the lower of {cap(PEG_FOLLOW_ON)} x {limbs} of {base:,} = {by_capital:,} and "
        f"{cap(FOLLOW_ON_OF_PLACING)} of the {p.new_shares:,} placed = {by_placing:,})"
    )
    status = PASS if headroom >= 0 else BREACH
    detail = (
        f"{headroom:,} shares of the follow-on allowance remain."
        if headroom >= 0
        else f"The follow-on offer exceeds the PEG allowance by {-headroom:,} shares."
    )
    return RuleCheck(
        rule,
        title,
        f"{p.follow_on_shares:,} follow-on shares",
        limit,
        status,
        detail,
        Decimal(headroom),
        Decimal(0),
        SHARES,
    )


def listing_discount(figures: Figures) -> RuleCheck:
    """The Main Market discount limit: shown as not checked (UKLR text not confirmed); not applicable on AIM."""
    deal = figures.deal
    rule, title = "UK Listing Rules discount limit", "Discount to the middle-market price"
    if deal.issuer.board == "AIM":
        return unchecked(
            rule,
            title,
            "-",
            NOT_APPLICABLE,
            "An AIM company is not subject to the UK Listing Rules' discount limit.",
        )
    ref = figures.reference("last_close")
    figure = (
        f"discount of {percent_text(ref.discount)} to the last close"
        if ref is not None and ref.discount >= 0
        else "-"
    )
    return RuleCheck(rule, title, figure, "not checked", INFORMATION, UKLR_NOT_CHECKED, None)


EXCHANGE = Exchange(
    code="LSE",
    currency="GBP",
    checks=(disapplication, follow_on, listing_discount),
    price_rule=price_rule,
    ticks=TICKS,
    price_check="",
    docs=(
        DocRow(
            "PEG Statement of Principles (2022)",
            "non-pre-emptive shares of the placing against the disapplication left: "
            f"{cap(PEG_GENERAL)} of `shares_outstanding` for any purpose, plus {cap(PEG_ACQUISITION)} when "
            '`placing.purpose = "acquisition"`, less the ledger\'s "PEG general" (and "PEG acquisition") '
            "issues since `placing.mandate_date`",
            "new shares up to what is left (0 left passes, 1 over breaches); whole shares, rounded down",
            'pass, breach; not applicable with shareholders\' approval (`mandate = "specific"`); not enough data '
            "without `shares_outstanding`, or when the shares fit only if none were used (no `mandate_date`)",
        ),
        DocRow(
            "PEG follow-on offer",
            "`placing.follow_on_shares`",
            f"at most {cap(PEG_FOLLOW_ON)} of the issued share capital per limb used and "
            f"{cap(FOLLOW_ON_OF_PLACING)} of the shares placed",
            "pass, breach; not applicable without a follow-on offer",
        ),
        DocRow(
            "UK Listing Rules discount limit",
            "Main Market placing: discount to the middle-market price",
            "**not checked**: LR 9.5.10 set 10% to the middle-market price at the time of agreeing the placing "
            f"until 28 July 2024 ({LR_9_5_SOURCE}); no discount limit in the UKLR (in force since 29 July 2024) "
            "was found in the sources searched, so neither its rule number nor the listing categories it covers "
            "are known here",
            "information (Main Market), not applicable (AIM); the pricing grid applies no price rule",
        ),
        DocRow(
            "LSE tick sizes",
            "the pricing grid's price step",
            "**not confirmed**: the UK tick size regime sets the tick by price and liquidity band; no table of "
            "the bands was found in the sources searched, so the grid steps by 0.01p (possibly finer than the "
            "share's tick)",
            "-",
        ),
    ),
)

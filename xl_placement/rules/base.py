"""What every exchange's rule module is made of: statuses, a check's result, a price limit, a tick table.

An exchange is one module (``hkex.py``, ``sgx.py``, ``asx.py``, ``nasdaq.py``) that defines
its checks, its price limit (the rule the pricing grid applies to every candidate price),
its tick table and the rows of the docs' rules table, and registers them as one
``Exchange``. The checks, the pricing grid, PLACEMENT_CHECK, ``check``'s summary and the
docs' rules page all read these definitions: no threshold is written twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from xl_placement.deal import Deal
from xl_placement.errors import CalculationError
from xl_placement.figures import Figures, Reference
from xl_placement.formats import in_sentence, percent_beside
from xl_placement.prices import benchmark_window

PASS = "pass"  # noqa: S105 - a check status, not a password
BREACH = "breach"
NOT_APPLICABLE = "not applicable"
NOT_ENOUGH_DATA = "not enough data"
INFORMATION = "information"
STATUSES = (PASS, BREACH, NOT_APPLICABLE, NOT_ENOUGH_DATA, INFORMATION)

# Units of a check's figure and limit, as PLACEMENT_CHECK's unit column shows them.
FRACTION = "fraction"  # 0.0861 is 8.61%: format the cell as a percentage
SHARES = "shares"
PLACEES = "placees"


def cap(limit: Decimal) -> str:
    """A rule's cap as its wording shows it: ``Decimal("0.20")`` -> "20%" (the one source of the number)."""
    return f"{(limit * 100).normalize():f}%"


@dataclass(frozen=True)
class RuleCheck:
    """One listing-rule check: the rule, the deal's figure, the limit and the outcome.

    ``status`` is one of ``STATUSES``; ``detail`` explains the outcome (which closes were
    used, or which input is missing); ``value`` is the figure as a number, when there is one (a discount, a ratio, the shares
    left of a mandate or capacity after the deal), ``limit_value`` the limit as a number in the
    same ``unit`` (``FRACTION``, ``SHARES``, ``PLACEES``, days, a currency), when the rule has one.
    """

    rule: str
    title: str
    figure: str
    limit: str
    status: str
    detail: str
    value: Decimal | None
    limit_value: Decimal | None = None
    unit: str = ""


def unchecked(rule: str, title: str, limit: str, status: str, detail: str, figure: str = "-") -> RuleCheck:
    """A check that could not be made (not applicable, or not enough data), so it has no value."""
    return RuleCheck(rule, title, figure, limit, status, detail, None)


@dataclass(frozen=True)
class PriceLimit:
    """A price rule's definition: the price against a reference price, at most ``max_discount`` below it.

    ``breach_at_limit`` is True when a price exactly ``max_discount`` below the reference
    breaches (HKEX: a discount of exactly 20% breaches; SGX: exactly 10% passes).
    ``reference`` is the key of the reference price in ``Figures.references`` (Nasdaq:
    ``"minimum_price"``, the lower of two of them); ``wording`` is how the grid names it.
    """

    rule: str
    title: str
    reference: str
    max_discount: Decimal
    breach_at_limit: bool
    wording: str
    inputs: tuple[str, ...]

    @property
    def floor(self) -> Decimal:
        """The lowest ratio of price to reference the rule allows (at or above, or above)."""
        return 1 - self.max_discount

    def breaches(self, price: Decimal, reference: Decimal) -> bool:
        """True when ``price`` is beyond the limit against ``reference``, compared exactly (no division)."""
        if self.breach_at_limit:
            return price <= self.floor * reference
        return price < self.floor * reference


@dataclass(frozen=True)
class PriceRule:
    """An exchange's price limit as it applies to one deal, whatever the deal's price.

    ``status`` is PASS when the limit is applied to each price (``verdict``), else
    NOT_APPLICABLE or NOT_ENOUGH_DATA with ``why``. ``large`` is False when a breach also
    needs a size the deal does not reach (Nasdaq: under 20% of the shares outstanding);
    ``approved`` True when shareholders approved the issue (Nasdaq: a breach is then a pass).
    """

    limit: PriceLimit | None
    status: str
    why: str = ""
    reference_price: Decimal | None = None
    large: bool = True
    approved: bool = False
    title_text: str = ""

    @property
    def title(self) -> str:
        """The rule and its limit in words: "HKEX Rule 13.36(5): discount to the benchmarked price below 20%"."""
        if self.limit is None:
            return self.title_text
        return f"{self.limit.rule}: {self.limit.wording}"

    @property
    def reference(self) -> str | None:
        """The key of the reference price, or None when no limit is applied."""
        return self.limit.reference if self.limit is not None else None

    @property
    def inclusive(self) -> bool:
        """True when a price exactly at the limit breaches."""
        return self.limit.breach_at_limit if self.limit is not None else False

    def below(self, price: Decimal) -> bool:
        """True when ``price`` is beyond the limit (whatever the size and approval)."""
        if self.limit is None or self.reference_price is None:
            return False
        return self.limit.breaches(price, self.reference_price)

    def verdict(self, price: Decimal) -> str:
        """The rule's status for the deal priced at ``price``: the same as the check's for that price."""
        if self.status != PASS or self.limit is None or self.reference_price is None:
            return self.status
        return BREACH if self.below(price) and self.large and not self.approved else PASS


def not_applied(limit: PriceLimit | None, status: str, why: str, title: str = "") -> PriceRule:
    """A price rule that is not applied to this deal (not applicable, or not enough data)."""
    return PriceRule(limit, status, why, title_text=title)


def unless_approved(figures: Figures, limit: PriceLimit, approved: str, missing: str) -> PriceRule:
    """A price limit that binds issues without specific approval, against its reference price.

    Not applicable under a specific mandate (``approved`` says why), not enough data without the
    reference price (``missing`` names the fields), else applied at that price. An exchange's
    ``price_rule`` adds what else it needs (a price tier, a capacity).
    """
    if figures.deal.placing.mandate == "specific":
        return not_applied(limit, NOT_APPLICABLE, approved)
    ref = figures.reference(limit.reference)
    if ref is None:
        return not_applied(limit, NOT_ENOUGH_DATA, missing)
    return PriceRule(limit, PASS, reference_price=ref.price)


@dataclass(frozen=True)
class TickTable:
    """An exchange's price steps: ``bands`` of (from this price, the tick), from the lowest price up.

    A band runs from its price (included) to the next band's (excluded); every band's start
    is a multiple of its own tick and of the tick below it, so a price on a boundary is
    valid in both bands. ``source`` says where the table comes from.
    """

    bands: tuple[tuple[Decimal, Decimal], ...]
    source: str

    def tick(self, price: Decimal) -> Decimal:
        """The price step at ``price``."""
        found = self.bands[0][1]
        for start, step in self.bands:
            if price >= start:
                found = step
        return found

    def on_tick(self, price: Decimal) -> bool:
        """True when ``price`` is a price the exchange accepts."""
        return price % self.tick(price) == 0

    def up(self, price: Decimal) -> Decimal:
        """The lowest valid price at or above ``price``."""
        step = self.tick(price)
        return (price / step).to_integral_value(rounding=ROUND_CEILING) * step

    def down(self, price: Decimal) -> Decimal:
        """The highest valid price at or below ``price``."""
        step = self.tick(price)
        return (price / step).to_integral_value(rounding=ROUND_FLOOR) * step

    def next_up(self, price: Decimal) -> Decimal:
        """The next valid price above the valid ``price``."""
        return self.up(price + self.tick(price))


@dataclass(frozen=True)
class DocRow:
    """One row of the docs' rules table: rule, what it checks, its limit and the statuses it gives."""

    rule: str
    check: str
    limit: str
    statuses: str


@dataclass(frozen=True)
class Exchange:
    """One exchange's rules: its checks in order, its price rule for the grid, its ticks and docs rows.

    ``price_rule`` gives the price limit as it applies to a deal; ``price_check`` is the
    ``rule`` name of the check that applies it (the grid's verdict equals that check's).
    """

    code: str
    currency: str
    checks: tuple[Callable[[Figures], RuleCheck], ...]
    price_rule: Callable[[Figures], PriceRule]
    ticks: TickTable
    board: str = ""  # a board with rules of its own ("GEM"); "" for the exchange's main board
    docs: tuple[DocRow, ...] = ()
    price_check: str = ""
    file_only: tuple[str, ...] = field(default=())  # phrases naming inputs PLACEMENT_CHECK cannot take
    earlier_ticks: tuple[
        tuple[dt.date, TickTable], ...
    ] = ()  # (in force before this day, table), oldest first

    @property
    def key(self) -> str:
        """The name it is registered under: "HKEX", or "HKEX GEM" for a board with rules of its own."""
        return f"{self.code} {self.board}" if self.board else self.code

    def ticks_on(self, day: dt.date | None) -> TickTable:
        """The tick table in force on ``day`` (the current one when the day is not known)."""
        if day is not None:
            for until, table in self.earlier_ticks:
                if day < until:
                    return table
        return self.ticks


def deal_day(deal: Deal) -> dt.date | None:
    """The day a deal is priced, for the tick table in force: agreement, else price-fixing, else announcement."""
    return deal.placing.day


def benchmark_missing(deal: Deal) -> str:
    """Say which input the benchmarked price lacks, as a sentence naming the deal-file field."""
    p, m = deal.placing, deal.market
    if m.history and p.agreement_date is not None:
        try:
            benchmark_window(m.history, p.agreement_date, p.announcement_date, p.price_fixing_date)
        except CalculationError as exc:
            return f"The benchmarked price cannot be computed: {exc}."
    if m.history:
        return (
            "Needs placing.agreement_date to choose the benchmarked price's closes from "
            "market.history (or give market.average_close_5d with market.last_close)."
        )
    return (
        "Needs market.average_close_5d (the average close of the 5 trading days before the earliest "
        "of the agreement, announcement and price-fixing dates) for the benchmarked price"
        f"{OR_HISTORY_WITH_DATE}."
    )


OR_HISTORY_WITH_DATE = ", or [[market.history]] with placing.agreement_date"


def used_text(used: int | None) -> str:
    """Shares already used under the mandate, or that the number was not given."""
    return f"{used:,} used" if used is not None else "shares used not given (placing.mandate_used)"


def mandate_check(
    figures: Figures, rule: str, what: str, title: str = "General-mandate headroom"
) -> RuleCheck:
    """New shares against placing.mandate_limit less placing.mandate_used (HKEX, SGX, other)."""
    p = figures.deal.placing
    if p.mandate == "specific":
        return unchecked(
            rule,
            title,
            "-",
            NOT_APPLICABLE,
            "The shares are issued under a specific mandate approved for this deal.",
        )
    if p.mandate_limit is None or figures.mandate_headroom is None:
        return unchecked(
            rule,
            title,
            "-",
            NOT_ENOUGH_DATA,
            f"Needs placing.mandate_limit (the shares the general mandate allows: {what}), and "
            "placing.mandate_used when shares were already issued under it.",
            figure=f"{p.new_shares:,} new shares",
        )
    available = p.mandate_limit - (p.mandate_used or 0)
    headroom = figures.mandate_headroom
    figure = f"{p.new_shares:,} new shares"
    limit = f"{available:,} shares available ({p.mandate_limit:,} limit less {used_text(p.mandate_used)})"
    return headroom_check(
        (rule, title, figure, limit),
        headroom,
        use_known=p.mandate_used is not None,
        unknown_use="The placing fits the limit only if no shares were issued under the mandate before it; "
        "needs placing.mandate_used (0 when none were).",
        remains=f"{headroom:,} shares of the general mandate remain after the placing.",
        exceeds=f"The placing exceeds the general mandate by {-headroom:,} shares; it needs a specific mandate.",
    )


def headroom_check(
    heading: tuple[str, str, str, str],
    headroom: int,
    *,
    use_known: bool,
    unknown_use: str,
    remains: str,
    exceeds: str,
) -> RuleCheck:
    """The verdict of shares against what is left of a limit (a mandate, a capacity, a disapplication).

    Over the limit is a breach whatever was used before. Within it, a pass only when the earlier
    use is known: unknown use is not zero, so the check then needs data (``unknown_use`` says
    which). ``remains`` and ``exceeds`` are the exchange's words for the other two outcomes;
    ``heading`` is the check's rule, title, figure and limit as the checks table shows them.
    """
    rule, title, figure, limit = heading
    if headroom < 0:
        status, detail = BREACH, exceeds
    elif not use_known:
        status, detail = NOT_ENOUGH_DATA, unknown_use
    else:
        status, detail = PASS, remains
    return RuleCheck(rule, title, figure, limit, status, detail, Decimal(headroom), Decimal(0), SHARES)


@dataclass(frozen=True)
class Shown:
    """How a price check shows its figure: the words, the figure as a number and the limit as one."""

    figure: str
    value: Decimal
    limit_value: Decimal
    limit: str = ""


def price_check(
    figures: Figures, rule: PriceRule, shown: Shown, detail: str, breach_advice: str
) -> RuleCheck:
    """The check of the deal's own price under ``rule``: its status is ``rule.verdict(price)``."""
    assert rule.limit is not None  # noqa: S101 - only called for an applied rule
    status = rule.verdict(figures.deal.placing.price)
    if status == BREACH:
        detail += breach_advice
    return RuleCheck(
        rule.limit.rule,
        rule.limit.title,
        shown.figure,
        shown.limit or limit_words(rule.limit),
        status,
        detail,
        shown.value,
        shown.limit_value,
        FRACTION,
    )


def limit_words(limit: PriceLimit) -> str:
    """A price limit as the checks show it: "below 20%" (breach at the limit) or "10% or less"."""
    return (
        f"below {cap(limit.max_discount)}" if limit.breach_at_limit else f"{cap(limit.max_discount)} or less"
    )


def discount_words(ref: Reference, limit: Decimal) -> str:
    """The figure beside a discount limit: "discount of 8.61% to the last close"."""
    word = "discount" if ref.discount >= 0 else "premium"
    return f"{word} of {percent_beside(abs(ref.discount), limit)} to {in_sentence(ref.label.split(' (')[0])}"

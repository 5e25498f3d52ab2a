"""The pricing grid: candidate prices against each reference, the money they raise, and the price rule.

By default about 21 prices in round steps from the price 20% below the benchmarked price
(HKEX; the last close elsewhere) up to the last close, always with the deal's own price;
``[grid]`` in the deal file overrides the range and step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from xl_placement.deal import Deal
from xl_placement.figures import Figures, Reference
from xl_placement.money import PRECISION, round_half_up
from xl_placement.prices import discount
from xl_placement.proceeds import MINOR_UNIT_DECIMALS, gross_proceeds
from xl_placement.rules import asx_shares, nasdaq_shares

PASS = "pass"  # noqa: S105 - a rule outcome, not a password
BREACH = "breach"
NOT_APPLICABLE = "not applicable"
NOT_ENOUGH_DATA = "not enough data"

DEFAULT_STEPS = 20  # about 21 prices from the floor to the last close
MAX_ROWS = 200
RANGE_BELOW = Decimal("0.20")  # the default grid starts 20% below its anchor
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
RATIO_DECIMALS = 12  # price / reference is rounded to this before a rule compares it (as the sheet does)
FLOOR_QUANTUM = Decimal("0.001")  # the lowest price within the rule is given to this step


@dataclass(frozen=True)
class PriceRule:
    """The exchange's price rule as the grid applies it to every candidate price.

    ``reference`` is the key of the reference price the rule compares with (None for a rule
    that is not applied); ``limit`` the ratio of price to reference; ``inclusive`` True when
    a ratio equal to the limit breaches (HKEX: a discount of exactly 20% breaches).
    """

    title: str
    reference: str | None
    limit: Decimal
    inclusive: bool
    status: str  # PASS when applied to each row; NOT_APPLICABLE or NOT_ENOUGH_DATA otherwise
    why: str = ""
    large: bool = True  # Nasdaq: the deal's new shares are 20% or more of the shares outstanding


@dataclass(frozen=True)
class GridRow:
    """One candidate price and its figures."""

    price: Decimal
    is_deal: bool
    is_lowest: bool  # the lowest price (to 0.001) the price rule allows
    discounts: tuple[Decimal, ...]  # to each of the grid's references, in order
    gross: Decimal  # the deal's new shares at this price
    net: Decimal | None  # gross less commission and other costs (None: costs not given)
    shares_needed: int  # new shares to raise the deal's gross proceeds at this price
    percent_of_enlarged: Decimal | None  # those shares as a fraction of the enlarged capital
    outcome: str  # PASS, BREACH, NOT_APPLICABLE or NOT_ENOUGH_DATA


@dataclass(frozen=True)
class PricingGrid:
    """The grid: its references, the rule applied, and the rows (highest price first).

    ``problem`` says why there are no rows ("not enough data: ...") when the deal lacks a last close.
    """

    references: tuple[Reference, ...]
    rule: PriceRule
    rows: tuple[GridRow, ...]
    start: Decimal | None
    stop: Decimal | None
    step: Decimal | None
    problem: str | None = None


def nice_step(span: Decimal, steps: int = DEFAULT_STEPS) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten) giving at most ``steps`` steps."""
    if span <= 0:
        return Decimal("0.001")
    raw = span / steps
    exponent = math.floor(math.log10(float(raw)))
    for power in (exponent, exponent + 1):
        for base in NICE_STEPS:
            step = base.scaleb(power)
            if step >= raw:
                return step
    return Decimal(10).scaleb(exponent + 1)  # pragma: no cover - the loop always finds one


def price_rule(figures: Figures) -> PriceRule:
    """The price rule of the deal's exchange, as the grid applies it."""
    deal = figures.deal
    exchange, mandate = deal.issuer.exchange, deal.placing.mandate
    specs = {
        "HKEX": (
            "HKEX Rule 13.36(5): discount to the benchmarked price below 20%",
            "benchmarked_price",
            "0.8",
            True,
        ),
        "SGX": (
            "SGX Rule 811: discount to the agreement day's VWAP of 10% or less",
            "day_vwap",
            "0.9",
            False,
        ),
        "ASX": ("ASX Listing Rule 7.1A: at least 75% of the 15-day VWAP", "vwap_15d", "0.75", False),
        "NASDAQ": (
            "Nasdaq Rule 5635(d): at or above the Minimum Price, or under 20% of the shares",
            None,
            "1",
            False,
        ),
    }
    if exchange not in specs:
        return PriceRule(
            f"No price rule is checked for {exchange}",
            None,
            Decimal(1),
            False,
            NOT_APPLICABLE,
            "xl-placement checks price rules for HKEX, SGX, ASX and Nasdaq",
        )
    title, key, limit, inclusive = specs[exchange]
    if exchange == "ASX":  # the capacity decides, whatever the mandate
        asx = _asx_rule(deal, title, key, Decimal(limit))
        if asx is not None:
            return asx
    if mandate == "specific":
        return PriceRule(
            title,
            key,
            Decimal(limit),
            inclusive,
            NOT_APPLICABLE,
            "issued under a specific mandate (shareholder approval)",
        )
    if exchange == "NASDAQ":
        return _nasdaq_rule(figures, title)
    if figures.reference(str(key)) is None:
        needs = {
            "benchmarked_price": "the benchmarked price",
            "day_vwap": "market.day_vwap",
            "vwap_15d": "the 15-day VWAP",
        }[str(key)]
        return PriceRule(title, key, Decimal(limit), inclusive, NOT_ENOUGH_DATA, f"needs {needs}")
    return PriceRule(title, key, Decimal(limit), inclusive, PASS)


def _asx_rule(deal: Deal, title: str, key: str | None, limit: Decimal) -> PriceRule | None:
    """ASX 7.1A applies to 7.1A shares only: None when some shares are issued under it."""
    shares = asx_shares(deal)
    if shares is None:
        why = 'needs placing.capacity ("7.1" or "7.1A") or [[placing.tranches]]'
        return PriceRule(title, key, limit, False, NOT_ENOUGH_DATA, why)
    if shares["7.1A"] == 0:
        return PriceRule(title, key, limit, False, NOT_APPLICABLE, "no shares are issued under LR 7.1A")
    return None


def _nasdaq_rule(figures: Figures, title: str) -> PriceRule:
    """Nasdaq 5635(d): below the Minimum Price breaches only when the deal's shares are 20% or more."""
    p = figures.deal.placing
    if p.public_offering:
        return PriceRule(title, None, Decimal(1), False, NOT_APPLICABLE, "a public offering")
    last, average = figures.reference("last_close"), figures.reference("average_close_5d")
    if last is None or average is None or p.shares_outstanding is None:
        why = "needs the last close, the 5-day average close and placing.shares_outstanding"
        return PriceRule(title, None, Decimal(1), False, NOT_ENOUGH_DATA, why)
    large = nasdaq_shares(figures.deal) * 5 >= p.shares_outstanding
    return PriceRule(title, "minimum_price", Decimal(1), False, PASS, large=large)


def rule_reference(figures: Figures, rule: PriceRule) -> Decimal | None:
    """The price the rule compares with (Nasdaq: the Minimum Price, the lower of close and 5-day average)."""
    if rule.reference == "minimum_price":
        last, average = figures.reference("last_close"), figures.reference("average_close_5d")
        return min(last.price, average.price) if last and average else None
    ref = figures.reference(rule.reference) if rule.reference else None
    return ref.price if ref else None


def outcome(rule: PriceRule, price: Decimal, reference: Decimal | None) -> str:
    """PASS or BREACH of one price under the rule (the rule's own status when it is not applied)."""
    if rule.status != PASS or reference is None:
        return rule.status
    ratio = price_ratio(price, reference)
    below = ratio <= rule.limit if rule.inclusive else ratio < rule.limit
    return BREACH if below and rule.large else PASS


def price_ratio(price: Decimal, reference: Decimal) -> Decimal:
    """Price / reference rounded half up to 12 decimals, as the sheet's ROUND(price/reference,12)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return round_half_up(price / reference, RATIO_DECIMALS)


def shares_needed(amount: Decimal, price: Decimal) -> int:
    """The fewest whole new shares whose gross proceeds (rounded to the cent) reach ``amount``.

    The quotient rounded to whole shares, plus one when that many shares raise less than the
    amount: the steps of the sheet's formula (``formulas.shares_for``), so both give one
    number, and the deal's own shares at its own price are exactly enough.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        shares = int(round_half_up(amount / price, 0))
        raised = round_half_up(shares * price, MINOR_UNIT_DECIMALS)
    return shares + (1 if raised < amount else 0)


def net_at(gross: Decimal, commission_rate: Decimal, other_costs: Decimal) -> Decimal:
    """Net proceeds: gross less commission (rounded to the minor unit) and other costs (may be negative)."""
    return gross - round_half_up(gross * commission_rate, MINOR_UNIT_DECIMALS) - other_costs


def grid_prices(deal: Deal, figures: Figures) -> tuple[list[Decimal], Decimal, Decimal, Decimal] | str:
    """The grid's prices (highest first) with its start, stop and step, or why there are none."""
    last = figures.reference("last_close")
    bench = figures.reference("benchmarked_price")
    g = deal.grid
    anchor = bench.price if deal.issuer.exchange == "HKEX" and bench is not None else None
    if anchor is None and last is not None:
        anchor = last.price
    if (g.start is None and anchor is None) or (g.stop is None and last is None):
        return "not enough data: the grid needs the last close (market.last_close or [[market.history]]), or grid.from and grid.to"
    price = deal.placing.price
    stop = g.stop if g.stop is not None else max(last.price if last else price, price)
    floor = min((anchor or Decimal(0)) * (1 - RANGE_BELOW), price)
    if floor >= stop:  # a last close at or below 80% of the benchmark: show 20% below the close
        floor = stop * (1 - RANGE_BELOW)
    step = g.step if g.step is not None else nice_step(stop - (g.start if g.start is not None else floor))
    # By default the grid starts at the step at or below the 20% price, so the cap's breach shows.
    start = g.start if g.start is not None else (floor / step).to_integral_value(rounding=ROUND_FLOOR) * step
    if start <= 0:  # a price of zero raises nothing: start at the floor itself
        start = floor
    if start >= stop:
        return f"the grid runs from {start} to {stop}; grid.from must be below the top price (grid.to or the last close)"
    first = (start / step).to_integral_value(rounding=ROUND_CEILING)
    last_k = (stop / step).to_integral_value(rounding=ROUND_FLOOR)
    count = int(last_k - first) + 1
    if count > MAX_ROWS:
        return f"grid.step {step} gives {count:,} prices from {start} to {stop}; at most {MAX_ROWS}: choose a larger step"
    prices = {plain(k * step) for k in range(max(int(first), 1), int(last_k) + 1)}
    prices |= {plain(start), plain(stop), plain(deal.placing.price)}
    lowest = lowest_within_rule(figures)
    if lowest is not None and start <= lowest <= stop:
        prices.add(plain(lowest))
    return sorted(prices, reverse=True), plain(start), plain(stop), plain(step)


def plain(value: Decimal) -> Decimal:
    """A price without trailing zeros or an exponent: 360.00 -> 360, 1.650 -> 1.65."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def lowest_within_rule(figures: Figures) -> Decimal | None:
    """The lowest price, to 0.001, that the exchange's price rule allows (None when no rule is applied)."""
    rule = price_rule(figures)
    reference = rule_reference(figures, rule)
    if rule.status != PASS or reference is None or not rule.large:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        bound = rule.limit * reference
        lowest = bound.quantize(FLOOR_QUANTUM, rounding=ROUND_CEILING)
        while outcome(rule, lowest, reference) == BREACH:  # at most one step: the limit itself breaches
            lowest += FLOOR_QUANTUM
    return lowest


def pricing_grid(figures: Figures) -> PricingGrid:
    """The pricing grid of a deal.

    Returns:
        The grid; with no rows and a ``problem`` when the deal lacks the data for one.
    """
    deal = figures.deal
    refs = figures.references
    rule = price_rule(figures)
    found = grid_prices(deal, figures)
    if isinstance(found, str):
        return PricingGrid(refs, rule, (), None, None, None, found)
    prices, start, stop, step = found
    p, costs = deal.placing, deal.costs
    target = figures.proceeds.gross
    rate, other = costs.commission_rate, costs.other_costs
    against = rule_reference(figures, rule)
    lowest = lowest_within_rule(figures)
    rows = []
    for price in prices:
        gross = gross_proceeds(p.new_shares, price)
        needed = shares_needed(target, price)
        discounts = tuple(discount(price, r.price) for r in refs)
        with localcontext() as ctx:
            ctx.prec = PRECISION
            enlarged = (
                Decimal(needed) / (p.shares_outstanding + needed)
                if p.shares_outstanding is not None
                else None
            )
        rows.append(
            GridRow(
                price=price,
                is_deal=price == p.price,
                is_lowest=price == lowest,
                discounts=discounts,
                gross=gross,
                net=(
                    net_at(gross, rate, round_half_up(other, MINOR_UNIT_DECIMALS))
                    if rate is not None and other is not None
                    else None
                ),
                shares_needed=needed,
                percent_of_enlarged=enlarged,
                outcome=outcome(rule, price, against),
            )
        )
    return PricingGrid(refs, rule, tuple(rows), start, stop, step)

"""The pricing grid: candidate prices against each reference, the money they raise, and the price rule.

By default about 21 prices in round steps from the price 20% below the benchmarked price
(HKEX; the last close elsewhere) up to the last close, always with the deal's own price;
``[grid]`` in the deal file overrides the range and step. Every price is on the exchange's tick
table (a step is a whole number of ticks; a price between ticks is taken down to one). The price
rule is the exchange's own definition (``xl_placement.rules``): a row's verdict is the listing-rule
check's verdict for the deal re-priced at that row's price.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from xl_placement.deal import Deal
from xl_placement.figures import Figures, Reference
from xl_placement.money import in_context, round_half_up
from xl_placement.prices import discount
from xl_placement.proceeds import MINOR_UNIT_DECIMALS, gross_proceeds
from xl_placement.rules import (
    BREACH,
    NOT_APPLICABLE,
    NOT_ENOUGH_DATA,
    PASS,
    PriceRule,
    TickTable,
    exchange_of,
)
from xl_placement.rules import price_rule as exchange_price_rule
from xl_placement.rules.base import deal_day

__all__ = [
    "BREACH",
    "NOT_APPLICABLE",
    "NOT_ENOUGH_DATA",
    "PASS",
    "GridRow",
    "PriceRule",
    "PricingGrid",
    "grid_prices",
    "lowest_within_rule",
    "nice_step",
    "outcome",
    "price_rule",
    "pricing_grid",
    "rule_limit",
    "rule_reference",
    "shares_needed",
    "tick_step",
]

DEFAULT_STEPS = 20  # about 21 prices from the floor to the last close
MAX_ROWS = 200
RANGE_BELOW = Decimal("0.20")  # the default grid starts 20% below its anchor
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))


@dataclass(frozen=True)
class GridRow:
    """One candidate price and its figures."""

    price: Decimal
    is_deal: bool
    is_lowest: bool  # the lowest price on the exchange's tick table that the price rule allows
    discounts: tuple[Decimal, ...]  # to each of the grid's references, in order
    gross: Decimal  # the deal's new shares at this price
    net: Decimal | None  # gross less commission and other costs (None: costs not given)
    shares_needed: int  # new shares to raise the deal's gross proceeds at this price
    percent_of_enlarged: Decimal | None  # those shares as a fraction of the enlarged capital
    outcome: str  # PASS, BREACH, NOT_APPLICABLE or NOT_ENOUGH_DATA: the rule's verdict at this price


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
    """The price rule of the deal's exchange, as the grid applies it (the exchange's own definition)."""
    return exchange_price_rule(figures)


def rule_reference(figures: Figures, rule: PriceRule) -> Decimal | None:  # noqa: ARG001 - kept for callers
    """The price the rule compares with (Nasdaq: the Minimum Price, the lower of close and 5-day average)."""
    return rule.reference_price


def outcome(rule: PriceRule, price: Decimal) -> str:
    """The rule's status at ``price``: the same as the listing-rule check for the deal re-priced there."""
    return rule.verdict(price)


def ticks_of(deal: Deal) -> TickTable | None:
    """The tick table of the deal's exchange in force on the deal's day (None for an exchange without one here)."""
    exchange = exchange_of(deal)
    return exchange.ticks_on(deal_day(deal)) if exchange is not None else None


def rule_limit(rule: PriceRule) -> Decimal | None:
    """The discount limit the grid's discounts are shown beside (None when no rule is applied).

    Every discount of a row sits beside the row's verdict, so each is shown on its own side
    of the rule's limit (``formats.percent_beside``), not only the one the rule compares.
    """
    if rule.limit is None or rule.status != PASS:
        return None
    return rule.limit.max_discount


def tick_step(span: Decimal, tick: Decimal, steps: int = DEFAULT_STEPS) -> Decimal:
    """A round step that is a whole number of ticks, near ``span / steps``.

    Of the round steps (1, 2, 2.5 or 5 times a power of ten) that are multiples of ``tick``,
    the one nearest by ratio to ``span / steps``: HK$0.02 for SenseTime's HK$0.44 at HK$0.01 ticks.
    """
    if span <= 0:
        return tick
    raw = span / steps
    exponent = math.floor(math.log10(float(raw)))
    candidates = [base.scaleb(power) for power in range(exponent - 1, exponent + 3) for base in NICE_STEPS]
    on_tick = sorted(c for c in candidates if c >= tick and c % tick == 0)
    above = next((c for c in on_tick if c >= raw), on_tick[-1] if on_tick else tick)
    below = [c for c in on_tick if c < raw]
    if below and raw / below[-1] < above / raw:
        return below[-1]
    return above


def shares_needed(amount: Decimal, price: Decimal) -> int:
    """The fewest whole new shares whose gross proceeds (rounded to the cent) reach ``amount``.

    The quotient rounded to whole shares, plus one when that many shares raise less than the
    amount: the steps of the sheet's formula (``formulas.shares_for``), so both give one
    number, and the deal's own shares at its own price are exactly enough.
    """
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
    ticks = ticks_of(deal)
    span = stop - (g.start if g.start is not None else floor)
    if g.step is not None:
        step = g.step
    elif ticks is not None:  # a whole number of the largest tick in the range, so each price is on a tick
        step = tick_step(span, ticks.tick(stop))
    else:
        step = nice_step(span)
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
    prices = {k * step for k in range(max(int(first), 1), int(last_k) + 1)} | {start, stop}
    if ticks is not None:  # a price off the exchange's tick table is one a trader cannot set
        prices = {ticks.down(price) for price in prices if ticks.down(price) > 0}
    prices = {plain(price) for price in prices} | {plain(deal.placing.price)}
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
    """The lowest price on the exchange's tick table that its price rule allows (None when no rule is applied)."""
    rule = price_rule(figures)
    ticks = ticks_of(figures.deal)
    reference, limit = rule.reference_price, rule.limit
    if rule.status != PASS or reference is None or limit is None or not rule.large or rule.approved:
        return None
    if ticks is None:  # pragma: no cover - every registered exchange has a tick table
        return None
    lowest = ticks.up(limit.floor * reference)
    while rule.verdict(lowest) == BREACH:  # at most one tick: the limit itself breaches
        lowest = ticks.next_up(lowest)
    return lowest


@in_context
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
    lowest = lowest_within_rule(figures)
    rows = []
    for price in prices:
        gross = gross_proceeds(p.new_shares, price)
        needed = shares_needed(target, price)
        discounts = tuple(discount(price, r.price) for r in refs)
        enlarged = (
            Decimal(needed) / (p.shares_outstanding + needed) if p.shares_outstanding is not None else None
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
                outcome=outcome(rule, price),
            )
        )
    return PricingGrid(refs, rule, tuple(rows), start, stop, step)

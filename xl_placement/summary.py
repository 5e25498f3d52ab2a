"""A short plain-text summary of a deal's figures, for the command line."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xl_placement.figures import NET_NOT_GIVEN_BASIS, Figures, net_not_given_text
from xl_placement.formats import (
    in_pence,
    in_sentence,
    percent_beside,
    percent_text,
    quoted_millions_text,
    quoted_prefix,
    quoted_price_text,
    quoted_unit,
)
from xl_placement.grid import price_rule, pricing_grid, rule_limit
from xl_placement.money import in_context, round_half_up
from xl_placement.precedents import deal_cut_off

if TYPE_CHECKING:  # checks imports figures and wording; only the type is needed here
    from xl_placement.stated import StatedCheck


def amount(value: Decimal, currency: str) -> str:
    """Format an amount in millions: 3247000000 -> "HKD 3,247.0m" (sterling "£3,247.0m")."""
    return quoted_millions_text(value, currency)


@in_context
def summary_lines(figures: Figures) -> list[str]:
    """The key figures of a deal, one per line."""
    deal = figures.deal
    ccy = deal.issuer.currency
    p = deal.placing
    lines = [
        f"{deal.issuer.name} ({deal.issuer.stock_code}.{deal.issuer.exchange}): "
        f"{p.new_shares:,} new shares at {quoted_price_text(p.price, ccy)}"
        + (f" per ADS ({p.ads_ratio} ordinary shares per ADS)" if p.ads_ratio is not None else ""),
    ]
    if not figures.references:
        lines.append("  discounts: not given (needs market.last_close or [[market.history]])")
    rule = price_rule(figures)
    for ref in figures.references:
        word = "discount" if ref.discount >= 0 else "premium"
        limit = rule_limit(rule)
        shown = percent_text(abs(ref.discount)) if limit is None else percent_beside(abs(ref.discount), limit)
        lines.append(f"  {word} to {in_sentence(ref.label)} ({quoted_price_text(ref.price, ccy)}): {shown}")
    existing, enlarged = figures.percent_of_existing, figures.percent_of_enlarged
    if existing is None or enlarged is None:
        lines.append("  new shares as % of share capital: not given (needs placing.shares_outstanding)")
    else:
        lines.append(
            f"  new shares: {percent_text(existing, 4)} of existing, {percent_text(enlarged, 4)} of enlarged share capital"
        )
    if figures.has_warrants:
        diluted = figures.percent_fully_diluted
        lines.append(
            f"  with {figures.potential_shares - p.new_shares:,} warrant shares: "
            + (
                f"{percent_text(diluted, 4)} of the fully diluted share capital"
                if diluted is not None
                else "fully diluted % not given (needs placing.shares_outstanding)"
            )
        )
    money = figures.proceeds
    gross = f"  gross proceeds: {amount(money.gross, ccy)}"
    if deal.fx and money.gross_quote is not None:
        gross += f" ({amount(money.gross_quote, deal.fx.quote_currency)} at {deal.fx.rate})"
    lines.append(gross)
    if money.net is None or money.net_price_per_share is None:
        lines.append(f"  net proceeds and net price per share: {net_not_given_text(deal)}")
    else:
        lines.append(
            f"  net proceeds: {amount(money.net, ccy)}, "
            f"net price per share {quoted_price_text(money.net_price_per_share, ccy, 4)}"
        )
    if figures.allocation_basis == NET_NOT_GIVEN_BASIS and figures.allocations:
        lines.append(
            "  use of proceeds: stated on net proceeds, which are not given; the split of gross: "
            + "; ".join(f"{a.name} {amount(a.amount, ccy)}" for a in figures.allocations)
        )
    lines += context_lines(figures)
    return lines


def _market_cap_line(figures: Figures) -> str:
    """Market capitalisation (what it counts: "H shares only", "all classes"), or why it is not given."""
    deal, m = figures.deal, figures.market
    if m.market_cap is None:
        return f"  market capitalisation before the deal: not given ({m.market_cap_missing})"
    basis = f" ({m.market_cap_basis})" if m.market_cap_basis else ""
    cap = f"  market capitalisation before the deal{basis}: {amount(m.market_cap, deal.issuer.currency)}"
    if deal.fx and m.market_cap_quote is not None:
        cap += f" ({amount(m.market_cap_quote, deal.fx.quote_currency)})"
    if m.gross_to_market_cap is not None:
        cap += f"; gross proceeds {percent_text(m.gross_to_market_cap)} of it"
    return cap


def context_lines(figures: Figures) -> list[str]:
    """Market context, liquidity, public float, itemised costs, timetable and the pricing grid's summary."""
    deal, m = figures.deal, figures.market
    ccy = deal.issuer.currency
    lines = [f"  market data as of {m.as_of.isoformat() if m.as_of else 'date not given'}"]
    lines.append(f"  precedents cut-off: {deal_cut_off(deal)[1]}")
    lines.append(_market_cap_line(figures))
    for item in m.liquidity:
        value = f", {amount(item.value, ccy)} a day" if item.value is not None else ""
        lines.append(
            f"  {item.days}-day average daily volume ({item.origin}): {round_half_up(item.volume, 0):,} shares{value}; "
            f"new shares = {round_half_up(item.days_of_volume, 1)} days of volume"
        )
    lines += after_market_lines(figures)
    pf = figures.public_float
    if pf is not None:
        lines.append(
            f"  public float: {pf.shares_before:,} shares ({percent_text(pf.percent_before)}) before, "
            f"{pf.shares_after:,} ({percent_text(pf.percent_after)}) after"
        )
    for cost in deal.costs.items:
        lines.append(f"  cost: {cost.name}: {quoted_prefix(ccy)}{cost.amount:,}")
    for entry in figures.timetable:
        if entry.when is not None or entry.key in ("lock_up_end", "vendor_lock_up_end"):
            when = entry.when.isoformat() if entry.when else "-"
            note = f" ({entry.note})" if entry.note else ""
            lines.append(f"  {entry.label}: {when}{note}")
    grid = pricing_grid(figures)
    if grid.problem:
        lines.append(f"  pricing grid: {grid.problem}")
    else:
        breaches = [r.price for r in grid.rows if r.outcome == "breach"]
        lowest = next((r.price for r in grid.rows if r.is_lowest), None)
        low, high = quoted_price_text(grid.rows[-1].price, ccy), quoted_price_text(grid.rows[0].price, ccy)
        text = f"  pricing grid: {len(grid.rows)} prices from {low} to {high}"
        if lowest is not None:
            text += f"; lowest price within {grid.rule.title.split(':')[0]}: {quoted_price_text(lowest, ccy)}"
        if breaches:
            text += f"; {len(breaches)} breach it (at or below {quoted_price_text(max(breaches), ccy)})"
        lines.append(text)
    return lines


def after_market_lines(figures: Figures) -> list[str]:
    """The closes on T+1, T+5 and T+20 against the placing price (none without them)."""
    if not figures.after_market:
        return []
    ccy = figures.deal.issuer.currency
    shown = "; ".join(
        f"T+{a.days} ({a.date.isoformat()}) close {quoted_price_text(a.close, ccy)} ({a.change * 100:+.2f}% on the placing price)"
        for a in figures.after_market
    )
    return [f"  after the deal: {shown}"]


def stated_line(item: StatedCheck) -> str:
    """One stated figure: "[matches] Gross proceeds: stated HK$3,150m (to HK$1m), computed HK$3,149.6m (...)"."""
    mark = {"differs": "DIFFERS"}.get(item.status, item.status)
    return f"[{mark}] {item.label}: stated {item.stated} ({item.precision}), computed {item.computed_text}"


@in_context
def grid_lines(figures: Figures) -> list[str]:
    """The pricing grid as a plain-text table: price, discounts, gross, shares needed, rule."""
    grid, ccy = pricing_grid(figures), figures.deal.issuer.currency
    if grid.problem:
        return [f"pricing grid: {grid.problem}"]
    keys = [r.key for r in grid.references]
    heads = ["price", *(f"disc. {k.replace('average_close_', 'avg ').replace('_', ' ')}" for k in keys)]
    heads[0] = f"price ({quoted_unit(ccy)})" if in_pence(ccy) else "price"
    heads += [f"gross {quoted_prefix(ccy)}m", "shares needed", "% enlarged", "rule"]
    table = [heads]
    limits = [rule_limit(grid.rule)] * len(keys)
    for row in grid.rows:
        mark = " <- deal" if row.is_deal else (" <- lowest within rule" if row.is_lowest else "")
        table.append(
            [
                quoted_price_text(row.price, ccy).removesuffix("p") if in_pence(ccy) else str(row.price),
                *(
                    percent_text(d) if limit is None else percent_beside(d, limit)
                    for d, limit in zip(row.discounts, limits, strict=True)
                ),
                f"{round_half_up(row.gross / 1_000_000, 1):,}",
                f"{row.shares_needed:,}",
                percent_text(row.percent_of_enlarged) if row.percent_of_enlarged is not None else "n/a",
                row.outcome + mark,
            ]
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(heads) - 1)]
    lines = [f"pricing grid ({grid.rule.title}):"]
    for line in table:
        cells = [cell.rjust(width) for cell, width in zip(line[:-1], widths, strict=True)]
        lines.append("  " + "  ".join([*cells, line[-1]]))
    return lines

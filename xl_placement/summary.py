"""A short plain-text summary of a deal's figures, for the command line."""

from __future__ import annotations

from decimal import Decimal

from xl_placement.figures import Figures
from xl_placement.money import round_half_up


def percent(value: Decimal, decimals: int = 2) -> str:
    """Format a fraction as a percentage, rounded half up: 0.086124 -> "8.61%"."""
    return f"{round_half_up(value * 100, decimals)}%"


def amount(value: Decimal, currency: str) -> str:
    """Format an amount in millions: 3247000000 -> "HKD 3,247.0m"."""
    return f"{currency} {round_half_up(value / 1_000_000, 1):,}m"


def summary_lines(figures: Figures) -> list[str]:
    """The key figures of a deal, one per line."""
    deal = figures.deal
    ccy = deal.issuer.currency
    p = deal.placing
    lines = [
        f"{deal.issuer.name} ({deal.issuer.stock_code}.{deal.issuer.exchange}): "
        f"{p.new_shares:,} new shares at {ccy} {p.price}",
    ]
    for ref in figures.references:
        word = "discount" if ref.discount >= 0 else "premium"
        lines.append(f"  {word} to {ref.label.lower()} ({ccy} {ref.price}): {percent(abs(ref.discount))}")
    lines.append(
        f"  new shares: {percent(figures.percent_of_existing, 4)} of existing, "
        f"{percent(figures.percent_of_enlarged, 4)} of enlarged share capital"
    )
    money = figures.proceeds
    gross = f"  gross proceeds: {amount(money.gross, ccy)}"
    if deal.fx and money.gross_quote is not None:
        gross += f" ({amount(money.gross_quote, deal.fx.quote_currency)} at {deal.fx.rate})"
    lines.append(gross)
    lines.append(
        f"  net proceeds: {amount(money.net, ccy)}, "
        f"net price per share {ccy} {round_half_up(money.net_price_per_share, 4)}"
    )
    return lines

"""A short plain-text summary of a deal's figures, for the command line."""

from __future__ import annotations

from decimal import Decimal

from xl_placement.figures import Figures
from xl_placement.formats import percent_text
from xl_placement.money import round_half_up


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
        f"{p.new_shares:,} new shares at {ccy} {p.price}"
        + (f" per ADS ({p.ads_ratio} ordinary shares per ADS)" if p.ads_ratio is not None else ""),
    ]
    if not figures.references:
        lines.append("  discounts: not given (needs market.last_close or [[market.history]])")
    for ref in figures.references:
        word = "discount" if ref.discount >= 0 else "premium"
        lines.append(
            f"  {word} to {ref.label[0].lower() + ref.label[1:]} ({ccy} {ref.price}): {percent_text(abs(ref.discount))}"
        )
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
    lines.append(
        f"  net proceeds: {amount(money.net, ccy)}, "
        f"net price per share {ccy} {round_half_up(money.net_price_per_share, 4)}"
    )
    return lines

"""A short plain-text summary of a deal's figures, for the command line."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xl_placement.figures import Figures
from xl_placement.money import round_half_up

if TYPE_CHECKING:  # checks imports figures and wording; only the type is needed here
    from xl_placement.checks import CheckReport
    from xl_placement.stated import StatedCheck


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
        f"{p.new_shares:,} new shares at {ccy} {p.price}"
        + (f" per ADS ({p.ads_ratio} ordinary shares per ADS)" if p.ads_ratio is not None else ""),
    ]
    if not figures.references:
        lines.append("  discounts: not given (needs market.last_close or [[market.history]])")
    for ref in figures.references:
        word = "discount" if ref.discount >= 0 else "premium"
        lines.append(
            f"  {word} to {ref.label[0].lower() + ref.label[1:]} ({ccy} {ref.price}): {percent(abs(ref.discount))}"
        )
    existing, enlarged = figures.percent_of_existing, figures.percent_of_enlarged
    if existing is None or enlarged is None:
        lines.append("  new shares as % of share capital: not given (needs placing.shares_outstanding)")
    else:
        lines.append(
            f"  new shares: {percent(existing, 4)} of existing, {percent(enlarged, 4)} of enlarged share capital"
        )
    if figures.has_warrants:
        diluted = figures.percent_fully_diluted
        lines.append(
            f"  with {figures.potential_shares - p.new_shares:,} warrant shares: "
            + (
                f"{percent(diluted, 4)} of the fully diluted share capital"
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


def stated_line(item: StatedCheck) -> str:
    """One stated figure: "[matches] Gross proceeds: stated HK$3,150m (to HK$1m), computed HK$3,149.6m (...)"."""
    mark = {"differs": "DIFFERS"}.get(item.status, item.status)
    return f"[{mark}] {item.label}: stated {item.stated} ({item.precision}), computed {item.computed_text}"


def check_lines(report: CheckReport) -> list[str]:
    """The listing-rule checks, the stated-versus-computed figures and the wording, one per line.

    Args:
        report: the result of ``checks.check_deal``.

    Returns:
        Plain-text lines ending with the outcome: passed, failed or incomplete.
    """
    lines = ["Listing-rule checks:"]
    for rule in report.rules:
        lines.append(f"  [{rule.status}] {rule.rule}, {rule.title}: {rule.figure} (limit: {rule.limit})")
        lines.append(f"      {rule.detail}")
    if report.stated:
        lines.append("Stated against computed (at the published precision):")
        lines.extend(f"  {stated_line(item)}" for item in report.stated)
    if report.sentences:
        lines.append("Announcement wording:")
        lines.extend(f"  {sentence}" for sentence in report.sentences)
    lines.append(f"Checks {report.verdict}")
    return lines

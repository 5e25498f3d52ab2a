"""Proceeds: gross, costs, net, net price per share, quote currency, use of proceeds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xl_placement.errors import CalculationError, CostsExceedGrossError
from xl_placement.money import Number, allocate, dec, in_context, round_half_up

# Digits after the point of allocated amounts when none are given: whole units. One default
# for the deal file, the Inputs sheet (a blank decimals cell) and ALLOCATE_PROCEEDS.
ALLOCATION_DECIMALS = 0

MINOR_UNIT_DECIMALS = 2  # cents: proceeds and costs are kept to the minor unit

#: How far the shares of the uses may add up from 100% (rounded shares such as 3 x 33.3333%):
#: one tolerance for the deal file, the Inputs sheet and the Excel functions.
SHARE_TOLERANCE = Decimal("0.000001")

#: The report's use-of-proceeds formulas count each share in units of 10^-SHARE_DECIMALS, so
#: every step is a whole number below 10^14, exact in a spreadsheet's doubles.
SHARE_DECIMALS = 7


def shares_total_problem(total: Decimal, what: str = "the shares of the uses") -> str | None:
    """Why shares adding up to ``total`` cannot be used, or None when they add up to 100%.

    The one check and message for the deal file, the Inputs sheet and the Excel functions
    (``what`` names the shares as the user gave them: "weights" in ALLOCATE_PROCEEDS).
    """
    if abs(total - 1) <= SHARE_TOLERANCE:
        return None
    shown = f"{total * 100:.6f}".rstrip("0").rstrip(".")
    return f"{what} add up to {shown}%, not 100%; correct them so they total 100%"


@dataclass(frozen=True)
class Proceeds:
    """The money of a deal, in the issuer's currency (and the quote currency, when a rate is given).

    A cost the deal does not give is None ("not given", never zero), and so are the net
    figures that need it; ``proceeds`` always gives them all.
    """

    gross: Decimal
    commission: Decimal | None
    other_costs: Decimal | None
    net: Decimal | None
    net_price_per_share: Decimal | None
    fx_rate: Decimal | None = None
    gross_quote: Decimal | None = None
    net_quote: Decimal | None = None

    @property
    def costs(self) -> Decimal | None:
        """Commission plus other costs (None when either is not given)."""
        if self.commission is None or self.other_costs is None:
            return None
        return self.commission + self.other_costs


@in_context
def gross_proceeds(new_shares: Number, price: Number) -> Decimal:
    """Gross proceeds: shares x price, rounded half up to the minor unit."""
    shares, p = dec(new_shares, "new_shares"), dec(price, "price")
    if shares < 0 or p < 0:
        raise CalculationError("new_shares and price must be zero or positive")
    return round_half_up(shares * p, MINOR_UNIT_DECIMALS)


@in_context
def to_quote(amount: Number, rate: Number) -> Decimal:
    """Convert an amount into the quote currency; ``rate`` is issuer currency per quote unit."""
    r = dec(rate, "fx rate")
    if r <= 0:
        raise CalculationError(f"fx rate must be positive, got {rate}")
    return dec(amount, "amount") / r


@in_context
def structured_gross(
    new_shares: Number,
    price: Number,
    ads_ratio: Number | None = None,
    prefunded: Number = 0,
    prefunded_price: Number = 0,
) -> Decimal:
    """Gross proceeds of shares (or ADSs) and pre-funded warrants, rounded half up to the minor unit.

    Shares and warrant shares are counted in ordinary shares; with ``ads_ratio`` (ordinary
    shares per ADS) the prices are per ADS, so each is divided by the ratio.
    """
    shares, p = dec(new_shares, "new_shares"), dec(price, "price")
    warrants, warrant_price = dec(prefunded, "prefunded_warrants"), dec(prefunded_price, "prefunded_price")
    if shares < 0 or p < 0:
        raise CalculationError("new_shares and price must be zero or positive")
    if warrants < 0 or warrant_price < 0:
        raise CalculationError("prefunded_warrants and prefunded_price must be zero or positive")
    ratio = Decimal(1) if ads_ratio is None else dec(ads_ratio, "ads_ratio")
    if ratio <= 0:
        raise CalculationError(f"ads_ratio must be positive, got {ads_ratio}")
    amount = (shares * p + warrants * warrant_price) / ratio
    return round_half_up(amount, MINOR_UNIT_DECIMALS)


@in_context
def costs(gross: Decimal, commission_rate: Number, other_costs: Number) -> tuple[Decimal, Decimal]:
    """The commission (a rate of gross) and the other costs, each rounded half up to the minor unit."""
    commission = round_half_up(gross * dec(commission_rate, "commission_rate"), MINOR_UNIT_DECIMALS)
    return commission, round_half_up(dec(other_costs, "other_costs"), MINOR_UNIT_DECIMALS)


@in_context
def proceeds(
    new_shares: Number,
    price: Number,
    commission_rate: Number = 0,
    other_costs: Number = 0,
    fx_rate: Number | None = None,
    *,
    ads_ratio: Number | None = None,
    prefunded: Number = 0,
    prefunded_price: Number = 0,
) -> Proceeds:
    """Gross, costs, net and net price per share of a placing.

    Args:
        new_shares: shares placed.
        price: placing price per share.
        commission_rate: placing commission as a fraction of gross (0.025 for 2.5%).
        other_costs: all other costs (levies, fees) as an amount.
        fx_rate: issuer currency per unit of the quote currency (7.8203 HKD per USD).
        ads_ratio: ordinary shares per ADS when the prices are per ADS (counts stay in shares).
        prefunded: shares issuable on pre-funded warrants sold beside the shares.
        prefunded_price: price paid now per pre-funded warrant share.

    Returns:
        The Proceeds; amounts (the quote-currency ones too) rounded half up to the minor unit,
        net price per share (per ordinary share, warrant shares included) unrounded.

    Raises:
        CalculationError: a negative input, no shares, or costs above gross proceeds
            (``CostsExceedGrossError``, which carries the three amounts).
    """
    shares = dec(new_shares, "new_shares")
    if shares <= 0:
        raise CalculationError(f"new_shares must be positive, got {new_shares}")
    rate, other = dec(commission_rate, "commission_rate"), dec(other_costs, "other_costs")
    if not 0 <= rate < 1:
        raise CalculationError(f"commission_rate must be a fraction from 0 to below 1, got {commission_rate}")
    if other < 0:
        raise CalculationError(f"other_costs must be zero or positive, got {other_costs}")
    gross = structured_gross(shares, price, ads_ratio, prefunded, prefunded_price)
    commission, other = costs(gross, rate, other)
    net = gross - commission - other
    if net < 0:
        raise CostsExceedGrossError(gross, commission, other)
    per_share = net / (shares + dec(prefunded, "prefunded_warrants"))
    if fx_rate is None:
        return Proceeds(gross, commission, other, net, per_share)
    return Proceeds(
        gross,
        commission,
        other,
        net,
        per_share,
        dec(fx_rate),
        round_half_up(to_quote(gross, fx_rate), MINOR_UNIT_DECIMALS),
        round_half_up(to_quote(net, fx_rate), MINOR_UNIT_DECIMALS),
    )


@in_context
def allocate_proceeds(
    amount: Number, shares: Sequence[Number], decimals: int = ALLOCATION_DECIMALS
) -> list[Decimal]:
    """Allocate proceeds to uses by their shares, adding up exactly at ``decimals``.

    Raises:
        CalculationError: shares that do not add up to 100% (the message states their sum).
    """
    problem = shares_total_problem(sum((dec(s, "shares") for s in shares), Decimal(0)))
    if problem is not None:
        raise CalculationError(problem)
    return allocate(amount, shares, decimals)

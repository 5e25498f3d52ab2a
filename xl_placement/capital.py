"""Share capital: dilution, Rule 7.27B, mandate headroom and the shareholding table.

New shares against the existing and the enlarged share capital, general-mandate headroom and the shareholding before and after the deal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xl_placement.errors import CalculationError
from xl_placement.money import Number, dec, in_context

BASES = ("enlarged", "existing")


@in_context
def dilution(new_shares: Number, existing_shares: Number, basis: str = "enlarged") -> Decimal:
    """New shares as a fraction of the existing or of the enlarged share capital.

    Args:
        new_shares: shares issued by the deal (zero or more).
        existing_shares: shares in issue before the deal, treasury shares excluded.
        basis: "enlarged" (new / (existing + new)) or "existing" (new / existing).

    Raises:
        CalculationError: a negative count, no existing shares, or an unknown basis.
    """
    new, existing = dec(new_shares, "new_shares"), dec(existing_shares, "existing_shares")
    if new < 0:
        raise CalculationError(f"new_shares must be zero or positive, got {new_shares}")
    if existing <= 0:
        raise CalculationError(f"existing_shares must be positive, got {existing_shares}")
    if basis == "enlarged":
        return new / (existing + new)
    if basis == "existing":
        return new / existing
    raise CalculationError(f'basis must be "enlarged" or "existing", got {basis!r}')


@in_context
def theoretical_diluted_price(
    benchmarked_price: Number, existing_shares: Number, new_shares: Number, price: Number
) -> Decimal:
    """Rule 7.27B theoretical diluted price.

    (benchmarked price x existing shares + funds raised) / (existing + new shares),
    where funds raised = new shares x price.
    """
    bench = dec(benchmarked_price, "benchmarked_price")
    existing, new = dec(existing_shares, "existing_shares"), dec(new_shares, "new_shares")
    p = dec(price, "price")
    if bench <= 0:
        raise CalculationError(f"benchmarked_price must be positive, got {benchmarked_price}")
    if existing <= 0:
        raise CalculationError(f"existing_shares must be positive, got {existing_shares}")
    if new < 0 or p < 0:
        raise CalculationError("new_shares and price must be zero or positive")
    return (bench * existing + new * p) / (existing + new)


@in_context
def theoretical_dilution_effect(
    benchmarked_price: Number, existing_shares: Number, new_shares: Number, price: Number
) -> Decimal:
    """Rule 7.27B theoretical dilution effect.

    The discount of the theoretical diluted price to the benchmarked price (the Exchange's FAQ example gives 8.33%).
    """
    diluted = theoretical_diluted_price(benchmarked_price, existing_shares, new_shares, price)
    return 1 - diluted / dec(benchmarked_price)


def mandate_headroom(mandate_limit: int, mandate_used: int, new_shares: int) -> int:
    """Shares the general mandate still allows after this deal (negative means exceeded).

    Whole numbers only, so no decimal context is needed.
    """
    return mandate_limit - mandate_used - new_shares


@dataclass(frozen=True)
class Holding:
    """One line of the shareholding table: shares and percentage before and after."""

    name: str
    shares_before: int
    percent_before: Decimal
    shares_after: int
    percent_after: Decimal
    # A top-up with its vendor named: after the vendor's placing of existing shares, before its subscription.
    shares_between: int | None = None
    percent_between: Decimal | None = None


PLACEES = "Placees"
PUBLIC = "Other public shareholders"


@in_context
def shareholding(
    holders: Sequence[tuple[str, int]], existing_shares: int, new_shares: int, vendor: str | None = None
) -> list[Holding]:
    """The shareholding table before and after the deal.

    Listed holders keep their shares; the placees hold the new shares; the rest of the
    existing shares are the other public shareholders. The last line is the total.

    With ``vendor`` (a top-up: the name of a listed holder), each line also has the stage
    between: the vendor has placed ``new_shares`` of its existing shares with the placees
    and not yet subscribed for new ones, so the shares in issue have not changed. After
    the subscription the vendor holds what it held before, and the placees the new number.

    Raises:
        CalculationError: listed holders hold more than the shares in issue, or the vendor
            is not listed or holds fewer shares than it places.
    """
    listed = sum(shares for _, shares in holders)
    if listed > existing_shares:
        raise CalculationError(
            f"shareholders hold {listed:,} shares, more than the {existing_shares:,} in issue"
        )
    enlarged = existing_shares + new_shares
    rows = [
        (name, shares, shares, shares - new_shares if name == vendor else shares) for name, shares in holders
    ]
    rows.append((PLACEES, 0, new_shares, new_shares))
    rows.append((PUBLIC, existing_shares - listed, existing_shares - listed, existing_shares - listed))
    rows.append(("Total", existing_shares, enlarged, existing_shares))
    if vendor is not None:
        held = dict(holders)
        if vendor not in held:
            raise CalculationError(f"the vendor {vendor!r} is not one of the listed shareholders")
        if held[vendor] < new_shares:
            raise CalculationError(
                f"the vendor {vendor!r} holds {held[vendor]:,} shares, fewer than the {new_shares:,} it places"
            )
    return [
        Holding(
            name,
            before,
            Decimal(before) / existing_shares,
            after,
            Decimal(after) / enlarged,
            between if vendor is not None else None,
            Decimal(between) / existing_shares if vendor is not None else None,
        )
        for name, before, after, between in rows
    ]

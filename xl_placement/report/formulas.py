"""The report's native formulas, one builder per figure, each mirroring a core function.

Each builder returns formula text without the leading ``=``, built only from cell
references, defined names and functions every spreadsheet has (ROUND, ROUNDUP, INT, SUM,
SUMPRODUCT, MAX, MIN, ROW, IF, AND), so a user could have typed it. The comment on each
names the Python function it mirrors; the LibreOffice tests check they agree.
"""

from __future__ import annotations


def discount(price: str, reference: str) -> str:
    """``prices.discount``: 1 - price / reference (negative: a premium)."""
    return f"1-{price}/{reference}"


def higher(first: str, second: str) -> str:
    """``prices.benchmarked_price`` from given figures: the higher of the two."""
    return f"MAX({first},{second})"


def gross(new_shares: str, price: str) -> str:
    """``proceeds.gross_proceeds``: shares x price, rounded to the minor unit."""
    return f"ROUND({new_shares}*{price},2)"


def structured_gross(
    new_shares: str, price: str, ads_ratio: str, prefunded: str, prefunded_price: str
) -> str:
    """``proceeds.structured_gross``: (shares x price + pre-funded x their price) / ADS ratio, to the minor unit."""
    return f"ROUND(({new_shares}*{price}+{prefunded}*{prefunded_price})/{ads_ratio},2)"


def commission(gross_amount: str, rate: str) -> str:
    """``proceeds.proceeds``: commission rounded to the minor unit."""
    return f"ROUND({gross_amount}*{rate},2)"


def add(first: str, second: str) -> str:
    """A sum of two cells (total costs)."""
    return f"{first}+{second}"


def subtract(first: str, second: str) -> str:
    """A difference of two cells (net proceeds, the allocation check)."""
    return f"{first}-{second}"


def per_share(amount: str, shares: str) -> str:
    """Net price per share: net / shares."""
    return f"{amount}/{shares}"


def to_quote(amount: str, rate: str) -> str:
    """``proceeds.to_quote``: amount / rate (rate is issuer currency per quote unit)."""
    return f"{amount}/{rate}"


def enlarged(existing: str, new_shares: str) -> str:
    """Shares after the deal: existing + new."""
    return f"{existing}+{new_shares}"


def dilution_existing(new_shares: str, existing: str) -> str:
    """``capital.dilution(..., "existing")``: new / existing."""
    return f"{new_shares}/{existing}"


def dilution_enlarged(new_shares: str, existing: str) -> str:
    """``capital.dilution(..., "enlarged")``: new / (existing + new)."""
    return f"{new_shares}/({existing}+{new_shares})"


def theoretical_price(bench: str, existing: str, new_shares: str, price: str) -> str:
    """``capital.theoretical_diluted_price``: (bench x existing + new x price) / (existing + new)."""
    return f"({bench}*{existing}+{new_shares}*{price})/({existing}+{new_shares})"


def headroom(limit: str, used: str, new_shares: str) -> str:
    """``capital.mandate_headroom``: limit - used - new."""
    return f"{limit}-{used}-{new_shares}"


def share_of(part: str, whole: str) -> str:
    """A holding as a fraction of the total."""
    return f"{part}/{whole}"


def total(first: str, last: str) -> str:
    """The sum of a column range."""
    return f"SUM({first}:{last})"


def copy_of(ref: str) -> str:
    """The value of another cell."""
    return ref


# Use of proceeds: ``money.allocate`` (largest remainder) in five visible steps.


def units(base: str, decimals: str) -> str:
    """``money.to_minor_units``: the amount in units of 10^-decimals, rounded half up."""
    return f"ROUND({base}*10^{decimals},0)"


def quota(units_ref: str, share: str, shares_range: str) -> str:
    """Each use's exact quota of the units; the shares' sum is rounded to drop binary noise."""
    return f"{units_ref}*{share}/ROUND(SUM({shares_range}),9)"


def floor(quota_ref: str) -> str:
    """The quota rounded down (quotas are never negative)."""
    return f"INT({quota_ref})"


def left(units_ref: str, floors_range: str) -> str:
    """Units left to hand out after every use got its floor."""
    return f"{units_ref}-SUM({floors_range})"


def rank(remainder: str, remainders: str) -> str:
    """Rank of a remainder, largest first, ties to the earlier use."""
    return f"1+SUMPRODUCT(({remainders}>{remainder})+({remainders}={remainder})*(ROW({remainders})<ROW({remainder})))"


def extra_unit(rank_ref: str, left_ref: str) -> str:
    """One more unit for the ``left`` largest remainders."""
    return f"IF({rank_ref}<={left_ref},1,0)"


def amount(floor_ref: str, extra_ref: str, decimals: str) -> str:
    """The allocated amount: (floor + extra) units of 10^-decimals."""
    return f"({floor_ref}+{extra_ref})/10^{decimals}"


# Market context, timetable and the pricing grid.


def product(first: str, second: str) -> str:
    """``context.market_cap``: last close x shares in issue."""
    return f"{first}*{second}"


def ratio(part: str, whole: str) -> str:
    """``context.ratio``: part / whole (gross proceeds of market cap, new shares in days of volume)."""
    return f"{part}/{whole}"


def days_after(start: str, days: str) -> str:
    """``context.lock_up_end``: a date plus a number of calendar days."""
    return f"{start}+{days}"


def rounded_total(first: str, last: str) -> str:
    """Itemised costs added up and rounded to the minor unit, as ``proceeds.proceeds`` rounds other costs."""
    return f"ROUND(SUM({first}:{last}),2)"


def net_at(gross_amount: str, rate: str, other: str) -> str:
    """``grid.net_at``: gross less commission (rounded to the minor unit) and other costs."""
    return f"{gross_amount}-ROUND({gross_amount}*{rate},2)-{other}"


def shares_for(amount: str, price: str) -> str:
    """``grid.shares_needed``: amount / price taken to 3 decimals, rounded up to whole shares."""
    return f"ROUNDUP(ROUND({amount}/{price},3),0)"


def price_rule(price: str, reference: str, limit: str, *, inclusive: bool, large: str = "") -> str:
    """``grid.outcome``: "breach" when ROUND(price / reference, 12) is below (or at) the limit.

    ``large`` is a condition that must also hold for a breach (Nasdaq: 20% or more of the shares).
    """
    below = f"ROUND({price}/{reference},12){'<=' if inclusive else '<'}{limit}"
    test = f"AND({below},{large})" if large else below
    return f'IF({test},"breach","pass")'


def lower(first: str, second: str) -> str:
    """The Nasdaq Minimum Price: the lower of the last close and the 5-day average close."""
    return f"MIN({first},{second})"

"""The native spreadsheet formulas, one builder per figure, each mirroring a core function.

The report and placement.xlsm (``workbook``) both write them, so they sit below both.

Each builder returns formula text without the leading ``=``, built only from cell
references, defined names and functions every spreadsheet has (ROUND, ROUNDUP, INT, MOD,
SUM, SUMPRODUCT, MAX, MIN, ROW, IF, AND; CHAR and FIXED for a chart label; and for
precedents COUNT, QUARTILE, MEDIAN, AVERAGE, ISNUMBER), so a user could have typed it. The comment on each
names the Python function it mirrors; the LibreOffice tests check they agree.
"""

from __future__ import annotations

from decimal import Decimal


def discount(price: str, reference: str) -> str:
    """``prices.discount``: 1 - price / reference (negative: a premium)."""
    return f"1-{price}/{reference}"


def higher(first: str, second: str) -> str:
    """``prices.benchmarked_price`` from given figures: the higher of the two."""
    return f"MAX({first},{second})"


def gross(new_shares: str, price: str) -> str:
    """``proceeds.gross_proceeds``: shares x price, rounded half up to the cent, exactly.

    A plain ``ROUND(shares*price,2)`` is wrong by a cent when the product has more
    significant digits than a double holds (HKD 4,370,051,011,754.295 rounds down in
    doubles). So the price is counted in millionths (a whole number) and the shares split
    into millions and the rest: every step is a whole number below 2^53 and the sum is
    in cents, divided by 100 once. Exact for gross proceeds below 10^13 and prices with
    up to six decimals.
    """
    units = f"ROUND({price}*10^6,0)"
    millions = f"({new_shares}-MOD({new_shares},10^6))/10^6"
    cents = f"{millions}*{units}*100+ROUND(MOD({new_shares},10^6)*{units}/10^4,0)"
    return f"({cents})/100"


def structured_gross(
    new_shares: str, price: str, ads_ratio: str, prefunded: str, prefunded_price: str
) -> str:
    """``proceeds.structured_gross``: (shares x price + pre-funded x their price) / ADS ratio, to the minor unit."""
    return f"ROUND(({new_shares}*{price}+{prefunded}*{prefunded_price})/{ads_ratio},2)"


def commission(gross_amount: str, rate: str) -> str:
    """``proceeds.proceeds``: gross x rate rounded half up to the cent, exactly.

    The same split as :func:`gross`: the amount in cents (split into millions and the
    rest) times the rate in millionths. Exact for gross proceeds below 10^13 and rates
    with up to six decimals.
    """
    cents = f"ROUND({gross_amount}*100,0)"
    units = f"ROUND({rate}*10^6,0)"
    millions = f"({cents}-MOD({cents},10^6))/10^6"
    return f"({millions}*{units}+ROUND(MOD({cents},10^6)*{units}/10^6,0))/100"


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


# Use of proceeds: ``money.largest_remainder`` in visible steps, every one a whole number
# below 10^14, so a spreadsheet's doubles compute each exactly (the shares of the uses are
# counted in units of 10^-7, and the units to split are split as a multiple of the shares'
# total plus a rest, so no product exceeds 10^14; MOD's quotients stay below 2^27).


def units(base: str, decimals: str) -> str:
    """``money.to_minor_units``: the amount in whole units of 10^-decimals, rounded half up."""
    return f"ROUND(ROUND({base},{decimals})*10^{decimals},0)"


def from_units(units_ref: str, decimals: str) -> str:
    """Whole units of 10^-decimals as an amount (one exact operation: x 10^-d is a whole number when d < 0)."""
    return f"IF({decimals}<0,{units_ref}*10^(-{decimals}),{units_ref}/10^{decimals})"


def share_units(share: str, share_decimals: str) -> str:
    """A share of a use in whole units of 10^-k (``proceeds.SHARE_DECIMALS``)."""
    return f"ROUND({share}*10^{share_decimals},0)"


def floor_units(units_ref: str, share: str, total: str) -> str:
    """``floor(units x share / total)`` exactly: units = a x total + b, so it is a x share + floor(b x share / total)."""
    rest = f"MOD({units_ref},{total})"
    return f"({units_ref}-{rest})/{total}*{share}+({rest}*{share}-MOD({rest}*{share},{total}))/{total}"


def remainder_units(units_ref: str, share: str, total: str) -> str:
    """``(units x share) mod total``, exactly: ``((units mod total) x share) mod total``."""
    return f"MOD(MOD({units_ref},{total})*{share},{total})"


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
    return from_units(f"({floor_ref}+{extra_ref})", decimals)


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


def net_at(gross_amount: str, rate: str, other: str) -> str:
    """``grid.net_at``: gross less commission (rounded half up to the cent, exactly) and other costs.

    The commission is :func:`commission`, not ``ROUND(gross*rate,2)``: when gross x rate is
    exactly half a cent (HKD 1,904,591,188,500 x 3.843% = 73,193,439,374.055) the double
    product lies a little below or above the half, and a spreadsheet's ROUND then gives either
    cent, so net came out a cent away from the exact figure the cell caches.
    """
    return f"{gross_amount}-{commission(gross_amount, rate)}-{other}"


def shares_for(amount: str, price: str) -> str:
    """``grid.shares_needed``: the fewest whole shares whose gross proceeds reach the amount.

    n = the quotient rounded to whole shares; one more when n shares raise less than the
    amount, their proceeds rounded to the cent by :func:`gross` (exact). So the deal's own
    shares at its own price are exactly enough, where a ROUNDUP(amount / price) in doubles
    could be a share off.
    """
    n = f"ROUND({amount}/{price},0)"
    return f"{n}+IF({gross(n, price)}<{amount},1,0)"


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


def rounded_total(first: str, last: str, decimals: str) -> str:
    """The total of amounts that are whole units: their sum, rounded to the unit (drops binary noise)."""
    return f"ROUND(SUM({first}:{last}),{decimals})"


def units_check(floors_range: str, extras_range: str, units_ref: str) -> str:
    """Units allocated less units to split: zero when the amounts add up exactly."""
    return f"SUM({floors_range})+SUM({extras_range})-{units_ref}"


# placement.xlsm's Inputs sheet: the same figures from the sheet's named input cells.


def net(gross_formula: str, rate: str, other: str) -> str:
    """``proceeds.proceeds``: gross less the rounded commission and the rounded other costs (blank = 0)."""
    return f"{gross_formula}-{commission(gross_formula, f'N({rate})')}-ROUND(N({other}),2)"


def allocation_base(basis: str, new_shares: str, price: str, rate: str, other: str) -> str:
    """``Figures.allocation_base``: gross or net proceeds, as the basis says; gross when a cost is blank.

    A blank cost is not given (never zero): net is then unknown, and the uses split gross, as
    ``Figures.allocation_basis`` says ("gross (net not given)").
    """
    gross_formula = gross(new_shares, price)
    use_gross = f'OR({basis}="gross",ISBLANK({rate}),ISBLANK({other}))'
    return f"IF({use_gross},{gross_formula},{net(gross_formula, rate, other)})"


# What a spreadsheet computes for the ratios, in doubles. A ratio such as 1 - price/reference
# loses digits to cancellation, so its double differs from the exact decimal in the 15th
# digit; the formula's cached value is this double, so it is exactly what Excel and
# LibreOffice recalculate (the exact figure is what the checks and the command line use;
# the two agree to about 14 significant digits, see tests/test_formulas.py).


def written_double(value: Decimal | float) -> float:
    """The double a spreadsheet reads from a number cell the report writes.

    openpyxl writes a float with 16 significant digits ("%.16g"), so an average such as
    12.679333... comes back as 12.67933333333333, not the nearest double to the exact value;
    a ratio built on such a cell caches what the spreadsheet computes from it.
    """
    return float(f"{float(value):.16g}")


def discount_double(price: float, reference: float) -> float:
    """:func:`discount` in doubles."""
    return 1 - price / reference


def ratio_double(numerator: float, denominator: float) -> float:
    """:func:`per_share`, :func:`to_quote`, :func:`dilution_existing` and :func:`share_of` in doubles."""
    return numerator / denominator


def dilution_enlarged_double(new_shares: float, existing: float) -> float:
    """:func:`dilution_enlarged` in doubles."""
    return new_shares / (existing + new_shares)


def theoretical_price_double(bench: float, existing: float, new_shares: float, price: float) -> float:
    """:func:`theoretical_price` in doubles."""
    return (bench * existing + new_shares * price) / (existing + new_shares)


# Precedents: ``precedents`` (statistics over a column of the Precedents sheet).


def enlarged_from_existing(existing: str) -> str:
    """``precedents.enlarged_from_existing``: e / (1 + e)."""
    return f"{existing}/(1+{existing})"


def existing_from_enlarged(enlarged: str) -> str:
    """``precedents.existing_from_enlarged``: n / (1 - n)."""
    return f"{enlarged}/(1-{enlarged})"


# Excel 2010 and LibreOffice both have these; QUARTILE is QUARTILE.INC (``precedents.quartile``).
_STATISTICS = {
    "minimum": "MIN({0})",
    "lower_quartile": "QUARTILE({0},1)",
    "median": "MEDIAN({0})",
    "mean": "AVERAGE({0})",
    "upper_quartile": "QUARTILE({0},3)",
    "maximum": "MAX({0})",
}


def statistic(name: str, cells: str) -> str:
    """``precedents.summarise``: one statistic of the numbers in ``cells``; "n/a" when there are none.

    MIN and MAX of no numbers give 0 in a spreadsheet, so every statistic but the count
    says "n/a" instead.
    """
    if name == "count":
        return f"COUNT({cells})"
    return f'IF(COUNT({cells})=0,"n/a",{_STATISTICS[name].format(cells)})'


def percentile_rank(cells: str, value: str) -> str:
    """``precedents.percentile_rank``: the share of the numbers below ``value``, ties counted half."""
    return (
        f'IF(COUNT({cells})=0,"n/a",'
        f"SUMPRODUCT(ISNUMBER({cells})*(({cells}<{value})+({cells}={value})/2))/COUNT({cells}))"
    )


def bar_label(name: str, amount: str) -> str:
    """A thin waterfall bar's label: its name, a line break, its amount in millions to 0.1 ("none" for zero).

    ``name`` is a cell reference or a fixed quoted word, never user text. FIXED, unlike TEXT,
    takes no format string, so it gives the same digits in every language of Excel.
    """
    return f'{name}&CHAR(10)&IF({amount}=0,"none",FIXED({amount}/1000000,1))'

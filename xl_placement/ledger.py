"""The twelve-month ledger: what earlier issues (``[[placing.prior_issues]]``) used of a mandate or capacity.

Each figure is computed from the dated issues the deal file lists, by the rule's own count:

- HKEX (Main Board 13.36(2)(b), GEM 17.41(2)) and SGX (Rule 806): shares issued under the
  general mandate since the general meeting that granted it (``placing.mandate_date``).
- ASX Listing Rules 7.1 and 7.1A, over the 12 months before the deal: capacity = A x 15%
  less C (7.1), and A x 10% less E (7.1A), where A is the fully paid ordinary securities on
  issue at the start of the 12 months (``placing.shares_at_period_start``) plus those issued
  in them with holders' approval ("specific"), C the 7.1 issues and E the 7.1A issues in the
  12 months (the Appendix 3B capacity schedule's A, B = 15%, C; D = 10%, E).

A figure the ledger cannot decide is None with the reason (``Usage.why``), never zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from xl_placement.deal import GENERAL_MANDATE, Deal, PriorIssue

ASX_7_1 = Decimal("0.15")  # LR 7.1: 15% of A
ASX_7_1A = Decimal("0.10")  # LR 7.1A: a further 10% of A (the D of its formula)


def share_of(rate: Decimal, shares: int) -> int:
    """``rate`` of ``shares`` in whole shares, rounded down (a limit is never rounded up past its rule)."""
    return int((rate * shares).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class Usage:
    """A count from the ledger: ``value`` (None when it cannot be made), the issues counted, and why not."""

    value: int | None
    counted: tuple[PriorIssue, ...] = ()
    why: str = ""


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the last day of a shorter month)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)  # pragma: no cover - day 28 exists in every month


def within(issues: tuple[PriorIssue, ...], start: dt.date, day: dt.date | None) -> tuple[PriorIssue, ...]:
    """The issues dated from ``start`` (included) up to ``day`` (included; every one when None)."""
    return tuple(i for i in issues if i.date >= start and (day is None or i.date <= day))


def total(issues: tuple[PriorIssue, ...], *authorities: str) -> int:
    """The shares of the issues made under any of ``authorities``."""
    return sum(i.shares for i in issues if i.authority in authorities)


def general_mandate_used(deal: Deal) -> Usage:
    """Shares issued under the current general mandate: its ledger rows since ``placing.mandate_date``."""
    p = deal.placing
    rows = tuple(i for i in p.prior_issues if i.authority == GENERAL_MANDATE)
    if not rows:
        return Usage(None, why="no general-mandate issues in [[placing.prior_issues]]")
    if p.mandate_date is None:
        return Usage(
            None,
            why="needs placing.mandate_date (the general meeting that granted the mandate) to count "
            "the general-mandate issues of [[placing.prior_issues]] made under it",
        )
    counted = within(rows, p.mandate_date, p.day)
    return Usage(sum(i.shares for i in counted), counted)


@dataclass(frozen=True)
class AsxCapacity:
    """ASX 7.1 and 7.1A capacity before the deal, from the ledger: A, C, E and what remains of each."""

    a: int
    c: int
    e: int
    start: dt.date

    @property
    def remaining_7_1(self) -> int:
        """A x 15% (whole shares, rounded down) less C."""
        return share_of(ASX_7_1, self.a) - self.c

    @property
    def remaining_7_1a(self) -> int:
        """A x 10% (whole shares, rounded down) less E."""
        return share_of(ASX_7_1A, self.a) - self.e


def asx_capacity(deal: Deal) -> AsxCapacity | str:
    """ASX 7.1 and 7.1A capacity over the 12 months before the deal, or why it cannot be computed."""
    p = deal.placing
    if p.shares_at_period_start is None:
        return (
            "needs placing.shares_at_period_start (the fully paid ordinary shares on issue 12 months "
            "before the deal: the first term of A)"
        )
    if p.day is None:
        return "needs placing.agreement_date (or another deal date) to date the 12 months of [[placing.prior_issues]]"
    start = months_before(p.day, 12)
    period = within(p.prior_issues, start, p.day)
    return AsxCapacity(
        a=p.shares_at_period_start + total(period, "specific"),
        c=total(period, "7.1"),
        e=total(period, "7.1A"),
        start=start,
    )

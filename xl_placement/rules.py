"""Listing-rule checks of a placing, selected by the issuer's exchange."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xl_placement.figures import Figures

PASS = "pass"  # noqa: S105 - a check status, not a password
BREACH = "breach"
NOT_APPLICABLE = "not applicable"
NOT_ENOUGH_DATA = "not enough data"
INFORMATION = "information"
STATUSES = (PASS, BREACH, NOT_APPLICABLE, NOT_ENOUGH_DATA, INFORMATION)


@dataclass(frozen=True)
class RuleCheck:
    """One listing-rule check: the rule, the deal's figure, the limit and the outcome.

    ``status`` is one of ``STATUSES``; ``detail`` explains the outcome (which closes were
    used, or which input is missing); ``value`` is the figure as a number, when there is one.
    """

    rule: str
    title: str
    figure: str
    limit: str
    status: str
    detail: str
    value: Decimal | None


def rule_checks(figures: Figures) -> tuple[RuleCheck, ...]:
    """The listing-rule checks of the deal's exchange (work in progress)."""
    exchange = figures.deal.issuer.exchange
    return (
        RuleCheck(
            "-",
            "Listing rules",
            "-",
            "-",
            NOT_APPLICABLE,
            f"No listing rules are checked for exchange {exchange!r} yet.",
            None,
        ),
    )

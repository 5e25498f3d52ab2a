"""Checks of a deal: listing rules, stated-versus-computed figures and announcement wording.

``check_deal`` runs all three over computed ``Figures``; the report's Checks sheet, the
command line and the Excel functions all show its result.
"""

from __future__ import annotations

from dataclasses import dataclass

from xl_placement.figures import Figures
from xl_placement.money import in_context
from xl_placement.rules import STATUSES, RuleCheck, rule_checks
from xl_placement.stated import StatedCheck, stated_checks
from xl_placement.wording import announcement_sentences

__all__ = ["STATUSES", "CheckReport", "RuleCheck", "StatedCheck", "check_deal"]


@dataclass(frozen=True)
class CheckReport:
    """Everything the checks found about one deal."""

    rules: tuple[RuleCheck, ...]
    stated: tuple[StatedCheck, ...]
    sentences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when no rule is breached and every stated figure matches the computed one."""
        return not self.breaches and not self.mismatches

    @property
    def breaches(self) -> tuple[RuleCheck, ...]:
        """The rule checks with status "breach"."""
        return tuple(r for r in self.rules if r.status == "breach")

    @property
    def mismatches(self) -> tuple[StatedCheck, ...]:
        """The stated figures that do not match the computed ones at the published precision."""
        return tuple(s for s in self.stated if not s.matches)

    @property
    def problems(self) -> str:
        """What failed, counted: "1 rule breach and 2 stated figures not matching" ("" when passed)."""
        parts = []
        if self.breaches:
            count = len(self.breaches)
            parts.append(f"{count} rule breach{'es' if count != 1 else ''}")
        if self.mismatches:
            count = len(self.mismatches)
            parts.append(f"{count} stated figure{'s' if count != 1 else ''} not matching")
        return " and ".join(parts)


@in_context
def check_deal(figures: Figures) -> CheckReport:
    """Check a deal's figures against its exchange's rules and its stated figures.

    Args:
        figures: the computed figures of a deal (``figures.compute(deal)``).

    Returns:
        The rule checks, the stated-versus-computed comparisons and the announcement sentences.
    """
    return CheckReport(
        rules=rule_checks(figures),
        stated=stated_checks(figures),
        sentences=announcement_sentences(figures),
    )

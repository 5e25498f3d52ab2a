"""Checks of a deal: listing rules, stated-versus-computed figures and announcement wording.

``check_deal`` runs all three over computed ``Figures``; the report's Checks sheet, the
command line, the batch summary and the Excel functions all show its result. The result
is one of three outcomes, named alike everywhere:

- ``passed``: every applicable rule was evaluated and passed, and every stated figure matches;
- ``failed``: a rule is breached or a stated figure differs;
- ``incomplete``: nothing failed, but a rule could not be evaluated (or a stated figure
  could not be computed) for want of data; each such check names the field that decides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xl_placement.figures import Figures
from xl_placement.formats import listed
from xl_placement.money import in_context
from xl_placement.rules import BREACH, NOT_ENOUGH_DATA, PASS, STATUSES, RuleCheck, rule_checks
from xl_placement.stated import DIFFERS, StatedCheck, stated_checks
from xl_placement.wording import announcement_sentences

__all__ = [
    "FAILED",
    "INCOMPLETE",
    "OUTCOMES",
    "PASSED",
    "STATUSES",
    "CheckReport",
    "RuleCheck",
    "StatedCheck",
    "check_deal",
    "needed_fields",
]

PASSED, FAILED, INCOMPLETE = "passed", "failed", "incomplete"
OUTCOMES = (PASSED, FAILED, INCOMPLETE)

# A deal-file field as the checks' details name it: placing.mandate_limit, [[market.history]], [fx].
_FIELD = re.compile(
    r"\[\[(?:market\.history|proceeds\.uses|shareholders)\]\]|\[fx\]|\[costs\]"
    r"|\b(?:issuer|placing|market|costs|fx|proceeds)\.[a-z][a-z0-9_]*"
)


def needed_fields(detail: str) -> tuple[str, ...]:
    """The deal-file fields a check's detail names, in order, each once ("placing.mandate_limit")."""
    found: list[str] = []
    for match in _FIELD.finditer(detail):
        name = match.group(0)
        if name not in found:
            found.append(name)
    return tuple(found)


@dataclass(frozen=True)
class CheckReport:
    """Everything the checks found about one deal."""

    rules: tuple[RuleCheck, ...]
    stated: tuple[StatedCheck, ...]
    sentences: tuple[str, ...]

    @property
    def outcome(self) -> str:
        """``passed``, ``failed`` or ``incomplete`` (see the module's docstring)."""
        if self.breaches or self.mismatches:
            return FAILED
        if self.unevaluated:
            return INCOMPLETE
        return PASSED

    @property
    def passed(self) -> bool:
        """True only when the outcome is ``passed``: every applicable check was made and none failed."""
        return self.outcome == PASSED

    @property
    def breaches(self) -> tuple[RuleCheck, ...]:
        """The rule checks with status "breach"."""
        return tuple(r for r in self.rules if r.status == BREACH)

    @property
    def mismatches(self) -> tuple[StatedCheck, ...]:
        """The stated figures that differ from the computed ones at the published precision."""
        return tuple(s for s in self.stated if s.status == DIFFERS)

    @property
    def unevaluated(self) -> tuple[RuleCheck | StatedCheck, ...]:
        """The rules that could not be evaluated and the stated figures that could not be computed."""
        rules = tuple(r for r in self.rules if r.status == NOT_ENOUGH_DATA)
        return rules + tuple(s for s in self.stated if s.status == NOT_ENOUGH_DATA)

    @property
    def problems(self) -> str:
        """What failed, counted: "1 rule breach and 2 stated figures that differ" ("" when none)."""
        parts = []
        if self.breaches:
            count = len(self.breaches)
            parts.append(f"{count} rule breach{'es' if count != 1 else ''}")
        if self.mismatches:
            count = len(self.mismatches)
            parts.append(
                f"{count} stated figure{'s' if count != 1 else ''} that differ{'s' if count == 1 else ''}"
            )
        return listed(parts)

    @property
    def gaps(self) -> tuple[str, ...]:
        """Each check that could not be made, with the fields that would decide it.

        "HKEX Rule 13.36(5) (decided by market.average_close_5d, [[market.history]], placing.agreement_date)".
        """
        result = []
        for item in self.unevaluated:
            if isinstance(item, RuleCheck):
                name, detail = item.rule, item.detail
            else:
                name, detail = f"stated.{item.key}", item.computed_text
            names = needed_fields(detail)
            result.append(f"{name} (decided by {', '.join(names)})" if names else f"{name} ({detail})")
        return tuple(result)

    @property
    def verdict(self) -> str:
        """The outcome in one line, starting with its word: "passed: ...", "failed: ...", "incomplete: ..."."""
        if self.outcome == FAILED:
            return f"{FAILED}: {self.problems}"
        if self.outcome == INCOMPLETE:
            count = len(self.unevaluated)
            made = "nothing failed, but " if count else ""
            return (
                f"{INCOMPLETE}: {made}{count} check{'s' if count != 1 else ''} could not be made: "
                + "; ".join(self.gaps)
            )
        ruled = (
            "every applicable rule passed"
            if any(r.status == PASS for r in self.rules)
            else "no listing rule applies"
        )
        return f"{PASSED}: {ruled}" + (", and every stated figure matches" if self.stated else "")


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

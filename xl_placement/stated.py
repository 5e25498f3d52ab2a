"""Figures as the announcement stated them, compared with the computed ones."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xl_placement.figures import Figures


@dataclass(frozen=True)
class StatedCheck:
    """One stated figure against the computed one at the published precision.

    ``computed`` is the unrounded computed figure (0 when the deal cannot compute it, in
    which case ``matches`` is False and ``computed_text`` says what is missing).
    """

    key: str
    label: str
    stated: str
    computed: Decimal
    computed_text: str
    matches: bool


def stated_checks(figures: Figures) -> tuple[StatedCheck, ...]:
    """Compare every stated figure with the computed one (work in progress)."""
    del figures
    return ()

"""The key sentences of a placing announcement, generated from the deal's figures."""

from __future__ import annotations

from xl_placement.figures import Figures


def announcement_sentences(figures: Figures) -> tuple[str, ...]:
    """The key sentences of the announcement (work in progress)."""
    del figures
    return ()

"""The error hierarchy: every failure a user can cause or meet has a class here.

Messages name the field (or file, row, argument), the value and the fix, so the
command line, the Excel functions and the button can show them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


class PlacementError(Exception):
    """Base of every error xl-placement raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it holds and what is expected."""

    path: str
    value: object
    expected: str

    def __str__(self) -> str:
        """Render as ``path = value: expected``."""
        if self.value is _MISSING:
            return f"{self.path}: {self.expected}"
        return f"{self.path} = {_show(self.value)}: {self.expected}"


class _Missing:
    """Marker for a field that is absent (so its value is not shown)."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
MISSING: object = _MISSING


def _show(value: object, limit: int = 60) -> str:
    """Show a value compactly and safely (long text shortened, control characters escaped)."""
    # repr() already escapes control and other unprintable characters ("a\nb" shows as 'a\nb').
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = f"{text[: limit - 15]}...({len(value) if isinstance(value, str) else len(text)} chars)"
    return text


class InputError(PlacementError, ValueError):
    """Bad input: a deal file, a batch row, a workbook or a function argument."""


class FunctionError(PlacementError, ValueError):
    """An Excel function's one-line problem, raised where xlwings Lite shows it as a #VALUE! error's message."""


#: Problems a DealError's message lists; the rest are counted (all stay in ``problems``).
MAX_SHOWN_PROBLEMS = 20


class DealError(InputError):
    """A deal failed validation; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem], source: str = "") -> None:
        """Collect the problems of one deal, with the file or row they came from."""
        self.problems = tuple(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        lines = [f"{prefix}{problem}" for problem in self.problems[:MAX_SHOWN_PROBLEMS]]
        if len(self.problems) > MAX_SHOWN_PROBLEMS:
            lines.append(f"{prefix}... and {len(self.problems) - MAX_SHOWN_PROBLEMS:,} more problems")
        super().__init__("\n".join(lines))


class PriceFileError(DealError):
    """A price-history file cannot be read; the message names the file, the row and the fix."""


class AnnouncementError(InputError):
    """An announcement cannot be read (not text, HTML or PDF; too large; an unreadable PDF)."""


class PrecedentsError(InputError):
    """A precedents file, row or filter is unusable; the message names the file, row and column."""


class CalculationError(InputError):
    """A calculation was asked something it cannot answer (e.g. a zero reference price)."""


class CostsExceedGrossError(CalculationError):
    """The costs (commission plus other costs) are more than the gross proceeds."""

    def __init__(self, gross: Decimal, commission: Decimal, other_costs: Decimal) -> None:
        """Keep the amounts, so each front end can word the problem in its own terms."""
        super().__init__(f"costs of {commission + other_costs} exceed gross proceeds of {gross}")
        self.gross, self.commission, self.other_costs = gross, commission, other_costs


class TemplateError(PlacementError):
    """The report template is missing a name or placeholder the generator needs."""


class OutputError(PlacementError, OSError):
    """An output file could not be written; any previous file is left as it was."""


class OutputExistsError(OutputError):
    """The output file exists and overwriting it was not asked for."""


class OutputLockedError(OutputError):
    """The output file is open in another program (Excel locks files it has open)."""


class UnsafeWorkbookError(InputError):
    """A workbook a user supplied was refused (XML attack, zip bomb, not a workbook)."""


class DependencyMissingError(PlacementError):
    """An optional external program (LibreOffice for PDF export) is not installed."""


class ConversionError(PlacementError):
    """LibreOffice could not convert a file (its own messages are included)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a container stop, a job scheduler): handled like Ctrl-C, so files are finished or removed."""

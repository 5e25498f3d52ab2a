"""Run a block of bulk repetition without coverage's tracing.

Line and branch coverage (pytest-cov, Python 3.11's tracer) more than doubles the time of
code run under it. Paused, for code that adds nothing to the coverage report:

- reading workbooks with openpyxl (no line of the package runs; tests/conftest.py wraps
  ``openpyxl.load_workbook`` when a test calls it);
- the 224 random deals test_cached_values renders after the examples: the same report code
  the examples and the other report tests run under coverage. Every assertion is kept.

Tracing paused inside a call does not resume in the calling frame: pause only in test code,
never around a call the package makes. make test's coverage report was compared line by line
before and after (docs/development.md). Hypothesis tests stay traced: some lines are reached by
their generated examples alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def coverage_paused() -> Iterator[None]:
    """Stop the running coverage measurement for the block, if any, and start it again after."""
    try:
        import coverage  # noqa: PLC0415 - the lxml environment runs without coverage
    except ImportError:  # pragma: no cover
        yield
        return
    current = coverage.Coverage.current()
    if current is None:
        yield
        return
    current.stop()
    try:
        yield
    finally:
        current.start()

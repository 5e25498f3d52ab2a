"""Run a block of bulk repetition without coverage's tracing.

Line and branch coverage (pytest-cov, Python 3.11's tracer) more than doubles the time of
code run under it. A test that runs the same code over hundreds of generated inputs (the
200 random deals test_cached_values recalculates, a hypothesis property) gains nothing
for the coverage report from the repetition: the example tests run that code too. Such a
test keeps every assertion; only the making of its inputs is left out of the report.
Hypothesis tests are marked ``no_cover`` in tests/conftest.py; a fixture that makes bulk
inputs uses :func:`coverage_paused`. docs/development.md says how the report is checked
to be unchanged.
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

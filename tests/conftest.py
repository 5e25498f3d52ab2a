"""Shared fixtures for the test suite."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

import openpyxl
import pytest
from _pytest.nodeid import coerce_node_id
from coverage_pause import coverage_paused
from lo_support import Session

from xl_placement.libreoffice import INSTALL_HINT, find_soffice

#: Every report the tests build is dated as if built on 16 Jun 2025 (its draft mark, "Draft of
#: 16 Jun 2025"), whatever the day: the golden files and byte comparisons hold on any day, and
#: LibreOffice and the command line in a subprocess inherit it. A test of today's date unsets it.
PINNED_BUILD_DAY = "1750032000"
os.environ["SOURCE_DATE_EPOCH"] = PINNED_BUILD_DAY

#: The pytest-xdist group of the tests that read the session's one LibreOffice run: with
#: ``--dist loadgroup`` (make test) one worker owns them, so LibreOffice starts once.
LO_GROUP = "libreoffice-session"


def _soffice_or_skip() -> str:
    """LibreOffice's path; outside CI a missing LibreOffice skips with the reason, in CI it fails."""
    program = find_soffice()
    if program is None:
        message = f"LibreOffice (soffice) is not installed; {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the LibreOffice tests: {message}")
        pytest.skip(message)
    return program


def pytest_configure(config: pytest.Config) -> None:
    """``openpyxl.load_workbook`` called by a test runs without coverage's tracing (tests/coverage_pause.py).

    Only openpyxl's code runs inside it (no line of the package), and traced, loading a report
    takes twice as long; the tests read workbooks with it a few hundred times. Called by the
    package it stays traced: tracing paused inside a call does not resume in the calling
    frame, so the package's lines after the call would be lost from the coverage report.
    A forked child stops tracing at once (:func:`_stop_coverage`).
    """
    del config
    load = openpyxl.load_workbook
    if not getattr(load, "untraced", False):

        @functools.wraps(load)
        def load_untraced(*args: Any, **kwargs: Any) -> Any:
            if sys._getframe(1).f_globals.get("__name__", "").startswith("xl_placement"):
                return load(*args, **kwargs)
            with coverage_paused():
                return load(*args, **kwargs)

        load_untraced.untraced = True  # type: ignore[attr-defined]
        openpyxl.load_workbook = load_untraced
        os.register_at_fork(after_in_child=_stop_coverage)


def _stop_coverage() -> None:
    """In a forked child (a batch's worker processes): stop coverage's tracing.

    A forked child's coverage data is never saved (the report has no line of the batch's
    worker side, ``batch.pool._run_in_worker``), yet traced it builds each report twice as slowly.
    Should the coverage configuration ever measure forked children, remove this hook.
    """
    try:
        import coverage  # noqa: PLC0415 - the lxml environment runs without coverage
    except ImportError:  # pragma: no cover
        return
    current = coverage.Coverage.current()
    if current is not None:
        current.stop()


def pytest_itemcollected(item: pytest.Item) -> None:
    """Group tests that share a costly fixture on one worker.

    Marked as each test is collected, before pytest-xdist reads the groups:

    - tests that read the session's LibreOffice run are marked ``libreoffice`` and grouped
      together, so LibreOffice starts once;
    - tests of a module that builds something once for the module (a fixture of module or
      session scope defined in that module: a printed set of reports, Pyodide, a demo
      report) are grouped by module, so the second worker does not build it again.

    Hypothesis tests stay under coverage: some lines (of ranges, dealfile, excel, the Bursa
    rules) are reached by their generated examples alone.
    """
    grouped = item.config.pluginmanager.hasplugin("xdist")  # not with -p no:xdist
    if "lo_session" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.libreoffice)
        if grouped:
            item.add_marker(pytest.mark.xdist_group(LO_GROUP))
    elif grouped and _builds_once_per_module(item):
        item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def _builds_once_per_module(item: pytest.Item) -> bool:
    """Whether the test uses a module- or session-scoped fixture defined in its own module."""
    module = getattr(getattr(item, "module", None), "__name__", None)
    info = getattr(item, "_fixtureinfo", None)
    if module is None or info is None:
        return False
    return any(
        definition.scope in ("module", "session") and getattr(definition.func, "__module__", None) == module
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a pytest-xdist worker with ``--dist loadgroup``: name each grouped test ``<id>@<group>``.

    That suffix is how the controller schedules a group on one worker. pytest-xdist 3.8 sets
    it through ``item._nodeid``, which pytest 9 no longer reads (the id is ``item._id``), so
    without this every worker would start its own LibreOffice session.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        marker = item.get_closest_marker("xdist_group")
        if marker is not None and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{marker.args[0]}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``libreoffice`` needs soffice: skipped (or failed in CI) without it."""
    if item.get_closest_marker("libreoffice") is not None:
        _soffice_or_skip()


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice program; skips with a reason when missing, but fails in CI (CI is set)."""
    return _soffice_or_skip()


@pytest.fixture(scope="session")
def lo_session(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Session:
    """Every workbook the collected modules registered (lo_support.in_session), recalculated in one LibreOffice run."""
    del soffice  # requested for its skip (or failure in CI) when LibreOffice is missing
    return Session(tmp_path_factory.mktemp("lo-session"))

"""Shared fixtures for the test suite."""

from __future__ import annotations

import os

import pytest

from xl_placement.libreoffice import INSTALL_HINT, find_soffice


def _soffice_or_skip() -> str:
    """LibreOffice's path; outside CI a missing LibreOffice skips with the reason, in CI it fails."""
    program = find_soffice()
    if program is None:
        message = f"LibreOffice (soffice) is not installed; {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the LibreOffice tests: {message}")
        pytest.skip(message)
    return program


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``libreoffice`` needs soffice: skipped (or failed in CI) without it."""
    if item.get_closest_marker("libreoffice") is not None:
        _soffice_or_skip()


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice program; skips with a reason when missing, but fails in CI (CI is set)."""
    return _soffice_or_skip()

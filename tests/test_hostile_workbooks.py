"""Hostile and malformed workbooks (tests/corpus/workbooks.toml) end fast, small and with the right exit.

Each case is a real `xl-placement check` process on placement.xlsm with one small edit:
a bomb is refused (exit 2) or read in bounded memory, a malformed part is exit 2 naming
the part or cell, never exit 70 or a traceback, and every run takes under 5 s of processor
time and 200 MB.
"""

from __future__ import annotations

import functools
import time

import pytest
from bounded import MAX_SECONDS, measure
from hostile_workbooks import SOURCE, Case, cases, make

from xl_placement.api import check_deal, compute, load_deal
from xl_placement.errors import UnsafeWorkbookError


@functools.cache
def untouched_verdict() -> str:
    """The outcome line of placement.xlsm itself, as check prints it last."""
    return check_deal(compute(load_deal(SOURCE))).verdict


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_workbook_ends_fast_small_and_with_its_message(case: Case, tmp_path):
    """`xl-placement check` on the case exits as declared, within 5 s and 200 MB, naming the part or cell."""
    workbook = make(case, tmp_path)
    started = time.monotonic()
    run = measure("check", str(workbook), cwd=tmp_path)
    elapsed = time.monotonic() - started
    stderr = run.stderr
    assert run.status == case.exit, stderr
    assert "Traceback" not in stderr
    assert "Warning" not in stderr
    assert case.message in stderr
    if case.exit == 2:
        assert stderr.startswith(f"error: {workbook}: ")
    else:
        # Read in bounded memory, the bomb changes nothing: the outcome is the untouched workbook's.
        assert run.stdout.splitlines()[-1] == untouched_verdict()
    # Processor time, not wall time: the machine may be shared, and a bomb shows as work done.
    assert run.within_bounds(), run
    assert elapsed < 12 * MAX_SECONDS  # and it ends: no hang, even on a loaded machine


def test_the_api_refuses_a_malformed_workbook_as_bad_input(tmp_path):
    """load_deal raises UnsafeWorkbookError (an InputError) for a malformed part, naming the cell."""
    case = next(c for c in CASES if c.name == "shared_string_minus_1")
    with pytest.raises(UnsafeWorkbookError, match=r"cell Inputs!B9 \(xl/worksheets/sheet1.xml\)"):
        load_deal(make(case, tmp_path))

"""Hostile and malformed workbooks (tests/corpus/workbooks.toml) end fast, small and with the right exit.

Each case is a real `xl-placement check` process on placement.xlsm with one small edit:
a bomb is refused (exit 2) or read in bounded memory, a malformed part is exit 2 naming
the part or cell, never exit 70 or a traceback, and every run takes under 5 s of processor
time and 200 MB.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_workbooks import SOURCE, Case, cases, make

from xl_placement.api import check_deal, compute, load_deal
from xl_placement.errors import UnsafeWorkbookError


@functools.cache
def untouched_verdict() -> str:
    """The outcome line of placement.xlsm itself, as check prints it last."""
    return check_deal(compute(load_deal(SOURCE))).verdict


COMMAND = Path(sys.executable).with_name("xl-placement")
MAX_SECONDS = 5.0
MAX_RSS_KB = 200 * 1024  # ru_maxrss is in kilobytes on Linux

CASES = cases()

# Runs a command and writes its exit status, processor time and peak memory (KB) as JSON.
_MEASURE = """
import json, os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as stream:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_utime, usage.ru_stime, usage.ru_maxrss], stream)
"""


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_workbook_ends_fast_small_and_with_its_message(case: Case, tmp_path):
    """`xl-placement check` on the case exits as declared, within 5 s and 200 MB, naming the part or cell."""
    workbook = make(case, tmp_path)
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    started = time.monotonic()
    usage_file = tmp_path / "usage.json"
    with out_file.open("wb") as out, err_file.open("wb") as err:
        # Through a small wrapper: Linux counts a child's memory from the fork, and a fork of
        # this (large) test process would carry its size into the command's peak.
        subprocess.run(
            [sys.executable, "-c", _MEASURE, str(usage_file), str(COMMAND), "check", str(workbook)],
            stdout=out,
            stderr=err,
            cwd=tmp_path,
            check=False,
        )
    elapsed = time.monotonic() - started
    status, user, system, peak_kb = json.loads(usage_file.read_text(encoding="utf-8"))
    stderr = err_file.read_text(encoding="utf-8")
    assert status == case.exit, stderr
    assert "Traceback" not in stderr
    assert "Warning" not in stderr
    assert case.message in stderr
    if case.exit == 2:
        assert stderr.startswith(f"error: {workbook}: ")
    else:
        # Read in bounded memory, the bomb changes nothing: the outcome is the untouched workbook's.
        assert out_file.read_text(encoding="utf-8").splitlines()[-1] == untouched_verdict()
    # Processor time, not wall time: the machine may be shared, and a bomb shows as work done.
    assert user + system < MAX_SECONDS
    assert elapsed < 12 * MAX_SECONDS  # and it ends: no hang, even on a loaded machine
    assert peak_kb < MAX_RSS_KB


def test_the_api_refuses_a_malformed_workbook_as_bad_input(tmp_path):
    """load_deal raises UnsafeWorkbookError (an InputError) for a malformed part, naming the cell."""
    case = next(c for c in CASES if c.name == "shared_string_minus_1")
    with pytest.raises(UnsafeWorkbookError, match=r"cell Inputs!B9 \(xl/worksheets/sheet1.xml\)"):
        load_deal(make(case, tmp_path))

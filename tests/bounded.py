"""Runs a command as its own process and measures it: exit status, processor time and peak memory.

The hostile-input tests hold every refusal to docs/security.md's promise: within 5 s of
processor time and 200 MB. Processor time, not wall time: the machine may be shared, and a
bomb shows as work done.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

COMMAND = Path(sys.executable).with_name("xl-placement")
MAX_SECONDS = 5.0
MAX_RSS_KB = 200 * 1024  # ru_maxrss is in kilobytes on Linux

# Runs a command and writes its exit status, processor time and peak memory (KB) as JSON.
_MEASURE = """
import json, os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as stream:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_utime, usage.ru_stime, usage.ru_maxrss], stream)
"""


@dataclass(frozen=True)
class Measured:
    """What a command did and what it cost."""

    status: int
    seconds: float  # processor time, user and system
    peak_kb: int
    stdout: str
    stderr: str

    def within_bounds(self) -> bool:
        """Within docs/security.md's promise: 5 s of processor time and 200 MB."""
        return self.seconds < MAX_SECONDS and self.peak_kb < MAX_RSS_KB


def measure(*args: str, cwd: Path) -> Measured:
    """Run ``xl-placement ARGS`` in ``cwd`` and measure it (never more than a minute)."""
    usage_file = cwd / ".usage.json"
    out_file, err_file = cwd / ".out.txt", cwd / ".err.txt"
    with out_file.open("wb") as out, err_file.open("wb") as err:
        # Through a small wrapper: Linux counts a child's memory from the fork, and a fork of
        # this (large) test process would carry its size into the command's peak.
        subprocess.run(
            [sys.executable, "-c", _MEASURE, str(usage_file), str(COMMAND), *args],
            stdout=out,
            stderr=err,
            cwd=cwd,
            check=False,
            timeout=60,
        )
    status, user, system, peak_kb = json.loads(usage_file.read_text(encoding="utf-8"))
    result = Measured(
        status,
        user + system,
        peak_kb,
        out_file.read_text(encoding="utf-8"),
        err_file.read_text(encoding="utf-8"),
    )
    for path in (usage_file, out_file, err_file):
        path.unlink()
    return result

"""Report file names: safe on every system, and never the same twice in one output folder."""

from __future__ import annotations

import re
from pathlib import Path

from xl_placement.batch.summary_table import SUMMARY_NAMES

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_NAME = 80


def safe_name(stem: str, fallback: str) -> str:
    """A file name stem that is safe on every system: letters, digits, ``._-`` only."""
    name = _UNSAFE.sub("_", stem).strip("._-")[:MAX_NAME].strip("._-")
    if not name:
        name = fallback
    if name.split(".")[0].lower() in _RESERVED:
        name = f"_{name}"
    return name


class ReportNames:
    """Hands out report names, never the same twice (case-insensitively) nor a summary's."""

    def __init__(self) -> None:
        """No name taken yet but the summaries'."""
        self.used = {Path(name).stem.lower() for name in SUMMARY_NAMES}

    def claim(self, stem: str) -> str:
        """A report name from ``stem``: the stem itself, or ``stem-2``, ``stem-3``... when it is taken."""
        candidate, number = stem, 1
        while candidate.lower() in self.used:
            number += 1
            candidate = f"{stem}-{number}"
        self.used.add(candidate.lower())
        return f"{candidate}.xlsx"

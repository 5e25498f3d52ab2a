"""Recalculate a workbook in LibreOffice headless (the recipe of docs in testing.md).

A stop-gap until ``xl_placement.libreoffice.recalculate`` lands in main: an isolated
profile per run, with OOXML recalculation forced to "always" so cached values are
never trusted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The soffice binary; skip (outside CI) or fail (in CI) when it is missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required in CI but was not found")
    pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui to run this test")


def convert(source: Path, out_dir: Path, to: str = "xlsx") -> Path:
    """Open ``source`` in LibreOffice, recalculate every formula, save it as ``to`` in ``out_dir``."""
    binary = soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                to,
                "--outdir",
                str(out_dir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    result = out_dir / f"{source.stem}.{to}"
    assert result.exists(), f"LibreOffice did not write {result}"
    return result

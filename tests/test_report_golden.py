"""Golden file: the demo report, part by part, against the reviewed copy in tests/golden/.

The parts are compared after normalising what may vary without changing the
workbook (XML attribute order and whitespace, document dates). After a deliberate
change, regenerate with ``UPDATE_GOLDEN=1 pytest tests/test_report_golden.py``, look
at the rendering (``make picture``) and commit the new golden file with the change.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import zipfile
from xml.etree import ElementTree as ET

from report_support import ROOT, render

GOLDEN = ROOT / "tests" / "golden" / "sensetime-report.xlsx"
_DATES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalised_parts(data: bytes) -> dict[str, str]:
    """Each part of an xlsx as comparable text: canonical XML (dates blanked), other parts as hex."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in sorted(package.namelist()):
            content = package.read(name)
            if name.endswith((".xml", ".rels")):
                text = ET.canonicalize(content.decode("utf-8"), strip_text=True)
                parts[name] = _DATES.sub(r"\1\2", text)
            else:
                parts[name] = content.hex()
    return parts


def test_demo_report_matches_the_golden_file():
    """The demo report's parts equal the reviewed golden report's parts (after normalising)."""
    data = render("sensetime")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    expected, actual = normalised_parts(GOLDEN.read_bytes()), normalised_parts(data)
    assert sorted(actual) == sorted(expected)
    for name, text in expected.items():
        if actual[name] != text:
            diff = difflib.unified_diff(
                re.sub(r"><", ">\n<", text).splitlines(),
                re.sub(r"><", ">\n<", actual[name]).splitlines(),
                lineterm="",
            )
            raise AssertionError(f"{name} differs from the golden file:\n" + "\n".join(list(diff)[:40]))


def test_normalising_ignores_dates_but_not_content():
    """The normaliser blanks document dates yet still sees a changed cell value."""
    data = render("sensetime")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        core = package.read("docProps/core.xml").decode()
    later = core.replace("2025-01-01T00:00:00Z", "2030-06-30T12:00:00Z")
    assert _DATES.sub(r"\1\2", ET.canonicalize(core)) == _DATES.sub(r"\1\2", ET.canonicalize(later))
    assert normalised_parts(data) != normalised_parts(render("byd"))

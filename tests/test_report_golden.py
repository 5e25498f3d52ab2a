"""Golden file: the demo report, part by part, against the reviewed copy in tests/golden/.

The comparison is ``xlsx_compare``'s: XML parts canonicalised, volatile elements
(document dates, calculation settings, workbook view) dropped. After a deliberate
change, regenerate with ``UPDATE_GOLDEN=1 pytest tests/test_report_golden.py``, look at
the rendering (``make picture``) and commit the new golden file with the change.
"""

from __future__ import annotations

import os

from report_support import ROOT, render
from xlsx_compare import assert_same_xlsx, compare_xlsx

GOLDEN = ROOT / "tests" / "golden" / "sensetime-report.xlsx"


def test_demo_report_matches_the_golden_file():
    """The demo report's parts equal the reviewed golden report's parts (after normalising)."""
    data = render("sensetime")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert_same_xlsx(data, GOLDEN)


def test_golden_comparison_sees_a_changed_figure():
    """The comparison is not blind: the BYD report differs from the SenseTime golden file in its sheets."""
    problems = compare_xlsx(render("byd"), GOLDEN)
    assert any("xl/worksheets/sheet1.xml" in problem for problem in problems)

"""The command line keeps NumPy off a report's start-up, and leaves NumPy usable afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
sys.argv = ["xl-placement", "build", {deal!r}, "-o", {out!r}]
from xl_placement import cli
status = cli.main()
print(status, "numpy" in sys.modules)
import numpy, openpyxl
print(numpy.asarray([1, 2]).sum(), openpyxl.load_workbook({out!r}).sheetnames[0])
"""


def test_a_report_from_the_command_line_does_not_load_numpy(tmp_path):
    """xl-placement build writes the report without importing NumPy; NumPy and openpyxl still work afterwards."""
    out = tmp_path / "report.xlsx"
    code = SCRIPT.format(deal=str(ROOT / "examples" / "sensetime.toml"), out=str(out))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "0 False"
    assert lines[-1] == "3 Deal sheet"


def test_a_library_user_keeps_openpyxl_with_numpy():
    """Importing xl_placement and building in-process leaves openpyxl's NumPy support alone."""
    code = (
        "import xl_placement, xl_placement.report, sys; import openpyxl.compat.numbers as n; print(n.NUMPY)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


CHECK_SCRIPT = """
import sys
import xl_placement
before = set(sys.modules)
sys.argv = ["xl-placement", "check", {deal!r}]
from xl_placement import cli
status = cli.main()
print(status, *sorted(set(sys.modules) - before))
"""


def test_check_of_a_deal_file_imports_only_what_it_uses():
    """xl-placement check deal.toml loads no openpyxl (nor NumPy): beyond `import xl_placement`, only the CLI, its summary and the pricing grid it prints."""
    code = CHECK_SCRIPT.format(deal=str(ROOT / "examples" / "sensetime.toml"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, *loaded = result.stdout.strip().splitlines()[-1].split()
    assert status == "0"
    ours = {name for name in loaded if name.startswith("xl_placement")}
    assert ours == {"xl_placement._lean", "xl_placement.cli", "xl_placement.grid", "xl_placement.summary"}
    assert not [
        name for name in loaded if name.split(".")[0] in {"openpyxl", "numpy", "xlsxwriter", "defusedxml"}
    ]

"""A stray placement.py beside the workbook never runs instead of the installed module.

xlwings' VBA builds the first argument of ``xlwings.utils.prepare_sys_path`` from the
workbook's ``ADD_WORKBOOK_TO_PYTHONPATH`` setting, then the workbook's full name twice
(docs/vba/xlwings.bas); with "true" (xlwings' default) the workbook's folder goes first
on Python's import path. These tests read the setting from the committed placement.xlsm
the way xlwings' VBA reads its xlwings.conf sheet, and run Python the way RunPython does
(``python -B -c "import xlwings.utils; xlwings.utils.prepare_sys_path(...); <command>"``,
started in a folder that holds a stray placement.py) with the button's own command.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from xl_placement import button

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "placement.xlsm"
STRAY = "print('STRAY placement.py ran')\ndef main():\n    print('STRAY main ran')\n"


def _conf_sheet_settings() -> dict[str, str]:
    """The workbook's xlwings.conf settings as xlwings' GetConfigFromSheet reads them: A1 down to the first blank, keys upper case."""
    sheet = openpyxl.load_workbook(COMMITTED)["xlwings.conf"]
    settings = {}
    for row in range(1, sheet.max_row + 1):
        key = sheet.cell(row, 1).value
        if key in (None, ""):
            break
        settings[str(key).upper()] = str(sheet.cell(row, 2).value)
    return settings


def _button_command() -> str:
    """The Python command of the BuildReport macro (xl_placement/data/Placement.bas)."""
    source = (ROOT / "xl_placement" / "data" / "Placement.bas").read_text("utf-8")
    found = re.search(r'^\s*RunPython "(.+)"\s*$', source, re.M)
    assert found, "BuildReport no longer calls RunPython"
    return found.group(1)


def _run_as_runpython(
    folder: Path, add_workbook: str, command: str, current: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as RunPython does for a workbook in ``folder``; Excel's current folder is ``current`` (default the same)."""
    workbook = folder / "placement.xlsm"
    # AddExcelDir ; ActiveFullName ; ThisFullName ; three OneDrive/SharePoint settings ; PYTHONPATH (blank)
    args = ";".join([add_workbook, str(workbook), str(workbook), "", "", "", ""])
    code = f"import xlwings.utils;xlwings.utils.prepare_sys_path({args!r}); {command}"
    return subprocess.run(
        [sys.executable, "-B", "-c", code, "--wb=placement.xlsm"],
        capture_output=True,
        text=True,
        check=False,
        cwd=current or folder,
        timeout=60,
    )


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """A Downloads folder holding the workbook and an old placement.py."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "placement.py").write_text(STRAY, encoding="utf-8")
    return folder


def test_conf_sheet_turns_the_workbook_folder_off():
    """The shipped xlwings.conf sheet says ADD_WORKBOOK_TO_PYTHONPATH = False within the rows xlwings reads."""
    assert _conf_sheet_settings() == {"UDF MODULES": "placement", "ADD_WORKBOOK_TO_PYTHONPATH": "False"}


def test_xlwings_vba_passes_that_setting_to_python():
    """xlwings' VBA in the workbook builds both RunPython's and the functions' paths from ADD_WORKBOOK_TO_PYTHONPATH."""
    vba = (ROOT / "docs" / "vba" / "xlwings.bas").read_text("utf-8")
    assert vba.count('AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")') == 2
    assert 'PYTHONPATH = AddExcelDir & ";" & ActiveFullName & ";" & ThisFullName & ";"' in vba
    assert 'PYTHONPATH = AddExcelDir & ";" & ThisWorkbook.FullName & ";" & ThisWorkbook.FullName & ";"' in vba


def test_the_button_runs_the_installed_module_not_the_stray_one(downloads):
    """With the workbook's setting and the button's command, the installed placement runs (its outside-Excel line)."""
    run = _run_as_runpython(
        downloads, _conf_sheet_settings()["ADD_WORKBOOK_TO_PYTHONPATH"], _button_command()
    )
    assert "STRAY" not in run.stdout
    assert run.stderr.strip().splitlines() == [button.NOT_FROM_EXCEL]


def test_the_functions_module_is_the_installed_one(downloads):
    """What "Import Functions" loads (import placement, after prepare_sys_path with the setting) is the installed module."""
    setting = _conf_sheet_settings()["ADD_WORKBOOK_TO_PYTHONPATH"]
    command = "import placement; print(placement.__file__); print(hasattr(placement, 'ALLOCATE_PROCEEDS'))"
    run = _run_as_runpython(downloads, setting, command, current=downloads.parent)
    path, has_functions = run.stdout.split()
    assert "STRAY" not in run.stdout
    assert Path(path).resolve() != (downloads / "placement.py").resolve()
    assert has_functions == "True"


def test_xlwings_default_would_run_the_stray_module(downloads):
    """The control: with xlwings' default ("true") the stray placement.py beside the workbook runs instead."""
    run = _run_as_runpython(downloads, "true", _button_command())
    assert "STRAY placement.py ran" in run.stdout


def test_without_dropping_the_current_folder_the_stray_module_would_run(downloads):
    """The control for the button's first statement: Excel's current folder alone would also let the stray module run."""
    run = _run_as_runpython(downloads, "False", "import placement; placement.main()")
    assert "STRAY placement.py ran" in run.stdout

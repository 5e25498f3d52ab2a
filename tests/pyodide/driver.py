"""Runs inside Pyodide: lite/main.py's functions on the cases in /work/cases.json, report builds, PDF imports.

Writes /work/results.json (each case's result, the Lite "Build report" script's record
against a recording Book over placement.xlsm, and the functions' answers as xlwings
Lite's own decorators make them run) and /work/<name>.xlsx (each report). Nothing here
imports NumPy, pandas or the real xlwings: Pyodide has none of them loaded.
"""

import json
import os
import runpy
import sys
import types
from pathlib import Path

import openpyxl

from xl_placement import build_report, load_deal
from xl_placement.announcement import import_announcement, read_text

sys.path.insert(0, "/work")
from lite_book import FakeBook  # tests/lite_book.py, copied beside this driver

job = json.loads(Path("/work/cases.json").read_text(encoding="utf-8"))
# The build day the native reports are pinned to (tests/conftest.py): Node does not pass it on.
if job.get("source_date_epoch"):
    os.environ["SOURCE_DATE_EPOCH"] = job["source_date_epoch"]
# The functions as a user of xlwings Lite gets them: from the main.py of lite/.
functions = runpy.run_path("/work/main.py")
results = [functions[name](*args) for name, args in job["cases"]]
for name in job["reports"]:
    build_report(load_deal(f"/work/{name}.toml"), f"/work/{name}.xlsx")
# Announcements as PDFs (written by tests/pdf_support.py): read with pypdf, imported to deal files.
announcements = {}
for name in job.get("announcements", []):
    imported = import_announcement(f"/work/{name}.pdf")
    announcements[name] = {"text": read_text(f"/work/{name}.pdf"), "toml": imported.text}
pypdf_loaded = "pypdf" in sys.modules

# The "Build report" script, on a recording Book over placement.xlsm.
book = FakeBook(openpyxl.load_workbook("/work/placement.xlsm", data_only=True))
functions["build_report"](book)
lite_record = book.record()
xlwings_loaded = "xlwings" in sys.modules


# The functions as xlwings Lite runs them: with xlwings' decorators (a stand-in module named
# xlwings), a problem is raised, for xlwings Lite to show as a #VALUE! error with its message.
def _unchanged(*args, **kwargs):
    return args[0] if len(args) == 1 and callable(args[0]) and not kwargs else (lambda function: function)


stand_in = types.ModuleType("xlwings")
stand_in.func = stand_in.arg = stand_in.ret = stand_in.script = _unchanged
stand_in.Book = object
sys.modules["xlwings"] = stand_in
del sys.modules["xl_placement.excel"]
lite_functions = runpy.run_path("/work/main.py")
lite_answers = []
for name, args in job["lite_cases"]:
    try:
        lite_answers.append(["returned", lite_functions[name](*args)])
    except Exception as exc:  # noqa: BLE001 - recorded for the test
        lite_answers.append(["raised", type(exc).__name__, str(exc)])

Path("/work/results.json").write_text(
    json.dumps(
        {
            "results": results,
            "announcements": announcements,
            "pypdf_loaded": pypdf_loaded,
            "lite_record": lite_record,
            "lite_answers": lite_answers,
            "python": sys.version,
            "platform": sys.platform,
            "numpy_loaded": "numpy" in sys.modules,
            "xlwings_loaded": xlwings_loaded,
        }
    ),
    encoding="utf-8",
)

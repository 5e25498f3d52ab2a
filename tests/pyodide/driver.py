"""Runs inside Pyodide: lite/main.py's functions on the cases in /work/cases.json, and report builds.

Writes /work/results.json (each case's result) and /work/<name>.xlsx (each report).
Nothing here imports NumPy, pandas or xlwings: Pyodide has none of them loaded.
"""

import json
import runpy
import sys
from pathlib import Path

from xl_placement import build_report, load_deal

job = json.loads(Path("/work/cases.json").read_text(encoding="utf-8"))
# The functions as a user of xlwings Lite gets them: from the main.py of lite/.
functions = runpy.run_path("/work/main.py")
results = [functions[name](*args) for name, args in job["cases"]]
for name in job["reports"]:
    build_report(load_deal(f"/work/{name}.toml"), f"/work/{name}.xlsx")
Path("/work/results.json").write_text(
    json.dumps(
        {
            "results": results,
            "python": sys.version,
            "platform": sys.platform,
            "numpy_loaded": "numpy" in sys.modules,
            "xlwings_loaded": "xlwings" in sys.modules,
        }
    ),
    encoding="utf-8",
)

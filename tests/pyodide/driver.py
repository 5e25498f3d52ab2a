"""Runs inside Pyodide: the Excel functions on the cases in /work/cases.json, and report builds.

Writes /work/results.json (each case's result) and /work/<name>.xlsx (each report).
Nothing here imports NumPy, pandas or xlwings: Pyodide has none of them loaded.
"""

import json
import sys

from xl_placement import build_report, excel, load_deal

with open("/work/cases.json", encoding="utf-8") as stream:
    job = json.load(stream)
results = [getattr(excel, name)(*args) for name, args in job["cases"]]
for name in job["reports"]:
    build_report(load_deal(f"/work/{name}.toml"), f"/work/{name}.xlsx")
with open("/work/results.json", "w", encoding="utf-8") as stream:
    json.dump(
        {
            "results": results,
            "python": sys.version,
            "platform": sys.platform,
            "numpy_loaded": "numpy" in sys.modules,
            "xlwings_loaded": "xlwings" in sys.modules,
        },
        stream,
    )

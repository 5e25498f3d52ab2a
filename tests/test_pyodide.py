"""The functions and the report inside Pyodide (as xlwings Lite runs them) equal native CPython's.

Pyodide is CPython compiled to WebAssembly: 32-bit, no NumPy, no os.link. These tests
run the project's own wheel in the npm ``pyodide`` package under Node, with the pure
wheels of openpyxl, et-xmlfile, defusedxml, XlsxWriter and iso4217 unpacked locally (no
network: ``make test`` installs them, see the Makefile's ``pyodide`` target), and
compare every result and every report byte with this interpreter's. Node is needed:
outside CI a missing Node skips with the reason; in CI (``CI`` set) it fails.
"""

from __future__ import annotations

import io
import json
import os
import random
import runpy
import shutil
import subprocess
import sys
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from pdf_support import text_pdf

from xl_placement import excel, load_deal, ranges
from xl_placement.announcement import import_announcement, read_text
from xl_placement.figures import compute
from xl_placement.report.build import render_report

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tests" / "pyodide"
SETUP = "run `make test` (its `pyodide` target installs Pyodide with npm and downloads the wheels)"
EXAMPLES = ["sensetime", "byd"]
ANNOUNCEMENTS = ["hkex-sensetime-2025-12"]  # tests/announcements/, made into a PDF by tests/pdf_support.py


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the Pyodide tests: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def pyodide_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A function that runs driver.py in Pyodide on a job and returns its results."""
    node = shutil.which("node")
    if node is None:
        _missing("Node.js is not installed (apt-get install nodejs npm)")
    if not (HERE / "node_modules" / "pyodide" / "pyodide.mjs").is_file():
        _missing(f"the npm package pyodide is not installed in tests/pyodide; {SETUP}")
    dependencies = sorted((HERE / "wheels").glob("*.whl"))
    if len(dependencies) < 5:
        _missing(
            f"the wheels of openpyxl, et-xmlfile, defusedxml, XlsxWriter and iso4217 are missing; {SETUP}"
        )
    wheels = tmp_path_factory.mktemp("wheels")
    for wheel in dependencies:
        shutil.copy(wheel, wheels)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )

    def run(job: dict[str, Any]) -> tuple[dict[str, Any], Path]:
        work = tmp_path_factory.mktemp("work")
        shutil.copy(HERE / "driver.py", work)
        shutil.copy(ROOT / "lite" / "main.py", work)
        shutil.copy(ROOT / "tests" / "lite_book.py", work)
        shutil.copy(ROOT / "placement.xlsm", work)
        for name in job["reports"]:
            shutil.copy(ROOT / "examples" / f"{name}.toml", work)
        for name in job.get("announcements", []):
            text = (ROOT / "tests" / "announcements" / f"{name}.txt").read_text(encoding="utf-8")
            (work / f"{name}.pdf").write_bytes(text_pdf(text))
        (work / "cases.json").write_text(json.dumps(job), encoding="utf-8")
        done = subprocess.run(
            [node, str(HERE / "run.mjs"), str(wheels), str(work), "/work/driver.py"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads((work / "results.json").read_text(encoding="utf-8")), work

    return run


def column(values: list[float]) -> list[list[float]]:
    return [[value] for value in values]


def shares_of_uses(rng: random.Random, count: int) -> list[float]:
    """``count`` shares of a whole adding up to 100%, with up to 6 decimals (some zero)."""
    cuts = sorted(rng.randrange(0, 10**6 + 1) for _ in range(count - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 10**6], strict=True)]
    return [part / 10**6 for part in parts]


def cases(seed: int) -> list[tuple[str, list[Any]]]:
    """Calls of every function, on the demo deal's figures and on random inputs of every size."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    demo = [
        ("PLACEMENT_DISCOUNT", [1.91, 2.09]),
        ("PLACEMENT_DISCOUNT", [1.91, [2.10, 2.05, 2.00, 1.98, 1.97]]),
        ("DILUTION", [1_700_000_000, 40_424_038_000]),
        ("DILUTION", [1_700_000_000, 40_424_038_000, "existing"]),
        ("ALLOCATE_PROCEEDS", [3_247_000_000, column([0.4, 0.3, 0.2, 0.1])]),
        ("PLACEMENT_PROCEEDS", [1_700_000_000, 1.91, 0.0025, 5_000_000, 7.8203]),
        ("BENCHMARKED_PRICE", [2.09, [2.10, 2.05, 2.00, 1.98, 1.97]]),
        ("THEORETICAL_DILUTION", [1.0, 100, 50, 0.75]),
        ("VWAP", [[2.10, 2.05, 2.00], [1e6, 2e6, 3e6]]),
    ]
    drawn: list[tuple[str, list[Any]]] = []
    for size in (1, 5, ranges.MIN_CELLS - 1, ranges.MIN_CELLS, 500, 5000):
        closes = [round(rng.uniform(0.05, 900), rng.choice([2, 3, 4])) for _ in range(size)]
        weights = shares_of_uses(rng, size)
        volumes = [float(rng.randrange(1, 10**9)) for _ in range(size)]
        price = round(rng.uniform(0.05, 900), 3)
        amount = round(rng.uniform(1, 9e12), rng.choice([0, 2]))
        drawn += [
            ("PLACEMENT_DISCOUNT", [price, column(closes)]),
            ("PLACEMENT_DISCOUNT", [price, closes, max(1, size // 2)]),
            ("ALLOCATE_PROCEEDS", [amount, column(weights), None, rng.choice([0, 2, -3])]),
            ("VWAP", [column(closes), column(volumes)]),
        ]
        if size > 5:
            drawn.append(("BENCHMARKED_PRICE", [closes[-1], closes[:-1][-5:]]))
    return demo + drawn


LITE_CASES = [
    ("PLACEMENT_DISCOUNT", [-1.0, 2.09]),
    ("PLACEMENT_DISCOUNT", [1.91, "#N/A"]),
    ("BENCHMARKED_PRICE", [2.0, [[2.0], [2.1]]]),
    ("DILUTION", [1_700_000_000, 40_424_038_000]),
]


@pytest.fixture(scope="session")
def pyodide_found(pyodide_run: Any) -> tuple[dict[str, Any], Path, dict[str, Any]]:
    """One Pyodide run for every test here: the cases, the example reports and the Lite script."""
    job = {
        "cases": cases(2026),
        "reports": EXAMPLES,
        "lite_cases": LITE_CASES,
        "announcements": ANNOUNCEMENTS,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
    found, work = pyodide_run(job)
    return found, work, job


def test_functions_and_reports_in_pyodide_equal_native(pyodide_found: Any) -> None:
    """Every function on every input size, and the example reports byte for byte, as native CPython gives them."""
    found, work, job = pyodide_found
    assert found["platform"] == "emscripten"
    assert not found["numpy_loaded"]
    assert not found["xlwings_loaded"]
    native = [getattr(excel, name)(*args) for name, args in job["cases"]]
    assert json.loads(json.dumps(native)) == found["results"]
    errors = [r for r in native if isinstance(r, str) and r.startswith("#VALUE!")]
    assert errors == []
    for name in EXAMPLES:
        built = (work / f"{name}.xlsx").read_bytes()
        assert built == render_report(compute(load_deal(ROOT / "examples" / f"{name}.toml"))), name


def test_a_pdf_announcement_imports_in_pyodide_as_natively(pyodide_found: Any) -> None:
    """A PDF announcement read by pypdf inside Pyodide gives the same text and deal file as here, and the corpus's expected deal file."""
    found, work, job = pyodide_found
    assert found["pypdf_loaded"]
    for name in job["announcements"]:
        pdf = work / f"{name}.pdf"
        theirs = found["announcements"][name]
        assert theirs["text"] == read_text(pdf)
        assert theirs["toml"] == import_announcement(pdf).text
        expected = ROOT / "tests" / "announcements" / f"{name}.toml"
        assert tomllib.loads(theirs["toml"]) == tomllib.loads(expected.read_text(encoding="utf-8"))


def test_build_report_script_in_pyodide_writes_the_reports_cells(pyodide_found: Any) -> None:
    """Inside Pyodide, lite/main.py's Build report writes the openpyxl report's cells, formulas, formats and names."""
    import openpyxl  # noqa: PLC0415
    from lite_book import differences  # noqa: PLC0415

    from xl_placement import lite  # noqa: PLC0415
    from xl_placement.inputs import deal_from_workbook  # noqa: PLC0415

    record = pyodide_found[0]["lite_record"]
    assert record["alerts"] == []
    report = openpyxl.load_workbook(
        io.BytesIO(render_report(compute(deal_from_workbook(ROOT / "placement.xlsm"))))
    )
    assert differences(record, report, lite.LEFT_OUT, lite.GAP) == []


def test_in_xlwings_lite_a_problem_is_raised_and_an_error_value_given_back(pyodide_found: Any) -> None:
    """With xlwings' decorators in Pyodide, a bad argument raises its one line (a #VALUE! with that message); #N/A gives #N/A."""
    answers = pyodide_found[0]["lite_answers"]
    assert answers == [
        ["raised", "FunctionError", "price must be a positive number, got -1"],
        ["returned", "#N/A"],
        [
            "raised",
            "FunctionError",
            "prior_closes has 2 close(s); select at least the 5 before the earliest key date",
        ],
        ["returned", float(Fraction(1_700_000_000, 1_700_000_000 + 40_424_038_000))],
    ]


def test_lite_main_offers_exactly_the_classic_functions() -> None:
    """lite/main.py holds the same function objects as placement.py, the classic add-in's module: one definition."""
    import placement  # noqa: PLC0415

    lite = runpy.run_path(str(ROOT / "lite" / "main.py"))
    offered = {name: value for name, value in lite.items() if callable(value) and name.isupper()}
    classic = {name: getattr(placement, name) for name in excel.FUNCTIONS}
    assert offered == classic
    for function in offered.values():
        assert function.__doc__
        assert len(function.__doc__) <= 255  # Excel's limit for a description


def test_lite_requirements_are_the_package_dependencies() -> None:
    """lite/requirements.txt lists the package's own runtime dependencies, with the same bounds, and its wheel."""
    import tomllib  # noqa: PLC0415

    listed = [
        line.strip()
        for line in (ROOT / "lite" / "requirements.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert listed[:-1] == project["dependencies"]
    assert listed[-1].endswith(f"xl_placement-{project['version']}-py3-none-any.whl")

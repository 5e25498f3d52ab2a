"""Runs the same where Python is not the desktop's: no NumPy, no os.link, another hash order.

xlwings Lite runs the functions in Pyodide, which may lack NumPy and has no hard links,
and whose 32-bit hashes order sets differently. These tests make each of those
conditions here, natively; tests/test_pyodide.py runs the real thing under Node.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl.utils.cell import range_boundaries

from xl_placement import excel, load_deal, ranges
from xl_placement.figures import compute
from xl_placement.report.build import render_report

ROOT = Path(__file__).resolve().parent.parent


def without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make NumPy impossible to import, as in a Pyodide without it."""
    monkeypatch.setitem(sys.modules, "numpy", None)
    ranges.numpy_available.cache_clear()
    monkeypatch.setattr(ranges, "numpy_available", ranges.numpy_available)


@pytest.fixture
def no_numpy(monkeypatch: pytest.MonkeyPatch):
    without_numpy(monkeypatch)
    yield
    ranges.numpy_available.cache_clear()


@pytest.mark.usefixtures("no_numpy")
def test_numpy_missing_is_detected() -> None:
    """With NumPy impossible to import, the fast path says so instead of failing."""
    assert ranges.numpy_available() is False
    assert ranges.flat_floats([1.0] * 1000) is None


@pytest.mark.parametrize("size", [ranges.MIN_CELLS - 1, ranges.MIN_CELLS, 1000, 20_000])
def test_functions_give_the_same_results_without_numpy(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """PLACEMENT_DISCOUNT and ALLOCATE_PROCEEDS over ranges of every size: the same values with and without NumPy."""
    rng = random.Random(size)  # noqa: S311 - reproducible test data
    closes = [round(rng.uniform(0.5, 400), rng.choice([2, 3, 4])) for _ in range(size)]
    weights = [[round(rng.uniform(0, 50), rng.choice([0, 2, 5]))] for _ in range(size)]
    amount = round(rng.uniform(1e6, 5e10), 2)
    ranges.numpy_available.cache_clear()
    assert ranges.numpy_available() is True
    with_numpy = (
        excel.PLACEMENT_DISCOUNT(1.91, closes),
        excel.PLACEMENT_DISCOUNT(1.91, closes, 5),
        excel.ALLOCATE_PROCEEDS(amount, weights),
    )
    without_numpy(monkeypatch)
    try:
        assert (
            excel.PLACEMENT_DISCOUNT(1.91, closes),
            excel.PLACEMENT_DISCOUNT(1.91, closes, 5),
            excel.ALLOCATE_PROCEEDS(amount, weights),
        ) == with_numpy
    finally:
        ranges.numpy_available.cache_clear()
    assert not any(isinstance(value, str) for value in with_numpy[:2])


def merged_refs(data: bytes, sheet: str) -> list[str]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        xml = package.read(sheet).decode("utf-8")
    return re.findall(r'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', xml)


def test_merged_cells_are_written_in_sheet_order() -> None:
    """Merged ranges are listed by position, not in a set's order (which differs on 32-bit Pyodide)."""
    data = render_report(compute(load_deal(ROOT / "examples" / "byd.toml")))
    refs = merged_refs(data, "xl/worksheets/sheet1.xml")
    assert len(refs) > 5

    assert refs == sorted(refs, key=range_boundaries)


def test_report_bytes_do_not_depend_on_hash_order() -> None:
    """Two interpreters with different string-hash seeds build the same report, byte for byte."""
    script = (
        "import sys; from xl_placement import load_deal; from xl_placement.figures import compute; "
        "from xl_placement.report.build import render_report; "
        "sys.stdout.buffer.write(render_report(compute(load_deal(sys.argv[1]))))"
    )
    deal = str(ROOT / "examples" / "byd.toml")
    builds = {
        subprocess.run(
            [sys.executable, "-c", script, deal],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(builds) == 1
    assert builds == {render_report(compute(load_deal(deal)))}


BLOCK = "import sys; sys.modules.update(dict.fromkeys(['xlwings', 'pandas', 'numpy']));"


def run_blocked(code: str) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh interpreter where xlwings, pandas and NumPy cannot be imported."""
    return subprocess.run(
        [sys.executable, "-c", BLOCK + code], capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_functions_and_report_work_without_xlwings_pandas_or_numpy(tmp_path: Path) -> None:
    """The functions compute and the report builds with none of xlwings, pandas or NumPy installed."""
    out = tmp_path / "byd.xlsx"
    code = (
        "from xl_placement import excel, build_report, load_deal;"
        "print(repr(excel.PLACEMENT_DISCOUNT(1.91, 2.09)));"
        "print(repr(excel.ALLOCATE_PROCEEDS(100, [[0.5], [0.3], [0.2]])));"
        f"build_report(load_deal('examples/byd.toml'), {str(out)!r})"
    )
    done = run_blocked(code)
    assert done.returncode == 0, done.stderr
    native = (excel.PLACEMENT_DISCOUNT(1.91, 2.09), excel.ALLOCATE_PROCEEDS(100, [[0.5], [0.3], [0.2]]))
    assert done.stdout.splitlines() == [repr(native[0]), repr(native[1])]
    assert out.read_bytes() == render_report(compute(load_deal(ROOT / "examples" / "byd.toml")))


def test_frames_without_pandas_name_the_extra() -> None:
    """figures_frame without pandas says which extra installs it, instead of a ModuleNotFoundError."""
    done = run_blocked(
        "from xl_placement import figures_frame, compute, load_deal\n"
        "from xl_placement.errors import DependencyMissingError\n"
        "try:\n    figures_frame(compute(load_deal('examples/byd.toml')))\n"
        "except DependencyMissingError as exc:\n    print(exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "figures_frame needs pandas, which is not installed; install it with: pip install 'xl-placement[pandas]'"
    )


def test_workbook_command_without_xlwings_names_the_extra(tmp_path: Path) -> None:
    """Building placement.xlsm without xlwings exits with the install hint, no traceback, nothing written."""
    out = tmp_path / "p.xlsm"
    done = run_blocked(f"from xl_placement.cli import main; sys.exit(main(['workbook', '-o', {str(out)!r}]))")
    assert done.returncode != 0
    assert "pip install 'xl-placement[excel]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_published_dependencies_leave_out_xlwings_and_pandas() -> None:
    """pip install xl-placement brings neither xlwings nor pandas; the [excel] extra pins the xlwings of placement.xlsm."""
    import tomllib  # noqa: PLC0415

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {re.split(r"[<>=!~ \[]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert names.isdisjoint({"xlwings", "pandas", "numpy"})
    assert project["optional-dependencies"]["excel"] == ["xlwings==0.37.8"]

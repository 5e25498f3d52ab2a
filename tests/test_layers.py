"""The declared layers ([tool.importlinter] in pyproject.toml) hold, and the check catches a breach."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contracts() -> list[dict[str, Any]]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        contracts: list[dict[str, Any]] = tomllib.load(handle)["tool"]["importlinter"]["contracts"]
    return contracts


def _lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_package_keeps_its_layers() -> None:
    """lint-imports passes on the package as it is (make test runs it too)."""
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(_contracts())} kept, 0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("money.py", "from xl_placement import figures", "xl_placement.money -> xl_placement.figures"),
        ("figures.py", "from xl_placement import fields", "xl_placement.figures -> xl_placement.fields"),
        (
            "rules/base.py",
            "from xl_placement import wording",
            "xl_placement.rules.base -> xl_placement.wording",
        ),
        (
            "rules/base.py",
            "from xl_placement.rules import hkex",
            "xl_placement.rules.base -> xl_placement.rules.hkex",
        ),
        (
            "report/cells.py",
            "from xl_placement.report import deal_sheet",
            "xl_placement.report.cells -> xl_placement.report.deal_sheet",
        ),
    ],
)
def test_an_upward_or_sideways_import_breaks_the_check(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    """A copy of the package with one forbidden import (a seam this project removed) fails, naming it."""
    shutil.copytree(
        ROOT / "xl_placement", tmp_path / "xl_placement", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = tmp_path / "xl_placement" / module
    target.write_text(target.read_text("utf-8") + f"\n{line}  # noqa\n", "utf-8")
    run = _lint(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{len(_contracts()) - 1} kept, 1 broken" in run.stdout
    assert broken in run.stdout


def test_every_module_has_a_declared_layer() -> None:
    """A module missing from the contracts would escape them: each module of the package is in a layer."""
    contracts = _contracts()
    declared = {
        f"{container}.{name.strip()}"
        for contract in contracts
        for container in contract["containers"]
        for layer in contract["layers"]
        for name in layer.split("|")
    }
    package = ROOT / "xl_placement"
    modules = {
        "xl_placement." + ".".join(path.relative_to(package).with_suffix("").parts)
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
    }
    packages = ("xl_placement.batch", "xl_placement.precedents", "xl_placement.report", "xl_placement.rules")
    modules = {m for m in modules if m.count(".") == 1 or m.startswith(tuple(f"{p}." for p in packages))}
    modules |= set(packages)
    assert modules - declared == set()
    assert declared - modules == set()

"""The README's command-line and Python API examples run as written and do what the text says."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXE = Path(sys.executable).with_name("xl-placement")


def section(heading: str) -> str:
    """The README text from ``## heading`` to the next ``## `` heading."""
    start = README.index(f"\n## {heading}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def commands() -> list[str]:
    return [
        line for block in code_blocks(section("Command line"), "sh") for line in block.splitlines() if line
    ]


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A scratch folder laid out like the repository root (the examples folder), so outputs land there."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def test_every_command_and_option_is_documented() -> None:
    """The Command line section names every command, every option of the parser and every exit status."""
    import argparse  # noqa: PLC0415

    from xl_placement import cli  # noqa: PLC0415

    text = section("Command line")
    parser = cli._parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = {
        o for p in (parser, *subparsers.choices.values()) for a in p._actions for o in a.option_strings
    }
    assert {"--pdf", "--workers", "--debug", "--version", "--help"} <= options
    for option in options:
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), option
    for command in subparsers.choices:
        assert f"### `xl-placement {command}" in text
    statuses = [v for n, v in vars(cli).items() if n.startswith("EXIT_") and isinstance(v, int)]
    assert len(statuses) == 8  # 0 1 2 3 4 70 130 143
    for status in statuses:
        assert f"\n| {status} |" in text, status


@pytest.mark.libreoffice  # one example uses --pdf
def test_command_examples_run_as_written(repo_copy: Path) -> None:
    """Each example command in the README exits 0 and writes what it says, run from the repository root."""
    lines = commands()
    assert len(lines) >= 6
    for line in lines:
        argv = shlex.split(line)
        assert argv[0] == "xl-placement"
        result = subprocess.run(
            [str(EXE), *argv[1:]], cwd=repo_copy, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
    for written in (
        "my-deal.toml",
        "out/sensetime.xlsx",
        "out/byd.xlsx",
        "out/byd.pdf",
        "out/batch/summary.csv",
        "out/batch/row2-0020.xlsx",
        "out/examples/sensetime.xlsx",
        "out/examples/summary.xlsx",
        "out/byd.xlsm",
    ):
        assert (repo_copy / written).is_file(), written


def test_python_api_example_runs(repo_copy: Path) -> None:
    """The README's Python API example runs and prints what its comments say."""
    (block,) = code_blocks(section("Python API"), "python")
    result = subprocess.run(
        [sys.executable, "-c", block], cwd=repo_copy, capture_output=True, text=True, check=True
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "incomplete"
    assert lines[1].startswith(
        "incomplete: nothing failed, but 1 check could not be made: HKEX Rule 13.36(2)(b)"
    )
    assert "HKEX Rule 13.36(5) pass" in lines
    assert lines[-1] == "0.0861244019138756"
    assert (repo_copy / "out" / "api-demo.xlsx").is_file()

"""The command line: options, help, init, and errors as one-line messages with the documented exit status."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import xl_placement
from xl_placement import cli, fields, load_deal
from xl_placement.figures import compute

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "sensetime.toml"
EXE = Path(sys.executable).with_name("xl-placement")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit status, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's own exits (--help, --version, usage errors)
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version and exits 0."""
    assert run(capsys, "--version") == (0, f"xl-placement {xl_placement.__version__}\n", "")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", ["build", "check", "batch", "init"])
def test_help_explains_every_option(capsys: pytest.CaptureFixture[str], command: str) -> None:
    """Each command's --help lists every option and argument with a help text, an example and the exit statuses."""
    parser = subcommands()[command]
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    for action in parser._actions:
        assert action.help, f"{command} {action.dest} has no help text"
        names = action.option_strings or [action.metavar or action.dest]
        assert any(name in out for name in names), names
    assert "example:" in out
    assert "exit status:" in out


def test_top_level_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """xl-placement --help names every command and the exit statuses."""
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("build", "check", "batch", "init", "--debug", "--version", "70"):
        assert command in out


def test_init_writes_an_example_that_checks_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """init writes a deal file that loads and reproduces the published demo figures (8.6%, 4.04%, HK$3,247m)."""
    target = tmp_path / "my-deal.toml"
    code, out, err = run(capsys, "init", str(target))
    assert (code, err) == (0, "")
    assert f"wrote {target}" in out
    figures = compute(load_deal(target))
    ref = figures.reference("last_close")
    assert ref is not None
    assert round(ref.discount * 100, 1) == Decimal("8.6")
    assert round(figures.percent_of_enlarged * 100, 2) == Decimal("4.04")
    assert figures.proceeds.gross == Decimal(3_247_000_000)


def test_init_example_mentions_every_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The example documents every deal-file field and stated key (set or commented), so it stays complete."""
    target = tmp_path / "deal.toml"
    run(capsys, "init", str(target))
    text = target.read_text()
    for section, specs in {**fields.SECTIONS, **fields.TABLES}.items():
        for spec in specs:
            pattern = spec.name.replace("<N>", r"(\d+|<N>)")
            assert re.search(rf"\b{pattern}\b", text), f"{section}.{spec.name} is not in the example"
    for key in fields.STATED_KEYS:
        pattern = key.replace("<N>", r"(\d+|<N>)")
        assert re.search(rf"\b{pattern}", text), key


def test_init_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """init refuses to replace an existing file (exit 3, file unchanged) unless --force is given."""
    target = tmp_path / "deal.toml"
    target.write_text("mine")
    code, out, err = run(capsys, "init", str(target))
    assert (code, out) == (3, "")
    assert (
        err
        == f"error: {target} already exists; it was not replaced (use --force to replace it, or choose another output path)\n"
    )
    assert target.read_text() == "mine"
    assert run(capsys, "init", str(target), "--force")[0] == 0
    assert target.read_text().startswith("# An xl-placement deal file")


def test_init_into_a_folder_and_bad_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """init DIR writes DIR/deal.toml; a non-.toml name is bad input (exit 2) and writes nothing."""
    assert run(capsys, "init", str(tmp_path))[0] == 0
    assert (tmp_path / "deal.toml").exists()
    code, _, err = run(capsys, "init", str(tmp_path / "deal.json"))
    assert code == 2
    assert "give a name ending in .toml" in err
    assert not (tmp_path / "deal.json").exists()


def test_missing_deal_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A deal file that does not exist: exit 2, one 'error:' line naming the file, no traceback, nothing written."""
    missing = tmp_path / "nope.toml"
    code, out, err = run(capsys, "check", str(missing))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {missing}: file: cannot be read")
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_invalid_fields_are_all_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every problem of a deal file is listed, each on its own 'error:' line naming field, value and fix."""
    bad = tmp_path / "bad.toml"
    bad.write_text(DEMO.read_text().replace("price = 1.91", 'pirce = "abc"').replace("2.09", "-2.09"))
    code, out, err = run(capsys, "check", str(bad))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert all(line.startswith(f"error: {bad}: ") for line in lines)
    assert any("placing.pirce: is not a known field; did you mean placing.price?" in line for line in lines)
    assert any("market.last_close = -2.09: must be a positive number" in line for line in lines)
    assert any("placing.price: is required" in line for line in lines)


def test_wrong_deal_suffix_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A DEAL that is neither a deal file nor a workbook is refused with the accepted kinds named."""
    other = tmp_path / "deal.txt"
    other.write_text("x")
    code, _, err = run(capsys, "check", str(other))
    assert code == 2
    assert ".toml or .json deal file, or an .xlsx/.xlsm workbook" in err


def test_build_output_must_be_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """build -o with another extension is bad input (exit 2) and writes nothing."""
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(tmp_path / "r.xls"))
    assert code == 2
    assert "give a name ending in .xlsx" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_workers_must_be_positive(capsys: pytest.CaptureFixture[str], tmp_path: Path, workers: str) -> None:
    """--workers below 1 or not a number is a usage error (exit 2) naming the option."""
    code, _, err = run(capsys, "batch", str(tmp_path), "--out-dir", str(tmp_path), "--workers", workers)
    assert code == 2
    assert "--workers: must be a whole number of 1 or more" in err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown option exits 2 with usage and an 'error:' message."""
    code, _, err = run(capsys, "check", str(DEMO), "--jsn")
    assert code == 2
    assert "error: unrecognized arguments: --jsn" in err


def test_internal_error_is_one_line_unless_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug gives exit 70 and short 'error:' lines; --debug adds the traceback."""

    def broken(*_args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("xl_placement.api.compute", broken)
    code, _, err = run(capsys, "check", str(DEMO))
    assert code == 70
    assert "Traceback" not in err
    assert "error: internal error (ZeroDivisionError); rerun with --debug" in err
    code, _, err = run(capsys, "check", str(DEMO), "--debug")
    assert code == 70
    assert "Traceback (most recent call last)" in err
    assert "ZeroDivisionError: division by zero" in err


def test_debug_shows_traceback_for_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--debug (before or after the command) shows the traceback of an input error; the exit status stays 2."""
    missing = str(tmp_path / "nope.toml")
    for argv in (["--debug", "check", missing], ["check", missing, "--debug"]):
        code, _, err = run(capsys, *argv)
        assert code == 2
        assert "Traceback (most recent call last)" in err
        assert "DealError" in err


def test_installed_command_runs_as_a_process(tmp_path: Path) -> None:
    """The installed xl-placement script gives the exit status and message of a bad input as a real process."""
    result = subprocess.run(
        [str(EXE), "check", str(tmp_path / "nope.toml")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_start_up_is_light(tmp_path: Path) -> None:
    """A command that needs no workbook imports neither pandas nor openpyxl nor xlsxwriter nor xlwings."""
    code = (
        "import sys; from xl_placement import cli; "
        f"cli.main(['init', {str(tmp_path / 'deal.toml')!r}]); "
        "print(sorted(m for m in ('pandas', 'openpyxl', 'xlsxwriter', 'xlwings') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_workbook_needs_an_xlsm_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """workbook -o with a name not ending in .xlsm is bad input (exit 2), not an internal error, and writes nothing."""
    code, _, err = run(capsys, "workbook", "-o", str(tmp_path / "deal.xlsx"))
    assert code == 2
    assert "must end in .xlsm (e.g. deal.xlsm)" in err
    assert list(tmp_path.iterdir()) == []


def test_build_says_exists_before_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """build to an existing file (no --force) stops with exit 3 before the report is rendered."""

    def must_not_render(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rendered a report that cannot be saved")

    monkeypatch.setattr("xl_placement.report.render_report", must_not_render)
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"keep")
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(target))
    assert code == 3
    assert "already exists" in err
    assert target.read_bytes() == b"keep"


def test_console_that_cannot_show_the_name(tmp_path: Path) -> None:
    """On a cp1252 console a Chinese issuer name is escaped, not a crash: exit 0 and the figures still print."""
    deal = tmp_path / "cn.toml"
    deal.write_text(
        DEMO.read_text(encoding="utf-8").replace("SenseTime Group Inc.", "商汤集团"), encoding="utf-8"
    )
    result = subprocess.run(
        [str(EXE), "check", str(deal)],
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("cp1252")
    assert out.startswith("\\u5546\\u6c64\\u96c6\\u56e2 (0020.HKEX)")
    assert "discount to last close (HKD 2.09): 8.61%" in out


def test_reader_closing_the_pipe_is_not_an_error() -> None:
    """`xl-placement check ... | head -1`: when the reader closes the pipe early there is no error and no traceback."""
    run = subprocess.Popen([str(EXE), "check", str(DEMO)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None
    run.stdout.close()  # before the program has written anything
    _, err = run.communicate(timeout=60)
    assert run.returncode == 0
    assert err == b""

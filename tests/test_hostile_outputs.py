"""Faults on output beyond a single report (test_output.py and test_cli_build.py cover write_atomic and build).

A batch with one report open in Excel, and the placement workbook builder hitting a full
disk: the other outputs are complete, the previous files are byte-identical and no
temporary file is left.
"""

from __future__ import annotations

import csv
import errno
import os
from pathlib import Path

import pytest

from xl_placement import cli, output
from xl_placement.errors import OutputError
from xl_placement.workbook import build_workbook

CORPUS = Path(__file__).resolve().parent / "corpus"


def test_batch_with_one_report_open_in_excel_builds_the_others(tmp_path, capsys):
    """batch --force with row 2's report open in Excel: row 2 fails 'open', its old file stays, rows 10 and 13 are built."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    locked = out_dir / "row02-0001.xlsx"
    locked.write_bytes(b"the report someone has open")
    (out_dir / "~$row02-0001.xlsx").write_bytes(b"Excel owner file")
    code = cli.main(
        ["batch", str(CORPUS / "bad_batch.csv"), "--out-dir", str(out_dir), "--workers", "1", "--force"]
    )
    _, err = capsys.readouterr()
    assert code == cli.EXIT_FAILED
    assert f"{CORPUS / 'bad_batch.csv'} row 2: {locked} is open in Excel" in err
    assert locked.read_bytes() == b"the report someone has open"
    assert sorted(p.name for p in out_dir.iterdir()) == [  # nothing else: no temporary file
        "row02-0001.xlsx",
        "row10-0010.xlsx",
        "row13-0013.xlsx",
        "summary.csv",
        "summary.xlsx",
        "~$row02-0001.xlsx",
    ]
    with (out_dir / "summary.csv").open(encoding="utf-8-sig", newline="") as handle:
        statuses = {row["row"]: row["status"] for row in csv.DictReader(handle)}
    assert (statuses["2"], statuses["10"], statuses["13"]) == ("error", "incomplete", "incomplete")


def test_workbook_builder_on_a_full_disk_keeps_the_previous_workbook(tmp_path, monkeypatch):
    """ENOSPC while saving placement.xlsm raises OutputError saying so; the old file is byte-identical, no temp file."""
    target = tmp_path / "placement.xlsm"
    target.write_bytes(b"previous workbook")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(OutputError, match="the disk is full; the previous file is unchanged"):
        build_workbook(target, force=True)
    assert target.read_bytes() == b"previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["placement.xlsm"]  # no temporary file


@pytest.mark.parametrize("command", ["build", "init", "batch"])
def test_an_output_name_too_long_for_the_file_system_is_exit_3(command, tmp_path, capsys):
    """A 300-character output name (over the 255-byte limit): exit 3 naming the path and reason, not an internal error."""
    long = tmp_path / ("n" * 300)
    argv = {
        "build": ["build", str(CORPUS / "accepted_number_text.toml"), "-o", f"{long}.xlsx"],
        "init": ["init", f"{long}.toml"],
        "batch": ["batch", str(CORPUS / "bad_batch.csv"), "--out-dir", str(long), "--workers", "1"],
    }[command]
    code = cli.main(argv)
    _, err = capsys.readouterr()
    assert code == cli.EXIT_OUTPUT, err
    assert os.strerror(errno.ENAMETOOLONG) in err
    assert "internal error" not in err
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_with_a_name_too_long_is_an_output_error(tmp_path):
    """write_atomic itself turns a name the file system cannot look up into OutputError, leaving nothing behind."""
    with pytest.raises(OutputError, match=f"{os.strerror(errno.ENAMETOOLONG)}; no file was written"):
        output.write_atomic(tmp_path / ("n" * 300 + ".xlsx"), b"data")
    assert list(tmp_path.iterdir()) == []

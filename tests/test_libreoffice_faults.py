"""LibreOffice faults stay contained: a hang, a stop and a bad program, with a stand-in soffice.

The stand-in is a shell script that leaves a ``lu*.tmp`` folder in its temporary folder, as
LibreOffice does, writes its process id and then hangs (or makes its PDFs and then hangs), so
no real LibreOffice needs to hang for these tests.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xl_placement import libreoffice, pdf
from xl_placement.errors import DependencyMissingError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in program is a shell script")

EXE = Path(sys.executable).parent / "xl-placement"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sensetime.toml"

# Leaves LibreOffice's kind of temporary folder, records its pid, then hangs.
HANGS = """#!/bin/sh
mkdir -p "${TMPDIR:-/tmp}/lu$$.tmp"
echo $$ >> "PIDS"
exec sleep 300
"""
# Makes the PDF of its first file (a minimal one ending %%EOF), then hangs on the next.
FIRST_THEN_HANGS = """#!/bin/sh
echo $$ >> "PIDS"
out=""; first=""
while [ $# -gt 0 ]; do
  case "$1" in --outdir) out="$2"; shift;; *.xlsx) [ -z "$first" ] && first="$1";; esac
  shift
done
name=$(basename "$first" .xlsx)
printf '%%PDF-1.4\\n%%%%EOF\\n' > "$out/$name.pdf"
exec sleep 300
"""


def _fake(tmp_path: Path, script: str) -> Path:
    fake = tmp_path / "soffice"
    fake.write_text(script.replace('"PIDS"', f'"{tmp_path / "pids"}"'), encoding="utf-8")
    fake.chmod(0o755)
    return fake


def _pids(tmp_path: Path) -> list[int]:
    path = tmp_path / "pids"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers: read its state.
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(")")[-1].split()[0] == "Z")


def _wait_for(condition, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _workbooks(tmp_path: Path, count: int) -> list[Path]:
    folder = tmp_path / "books"
    folder.mkdir()
    paths = []
    for index in range(count):
        path = folder / f"report{index}.xlsx"
        path.write_bytes(b"PK\x05\x06" + bytes(18))  # the stand-in never reads it
        paths.append(path)
    return paths


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_pdf_leaves_no_libreoffice_folder_and_no_libreoffice(tmp_path, signum):
    """SIGTERM or Ctrl-C while LibreOffice converts: exit 143/130, no lu*.tmp left, LibreOffice stopped."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, libreoffice.SOFFICE_ENV: str(_fake(tmp_path, HANGS)), "TMPDIR": str(temp)}
    process = subprocess.Popen(
        [str(EXE), "build", str(EXAMPLE), "-o", str(tmp_path / "r.xlsx"), "--pdf"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: _pids(tmp_path))
    _wait_for(lambda: any(temp.rglob("lu*.tmp")))
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr
    assert not list(temp.rglob("lu*.tmp"))
    assert not list(temp.iterdir())  # nothing else either
    assert not any(_alive(pid) for pid in _pids(tmp_path))
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_hung_libreoffice_is_asked_once_and_the_rest_fail_within_one_timeout(
    tmp_path, monkeypatch, workers
):
    """After a hang, the remaining PDFs fail with the reason within about one timeout, not one per file."""
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(_fake(tmp_path, HANGS)))
    books = _workbooks(tmp_path, 6)
    timeout = 1.0
    started = time.monotonic()
    failed = pdf.export_pdfs(books, workers=workers, timeout=timeout)
    elapsed = time.monotonic() - started
    assert set(failed) == set(books)
    assert all("took longer than 1 seconds" in why for why in failed.values())
    assert any("was not asked again" in why for why in failed.values())
    assert elapsed < 6 * timeout + 10  # one timeout per worker (plus start-up), not one per file
    assert len(_pids(tmp_path)) == workers  # one LibreOffice per worker, never asked again
    assert not any(_alive(pid) for pid in _pids(tmp_path))
    assert not any(p.with_suffix(".pdf").exists() for p in books)


def test_the_pdfs_made_before_a_hang_are_kept(tmp_path, monkeypatch):
    """LibreOffice makes the first PDF and hangs on the second: the first is written, the others fail."""
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(_fake(tmp_path, FIRST_THEN_HANGS)))
    books = _workbooks(tmp_path, 3)
    failed = pdf.export_pdfs(books, workers=1, timeout=1.0)
    assert set(failed) == set(books[1:])
    assert books[0].with_suffix(".pdf").read_bytes().rstrip().endswith(b"%%EOF")


def test_stopping_a_batch_stops_every_libreoffice_it_started(tmp_path):
    """SIGTERM to `batch --pdf` with two workers: exit 143 with one line, and no LibreOffice outlives it."""
    deals = tmp_path / "deals"
    deals.mkdir()
    for index in range(4):
        (deals / f"deal{index}.toml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, libreoffice.SOFFICE_ENV: str(_fake(tmp_path, HANGS)), "TMPDIR": str(temp)}
    process = subprocess.Popen(
        [str(EXE), "batch", str(deals), "--out-dir", str(tmp_path / "out"), "--pdf", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: len(_pids(tmp_path)) == 2, seconds=60)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143, stderr
    assert stderr.strip().splitlines()[-1].startswith("error: stopped (SIGTERM)")
    assert "Traceback" not in stderr
    _wait_for(lambda: not any(_alive(pid) for pid in _pids(tmp_path)), seconds=10)
    _wait_for(lambda: not list(temp.rglob("lu*.tmp")), seconds=10)


def test_a_soffice_that_is_not_a_program_is_a_missing_program(tmp_path, monkeypatch):
    """XL_PLACEMENT_SOFFICE naming a file that cannot run: exit 4 ("a required program is missing")."""
    not_a_program = tmp_path / "soffice.txt"
    not_a_program.write_text("not a program\n", encoding="utf-8")
    env = {**os.environ, libreoffice.SOFFICE_ENV: str(not_a_program)}
    result = subprocess.run(
        [str(EXE), "build", str(EXAMPLE), "-o", str(tmp_path / "r.xlsx"), "--pdf"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 4, result.stderr
    assert f"{libreoffice.SOFFICE_ENV} names {not_a_program}" in result.stderr
    assert not (tmp_path / "r.xlsx").exists()
    # Executable but not a program the system can start (no #! line): also a missing program.
    not_a_program.chmod(0o755)
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(not_a_program))
    with pytest.raises(DependencyMissingError, match="could not be started"):
        libreoffice.convert(_workbooks(tmp_path, 1)[0], tmp_path / "out", "pdf")

"""Faults from outside: signals at any moment, a killed main process, killed runs' leftovers, all-or-nothing outputs."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xl_placement import cli, output
from xl_placement.errors import ConversionError

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "sensetime.toml"
DEALS_CSV = ROOT / "examples" / "deals.csv"
COMMAND = Path(sys.executable).with_name("xl-placement")


def _many_deals(folder: Path, count: int) -> Path:
    rows = DEALS_CSV.read_text(encoding="utf-8").splitlines()
    source = folder / "many.csv"
    source.write_text("\n".join([rows[0], *(rows[1 + i % 2] for i in range(count))]) + "\n", encoding="utf-8")
    return source


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_batch(tmp_path: Path) -> tuple[subprocess.Popen[str], Path, list[int]]:
    out_dir = tmp_path / "out"
    argv = [
        str(COMMAND),
        "batch",
        str(_many_deals(tmp_path, 300)),
        "--out-dir",
        str(out_dir),
        "--workers",
        "2",
    ]
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while not (out_dir.exists() and any(out_dir.glob("row*.xlsx"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(process.pid)
    assert len(workers) == 2  # the premise: two workers are building reports
    return process, out_dir, workers


def _workers_end(workers: list[int], within: float = 5.0) -> list[int]:
    deadline = time.monotonic() + within
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in workers if _running(pid)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
def test_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    """SIGKILL of the batch's main process alone: both workers are gone within 5 s, leaving no temporary file."""
    process, out_dir, workers = _start_batch(tmp_path)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert _workers_end(workers) == []
    assert sorted(out_dir.glob(".*.tmp")) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
def test_sigterm_to_the_main_process_stops_the_batch(tmp_path: Path) -> None:
    """SIGTERM to the main process alone (a container stop): exit 143 with one line, workers gone, nothing half-written."""
    process, out_dir, workers = _start_batch(tmp_path)
    os.kill(process.pid, signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143
    assert err.splitlines()[-1].startswith("error: stopped (SIGTERM)")
    assert "Traceback" not in err
    assert _workers_end(workers) == []
    assert sorted(out_dir.glob(".*.tmp")) == []
    assert not (out_dir / "summary.csv").exists()


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.45])
def test_ctrl_c_at_any_moment_is_exit_130_without_a_traceback(delay: float, tmp_path: Path) -> None:
    """SIGINT during start-up, imports or work ends `xl-placement build` with 130 and no traceback from our code.

    Before Python has installed its own handler the process simply dies of SIGINT, which a
    shell also shows as 130. A Ctrl-C inside Python's own start-up (its site module, or
    while the console script imports the tiny launcher module) comes before any
    xl-placement code can run: Python reports it, and no frame of it is ours.
    """
    target = tmp_path / "r.xlsx"
    process = subprocess.Popen(
        [str(COMMAND), "build", str(DEMO), "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    ours = [line for line in err.splitlines() if line.strip().startswith("File ") and _our_file(line)]
    assert ours == [], err
    if "Traceback" not in err:
        assert process.returncode in {0, 130, -signal.SIGINT}, err
    if process.returncode == 130:
        assert err.splitlines()[-1].startswith("error: interrupted")
    assert sorted(tmp_path.glob(".*.tmp")) == []


def _our_file(line: str) -> bool:
    return f"{os.sep}xl_placement{os.sep}" in line or "xl_placement_cli.py" in line


def test_a_later_run_removes_stale_temporary_files(tmp_path: Path) -> None:
    """A temporary file of a dead process, over a minute old, is removed by the next write into its folder; others stay."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(dead.stdout)
    old = time.time() - 3600
    stale = tmp_path / f".report.xlsx.{dead_pid}.0123abcd.tmp"
    fresh = tmp_path / f".report.xlsx.{dead_pid}.4567abcd.tmp"
    mine = tmp_path / f".other.xlsx.{os.getpid()}.89abcdef.tmp"
    foreign = tmp_path / f".notes.{dead_pid}.tmp"
    for path in (stale, fresh, mine, foreign):
        path.write_bytes(b"x")
    for path in (stale, mine, foreign):
        os.utime(path, (old, old))
    output._swept.discard(tmp_path)
    output.write_atomic(tmp_path / "new.xlsx", b"data")
    assert not stale.exists()
    assert fresh.exists()  # too young: perhaps another machine's run on a shared folder
    assert mine.exists()  # this process's own
    assert foreign.exists()  # not of our naming


def test_a_later_run_removes_stale_temporary_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed run's LibreOffice profile or PDF folder in the temp folder is removed by the next run that needs one."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    stale = tmp_path / f"xl-placement-lo-{int(dead.stdout)}-abc123"
    (stale / "profile").mkdir(parents=True)
    old = time.time() - 3600
    os.utime(stale, (old, old))
    other = tmp_path / "someone-else-123-abc"
    other.mkdir()
    os.utime(other, (old, old))
    output._swept.discard(tmp_path)
    with output.temp_dir("pdf") as work:
        assert Path(work).name.startswith(f"xl-placement-pdf-{os.getpid()}-")
    assert not stale.exists()
    assert other.exists()


def test_build_pdf_that_fails_writes_neither_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--pdf when LibreOffice fails: exit 3, and neither the report nor the PDF is written."""
    monkeypatch.setattr("xl_placement.libreoffice.find_soffice", lambda: "/usr/bin/true")

    def broken(*_args: object, **_kwargs: object) -> Path:
        raise ConversionError("LibreOffice could not convert r.xlsx to pdf (exit code 1): crashed")

    monkeypatch.setattr("xl_placement.pdf.convert", broken)
    target = tmp_path / "r.xlsx"
    code = cli.main(["build", str(DEMO), "-o", str(target), "--pdf"])
    err = capsys.readouterr().err
    assert code == 3
    assert f"neither {target} nor {tmp_path / 'r.pdf'} was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_build_pdf_whose_save_fails_keeps_the_previous_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--pdf --force when the disk fills while saving the PDF: the report is taken back to its previous bytes."""
    monkeypatch.setattr("xl_placement.libreoffice.find_soffice", lambda: "/usr/bin/true")

    def rendered(_source: Path, out_dir: Path, *_args: object, **_kwargs: object) -> Path:
        made = Path(out_dir) / "r.pdf"
        made.parent.mkdir(parents=True, exist_ok=True)
        made.write_bytes(b"%PDF-new")
        return made

    monkeypatch.setattr("xl_placement.pdf.convert", rendered)
    report, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    report.write_bytes(b"old report")
    pdf.write_bytes(b"%PDF-old")
    real_write = output.write_atomic

    def full_on_pdf(path: str | Path, data: bytes, *, force: bool = False) -> Path:
        if Path(path).suffix == ".pdf" and data == b"%PDF-new":
            raise output.OutputError(
                f"could not save {path}: the disk is full; the previous file is unchanged"
            )
        return real_write(path, data, force=force)

    monkeypatch.setattr(output, "write_atomic", full_on_pdf)
    code = cli.main(["build", str(DEMO), "-o", str(report), "--pdf", "--force"])
    err = capsys.readouterr().err
    assert code == 3
    assert "the disk is full" in err
    assert f"{report} was taken back too, so no file was changed" in err
    assert report.read_bytes() == b"old report"
    assert pdf.read_bytes() == b"%PDF-old"
    assert sorted(tmp_path.glob(".*.tmp")) == []


def test_batch_into_a_full_disk_writes_neither_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A batch whose summary.csv cannot be saved (disk full) leaves no summary.xlsx either: exit 3."""
    real_write = output.write_atomic

    def full_on_csv(path: str | Path, data: bytes, *, force: bool = False) -> Path:
        if Path(path).name == "summary.csv":
            raise output.OutputError(
                f"could not save {path}: {output._reason(OSError(errno.ENOSPC, 'full'))}; no file was written"
            )
        return real_write(path, data, force=force)

    monkeypatch.setattr(output, "write_atomic", full_on_csv)
    out_dir = tmp_path / "out"
    code = cli.main(["batch", str(DEALS_CSV), "--out-dir", str(out_dir), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 3
    assert "summary.csv: the disk is full" in err
    assert not (out_dir / "summary.xlsx").exists()
    assert not (out_dir / "summary.csv").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_sigterm_during_python_shutdown_never_ends_the_process_silently() -> None:
    """A SIGTERM after the last clean-up is held (exit 0), one just before it gives 143 and the one line.

    Before, a SIGTERM during Python's own shutdown (its handlers gone) ended a finished batch with
    status -15 and no message.
    """
    late = (
        "import os, signal, xl_placement_cli as c\n"
        "c._exit_if_stopped()\n"  # the last clean-up at exit: from here on signals are held
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "print('finished')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", late], capture_output=True, text=True, check=False, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "finished\n", "")
    just_before = (
        "import os, signal, xl_placement_cli as c\n"
        "signal.signal(signal.SIGTERM, c._remember)\n"  # the command has finished
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "c._exit_if_stopped()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", just_before], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 143
    assert result.stderr == "error: stopped (SIGTERM); no file was left half-written\n"

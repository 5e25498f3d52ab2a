"""xl-placement build and batch end to end: reports written, summaries right, output faults reported safely."""

from __future__ import annotations

import csv
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xl_placement import cli, output

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "sensetime.toml"
DEALS_CSV = ROOT / "examples" / "deals.csv"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_build_writes_the_report_to_the_default_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """build DEAL writes out/<deal name>.xlsx in the current folder, a workbook, and prints the demo's figures and path."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "build", str(DEMO))
    assert (code, err) == (0, "")
    report = Path("out") / "sensetime.xlsx"
    assert out.splitlines()[-1] == f"report: {report}"
    assert "discount to last close (HKD 2.09): 8.61%" in out
    assert "gross proceeds: HKD 3,247.0m (USD 415.2m at 7.8203)" in out
    assert "[pass] HKEX Rule 13.36(5)" in out
    assert openpyxl.load_workbook(report).sheetnames
    assert leftovers(tmp_path) == []


def test_build_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second build to the same file exits 3 and leaves it byte-identical; --force replaces it."""
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"precious")
    code, out, err = run(capsys, "build", str(DEMO), "-o", str(target))
    assert (code, out) == (3, "")
    assert (
        err
        == f"error: {target} already exists; it was not replaced (use --force to replace it, or choose another output path)\n"
    )
    assert target.read_bytes() == b"precious"
    assert run(capsys, "build", str(DEMO), "-o", str(target), "--force")[0] == 0
    assert openpyxl.load_workbook(target).sheetnames


def test_build_over_a_file_open_in_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With Excel's ~$ owner file beside the target, build --force says it is open (exit 3) and changes nothing."""
    target = tmp_path / "sensetime.xlsx"
    target.write_bytes(b"open in Excel")
    (tmp_path / "~$sensetime.xlsx").write_bytes(b"owner")
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(target), "--force")
    assert code == 3
    assert "is open in Excel" in err
    assert target.read_bytes() == b"open in Excel"


def test_build_when_replace_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PermissionError on the final replace (Windows: open in another program) gives exit 3, old file, no temp file."""
    target = tmp_path / "sensetime.xlsx"
    target.write_bytes(b"old")

    def locked(*_args: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output.os, "replace", locked)
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(target), "--force")
    assert code == 3
    assert err.startswith(f"error: {target} is open in another program")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_build_when_the_disk_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ENOSPC while saving the report gives exit 3 'the disk is full', the old report intact, no temp file."""
    target = tmp_path / "sensetime.xlsx"
    target.write_bytes(b"old")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(target), "--force")
    assert code == 3
    assert "the disk is full; the previous file is unchanged" in err
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_build_into_a_path_under_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o under a path that is a file (a folder that cannot be created) exits 3 with the reason."""
    blocker = tmp_path / "out"
    blocker.write_text("a file")
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(blocker / "r.xlsx"))
    assert code == 3
    assert "part of the path is a file" in err


def test_build_refuses_to_replace_its_own_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o naming the deal itself is refused even with --force (exit 2): the input is never overwritten."""
    deal = tmp_path / "deal.xlsx"
    deal.write_bytes(b"the user's workbook")
    code, _, err = run(capsys, "build", str(deal), "-o", str(deal), "--force")
    assert code == 2
    assert "that is the deal itself" in err
    assert deal.read_bytes() == b"the user's workbook"


def test_build_pdf_without_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--pdf with no LibreOffice exits 4 with an install hint, before any file is written."""
    monkeypatch.setattr("xl_placement.libreoffice.find_soffice", lambda: None)
    code, _, err = run(capsys, "build", str(DEMO), "-o", str(tmp_path / "r.xlsx"), "--pdf")
    assert code == 4
    assert "--pdf needs LibreOffice" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.libreoffice
def test_build_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--pdf writes a PDF beside the report and prints both paths."""
    target = tmp_path / "demo.xlsx"
    code, out, _ = run(capsys, "build", str(DEMO), "-o", str(target), "--pdf")
    assert code == 0
    pdf = tmp_path / "demo.pdf"
    assert out.splitlines()[-2:] == [f"report: {target}", f"pdf: {pdf}"]
    assert pdf.read_bytes().startswith(b"%PDF")


def read_summary(folder: Path) -> list[dict[str, str]]:
    with (folder / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_batch_csv_with_a_bad_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad row is reported with its row number and field; the good rows still get reports; exit 1."""
    rows = DEALS_CSV.read_text(encoding="utf-8").splitlines()
    bad = rows[1].replace("1.91", "1.9x1").replace("SenseTime Group Inc.", "=HYPERLINK(1)")
    source = tmp_path / "deals.csv"
    source.write_text("\n".join([rows[0], rows[1], bad, rows[2]]) + "\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "batch", str(source), "--out-dir", str(out_dir), "--workers", "2")
    assert code == 1
    assert err == f"error: {source} row 3: placing.price = '1.9x1': must be a number\n"
    assert "3 deals: 0 passed, 0 failed, 2 incomplete, 1 not built (error)" in out
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "row2-0020.xlsx",
        "row4-1211.xlsx",
        "summary.csv",
        "summary.xlsx",
    ]
    summary = read_summary(out_dir)
    assert [(r["row"], r["status"]) for r in summary] == [
        ("2", "incomplete"),
        ("3", "error"),
        ("4", "incomplete"),
    ]
    assert Decimal(summary[0]["gross proceeds"]) == Decimal(3_247_000_000)
    assert round(Decimal(summary[0]["discount to last close"]) * 100, 1) == Decimal("8.6")
    assert Decimal(summary[2]["net proceeds"]) == Decimal(43_382_960_000)  # BYD: HK$43,383m net
    assert summary[1]["error"] == f"{source} row 3: placing.price = '1.9x1': must be a number"
    # SenseTime's row gives its six placees (as examples/sensetime.toml does); BYD's gives neither input.
    assert summary[0]["incomplete checks"] == (
        "HKEX Rule 13.36(2)(b) (decided by placing.mandate_limit, placing.mandate_used)"
    )
    assert summary[2]["incomplete checks"] == (
        "HKEX Rule 13.36(2)(b) (decided by placing.mandate_limit, placing.mandate_used); "
        "HKEX placing disclosure (decided by placing.min_placees)"
    )
    workbook = openpyxl.load_workbook(out_dir / "summary.xlsx")
    cells = [c for row in workbook.active.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)


def test_batch_folder_of_deal_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder of deal files gives one report per file, named after it (from the summary's folder), and exit 0."""
    folder = tmp_path / "deals"
    folder.mkdir()
    for name in ("sensetime.toml", "byd.toml"):
        shutil.copy(ROOT / "examples" / name, folder / name)
    code, out, _ = run(capsys, "batch", str(folder), "--out-dir", str(tmp_path / "out"))
    assert code == 0
    assert "2 deals: 0 passed, 0 failed, 2 incomplete, 0 not built (error)" in out
    assert {r["report"] for r in read_summary(tmp_path / "out")} == {"byd.xlsx", "sensetime.xlsx"}


def test_batch_keeps_existing_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --force an existing summary stops the run (exit 3) before any work; an existing report fails its row only."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "summary.csv").write_text("old")
    code, _, err = run(capsys, "batch", str(DEALS_CSV), "--out-dir", str(out_dir))
    assert code == 3
    assert "summary.csv already exists; it was not replaced (use --force to replace it" in err
    assert sorted(p.name for p in out_dir.iterdir()) == ["summary.csv"]
    (out_dir / "summary.csv").unlink()
    (out_dir / "row2-0020.xlsx").write_bytes(b"keep me")
    code, _, err = run(capsys, "batch", str(DEALS_CSV), "--out-dir", str(out_dir), "--workers", "1")
    assert code == 1
    assert "row 2: " in err
    assert "row2-0020.xlsx already exists; it was not replaced (use --force to replace it" in err
    assert (out_dir / "row2-0020.xlsx").read_bytes() == b"keep me"
    assert (out_dir / "row3-1211.xlsx").exists()


def test_batch_out_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out-dir naming a file is an output error (exit 3)."""
    blocker = tmp_path / "out"
    blocker.write_text("x")
    code, _, err = run(capsys, "batch", str(DEALS_CSV), "--out-dir", str(blocker))
    assert code == 3
    assert "is a file; give a folder" in err


def test_batch_bad_header_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A repeated column stops the batch before any deal runs (exit 2), naming the column."""
    source = tmp_path / "d.csv"
    source.write_text("issuer.name,issuer.name\na,b\n")
    code, _, err = run(capsys, "batch", str(source), "--out-dir", str(tmp_path / "out"))
    assert code == 2
    assert "column 2 'issuer.name': repeats column" in err
    assert not (tmp_path / "out").exists()


def test_batch_is_quiet_when_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With output captured (not a terminal) no progress bar is drawn: stderr stays empty on success."""
    code, _, err = run(capsys, "batch", str(DEALS_CSV), "--out-dir", str(tmp_path))
    assert (code, err) == (0, "")


def test_many_rows_in_parallel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Forty rows over four processes each get their own complete report, in row order in the summary."""
    rows = DEALS_CSV.read_text(encoding="utf-8").splitlines()
    source = tmp_path / "many.csv"
    source.write_text("\n".join([rows[0], *(rows[1 + i % 2] for i in range(40))]) + "\n", encoding="utf-8")
    code, _, _ = run(capsys, "batch", str(source), "--out-dir", str(tmp_path / "out"), "--workers", "4")
    assert code == 0
    summary = read_summary(tmp_path / "out")
    assert [int(r["row"]) for r in summary] == list(range(2, 42))
    for record in summary:  # each report named from the summary's folder
        assert openpyxl.load_workbook(tmp_path / "out" / record["report"]).sheetnames
    assert len(list((tmp_path / "out").iterdir())) == 42


def test_two_runs_building_the_same_report_at_once(tmp_path: Path) -> None:
    """Two xl-placement processes forcing the same target at once both finish; the file is one complete workbook."""
    target = tmp_path / "same.xlsx"
    target.write_bytes(b"old")
    exe = Path(sys.executable).with_name("xl-placement")
    argv = [str(exe), "build", str(DEMO), "-o", str(target), "--force"]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    for run in runs:
        run.communicate(timeout=120)
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert openpyxl.load_workbook(target).sheetnames
    assert leftovers(tmp_path) == []


def test_two_runs_creating_the_same_new_report(tmp_path: Path) -> None:
    """Without --force, of three processes racing to create one new report exactly one wins; the others exit 3."""
    target = tmp_path / "new.xlsx"
    exe = Path(sys.executable).with_name("xl-placement")
    argv = [str(exe), "build", str(DEMO), "-o", str(target)]
    runs = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    results = [(run.returncode, err) for run, (_, err) in zip(runs, outputs, strict=True)]
    assert sorted(code for code, _ in results) == [0, 3, 3]
    assert all("already exists" in err for code, err in results if code == 3)
    assert openpyxl.load_workbook(target).sheetnames
    assert leftovers(tmp_path) == []


def test_build_and_check_from_a_deal_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A placement.xlsm's Inputs sheet is a DEAL too: check passes and build prints the demo's 8.61% and 4.0357%."""
    from xl_placement.workbook import build_workbook  # noqa: PLC0415

    book = build_workbook(tmp_path / "placement.xlsm")
    code, out, err = run(capsys, "check", str(book))
    assert (code, err) == (0, "")
    code, out, err = run(capsys, "build", str(book), "-o", str(tmp_path / "from-workbook.xlsx"))
    assert (code, err) == (0, "")
    assert "discount to last close (HKD 2.09): 8.61%" in out
    assert "4.0357% of enlarged" in out
    assert openpyxl.load_workbook(tmp_path / "from-workbook.xlsx").sheetnames


def test_a_fake_workbook_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A text file named .xlsx is refused as not a workbook (exit 2, one line, no traceback)."""
    fake = tmp_path / "deal.xlsx"
    fake.write_text("issuer,price\nX,1\n")
    code, out, err = run(capsys, "build", str(fake), "-o", str(tmp_path / "r.xlsx"))
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert "Traceback" not in err
    assert not (tmp_path / "r.xlsx").exists()


def test_ctrl_c_stops_a_batch_cleanly(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the process group) stops a parallel batch promptly: exit 130, no temp files, no summary."""
    rows = DEALS_CSV.read_text(encoding="utf-8").splitlines()
    source = tmp_path / "many.csv"
    source.write_text("\n".join([rows[0], *(rows[1 + i % 2] for i in range(300))]) + "\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    exe = Path(sys.executable).with_name("xl-placement")
    argv = [str(exe), "batch", str(source), "--out-dir", str(out_dir), "--workers", "2"]
    run = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while not (out_dir.exists() and any(out_dir.glob("row*.xlsx"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130
    assert err.splitlines()[-1].startswith("error: interrupted")
    assert "Traceback" not in err
    assert leftovers(out_dir) == []
    assert not (out_dir / "summary.csv").exists()
    reports = list(out_dir.glob("row*.xlsx"))
    assert 0 < len(reports) < 300
    for report in reports:
        assert openpyxl.load_workbook(report).sheetnames  # every file written is complete


HOSTILE = {
    "issuer.name": '=HYPERLINK("http://example.com","click")',
    "placing.agents.0": "+cmd|' /C calc'!A0",
    "fx.source": "@SUM(1+1)",
    "proceeds.uses.0.name": "-2+3",
    "proceeds.uses.1.name": "#N/A",
}


def test_formula_text_in_a_csv_stays_text_in_every_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cells starting with = + - @ or reading #N/A reach the report and summary.xlsx as plain text, never formulas."""
    with DEALS_CSV.open(encoding="utf-8", newline="") as stream:
        header, demo, _ = list(csv.reader(stream))
    for column, value in HOSTILE.items():
        demo[header.index(column)] = value
    source = tmp_path / "hostile.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, demo])
    code, _, err = run(capsys, "batch", str(source), "--out-dir", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    for name in ("row2-0020.xlsx", "summary.xlsx"):
        workbook = openpyxl.load_workbook(tmp_path / "out" / name)
        cells = [
            c
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        ]
        found = {c.value for c in cells if c.value in HOSTILE.values()}
        assert "=HYPERLINK" not in " ".join(str(c.value) for c in cells if c.data_type == "f")
        assert all(c.data_type == "s" for c in cells if c.value in HOSTILE.values()), name
        expected = set(HOSTILE.values()) if name.startswith("row") else {HOSTILE["issuer.name"]}
        assert found == expected, name


def test_batch_folder_with_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In a folder (even one named like 'row 1'), a bad deal file fails alone, named with its TOML field path."""
    folder = tmp_path / "deals row 1"
    folder.mkdir()
    shutil.copy(DEMO, folder / "good.toml")
    text = DEMO.read_text().replace("share = 0.40", 'share = "forty"')
    (folder / "bad.toml").write_text(text)
    code, _, err = run(capsys, "batch", str(folder), "--out-dir", str(tmp_path / "out"))
    assert code == 1
    assert err.startswith(
        f"error: {folder / 'bad.toml'}: proceeds.uses[0].share = 'forty': must be a fraction"
    )
    statuses = {Path(r["source"]).name: r["status"] for r in read_summary(tmp_path / "out")}
    assert statuses == {"bad.toml": "error", "good.toml": "incomplete"}


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal (a pseudo-terminal here) batch draws the bar up to 'N/N deals' on standard error."""
    import pty  # noqa: PLC0415 - POSIX only, like the CI machines

    main_fd, terminal_fd = pty.openpty()
    exe = Path(sys.executable).with_name("xl-placement")
    argv = [str(exe), "batch", str(DEALS_CSV), "--out-dir", str(tmp_path / "out"), "--workers", "1"]
    with subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=terminal_fd) as run:
        os.close(terminal_fd)
        chunks = []
        while True:
            try:
                chunk = os.read(main_fd, 1024)
            except OSError:  # the terminal closed when the program ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert run.wait(timeout=60) == 0
    os.close(main_fd)
    shown = b"".join(chunks).decode()
    assert "\r[" in shown
    assert "] 2/2 deals" in shown

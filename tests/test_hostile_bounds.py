"""Hostile inputs too large to keep in tests/corpus/: each made here, run as a real process and measured.

Every reader is bounded (docs/security.md): each case is refused, or read, within 5 s of
processor time and 200 MB, with exit status 2 and a message naming the file and what is
wrong, never exit 70. The large files are made once per session.
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from bounded import measure
from hostile_workbooks import SOURCE

from xl_placement.dealfile import MAX_DEAL_FILE_BYTES, MAX_DEAL_FILES
from xl_placement.safe_csv import MAX_CSV_LINE_BYTES, MAX_CSV_ROWS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEAL = EXAMPLES / "sensetime.toml"
PRECEDENTS = EXAMPLES / "precedents.csv"


def _refused(run, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert run.status == 2, run.stderr
    assert fragment in run.stderr, run.stderr
    assert run.stderr.startswith("error: ")
    assert "Traceback" not in run.stderr
    assert run.within_bounds(), run


@pytest.fixture(scope="session")
def blank_lines_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """19.9 MB of blank lines below a precedents header (it took 1.55 GB and 17.7 s: parsed whole first)."""
    path = tmp_path_factory.mktemp("csv") / "blank.csv"
    header = PRECEDENTS.read_bytes().split(b"\n", 1)[0] + b"\n"
    path.write_bytes(header + b"\r\n" * 9_950_000)
    return path


def test_a_precedents_csv_of_blank_lines_is_refused_as_read(blank_lines_csv, tmp_path):
    """The rows are counted as they are read: the 10,001st row stops the reading."""
    run = measure(
        "build", str(DEAL), "-o", str(tmp_path / "r.xlsx"), "--precedents", str(blank_lines_csv), cwd=tmp_path
    )
    _refused(run, f"{blank_lines_csv}: has more than {MAX_CSV_ROWS:,} rows below the header")
    assert not (tmp_path / "r.xlsx").exists()


def test_a_batch_csv_of_blank_lines_is_refused_by_the_same_reader(blank_lines_csv, tmp_path):
    """A batch reads CSV through the same reader, with the same limits."""
    run = measure("batch", str(blank_lines_csv), "--out-dir", str(tmp_path / "out"), cwd=tmp_path)
    _refused(run, f"{blank_lines_csv}: has more than {MAX_CSV_ROWS:,} rows below the header")
    assert not (tmp_path / "out").exists()


def test_a_csv_line_without_end_is_refused(tmp_path):
    """One line of millions of empty cells is refused at the line limit, not split into a list first."""
    path = tmp_path / "commas.csv"
    path.write_bytes(PRECEDENTS.read_bytes().split(b"\n", 1)[0] + b"\n" + b"," * (MAX_CSV_LINE_BYTES + 10))
    run = measure("build", str(DEAL), "-o", str(tmp_path / "r.xlsx"), "--precedents", str(path), cwd=tmp_path)
    _refused(run, f"a line is longer than {MAX_CSV_LINE_BYTES:,} bytes")


def test_a_folder_of_too_many_deal_files_is_refused_before_any_is_read(tmp_path_factory, tmp_path):
    """A folder of 10,001 deal files (12,000 took 43.8 s and 411 MB): refused as a CSV of 10,001 rows is."""
    folder = tmp_path_factory.mktemp("many")
    for index in range(MAX_DEAL_FILES + 1):
        (folder / f"d{index:05d}.toml").write_bytes(b"")
    expected = f"{folder}: holds more than {MAX_DEAL_FILES:,} deal files, the limit for a folder"
    run = measure(
        "build", str(DEAL), "-o", str(tmp_path / "r.xlsx"), "--precedents", str(folder), cwd=tmp_path
    )
    _refused(run, expected)
    run = measure("batch", str(folder), "--out-dir", str(tmp_path / "out"), cwd=tmp_path)
    _refused(run, expected)


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_a_deal_file_of_150000_unknown_keys_lists_the_first_and_counts_the_rest(tmp_path, suffix):
    """400,000 took 20.9 s and printed 400,000 lines: now the first ten, each with a suggestion, and a count."""
    keys = [f"k{index}" for index in range(150_000)]
    path = tmp_path / f"keys{suffix}"
    if suffix == ".json":
        text = json.dumps(
            {"issuer": {"name": "Corpus"}, "placing": dict.fromkeys(keys, 1)}, separators=(",", ":")
        )
    else:
        text = '[issuer]\nname = "Corpus"\n[placing]\n' + "".join(f"{key} = 1\n" for key in keys)
    assert len(text) < MAX_DEAL_FILE_BYTES
    path.write_text(text, encoding="utf-8")
    run = measure("check", str(path), cwd=tmp_path)
    _refused(run, f"{path}: file: ... and 149,990 more unknown names, not listed")
    lines = run.stderr.splitlines()
    assert sum("is not a known field" in line for line in lines) == 10
    assert len(lines) < 25


def test_check_json_gives_json_for_a_huge_exponent(tmp_path):
    """`check --json` on new_shares = "1e999999999" prints the problem as JSON (it printed nothing: exit 70)."""
    source = Path(__file__).resolve().parent / "corpus" / "bad_deals" / "new_shares_exponent_999999999.json"
    run = measure("check", "--json", str(source), cwd=tmp_path)
    assert run.status == 2, run.stderr
    problems = json.loads(run.stdout)["problems"]
    assert [(p["path"], p["value"]) for p in problems] == [("placing.new_shares", "1e999999999")]
    assert run.within_bounds(), run


@pytest.mark.parametrize("column", ["new_shares", "price", "gross_proceeds", "discount_to_last_close"])
def test_a_precedent_with_a_huge_exponent_names_its_row_and_column(tmp_path, column):
    """A precedents cell of 1e999999999 (decimal.Overflow, exit 70) is exit 2 naming the row and column."""
    rows = list(csv.DictReader(io.StringIO(PRECEDENTS.read_text(encoding="utf-8"))))
    rows[0][column] = "1e999999999"
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "precedents.csv"
    path.write_text(stream.getvalue(), encoding="utf-8")
    run = measure("build", str(DEAL), "-o", str(tmp_path / "r.xlsx"), "--precedents", str(path), cwd=tmp_path)
    _refused(run, f"{path}, row 2, column {column} = '1e999999999': ")


def test_a_precedent_source_with_a_bidirectional_control_is_refused(tmp_path):
    """The source passes the one-line check every text passes (it let U+202E through)."""
    text = PRECEDENTS.read_text(encoding="utf-8").replace(
        "https://reportify.cn/filings/119", "\u202etxt.exe", 1
    )
    path = tmp_path / "precedents.csv"
    path.write_text(text, encoding="utf-8")
    run = measure("build", str(DEAL), "-o", str(tmp_path / "r.xlsx"), "--precedents", str(path), cwd=tmp_path)
    _refused(run, "row 2, column source = '\\u202etxt.exe")
    assert "holds the bidirectional control U+202E" in run.stderr


@pytest.fixture(scope="session")
def many_relationships(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """placement.xlsm with 4.9 MB of relationships that do not compress (it took 8 s and 300 MB: parsed again and again)."""
    randomness = random.Random(26)  # noqa: S311 - the same workbook each run, not a secret
    extra = "".join(
        f'<Relationship Id="x{randomness.getrandbits(64):016x}" Type="http://x/{randomness.getrandbits(64):x}" '
        f'Target="none/{randomness.getrandbits(64):x}.xml"/>'
        for _ in range(40_000)
    )
    path = tmp_path_factory.mktemp("rels") / "rels.xlsm"
    with zipfile.ZipFile(SOURCE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
                assert 4_000_000 < len(data) < 5 * 1024 * 1024  # under the limit for a part read whole
            out.writestr(info.filename, data)
    return path


def test_a_workbook_with_a_large_relationships_part_is_read_within_bounds(many_relationships, tmp_path):
    """Inside every limit, the relationships part is parsed once: the deal is read, within 5 s and 200 MB."""
    run = measure("check", str(many_relationships), cwd=tmp_path)
    assert run.status in (0, 1), run.stderr  # the deal is read: its checks pass or not
    assert "Traceback" not in run.stderr
    assert run.within_bounds(), run


def _stored_with_filler(path: Path, parts: dict[str, tuple[str, int]]) -> Path:
    """placement.xlsm with ``<a/>`` elements put before an anchor in each part, stored (no compression)."""
    with zipfile.ZipFile(SOURCE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in parts:
                anchor, size = parts[info.filename]
                filler = b"<a/>" * ((size - len(data)) // 4)
                data = data.replace(anchor.encode(), filler + anchor.encode(), 1)
                out.writestr(info.filename, data, compress_type=zipfile.ZIP_STORED)
            else:
                out.writestr(info.filename, data)
    return path


SMALL_PART = 5 * 1024 * 1024 - 200  # just under the limit for a part read whole


@pytest.mark.parametrize(
    ("name", "parts", "part"),
    [
        # 15.7 MB: the three parts read whole at their size limit (it took 11 s and 823 MB).
        (
            "small_parts",
            {
                "xl/workbook.xml": ("</definedNames>", SMALL_PART),
                "xl/styles.xml": ("</numFmts>", SMALL_PART),
                "xl/_rels/workbook.xml.rels": ("</Relationships>", SMALL_PART),
            },
            "xl/workbook.xml",
        ),
        # 21 MB: millions of elements before the cells of a sheet (11 s).
        (
            "sheet",
            {"xl/worksheets/sheet1.xml": ("<sheetData>", 20 * 1024 * 1024 - 200)},
            "xl/worksheets/sheet1.xml",
        ),
    ],
)
def test_a_workbook_of_millions_of_elements_is_refused_after_a_million(tmp_path, name, parts, part):
    """Parts inside every size limit but full of elements: refused once 1,000,000 are read, within bounds."""
    workbook = _stored_with_filler(tmp_path / f"{name}.xlsm", parts)
    run = measure("check", str(workbook), cwd=tmp_path)
    _refused(run, f"{workbook}: {part}: brings the workbook past 1,000,000 XML elements read")


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_a_deal_file_at_the_size_limit_of_the_slowest_text_is_read_within_bounds(tmp_path, suffix):
    """An array of a million numbers just under 2,000,000 bytes (TOML's parser is slowest there): refused in time."""
    count = (MAX_DEAL_FILE_BYTES - 100) // 2
    if suffix == ".json":
        text = '{"issuer": {"name": "Corpus"}, "placing": {"x": [' + "1," * (count - 1) + "1]}}"
    else:
        text = '[issuer]\nname = "Corpus"\n[placing]\nx = [' + "1," * count + "]\n"
    path = tmp_path / f"array{suffix}"
    path.write_text(text, encoding="utf-8")
    assert MAX_DEAL_FILE_BYTES - 200 < path.stat().st_size <= MAX_DEAL_FILE_BYTES
    _refused(measure("check", str(path), cwd=tmp_path), "placing.x: is not a known field")

"""Hostile input through every front door: the bad-deal corpus, a bad batch CSV and bad workbooks.

tests/corpus/expected.toml says what each corpus file must produce; every file goes through
load_deal and the command line (check and build), and the whole corpus once more through
the installed ``xl-placement`` as real processes, so no traceback can hide behind capsys.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_safe_read import BILLION_LAUGHS, _patch_central_directory, _replace_part, _zeros_part

from xl_placement import cli, load_deal
from xl_placement.checks import check_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import DealError, InputError
from xl_placement.figures import compute

CORPUS = Path(__file__).resolve().parent / "corpus"
BAD_DEALS = sorted((CORPUS / "bad_deals").iterdir())
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text("utf-8"))
EXE = Path(sys.executable).parent / "xl-placement"
PLACEMENT_XLSM = Path(__file__).resolve().parent.parent / "placement.xlsm"
ENV = {**os.environ, "PYTHONWARNINGS": "error"}
STATUSES = {"pass", "breach", "not applicable", "not enough data", "information"}

# The corpus deal with plain numbers: what accepted_number_text.toml must equal.
PLAIN_DEAL = {
    "issuer": {"name": "Corpus Holdings Ltd", "stock_code": "0001", "exchange": "HKEX", "currency": "HKD"},
    "placing": {"new_shares": 100_000_000, "price": "1.80", "shares_outstanding": 1_000_000_000},
    "market": {"last_close": "2.00"},
    "proceeds": {
        "basis": "net",
        "uses": [{"name": "Working capital", "share": "0.6"}, {"name": "Debt repayment", "share": "0.4"}],
    },
}


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, check=False, env=ENV, cwd=cwd, timeout=60
    )


# --- the bad-deal corpus ----------------------------------------------------------------


def test_every_corpus_file_declares_its_expected_message():
    """expected.toml names exactly the files in bad_deals/ (a new file cannot be left unchecked)."""
    assert {path.name for path in BAD_DEALS} == set(EXPECTED["deals"])
    assert len(BAD_DEALS) >= 50


@pytest.mark.parametrize("path", BAD_DEALS, ids=lambda path: path.name)
def test_bad_deal_file_is_refused_with_its_message(path, tmp_path, monkeypatch, capsys):
    """A corpus file raises DealError with its message and exits 2 from check and build, writing nothing."""
    fragment = EXPECTED["deals"][path.name]
    with pytest.raises(DealError) as raised:
        load_deal(path)
    assert fragment in str(raised.value)
    assert all("\n" not in str(problem) for problem in raised.value.problems)

    monkeypatch.chdir(tmp_path)  # build's default output folder would be ./out
    report = tmp_path / "report.xlsx"
    for argv in (["check", str(path)], ["build", str(path), "-o", str(report)], ["build", str(path)]):
        assert cli.main(argv) == cli.EXIT_BAD_INPUT, argv
        out, err = capsys.readouterr()
        assert fragment in err, argv
        assert out == ""
        assert all(line.startswith("error: ") for line in err.splitlines())
        assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


# The files most likely to upset a parser, run as real processes (the rest run in-process above).
SUBPROCESS_SAMPLE = (
    "price_nan.toml",
    "price_infinity.json",
    "duplicate_key.json",
    "latin1.toml",
    "name_40000_characters.toml",
    "broken_syntax.toml",
    "top_level_list.json",
    "name_with_nul.json",
    "new_shares_5000_digits.json",
    "name_with_lone_surrogate.json",
)


def test_corpus_through_the_installed_command_gives_no_traceback():
    """The hardest corpus files, run as real `xl-placement check` processes, exit 2 with their message and no traceback."""

    def check(path: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
        return path, _run("check", str(path))

    sample = [CORPUS / "bad_deals" / name for name in SUBPROCESS_SAMPLE]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(check, sample))
    for path, result in results:
        assert result.returncode == cli.EXIT_BAD_INPUT, (path.name, result.stderr)
        assert EXPECTED["deals"][path.name] in result.stderr, path.name
        assert result.stdout == ""
        assert "Traceback" not in result.stderr


def test_numbers_as_text_in_the_accepted_forms_load_as_plain_numbers():
    """ "100,000,000", " 1.80 ", 1e9, "60%", " 40 % " and "hkex" load as the same deal as plain numbers."""
    accepted = load_deal(CORPUS / "accepted_number_text.toml")
    plain = deal_from_mapping(PLAIN_DEAL, "plain")
    assert dataclasses.replace(accepted, source="") == dataclasses.replace(plain, source="")


# --- the bad batch CSV ------------------------------------------------------------------


def test_bad_batch_rows_are_reported_by_row_and_good_rows_still_built(tmp_path):
    """xl-placement batch on bad_batch.csv exits 1, names each bad row with its message and builds the good rows."""
    source = tmp_path / "bad_batch.csv"
    source.write_bytes((CORPUS / "bad_batch.csv").read_bytes())
    out_dir = tmp_path / "out"
    result = _run("batch", str(source), "--out-dir", str(out_dir), "--workers", "2")
    assert result.returncode == cli.EXIT_FAILED, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    failed = EXPECTED["batch"]["failed"]
    for row, fragment in failed.items():
        assert f"error: {source} {fragment}" in result.stderr, row
    built = sorted(int(p.name[3:5]) for p in out_dir.glob("row*.xlsx"))
    assert built == EXPECTED["batch"]["built"]
    with (out_dir / "summary.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {int(r["row"]): r for r in csv.DictReader(handle)}
    assert sorted(rows) == sorted([*map(int, failed), *EXPECTED["batch"]["built"]])
    assert {n for n, r in rows.items() if r["status"] == "error"} == set(map(int, failed))
    assert all(r["error"] for n, r in rows.items() if str(n) in failed)


def test_a_folder_of_bad_deal_files_fails_each_with_its_message(tmp_path, capsys):
    """batch over bad_deals/ as a folder: exit 1, each file's message on its own lines, no report, a full summary."""
    out_dir = tmp_path / "out"
    folder = CORPUS / "bad_deals"
    code = cli.main(["batch", str(folder), "--out-dir", str(out_dir), "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_FAILED
    assert "Traceback" not in out + err
    lines = err.splitlines()
    for path in BAD_DEALS:
        fragment = EXPECTED["deals"][path.name]
        assert any(line.startswith(f"error: {path}: ") and fragment in line for line in lines), path.name
    assert sorted(p.name for p in out_dir.iterdir()) == ["summary.csv", "summary.xlsx"]
    with (out_dir / "summary.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(BAD_DEALS)
    assert {row["status"] for row in rows} == {"error"}


# --- workbooks a user supplies to `xl-placement build` -----------------------------------


def _entity_bomb(path: Path) -> None:
    data = PLACEMENT_XLSM.read_bytes()
    with zipfile.ZipFile(PLACEMENT_XLSM) as book:
        sheet = next(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
    path.write_bytes(_replace_part(data, sheet, BILLION_LAUGHS.encode()))


def _zip_bomb(path: Path) -> None:
    path.write_bytes(_zeros_part(PLACEMENT_XLSM.read_bytes(), "xl/media/padding.bin", 20))


def _lying_size(path: Path) -> None:
    data = _with_part(PLACEMENT_XLSM.read_bytes(), "xl/media/big.bin", b"x" * 100)
    path.write_bytes(_patch_central_directory(data, "xl/media/big.bin", file_size=3_000_000_000))


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(name, content)
    return out.getvalue()


def _text_renamed(path: Path) -> None:
    path.write_text("issuer.name,placing.price\nCorpus Holdings Ltd,1.80\n", encoding="utf-8")


def _truncated(path: Path) -> None:
    data = PLACEMENT_XLSM.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _compound_file(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


USER_WORKBOOKS = [
    ("entity-bomb.xlsm", _entity_bomb, "entit"),
    ("zip-bomb.xlsm", _zip_bomb, "zip bomb"),
    ("lying-size.xlsx", _lying_size, "MB"),
    ("deal.xlsx", _text_renamed, "not an Excel workbook (a text file)"),
    ("truncated.xlsm", _truncated, "truncated.xlsm"),
    ("old.xlsx", _compound_file, "xls"),
    ("old.xls", _compound_file, "old.xls"),
]


@pytest.mark.parametrize(("name", "make", "fragment"), USER_WORKBOOKS, ids=[w[0] for w in USER_WORKBOOKS])
def test_hostile_workbook_given_to_build_is_refused(name, make, fragment, tmp_path, capsys):
    """A bomb, a renamed text file, a truncated workbook or an old .xls given to build: exit 2, one message, no output."""
    source = tmp_path / name
    make(source)
    report = tmp_path / "out" / "report.xlsx"
    assert cli.main(["build", str(source), "-o", str(report)]) == cli.EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    assert fragment.lower() in err.lower()
    assert "Traceback" not in err
    assert not report.parent.exists()


def test_hostile_workbooks_through_the_installed_command(tmp_path):
    """An entity bomb, a zip bomb and a truncated workbook given to a real `xl-placement build`: exit 2, no traceback."""
    cases = USER_WORKBOOKS[:2] + USER_WORKBOOKS[4:5]
    for name, make, _ in cases:
        make(tmp_path / name)

    def build(name: str) -> subprocess.CompletedProcess[str]:
        return _run("build", str(tmp_path / name), "-o", str(tmp_path / "out" / f"{name}.xlsx"))

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(build, [name for name, _, _ in cases]))
    for (name, _, fragment), result in zip(cases, results, strict=True):
        assert result.returncode == cli.EXIT_BAD_INPUT, (name, result.stderr)
        assert fragment.lower() in result.stderr.lower(), (name, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_hostile_values_on_the_inputs_sheet_are_named_by_cell(tmp_path, capsys):
    """Error cells, a date, a boolean and 40,000 characters typed on the Inputs sheet: exit 2, each named by its cell."""
    book = openpyxl.load_workbook(PLACEMENT_XLSM)
    edits = {
        "placing_price": "#N/A",  # openpyxl stores this as an error cell, as Excel would
        "market_last_close": "#DIV/0!",
        "placing_new_shares": True,
        "placing_shares_outstanding": dt.datetime(2025, 6, 3),
        "issuer_name": "x" * 40_000,
    }
    cells, types = {}, {}
    for name, value in edits.items():
        sheet, ref = next(iter(book.defined_names[name].destinations))
        cell = book[sheet][ref.replace("$", "").split(":")[0]]
        cell.value = value
        cells[name] = f"(cell {sheet}!{cell.coordinate})"
        types[name] = cell.data_type
    assert (types["placing_price"], types["market_last_close"]) == ("e", "e")
    source = tmp_path / "edited.xlsx"
    book.save(source)
    report = tmp_path / "report.xlsx"
    assert cli.main(["build", str(source), "-o", str(report)]) == cli.EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    expected = {
        "placing_price": "= '#N/A': must be a number",
        "market_last_close": "= '#DIV/0!': must be a number",
        "placing_new_shares": "= True: must be a number",
        "placing_shares_outstanding": "must be a number",
        "issuer_name": "is 32,767 characters long; the limit is 200",  # a cell holds 32,767 at most
    }
    for name, fragment in expected.items():
        field = name.replace("_", ".", 1)
        assert any(f"{field} {cells[name]}" in line and fragment in line for line in err.splitlines()), name
    assert not report.exists()


# --- numbers at the edges of what validation accepts ---------------------------------------

SMALLEST, LARGEST = "0.000000001", "999999999999999"


def _edge_deal(
    count: str, price: str, close: str, commission: str, costs: str, rate: str, split: str, decimals: int
) -> dict[str, object]:
    first = {"low": SMALLEST, "high": "0.999999999", "all": "1"}[split]
    second = {"low": "0.999999999", "high": SMALLEST, "all": "0"}[split]
    return {
        "issuer": {"name": "Edge Ltd", "stock_code": "1", "exchange": "HKEX", "currency": "HKD"},
        "placing": {"new_shares": count, "price": price, "shares_outstanding": count, "mandate_limit": count},
        "market": {"last_close": close, "average_close_5d": close, "vwap_15d": close, "day_vwap": close},
        "costs": {"commission_rate": commission, "other_costs": costs},
        "fx": {"quote_currency": "USD", "rate": rate, "source": "edge"},
        "proceeds": {
            "decimals": decimals,
            "uses": [{"name": "a", "share": first}, {"name": "b", "share": second}],
        },
    }


_edges = {
    "count": st.sampled_from(["1", LARGEST]),
    "price": st.sampled_from([SMALLEST, "1", LARGEST]),
    "close": st.sampled_from([SMALLEST, "1", LARGEST]),
    "commission": st.sampled_from(["0", "0.999999"]),  # the largest commission rate: six decimals
    "costs": st.sampled_from(["0", SMALLEST, LARGEST]),
    "rate": st.sampled_from([SMALLEST, LARGEST]),
    "split": st.sampled_from(["low", "high", "all"]),
    "decimals": st.sampled_from([-9, 0, 6]),
}


@settings(max_examples=150, deadline=None)
@given(**_edges)
def test_numbers_at_the_edges_compute_or_give_one_line(
    count, price, close, commission, costs, rate, split, decimals
):
    """Property: any mix of the smallest and largest accepted numbers gives figures and checks, or clear lines.

    A mix whose derived amounts reach 10^15 (gross proceeds, shares after the deal, proceeds
    in the quote currency) or whose costs exceed gross proceeds is refused by validation,
    naming the field, so check refuses it as build would.
    """
    try:
        deal = deal_from_mapping(
            _edge_deal(count, price, close, commission, costs, rate, split, decimals), "edge"
        )
    except DealError as exc:
        problems = exc.problems
    else:
        problems = ()
    for problem in problems:
        assert problem.path in {"placing.price", "placing.new_shares", "fx.rate", "costs.other_costs"}
        assert "10^15 or more" in problem.expected or "exceed the gross proceeds" in problem.expected
    if problems:
        return
    for exchange in ("HKEX", "SGX", "ASX", "NASDAQ"):
        deal = dataclasses.replace(deal, issuer=dataclasses.replace(deal.issuer, exchange=exchange))
        try:
            checks = check_deal(compute(deal))
        except InputError as exc:  # e.g. costs above gross proceeds
            message = str(exc)
        else:
            assert all(rule.status in STATUSES for rule in checks.rules)
            continue
        assert message
        assert "\n" not in message


@pytest.mark.parametrize("edge", ["small", "large"])
def test_a_report_at_the_edges_is_built_with_finite_numbers(edge, tmp_path, capsys):
    """The all-smallest and all-largest deals build a report whose every number cell is finite, through the CLI."""
    low = edge == "small"
    data = _edge_deal(
        # Large: gross proceeds and the shares after the deal just below 10^15, the most allowed.
        "1" if low else "499999999999999",
        SMALLEST if low else "2",
        LARGEST if low else SMALLEST,  # the widest discount, then the widest premium
        "0",
        "0",
        SMALLEST if low else LARGEST,
        "low",
        6 if low else -9,
    )
    source = tmp_path / "edge.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    report = tmp_path / "edge.xlsx"
    code = cli.main(["build", str(source), "-o", str(report)])
    _, err = capsys.readouterr()
    assert code == cli.EXIT_OK, err
    with zipfile.ZipFile(report) as package:
        sheets = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
    values = [v for sheet in sheets for v in re.findall(r"<v>([^<]*)</v>", sheet)]
    assert values
    assert not [v for v in values if v.lower() in ("inf", "-inf", "nan")]


def test_endless_and_blocking_inputs_are_refused_at_once(tmp_path):
    """A deal file, batch CSV or workbook that is a link to /dev/zero or a pipe: exit 2 at once, never read for ever."""
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    commands = [["check", str(fifo)]]
    for name in ("zero.toml", "zero.json", "zero.csv", "zero.xlsx"):
        (tmp_path / name).symlink_to("/dev/zero")
        verb = "batch" if name.endswith(".csv") else "check"
        commands.append(
            [verb, str(tmp_path / name), *(["--out-dir", str(tmp_path / "out")] if verb == "batch" else [])]
        )
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        results = list(pool.map(lambda argv: _run(*argv), commands))  # _run gives up after 60 s
    for argv, result in zip(commands, results, strict=True):
        assert result.returncode == cli.EXIT_BAD_INPUT, (argv, result.stderr)
        assert "not a regular file" in result.stderr or "is not a file" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_most_uses_and_holders_with_the_longest_names_still_build(tmp_path, capsys):
    """100 uses, 100 holders and 20 agents, each named with 200 characters (the limits), give a report.

    So whatever check accepts, build can write: every sentence and list fits a cell.
    """
    data = json.loads(json.dumps(PLAIN_DEAL))
    data["placing"]["agents"] = [f"{i:03d}" + "a" * 197 for i in range(20)]
    data["placing"]["offering"] = "o" * 200
    data["issuer"]["name"] = "n" * 200
    data["proceeds"]["uses"] = [{"name": f"{i:03d}" + "u" * 197, "share": "0.01"} for i in range(100)]
    data["shareholders"] = [{"name": f"{i:03d}" + "h" * 197, "shares": 1_000_000} for i in range(100)]
    source = tmp_path / "limits.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    report = tmp_path / "limits.xlsx"
    code = cli.main(["build", str(source), "-o", str(report)])
    _, err = capsys.readouterr()
    assert code == cli.EXIT_OK, err
    assert openpyxl.load_workbook(report, read_only=True).sheetnames


def test_the_most_tranches_with_the_longest_names_still_build(tmp_path, capsys):
    """100 ASX tranches named with 200 characters (the limit) give a report: check and build agree.

    1,000 tranches passed check and then failed build on a Checks cell of 39,031 characters.
    """
    tranches = [{"name": f"{i:03d}" + "t" * 197, "shares": 1_000, "capacity": "7.1"} for i in range(100)]
    data = {
        "issuer": {"name": "Corpus Holdings Ltd", "stock_code": "CRP", "exchange": "ASX", "currency": "AUD"},
        "placing": {
            "new_shares": 100_000,
            "price": "9c",
            "shares_outstanding": 1_000_000_000,
            "tranches": tranches,
        },
        "market": {"last_close": "10.5c"},
    }
    source = tmp_path / "tranches.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    report = tmp_path / "tranches.xlsx"
    assert cli.main(["check", str(source)]) in (cli.EXIT_OK, cli.EXIT_FAILED)
    assert cli.main(["build", str(source), "-o", str(report)]) == cli.EXIT_OK, capsys.readouterr().err
    assert openpyxl.load_workbook(report, read_only=True).sheetnames

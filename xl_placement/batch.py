"""Batch runs: many deals from a CSV table or a folder of deal files, in parallel.

Each deal gets its own report; ``summary.xlsx`` and ``summary.csv`` list every deal
with its key figures, its status (the checks' outcome: passed, failed or incomplete; or
error when the deal got no report) and, for an error, the reason. A bad row
is reported with its row number and does not stop the others.

CSV cells are text: a cell is parsed by its field's parser (a number, a date, a
percentage...) or kept as text; nothing is ever evaluated or written as a formula.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from xl_placement import api
from xl_placement.context import AFTER_MARKET_DAYS
from xl_placement.dealfile import deal_files, deal_from_mapping
from xl_placement.errors import (
    MISSING,
    DealError,
    InputError,
    OutputError,
    OutputExistsError,
    PlacementError,
    Problem,
)
from xl_placement.fields import MAX_ROWS
from xl_placement.figures import NOT_GIVEN
from xl_placement.libreoffice import require_soffice, stop_all
from xl_placement.money import in_context, round_half_up
from xl_placement.output import check_target, write_all, write_atomic
from xl_placement.pdf import export_pdf, export_pdfs
from xl_placement.precedents import Selection, for_deal
from xl_placement.safe_csv import csv_rows

SUMMARY_NAMES = ("summary.xlsx", "summary.csv")
SUMMARY_PDF = "summary.pdf"  # with batch --pdf
ERROR = "error"  # the deal got no report: invalid input, or it could not be written

# Key figures in the summary table: (deal-figure key, column heading, unit).
SUMMARY_FIGURES = (
    ("price", "price", "money"),
    ("new_shares", "new shares", "shares"),
    ("discount_to_last_close", "discount to last close", "fraction"),
    ("discount_to_benchmarked_price", "discount to benchmarked price", "fraction"),
    ("percent_of_existing", "% of existing", "fraction"),
    ("percent_of_enlarged", "% of enlarged", "fraction"),
    ("gross_proceeds", "gross proceeds", "amount"),
    ("gross_proceeds_usd", "gross proceeds US$", "amount"),  # one currency across the deals
    ("net_proceeds", "net proceeds", "amount"),
    # The close on T+N against the placing price, when the deal's history runs past it (#28).
    *((f"after_market_t{n}", f"after market T+{n}", "fraction") for n in AFTER_MARKET_DAYS),
)
SUMMARY_MILLIONS = "#,##0.0,,"  # amounts in summary.xlsx: millions to 0.1 (the cell keeps the exact amount)
# Column widths in summary.xlsx (others: 10); the long texts wrap in their columns.
SUMMARY_WIDTHS = {
    "row": 5, "source": 20, "status": 11, "report": 20, "issuer": 24, "stock code": 8, "exchange": 10,
    "currency": 9, "new shares": 14, "breaches": 30, "mismatched stated figures": 30,
    "incomplete checks": 36, "error": 40,
}  # fmt: skip
SUMMARY_WRAPPED = (
    "source", "report", "issuer", "breaches", "mismatched stated figures", "incomplete checks", "error",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "row",
    "source",
    "status",
    "report",
    "issuer",
    "stock code",
    "exchange",
    "currency",
    *(heading for _, heading, _ in SUMMARY_FIGURES),
    "breaches",
    "mismatched stated figures",
    "incomplete checks",
    "error",
)


@dataclass(frozen=True)
class Job:
    """One deal to build: a CSV row's mapping or a deal file, and where its report goes."""

    label: str  # "deals.csv row 3" or "deals/byd.toml": how messages name the deal
    row: int | None
    mapping: Mapping[str, Any] | None
    path: Path | None
    report: Path
    prices: Path | None = None  # --prices: the price-history file for every deal
    base: Path | None = None  # the folder a CSV row's market.history_file is relative to


@dataclass(frozen=True)
class Outcome:
    """What became of one deal."""

    label: str
    row: int | None
    status: str  # passed | failed | incomplete (the checks' outcome), or error (no report)
    report: str = ""
    issuer: Mapping[str, str] = field(default_factory=dict)
    figures: Mapping[str, Decimal] = field(default_factory=dict)
    breaches: tuple[str, ...] = ()
    mismatches: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    error: str = ""
    trace: str = ""
    exists: bool = False  # failed because the report exists and force was not given


@dataclass(frozen=True)
class BatchResult:
    """Every deal's outcome and the summary files written."""

    outcomes: tuple[Outcome, ...]
    summaries: tuple[Path, ...]

    @property
    def errors(self) -> tuple[Outcome, ...]:
        """The deals that got no report (status ``error``)."""
        return tuple(o for o in self.outcomes if o.status == ERROR)


# --- reading the input -------------------------------------------------------


def read_jobs(source: Path, out_dir: Path) -> tuple[list[Job], list[Outcome]]:
    """The deals of a CSV file or a folder of deal files.

    Returns:
        The jobs to run, and the rows that already failed while being read.

    Raises:
        InputError: the input as a whole is unusable (missing, not UTF-8, bad header, no deals).
    """
    if source.is_dir():
        return _folder_jobs(source, out_dir), []
    if not source.exists():
        raise InputError(f"{source}: no such file or folder; give a .csv file or a folder of deal files")
    if source.suffix.lower() != ".csv":
        raise InputError(
            f"{source}: the batch input must be a .csv file or a folder of .toml/.json deal files"
        )
    return _csv_jobs(source, out_dir)


def _folder_jobs(folder: Path, out_dir: Path) -> list[Job]:
    files = deal_files(folder)
    if not files:
        raise InputError(f"{folder}: the folder has no .toml or .json deal files")
    names = _Names()
    return [
        Job(str(path), None, None, path, out_dir / names.claim(safe_name(path.stem, "deal")))
        for path in files
    ]


def _csv_jobs(path: Path, out_dir: Path) -> tuple[list[Job], list[Outcome]]:
    rows = list(csv_rows(path, delimiters=",;\t"))
    if not rows:
        raise InputError(f"{path}: the file is empty; the first row must name the columns (issuer.name, ...)")
    header_row, *body = rows
    if header_row[2]:
        raise InputError(f"{path} row 1: {header_row[2]}; the first row must name the columns")
    columns = parse_header(header_row[1], str(path))
    width = max(len(str(len(rows))), 1)
    names = _Names()
    jobs: list[Job] = []
    failed: list[Outcome] = []
    for number, cells, unreadable in body:
        label = f"{path} row {number}"
        if unreadable:
            failed.append(Outcome(label, number, ERROR, error=f"{label}: {unreadable}"))
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line between deals
        try:
            mapping = row_mapping(columns, cells)
        except DealError as exc:
            failed.append(Outcome(label, number, ERROR, error=_message(exc, label, csv_row=True)))
            continue
        code = _get(mapping, "issuer", "stock_code")
        stem = f"row{number:0{width}d}" + (f"-{code}" if isinstance(code, str) and code.strip() else "")
        jobs.append(Job(label, number, mapping, None, out_dir / names.claim(safe_name(stem, f"row{number}"))))
    if not jobs and not failed:
        raise InputError(f"{path}: there are no deals below the header row")
    return jobs, failed


Column = tuple[str | int, ...]


def _is_index(part: str) -> bool:
    """A list index in a column path: digits 0-9 only (int() would also read full-width digits and fail on superscripts)."""
    return part.isascii() and part.isdigit()


def parse_header(cells: Sequence[str], source: str = "") -> list[Column | None]:
    """Turn column names (dotted field paths) into key paths; number parts index lists.

    ``proceeds.uses.0.share`` becomes ``("proceeds", "uses", 0, "share")``. A blank
    heading gives ``None`` (the column must then stay empty).

    Raises:
        InputError: a malformed, repeated or conflicting column name.
    """
    prefix = f"{source}: " if source else ""
    columns: list[Column | None] = []
    seen: dict[Column, str] = {}
    for index, cell in enumerate(cells, start=1):
        name = cell.strip()
        if not name:
            columns.append(None)
            continue
        parts = name.split(".")
        if any(not part.strip() for part in parts):
            raise InputError(
                f"{prefix}column {index} {name!r}: a field path has no empty parts, like issuer.name"
            )
        if parts[0].strip().isdigit():
            raise InputError(
                f"{prefix}column {index} {name!r}: must start with a section name, like issuer.name"
            )
        other = next((p.strip() for p in parts if p.strip().isdigit() and not _is_index(p.strip())), None)
        if other is not None:
            raise InputError(
                f"{prefix}column {index} {name!r}: the list index {other!r} is not written with the "
                "digits 0-9; write it like proceeds.uses.0.share"
            )
        key: Column = tuple(int(p.strip()) if _is_index(p.strip()) else p.strip() for p in parts)
        for part in key:
            if isinstance(part, int) and part >= MAX_ROWS:
                raise InputError(
                    f"{prefix}column {index} {name!r}: the list index {part} is above {MAX_ROWS - 1}"
                )
        if key in seen:
            raise InputError(
                f"{prefix}column {index} {name!r}: repeats column {seen[key]!r}; give each field once"
            )
        seen[key] = name
        columns.append(key)
    _check_shape([c for c in columns if c is not None], seen, prefix)
    return columns


def _check_shape(columns: list[Column], names: Mapping[Column, str], prefix: str) -> None:
    """No column may be a prefix of another, and a list position is never also a named field."""
    keys = set(columns)
    for column in columns:
        for end in range(1, len(column)):
            if column[:end] in keys:
                raise InputError(
                    f"{prefix}columns {names[column[:end]]!r} and {names[column]!r} both set "
                    f"{names[column[:end]]}; keep one of them"
                )
    kinds: dict[Column, set[type]] = {}
    for column in columns:
        for end in range(1, len(column)):
            kinds.setdefault(column[:end], set()).add(type(column[end]))
    for parent, types in kinds.items():
        if len(types) > 1:
            shown = ".".join(str(p) for p in parent)
            raise InputError(
                f"{prefix}columns under {shown!r} mix list numbers and field names; use one form"
            )


def row_mapping(columns: Sequence[Column | None], cells: Sequence[str]) -> dict[str, Any]:
    """One CSV row as a nested deal mapping; empty cells are absent fields.

    Raises:
        DealError: the row has more cells than the header, a value under a blank
            heading, or list entries numbered with a gap.
    """
    problems: list[Problem] = []
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
        problems.append(
            Problem(
                "row",
                f"{len(cells)} cells",
                f"the header has only {len(columns)} columns; check for stray commas",
            )
        )
    tree: dict[Any, Any] = {}
    for index, (column, cell) in enumerate(zip(columns, cells, strict=False), start=1):
        if not cell.strip():
            continue
        if column is None:
            problems.append(Problem(f"column {index}", cell, "has a value but no heading in the first row"))
            continue
        node = tree
        for part in column[:-1]:
            node = node.setdefault(part, {})
        node[column[-1]] = cell
    data: dict[str, Any] = _lists(tree, "", problems)
    if problems:
        raise DealError(problems)
    return data


def _lists(node: Any, path: str, problems: list[Problem]) -> Any:
    """Turn dicts keyed by list positions into lists, reporting gaps in the numbering."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(key, int) for key in node):
        positions = sorted(node)
        expected = list(range(len(positions)))
        if positions != expected:
            missing = next(i for i in [*expected, len(positions)] if i not in node)
            problems.append(
                Problem(
                    f"{path}.{missing}",
                    MISSING,
                    f"is missing but {path}.{positions[-1]} is given; number the entries 0, 1, 2 ... without gaps",
                )
            )
        return [_lists(node[key], f"{path}.{key}", problems) for key in positions]
    return {key: _lists(value, f"{path}.{key}" if path else key, problems) for key, value in node.items()}


def _get(mapping: Mapping[str, Any], *keys: str) -> object:
    node: object = mapping
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


# --- file names ----------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_NAME = 80


def safe_name(stem: str, fallback: str) -> str:
    """A file name stem that is safe on every system: letters, digits, ``._-`` only."""
    name = _UNSAFE.sub("_", stem).strip("._-")[:MAX_NAME].strip("._-")
    if not name:
        name = fallback
    if name.split(".")[0].lower() in _RESERVED:
        name = f"_{name}"
    return name


class _Names:
    """Hands out report names, never the same twice (case-insensitively) nor a summary's."""

    def __init__(self) -> None:
        self.used = {Path(name).stem.lower() for name in SUMMARY_NAMES}

    def claim(self, stem: str) -> str:
        candidate, number = stem, 1
        while candidate.lower() in self.used:
            number += 1
            candidate = f"{stem}-{number}"
        self.used.add(candidate.lower())
        return f"{candidate}.xlsx"


# --- running -------------------------------------------------------------------


@in_context
def run_job(job: Job, force: bool = False, precedents: Selection | None = None) -> Outcome:
    """Build one deal's report; every failure becomes an Outcome with status error and its reason.

    With ``precedents``, the report has a Precedents sheet (the deal itself left out of them).
    """
    try:
        if job.mapping is not None:
            deal = deal_from_mapping(job.mapping, job.label, base=job.base, prices=job.prices)
        else:
            assert job.path is not None  # noqa: S101 - a Job has a mapping or a path
            deal = api.load_deal(job.path, job.prices)
        check_target(job.report, force=force)  # before the slow part: rendering the report
        figures = api.compute(deal)  # computed and checked once: the report and the summary share them
        checks = api.check_deal(figures)
        from xl_placement.report import render_report  # noqa: PLC0415 - openpyxl as api.build_report loads it

        shown = None if precedents is None else for_deal(precedents, deal)
        write_atomic(job.report, render_report(figures, checks, precedents=shown), force=force)
    except PlacementError as exc:
        return Outcome(
            job.label,
            job.row,
            ERROR,
            error=_message(exc, job.label, csv_row=job.row is not None),
            exists=isinstance(exc, OutputExistsError),
        )
    except Exception as exc:  # noqa: BLE001 - one deal's bug must not stop the batch
        return Outcome(
            job.label,
            job.row,
            ERROR,
            error=f"{job.label}: internal error ({type(exc).__name__}: {exc}); please report it",
            trace=traceback.format_exc(),
        )
    rows = {row.key: row.value for row in api.figure_rows(figures)}
    usd = _gross_usd(deal, rows)
    if usd is not None:
        rows["gross_proceeds_usd"] = usd
    issuer = deal.issuer
    return Outcome(
        job.label,
        job.row,
        checks.outcome,
        report=str(job.report),
        issuer={
            "issuer": issuer.name,
            "stock code": issuer.stock_code,
            "exchange": issuer.exchange,
            "currency": issuer.currency,
        },
        figures={
            key: _shown(value, unit)
            for key, _, unit in SUMMARY_FIGURES
            if (value := rows.get(key)) is not None
        },
        breaches=tuple(f"{r.rule}: {r.detail}".rstrip(": ") for r in checks.rules if r.status == "breach"),
        mismatches=tuple(
            f"{s.key}: stated {s.stated} ({s.precision}), computed {s.computed_text}"
            for s in checks.mismatches
        ),
        gaps=checks.gaps,
    )


def _shown(value: Decimal, unit: str) -> Decimal:
    """Summary precision: fractions to 8 decimals (0.08612440), amounts as computed."""
    return round_half_up(value, 8) if unit == "fraction" else value


def _split_path(text: str) -> tuple[str, str, str]:
    """Split "path = value: expected" (or "path: expected") into the path, the separator and the rest."""
    match = re.match(r"(.*?)( = |: )(.*)", text, flags=re.DOTALL)
    return (match[1], match[2], match[3]) if match else (text, "", "")


def _message(exc: PlacementError, label: str, *, csv_row: bool) -> str:
    """The error text, naming the row or file once per line; CSV rows use the column names."""
    lines = str(exc).splitlines() or [type(exc).__name__]
    result = []
    for line in lines:
        text = line.removeprefix(f"{label}: ")
        if csv_row:
            # proceeds.uses[0].share -> proceeds.uses.0.share, the CSV column's name (the path only, not the value)
            path, sep, rest = _split_path(text)
            text = re.sub(r"\[(\d+)\]", r".\1", path) + sep + rest
        result.append(f"{label}: {text}")
    return "\n".join(result)


def run_batch(
    source: str | Path,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    force: bool = False,
    progress: Callable[[Outcome, int, int], None] | None = None,
    precedents: Selection | None = None,
    pdf: bool = False,
    prices: str | Path | None = None,
) -> BatchResult:
    """Build a report for every deal of a CSV file or folder, then the summary table.

    Args:
        source: a CSV file (one deal a row, columns named by field paths) or a folder
            of ``.toml``/``.json`` deal files.
        out_dir: the folder for the reports and ``summary.xlsx``/``summary.csv``.
        workers: processes to use (default: one per CPU core).
        force: replace existing reports and summaries.
        progress: called after each deal with its outcome, the number done and the total.
        precedents: precedent placings (``precedents.load_precedents``) for a Precedents
            sheet in every report; each deal is left out of its own comparison.
        progress: called after each deal with its outcome, the number done and the total
            (and again for a deal whose PDF failed).
        pdf: also render each report as a PDF beside it, with one LibreOffice process per worker.
        prices: a price-history file every deal reads its market history from (``--prices``);
            a CSV row's ``market.history_file`` is relative to the CSV file.

    Returns:
        The BatchResult; a deal that got no report is listed there with status error and its reason.

    Raises:
        InputError: the input as a whole is unusable.
        OutputError: the output folder or the summary files cannot be written.
        DependencyMissingError: ``pdf`` is asked for and LibreOffice is not installed.
    """
    source, out_dir = Path(source), Path(out_dir)
    if pdf:
        require_soffice("batch --pdf")  # before any work, not after the reports
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"the output folder {out_dir} is a file; give a folder")
    if not force:
        for name in (*SUMMARY_NAMES, *((SUMMARY_PDF,) if pdf else ())):
            if (out_dir / name).exists():
                raise OutputExistsError(f"{out_dir / name} already exists; it was not replaced")
    jobs, outcomes = read_jobs(source, out_dir)
    base = source.parent if source.is_file() else None
    jobs = [replace(job, prices=Path(prices) if prices is not None else None, base=base) for job in jobs]
    total = len(jobs) + len(outcomes)
    for done, outcome in enumerate(outcomes, start=1):
        if progress:
            progress(outcome, done, total)
    count = workers or os.cpu_count() or 1
    for outcome in _run_all(jobs, count, force, precedents):
        outcomes.append(outcome)
        if progress:
            progress(outcome, len(outcomes), total)
    if pdf:
        outcomes = _with_pdfs(outcomes, count, force, progress)
    ordered = tuple(sorted(outcomes, key=_order(jobs)))
    summaries = write_summaries(ordered, out_dir, force=force)
    if pdf:  # the summary as a PDF beside it, for a reader without a spreadsheet
        summaries = (*summaries, export_pdf(out_dir / "summary.xlsx", out_dir / SUMMARY_PDF, force=True))
    return BatchResult(ordered, summaries)


def _with_pdfs(
    outcomes: list[Outcome], workers: int, force: bool, progress: Callable[[Outcome, int, int], None] | None
) -> list[Outcome]:
    """Render the built reports as PDFs; a deal whose PDF fails becomes an error, with the reason."""
    built = [Path(o.report) for o in outcomes if o.status != ERROR and o.report]
    failures = export_pdfs(
        built, workers=workers, force=force, initializer=functools.partial(_start_worker, os.getpid())
    )
    result = []
    for outcome in outcomes:
        why = failures.get(Path(outcome.report)) if outcome.report else None
        if why is None:
            result.append(outcome)
            continue
        error = f"{outcome.label}: the report was built but not its PDF: {why}"
        result.append(replace(outcome, status=ERROR, error=error))
        if progress:
            progress(result[-1], len(outcomes), len(outcomes))
    return result


def _order(jobs: Sequence[Job]) -> Callable[[Outcome], tuple[int, str]]:
    by_label = {job.label: index for index, job in enumerate(jobs)}
    return lambda o: (o.row if o.row is not None else by_label.get(o.label, 0), o.label)


def _run_all(
    jobs: Sequence[Job], workers: int, force: bool, precedents: Selection | None = None
) -> Iterator[Outcome]:
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            with collector_paused():
                outcome = run_job(job, force, precedents)
            yield outcome
        return
    _share_with_workers()
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), initializer=_start_worker, initargs=(os.getpid(),)
    )
    try:
        futures: dict[Future[Outcome], Job] = {
            pool.submit(_run_in_worker, job, force, precedents): job for job in jobs
        }
        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails its deal only
                outcome = Outcome(
                    job.label, job.row, ERROR, error=f"{job.label}: the worker process failed ({exc})"
                )
            yield outcome
    except BaseException:
        # Ctrl-C: drop the deals not started; the few being built finish their files whole.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one deal is built, then collect its objects once.

    A report is hundreds of thousands of short-lived objects (openpyxl keeps every cell,
    style and XML element as one), so the collector would run hundreds of times during a
    deal, each time walking the objects still alive: about a fifth of a deal's processor
    time. Paused, every object the deal makes stays in the youngest generation, and one
    collection of that generation after the deal frees its workbook (a web of reference
    cycles) without walking the rest of the heap, so memory stays flat however many deals
    a worker builds. A deal that fails is collected with the next one.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    if enabled:
        gc.collect(0)


def _share_with_workers() -> None:
    """Import the report's modules and parse its template once, here, when workers are forked from this process.

    A forked worker starts with what its parent has loaded: the imports (about 0.3 s of
    processor time) and the parsed template (about 60 ms) are then paid once per batch,
    not once per worker. Workers that are spawned instead import and parse for themselves.
    """
    if multiprocessing.get_start_method() != "fork":
        return
    from xl_placement.report.template import load_template  # noqa: PLC0415 - openpyxl only for a pool

    with contextlib.suppress(PlacementError):  # a template that cannot be read fails each deal, as before
        load_template()


def _gross_usd(deal: Any, rows: Mapping[str, Decimal | None]) -> Decimal | None:
    """Gross proceeds in US dollars: the deal's own figure, or its [fx] figure when [fx] quotes USD."""
    if deal.issuer.currency == "USD":
        return rows.get("gross_proceeds")
    if deal.fx is not None and deal.fx.quote_currency == "USD":
        return rows.get("gross_proceeds_quote")
    return None


#: How often (seconds) a worker checks that the batch's main process is still there.
WATCH_INTERVAL = 0.5
_PR_SET_PDEATHSIG = 1  # prctl option: a signal for this process when its parent ends


def _start_worker(main_pid: int) -> None:
    """Set up a worker: it ends when the batch's main process ends, for any reason.

    Ctrl-C goes to the whole process group; workers leave it to the main process, which
    stops the batch cleanly (a worker interrupted mid-deal would report it as failed and
    go on with the next one). SIGTERM makes a worker raise SystemExit, so the report it
    is writing is finished or its temporary file removed. If the main process is killed
    outright (SIGKILL), Linux sends the worker SIGTERM (PR_SET_PDEATHSIG); elsewhere, and
    as a second line of defence, a thread notices within WATCH_INTERVAL that it is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_worker)
    gc.freeze()  # what the worker starts with (modules, the parsed template) is never garbage: no collection walks it
    if sys.platform.startswith("linux"):
        _die_with_parent()
    threading.Thread(target=_watch_main, args=(main_pid,), name="watch-main", daemon=True).start()
    if not _alive(main_pid):  # it ended before the watch began
        os.kill(os.getpid(), signal.SIGTERM)


_building: list[bool] = []  # non-empty while this worker builds a deal


def _run_in_worker(job: Job, force: bool, precedents: Selection | None = None) -> Outcome:
    """run_job in a worker; a SIGTERM in the middle lets the deal's files be finished or removed, then ends."""
    _building.append(True)
    try:
        with collector_paused():
            return run_job(job, force, precedents)
    except SystemExit:
        os._exit(128 + signal.SIGTERM)
    finally:
        _building.clear()


def _exit_worker(_signum: int, _frame: object) -> None:
    """SIGTERM: mid-deal, unwind so write_atomic removes its temporary file; idle, end at once.

    An idle worker must not exit through multiprocessing's own clean-up: that waits to
    flush results into a pipe that nobody reads once the main process is gone.
    """
    # A LibreOffice converting this worker's PDFs runs in a session of its own: stop it, and
    # unwind so the conversion's temporary folder (LibreOffice's lu*.tmp in it) is removed.
    converting = stop_all()
    if _building or converting:
        raise SystemExit(128 + signal.SIGTERM)
    os._exit(128 + signal.SIGTERM)


def _die_with_parent() -> None:
    import ctypes  # noqa: PLC0415 - workers only, Linux only

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _watch_main(main_pid: int) -> None:
    while _alive(main_pid):
        time.sleep(WATCH_INTERVAL)
    os.kill(os.getpid(), signal.SIGTERM)


def _alive(pid: int) -> bool:
    """Whether the process is still there (a worker's parent pid changes when its parent dies)."""
    if os.name == "posix":
        return os.getppid() == pid or _exists(pid)
    return _exists(pid)  # pragma: no cover - Windows


def _exists(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would send Ctrl-C on Windows
        import multiprocessing  # noqa: PLC0415

        parent = multiprocessing.parent_process()
        return parent is not None and parent.is_alive()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    # A zombie (killed, not yet reaped) still answers; its parent pid no longer is ours then.
    return os.getppid() == pid


# --- the summary table ---------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@in_context
def summary_records(outcomes: Iterable[Outcome]) -> list[list[str | Decimal | int | None]]:
    """One row per deal, in SUMMARY_COLUMNS order: text, numbers (Decimal) or None."""
    records: list[list[str | Decimal | int | None]] = []
    for o in outcomes:
        records.append(
            [
                o.row,
                o.label,
                o.status,
                o.report,
                o.issuer.get("issuer", ""),
                o.issuer.get("stock code", ""),
                o.issuer.get("exchange", ""),
                o.issuer.get("currency", ""),
                # A deal that was checked but lacks a figure's input says so; a deal in error has no figures.
                *(
                    o.figures.get(key, None if o.status == ERROR else NOT_GIVEN)
                    for key, _, _ in SUMMARY_FIGURES
                ),
                "; ".join(o.breaches),
                "; ".join(o.mismatches),
                "; ".join(o.gaps),
                "; ".join(o.error.splitlines()),
            ]
        )
    return records


@in_context
def summary_csv(outcomes: Iterable[Outcome]) -> bytes:
    """The summary table as CSV (UTF-8 with a BOM, so Excel reads the accents right).

    Text that a spreadsheet would take for a formula (starting with ``= + - @``, tab
    or carriage return) gets a leading apostrophe, the usual CSV-injection defence.
    """
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(SUMMARY_COLUMNS)
    for record in summary_records(outcomes):
        writer.writerow(["" if v is None else _csv_text(v) if isinstance(v, str) else str(v) for v in record])
    return stream.getvalue().encode("utf-8-sig")


def _csv_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


@in_context
def summary_xlsx(outcomes: Iterable[Outcome]) -> bytes:
    """The summary table as a workbook; every text cell is written as a string, never a formula."""
    import xlsxwriter  # noqa: PLC0415 - only batch runs need it

    stream = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(stream, options)
    # A fixed creation date: the same outcomes give the same bytes.
    workbook.set_properties({"title": "xl-placement batch summary", "created": dt.datetime(2000, 1, 1)})
    sheet = workbook.add_worksheet("Summary")
    formats = {
        "money": workbook.add_format({"num_format": "#,##0.00##", "valign": "top"}),
        "amount": workbook.add_format({"num_format": SUMMARY_MILLIONS, "valign": "top"}),  # exact, shown in m
        "shares": workbook.add_format({"num_format": "#,##0", "valign": "top"}),
        "fraction": workbook.add_format({"num_format": "0.00%", "valign": "top"}),
        "": workbook.add_format({"valign": "top", "align": "left"}),  # the row number
    }
    units = {heading: unit for _, heading, unit in SUMMARY_FIGURES}
    # Every text wraps in its column, so none runs into the next cell in print; a figure's
    # "not given" is right-aligned under the numbers.
    text_wrap = workbook.add_format(
        {"text_wrap": True, "valign": "top", "align": "left", "indent": 1}
    )  # clear of a figure
    text_top = workbook.add_format({"text_wrap": True, "valign": "top", "align": "right"})
    head = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 1, "align": "left", "indent": 1}
    )
    head_figure = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 1, "align": "right"}
    )
    for col, heading in enumerate(SUMMARY_COLUMNS):
        shown = f"{heading} (m)" if units.get(heading) == "amount" else heading
        sheet.write_string(0, col, shown, head_figure if heading in units else head)
    sheet.set_row(0, 45)  # three lines of heading: LibreOffice and Excel do not grow a row on load
    records = summary_records(outcomes)
    for row, record in enumerate(records, start=1):
        sheet.set_row(row, _row_height(record))  # LibreOffice and Excel do not grow rows of wrapped text
        for col, value in enumerate(record):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                figure = SUMMARY_COLUMNS[col] in units
                sheet.write_string(row, col, value[:32_767], text_top if figure else text_wrap)
            else:
                sheet.write_number(row, col, float(value), formats.get(units.get(SUMMARY_COLUMNS[col], "")))
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(SUMMARY_COLUMNS) - 1, 12)
    for name, width in SUMMARY_WIDTHS.items():
        col = SUMMARY_COLUMNS.index(name)
        sheet.set_column(col, col, width)
    sheet.autofilter(0, 0, max(len(records), 1), len(SUMMARY_COLUMNS) - 1)
    _summary_print_setup(sheet, len(records))
    workbook.close()
    return stream.getvalue()


def _row_height(record: Sequence[object]) -> float:
    """The height (points) of a summary row whose wrapped texts take the most lines."""
    from xl_placement.report.cells import wrapped_lines  # noqa: PLC0415 - only summary.xlsx needs it

    lines = 1
    for name, value in zip(SUMMARY_COLUMNS, record, strict=True):
        if name in SUMMARY_WRAPPED and isinstance(value, str):
            per_line = int(SUMMARY_WIDTHS[name] * 1.1)
            lines = max(lines, sum(wrapped_lines(part, per_line) for part in value.split("\n")))
    return 15.0 * lines


def _summary_print_setup(sheet: Any, rows: int) -> None:
    """Landscape A4, two pages wide (about 75%: readable), the heading row on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.75)
    sheet.print_area(0, 0, max(rows, 1), len(SUMMARY_COLUMNS) - 1)
    sheet.repeat_rows(0)
    sheet.fit_to_pages(2, 0)
    sheet.set_footer("&L&8xl-placement batch summary&R&8page &P of &N", {"margin": 0.3})


def write_summaries(outcomes: Sequence[Outcome], out_dir: Path, *, force: bool = False) -> tuple[Path, ...]:
    """Write summary.xlsx and summary.csv into ``out_dir``: both or neither (a full disk leaves neither).

    Each report is named by its path from ``out_dir``, where the summaries are: the folder
    can be moved or sent whole and every name still leads to its report.
    """
    outcomes = [replace(o, report=_relative(o.report, out_dir)) for o in outcomes]
    return write_all(
        [
            (out_dir / "summary.xlsx", summary_xlsx(outcomes)),
            (out_dir / "summary.csv", summary_csv(outcomes)),
        ],
        force=force,
    )


def _relative(report: str, out_dir: Path) -> str:
    """A report's path as seen from the summaries' folder (unchanged when it is elsewhere or not built)."""
    if not report:
        return report
    try:
        return Path(report).resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        return report


# --- progress ------------------------------------------------------------------


class ProgressBar:
    """A one-line progress bar on a terminal; silent when the stream is not a terminal."""

    def __init__(self, stream: IO[str] | None = None, width: int = 30) -> None:
        """Draw on ``stream`` (standard error by default) if it is a terminal."""
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = self.stream.isatty()
        self.failed = 0

    def __call__(self, outcome: Outcome, done: int, total: int) -> None:
        """Redraw after one more deal."""
        self.failed += outcome.status == ERROR
        if not self.enabled:
            return
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        failed = f", {self.failed} not built" if self.failed else ""
        end = "\n" if done == total else ""
        self.stream.write(f"\r[{bar}] {done}/{total} deals{failed}{end}")
        self.stream.flush()

    def clear(self) -> None:
        """Move off the bar's line before other output."""
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

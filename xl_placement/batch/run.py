"""A batch run: every deal's report built in the worker pool, then the summary table (and PDFs)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from xl_placement.batch.jobs import ERROR, BatchResult, Job, Outcome
from xl_placement.batch.pool import run_all, start_worker
from xl_placement.batch.rows import read_jobs
from xl_placement.batch.summary_table import SUMMARY_NAMES, SUMMARY_PDF, write_summaries
from xl_placement.errors import OutputError, OutputExistsError
from xl_placement.libreoffice import require_soffice
from xl_placement.pdf import export_pdf, export_pdfs
from xl_placement.precedents import Selection


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
    for outcome in run_all(jobs, count, force, precedents):
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
        built, workers=workers, force=force, initializer=functools.partial(start_worker, os.getpid())
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

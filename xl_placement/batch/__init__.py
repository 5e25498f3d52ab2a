"""Batch runs: many deals from a CSV table or a folder of deal files, in parallel.

Each deal gets its own report; ``summary.xlsx`` and ``summary.csv`` list every deal
with its key figures, its status (the checks' outcome: passed, failed or incomplete; or
error when the deal got no report) and, for an error, the reason. A bad row
is reported with its row number and does not stop the others.

One module per job: ``rows`` (the input: a CSV table's rows or a folder's deal files, as
``Job``s), ``names`` (safe report file names), ``build`` (one deal's report and outcome),
``pool`` (the worker processes), ``run`` (``run_batch``: the whole run), ``summary_table``
(``summary.xlsx`` and ``summary.csv``), ``progress`` (the progress bar), and ``jobs``
(``Job``, ``Outcome``, ``BatchResult``, error texts), which the others share.
"""

from __future__ import annotations

from xl_placement.batch.build import run_job
from xl_placement.batch.jobs import ERROR, BatchResult, Job, Outcome
from xl_placement.batch.names import safe_name
from xl_placement.batch.pool import collector_paused
from xl_placement.batch.progress import ProgressBar
from xl_placement.batch.rows import parse_header, read_jobs, row_mapping
from xl_placement.batch.run import run_batch
from xl_placement.batch.summary_table import (
    SUMMARY_COLUMNS,
    SUMMARY_FIGURES,
    SUMMARY_NAMES,
    SUMMARY_PDF,
    summary_csv,
    summary_records,
    summary_xlsx,
    write_summaries,
)

__all__ = [
    "ERROR",
    "SUMMARY_COLUMNS",
    "SUMMARY_FIGURES",
    "SUMMARY_NAMES",
    "SUMMARY_PDF",
    "BatchResult",
    "Job",
    "Outcome",
    "ProgressBar",
    "collector_paused",
    "parse_header",
    "read_jobs",
    "row_mapping",
    "run_batch",
    "run_job",
    "safe_name",
    "summary_csv",
    "summary_records",
    "summary_xlsx",
    "write_summaries",
]

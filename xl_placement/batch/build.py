"""One deal of a batch: its report built, and its outcome with the summary's key figures."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from xl_placement import api
from xl_placement.batch.jobs import ERROR, Job, Outcome, error_message
from xl_placement.batch.summary_table import SUMMARY_FIGURES
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import OutputExistsError, PlacementError
from xl_placement.money import in_context, round_half_up
from xl_placement.output import check_target, write_atomic
from xl_placement.precedents import Selection, for_deal


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
            error=error_message(exc, job.label, csv_row=job.row is not None),
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
            key: _summary_precision(value, unit)
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


def _summary_precision(value: Decimal, unit: str) -> Decimal:
    """Summary precision: fractions to 8 decimals (0.08612440), amounts as computed."""
    return round_half_up(value, 8) if unit == "fraction" else value


def _gross_usd(deal: Any, rows: Mapping[str, Decimal | None]) -> Decimal | None:
    """Gross proceeds in US dollars: the deal's own figure, or its [fx] figure when [fx] quotes USD."""
    if deal.issuer.currency == "USD":
        return rows.get("gross_proceeds")
    if deal.fx is not None and deal.fx.quote_currency == "USD":
        return rows.get("gross_proceeds_quote")
    return None

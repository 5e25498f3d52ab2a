"""The Python API: the command line's powers as functions for scripts and notebooks.

    >>> from xl_placement import load_deal, compute, check_deal, figures_frame
    >>> figures = compute(load_deal("examples/sensetime.toml"))
    >>> check_deal(figures).passed
    True

One function per job: ``compute``, ``check_deal`` and ``export_pdf`` are the core's and
the PDF writer's own functions, re-exported here; ``load_deal``, ``build_report`` and the
frames are defined here. Heavy libraries (openpyxl, pandas) are imported only by the
functions that need them, so ``import xl_placement`` and the command line start quickly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from xl_placement import checks, dealfile
from xl_placement import figures as _figures
from xl_placement import pdf as _pdf
from xl_placement._arguments import checked
from xl_placement._optional import require
from xl_placement.checks import CheckReport
from xl_placement.deal import Deal
from xl_placement.errors import DealError, InputError, Problem
from xl_placement.figures import NET_NOT_GIVEN_BASIS, NOT_GIVEN, Figures, net_not_given_text
from xl_placement.formats import in_sentence
from xl_placement.money import in_context
from xl_placement.precedents import Selection  # at run time: arguments are checked against it

if TYPE_CHECKING:
    import pandas as pd

#: The core's and the PDF writer's functions, their arguments checked (a wrong type names the argument).
compute = checked(_figures.compute)
export_pdf = checked(_pdf.export_pdf)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # what load_deal reads as a workbook with an Inputs sheet

__all__ = [
    "FigureRow",
    "build_report",
    "check_deal",
    "checks_frame",
    "compute",
    "export_pdf",
    "figure_rows",
    "figures_frame",
    "grid_frame",
    "grid_records",
    "load_deal",
    "load_precedents",
    "market_rows",
    "precedents_frame",
    "timetable_frame",
]


@checked
@in_context
def check_deal(figures: Figures | Deal) -> CheckReport:
    """Check a deal against its exchange's listing rules and its stated figures.

    Args:
        figures: the computed figures of a deal (``compute(deal)``), or the Deal itself,
            whose figures are then computed first.

    Returns:
        The rule checks, the stated-versus-computed comparisons and the announcement sentences.

    Raises:
        CalculationError: a Deal was given whose figures cannot be computed.
    """
    return checks.check_deal(compute(figures) if isinstance(figures, Deal) else figures)


def report_path(path: str | Path, name: str = "path") -> Path:
    """The report's file name, refused unless it ends in .xlsx (the command line's ``-o`` and ``build_report``).

    Raises:
        InputError: the name does not end in .xlsx.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"{name} {target}: the report is an .xlsx workbook; give a name ending in .xlsx")
    return target


@checked
@in_context
def load_deal(path: str | Path, prices: str | Path | None = None) -> Deal:
    """Load and validate a deal from a deal file or a workbook's Inputs sheet.

    Args:
        path: a ``.toml`` or ``.json`` deal file, or an ``.xlsx``/``.xlsm`` workbook
            with an Inputs sheet (such as ``placement.xlsm``).
        prices: a price-history file (CSV) for the market history, as ``--prices``; a deal
            file may name one itself (``market.history_file``).

    Returns:
        The validated Deal.

    Raises:
        DealError: the file cannot be read or holds invalid fields (every problem listed).
        UnsafeWorkbookError: a workbook was refused (not a workbook, zip bomb, XML attack).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        from xl_placement.inputs import deal_from_workbook  # noqa: PLC0415 - openpyxl only when needed

        deal = deal_from_workbook(path)
        if prices is None:
            return deal
        from xl_placement.pricefile import Options, apply_price_file  # noqa: PLC0415 - only when asked

        return apply_price_file(deal, Options(Path(prices)))
    if suffix not in dealfile.DEAL_FILE_SUFFIXES:
        expected = "must be a .toml or .json deal file, or an .xlsx/.xlsm workbook with an Inputs sheet"
        raise DealError([Problem("file", path.name, expected)], str(path))
    return dealfile.read_deal_file(path, prices)


@checked
@in_context
def build_report(
    deal: Deal,
    path: str | Path,
    *,
    template: str | Path | None = None,
    precedents: str | Path | Selection | None = None,
    force: bool = False,
    since: dt.date | str | None = None,
    exchange: str | None = None,
    until: dt.date | str | None = None,
) -> Path:
    """Compute a deal's figures and checks, fill the report template and save the workbook atomically.

    The same deal, template and precedents give the same bytes on the same day, or on any day with
    ``[report] draft_date`` or ``SOURCE_DATE_EPOCH`` set; every formula cell carries its value.

    Args:
        deal: the validated deal (from ``load_deal``).
        path: the ``.xlsx`` file to write.
        template: a restyled copy of the report template; the packaged template when None.
        precedents: comparable placings for a "Precedents" sheet: a precedents CSV, a
            batch's ``summary.csv``, a folder of deal files, or a ``Selection`` from
            ``load_precedents``. None: no Precedents sheet.
        force: replace an existing file.
        since: keep precedents dated on or after this day (with a file for ``precedents``).
        exchange: keep precedents on this exchange (with a file for ``precedents``).
        until: keep precedents dated before this day, instead of before the deal's own date
            (agreement, else announcement, else the market data's date; see ``precedents.for_deal``).

    Returns:
        The path written.

    Raises:
        CalculationError: the deal's figures cannot be computed (nothing is written).
        TemplateError: the template is unusable (nothing is written).
        OutputExistsError: the file exists and ``force`` is false.
        OutputLockedError: the file is open in another program.
        OutputError: the file could not be written; a previous file is unchanged.
        PrecedentsError: a bad precedent row (file, row and column named) or no row left after
            the filters; nothing is written.
    """
    # openpyxl only when a report is built, so `import xl_placement` and `check` stay light.
    from xl_placement.output import write_atomic  # noqa: PLC0415
    from xl_placement.report import render_report  # noqa: PLC0415

    target = report_path(path)
    selection = _selection(precedents, since, exchange, deal, until)  # refused before anything is computed
    computed = compute(deal)
    data = render_report(computed, checks.check_deal(computed), template=template, precedents=selection)
    return write_atomic(target, data, force=force)


def _selection(
    precedents: str | Path | Selection | None,
    since: dt.date | str | None,
    exchange: str | None,
    deal: Deal | None,
    until: dt.date | str | None = None,
) -> Selection | None:
    from xl_placement.errors import PrecedentsError  # noqa: PLC0415
    from xl_placement.precedents import for_deal  # noqa: PLC0415

    if isinstance(precedents, Selection):
        if since is not None or exchange is not None or until is not None:
            raise PrecedentsError(
                "since, exchange and until filter a precedents file; a Selection is already filtered"
            )
        return for_deal(precedents, deal) if deal is not None else precedents
    if precedents is None:
        if since is not None or exchange is not None or until is not None:
            raise PrecedentsError("since, exchange and until filter precedents; give the precedents too")
        return None
    return load_precedents(precedents, since=since, exchange=exchange, deal=deal, until=until)


@checked
@in_context
def load_precedents(
    path: str | Path,
    *,
    since: dt.date | str | None = None,
    exchange: str | None = None,
    deal: Deal | None = None,
    until: dt.date | str | None = None,
) -> Selection:
    """Read, filter and sort precedent placings (the command line's ``--precedents``, ``--since``, ``--exchange``).

    Args:
        path: a precedents CSV, a batch's ``summary.csv``, or a folder of deal files.
        since: keep deals dated on or after this day (``date`` or ``"YYYY-MM-DD"``).
        exchange: keep deals on this exchange (``"HKEX"``).
        deal: the deal the precedents are for; a row that is this deal is left out, and so
            is every row not dated before the cut-off (``until``, else the deal's date).
        until: the cut-off: keep deals dated before this day (overrides the deal's date).

    Returns:
        The Selection: rows sorted by date, the filters and what they left out.

    Raises:
        PrecedentsError: a bad row (file, row and column named), a bad filter, or no row left.
    """
    from xl_placement import precedents as pr  # noqa: PLC0415

    return pr.load_precedents(path, since=since, exchange=exchange, deal=deal, until=until)


@checked
@in_context
def precedents_frame(
    path: str | Path | Selection,
    *,
    since: dt.date | str | None = None,
    exchange: str | None = None,
    deal: Deal | None = None,
    until: dt.date | str | None = None,
) -> pd.DataFrame:
    """Precedent placings as a pandas DataFrame, one row a deal, sorted by date.

    Columns: the precedents CSV's columns (figures as floats, rates as fractions, NaN where
    unknown; ``date`` as a Timestamp, NaT when undated, the first day of the month when
    only the month is known, with ``date_text`` saying which), ``computed`` (the figures
    computed from the others, comma-separated) and ``origin`` (file and row). With ``deal``
    (or ``until``), only the precedents dated before the cut-off, as the report's sheet has
    them; ``frame.attrs["cut_off"]`` says which cut-off was used ("" without either).

    Raises:
        PrecedentsError: as ``load_precedents``.
        DependencyMissingError: pandas is not installed (``pip install 'xl-placement[pandas]'``).
    """
    pd = require(
        "pandas", extra="pandas", purpose="precedents_frame"
    )  # slow to import: only notebooks need it

    from xl_placement import precedents as pr  # noqa: PLC0415

    selection = _selection(path, since, exchange, deal, until)
    assert selection is not None  # noqa: S101 - a path or a Selection was given
    if deal is None and selection.until is not None:
        selection = pr.for_deal(selection, None)
    text = {
        "issuer",
        "exchange",
        "currency",
        "stock_code",
        "share_class",
        "kind",
        "usd_rate_source",
        "source",
    }
    records = []
    for row in selection.rows:
        record: dict[str, object] = {
            "date": pd.Timestamp(row.date.first) if row.date else pd.NaT,
            "date_text": row.date.text if row.date else "",
        }
        for column in pr.COLUMNS:
            if column == "date":
                continue
            value = getattr(row, column)
            record[column] = value if column in text else (float("nan") if value is None else float(value))
        record["computed"] = ", ".join(sorted(row.computed))
        record["origin"] = row.origin
        records.append(record)
    columns = ["date", "date_text", *(c for c in pr.COLUMNS if c != "date"), "computed", "origin"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame.attrs["cut_off"] = selection.cut_off
    return frame


@dataclass(frozen=True)
class FigureRow:
    """One computed figure, named as in the deal file's ``[stated]`` table where it can be stated."""

    group: str  # "reference", "dilution", "proceeds", "use of proceeds", "rules"
    key: str
    label: str
    value: Decimal | None  # None: not given; ``note`` names the deal-file field it needs
    unit: str  # a currency code, "fraction" or "shares"
    note: str = ""


@checked
@in_context
def figure_rows(figures: Figures) -> list[FigureRow]:
    """Every figure of a deal as a flat list of rows, in the order a deal sheet shows them."""
    deal = figures.deal
    ccy = deal.issuer.currency
    rows: list[FigureRow] = [
        FigureRow("deal", "price", "Placing price", deal.placing.price, ccy),
        FigureRow("deal", "new_shares", "New shares", Decimal(deal.placing.new_shares), "shares"),
        _shares_row(
            "deal", "shares_outstanding", "Shares in issue before the deal", deal.placing.shares_outstanding
        ),
    ]
    rows += _structure_rows(figures)
    for ref in figures.references:
        rows.append(FigureRow("reference", ref.key, ref.label, ref.price, ccy))
        rows.append(
            FigureRow(
                "discount",
                f"discount_to_{ref.key}",
                f"Discount to {in_sentence(ref.label)}",
                ref.discount,
                "fraction",
            )
        )
    rows += _dilution_rows(figures)
    rows += _proceeds_rows(figures)
    rows += market_rows(figures)
    # Uses stated on net proceeds with the costs not given: the split of gross, labelled so.
    split_of_gross = figures.allocation_basis == NET_NOT_GIVEN_BASIS
    note = (
        f"split of gross proceeds: net proceeds {net_not_given_text(figures.deal)}" if split_of_gross else ""
    )
    for index, allocation in enumerate(figures.allocations):
        rows.append(
            FigureRow("use of proceeds", f"use_{index}", allocation.name, allocation.amount, ccy, note)
        )
    if figures.theoretical_diluted_price is not None and figures.theoretical_dilution_effect is not None:
        rows.append(
            FigureRow(
                "rules",
                "theoretical_diluted_price",
                "Theoretical diluted price",
                figures.theoretical_diluted_price,
                ccy,
            )
        )
        rows.append(
            FigureRow(
                "rules",
                "theoretical_dilution_effect",
                "Theoretical dilution effect",
                figures.theoretical_dilution_effect,
                "fraction",
            )
        )
    if figures.mandate_headroom is not None:
        rows.append(
            FigureRow(
                "rules",
                "mandate_headroom",
                "General mandate headroom after the deal",
                Decimal(figures.mandate_headroom),
                "shares",
            )
        )
    return rows


NEEDS_SHARES_OUTSTANDING = f"{NOT_GIVEN}: needs placing.shares_outstanding"


def _shares_row(group: str, key: str, label: str, value: int | None) -> FigureRow:
    if value is None:
        return FigureRow(group, key, label, None, "shares", NEEDS_SHARES_OUTSTANDING)
    return FigureRow(group, key, label, Decimal(value), "shares")


def _fraction_row(group: str, key: str, label: str, value: Decimal | None) -> FigureRow:
    if value is None:
        return FigureRow(group, key, label, None, "fraction", NEEDS_SHARES_OUTSTANDING)
    return FigureRow(group, key, label, value, "fraction")


def _structure_rows(figures: Figures) -> list[FigureRow]:
    """Pre-funded and attached warrants: the shares they add and the fully diluted dilution."""
    p, ccy = figures.deal.placing, figures.deal.issuer.currency
    rows: list[FigureRow] = []
    if p.ads_ratio is not None:
        rows.append(FigureRow("deal", "ads_ratio", "Ordinary shares per ADS", p.ads_ratio, "shares"))
    if p.prefunded_warrants:
        rows.append(
            FigureRow(
                "deal",
                "prefunded_warrants",
                "Pre-funded warrant shares",
                Decimal(p.prefunded_warrants),
                "shares",
            )
        )
    if p.attached_warrants:
        rows.append(
            FigureRow(
                "deal", "attached_warrants", "Attached warrant shares", Decimal(p.attached_warrants), "shares"
            )
        )
    if figures.has_warrants:
        rows.append(
            FigureRow(
                "dilution",
                "potential_shares",
                "New shares and warrant shares",
                Decimal(figures.potential_shares),
                "shares",
            )
        )
        rows.append(
            _fraction_row(
                "dilution",
                "percent_fully_diluted",
                "New and warrant shares, % of the fully diluted share capital",
                figures.percent_fully_diluted,
            )
        )
    if figures.warrant_exercise_proceeds is not None:
        rows.append(
            FigureRow(
                "proceeds",
                "warrant_exercise_proceeds",
                "Proceeds if the attached warrants are exercised",
                figures.warrant_exercise_proceeds,
                ccy,
            )
        )
    return rows


def _dilution_rows(figures: Figures) -> list[FigureRow]:
    rows = [
        _shares_row("dilution", "enlarged_shares", "Shares in issue after the deal", figures.enlarged_shares),
        _fraction_row(
            "dilution", "percent_of_existing", "New shares, % of existing", figures.percent_of_existing
        ),
        _fraction_row(
            "dilution",
            "percent_of_enlarged",
            "New shares, % of enlarged share capital",
            figures.percent_of_enlarged,
        ),
    ]
    if figures.percent_of_existing_class is not None and figures.percent_of_enlarged_class is not None:
        rows.append(
            FigureRow(
                "dilution",
                "percent_of_existing_class",
                "New shares, % of existing shares of the class",
                figures.percent_of_existing_class,
                "fraction",
            )
        )
        rows.append(
            FigureRow(
                "dilution",
                "percent_of_enlarged_class",
                "New shares, % of enlarged shares of the class",
                figures.percent_of_enlarged_class,
                "fraction",
            )
        )
    return rows


def _proceeds_rows(figures: Figures) -> list[FigureRow]:
    money, deal = figures.proceeds, figures.deal
    ccy, missing = deal.issuer.currency, net_not_given_text(deal)
    rows = [
        FigureRow("proceeds", "gross_proceeds", "Gross proceeds", money.gross, ccy),
        FigureRow(
            "proceeds",
            "commission",
            "Placing commission",
            money.commission,
            ccy,
            "" if money.commission is not None else f"{NOT_GIVEN} (needs costs.commission_rate)",
        ),
        FigureRow(
            "proceeds",
            "other_costs",
            "Other costs",
            money.other_costs,
            ccy,
            "" if money.other_costs is not None else f"{NOT_GIVEN} (needs costs.other_costs)",
        ),
        FigureRow(
            "proceeds",
            "net_proceeds",
            "Net proceeds",
            money.net,
            ccy,
            "" if money.net is not None else missing,
        ),
        FigureRow(
            "proceeds",
            "net_price_per_share",
            "Net price per share",
            money.net_price_per_share,
            ccy,
            "" if money.net_price_per_share is not None else missing,
        ),
    ]
    fx = figures.deal.fx
    if fx is not None and money.gross_quote is not None:
        rows.append(
            FigureRow(
                "proceeds",
                "gross_proceeds_quote",
                "Gross proceeds in the quote currency",
                money.gross_quote,
                fx.quote_currency,
            )
        )
        rows.append(
            FigureRow(
                "proceeds",
                "net_proceeds_quote",
                "Net proceeds in the quote currency",
                money.net_quote,
                fx.quote_currency,
                "" if money.net_quote is not None else missing,
            )
        )
    return rows


@in_context
def market_rows(figures: Figures) -> list[FigureRow]:
    """Market capitalisation, deal size against it, liquidity and public float, as figure rows."""
    m, deal = figures.market, figures.deal
    ccy = deal.issuer.currency
    rows: list[FigureRow] = []
    basis = f" ({m.market_cap_basis})" if m.market_cap_basis else ""
    label = f"Market capitalisation before the deal{basis}"
    missing = "" if m.market_cap is not None else f"{NOT_GIVEN} ({m.market_cap_missing})"
    rows.append(FigureRow("market", "market_cap", label, m.market_cap, ccy, missing))
    if deal.fx is not None:
        rows.append(
            FigureRow(
                "market", "market_cap_quote", label, m.market_cap_quote, deal.fx.quote_currency, missing
            )
        )
    rows.append(
        FigureRow(
            "market",
            "gross_to_market_cap",
            f"Gross proceeds, % of market capitalisation{basis}",
            m.gross_to_market_cap,
            "fraction",
            missing,
        )
    )
    for after in figures.after_market:
        n = after.days
        rows.append(
            FigureRow(
                "after market", f"close_t{n}", f"Close on T+{n} ({after.date.isoformat()})", after.close, ccy
            )
        )
        rows.append(
            FigureRow(
                "after market",
                f"after_market_t{n}",
                f"Close on T+{n} against the placing price",
                after.change,
                "fraction",
            )
        )
    for item in m.liquidity:
        n = item.days
        rows.append(
            FigureRow(
                "market",
                f"adtv_{n}d",
                f"Average daily volume, {n} days ({item.origin})",
                item.volume,
                "shares",
            )
        )
        if item.value is not None:
            rows.append(
                FigureRow(
                    "market", f"adtv_value_{n}d", f"Average daily traded value, {n} days", item.value, ccy
                )
            )
        rows.append(
            FigureRow(
                "market",
                f"days_of_volume_{n}d",
                f"New shares in days of {n}-day volume",
                item.days_of_volume,
                "days",
            )
        )
    pf = figures.public_float
    if pf is not None:
        rows += [
            FigureRow(
                "public float",
                "public_float_before",
                "Public float before the deal",
                Decimal(pf.shares_before),
                "shares",
            ),
            FigureRow(
                "public float",
                "public_float_percent_before",
                "Public float before, % of shares",
                pf.percent_before,
                "fraction",
            ),
            FigureRow(
                "public float",
                "public_float_after",
                "Public float after the deal",
                Decimal(pf.shares_after),
                "shares",
            ),
            FigureRow(
                "public float",
                "public_float_percent_after",
                "Public float after, % of shares",
                pf.percent_after,
                "fraction",
            ),
        ]
    return rows


@in_context
def grid_records(figures: Figures) -> list[dict[str, object]]:
    """The pricing grid's rows as plain records (exact Decimals), highest price first."""
    from xl_placement.grid import pricing_grid  # noqa: PLC0415 - only when asked for

    grid = pricing_grid(figures)
    records: list[dict[str, object]] = []
    for row in grid.rows:
        record: dict[str, object] = {"price": row.price, "is_deal": row.is_deal, "is_lowest": row.is_lowest}
        for ref, value in zip(grid.references, row.discounts, strict=True):
            record[f"discount_to_{ref.key}"] = value
        record |= {
            "gross_proceeds": row.gross,
            "net_proceeds": row.net,
            "shares_needed": row.shares_needed,
            "percent_of_enlarged": row.percent_of_enlarged,
            "rule": row.outcome,
        }
        records.append(record)
    return records


@checked
@in_context
def grid_frame(figures: Figures) -> pd.DataFrame:
    """The pricing grid as a pandas DataFrame, one row per candidate price (highest first).

    Columns: ``price``, ``is_deal``, ``is_lowest``, ``discount_to_<reference>`` for each reference,
    ``gross_proceeds``, ``net_proceeds``, ``shares_needed``, ``percent_of_enlarged`` and ``rule``
    (the price rule's outcome). Numbers are exact Decimals; empty when the deal lacks the data
    (``grid.pricing_grid(figures).problem`` says why).

    Raises:
        DependencyMissingError: pandas is not installed (``pip install 'xl-placement[pandas]'``).
    """
    pd = require("pandas", extra="pandas", purpose="grid_frame")  # slow to import: only notebooks need it

    return pd.DataFrame.from_records(grid_records(figures))


@checked
@in_context
def timetable_frame(figures: Figures) -> pd.DataFrame:
    """The timetable as a pandas DataFrame: ``key``, ``label``, ``date`` (None when not given), ``note``.

    Raises:
        DependencyMissingError: pandas is not installed (``pip install 'xl-placement[pandas]'``).
    """
    pd = require(
        "pandas", extra="pandas", purpose="timetable_frame"
    )  # slow to import: only notebooks need it

    return pd.DataFrame.from_records(
        [{"key": e.key, "label": e.label, "date": e.when, "note": e.note} for e in figures.timetable],
        columns=["key", "label", "date", "note"],
    )


@checked
@in_context
def figures_frame(figures: Figures) -> pd.DataFrame:
    """The figures of a deal as a pandas DataFrame, one row per figure, indexed by key.

    Columns: ``group``, ``label``, ``value`` (a float, for charts and arithmetic; NaN when not
    given), ``exact`` (the Decimal the report uses, or None), ``unit`` and ``note`` (which
    deal-file field a figure that is not given needs).

    Raises:
        DependencyMissingError: pandas is not installed (``pip install 'xl-placement[pandas]'``).
    """
    pd = require("pandas", extra="pandas", purpose="figures_frame")  # slow to import: only notebooks need it
    rows = figure_rows(figures)
    return pd.DataFrame(
        {
            "group": [r.group for r in rows],
            "label": [r.label for r in rows],
            "value": [float("nan") if r.value is None else float(r.value) for r in rows],
            "exact": [r.value for r in rows],
            "unit": [r.unit for r in rows],
            "note": [r.note for r in rows],
        },
        index=pd.Index([r.key for r in rows], name="key"),
    )


@checked
@in_context
def checks_frame(report: CheckReport) -> pd.DataFrame:
    """The checks of a deal as a pandas DataFrame: one row per rule check and per stated figure.

    Columns: ``kind`` ("rule" or "stated"), ``name`` (the rule, or the stated key),
    ``title``, ``status`` (a rule's status, or "matches", "differs" or "not enough data" for a
    stated figure), ``outcome`` (what the row makes of the deal: "passed", "failed" or
    "incomplete", the words of ``CheckReport.outcome``), ``value`` (the deal's figure as a
    float, when there is one) and ``detail``. ``frame.attrs["outcome"]`` is the deal's outcome.

    Raises:
        DependencyMissingError: pandas is not installed (``pip install 'xl-placement[pandas]'``).
    """
    pd = require("pandas", extra="pandas", purpose="checks_frame")  # slow to import: only notebooks need it

    from xl_placement.checks import FAILED, INCOMPLETE, PASSED  # noqa: PLC0415 - light start-up

    outcomes = {"breach": FAILED, "differs": FAILED, "not enough data": INCOMPLETE}
    records = [
        {
            "kind": "rule",
            "name": rule.rule,
            "title": rule.title,
            "status": rule.status,
            "outcome": outcomes.get(rule.status, PASSED),
            "value": None if rule.value is None else float(rule.value),
            "detail": rule.detail,
        }
        for rule in report.rules
    ]
    records += [
        {
            "kind": "stated",
            "name": stated.key,
            "title": stated.label,
            "status": stated.status,
            "outcome": outcomes.get(stated.status, PASSED),
            "value": None if stated.computed is None else float(stated.computed),
            "detail": f"stated {stated.stated} ({stated.precision}), computed {stated.computed_text}",
        }
        for stated in report.stated
    ]
    columns = ["kind", "name", "title", "status", "outcome", "value", "detail"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame.attrs["outcome"] = report.outcome
    return frame

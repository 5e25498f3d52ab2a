"""Precedent placings: comparable deals to set a placing beside, and where it sits among them.

Three sources give precedents, each read into the same ``Precedent`` rows:

- a precedents CSV, one placing a row, figures written as announcements publish them
  ("8.63%", "HK$3,150m"), read with the parser of ``[stated]`` figures;
- a batch's own ``summary.csv`` (the deals that got a report);
- a folder of deal files (``.toml``/``.json``), whose figures are computed.

A figure left blank that follows from others (the discount from the price and the last
close, gross proceeds from shares and price, one dilution basis from the other) is
computed and listed in ``Precedent.computed``. Published figures are kept as published.
The statistics (``summarise``) mirror the spreadsheet functions the report uses
(COUNT, MIN, QUARTILE, MEDIAN, AVERAGE, MAX), so the sheet and Python agree.

One module per job: ``precedent`` (a ``Precedent`` and the blanks that follow from its
figures), ``from_csv`` (a precedents CSV or a batch's summary), ``from_deals`` (a folder of
deal files), ``selection`` (filters, the cut-off before a deal, the deal itself left out),
``statistics`` (the summary statistics and a percentile rank), and ``load`` (any source read,
and ``load_precedents``: read, filter and sort).
"""

from __future__ import annotations

from xl_placement.precedents.from_csv import (
    COLUMNS,
    KINDS,
    MAX_SOURCE,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SUMMARY_MAP,
    published,
    read_csv,
    read_csv_text,
)
from xl_placement.precedents.from_deals import from_deal, read_folder
from xl_placement.precedents.load import load_precedents, read_precedents
from xl_placement.precedents.precedent import (
    AFTER_MARKET,
    MEASURES,
    Precedent,
    PrecedentDate,
    complete,
    enlarged_from_existing,
    existing_from_enlarged,
)
from xl_placement.precedents.selection import (
    NO_CUT_OFF,
    Selection,
    deal_cut_off,
    for_deal,
    select,
    without_deal,
)
from xl_placement.precedents.statistics import (
    Statistics,
    percentile_rank,
    quartile,
    summarise,
    values_of,
)

__all__ = [
    "AFTER_MARKET",
    "COLUMNS",
    "KINDS",
    "MAX_SOURCE",
    "MEASURES",
    "NO_CUT_OFF",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "SUMMARY_MAP",
    "Precedent",
    "PrecedentDate",
    "Selection",
    "Statistics",
    "complete",
    "deal_cut_off",
    "enlarged_from_existing",
    "existing_from_enlarged",
    "for_deal",
    "from_deal",
    "load_precedents",
    "percentile_rank",
    "published",
    "quartile",
    "read_csv",
    "read_csv_text",
    "read_folder",
    "read_precedents",
    "select",
    "summarise",
    "values_of",
    "without_deal",
]

"""xl-placement: analyse an equity placing in Excel.

The public surface, all importable from here: ``load_deal`` (a deal file or a workbook),
``compute``, ``check_deal``, ``build_report``, ``export_pdf``, ``figures_frame`` and
``checks_frame`` (``xl_placement.api``), the core calculations, and every exception class
(``xl_placement.errors``). Anything else is internal and may change between versions.
"""

from xl_placement._arguments import checked as _checked
from xl_placement.api import (
    FigureRow,
    build_report,
    check_deal,
    checks_frame,
    compute,
    export_pdf,
    figure_rows,
    figures_frame,
    grid_frame,
    load_deal,
    load_precedents,
    precedents_frame,
    timetable_frame,
)
from xl_placement.capital import (
    dilution,
    mandate_headroom,
    shareholding,
    theoretical_diluted_price,
    theoretical_dilution_effect,
)
from xl_placement.deal import Deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.errors import (
    AnnouncementError,
    CalculationError,
    ConversionError,
    CostsExceedGrossError,
    DealError,
    DependencyMissingError,
    FunctionError,
    InputError,
    OutputError,
    OutputExistsError,
    OutputLockedError,
    PlacementError,
    PrecedentsError,
    PriceFileError,
    Problem,
    TemplateError,
    Terminated,
    UnsafeWorkbookError,
)
from xl_placement.figures import Figures
from xl_placement.money import allocate, round_half_up
from xl_placement.prices import average_close, benchmark_window, benchmarked_price, discount, vwap
from xl_placement.proceeds import allocate_proceeds, proceeds

# The core calculations, their arguments checked as the API's are: a wrong type is a TypeError
# naming the argument (the package's own modules call them unchecked). deal_from_mapping
# checks its own argument (a DealError for anything but a mapping).
allocate = _checked(allocate)
allocate_proceeds = _checked(allocate_proceeds)
average_close = _checked(average_close)
benchmark_window = _checked(benchmark_window)
benchmarked_price = _checked(benchmarked_price)
dilution = _checked(dilution)
discount = _checked(discount)
mandate_headroom = _checked(mandate_headroom)
proceeds = _checked(proceeds)
round_half_up = _checked(round_half_up)
shareholding = _checked(shareholding)
theoretical_diluted_price = _checked(theoretical_diluted_price)
theoretical_dilution_effect = _checked(theoretical_dilution_effect)
vwap = _checked(vwap)


def __getattr__(name: str) -> str:
    """``xl_placement.__version__``, read from the installed metadata when first asked for.

    The version is written once, in pyproject.toml; the installed metadata carries it.
    importlib.metadata brings the email package and its imports (about 40 ms of a cold
    start), which a report or a check never needs: so it is imported only here.
    """
    if name != "__version__":
        raise AttributeError(f"module 'xl_placement' has no attribute {name!r}")
    from importlib import metadata  # noqa: PLC0415 - only for the version (see above)

    try:
        return metadata.version("xl-placement")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0+unknown"


__all__ = [
    "AnnouncementError",
    "CalculationError",
    "ConversionError",
    "CostsExceedGrossError",
    "Deal",
    "DealError",
    "DependencyMissingError",
    "FigureRow",
    "Figures",
    "FunctionError",
    "InputError",
    "OutputError",
    "OutputExistsError",
    "OutputLockedError",
    "PlacementError",
    "PrecedentsError",
    "PriceFileError",
    "Problem",
    "TemplateError",
    "Terminated",
    "UnsafeWorkbookError",
    "__version__",
    "allocate",
    "allocate_proceeds",
    "average_close",
    "benchmark_window",
    "benchmarked_price",
    "build_report",
    "check_deal",
    "checks_frame",
    "compute",
    "deal_from_mapping",
    "dilution",
    "discount",
    "export_pdf",
    "figure_rows",
    "figures_frame",
    "grid_frame",
    "load_deal",
    "load_precedents",
    "mandate_headroom",
    "precedents_frame",
    "proceeds",
    "round_half_up",
    "shareholding",
    "theoretical_diluted_price",
    "theoretical_dilution_effect",
    "timetable_frame",
    "vwap",
]

"""xl-placement in xlwings Lite: paste this file into the add-in's main.py.

xlwings Lite (the free Excel add-in that runs Python inside Excel, through Pyodide, on
Windows, macOS and Excel on the web) registers every function this module holds that
carries xlwings' ``@func`` metadata, and offers every ``@script`` in its Run list. The
functions are the very ones the classic add-in and placement.xlsm use
(``xl_placement.excel``, whose ``FUNCTIONS`` is the one list of them): same names,
arguments, help texts and results. ``build_report`` writes the report of the deal on
the workbook's Inputs sheet into new sheets of the workbook. List the package in the
editor's requirements.txt tab (see lite/requirements.txt) first.
"""

try:
    import xlwings as xw
    from xlwings import script
except ImportError:  # outside Excel: plain Python, as the tests run it
    from xl_placement import _no_xlwings as xw  # type: ignore[no-redef]
    from xl_placement._no_xlwings import script  # type: ignore[no-redef]

from xl_placement.excel import *  # noqa: F403 - the eight functions, registered by xlwings Lite


@script
def build_report(book: xw.Book) -> None:
    """Build report: the report of the deal on the Inputs sheet, into new sheets of this workbook."""
    # Imported here: the report machinery is heavy, and the functions must load fast.
    from xl_placement import lite  # noqa: PLC0415

    lite.run(book)

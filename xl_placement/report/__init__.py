"""The report workbook: a template filled from a deal, with live formulas that carry their values.

Data flow: ``template`` (load and check the template) -> one ``<name>_sheet`` module per
sheet, each with its ``fill_<name>`` (write values and ``xl_placement.formulas`` through
``cells``, tables by ``tables``, the ``chart``) -> ``cache`` (cached values into the saved XML) -> ``save`` (deterministic
bytes) -> ``build`` (``render_report``). Saving the file is ``xl_placement.build_report``'s.
"""

from xl_placement.report.build import render_report
from xl_placement.report.template import DEFAULT_TEMPLATE, REQUIRED_NAMES, load_template

__all__ = ["DEFAULT_TEMPLATE", "REQUIRED_NAMES", "load_template", "render_report"]

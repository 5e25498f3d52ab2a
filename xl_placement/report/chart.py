"""The use-of-proceeds waterfall: a stacked column chart with an invisible base series.

openpyxl cannot write Excel's native waterfall chart, and older Excel and
LibreOffice cannot show one; a stacked column chart whose first series has no fill
is the portable way. Totals (gross, net) are navy, costs red, uses blue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import Series
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

SERIES_COLOURS = (None, "1F3864", "C00000", "2E75B6")  # base (invisible), totals, costs, uses
MILLIONS_LABEL = "#,##0.0,,;-#,##0.0,,;;"  # zero stays blank, so each bar has one label


@dataclass(frozen=True)
class ChartRow:
    """Where the chart data is: labels in ``first_col``, then base, total, costs and uses."""

    first_col: int
    first_row: int
    last_row: int


def add_waterfall(ws: Worksheet, data: ChartRow, anchor: str, currency: str) -> BarChart:
    """Add the waterfall chart at ``anchor``, drawn from the chart data rows."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.width = 19.0
    chart.height = 13.5
    chart.legend = None
    chart.style = 2
    values = Reference(
        ws,
        min_col=data.first_col + 1,
        max_col=data.first_col + 4,
        min_row=data.first_row - 1,
        max_row=data.last_row,
    )
    chart.add_data(values, titles_from_data=True)
    column = get_column_letter(data.first_col)
    labels = f"'{ws.title}'!${column}${data.first_row}:${column}${data.last_row}"
    for series, colour in zip(chart.series, SERIES_COLOURS, strict=True):
        series.cat = AxDataSource(strRef=StrRef(f=labels))  # text labels, not numbers
        _style(series, colour)
    chart.y_axis.numFmt = "#,##0,,"
    chart.y_axis.title = f"{currency} m"
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.txPr = _text(800, horizontal=True)
    chart.y_axis.txPr = _text(800)
    ws.add_chart(chart, anchor)
    return chart


def _style(series: Series, colour: str | None) -> None:
    props = series.graphicalProperties
    if colour is None:  # the invisible base that lifts each step to its height
        props.noFill = True
        props.line.noFill = True
        return
    props.solidFill = colour
    props.line.solidFill = colour
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    series.dLbls.showSerName = False
    series.dLbls.showCatName = False
    series.dLbls.showLegendKey = False
    series.dLbls.numFmt = MILLIONS_LABEL
    series.dLbls.position = "ctr"
    series.dLbls.txPr = _text(800, colour="FFFFFF" if colour == SERIES_COLOURS[1] else "000000", bold=True)


def _text(size: int, *, horizontal: bool = False, colour: str = "000000", bold: bool = False) -> RichText:
    """Text properties: size in hundredths of a point; horizontal labels wrap instead of slanting."""
    props = CharacterProperties(sz=size, b=bold, solidFill=colour)
    body = RichTextProperties(rot=0, vert="horz") if horizontal else RichTextProperties()
    return RichText(bodyPr=body, p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


_NUMFMT = re.compile(r'<(c:)?numFmt formatCode="([^"]*)" ?/>')


def link_formats(xml: str) -> str:
    """Mark the chart's number formats as its own (``sourceLinked="0"``).

    openpyxl omits the attribute, and LibreOffice then uses the cells' formats,
    showing full amounts instead of millions on the labels and axis.
    """
    return _NUMFMT.sub(
        lambda m: f'<{m.group(1) or ""}numFmt formatCode="{m.group(2)}" sourceLinked="0"/>', xml
    )

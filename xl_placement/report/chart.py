"""The use-of-proceeds waterfall: a stacked column chart with an invisible base series.

openpyxl cannot write Excel's native waterfall chart, and older Excel and
LibreOffice cannot show one; a stacked column chart whose first series has no fill
is the portable way. Totals (gross, net) are navy, costs red, uses blue.

Amounts are printed white inside the bars; a bar too thin to hold its label (the
costs, a small use, a zero) has its amount in its category label under the axis
instead, so no label is ever drawn over a sliver. The series carry cached values,
so a previewer that does not recalculate still draws the chart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, NumData, NumVal, StrData, StrRef, StrVal
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

SERIES_COLOURS = (None, "1F3864", "C00000", "2E75B6")  # base (invisible), totals, costs, uses
MILLIONS_LABEL = "#,##0.0,,;-#,##0.0,,;;"  # zero stays blank, so each bar has one label
THIN = Decimal("0.06")  # a bar below this share of the tallest cannot hold a label inside it
WIDTH_CM = 22.0  # the columns H:P of the Use of proceeds sheet
PLOT_CM = 19.5  # the width left for the bars once the value axis is drawn
CHAR_CM = {9: 0.19, 8: 0.17}  # room per character at each point size, as LibreOffice wraps labels
MIN_LABEL_POINTS = 8  # category labels stay readable in print: never smaller than 8 pt


@dataclass(frozen=True)
class ChartRow:
    """Where the chart data is: labels in ``first_col``, then base, total, costs and uses."""

    first_col: int
    first_row: int
    last_row: int


@dataclass(frozen=True)
class Bars:
    """The chart's data as the cells hold it: each bar's label and its four segments."""

    titles: tuple[str, str, str, str]  # the series names (the header cells)
    labels: tuple[str, ...]  # the category labels, line breaks included
    segments: tuple[tuple[Decimal, Decimal, Decimal, Decimal], ...]  # base, total, costs, use per bar

    @property
    def thin(self) -> tuple[int, ...]:
        """The bars too thin to hold a label inside them (zero included)."""
        tallest = max((sum(s, Decimal(0)) for s in self.segments), default=Decimal(0))
        return tuple(i for i, s in enumerate(self.segments) if sum(s[1:], Decimal(0)) <= tallest * THIN)


def label_size(names: Sequence[str]) -> int:
    """The category labels' point size: 9 when the longest word fits its bar's width, else 8 (never smaller)."""
    per_bar = PLOT_CM / max(len(names), 1)
    longest = max((len(word) for name in names for word in name.split()), default=0)
    return 9 if longest * CHAR_CM[9] <= per_bar else MIN_LABEL_POINTS


def wrap_label(name: str, bars: int, size: int) -> str:
    """Break a category label at spaces into lines as wide as its bar; a longer word is hyphenated."""
    per_line = max(2, int(PLOT_CM / max(bars, 1) / CHAR_CM[size]))
    lines: list[str] = []
    for whole in name.split():
        word = whole
        while len(word) > per_line:  # at 8 pt a very long word is split rather than drawn over its neighbour
            lines.append(word[: per_line - 1] + "-")
            word = word[per_line - 1 :]
        if lines and not lines[-1].endswith("-") and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def add_waterfall(ws: Worksheet, data: ChartRow, anchor: str, currency: str, bars: Bars) -> BarChart:
    """Add the waterfall chart at ``anchor``, drawn from the chart data rows (``bars`` is their content)."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.width = WIDTH_CM
    chart.height = 13.5
    chart.legend = None
    chart.style = 2
    chart.visible_cells_only = False  # the data sits in hidden (grouped) columns
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
    categories = StrData(ptCount=len(bars.labels), pt=[StrVal(i, v) for i, v in enumerate(bars.labels)])
    for index, (series, colour) in enumerate(zip(chart.series, SERIES_COLOURS, strict=True)):
        series.cat = AxDataSource(strRef=StrRef(f=labels, strCache=categories))  # text labels, not numbers
        _cache(series, bars, index)
        _style(series, colour, bars.thin)
    chart.y_axis.numFmt = "#,##0,,"
    chart.y_axis.title = f"{currency} m"
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.txPr = _text(100 * label_size(bars.labels), horizontal=True)
    chart.y_axis.txPr = _text(800)
    ws.add_chart(chart, anchor)
    return chart


def _cache(series: Series, bars: Bars, index: int) -> None:
    """Store the values and the series name with the series, as Excel does."""
    values = [segment[index] for segment in bars.segments]
    series.val.numRef.numCache = NumData(
        formatCode="General",
        ptCount=len(values),
        pt=[NumVal(i, v=_cached_number_text(v)) for i, v in enumerate(values)],
    )
    title = series.tx.strRef if isinstance(series.tx, SeriesLabel) else None
    if title is not None:
        title.strCache = StrData(ptCount=1, pt=[StrVal(0, bars.titles[index])])


def _cached_number_text(value: Decimal) -> str:
    """A segment's value as the chart's cached number: plain digits, no exponent, no trailing zeros."""
    return format(value.normalize(), "f") if value else "0"


def _style(series: Series, colour: str | None, thin: Sequence[int]) -> None:
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
    series.dLbls.txPr = _text(800, colour="FFFFFF", bold=True)  # white reads on navy, red and blue
    # A thin bar's amount is in its category label instead (see the module's docstring).
    series.dLbls.dLbl = [
        DataLabel(idx=i, showVal=False, showSerName=False, showCatName=False, showLegendKey=False)
        for i in thin
    ]


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

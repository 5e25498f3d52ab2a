"""Every use of openpyxl's private attributes, in one place (openpyxl 3.1).

The report reaches into openpyxl in a few places where its public API is too slow or
cannot do the job. They are all here, listed in :data:`PRIVATE_ATTRIBUTES`;
``tests/test_openpyxl_private.py`` checks each one on real openpyxl objects and fails
naming the attribute when an openpyxl release removes or changes it, and checks that no
other module of the project uses one.

- ``Workbook._fonts`` (an ``IndexedList`` of fonts) and ``Cell._style`` (a ``StyleArray``
  whose ``fontId`` indexes it): recolouring a cell's font without copying every style.
- ``Cell._style`` again: copying a prototype row's style in one assignment.
- ``IndexedList._dict``: the hash index of a style table, repaired after unpickling a
  cached template.
- ``Worksheet._add_row`` and ``Worksheet._add_column``: the factories of the row and
  column dimension holders, which pickling loses.
- ``Worksheet._charts``: the charts on a sheet (to extend the print area below them).
- ``Image._data``: the bytes openpyxl writes for an image; ``SizedImage`` gives them from
  memory, as openpyxl's own ``Image`` reads them through Pillow (not a dependency).
- ``Worksheet._cells``, ``Workbook._borders``, ``Workbook._protections`` and the
  ``borderId`` and ``protectionId`` of ``Cell._style``: merging cells with each distinct
  style looked up once (:func:`merge_cells`), not once per cell.
- ``Worksheet._cells`` and ``Worksheet._current_row``: walking a sheet as ``iter_rows`` does,
  faster (:func:`rows_of`).
- ``Cell._value`` and ``Cell._comment``, ``Worksheet._comments``, ``Worksheet._charts``, ``Worksheet._images``,
  ``Worksheet._drawing`` and ``Worksheet._rels``, ``ExcelWriter._archive`` and
  ``WorksheetWriter._rels``, and openpyxl's ``cell._writer._set_attributes``: saving
  (:func:`save_parts`) into memory rather than through a zip and a temporary file per sheet,
  with each sheet's cells handed over as data (:func:`sheet_rows`) instead of written as
  XML that the cached values' step would parse again; the workbook's style tables
  (``_fonts``, ``_fills``, ``_borders``, ``_differential_styles``, ``_colors``,
  ``_number_formats``, ``_cell_styles``, ``_alignments``, ``_protections``,
  ``_named_styles`` with each ``NamedStyle._style``, ``_table_styles``) as the key of
  the stylesheet written once per distinct state (:func:`stylesheet_xml`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from copy import copy
from io import BytesIO
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import LXML, Workbook
from openpyxl.cell._writer import _set_attributes
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.drawing.image import Image
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.styles import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import (
    ARC_APP,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_ROOT_RELS,
    ARC_STYLE,
    ARC_THEME,
    ARC_WORKBOOK,
    ARC_WORKBOOK_RELS,
    CPROPS_TYPE,
)
from openpyxl.xml.functions import tostring

#: (class, attribute) for every private attribute this module uses.
PRIVATE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("Workbook", "_fonts"),
    ("Cell", "_style"),
    ("StyleArray", "fontId"),
    ("IndexedList", "_dict"),
    ("Worksheet", "_add_row"),
    ("Worksheet", "_add_column"),
    ("Worksheet", "_charts"),
    ("Image", "_data"),
    ("Worksheet", "_cells"),
    ("Workbook", "_borders"),
    ("Workbook", "_protections"),
    ("StyleArray", "borderId"),
    ("StyleArray", "protectionId"),
    ("Cell", "_value"),
    ("Cell", "_comment"),
    ("Worksheet", "_comments"),
    ("Worksheet", "_images"),
    ("Worksheet", "_drawing"),
    ("Worksheet", "_rels"),
    ("ExcelWriter", "_archive"),
    ("WorksheetWriter", "_rels"),
    ("Workbook", "_fills"),
    ("Workbook", "_differential_styles"),
    ("Workbook", "_colors"),
    ("Workbook", "_number_formats"),
    ("Workbook", "_cell_styles"),
    ("Workbook", "_alignments"),
    ("Workbook", "_named_styles"),
    ("Workbook", "_table_styles"),
    ("NamedStyle", "_style"),
    ("Worksheet", "_current_row"),
)


def rows_of(ws: Worksheet, min_row: int | None = None) -> Iterator[tuple[Cell, ...]]:
    """``ws.iter_rows()`` (or ``ws.iter_rows(min_row=...)``): the same cells, created where missing, faster.

    openpyxl's ``iter_rows`` goes through ``ws.cell`` for every position from column A to the
    last column, row by row, creating the cells that are missing; the report walks whole
    sheets this way several times. Here a cell that exists is read from the sheet's table
    directly; a missing one is created by ``ws.cell`` as before, at the same point.
    """
    if ws._current_row == 0 and not min_row:
        return iter(())
    return _rows(ws, min_row or 1, ws.max_column, ws.max_row)


def existing_cells(ws: Worksheet) -> list[Cell]:
    """The cells the sheet holds, without creating any (``iter_rows`` creates the missing ones)."""
    return list(ws._cells.values())


def _rows(ws: Worksheet, min_row: int, max_col: int, max_row: int) -> Iterator[tuple[Cell, ...]]:
    cells = ws._cells
    columns = range(1, max_col + 1)
    for row in range(min_row, max_row + 1):
        line = []
        for column in columns:
            cell = cells.get((row, column))
            line.append(ws.cell(row=row, column=column) if cell is None else cell)
        yield tuple(line)


def font_table(wb: Workbook) -> Any:
    """The workbook's table of fonts (an ``IndexedList``; ``add`` returns a font's index)."""
    return wb._fonts


def font_id(cell: Cell) -> int:
    """The index of the cell's font in :func:`font_table`."""
    style = cell._style
    return 0 if style is None else int(style.fontId)  # an unstyled cell has the default font


def set_font_id(cell: Cell, font_index: int) -> None:
    """Give the cell the font at ``font_index`` of :func:`font_table`, keeping the rest of its style."""
    if cell._style is None:
        cell._style = StyleArray()
    cell._style.fontId = font_index


def style_of(cell: Cell) -> StyleArray:
    """A copy of the cell's whole style, to give another cell later with :func:`set_style`."""
    return copy(cell._style)


def set_style(cell: Cell, style: StyleArray) -> None:
    """Give the cell a style taken with :func:`style_of` (a row moved up keeps its look)."""
    cell._style = copy(style)


def copy_style(source: Cell, target: Cell) -> None:
    """Give ``target`` exactly the style of ``source`` (font, fill, border, number format, ...)."""
    target._style = copy(source._style)


def index_of(table: IndexedList) -> dict[Any, int]:
    """The hash index of a style table (value -> position)."""
    index: dict[Any, int] = table._dict
    return index


def dimension_factories(ws: Worksheet) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """The factories of the row and of the column dimension holders."""
    return ws._add_row, ws._add_column


def charts(ws: object) -> list[Any]:
    """The charts on a sheet (none for a chart sheet or anything without charts)."""
    found: list[Any] = getattr(ws, "_charts", [])
    return found


class SizedImage(Image):  # type: ignore[misc]  # openpyxl ships no type hints
    """An image from checked bytes of a known format and size, without Pillow."""

    def __init__(self, data: bytes, fmt: str, width: int, height: int) -> None:  # noqa: D107
        # openpyxl's Image.__init__ opens the image with Pillow; its attributes are set here instead.
        self.ref = data
        self.format = fmt
        self.width = width
        self.height = height

    def _data(self) -> bytes:
        """The image's bytes, as openpyxl writes them into the package."""
        return bytes(self.ref)


class _MergedRange(MergedCellRange):  # type: ignore[misc] # openpyxl is untyped
    """openpyxl's merged range, whose top-left cell's new border is looked up once per workbook."""

    def _get_borders(self) -> None:
        # MergedCellRange._get_borders (openpyxl 3.1): the top-left cell, created if missing,
        # takes the right and bottom edges of the bottom-right cell's border, if that cell exists.
        ws = self.ws
        self.start_cell = ws._cells.get((self.min_row, self.min_col))
        if self.start_cell is None:
            self.start_cell = ws.cell(row=self.min_row, column=self.min_col)
        end_cell = ws._cells.get((self.max_row, self.max_col))
        if end_cell is None:
            return
        start = self.start_cell
        for cell in (start, end_cell):  # reading a border gives an unstyled cell an empty style
            if cell._style is None:
                cell._style = StyleArray()
        wb = ws.parent
        known = _MERGE_STYLES.setdefault(wb, {})
        key = ("corner", int(start._style.borderId), int(end_cell._style.borderId))
        if key not in known:
            end = wb._borders[end_cell._style.borderId]
            corner = Border(right=end.right, bottom=end.bottom)
            known[key] = wb._borders.add(wb._borders[start._style.borderId] + corner)
        start._style.borderId = known[key]


def _add_edge(
    ws: Worksheet, merged: MergedCellRange, name: str, known: dict[tuple[int | str, ...], int]
) -> None:
    """Give the cells along one edge of a merged range that edge of the top-left cell's border."""
    wb, cells, start = ws.parent, ws._cells, merged.start_cell
    start_border = int(start._style.borderId)  # re-read for each edge: an edge may change it
    side = getattr(wb._borders[start_border], name)
    if side and side.style is None:
        return  # no border style: nothing to do
    border = None
    for row, column in getattr(merged, name):
        cell = cells.get((row, column))
        if cell is None:
            cell = cells[row, column] = MergedCell(ws, row, column)
        if cell._style is None:
            cell._style = StyleArray()
        old = int(cell._style.borderId)
        key = (start_border, name, old)  # the edge added to the cell's border
        if key not in known:
            border = border or Border(**{name: side})
            known[key] = wb._borders.add(wb._borders[old] + border)
        cell._style.borderId = known[key]


# Per workbook: (start cell's border, edge, cell's border) -> the cell's new border,
# ("protection", start cell's protection) -> the merged cells' protection, and ("corner",
# start cell's border, end cell's border) -> the start cell's border, in its style tables.
_MERGE_STYLES: WeakKeyDictionary[Workbook, dict[tuple[int | str, ...], int]] = WeakKeyDictionary()


def merge_cells(ws: Worksheet, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """``ws.merge_cells(...)``: the same merged range, cells and styles, faster.

    openpyxl's ``MergedCellRange.format`` gives every cell of the range the top-left
    cell's protection and each edge cell an edge of its border through the style
    descriptors, hashing the style into the workbook's table once per cell (about 4 ms a
    merge, a tenth of a report). Here each distinct style is added once and its index
    given to the cells; the tables gain the same entries in the same order, so the
    workbook's bytes are the same (tests/test_openpyxl_private.py compares them). Each
    lookup is kept for the workbook: a report merges the same styles many times.
    """
    coord = f"{get_column_letter(start_column)}{start_row}:{get_column_letter(end_column)}{end_row}"
    merged = _MergedRange(ws, coord)  # moves the bottom-right cell's borders to the top-left one
    ws.merged_cells.add(merged)
    cells = ws._cells
    wb = ws.parent
    first = (merged.min_row, merged.min_col)
    for row, column in merged.cells:
        if (row, column) != first:
            cells[row, column] = MergedCell(ws, row, column)
    start = merged.start_cell
    if start._style is None:
        start._style = StyleArray()  # as openpyxl's style descriptors do on first read
    # The style tables only grow, so an index looked up once holds for the rest of the workbook's life.
    known = _MERGE_STYLES.setdefault(wb, {})
    for name in ("top", "left", "right", "bottom"):
        _add_edge(ws, merged, name, known)
    protection_key = ("protection", int(start._style.protectionId))
    if protection_key not in known:
        known[protection_key] = wb._protections.add(copy(wb._protections[start._style.protectionId]))
    protection = known[protection_key]
    for row, column in merged.cells:
        cell = cells.get((row, column))
        if cell is None:
            cell = cells[row, column] = MergedCell(ws, row, column)
        if cell._style is None:
            cell._style = StyleArray()
        cell._style.protectionId = protection


# --- saving into memory --------------------------------------------------------------

#: A sheet's rows as openpyxl would write them: (row attributes, cells), each cell
#: (attributes, kind, text). Kinds: "empty" (no content), "f" (a formula; the text without
#: its "="), "s" (inline text), "s preserve" (inline text whose spaces are kept, xml:space),
#: "v" (a number, a boolean, an error or a date, as openpyxl writes its value).
SheetRow = tuple[dict[str, str], list[tuple[dict[str, str], str, str]]]


def sheet_rows(ws: Worksheet) -> list[SheetRow] | None:
    """The sheet's rows and cells as openpyxl's writer writes them, with the same side effects.

    openpyxl's ``WorksheetWriter.write_row`` decides per cell which cells it writes, with
    which attributes (``_set_attributes``: the style's index, added to the workbook's style
    table in this order, and the type) and what content; it collects comments and
    hyperlinks on the way. This does the same and returns the result as data. None, with
    nothing done, when a cell holds what this does not cover (rich text, an array or
    data-table formula, text with a carriage return, which an XML reader reads back as a
    line feed): the caller then lets openpyxl write the sheet.
    """
    cells = ws._cells
    if not all(_covered(cell) for cell in cells.values()):
        return None
    by_row: dict[int, list[Cell]] = {}
    for key in sorted(cells):
        by_row.setdefault(key[0], []).append(cells[key])
    for row in ws.row_dimensions.keys() - by_row.keys():
        by_row[row] = []
    dims = ws.row_dimensions
    rows: list[SheetRow] = []
    for row_index, row in sorted(by_row.items()):
        attrs = {"r": f"{row_index}"}
        attrs.update(dims.get(row_index, {}))
        written: list[tuple[dict[str, str], str, str]] = []
        for cell in row:
            if cell._comment is not None:
                ws._comments.append(CommentRecord.from_cell(cell))
            styled = cell.has_style
            if cell._value is None and not styled and not cell._comment:
                continue
            value, cell_attrs = _set_attributes(cell, styled)
            if value is None or value == "":
                written.append((cell_attrs, "empty", ""))
            elif cell.data_type == "f":
                written.append((cell_attrs, "f", value[1:]))
            elif cell.data_type == "s":
                written.append((cell_attrs, "s preserve" if _preserve(value) else "s", value))
            else:
                written.append((cell_attrs, "v", safe_string(value)))
        rows.append((attrs, written))
    return rows


def _covered(cell: Cell) -> bool:
    """Whether :func:`sheet_rows` writes the cell as openpyxl would (see there)."""
    value = cell._value
    if isinstance(value, CellRichText | ArrayFormula | DataTableFormula):
        return False
    if isinstance(value, str):
        return "\r" not in value
    return value is None or cell.data_type not in ("s", "f")


def _preserve(text: str) -> bool:
    """Whether openpyxl marks inline text xml:space="preserve" (its two writers differ for blank text)."""
    if LXML:
        return text != text.strip()
    stripped = text.strip()
    return bool(stripped) and text != stripped


class _Parts:
    """What openpyxl's ExcelWriter needs of a zip archive, keeping the parts in memory, in order."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bytes]] = []

    def writestr(self, name: str, data: str | bytes) -> None:
        self.parts.append((name, data.encode("utf-8") if isinstance(data, str) else bytes(data)))

    def write(self, filename: str, arcname: str) -> None:
        self.writestr(arcname, Path(filename).read_bytes())

    def namelist(self) -> list[str]:
        return [name for name, _ in self.parts]

    def close(self) -> None:
        pass


class _SheetWriter(WorksheetWriter):  # type: ignore[misc] # openpyxl is untyped
    """openpyxl's sheet writer into memory; its rows, when :func:`sheet_rows` covers them, as data."""

    def __init__(self, ws: Worksheet) -> None:
        self.row_data: list[SheetRow] | None = None
        super().__init__(ws, out=BytesIO())

    def write_rows(self) -> None:
        self.row_data = sheet_rows(self.ws)
        if self.row_data is None:
            super().write_rows()
            return
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            pass  # the rows go in later, with their cached values
        self.xf.send(None)


class _CustomOverride:
    """The content type of the custom document properties, as openpyxl's write_data adds it."""

    path = "/" + ARC_CUSTOM
    mime_type = CPROPS_TYPE


class _MemoryWriter(ExcelWriter):  # type: ignore[misc] # openpyxl is untyped
    """openpyxl's ExcelWriter with each sheet written by :class:`_SheetWriter` and the styles by :func:`stylesheet_xml`."""

    def __init__(self, workbook: Workbook, archive: _Parts) -> None:
        super().__init__(workbook, archive)
        self.rows: dict[str, list[SheetRow] | None] = {}

    def write_data(self) -> None:
        # openpyxl 3.1's ExcelWriter.write_data, with the stylesheet from stylesheet_xml.
        archive = self._archive
        archive.writestr(ARC_APP, tostring(ExtendedProperties().to_tree()))
        archive.writestr(ARC_CORE, tostring(self.workbook.properties.to_tree()))
        archive.writestr(ARC_THEME, self.workbook.loaded_theme or theme_xml)
        if len(self.workbook.custom_doc_props) >= 1:  # a restyled template may carry some
            archive.writestr(ARC_CUSTOM, tostring(self.workbook.custom_doc_props.to_tree()))
            self.manifest.append(_CustomOverride())
        self._write_worksheets()
        self._write_chartsheets()
        self._write_images()
        self._write_charts()
        self._write_external_links()
        archive.writestr(ARC_STYLE, stylesheet_xml(self.workbook))
        writer = WorkbookWriter(self.workbook)
        archive.writestr(ARC_ROOT_RELS, writer.write_root_rels())
        archive.writestr(ARC_WORKBOOK, writer.write())
        archive.writestr(ARC_WORKBOOK_RELS, writer.write_rels())
        self._merge_vba()
        self.manifest._write(archive, self.workbook)

    def write_worksheet(self, ws: Worksheet) -> None:
        # openpyxl's ExcelWriter.write_worksheet, for a workbook that is not write-only.
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.rows[ws.path[1:]] = writer.row_data
        self.manifest.append(ws)


# The stylesheet of each distinct state of a workbook's style tables, for this process:
# openpyxl builds it from its style objects in about 7 ms, a tenth of a report, and the
# reports of a batch mostly share a handful of them.
_STYLESHEETS: dict[tuple[Any, ...], bytes] = {}
_STYLESHEETS_MAX = 16


def stylesheet_xml(wb: Workbook) -> bytes:
    """``tostring(write_stylesheet(wb))``: the xl/styles.xml openpyxl writes, kept per state of the style tables.

    The key holds everything ``write_stylesheet`` reads (openpyxl 3.1): the tables of fonts,
    fills, borders, differential styles, colours, number formats, cell styles, alignments,
    protections, named styles and table styles. openpyxl's style objects compare equal
    exactly when they serialise the same (their equality compares the attributes and
    child elements they write).
    """
    key = (
        tuple(wb._fonts),
        tuple(wb._fills),
        tuple(wb._borders),
        tuple(wb._differential_styles.styles),
        None if wb._colors is None else tuple(wb._colors),
        tuple(wb._number_formats),
        tuple(tuple(style) for style in wb._cell_styles),
        tuple(wb._alignments),
        tuple(wb._protections),
        tuple(
            (
                n.name,
                n.builtinId,
                n.hidden,
                tuple(n._style),
                n.font,
                n.fill,
                n.border,
                n.alignment,
                n.protection,
            )
            for n in wb._named_styles
        ),
        wb._table_styles,
    )
    xml = _STYLESHEETS.get(key)
    if xml is None:
        xml = tostring(write_stylesheet(wb))
        while len(_STYLESHEETS) >= _STYLESHEETS_MAX:
            del _STYLESHEETS[next(iter(_STYLESHEETS))]
        _STYLESHEETS[key] = xml
    return xml


def save_parts(wb: Workbook) -> tuple[list[tuple[str, bytes]], dict[str, list[SheetRow] | None]]:
    """What ``wb.save`` would put in the xlsx package, as (name, bytes) in openpyxl's order.

    Each worksheet part whose rows :func:`sheet_rows` covers has an empty ``sheetData``;
    its rows come back separately, by part name (None: openpyxl wrote them in the part).
    """
    if wb.write_only:
        raise TypeError("save_parts writes an ordinary workbook, not a write-only one")
    archive = _Parts()
    writer = _MemoryWriter(wb, archive)
    writer.write_data()
    return archive.parts, writer.rows

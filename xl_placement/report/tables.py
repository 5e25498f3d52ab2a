"""Variable-length tables: copy a styled prototype row once per item.

The template marks a table by one styled row (a defined name such as ``UseRow``).
For ``n`` items the generator first pushes down whatever sits below that row in the
table's columns (values, styles, merged cells and defined names move together),
then copies the prototype's styles into the new rows. Content beside the table, in
other columns, stays where it is, so two blocks side by side grow independently.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement.errors import TemplateError
from xl_placement.figures import NOT_GIVEN
from xl_placement.report import openpyxl_private as private
from xl_placement.report.cells import CellWriter
from xl_placement.report.template import Area, area, destination


def empty_table(
    wb: Workbook, out: CellWriter, row_name: str, total_name: str, columns: int, text: str
) -> None:
    """A table with nothing to list: one line says what is missing, with no made-up rows.

    The line prints; the total row under it holds "not given" in each figure column, which
    the printed page leaves off (a row with nothing given is hidden).
    """
    proto, (row,) = table_rows(wb, row_name, 1)
    ws = proto.ws
    letters = [ws.cell(1, proto.min_col + i).column_letter for i in range(columns)]
    out.text(ws, f"{letters[0]}{row}", text)
    total_row = area(wb, total_name).min_row
    out.text(ws, f"{letters[0]}{total_row}", "Total")
    for column in letters[1:]:
        out.not_applicable(ws, f"{column}{total_row}", NOT_GIVEN)


def table_rows(wb: Workbook, name: str, count: int) -> tuple[Area, list[int]]:
    """Make room for ``count`` rows styled like the prototype row ``name``; return the rows.

    Raises:
        TemplateError: the name covers more than one row, or content below straddles the table's columns.
    """
    proto = area(wb, name)
    if proto.max_row != proto.min_row:
        raise TemplateError(f"the defined name {name} must cover one row of the template, not several")
    count = max(count, 1)
    make_room(wb, proto, count - 1)
    for offset in range(1, count):
        copy_row(proto, proto.min_row + offset)
    return proto, [proto.min_row + i for i in range(count)]


def copy_row(proto: Area, target_row: int) -> None:
    """Copy the prototype row's styles (and single-row merges, and height) to ``target_row``."""
    ws = proto.ws
    for column in range(proto.min_col, proto.max_col + 1):
        source = ws.cell(proto.min_row, column)
        target = ws.cell(target_row, column)
        if source.has_style:
            private.copy_style(source, target)
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row == merged.max_row == proto.min_row and _inside(merged.bounds, proto):
            private.merge_cells(ws, target_row, merged.min_col, target_row, merged.max_col)
    height = ws.row_dimensions[proto.min_row].height
    if height is not None:
        ws.row_dimensions[target_row].height = height


def make_room(wb: Workbook, proto: Area, count: int) -> None:
    """Push everything below the prototype row in its columns down by ``count`` rows."""
    if count <= 0:
        return
    ws = proto.ws
    below = proto.min_row
    merges = []
    for merged in list(ws.merged_cells.ranges):
        if merged.max_row <= below or merged.max_col < proto.min_col or merged.min_col > proto.max_col:
            continue
        if merged.min_row <= below or not _inside(merged.bounds, proto):
            raise TemplateError(
                f"merged cells {merged.coord} on '{ws.title}' straddle the table at row {below}; "
                "keep merges below a table inside its columns"
            )
        merges.append(merged.coord)
        ws.unmerge_cells(merged.coord)
    if ws.max_row > below:
        first, last = get_column_letter(proto.min_col), get_column_letter(proto.max_col)
        ws.move_range(f"{first}{below + 1}:{last}{ws.max_row}", rows=count)
    for coord in merges:
        min_col, min_row, max_col, max_row = range_boundaries(coord)
        private.merge_cells(
            ws, int(min_row or 0) + count, int(min_col or 0), int(max_row or 0) + count, int(max_col or 0)
        )
    _move_names(wb, proto, count)
    if _only_table_below(ws, proto):
        for row in range(ws.max_row, below, -1):
            height = ws.row_dimensions[row - count].height if row - count > below else None
            ws.row_dimensions[row].height = height


def _move_names(wb: Workbook, proto: Area, count: int) -> None:
    """Defined names below the table in its columns move with their cells."""
    for key in list(wb.defined_names):
        found = area(wb, key) if _points_here(wb, key, proto.ws) else None
        if found is None or found.min_row <= proto.min_row:
            continue
        if found.max_col < proto.min_col or found.min_col > proto.max_col:
            continue
        if not (found.min_col >= proto.min_col and found.max_col <= proto.max_col):
            raise TemplateError(
                f"the defined name {key} straddles the columns of the table at '{proto.ws.title}' row "
                f"{proto.min_row}; keep it inside or beside the table's columns"
            )
        first = f"${get_column_letter(found.min_col)}${found.min_row + count}"
        last = f"${get_column_letter(found.max_col)}${found.max_row + count}"
        ref = first if (found.min_col, found.min_row) == (found.max_col, found.max_row) else f"{first}:{last}"
        wb.defined_names[key] = DefinedName(key, attr_text=f"'{proto.ws.title}'!{ref}")


def _points_here(wb: Workbook, key: str, ws: Worksheet) -> bool:
    found = destination(wb.defined_names[key])
    return found is not None and found[0] == ws.title


def _inside(bounds: tuple[int, int, int, int], proto: Area) -> bool:
    min_col, _, max_col, _ = bounds
    return min_col >= proto.min_col and max_col <= proto.max_col


def _only_table_below(ws: Worksheet, proto: Area) -> bool:
    """Row heights are whole rows: move them only when nothing outside the table's columns is below."""
    for row in private.rows_of(ws, min_row=proto.min_row + 1):
        for cell in row:
            outside = cell.column < proto.min_col or cell.column > proto.max_col
            if outside and (cell.value is not None or cell.has_style):
                return False
    return True

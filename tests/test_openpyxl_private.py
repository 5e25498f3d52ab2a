"""openpyxl's private attributes: used in one module only, and each still there and still working."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart
from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from xl_placement.report import openpyxl_private as private

ROOT = Path(__file__).resolve().parents[1]


def _objects() -> dict[str, object]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = 1
    sheet.add_chart(BarChart(), "C3")
    return {
        "Workbook": book,
        "Cell": sheet["A1"],
        "StyleArray": StyleArray(),
        "IndexedList": IndexedList(["a"]),
        "Worksheet": sheet,
        "Image": Image,  # the class: an instance needs Pillow
        "ExcelWriter": ExcelWriter(book, None),
        "WorksheetWriter": _closed_writer(),
        "NamedStyle": book._named_styles[0],
    }


def _closed_writer() -> WorksheetWriter:
    writer = WorksheetWriter(openpyxl.Workbook().active, out=io.BytesIO())
    writer.close()
    return writer


@pytest.mark.parametrize(("owner", "attribute"), private.PRIVATE_ATTRIBUTES)
def test_each_private_attribute_still_exists(owner, attribute):
    """Each attribute the module relies on is still on the openpyxl object (the failure names it)."""
    target = _objects()[owner]
    assert hasattr(target, attribute), f"openpyxl {openpyxl.__version__}: {owner}.{attribute} is gone"


def test_the_helpers_do_what_they_say():
    """Recolour through the font table, copy a style, read an index, rebuild dimensions, find charts."""
    objects = _objects()
    book, sheet = objects["Workbook"], objects["Worksheet"]
    source, target = sheet["A1"], sheet["B2"]
    fonts = private.font_table(book)
    index = fonts.add(Font(color="FF0000FF", bold=True))
    private.set_font_id(source, index)
    assert private.font_id(source) == index
    assert (source.font.bold, source.font.color.rgb) == (True, "FF0000FF")
    private.copy_style(source, target)
    assert private.font_id(target) == index
    assert (target.font.bold, target.font.color.rgb) == (True, "FF0000FF")
    assert private.index_of(IndexedList(["a", "b"])) == {"a": 0, "b": 1}
    add_row, add_column = private.dimension_factories(sheet)
    assert type(add_row()).__name__ == "RowDimension"
    assert type(add_column()).__name__ == "ColumnDimension"
    assert len(private.charts(sheet)) == 1
    assert private.charts(object()) == []


def test_no_other_module_uses_a_private_attribute_of_openpyxl():
    """Outside openpyxl_private.py, the project's code names none of the listed attributes."""
    names = {attribute for _, attribute in private.PRIVATE_ATTRIBUTES if attribute.startswith("_")}
    pattern = re.compile(
        r"\.(" + "|".join(map(re.escape, sorted(names))) + r")\b|\"(" + "|".join(names) + r")\""
    )
    found = []
    for path in sorted((ROOT / "xl_placement").rglob("*.py")):
        if path.name == "openpyxl_private.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_merge_cells_gives_the_bytes_openpyxl_gives():
    """private.merge_cells writes the same workbook as ws.merge_cells: bordered, protected and plain ranges."""
    import io  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    from openpyxl.styles import Border, Protection, Side  # noqa: PLC0415

    def book(merge) -> dict[str, bytes]:
        wb = openpyxl.Workbook()
        ws = wb.active
        thin, thick = Side(style="thin"), Side(style="thick", color="FF0000FF")
        ws["B2"].border = Border(top=thin, left=thick, right=thin, bottom=thick)
        ws["B2"].protection = Protection(locked=False)
        ws["D4"].border = Border(right=thick, bottom=thin)  # the bottom-right cell's edges move to B2
        ws["C3"] = "inside"
        ws["F1"].border = Border(top=thin)
        merge(ws, 2, 2, 4, 4)
        merge(ws, 1, 6, 1, 9)
        merge(ws, 6, 1, 6, 3)  # no cell exists yet
        stream = io.BytesIO()
        wb.save(stream)
        with zipfile.ZipFile(stream) as archive:  # every part but the time stamps
            return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}

    def openpyxls(ws, r1, c1, r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)

    ours, theirs = book(private.merge_cells), book(openpyxls)
    assert b"mergeCell " in ours["xl/worksheets/sheet1.xml"]
    assert ours == theirs

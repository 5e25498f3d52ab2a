"""The golden-file comparer ignores only what is volatile and reports every real difference by part."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
import xlsxwriter
from xlsx_compare import assert_same_xlsx, compare_xlsx, normalised_parts

SHEET = "xl/worksheets/sheet1.xml"


def _openpyxl_book(value: object = 1.91, created: dt.datetime = dt.datetime(2025, 1, 1)) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deal"
    sheet["A1"] = "Price"
    sheet["B1"] = value
    book.properties.created = created
    book.properties.modified = created
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsm_book(vba: bytes) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Inputs").write("A1", "Issuer")
    book.add_vba_project(io.BytesIO(vba), is_stream=True)
    book.close()
    return buffer.getvalue()


def _edit(data: bytes, name: str, change) -> bytes:
    """A copy of the zip with one part changed by ``change(text) -> text`` (or added when missing)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = [info.filename for info in source.infolist()]
        for part in names:
            content = source.read(part)
            if part == name:
                content = change(content.decode()).encode()
            target.writestr(part, content)
        if name not in names:
            target.writestr(name, change("").encode())
    return out.getvalue()


def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


def test_same_content_saved_at_different_times_matches():
    """Two saves differing only in document dates compare equal, although their bytes differ."""
    first = _openpyxl_book(created=dt.datetime(2025, 1, 1))
    second = _openpyxl_book(created=dt.datetime(2026, 6, 30, 12, 0))
    assert first != second
    assert compare_xlsx(first, second) == []


def test_changed_cell_is_reported_in_its_sheet_part():
    """A different cell value is reported as a difference in the worksheet part, with the changed element."""
    problems = compare_xlsx(_openpyxl_book(1.92), _openpyxl_book(1.91))
    assert len(problems) == 1
    assert problems[0].startswith(f"{SHEET} differs:")
    assert "-<v>1.91</v>" in problems[0]
    assert "+<v>1.92</v>" in problems[0]


def test_attribute_order_and_indentation_do_not_count():
    """Reordered attributes and added indentation between elements compare equal."""
    original = _openpyxl_book()
    sheet = _part(original, SHEET)
    assert '<c r="B1" t="n">' in sheet or '<c r="B1">' in sheet or '<c r="B1" ' in sheet
    edited = _edit(
        original,
        SHEET,
        lambda text: text.replace("<sheetData>", "<sheetData>\n    ").replace("</row>", "</row>\n  "),
    )
    edited = _edit(edited, "xl/workbook.xml", _swap_sheet_attributes)
    assert edited != original
    assert compare_xlsx(edited, original) == []


def _swap_sheet_attributes(text: str) -> str:
    start = text.index("<sheet ")
    end = text.index("/>", start)
    element = text[start:end]
    attributes = element[len("<sheet ") :].split()
    return text[:start] + "<sheet " + " ".join(reversed(attributes)) + text[end:]


def test_whitespace_inside_text_still_counts():
    """A cell string with an extra space is a real difference (only whitespace between elements is ignored)."""
    book = _openpyxl_book("SenseTime")
    spaced = _edit(book, SHEET, lambda text: text.replace("<t>SenseTime</t>", "<t>SenseTime </t>"))
    assert spaced != book
    problems = compare_xlsx(spaced, book)
    assert len(problems) == 1
    assert problems[0].startswith(f"{SHEET} differs:")
    assert "+<t>SenseTime </t>" in problems[0]


def test_calculation_settings_and_workbook_view_do_not_count():
    """A different calcPr, workbook view and file version (set by each app that saves) compare equal."""
    original = _openpyxl_book()

    def restamp(text: str) -> str:
        text = text.replace('calcId="124519"', 'calcId="191029"')
        return text.replace("<workbookView ", '<workbookView xWindow="480" yWindow="120" ')

    edited = _edit(original, "xl/workbook.xml", restamp)
    assert _part(edited, "xl/workbook.xml") != _part(original, "xl/workbook.xml")
    assert compare_xlsx(edited, original) == []


def test_relationship_and_content_type_order_do_not_count():
    """Relationships and content-type entries listed in another order compare equal."""
    original = _openpyxl_book()

    def reverse_children(text: str, tag: str) -> str:
        items = re.findall(rf"<{tag} [^>]*/>", text)
        assert len(items) > 1
        start, end = text.index(items[0]), text.index(items[-1]) + len(items[-1])
        return text[:start] + "".join(reversed(items)) + text[end:]

    edited = _edit(
        original, "xl/_rels/workbook.xml.rels", lambda text: reverse_children(text, "Relationship")
    )
    edited = _edit(edited, "[Content_Types].xml", lambda text: reverse_children(text, "Override"))
    assert _part(edited, "[Content_Types].xml") != _part(original, "[Content_Types].xml")
    assert compare_xlsx(edited, original) == []


def test_changed_relationship_target_is_reported():
    """A relationship pointing elsewhere is a real difference, whatever the order."""
    original = _openpyxl_book()
    edited = _edit(
        original, "xl/_rels/workbook.xml.rels", lambda text: text.replace("styles.xml", "styles2.xml")
    )
    problems = compare_xlsx(edited, original)
    assert [problem.split(" ", 1)[0] for problem in problems] == ["xl/_rels/workbook.xml.rels"]


def test_binary_parts_compare_byte_for_byte():
    """A VBA project differing in one byte is reported as a binary difference; an identical one is not."""
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    changed = vba[:-1] + b"\x01"
    assert compare_xlsx(_xlsm_book(vba), _xlsm_book(vba)) == []
    assert compare_xlsx(_xlsm_book(changed), _xlsm_book(vba)) == [
        "xl/vbaProject.bin: binary part differs (1032 bytes, expected 1032 bytes)"
    ]


def test_parts_present_in_only_one_file_are_reported():
    """A part added or missing is named, in both directions."""
    original = _openpyxl_book()
    extra = _edit(original, "xl/media/image1.png", lambda _text: "png")
    assert compare_xlsx(extra, original) == ["only in the new file: xl/media/image1.png"]
    assert compare_xlsx(original, extra) == ["missing from the new file: xl/media/image1.png"]


def test_ignore_parts_and_elements():
    """Named parts and elements can be left out of a comparison, by glob pattern."""
    original = _openpyxl_book()
    extra = _edit(original, "xl/media/image1.png", lambda _text: "png")
    assert compare_xlsx(extra, original, ignore_parts=["xl/media/*"]) == []
    changed = _openpyxl_book(2.5)
    assert compare_xlsx(changed, original, ignore_elements={"xl/worksheets/*.xml": ["v"]}) == []
    assert compare_xlsx(changed, original) != []


def test_assert_same_xlsx_names_the_parts(tmp_path):
    """assert_same_xlsx passes on equal files (paths or bytes) and fails naming each differing part."""
    golden = tmp_path / "golden.xlsx"
    golden.write_bytes(_openpyxl_book())
    assert_same_xlsx(_openpyxl_book(created=dt.datetime(2030, 1, 1)), golden)
    with pytest.raises(AssertionError, match=r"1 part\(s\) differ:\nxl/worksheets/sheet1\.xml differs"):
        assert_same_xlsx(_openpyxl_book(7), str(golden))


def test_normalised_parts_drop_document_dates():
    """The normalised core properties hold no created or modified date."""
    core = normalised_parts(_openpyxl_book(created=dt.datetime(2025, 3, 4)))["docProps/core.xml"]
    assert b"2025-03-04" not in core
    assert b"created" not in core

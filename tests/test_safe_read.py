"""Workbooks a user supplies: bombs, attacks and non-workbooks are refused with a clear one-line message."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import xml.etree.ElementTree
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
import pytest
from safe_load import check_workbook_file, load_workbook_safely

from xl_placement import safe_read
from xl_placement.errors import DependencyMissingError, UnsafeWorkbookError

SHEET = "xl/worksheets/sheet1.xml"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>
</sheetData></worksheet>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>
</sheetData></worksheet>
"""


def _workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Inputs"
    sheet["A1"] = "Issuer"
    sheet["B1"] = "SenseTime Group Inc."
    sheet["A2"] = "Price"
    sheet["B2"] = 1.91
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of a workbook's zip with one part's content replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


def _with_extra_part(data: bytes, name: str, content: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(name, content, compress_type=method)
    return out.getvalue()


def _patch_central_directory(
    data: bytes, name: str, *, file_size: int | None = None, flags: int | None = None
) -> bytes:
    """Rewrite one part's central-directory record: a lying declared size or flag, as an attacker can."""
    buffer = bytearray(data)
    offset = buffer.find(b"PK\x01\x02")
    while offset != -1:
        name_length = struct.unpack_from("<H", buffer, offset + 28)[0]
        if buffer[offset + 46 : offset + 46 + name_length] == name.encode():
            if file_size is not None:
                struct.pack_into("<I", buffer, offset + 24, file_size)
            if flags is not None:
                struct.pack_into("<H", buffer, offset + 8, flags)
            return bytes(buffer)
        offset = buffer.find(b"PK\x01\x02", offset + 4)
    raise AssertionError(f"{name} not in the central directory")


def _zeros_part(data: bytes, name: str, megabytes: int) -> bytes:
    """Add a genuine zip-bomb part: megabytes of zeros, deflated in chunks (never held in memory whole)."""
    out = io.BytesIO(data)
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as part,
    ):
        for _ in range(megabytes):
            part.write(chunk)
    return out.getvalue()


# --- accepted -----------------------------------------------------------------------------------


def test_a_real_workbook_loads_with_its_values(tmp_path):
    """A workbook saved by openpyxl passes the checks and loads with its cell values."""
    path = _write(tmp_path / "deal.xlsx", _workbook_bytes())
    assert check_workbook_file(path) == path
    book = load_workbook_safely(path, data_only=True)
    assert book["Inputs"]["B1"].value == "SenseTime Group Inc."
    assert book["Inputs"]["B2"].value == 1.91


MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CONTENT_TYPES = {
    ".xlsx": MAIN,
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}


def _as_kind(data: bytes, extension: str) -> bytes:
    """The same workbook declaring itself a workbook, macro workbook or template, as Excel would save it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("[Content_Types].xml").decode()
    assert MAIN in text
    return _replace_part(data, "[Content_Types].xml", text.replace(MAIN, CONTENT_TYPES[extension]).encode())


@pytest.mark.parametrize("extension", [".xlsx", ".xlsm", ".xltx", ".xltm"])
def test_each_workbook_kind_loads_under_its_own_extension(tmp_path, extension):
    """Workbooks, macro workbooks and templates saved under their own extension pass and load."""
    path = _write(tmp_path / f"deal{extension}", _as_kind(_workbook_bytes(), extension))
    assert check_workbook_file(path) == path
    assert load_workbook_safely(path)["Inputs"]["B1"].value == "SenseTime Group Inc."


def test_upper_case_extension_is_accepted(tmp_path):
    """DEAL.XLSX is as good as deal.xlsx."""
    path = _write(tmp_path / "DEAL.XLSX", _workbook_bytes())
    assert check_workbook_file(path) == path


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        (
            "deal.xlsx",
            ".xlsm",
            r"deal\.xlsx: is named \.xlsx but holds a macro-enabled workbook \(\.xlsm\); rename it to deal\.xlsm",
        ),
        (
            "deal.xlsm",
            ".xlsx",
            r"deal\.xlsm: is named \.xlsm but holds a workbook \(\.xlsx\); rename it to deal\.xlsx",
        ),
        ("deal.xlsx", ".xltx", r"deal\.xlsx: is named \.xlsx but holds a template \(\.xltx\)"),
    ],
)
def test_extension_must_match_the_content(tmp_path, name, kind, message):
    """A workbook whose extension contradicts its declared kind (Excel refuses to open it) is refused."""
    path = _write(tmp_path / name, _as_kind(_workbook_bytes(), kind))
    with pytest.raises(UnsafeWorkbookError, match=message):
        check_workbook_file(path)


def test_unknown_workbook_content_type_is_refused(tmp_path):
    """A package whose workbook part is declared as something else is not taken for a workbook."""
    with zipfile.ZipFile(io.BytesIO(_workbook_bytes())) as archive:
        text = archive.read("[Content_Types].xml").decode()
    data = _replace_part(
        _workbook_bytes(), "[Content_Types].xml", text.replace(MAIN, "application/xml").encode()
    )
    path = _write(tmp_path / "odd.xlsx", data)
    with pytest.raises(
        UnsafeWorkbookError,
        match=r"odd\.xlsx: is not an Excel workbook \(its workbook part has content type 'application/xml'\)",
    ):
        check_workbook_file(path)


def test_entity_bomb_in_content_types_is_refused_by_the_check(tmp_path):
    """The content-types part is read by the check itself, through defusedxml, so a bomb there is refused early."""
    bomb = BILLION_LAUGHS.replace("worksheet", "Types").encode()
    path = _write(tmp_path / "types.xlsx", _replace_part(_workbook_bytes(), "[Content_Types].xml", bomb))
    with pytest.raises(
        UnsafeWorkbookError,
        match=r"types\.xlsx: contains an XML attack \(EntitiesForbidden\) in \[Content_Types\]\.xml",
    ):
        check_workbook_file(path)


def test_oversized_content_types_is_refused(tmp_path):
    """A content-types part declaring more than 1 MB is refused before it is read."""
    data = _patch_central_directory(_workbook_bytes(), "[Content_Types].xml", file_size=2 * 1024 * 1024)
    path = _write(tmp_path / "types.xlsx", data)
    with pytest.raises(UnsafeWorkbookError, match=r"implausibly large \[Content_Types\]\.xml \(2 MB\)"):
        check_workbook_file(path)


def test_openpyxl_parses_with_defusedxml_here():
    """The environment really has openpyxl reading XML through defusedxml (the premise of the XML tests)."""
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")


# --- XML attacks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("part", [SHEET, "xl/sharedStrings.xml"])
def test_billion_laughs_is_refused(tmp_path, part):
    """An XML entity bomb in a sheet or the shared strings is refused quickly by defusedxml, naming the file."""
    data = _workbook_bytes()
    if part == SHEET:
        data = _replace_part(data, SHEET, BILLION_LAUGHS.encode())
    else:
        strings = BILLION_LAUGHS.replace("worksheet", "sst").encode()
        data = _replace_part(data, "[Content_Types].xml", _content_types_with_shared_strings(data))
        data = _with_extra_part(data, part, strings)
        data = _replace_part(data, "xl/_rels/workbook.xml.rels", _rels_with_shared_strings(data))
    path = _write(tmp_path / "bomb.xlsx", data)
    check_workbook_file(path)  # the zip itself is harmless: the attack is in the XML
    started = time.perf_counter()
    with pytest.raises(
        UnsafeWorkbookError, match=r"bomb\.xlsx: contains an XML attack \(EntitiesForbidden: "
    ):
        load_workbook_safely(path)
    assert time.perf_counter() - started < 5


def _content_types_with_shared_strings(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("[Content_Types].xml").decode()
    override = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return text.replace("</Types>", override + "</Types>").encode()


def _rels_with_shared_strings(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("xl/_rels/workbook.xml.rels").decode()
    relationship = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )
    return text.replace("</Relationships>", relationship + "</Relationships>").encode()


def test_external_entity_is_refused(tmp_path):
    """An XML external entity pointing at a local file is refused, so no file content leaks into cells."""
    path = _write(tmp_path / "xxe.xlsx", _replace_part(_workbook_bytes(), SHEET, EXTERNAL_ENTITY.encode()))
    with pytest.raises(UnsafeWorkbookError, match=r"xxe\.xlsx: contains an XML attack \(EntitiesForbidden: "):
        load_workbook_safely(path)


@pytest.mark.parametrize("disable", ["flag", "parser"])
def test_loading_fails_closed_without_defusedxml(tmp_path, monkeypatch, disable):
    """If openpyxl were not using defusedxml, nothing is loaded and the message says how to fix it."""
    if disable == "flag":
        monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    else:
        monkeypatch.setattr(openpyxl.xml.functions, "iterparse", xml.etree.ElementTree.iterparse)
    path = _write(tmp_path / "deal.xlsx", _workbook_bytes())
    with pytest.raises(DependencyMissingError, match=r"install defusedxml"):
        load_workbook_safely(path)


# --- zip bombs --------------------------------------------------------------------------------------


def test_genuine_zip_bomb_is_refused_before_loading_with_little_memory(tmp_path):
    """64 MB of zeros deflated to a few dozen KB is refused before any decompression; memory stays under 2 MB."""
    path = _write(tmp_path / "zeros.xlsx", _zeros_part(_workbook_bytes(), "xl/media/zeros.bin", 64))
    assert path.stat().st_size < 1024 * 1024  # the premise: a tiny file
    tracemalloc.start()
    try:
        with pytest.raises(
            UnsafeWorkbookError, match=r"zeros\.xlsx: looks like a zip bomb: xl/media/zeros\.bin expands"
        ):
            load_workbook_safely(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_declared_gigabyte_part_is_refused(tmp_path):
    """A part declaring 1 GB uncompressed (a tiny compressed stream) is refused from the zip directory alone."""
    data = _with_extra_part(_workbook_bytes(), "xl/media/huge.bin", b"x")
    data = _patch_central_directory(data, "xl/media/huge.bin", file_size=1024**3)
    path = _write(tmp_path / "huge.xlsx", data)
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeWorkbookError, match=r"huge\.xlsx: looks like a zip bomb: .*1,024 MB"):
            check_workbook_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_total_declared_size_over_the_limit_is_refused(tmp_path):
    """Many parts each under the ratio rule (below 1 MB) but together over 200 MB are refused."""
    data = _workbook_bytes()
    for index in range(230):
        data = _with_extra_part(data, f"xl/media/part{index}.bin", bytes(64), zipfile.ZIP_STORED)
        data = _patch_central_directory(data, f"xl/media/part{index}.bin", file_size=900 * 1024)
    path = _write(tmp_path / "many.xlsx", data)
    with pytest.raises(UnsafeWorkbookError, match=r"many\.xlsx: would expand to more than 200 MB"):
        check_workbook_file(path)


def test_too_many_parts_are_refused(tmp_path):
    """A zip with more than 10,000 parts is refused, naming the count and the limit."""
    buffer = io.BytesIO(_workbook_bytes())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        for index in range(safe_read.MAX_PARTS):
            archive.writestr(f"xl/junk/{index}.xml", b"")
    path = _write(tmp_path / "parts.xlsx", buffer.getvalue())
    with pytest.raises(UnsafeWorkbookError, match=r"parts\.xlsx: has 10,0\d\d parts, more than the 10,000"):
        check_workbook_file(path)


def test_understated_size_cannot_smuggle_more_data(tmp_path):
    """A part that declares less than it holds is cut off at the declared size and the load fails cleanly."""
    data = _patch_central_directory(_workbook_bytes(), SHEET, file_size=40)
    path = _write(tmp_path / "liar.xlsx", data)
    with pytest.raises(UnsafeWorkbookError, match=r"liar\.xlsx: could not be read as a workbook"):
        load_workbook_safely(path)


def test_unsupported_compression_is_refused(tmp_path):
    """An LZMA-compressed part (never written by Excel, decompressed without a size bound) is refused."""
    data = _with_extra_part(_workbook_bytes(), "xl/media/x.bin", b"abc", zipfile.ZIP_LZMA)
    path = _write(tmp_path / "lzma.xlsx", data)
    with pytest.raises(UnsafeWorkbookError, match=r"unsupported compression method in xl/media/x\.bin"):
        check_workbook_file(path)


def test_encrypted_zip_part_is_refused(tmp_path):
    """A zip part flagged as encrypted is refused."""
    data = _patch_central_directory(_workbook_bytes(), SHEET, flags=0x1)
    path = _write(tmp_path / "locked.xlsx", data)
    with pytest.raises(UnsafeWorkbookError, match=r"has an encrypted part \(xl/worksheets/sheet1\.xml\)"):
        check_workbook_file(path)


def test_file_size_limit(tmp_path, monkeypatch):
    """A file over the size limit is refused before it is opened as a zip."""
    monkeypatch.setattr(safe_read, "MAX_FILE_BYTES", 1000)
    path = _write(tmp_path / "big.xlsx", _workbook_bytes())
    with pytest.raises(
        UnsafeWorkbookError, match=r"big\.xlsx: is [\d,]+ bytes, larger than the 1,000 bytes limit"
    ):
        check_workbook_file(path)


# --- not a workbook ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.xlsx", b"", r"empty\.xlsx: is empty \(0 bytes\)"),
        (
            "notes.xlsx",
            b"issuer,price\nSenseTime,1.91\n",
            r"notes\.xlsx: is not an Excel workbook \(a text file\)",
        ),
        ("noise.xlsx", bytes(range(256)), r"noise\.xlsx: is not an Excel workbook \(not a zip file\)"),
        (
            "old.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            r"old\.xlsx: is an old-format Excel 97-2003",
        ),
        (
            "secret.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptedPackage".encode("utf-16-le"),
            r"secret\.xlsx: is password-protected",
        ),
    ],
)
def test_non_workbooks_are_refused(tmp_path, name, content, message):
    """Empty files, text renamed .xlsx, random bytes, old .xls and password-protected files get a clear message."""
    path = _write(tmp_path / name, content)
    with pytest.raises(UnsafeWorkbookError, match=message):
        load_workbook_safely(path)


def test_truncated_workbook_is_refused(tmp_path):
    """The first half of a real workbook is reported as damaged or truncated."""
    data = _workbook_bytes()
    path = _write(tmp_path / "half.xlsx", data[: len(data) // 2])
    with pytest.raises(UnsafeWorkbookError, match=r"half\.xlsx: is damaged or truncated"):
        load_workbook_safely(path)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, r"an OpenDocument file"),
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, r"a Word document"),
        ({"[Content_Types].xml": b"<Types/>"}, r"a zip file without a workbook part"),
    ],
)
def test_zips_that_are_not_workbooks_are_refused(tmp_path, parts, message):
    """An OpenDocument file, a Word document or a plain zip named .xlsx is not taken for a workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    path = _write(tmp_path / "other.xlsx", buffer.getvalue())
    with pytest.raises(UnsafeWorkbookError, match=rf"other\.xlsx: is not an Excel workbook \({message}"):
        check_workbook_file(path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("deal.xls", r"deal\.xls: is an Excel 97-2003 workbook; open it in Excel and save it as \.xlsx"),
        ("deal.csv", r"deal\.csv: is a CSV file"),
        ("deal.txt", r"deal\.txt: has the extension '\.txt'; a workbook must end in \.xlsx, \.xlsm"),
        ("deal", r"deal: has the extension '\(none\)'"),
    ],
)
def test_wrong_extensions_are_refused(tmp_path, name, message):
    """A real workbook under a name that is not a workbook's is refused, naming the extension."""
    path = _write(tmp_path / name, _workbook_bytes())
    with pytest.raises(UnsafeWorkbookError, match=message):
        check_workbook_file(path)


def test_missing_file_is_named(tmp_path):
    """A path that does not exist gives a one-line error naming it."""
    with pytest.raises(UnsafeWorkbookError, match=r"nowhere\.xlsx: does not exist; check the path"):
        check_workbook_file(tmp_path / "nowhere.xlsx")


def test_folder_is_not_a_workbook(tmp_path):
    """A folder named like a workbook is refused."""
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(UnsafeWorkbookError, match=r"folder\.xlsx: is not a file"):
        check_workbook_file(folder)


def test_every_refusal_is_one_line(tmp_path):
    """Refusal messages are a single line, even when the underlying parser error spans several."""
    path = _write(tmp_path / "xxe.xlsx", _replace_part(_workbook_bytes(), SHEET, EXTERNAL_ENTITY.encode()))
    with pytest.raises(UnsafeWorkbookError) as caught:
        load_workbook_safely(path)
    assert "\n" not in str(caught.value)

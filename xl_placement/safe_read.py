"""Reading workbooks a user supplies, safely.

An .xlsx file is a zip of XML parts, so a hostile one can be a zip bomb (a tiny file
that expands to gigabytes), an XML entity bomb ("billion laughs") or an XML external
entity that reads local files. Two layers refuse them:

1. :func:`read_checked_workbook` looks at the file *before* anything is decompressed:
   its size, that it is a zip at all (an old .xls or a password-protected workbook is
   an OLE compound file instead), the number of parts, their declared sizes and
   compression ratios, the compression methods, that the parts a workbook needs are
   there, and that the workbook's declared kind matches its extension (Excel refuses an
   .xlsx holding a macro workbook). Python's zipfile never decompresses more than a part's declared size,
   so limiting declared sizes limits memory.
2. ``_read_workbook`` then parses the checked bytes' XML through defusedxml (entity
   declarations and external references are refused), part by part.

Every refusal is an :class:`~xl_placement.errors.UnsafeWorkbookError` with a one-line
message naming the file and what to do.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from xl_placement.errors import UnsafeWorkbookError

#: Largest workbook file accepted, in bytes (a placing workbook is well under 1 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Most parts (zip entries) accepted in one workbook.
MAX_PARTS = 10_000
#: Largest total declared uncompressed size of all parts, in bytes.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: Largest declared uncompressed size of any one part, in bytes (placement.xlsm's largest is 40 KB).
MAX_PART_BYTES = 20 * 1024 * 1024
#: Every part of MAX_RATIO_PART_BYTES or more must not expand more than MAX_RATIO times (Excel's own
#: parts expand 2 to 20 times; rows of empty cells expand 170 times and more).
MAX_RATIO = 100
MAX_RATIO_PART_BYTES = 1024 * 1024
#: Largest [Content_Types].xml accepted (it is read before openpyxl runs; Excel's is about 2 KB).
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

#: The extensions openpyxl reads: workbooks and templates, with and without macros.
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xltx", ".xltm")

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARKER = "EncryptedPackage".encode("utf-16-le")
# Excel writes parts stored or deflated; other methods (bzip2, lzma) decompress without a size bound.
_ALLOWED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

_CONTENT_TYPES = "[Content_Types].xml"
# The workbook part's content type says what the file really is (Excel checks it against the extension).
_WORKBOOK_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ".xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ".xlsm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": ".xltx",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ".xltm",
}
_KIND = {
    ".xlsx": "workbook",
    ".xlsm": "macro-enabled workbook",
    ".xltx": "template",
    ".xltm": "macro-enabled template",
}

_OTHER_EXTENSIONS = {
    ".xls": "an Excel 97-2003 workbook; open it in Excel and save it as .xlsx",
    ".xlsb": "an Excel binary workbook; open it in Excel and save it as .xlsx",
    ".ods": "an OpenDocument spreadsheet; save it as .xlsx",
    ".csv": "a CSV file, not a workbook; give the deal as a deal file or a workbook",
}


def read_checked_workbook(path: str | Path) -> bytes:
    """The bytes of a workbook file a user supplied, refused unless it is a safe, well-formed workbook.

    The checks look at the file *before* anything is decompressed. Reading once and
    checking those very bytes means the file cannot change in between.

    Args:
        path: the workbook a user supplied.

    Raises:
        UnsafeWorkbookError: the file is missing, empty, too large, not a workbook,
            encrypted, truncated, a zip bomb, or its extension contradicts its content;
            the message names the file and the fix.
    """
    source = Path(path)
    data = _read_checked(source)
    _check_bytes(source, data)
    return data


def _read_checked(source: Path) -> bytes:
    """The file's bytes, after the extension and size checks (so at most MAX_FILE_BYTES)."""
    _check_extension(source)
    _check_size(source)
    try:
        return source.read_bytes()
    except OSError as exc:
        raise _refuse(source, f"cannot be read ({exc.strerror or exc})") from exc


def _check_bytes(source: Path, data: bytes) -> None:
    _check_magic(source, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _check_parts(source, parts)
            content_types = archive.read(_CONTENT_TYPES)
    except UnsafeWorkbookError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, zlib.error) as exc:
        raise _refuse(
            source, f"is damaged or truncated (not a readable zip: {exc}); save it again from Excel"
        ) from exc
    _check_content_type(source, content_types)


def _check_extension(source: Path) -> None:
    extension = source.suffix.lower()
    if extension in WORKBOOK_EXTENSIONS:
        return
    if extension in _OTHER_EXTENSIONS:
        raise _refuse(source, f"is {_OTHER_EXTENSIONS[extension]}")
    allowed = ", ".join(WORKBOOK_EXTENSIONS)
    raise _refuse(source, f"has the extension {extension or '(none)'!r}; a workbook must end in {allowed}")


def _check_size(source: Path) -> None:
    try:
        size = source.stat().st_size
    except FileNotFoundError:
        raise _refuse(source, "does not exist; check the path") from None
    except OSError as exc:
        raise _refuse(source, f"cannot be read ({exc.strerror or exc})") from exc
    if not source.is_file():
        raise _refuse(source, "is not a file; give the path of a workbook")
    if size == 0:
        raise _refuse(source, "is empty (0 bytes); save the workbook again from Excel")
    if size > MAX_FILE_BYTES:
        raise _refuse(source, f"is {_mb(size)}, larger than the {_mb(MAX_FILE_BYTES)} limit for a workbook")


def _check_magic(source: Path, data: bytes) -> None:
    head = data[:8]
    if head == _OLE_MAGIC:
        if _ENCRYPTED_MARKER in data:
            raise _refuse(
                source, "is password-protected (encrypted); remove the password in Excel and save it again"
            )
        raise _refuse(
            source, "is an old-format Excel 97-2003 (.xls) file despite its name; save it as .xlsx in Excel"
        )
    if head[:4] not in _ZIP_MAGIC:
        kind = "a text file" if _looks_like_text(head) else "not a zip file"
        raise _refuse(
            source, f"is not an Excel workbook ({kind}); give an .xlsx or .xlsm file saved by Excel"
        )


def _check_parts(source: Path, parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise _refuse(source, f"has {len(parts):,} parts, more than the {MAX_PARTS:,} a workbook may have")
    total = 0
    for part in parts:
        if part.flag_bits & 0x1:
            raise _refuse(source, f"has an encrypted part ({part.filename}); save it again from Excel")
        if part.compress_type not in _ALLOWED_METHODS:
            raise _refuse(source, f"uses an unsupported compression method in {part.filename}")
        if part.filename == _CONTENT_TYPES and part.file_size > MAX_CONTENT_TYPES_BYTES:
            raise _refuse(source, f"has an implausibly large {_CONTENT_TYPES} ({_mb(part.file_size)})")
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= MAX_RATIO_PART_BYTES and ratio > MAX_RATIO:
            raise _refuse(
                source,
                f"looks like a zip bomb: {part.filename} expands {ratio:,.0f} times to {_mb(part.file_size)}",
            )
        if part.file_size > MAX_PART_BYTES:
            raise _refuse(
                source,
                f"has a part too large to read: {part.filename} expands to {_mb(part.file_size)}, "
                f"more than the {_mb(MAX_PART_BYTES)} limit for one part",
            )
        total += part.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _refuse(
                source, f"would expand to more than {_mb(MAX_UNCOMPRESSED_BYTES)}, the limit for a workbook"
            )
    names = {part.filename for part in parts}
    if _CONTENT_TYPES not in names:
        raise _refuse(source, f"is not an Excel workbook ({_guess_kind(names)}); give an .xlsx or .xlsm file")
    if "xl/workbook.xml" not in names:
        raise _refuse(source, f"is not an Excel workbook ({_guess_kind(names)}); give an .xlsx or .xlsm file")


def _check_content_type(source: Path, content_types: bytes) -> None:
    """The workbook part's declared kind must match the extension (Excel refuses a mismatch)."""
    try:
        root = fromstring(content_types)
    except DefusedXmlException as exc:
        raise _refuse(source, f"contains an XML attack ({type(exc).__name__}) in {_CONTENT_TYPES}") from exc
    except ET.ParseError as exc:
        raise _refuse(source, f"is damaged ({_CONTENT_TYPES} is not valid XML: {exc})") from exc
    declared = ""
    for element in root:
        if element.get("PartName") == "/xl/workbook.xml":
            declared = element.get("ContentType", "")
    actual = _WORKBOOK_CONTENT_TYPES.get(declared)
    if actual is None:
        raise _refuse(source, f"is not an Excel workbook (its workbook part has content type {declared!r})")
    extension = source.suffix.lower()
    if actual != extension:
        raise _refuse(
            source,
            f"is named {extension} but holds a {_KIND[actual]} ({actual}); rename it to {source.stem}{actual}",
        )


def _guess_kind(names: set[str]) -> str:
    if "mimetype" in names:
        return "an OpenDocument file; save it as .xlsx"
    if "word/document.xml" in names:
        return "a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    return "a zip file without a workbook part"


def _looks_like_text(head: bytes) -> bool:
    return all(byte in b"\t\n\r" or 32 <= byte < 127 for byte in head) or head.startswith(b"\xef\xbb\xbf")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def _refuse(source: Path, reason: str) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(f"{source}: {reason}")

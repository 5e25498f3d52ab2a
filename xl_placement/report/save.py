"""Deterministic bytes: fixed document properties and a zip with fixed dates and order.

openpyxl stamps the current time into ``docProps/core.xml`` and the zip entries;
the same deal must give the same file, so both are replaced by constants here.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

CREATOR = "xl-placement"
FIXED_TIME = "2025-01-01T00:00:00Z"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold

_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>"
    "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{time}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{time}</dcterms:modified>'
    "</cp:coreProperties>"
)


def core_properties(title: str) -> bytes:
    """The document properties: a title, creator "xl-placement" and constant dates."""
    return _CORE.format(title=html.escape(title, quote=False), creator=CREATOR, time=FIXED_TIME).encode(
        "utf-8"
    )


def deterministic_zip(data: bytes, *, title: str = "", replace: dict[str, bytes] | None = None) -> bytes:
    """Re-pack an xlsx so the same content always gives the same bytes.

    Args:
        data: the xlsx bytes as openpyxl saved them.
        title: the document title stored in the core properties.
        replace: parts to substitute (name -> new content), e.g. sheets with cached values.

    Returns:
        The xlsx bytes: ``[Content_Types].xml`` first, then the other parts in the order
        openpyxl wrote them, each dated 1980-01-01, with fixed core properties.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        return deterministic_package(
            [(name, source.read(name)) for name in names], title=title, replace=replace
        )


def deterministic_package(
    parts: Sequence[tuple[str, bytes]], *, title: str = "", replace: Mapping[str, bytes] | None = None
) -> bytes:
    """:func:`deterministic_zip` of the parts openpyxl would have zipped, (name, bytes) in its order.

    A package built from the parts in memory gives the same bytes as one saved by openpyxl
    and re-packed, without compressing every part twice and reading it back.
    """
    contents = dict(parts)  # a name written twice: the zip reads back its last content
    contents.update(replace or {})
    contents["docProps/core.xml"] = core_properties(title)
    ordered = sorted((name for name, _ in parts), key=lambda n: n != "[Content_Types].xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in ordered:
            info = zipfile.ZipInfo(part, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 3
            target.writestr(info, contents[part])
    return out.getvalue()


class _SortedRanges(MultiCellRange):  # type: ignore[misc] # openpyxl is untyped
    """Merged ranges that openpyxl writes in sheet order instead of a set's order.

    openpyxl keeps merged ranges in a set and writes them as it iterates it; a set's order
    follows hashes (which differ on 32-bit Pyodide) and its history, so the same report could
    list its merged cells in another order.
    """

    def __iter__(self) -> Iterator[CellRange]:
        return iter(self.sorted())


def order_merged_cells(wb: Workbook) -> None:
    """Make every sheet write its merged cells sorted by position, for the same bytes everywhere."""
    for ws in wb.worksheets:
        ws.merged_cells = _SortedRanges(ws.merged_cells.ranges)

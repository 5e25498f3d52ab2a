"""Cached values: put each formula's computed value into the saved workbook.

openpyxl writes a formula cell as ``<c r="D7"><f>...</f><v/></c>``, with no value,
so a reader without a calculation engine (pandas, openpyxl ``data_only=True``,
file previewers) sees blanks. Every formula the report writes is registered with
the value Python computed for it; this step writes those values into the sheet
XML of the saved file. Excel and LibreOffice still recalculate on opening
(``fullCalcOnLoad``), so the cached values only serve readers that cannot.
"""

from __future__ import annotations

import html
import io
import math
import posixpath
import re
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from xml.etree import ElementTree as ET

CachedValue = Decimal | int | float | str | bool
Registry = Mapping[tuple[str, str], CachedValue | None]  # None: a formula of the template, left as is

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A formula cell as openpyxl writes it: reference, optional style, formula, empty value.
_FORMULA_CELL = re.compile(r'<c r="([A-Z]{1,3}[0-9]{1,7})"((?: s="[0-9]+")?)><f>([^<]*)</f><v ?/></c>')


def sheet_parts(data: bytes) -> dict[str, str]:
    """Map each sheet's title to its part name in the package (``xl/worksheets/sheet1.xml``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        workbook = ET.fromstring(package.read("xl/workbook.xml"))  # noqa: S314 - openpyxl's own output
        rels = ET.fromstring(package.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets[sheet.get(f"{_REL}id")]
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name", "")] = posixpath.normpath(path)
    return parts


def value_xml(value: CachedValue) -> tuple[str, str]:
    """The cell type attribute and ``<v>`` text for a cached value."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, str):
        return ' t="str"', html.escape(value, quote=False)
    if isinstance(value, int):
        return "", str(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot cache a non-finite value {value!r}")
    return "", repr(number)


def fill_sheet(xml: str, sheet: str, values: Mapping[str, CachedValue | None]) -> str:
    """Insert cached values into one sheet's XML; every formula cell must have one.

    A cell registered with None (a formula a user put in the template) keeps no cached
    value: Excel and LibreOffice calculate it on opening.

    Raises:
        ValueError: a formula cell has no registered value, or a registered cell has no formula.
    """
    seen: set[str] = set()

    def insert(match: re.Match[str]) -> str:
        ref, style, formula = match.groups()
        if ref not in values:
            raise ValueError(f"'{sheet}'!{ref} has a formula but no registered value")
        seen.add(ref)
        value = values[ref]
        if value is None:
            return match.group(0)
        kind, text = value_xml(value)
        return f'<c r="{ref}"{style}{kind}><f>{formula}</f><v>{text}</v></c>'

    result = _FORMULA_CELL.sub(insert, xml)
    missing = sorted(set(values) - seen)
    if missing:
        raise ValueError(f"'{sheet}' has values registered for cells without a formula: {', '.join(missing)}")
    return result


def cached_parts(data: bytes, registry: Registry) -> dict[str, bytes]:
    """The sheet parts of ``data`` with every formula's cached value filled in."""
    by_sheet: dict[str, dict[str, CachedValue | None]] = {}
    for (sheet, ref), value in registry.items():
        by_sheet.setdefault(sheet, {})[ref] = value
    parts = sheet_parts(data)
    unknown = sorted(set(by_sheet) - set(parts))
    if unknown:
        raise ValueError(f"values registered for sheets not in the workbook: {', '.join(unknown)}")
    replaced = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for sheet, part in parts.items():
            xml = package.read(part).decode("utf-8")
            replaced[part] = fill_sheet(xml, sheet, by_sheet.get(sheet, {})).encode("utf-8")
    return replaced

"""Cached values: put each formula's computed value into the saved workbook.

openpyxl writes a formula cell with an empty value (``<v/>``, or ``<v></v>`` when it uses lxml),
so a reader without a calculation engine (pandas, openpyxl ``data_only=True``,
file previewers) sees blanks. Every formula the report writes is registered with
the value Python computed for it; this step writes those values into the sheet
XML of the saved file. Excel and LibreOffice still recalculate on opening
(``fullCalcOnLoad``), so the cached values only serve readers that cannot.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree as ET


@dataclass(frozen=True)
class ErrorValue:
    """A spreadsheet error as a formula's cached value (``#DIV/0!`` when an input is missing)."""

    code: str


DIV0 = ErrorValue("#DIV/0!")
NA = ErrorValue("#N/A")

CachedValue = Decimal | int | float | str | bool | ErrorValue
Registry = Mapping[tuple[str, str], CachedValue | None]  # None: a formula of the template, left as is

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


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


def value_xml(value: CachedValue) -> tuple[str | None, str]:
    """The cell type attribute (None: a number) and ``<v>`` text for a cached value."""
    if isinstance(value, ErrorValue):
        return "e", value.code
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, str):
        return "str", value
    if isinstance(value, int):
        return None, str(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot cache a non-finite value {value!r}")
    return None, repr(number)


def _namespaces(xml: bytes) -> list[tuple[str, str]]:
    """The namespace declarations of a part, in document order (prefix, uri)."""
    found = []
    for _, declaration in ET.iterparse(io.BytesIO(xml), events=("start-ns",)):  # noqa: S314 - openpyxl's output
        prefix, uri = declaration
        found.append((str(prefix), str(uri)))
    return found


def fill_sheet(xml: bytes, sheet: str, values: Mapping[str, CachedValue | None]) -> bytes:
    """Insert cached values into one sheet's XML; every formula cell must have one.

    The part is parsed and written back as XML, so it does not matter how openpyxl
    serialised it (``<v/>``, ``<v></v>`` or no ``<v>`` at all, with or without lxml).
    A cell registered with None (a formula a user put in the template) keeps no cached
    value: Excel and LibreOffice calculate it on opening.

    Raises:
        ValueError: a formula cell has no registered value, or a registered cell has no formula.
    """
    declared = _namespaces(xml)
    root = ET.fromstring(xml)  # noqa: S314 - openpyxl's own output
    seen: set[str] = set()
    for cell in root.iter(f"{_MAIN}c"):
        formula = cell.find(f"{_MAIN}f")
        if formula is None:
            continue
        ref = cell.get("r", "")
        if ref not in values:
            raise ValueError(f"'{sheet}'!{ref} has a formula but no registered value")
        seen.add(ref)
        value = values[ref]
        if value is None:
            continue
        for old in cell.findall(f"{_MAIN}v"):
            cell.remove(old)
        kind, text = value_xml(value)
        if kind is None:
            cell.attrib.pop("t", None)
        else:
            cell.set("t", kind)
        element = ET.Element(f"{_MAIN}v")
        element.text = text
        cell.insert(list(cell).index(formula) + 1, element)
    missing = sorted(set(values) - seen)
    if missing:
        raise ValueError(f"'{sheet}' has values registered for cells without a formula: {', '.join(missing)}")
    return _serialise(root, declared)


def _serialise(root: ET.Element, declared: list[tuple[str, str]]) -> bytes:
    """Write the tree back with the part's own namespace prefixes (the main one as the default)."""
    ET.register_namespace("", _MAIN[1:-1])  # unprefixed, as every spreadsheet writes it
    for prefix, uri in declared:
        if prefix and uri != _MAIN[1:-1] and not re.fullmatch(r"ns[0-9]+", prefix):
            ET.register_namespace(prefix, uri)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


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
            replaced[part] = fill_sheet(package.read(part), sheet, by_sheet.get(sheet, {}))
    return replaced

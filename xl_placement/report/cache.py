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
from collections.abc import Iterable, Mapping
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
        return _sheet_parts(package.read("xl/workbook.xml"), package.read("xl/_rels/workbook.xml.rels"))


def _sheet_parts(workbook_xml: bytes, rels_xml: bytes) -> dict[str, str]:
    workbook = ET.fromstring(workbook_xml)  # noqa: S314 - openpyxl's own output
    rels = ET.fromstring(rels_xml)  # noqa: S314
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


def _parse(xml: bytes) -> tuple[ET.Element, list[tuple[str, str]]]:
    """The part's tree and its namespace declarations in document order (prefix, uri), from one parse."""
    found = []
    events = ET.iterparse(io.BytesIO(xml), events=("start-ns",))  # noqa: S314 - openpyxl's output
    for _, declaration in events:
        prefix, uri = declaration
        found.append((str(prefix), str(uri)))
    root = events.root  # type: ignore[attr-defined] # set by iterparse when the parse ends
    if root is None:
        raise ValueError("the part has no root element")
    return root, found


def fill_sheet(
    xml: bytes,
    sheet: str,
    values: Mapping[str, CachedValue | None],
    rows: Iterable[SheetRow] | None = None,
) -> bytes:
    """Insert cached values into one sheet's XML; every formula cell must have one.

    The part is parsed and written back as XML, so it does not matter how openpyxl
    serialised it (``<v/>``, ``<v></v>`` or no ``<v>`` at all, with or without lxml).
    A cell registered with None (a formula a user put in the template) keeps no cached
    value: Excel and LibreOffice calculate it on opening.

    ``rows``, when given, are the sheet's rows as data (``openpyxl_private.sheet_rows``) and
    the part's ``sheetData`` is empty: the rows are written straight into it as the parse
    and write-back would have written them, which is most of the time of this step saved.

    Raises:
        ValueError: a formula cell has no registered value, or a registered cell has no formula.
    """
    root, declared = _parse(xml)
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
    data = None if rows is None else _sheet_data(rows, sheet, values, seen)
    missing = sorted(set(values) - seen)
    if missing:
        raise ValueError(f"'{sheet}' has values registered for cells without a formula: {', '.join(missing)}")
    body = _serialise(root, declared)
    if data is not None:
        if body.count(_EMPTY_SHEET_DATA) != 1:
            raise ValueError(f"'{sheet}': the sheet's part has no single empty sheetData for its rows")
        body = body.replace(_EMPTY_SHEET_DATA, data, 1)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


_EMPTY_SHEET_DATA = "<sheetData />"

# A sheet's rows as data: (row attributes, cells), each cell (attributes, kind, text); see
# openpyxl_private.sheet_rows, which this module does not import (the two sit on one layer).
SheetRow = tuple[dict[str, str], list[tuple[dict[str, str], str, str]]]


def _sheet_data(
    rows: Iterable[SheetRow], sheet: str, values: Mapping[str, CachedValue | None], seen: set[str]
) -> str:
    """The ``sheetData`` element with its rows, exactly as ElementTree writes it back after a parse.

    ElementTree writes attributes in their order with ``_attrib`` escaping, text with
    ``_text`` escaping, and an element with neither text nor children as ``<tag />``.
    """
    out = ["<sheetData>"]
    add = out.append
    for row_attrs, cells in rows:
        if not cells:
            add(f"<row{_attributes(row_attrs)} />")
            continue
        add(f"<row{_attributes(row_attrs)}>")
        for attrs, kind, text in cells:
            add(_cell(attrs, kind, text, sheet, values, seen))
        add("</row>")
    if len(out) == 1:
        return _EMPTY_SHEET_DATA
    add("</sheetData>")
    return "".join(out)


def _cell(
    attrs: dict[str, str],
    kind: str,
    text: str,
    sheet: str,
    values: Mapping[str, CachedValue | None],
    seen: set[str],
) -> str:
    """One ``<c>`` element; a formula's with its cached value (see :func:`fill_sheet`)."""
    if kind == "empty":
        return f"<c{_attributes(attrs)} />"
    if kind == "v":
        return f"<c{_attributes(attrs)}>{_element('v', text)}</c>"
    if kind == "s":
        return f"<c{_attributes(attrs)}><is><t>{_text(text)}</t></is></c>"
    if kind == "s preserve":
        return f'<c{_attributes(attrs)}><is><t xml:space="preserve">{_text(text)}</t></is></c>'
    if kind != "f":
        raise ValueError(f"'{sheet}'!{attrs.get('r')}: unknown kind of cell {kind!r}")
    ref = attrs["r"]
    if ref not in values:
        raise ValueError(f"'{sheet}'!{ref} has a formula but no registered value")
    seen.add(ref)
    value = values[ref]
    if value is None:
        return f"<c{_attributes(attrs)}>{_element('f', text)}<v /></c>"
    value_kind, value_text = value_xml(value)
    with_type = dict(attrs)
    if value_kind is None:
        with_type.pop("t", None)
    else:
        with_type["t"] = value_kind
    return f"<c{_attributes(with_type)}>{_element('f', text)}{_element('v', value_text)}</c>"


def _element(tag: str, text: str) -> str:
    return f"<{tag}>{_text(text)}</{tag}>" if text else f"<{tag} />"


def _text(text: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attributes(attrs: Mapping[str, str]) -> str:
    """Attributes as ElementTree writes them (in their order, values escaped)."""
    return "".join(f' {name}="{_attrib(value)}"' for name, value in attrs.items())


def _attrib(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it."""
    text = _text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _serialise(root: ET.Element, declared: list[tuple[str, str]]) -> str:
    """Write the tree back with the part's own namespace prefixes (the main one as the default)."""
    ET.register_namespace("", _MAIN[1:-1])  # unprefixed, as every spreadsheet writes it
    for prefix, uri in declared:
        if prefix and uri != _MAIN[1:-1] and not re.fullmatch(r"ns[0-9]+", prefix):
            ET.register_namespace(prefix, uri)
    return ET.tostring(root, encoding="unicode")


def cached_parts(data: bytes, registry: Registry) -> dict[str, bytes]:
    """The sheet parts of ``data`` with every formula's cached value filled in."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return filled_parts({name: package.read(name) for name in package.namelist()}, registry)


def filled_parts(
    package: Mapping[str, bytes],
    registry: Registry,
    rows: Mapping[str, Iterable[SheetRow] | None] | None = None,
) -> dict[str, bytes]:
    """The sheet parts of a package (part name -> bytes) with every formula's cached value filled in.

    ``rows``: by part name, the rows of a sheet whose part has an empty ``sheetData`` (see
    :func:`fill_sheet`).
    """
    by_sheet: dict[str, dict[str, CachedValue | None]] = {}
    for (sheet, ref), value in registry.items():
        by_sheet.setdefault(sheet, {})[ref] = value
    parts = _sheet_parts(package["xl/workbook.xml"], package["xl/_rels/workbook.xml.rels"])
    unknown = sorted(set(by_sheet) - set(parts))
    if unknown:
        raise ValueError(f"values registered for sheets not in the workbook: {', '.join(unknown)}")
    rows = rows or {}
    return {
        part: fill_sheet(package[part], sheet, by_sheet.get(sheet, {}), rows.get(part))
        for sheet, part in parts.items()
    }

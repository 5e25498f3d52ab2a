"""Golden-file comparison of xlsx/xlsm workbooks, part by part, ignoring what is volatile.

Modelled on XlsxWriter's comparison tests: both files are unzipped, each XML part is
normalised (document dates, calculation settings, the workbook view and the
application's version stamp dropped; relationships and content types put in a fixed
order; attributes ordered and whitespace between elements removed by C14N 2.0) and the
parts are compared one by one. Binary parts (vbaProject.bin, images) are compared byte
for byte. Zip metadata (timestamps, compression, part order) never counts.

Use from a test (pytest puts ``tests/`` on the import path)::

    from xlsx_compare import assert_same_xlsx

    assert_same_xlsx(render_report(figures, checks), GOLDEN / "sensetime.xlsx")

To refresh a golden file after an intended change, write the new output over it and
review the diff of :func:`normalised_parts` in the pull request.
"""

from __future__ import annotations

import difflib
import fnmatch
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from defusedxml.ElementTree import fromstring

Workbook = str | Path | bytes

_XML_SUFFIXES = (".xml", ".rels", ".vml")

# Local element names dropped from every copy of a part: they change with the time,
# the application, the window or the folder the file was saved in, not with its content.
VOLATILE_ELEMENTS: dict[str, frozenset[str]] = {
    "docProps/core.xml": frozenset({"created", "modified", "lastModifiedBy", "lastPrinted"}),
    "docProps/app.xml": frozenset({"AppVersion", "Application", "DocSecurity", "TotalTime"}),
    "xl/workbook.xml": frozenset({"calcPr", "bookViews", "fileVersion", "AlternateContent", "revisionPtr"}),
}

_ORDER_INDEPENDENT_PARTS = ("[Content_Types].xml",)

# Prefixes come from ElementTree's global registry (ns0, or one a library registered);
# diffs read better without them.
_GENERATED_PREFIX = re.compile(r"(</?)[A-Za-z_][\w.-]*:")


def normalised_parts(
    workbook: Workbook, *, ignore_elements: Mapping[str, Iterable[str]] | None = None
) -> dict[str, bytes]:
    """Unzip a workbook and normalise every part.

    Args:
        workbook: a path to an xlsx/xlsm file, or its bytes.
        ignore_elements: extra local element names to drop, per part name (glob patterns allowed),
            e.g. ``{"xl/charts/chart*.xml": ["date1904"]}``.

    Returns:
        Part name to normalised content: canonical XML for XML parts, raw bytes otherwise.
    """
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(_open(workbook)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            data = archive.read(info)
            if info.filename.lower().endswith(_XML_SUFFIXES):
                drop = _elements_to_drop(info.filename, ignore_elements)
                data = _normalise_xml(info.filename, data, drop)
            parts[info.filename] = data
    return parts


def compare_xlsx(
    got: Workbook,
    expected: Workbook,
    *,
    ignore_parts: Iterable[str] = (),
    ignore_elements: Mapping[str, Iterable[str]] | None = None,
    context_lines: int = 3,
    max_diff_lines: int = 40,
) -> list[str]:
    """Compare two workbooks part by part after normalisation.

    Args:
        got: the workbook produced by the code under test (path or bytes).
        expected: the golden workbook (path or bytes).
        ignore_parts: part names (glob patterns allowed) left out of the comparison.
        ignore_elements: extra local element names to drop, per part name (glob patterns allowed).
        context_lines: lines of context around each difference in XML diffs.
        max_diff_lines: longest diff shown for one part.

    Returns:
        One entry per differing part (a part only in one file, or a diff of the part);
        empty when the workbooks are the same.
    """
    ignored = tuple(ignore_parts)
    got_parts = _without(normalised_parts(got, ignore_elements=ignore_elements), ignored)
    expected_parts = _without(normalised_parts(expected, ignore_elements=ignore_elements), ignored)
    problems = [f"only in the new file: {name}" for name in sorted(got_parts.keys() - expected_parts.keys())]
    problems += [
        f"missing from the new file: {name}" for name in sorted(expected_parts.keys() - got_parts.keys())
    ]
    for name in sorted(got_parts.keys() & expected_parts.keys()):
        if got_parts[name] != expected_parts[name]:
            problems.append(
                _describe(name, got_parts[name], expected_parts[name], context_lines, max_diff_lines)
            )
    return problems


def assert_same_xlsx(
    got: Workbook,
    expected: Workbook,
    *,
    ignore_parts: Iterable[str] = (),
    ignore_elements: Mapping[str, Iterable[str]] | None = None,
) -> None:
    """Fail with a readable report of every differing part unless the workbooks match.

    Raises:
        AssertionError: naming each differing part, with a short diff of each.
    """
    problems = compare_xlsx(got, expected, ignore_parts=ignore_parts, ignore_elements=ignore_elements)
    if problems:
        raise AssertionError(f"{len(problems)} part(s) differ:\n" + "\n".join(problems))


def _open(workbook: Workbook) -> io.BytesIO | Path:
    return io.BytesIO(workbook) if isinstance(workbook, bytes) else Path(workbook)


def _without(parts: dict[str, bytes], patterns: tuple[str, ...]) -> dict[str, bytes]:
    return {name: data for name, data in parts.items() if not any(fnmatch.fnmatch(name, p) for p in patterns)}


def _elements_to_drop(name: str, extra: Mapping[str, Iterable[str]] | None) -> frozenset[str]:
    drop = set(VOLATILE_ELEMENTS.get(name, ()))
    for pattern, elements in (extra or {}).items():
        if fnmatch.fnmatch(name, pattern):
            drop.update(elements)
    return frozenset(drop)


def _normalise_xml(name: str, data: bytes, drop: frozenset[str]) -> bytes:
    try:
        root = fromstring(data)
    except ET.ParseError:
        return data  # not well-formed (some legacy VML): compare as it is
    _drop_elements(root, drop)
    _strip_indentation(root)
    if name.endswith(".rels"):
        root[:] = sorted(root, key=lambda element: element.get("Id", ""))
    elif name in _ORDER_INDEPENDENT_PARTS:
        root[:] = sorted(root, key=lambda element: (_local(element.tag), sorted(element.attrib.items())))
    text = ET.tostring(root, encoding="unicode")
    return ET.canonicalize(xml_data=text).encode()


def _drop_elements(element: ET.Element, drop: frozenset[str]) -> None:
    if not drop:
        return
    for child in list(element):
        if _local(child.tag) in drop:
            element.remove(child)
        else:
            _drop_elements(child, drop)


def _strip_indentation(element: ET.Element) -> None:
    """Drop whitespace-only text between elements; text inside a leaf (a cell's string) is kept as it is."""
    if len(element) and element.text is not None and not element.text.strip():
        element.text = None
    for child in element:
        if child.tail is not None and not child.tail.strip():
            child.tail = None
        _strip_indentation(child)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _describe(name: str, got: bytes, expected: bytes, context_lines: int, max_lines: int) -> str:
    if not name.lower().endswith(_XML_SUFFIXES):
        return f"{name}: binary part differs ({len(got)} bytes, expected {len(expected)} bytes)"
    diff = list(
        difflib.unified_diff(_lines(expected), _lines(got), "expected", "got", n=context_lines, lineterm="")
    )
    if len(diff) > max_lines:
        diff = [*diff[:max_lines], f"... ({len(diff) - max_lines} more diff lines)"]
    return f"{name} differs:\n" + "\n".join(f"    {line}" for line in diff)


def _lines(data: bytes) -> list[str]:
    """One element per line, so a diff of canonical XML points at the element that changed."""
    text = _GENERATED_PREFIX.sub(r"\1", data.decode("utf-8", "replace"))
    return text.replace("><", ">\n<").splitlines()

"""Test-only: check a workbook file, or load it with openpyxl, through xl_placement.safe_read's checks.

The package itself reads a user's workbook with ``_read_workbook`` (its own streaming
reader over ``safe_read.read_checked_workbook``); these two helpers hold the same checks
to files on disk and to openpyxl's own loader, for tests/test_safe_read.py.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
from defusedxml import DefusedXmlException
from openpyxl.utils.exceptions import InvalidFileException

from xl_placement.errors import DependencyMissingError, UnsafeWorkbookError
from xl_placement.safe_read import read_checked_workbook


def check_workbook_file(path: str | Path) -> Path:
    """Refuse a file that is not a safe, well-formed workbook, without decompressing it.

    Args:
        path: the workbook a user supplied.

    Returns:
        The path, as a Path.

    Raises:
        UnsafeWorkbookError: the file is missing, empty, too large, not a workbook,
            encrypted, truncated, a zip bomb, or its extension contradicts its content;
            the message names the file and the fix.
    """
    source = Path(path)
    read_checked_workbook(source)
    return source


def load_workbook_safely(path: str | Path, **kwargs: Any) -> Any:
    """Check a workbook file, then load it with openpyxl parsing XML through defusedxml.

    Args:
        path: the workbook a user supplied.
        **kwargs: passed to :func:`openpyxl.load_workbook` (e.g. ``data_only=True``).

    Returns:
        The openpyxl ``Workbook``.

    Raises:
        UnsafeWorkbookError: the file was refused by ``check_workbook_file``, or
            openpyxl could not read it (an XML attack, a damaged part); one line naming the file.
        DependencyMissingError: openpyxl is not using defusedxml, so loading is refused.
    """
    source = Path(path)
    data = read_checked_workbook(source)
    _require_defusedxml()
    try:
        # Loading the very bytes that were checked: the file cannot change in between, and no
        # file handle is left open when openpyxl fails half-way.
        return openpyxl.load_workbook(io.BytesIO(data), **kwargs)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        ValueError,  # includes defusedxml's EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden
        TypeError,
        SyntaxError,  # xml.etree.ElementTree.ParseError
        EOFError,
        OSError,
    ) as exc:
        raise UnsafeWorkbookError(f"{source}: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    """Say why openpyxl failed, from the innermost cause (openpyxl wraps it in a generic ValueError)."""
    root = exc
    while root.__cause__ is not None:
        root = root.__cause__
    if isinstance(root, DefusedXmlException):
        return (
            f"contains an XML attack ({type(root).__name__}: entity declarations and external references "
            "are refused); it was not read"
        )
    return f"could not be read as a workbook ({_describe(root)}); save it again from Excel"


def _require_defusedxml() -> None:
    """Fail closed unless openpyxl parses XML with defusedxml (it does when defusedxml is importable)."""
    iterparse_module = getattr(openpyxl.xml.functions.iterparse, "__module__", "")
    if openpyxl.xml.DEFUSEDXML is not True or not iterparse_module.startswith("defusedxml"):
        raise DependencyMissingError(
            "openpyxl is not parsing XML with defusedxml, so workbooks from users are not read; "
            "install defusedxml (pip install defusedxml) and unset OPENPYXL_DEFUSEDXML"
        )


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{name}: {text}" if text else name

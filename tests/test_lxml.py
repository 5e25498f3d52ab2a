"""The environment the tests run in: with lxml installed, openpyxl must really be using it.

``make test`` runs the workbook-writing tests a second time in ``.venv-lxml`` with
``XL_PLACEMENT_EXPECT_LXML=1``; this test proves that run exercised openpyxl's lxml writer,
and the default run its own writer, so a regression in either shows.
"""

from __future__ import annotations

import io
import os

import openpyxl
from openpyxl.xml import LXML


def _empty_value_markup() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    stream = io.BytesIO()
    book.save(stream)
    import zipfile  # noqa: PLC0415

    with zipfile.ZipFile(io.BytesIO(stream.getvalue())) as package:
        return package.read("xl/worksheets/sheet1.xml")


def test_openpyxl_uses_the_writer_this_run_expects():
    """lxml in the second environment (``<v></v>``), openpyxl's own writer in the first (``<v/>``)."""
    expect_lxml = os.environ.get("XL_PLACEMENT_EXPECT_LXML") == "1"
    assert expect_lxml == LXML
    xml = _empty_value_markup()
    assert (b"<v></v>" in xml) == expect_lxml, xml[:400]

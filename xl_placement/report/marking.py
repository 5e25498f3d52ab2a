"""How the printed report is marked: the page header, the disclaimer, the logo, illustrative parts.

A banker's deal sheet says on every page who may read it ("Strictly private and
confidential"), whether it is a draft and of when, how old its market data is, and on
which page of how many the reader is. The deal file's ``[report]`` table sets the marking,
the draft or final state, a disclaimer and a logo, and flags the parts of the sheet whose
figures are illustrative rather than the issuer's.

Text from the deal file reaches the page header only through the template's placeholders,
which escape ``&`` (the header's code character); it is never a formula anywhere.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from xl_placement.deal import Deal
from xl_placement.errors import InputError
from xl_placement.figures import Figures
from xl_placement.report.cells import CellWriter, fit_height
from xl_placement.report.layout import sheet_date
from xl_placement.report.openpyxl_private import SizedImage
from xl_placement.report.template import optional_area

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"  # the environment variable that pins the build date
MAX_LOGO_BYTES = 1_000_000
MAX_LOGO_PIXELS = 4_000  # each side
LOGO_HEIGHT_PX = 36  # about 0.95 cm on the page: the height of the subtitle rows
LOGO_MAX_WIDTH_PX = 110  # the width of the column it sits in
ILLUSTRATIVE = " (illustrative)"

# Each part a deal file may flag as illustrative: the named cells whose band (the row above,
# ``offset`` columns to the left of the name) gets "(illustrative)", found by the template's
# names so a restyled template still works.
PART_BANDS: dict[str, tuple[tuple[str, int], ...]] = {
    "market prices": (("RefRow", 0),),
    "liquidity": (("LiquidityRow", 0),),
    "timetable": (("TimetableRow", 0),),
    "costs": (("Gross", 1), ("CostItemRow", 0)),  # the Proceeds band is over Gross's label
    "use of proceeds": (("UseRow", 0), ("ChartAnchor", 0)),  # the table and the waterfall's heading
    "shareholders": (("HoldingRow", 0),),
}


def market_data_text(figures: Figures) -> str:
    """The page header: "Market data as of 14 Mar 2025" (as the sheets write dates), or nothing."""
    day = figures.market.as_of
    return f"Market data as of {sheet_date(day)}" if day else ""


def draft_text(deal: Deal) -> str:
    """The draft mark: "Draft of 20 Oct 2025" (``[report] draft_date``, else the build date), or "" when final.

    Written as text in the sheets' date format, never the page header's ``&D`` (which prints
    the date in the printer's locale, 12/06/2026 beside a body that writes 10 Jun 2025).

    Raises:
        InputError: ``SOURCE_DATE_EPOCH`` is set but not a time (see ``build_date``).
    """
    settings = deal.report
    if settings.final:
        return ""
    day = settings.draft_date if settings.draft_date is not None else build_date()
    return f"Draft of {sheet_date(day)}"


def build_date() -> dt.date:
    """The day the report is built: today, or the day of ``SOURCE_DATE_EPOCH`` when it is set.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC, the reproducible-builds convention,
    https://reproducible-builds.org/specs/source-date-epoch/) pins it, so a deal gives the same
    bytes on any day; its day is taken in UTC.

    Raises:
        InputError: ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds in range.
    """
    text = os.environ.get(SOURCE_DATE_EPOCH, "")
    if not text:
        return dt.date.today()  # the local day, as the reader dates a draft
    try:
        return dt.datetime.fromtimestamp(int(text), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise InputError(
            f"{SOURCE_DATE_EPOCH} = {text!r}: not a time; set it to whole seconds since 1970-01-01 UTC "
            "(e.g. 1749513600 for 10 Jun 2025) or unset it to date drafts today"
        ) from None


def flag_illustrative(wb: Workbook, deal: Deal) -> None:
    """Mark each illustrative part's band "(illustrative)" and say which parts are, under the title.

    Runs before the tables are filled: each band is the row above its table's prototype row.
    """
    chosen = deal.report.illustrative
    if not chosen:
        return
    for part in chosen:
        for key, offset in PART_BANDS[part]:
            found = optional_area(wb, key)
            if found is None or found.min_row < 2 or found.min_col <= offset:
                continue
            band = found.ws.cell(found.min_row - 1, found.min_col - offset)
            if isinstance(band.value, str) and not band.value.endswith(ILLUSTRATIVE):
                # "Liquidity (average daily trading)" -> "Liquidity (illustrative)": the band stays one short line.
                band.value = re.sub(r"\s*\([^()]*\)$", "", band.value) + ILLUSTRATIVE
                band.data_type = "s"
    note_area = optional_area(wb, "IllustrativeNote")
    if note_area is None:  # a template without the line: the bands alone say it
        return
    cell = note_area.ws.cell(note_area.min_row, note_area.min_col)
    cell.value = (
        "Illustrative figures, not published by the issuer: "
        + ", ".join(chosen)
        + ". Every other figure is as published or computed from published figures."
    )
    cell.data_type = "s"


def add_disclaimer(ws: Worksheet, deal: Deal, out: CellWriter, row: int, last_column: int) -> int:
    """Write the deal file's disclaimer below the sheet's content; return the last row to print."""
    text = deal.report.disclaimer
    if not text:
        return row - 2
    out.text(ws, f"B{row}", text)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last_column)
    cell = ws[f"B{row}"]
    cell.font = Font(name="Arial", size=8, italic=True, color="FF595959")
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    fit_height(ws, row, line_height=11.0, chars_scale=1.2)
    return row


@dataclass(frozen=True)
class Logo:
    """A checked logo image: its bytes, format and size in pixels."""

    data: bytes
    format: str  # "png" or "jpeg"
    width: int
    height: int


def read_logo(deal: Deal) -> Logo | None:
    """Read and check the deal's logo: a PNG or JPEG of at most 1 MB, path relative to the deal's file.

    The deal's ``source`` is the deal file or the workbook it was read from, so a logo typed on
    placement.xlsm's Inputs sheet is found beside the workbook.

    Raises:
        InputError: the file is missing, too large, or not a PNG or JPEG image (the message names
            the field, the file and the fix).
    """
    given = deal.report.logo
    if not given:
        return None
    path = Path(given).expanduser()
    if not path.is_absolute() and deal.source:
        path = Path(deal.source).resolve().parent / path
    where = f"report.logo = {given!r} ({path})"
    try:
        if not path.is_file():
            raise InputError(
                f"{where}: no such file; give the path of a PNG or JPEG, relative to the deal file "
                "(or to the workbook's folder)"
            )
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise InputError(f"{where}: the file is {size:,} bytes; a logo may be at most {MAX_LOGO_BYTES:,}")
        with path.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{where}: cannot be read ({exc.strerror or exc})") from exc
    found = image_size(data)
    if found is None:
        raise InputError(f"{where}: is not a PNG or JPEG image; save the logo as PNG or JPEG")
    kind, width, height = found
    if not (0 < width <= MAX_LOGO_PIXELS and 0 < height <= MAX_LOGO_PIXELS):
        raise InputError(
            f"{where}: the image is {width} x {height} pixels; a logo may be at most "
            f"{MAX_LOGO_PIXELS} x {MAX_LOGO_PIXELS}"
        )
    return Logo(data, kind, width, height)


def image_size(data: bytes) -> tuple[str, int, int] | None:
    """The format and pixel size of a PNG or JPEG from its header, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[str, int, int] | None:
    """Walk a JPEG's segments to its start-of-frame marker, which holds the size."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2:
            return None
        if marker in _SOF and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return "jpeg", width, height
        at += 2 + length
    return None


def place_logo(wb: Workbook, logo: Logo) -> None:
    """Put the logo at the template's ``LogoAnchor`` cell, scaled to the height of the title's subtitle rows."""
    anchor = optional_area(wb, "LogoAnchor")
    if anchor is None:
        return
    scale = min(LOGO_HEIGHT_PX / logo.height, LOGO_MAX_WIDTH_PX / logo.width)
    image = SizedImage(
        logo.data, logo.format, max(1, round(logo.width * scale)), max(1, round(logo.height * scale))
    )
    image.anchor = anchor.ws.cell(anchor.min_row, anchor.min_col).coordinate
    anchor.ws.add_image(image)

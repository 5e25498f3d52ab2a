"""Reading CSV files a user supplies (a batch of deals, precedents, a price history), in bounded time and memory.

One reader for every CSV input: the file is streamed line by line and its rows counted as
they are read, so a file of millions of blank lines or one endless line is refused after
reading at most the limits, never parsed whole first. Each kind of file has one set of
limits (``CsvLimits``), listed in docs/security.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from xl_placement.errors import InputError

#: Largest CSV file accepted (a batch or precedents), in bytes.
MAX_CSV_BYTES = 50_000_000
#: Most rows below the header of a CSV file, blank lines included (each row is a deal or a precedent).
MAX_CSV_ROWS = 10_000
#: Most characters in one cell of a CSV file.
MAX_CSV_CELL_CHARS = 100_000
#: Longest physical line of a CSV file, in bytes (a row of many short cells).
MAX_CSV_LINE_BYTES = 1_000_000


@dataclass(frozen=True)
class CsvLimits:
    """The bounds of one kind of CSV file, and the text encodings it may come in."""

    max_bytes: int
    max_rows: int  # rows below the first line, blank lines (and a price file's title block) included
    max_line_bytes: int = MAX_CSV_LINE_BYTES
    max_cell_chars: int = MAX_CSV_CELL_CHARS
    #: Besides UTF-8: UTF-16 with its byte-order mark (Excel's "Unicode text") and Windows-1252.
    excel_encodings: bool = False


#: A batch of deals or a precedents file.
TABLE = CsvLimits(MAX_CSV_BYTES, MAX_CSV_ROWS)
#: A price history exported from a price screen: 20,000 rows is about 80 years of trading days.
PRICE_FILE = CsvLimits(20_000_000, 20_000, excel_encodings=True)

CsvRow = tuple[int, list[str], str | None]


def csv_rows(
    path: Path,
    *,
    error: Callable[[str], InputError] = InputError,
    delimiters: str = ",",
    limits: CsvLimits = TABLE,
    sniff_lines: int = 1,
) -> Iterator[CsvRow]:
    """The rows of a CSV file (UTF-8, with or without a BOM), read as a stream and counted as read.

    Memory and time stay bounded whatever the file holds: at most ``limits.max_bytes`` are read,
    line by line, and reading stops at the first row past ``limits.max_rows``.

    Args:
        path: the CSV file a user supplied.
        error: makes the error to raise from a message naming the file (a batch's ``InputError``,
            a ``PrecedentsError``, a price file's ``PriceFileError``).
        delimiters: the separators the first lines may use; the most frequent one in them is taken
            (Excel writes "CSV" with a semicolon or tab in some locales).
        limits: the bounds of this kind of file.
        sniff_lines: how many first lines choose the separator (a price file's title block comes
            before its header).

    Yields:
        Each row's number (the first line is row 1), its cells, and why the row cannot be read
        (a cell over ``limits.max_cell_chars`` characters spoils its row only), or None.

    Raises:
        InputError: (made by ``error``) the file is missing, not a regular file, a workbook, too
            large, has too many rows, is not UTF-8 (or an encoding ``limits`` allows) or not valid
            CSV; the message names the file and row.
    """
    try:
        if not path.is_file():  # a link to /dev/zero or a pipe would be read for ever
            problem = "no such file" if not path.exists() else "is not a regular file; give a saved .csv file"
            raise error(f"{path}: {problem}")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise error(f"{path}: the file is {size:,} bytes; the limit is {limits.max_bytes:,}")
        stream = path.open("rb")
    except OSError as exc:
        raise error(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    with stream:
        head = stream.read(4)
        stream.seek(0)
        if head == b"PK\x03\x04":
            raise error(f"{path}: is a workbook; save the sheet as CSV and give that")
        if limits.excel_encodings and head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            lines = _utf16_lines(path, stream, error, limits)
        else:
            lines = _csv_lines(path, stream, error, limits)
        first = list(itertools.islice(lines, max(1, sniff_lines)))
        if not first:
            return
        csv.field_size_limit(limits.max_cell_chars)
        reader = csv.reader(
            itertools.chain(first, lines), delimiter=_delimiter("".join(first), delimiters), strict=True
        )
        for number in itertools.count(1):
            if number > limits.max_rows + 1:
                raise error(f"{path}: has more than {limits.max_rows:,} rows below the header; split it")
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" not in str(exc):
                    raise error(f"{path}, row {number}: is not valid CSV ({exc})") from exc
                yield number, [], f"a cell has more than {limits.max_cell_chars:,} characters"
                continue
            yield number, cells, None


def _csv_lines(
    path: Path, stream: IO[bytes], error: Callable[[str], InputError], limits: CsvLimits
) -> Iterator[str]:
    """The file's lines as text, each at most ``limits.max_line_bytes``, at most ``limits.max_bytes`` in all."""
    offset = 0
    while True:
        raw = stream.readline(limits.max_line_bytes + 1)
        if not raw:
            return
        if len(raw) > limits.max_line_bytes:
            raise error(
                f"{path}: a line is longer than {limits.max_line_bytes:,} bytes, more than any row needs"
            )
        start, offset = offset, offset + len(raw)
        if offset > limits.max_bytes:  # the file grew while it was read
            raise error(
                f"{path}: the file is more than {limits.max_bytes:,} bytes; the limit is {limits.max_bytes:,}"
            )
        try:
            # A newline byte never occurs inside a UTF-8 sequence, so each line decodes alone.
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not limits.excel_encodings:
                raise error(
                    f"{path}: is not UTF-8 text (byte {start + exc.start + 1}); save it as 'CSV UTF-8' and try again"
                ) from exc
            text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Western Windows
        yield text.removeprefix("\ufeff") if start == 0 else text


def _utf16_lines(
    path: Path, stream: IO[bytes], error: Callable[[str], InputError], limits: CsvLimits
) -> Iterator[str]:
    """The lines of a UTF-16 file with its byte-order mark (Excel's "Unicode text"), within the same limits."""
    text = io.TextIOWrapper(stream, encoding="utf-16", errors="replace", newline="")
    try:
        yield from _text_lines(path, text, error, limits)
    finally:
        text.detach()  # the caller closes the file


def _text_lines(
    path: Path, text: io.TextIOWrapper, error: Callable[[str], InputError], limits: CsvLimits
) -> Iterator[str]:
    offset = 0
    while True:
        line = text.readline(limits.max_line_bytes // 2 + 1)  # two bytes a character at the least
        if not line:
            return
        if len(line) > limits.max_line_bytes // 2:
            raise error(
                f"{path}: a line is longer than {limits.max_line_bytes:,} bytes, more than any row needs"
            )
        offset += 2 * len(line)
        if offset > limits.max_bytes:  # the file grew while it was read
            raise error(
                f"{path}: the file is more than {limits.max_bytes:,} bytes; the limit is {limits.max_bytes:,}"
            )
        yield line


def _delimiter(sample: str, delimiters: str) -> str:
    """The most frequent of ``delimiters`` in the first lines (field paths never contain them)."""
    counts = {sep: sample.count(sep) for sep in delimiters}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","

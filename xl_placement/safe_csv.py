"""Reading CSV files a user supplies (a batch of deals, precedents), in bounded time and memory.

One reader for every CSV input: the file is streamed line by line and its rows counted as
they are read, so a file of millions of blank lines or one endless line is refused after
reading at most the limits, never parsed whole first.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
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

CsvRow = tuple[int, list[str], str | None]


def csv_rows(path: Path, *, error: type[InputError] = InputError, delimiters: str = ",") -> Iterator[CsvRow]:
    """The rows of a CSV file (UTF-8, with or without a BOM), read as a stream and counted as read.

    Memory and time stay bounded whatever the file holds: at most MAX_CSV_BYTES are read,
    line by line, and reading stops at the first row past MAX_CSV_ROWS.

    Args:
        path: the CSV file a user supplied.
        error: the error class to raise (a batch's ``InputError``, a ``PrecedentsError``).
        delimiters: the separators the header row may use; the most frequent one in it is taken
            (Excel writes "CSV" with a semicolon or tab in some locales).

    Yields:
        Each row's number (the header is row 1), its cells, and why the row cannot be read
        (a cell over MAX_CSV_CELL_CHARS characters spoils its row only), or None.

    Raises:
        InputError: (of class ``error``) the file is missing, not a regular file, too large, has
            too many rows, is not UTF-8 or not valid CSV; the message names the file and row.
    """
    try:
        if not path.is_file():  # a link to /dev/zero or a pipe would be read for ever
            problem = "no such file" if not path.exists() else "is not a regular file; give a saved .csv file"
            raise error(f"{path}: {problem}")
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise error(f"{path}: the file is {size:,} bytes; the limit is {MAX_CSV_BYTES:,}")
        stream = path.open("rb")
    except OSError as exc:
        raise error(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    with stream:
        lines = _csv_lines(path, stream, error)
        first = next(lines, None)
        if first is None:
            return
        csv.field_size_limit(MAX_CSV_CELL_CHARS)
        reader = csv.reader(
            itertools.chain([first], lines), delimiter=_delimiter(first, delimiters), strict=True
        )
        for number in itertools.count(1):
            if number > MAX_CSV_ROWS + 1:
                raise error(f"{path}: has more than {MAX_CSV_ROWS:,} rows below the header; split it")
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" not in str(exc):
                    raise error(f"{path}, row {number}: is not valid CSV ({exc})") from exc
                yield number, [], f"a cell has more than {MAX_CSV_CELL_CHARS:,} characters"
                continue
            yield number, cells, None


def _csv_lines(path: Path, stream: IO[bytes], error: type[InputError]) -> Iterator[str]:
    """The file's lines as text, each at most MAX_CSV_LINE_BYTES, at most MAX_CSV_BYTES in all."""
    offset = 0
    while True:
        raw = stream.readline(MAX_CSV_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_CSV_LINE_BYTES:
            raise error(
                f"{path}: a line is longer than {MAX_CSV_LINE_BYTES:,} bytes, more than any row needs"
            )
        start, offset = offset, offset + len(raw)
        if offset > MAX_CSV_BYTES:  # the file grew while it was read
            raise error(
                f"{path}: the file is more than {MAX_CSV_BYTES:,} bytes; the limit is {MAX_CSV_BYTES:,}"
            )
        try:
            # A newline byte never occurs inside a UTF-8 sequence, so each line decodes alone.
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(
                f"{path}: is not UTF-8 text (byte {start + exc.start + 1}); save it as 'CSV UTF-8' and try again"
            ) from exc
        yield text.removeprefix("\ufeff") if start == 0 else text


def _delimiter(header: str, delimiters: str) -> str:
    """The most frequent of ``delimiters`` in the header row (field paths never contain them)."""
    counts = {sep: header.count(sep) for sep in delimiters}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","

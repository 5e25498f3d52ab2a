"""The batch's input: a CSV table (one deal a row, columns named by field paths) or a folder of deal files.

CSV cells are text: a cell is parsed by its field's parser (a number, a date, a
percentage...) or kept as text; nothing is ever evaluated or written as a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from xl_placement.batch.jobs import ERROR, Job, Outcome, error_message
from xl_placement.batch.names import ReportNames, safe_name
from xl_placement.dealfile import deal_files
from xl_placement.errors import MISSING, DealError, InputError, Problem
from xl_placement.fields import MAX_ROWS
from xl_placement.safe_csv import csv_rows


def read_jobs(source: Path, out_dir: Path) -> tuple[list[Job], list[Outcome]]:
    """The deals of a CSV file or a folder of deal files.

    Returns:
        The jobs to run, and the rows that already failed while being read.

    Raises:
        InputError: the input as a whole is unusable (missing, not UTF-8, bad header, no deals).
    """
    if source.is_dir():
        return _folder_jobs(source, out_dir), []
    if not source.exists():
        raise InputError(f"{source}: no such file or folder; give a .csv file or a folder of deal files")
    if source.suffix.lower() != ".csv":
        raise InputError(
            f"{source}: the batch input must be a .csv file or a folder of .toml/.json deal files"
        )
    return _csv_jobs(source, out_dir)


def _folder_jobs(folder: Path, out_dir: Path) -> list[Job]:
    files = deal_files(folder)
    if not files:
        raise InputError(f"{folder}: the folder has no .toml or .json deal files")
    names = ReportNames()
    return [
        Job(str(path), None, None, path, out_dir / names.claim(safe_name(path.stem, "deal")))
        for path in files
    ]


def _csv_jobs(path: Path, out_dir: Path) -> tuple[list[Job], list[Outcome]]:
    rows = list(csv_rows(path, delimiters=",;\t"))
    if not rows:
        raise InputError(f"{path}: the file is empty; the first row must name the columns (issuer.name, ...)")
    header_row, *body = rows
    if header_row[2]:
        raise InputError(f"{path} row 1: {header_row[2]}; the first row must name the columns")
    columns = parse_header(header_row[1], str(path))
    width = max(len(str(len(rows))), 1)
    names = ReportNames()
    jobs: list[Job] = []
    failed: list[Outcome] = []
    for number, cells, unreadable in body:
        label = f"{path} row {number}"
        if unreadable:
            failed.append(Outcome(label, number, ERROR, error=f"{label}: {unreadable}"))
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line between deals
        try:
            mapping = row_mapping(columns, cells)
        except DealError as exc:
            failed.append(Outcome(label, number, ERROR, error=error_message(exc, label, csv_row=True)))
            continue
        code = _get(mapping, "issuer", "stock_code")
        stem = f"row{number:0{width}d}" + (f"-{code}" if isinstance(code, str) and code.strip() else "")
        jobs.append(Job(label, number, mapping, None, out_dir / names.claim(safe_name(stem, f"row{number}"))))
    if not jobs and not failed:
        raise InputError(f"{path}: there are no deals below the header row")
    return jobs, failed


Column = tuple[str | int, ...]


def _is_index(part: str) -> bool:
    """A list index in a column path: digits 0-9 only (int() would also read full-width digits and fail on superscripts)."""
    return part.isascii() and part.isdigit()


def parse_header(cells: Sequence[str], source: str = "") -> list[Column | None]:
    """Turn column names (dotted field paths) into key paths; number parts index lists.

    ``proceeds.uses.0.share`` becomes ``("proceeds", "uses", 0, "share")``. A blank
    heading gives ``None`` (the column must then stay empty).

    Raises:
        InputError: a malformed, repeated or conflicting column name.
    """
    prefix = f"{source}: " if source else ""
    columns: list[Column | None] = []
    seen: dict[Column, str] = {}
    for index, cell in enumerate(cells, start=1):
        name = cell.strip()
        if not name:
            columns.append(None)
            continue
        parts = name.split(".")
        if any(not part.strip() for part in parts):
            raise InputError(
                f"{prefix}column {index} {name!r}: a field path has no empty parts, like issuer.name"
            )
        if parts[0].strip().isdigit():
            raise InputError(
                f"{prefix}column {index} {name!r}: must start with a section name, like issuer.name"
            )
        other = next((p.strip() for p in parts if p.strip().isdigit() and not _is_index(p.strip())), None)
        if other is not None:
            raise InputError(
                f"{prefix}column {index} {name!r}: the list index {other!r} is not written with the "
                "digits 0-9; write it like proceeds.uses.0.share"
            )
        key: Column = tuple(int(p.strip()) if _is_index(p.strip()) else p.strip() for p in parts)
        for part in key:
            if isinstance(part, int) and part >= MAX_ROWS:
                raise InputError(
                    f"{prefix}column {index} {name!r}: the list index {part} is above {MAX_ROWS - 1}"
                )
        if key in seen:
            raise InputError(
                f"{prefix}column {index} {name!r}: repeats column {seen[key]!r}; give each field once"
            )
        seen[key] = name
        columns.append(key)
    _check_shape([c for c in columns if c is not None], seen, prefix)
    return columns


def _check_shape(columns: list[Column], names: Mapping[Column, str], prefix: str) -> None:
    """No column may be a prefix of another, and a list position is never also a named field."""
    keys = set(columns)
    for column in columns:
        for end in range(1, len(column)):
            if column[:end] in keys:
                raise InputError(
                    f"{prefix}columns {names[column[:end]]!r} and {names[column]!r} both set "
                    f"{names[column[:end]]}; keep one of them"
                )
    kinds: dict[Column, set[type]] = {}
    for column in columns:
        for end in range(1, len(column)):
            kinds.setdefault(column[:end], set()).add(type(column[end]))
    for parent, types in kinds.items():
        if len(types) > 1:
            shown = ".".join(str(p) for p in parent)
            raise InputError(
                f"{prefix}columns under {shown!r} mix list numbers and field names; use one form"
            )


def row_mapping(columns: Sequence[Column | None], cells: Sequence[str]) -> dict[str, Any]:
    """One CSV row as a nested deal mapping; empty cells are absent fields.

    Raises:
        DealError: the row has more cells than the header, a value under a blank
            heading, or list entries numbered with a gap.
    """
    problems: list[Problem] = []
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
        problems.append(
            Problem(
                "row",
                f"{len(cells)} cells",
                f"the header has only {len(columns)} columns; check for stray commas",
            )
        )
    tree: dict[Any, Any] = {}
    for index, (column, cell) in enumerate(zip(columns, cells, strict=False), start=1):
        if not cell.strip():
            continue
        if column is None:
            problems.append(Problem(f"column {index}", cell, "has a value but no heading in the first row"))
            continue
        node = tree
        for part in column[:-1]:
            node = node.setdefault(part, {})
        node[column[-1]] = cell
    data: dict[str, Any] = _lists(tree, "", problems)
    if problems:
        raise DealError(problems)
    return data


def _lists(node: Any, path: str, problems: list[Problem]) -> Any:
    """Turn dicts keyed by list positions into lists, reporting gaps in the numbering."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(key, int) for key in node):
        positions = sorted(node)
        expected = list(range(len(positions)))
        if positions != expected:
            missing = next(i for i in [*expected, len(positions)] if i not in node)
            problems.append(
                Problem(
                    f"{path}.{missing}",
                    MISSING,
                    f"is missing but {path}.{positions[-1]} is given; number the entries 0, 1, 2 ... without gaps",
                )
            )
        return [_lists(node[key], f"{path}.{key}", problems) for key in positions]
    return {key: _lists(value, f"{path}.{key}" if path else key, problems) for key, value in node.items()}


def _get(mapping: Mapping[str, Any], *keys: str) -> object:
    node: object = mapping
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node

"""Saving files safely: never a half-written file, never a silent overwrite.

Every output (report, PDF, batch summary, workbook) goes through ``write_atomic``:
the bytes go to a temporary file in the target's folder, are flushed to disk, and
only then replace the target in one step. A failure at any point leaves the old
file byte-identical and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from xl_placement.errors import OutputError, OutputExistsError, OutputLockedError


def write_atomic(path: str | Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically.

    Args:
        path: the target file; its folder is created when missing.
        data: the complete file contents.
        force: replace an existing file (otherwise an existing file is an error).

    Returns:
        The path written.

    Raises:
        OutputExistsError: the file exists and ``force`` is false.
        OutputLockedError: the file is open in another program (Excel locks open files).
        OutputError: any other failure (read-only folder, disk full); nothing is changed.
    """
    target = Path(path)
    if target.exists() and not force:
        raise OutputExistsError(
            f"{target} already exists; use --force to replace it (or choose another -o path)"
        )
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name such as {target / 'report.xlsx'}")
    _check_not_open(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {target.parent}: {exc.strerror or exc}") from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        _replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OutputError):
            raise
        if isinstance(exc, OSError):
            raise OutputError(
                f"could not save {target}: {exc.strerror or exc}; the previous file is unchanged"
            ) from exc
        raise
    return target


def _replace(temp: Path, target: Path) -> None:
    try:
        temp.replace(target)
    except PermissionError as exc:
        if target.exists():
            raise OutputLockedError(
                f"{target} is open in another program (close it in Excel and try again); it was not changed"
            ) from exc
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise OutputError(f"the disk is full; {target} was not changed") from exc
        raise


def _check_not_open(target: Path) -> None:
    """Excel marks an open workbook with an owner file ``~$name`` beside it."""
    owner = target.with_name("~$" + target.name[2:] if len(target.name) > 2 else "~$" + target.name)
    for candidate in (target.with_name("~$" + target.name), owner):
        if candidate.exists():
            raise OutputLockedError(
                f"{target} is open in Excel ({candidate.name} exists); close it and try again; it was not changed"
            )

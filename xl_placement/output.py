"""Saving files safely: never a half-written file, never a silent overwrite.

Every output (report, PDF, batch summary, workbook) goes through ``write_atomic``:
the bytes go to a temporary file in the target's folder, are flushed to disk, and
only then take the target's place in one step. A failure at any point leaves the old
file byte-identical and no temporary file behind.

Without ``force`` the new file is linked into place, which fails if a file of that
name appeared in the meantime: of two runs writing the same new target at once,
exactly one wins and the other is told the file exists. With ``force`` each run
replaces the target atomically, so the file is always one run's complete output.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from xl_placement.errors import OutputError, OutputExistsError, OutputLockedError

_TEMP_NAME_CHARS = 80  # keep the temporary name well inside the 255-byte file-name limit
_TEMP_ATTEMPTS = 20


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
    target = check_target(path, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {target.parent}: {_reason(exc)}") from exc
    fd, temp = _create_temp(target)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            _keep_mode(target, temp)
            _replace(temp, target)
        else:
            _link_new(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OutputError):
            raise
        if isinstance(exc, OSError):
            raise OutputError(f"could not save {target}: {_reason(exc)}; {_unchanged(target)}") from exc
        raise
    _sync_folder(target.parent)
    return target


def check_target(path: str | Path, *, force: bool = False) -> Path:
    """Fail early, before any work, when ``write_atomic(path, ..., force=force)`` would refuse.

    Lets a command say "already exists" or "open in Excel" before spending time on
    rendering; ``write_atomic`` checks again at the moment of writing.

    Returns:
        The target as a Path.

    Raises:
        OutputExistsError: the file exists and ``force`` is false.
        OutputLockedError: the file is open in Excel (its ``~$`` owner file exists).
        OutputError: the target is a folder.
    """
    target = Path(path)
    try:
        if target.is_dir():
            raise OutputError(f"{target} is a folder; give a file name such as {target / 'report.xlsx'}")
        if target.exists() and not force:
            raise OutputExistsError(_exists_message(target))
        _check_not_open(target)
    except OutputError:
        raise
    except OSError as exc:  # the name cannot even be looked up: too long, a loop of links
        raise OutputError(f"cannot write {target}: {_reason(exc)}; no file was written") from exc
    return target


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new temporary file beside the target, created with the user's normal permissions.

    ``tempfile.mkstemp`` would create it readable by its owner only, and the report
    would keep that mode after the rename; ``os.open`` with 0o666 honours the umask.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(_TEMP_ATTEMPTS):
        temp = target.with_name(f".{target.name[:_TEMP_NAME_CHARS]}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write to the folder {target.parent}: {_reason(exc)}") from exc
    raise OutputError(f"cannot create a temporary file in {target.parent}")  # pragma: no cover


def _replace(temp: Path, target: Path) -> None:
    """Put ``temp`` in the target's place in one step (force: an existing target is replaced)."""
    try:
        temp.replace(target)
    except PermissionError as exc:
        if target.exists():
            raise OutputLockedError(_locked_message(target)) from exc
        raise


def _link_new(temp: Path, target: Path) -> None:
    """Put ``temp`` in place only if no file of the target's name exists (no force).

    A hard link fails atomically when the name is taken, unlike a rename, which would
    silently replace a file another run has just written. Where there are no hard links
    (FAT, some network shares, Pyodide's ``os`` without ``link``) the name is claimed
    with an exclusive create instead, then replaced: still never another's file.
    """
    link = getattr(os, "link", None)
    if link is None:
        _claim_then_replace(temp, target)
        return
    try:
        link(temp, target)
    except FileExistsError as exc:
        raise OutputExistsError(_exists_message(target)) from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        _claim_then_replace(temp, target)
        return
    temp.unlink()


def _claim_then_replace(temp: Path, target: Path) -> None:
    """Create the target exclusively (it must not exist), then move ``temp`` over our own claim."""
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666))
    except FileExistsError as exc:
        raise OutputExistsError(_exists_message(target)) from exc
    try:
        _replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()  # our empty claim, never another's file
        raise


def _keep_mode(target: Path, temp: Path) -> None:
    """A replaced file keeps its permissions (a report shared with a group stays shared)."""
    with contextlib.suppress(OSError):
        temp.chmod(stat.S_IMODE(target.stat().st_mode))


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk where the system allows it (POSIX)."""
    if os.name != "posix":  # pragma: no cover - Windows cannot open a folder
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_not_open(target: Path) -> None:
    """Excel marks an open workbook with an owner file ``~$name`` beside it.

    For long names Excel replaces the first two characters instead of prefixing.
    """
    candidates = [target.with_name("~$" + target.name)]
    if len(target.name) > 2:
        candidates.append(target.with_name("~$" + target.name[2:]))
    for candidate in candidates:
        if candidate.exists():
            raise OutputLockedError(
                f"{target} is open in Excel ({candidate.name} exists beside it); close it and try again "
                f"(if Excel is not running, delete {candidate.name}); {target.name} was not changed"
            )


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EDQUOT:
        return "the disk quota is exceeded"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if isinstance(exc, PermissionError):
        return "permission denied (the folder is read-only or belongs to someone else)"
    if isinstance(exc, NotADirectoryError | FileExistsError) or exc.errno == errno.ENOTDIR:
        return "part of the path is a file, not a folder"
    return str(exc.strerror or exc)


def _unchanged(target: Path) -> str:
    return "the previous file is unchanged" if target.exists() else "no file was written"


def _exists_message(target: Path) -> str:
    return f"{target} already exists; it was not replaced"


def _locked_message(target: Path) -> str:
    return f"{target} is open in another program (close it, e.g. in Excel, and try again); it was not changed"

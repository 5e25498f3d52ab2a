"""Saving files safely: never a half-written file, never a silent overwrite.

Every output (report, PDF, batch summary, workbook) goes through ``write_atomic``:
the bytes go to a temporary file in the target's folder, are flushed to disk, and
only then take the target's place in one step. A failure at any point leaves the old
file byte-identical and no temporary file behind.

Without ``force`` the new file is linked into place, which fails if a file of that
name appeared in the meantime: of two runs writing the same new target at once,
exactly one wins and the other is told the file exists. With ``force`` each run
replaces the target atomically, so the file is always one run's complete output.

Temporary files and folders carry the writing process's id in their names
(``.report.xlsx.<pid>.<random>.tmp``, ``xl-placement-pdf-<pid>-<random>``). A run that
is killed outright (SIGKILL, a power cut) cannot remove its own; the next run that
writes into the same folder, or makes a temporary folder, removes those whose process
is gone and that are more than a minute old.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from xl_placement.errors import OutputError, OutputExistsError, OutputLockedError

_TEMP_NAME_CHARS = 80  # keep the temporary name well inside the 255-byte file-name limit
_TEMP_ATTEMPTS = 20
#: Prefix of the temporary folders (PDF export, LibreOffice profiles and conversions).
TEMP_DIR_PREFIX = "xl-placement-"
#: A stale temporary file or folder must be at least this old (seconds) before a later run removes it.
STALE_AFTER = 60.0
_TEMP_FILE = re.compile(r"^\..+\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
_TEMP_DIR = re.compile(rf"^{re.escape(TEMP_DIR_PREFIX)}[a-z]+-(?P<pid>\d+)-")
_swept: set[Path] = set()


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
    _sweep_folder(target.parent)
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


def write_all(files: Sequence[tuple[str | Path, bytes]], *, force: bool = False) -> tuple[Path, ...]:
    """Write several files all or nothing: a report and its PDF, a batch's two summaries.

    Every target is checked first; each file is then written atomically, and if one
    fails, those already written are taken back (a new file removed, a replaced one
    restored to its previous bytes), so the folder is as it was.

    Raises:
        OutputError: as :func:`write_atomic`, of the same kind, saying that no file was changed.
    """
    targets = [check_target(path, force=force) for path, _ in files]
    previous = {target: _previous(target) for target in targets}
    written: list[Path] = []
    try:
        for target, (_, data) in zip(targets, files, strict=True):
            written.append(write_atomic(target, data, force=force))
    except OutputError as exc:
        for target in reversed(written):
            _take_back(target, previous[target])
        if not written:
            raise
        names = ", ".join(str(target) for target in written)
        raise type(exc)(f"{exc}; {names} was taken back too, so no file was changed") from exc
    except BaseException:
        for target in reversed(written):
            _take_back(target, previous[target])
        raise
    return tuple(written)


def _previous(target: Path) -> bytes | None:
    try:
        return target.read_bytes() if target.is_file() else None
    except OSError as exc:
        raise OutputError(
            f"cannot read {target} to keep it safe: {_reason(exc)}; nothing was written"
        ) from exc


def _take_back(target: Path, previous: bytes | None) -> None:
    with contextlib.suppress(OSError):
        if previous is None:
            target.unlink()
        else:
            write_atomic(target, previous, force=True)


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
        temp = target.with_name(f".{target.name[:_TEMP_NAME_CHARS]}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write to the folder {target.parent}: {_reason(exc)}") from exc
    raise OutputError(f"cannot create a temporary file in {target.parent}")  # pragma: no cover


def temp_dir(kind: str) -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder ``xl-placement-<kind>-<pid>-...``, removed when the block ends.

    Stale folders of killed runs are removed first (see the module's docstring).
    """
    remove_stale_temp_dirs()
    return tempfile.TemporaryDirectory(prefix=f"{TEMP_DIR_PREFIX}{kind}-{os.getpid()}-")


def make_temp_dir(kind: str) -> Path:
    """A private temporary folder that the caller removes (e.g. at exit); named as :func:`temp_dir`'s."""
    remove_stale_temp_dirs()
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_DIR_PREFIX}{kind}-{os.getpid()}-"))


def remove_stale_temp_dirs() -> None:
    """Remove the temporary folders of runs that were killed (once per process)."""
    root = Path(tempfile.gettempdir())
    if root in _swept:
        return
    _swept.add(root)
    for entry in _entries(root):
        found = _TEMP_DIR.match(entry.name)
        if found and _stale(entry, int(found["pid"])):
            shutil.rmtree(entry, ignore_errors=True)


def _sweep_folder(folder: Path) -> None:
    """Remove the temporary files killed runs left in an output folder (once per folder and process)."""
    if folder in _swept:
        return
    _swept.add(folder)
    for entry in _entries(folder):
        found = _TEMP_FILE.match(entry.name)
        if found and _stale(entry, int(found["pid"])):
            with contextlib.suppress(OSError):
                entry.unlink()


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _stale(entry: Path, pid: int) -> bool:
    """Left by a process that is gone, and not touched for a minute (a folder shared by two machines)."""
    try:
        age = time.time() - entry.lstat().st_mtime
    except OSError:
        return False
    return pid != os.getpid() and age > STALE_AFTER and not _alive(pid)


def _alive(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would send Ctrl-C on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


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

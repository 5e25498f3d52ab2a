"""LibreOffice headless: the spreadsheet engine that recalculates and renders workbooks.

No Excel runs on Linux, but LibreOffice Calc does. It is the project's oracle for its
own formulas (a generated workbook recalculates to the numbers Python computed) and
the way to turn a workbook into a PDF.

Two things make it dependable here:

- **An isolated profile.** Each process gets its own LibreOffice user profile in a
  temporary folder, so a user's own LibreOffice settings (or a running LibreOffice)
  never change the result, and it is reused across calls because the first start of
  a fresh profile is the slow one. A lock keeps calls in one process from starting two
  instances on the same profile.
- **Forced recalculation.** LibreOffice's default for Excel files is to trust the
  cached values they carry. The profile is written before the first start with
  ``OOXMLRecalcMode`` and ``ODFRecalcMode`` set to 0 ("always recalculate").
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from xl_placement.errors import ConversionError, DependencyMissingError
from xl_placement.output import make_temp_dir, temp_dir

#: Seconds LibreOffice may take to finish a file (for a run of many, the next one) before it is stopped.
DEFAULT_TIMEOUT = 120.0

#: The environment variable naming the soffice program when it is not on PATH.
SOFFICE_ENV = "XL_PLACEMENT_SOFFICE"

INSTALL_HINT = (
    "install LibreOffice: on Debian/Ubuntu `sudo apt-get install libreoffice-calc-nogui`, "
    "on macOS `brew install --cask libreoffice`, on Windows from https://www.libreoffice.org/download/ "
    f"(or set {SOFFICE_ENV} to the full path of soffice)"
)

# The registry keys that make Calc recalculate every formula on load (0 = always).
_RECALC_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# Where installers put soffice when it is not on PATH.
_KNOWN_LOCATIONS = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)

_lock = threading.Lock()
_profile: Path | None = None


def find_soffice() -> str | None:
    """Find the LibreOffice program.

    Looks at ``$XL_PLACEMENT_SOFFICE``, then ``soffice`` and ``libreoffice`` on PATH,
    then the usual install folders on macOS and Windows.

    Returns:
        The program's path, or None when LibreOffice is not installed.
    """
    configured = os.environ.get(SOFFICE_ENV)
    if configured:
        if Path(configured).is_file():
            return configured if os.access(configured, os.X_OK) else None
        return shutil.which(configured)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for location in _KNOWN_LOCATIONS:
        if Path(location).is_file():
            return location
    return None


def require_soffice(purpose: str = "this") -> str:
    """Return the LibreOffice program, or explain how to install it.

    Args:
        purpose: what LibreOffice is needed for, shown in the message (e.g. "PDF export").

    Raises:
        DependencyMissingError: LibreOffice is not installed.
    """
    program = find_soffice()
    if program is None:
        configured = os.environ.get(SOFFICE_ENV)
        if configured and Path(configured).is_file():
            raise DependencyMissingError(
                f"{purpose} needs LibreOffice, but {SOFFICE_ENV} names {configured}, which is not a program "
                f"this user may run; {INSTALL_HINT}"
            )
        raise DependencyMissingError(f"{purpose} needs LibreOffice, which was not found; {INSTALL_HINT}")
    return program


def convert(
    source: str | Path, out_dir: str | Path, target_format: str, *, timeout: float = DEFAULT_TIMEOUT
) -> Path:
    """Convert ``source`` with LibreOffice into ``out_dir`` (formulas recalculated first).

    The conversion runs in a private folder and the result is then moved into
    ``out_dir``, so a source inside ``out_dir`` is never overwritten half-way.

    Args:
        source: the file to convert.
        out_dir: the folder for the result, created when missing.
        target_format: LibreOffice's ``--convert-to`` argument, e.g. ``xlsx`` or ``pdf``.
        timeout: seconds before LibreOffice is stopped.

    Returns:
        ``out_dir / <stem>.<extension>``.

    Raises:
        DependencyMissingError: LibreOffice is not installed.
        ConversionError: the file is missing, or LibreOffice failed or timed out.
    """
    return convert_many([source], out_dir, target_format, timeout=timeout)[0]


def convert_many(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    target_format: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Path]:
    """Convert several files with one start of LibreOffice; see :func:`convert`.

    Returns:
        ``out_dir / <stem>.<extension>`` for each source, in the order given.

    Raises:
        DependencyMissingError: LibreOffice is not installed.
        ConversionError: a file is missing, two share a name, or LibreOffice failed or timed out.
    """
    program = require_soffice(f"converting to {target_format}")
    resolved = [Path(source).resolve() for source in sources]
    for source in resolved:
        if not source.is_file():
            raise ConversionError(f"{source} does not exist or is not a file; check the path")
    stems = [source.stem for source in resolved]
    if len(set(stems)) != len(stems):
        raise ConversionError(f"the files to convert must have different names, got {', '.join(stems)}")
    extension = target_format.split(":", 1)[0]
    destinations = [Path(out_dir) / f"{stem}.{extension}" for stem in stems]
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with temp_dir("convert") as work:
        produced = _run_chunked(program, resolved, Path(work), target_format, extension, timeout)
        failed = [str(source) for source, made in zip(resolved, produced, strict=True) if made is None]
        if produced.error or failed:
            names = ", ".join(failed) or ", ".join(map(str, resolved))
            raise ConversionError(
                produced.error or f"LibreOffice could not convert {names} to {target_format}"
            )
        for made, destination in zip(produced, destinations, strict=True):
            shutil.move(made, destination)  # type: ignore[arg-type]  # none is None: checked above
    return destinations


class Produced(list[Path | None]):
    """What one LibreOffice run made: a file or None per source, and why the run failed, if it did."""

    def __init__(self, files: Sequence[Path | None], error: str = "", *, hung: bool = False) -> None:
        """Keep the files in the sources' order, LibreOffice's message, and whether it stopped answering."""
        super().__init__(files)
        self.error = error
        self.hung = hung


def _run(
    program: str, sources: list[Path], work: Path, target_format: str, extension: str, timeout: float
) -> Produced:
    """Run one LibreOffice conversion of ``sources`` into ``work``; see :func:`convert_into`."""
    produced = [work / f"{source.stem}.{extension}" for source in sources]
    # LibreOffice's own temporary files (lu*.tmp) go in the private folder too, so they are
    # removed with it whatever ends the run (a Ctrl-C, SIGTERM, a timeout, kill -9 of this process).
    scratch = work / ".tmp"
    scratch.mkdir(exist_ok=True)
    with _lock:
        profile = _shared_profile()
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            target_format,
            "--outdir",
            str(work),
            *map(str, sources),
        ]
        names = ", ".join(str(source) for source in sources)
        stdout, stderr, returncode, hung = _execute(
            command, timeout, scratch, lambda: sum(p.is_file() for p in produced)
        )
    files = [made if made.is_file() and (not hung or _complete(made)) else None for made in produced]
    if hung:
        pending = ", ".join(str(source) for source, made in zip(sources, files, strict=True) if made is None)
        error = f"LibreOffice took longer than {timeout:g} seconds to convert {pending} and was stopped"
        return Produced(files, error, hung=True)
    failed = [str(source) for source, made in zip(sources, files, strict=True) if made is None]
    if returncode != 0 or failed:
        output = _messages(f"{stderr}\n{stdout}")
        error = (
            f"LibreOffice could not convert {', '.join(failed) or names} to {target_format} "
            f"(exit code {returncode}): {output}"
        )
        return Produced(files, error)
    return Produced(files)


def convert_into(sources: Sequence[Path], work: Path, target_format: str, *, timeout: float) -> Produced:
    """Convert ``sources`` into the folder ``work`` with one start of LibreOffice, keeping what it made.

    ``timeout`` is the longest LibreOffice may go without finishing a file: a run of many
    files is stopped one timeout after its last progress, not after a timeout per file.

    Returns:
        A file or None for each source; ``error`` says why a file is missing, ``hung`` that
        LibreOffice stopped answering (a later call would most likely hang too).

    Raises:
        DependencyMissingError: LibreOffice is not installed or cannot be started.
    """
    program = require_soffice(f"converting to {target_format}")
    extension = target_format.split(":", 1)[0]
    return _run_chunked(
        program, [Path(s).resolve() for s in sources], work, target_format, extension, timeout
    )


#: Characters of file names one LibreOffice start is given. Past about 19,000 (246 names of 80
#: characters) LibreOffice converts the first files, silently drops the rest and exits 0, so a
#: longer list is converted in several starts (tests/test_libreoffice.py holds the bound).
MAX_NAMES_CHARS = 8_000


def _chunks(sources: list[Path]) -> list[list[Path]]:
    """The sources in runs whose names add up to at most ``MAX_NAMES_CHARS`` (at least one each)."""
    runs: list[list[Path]] = [[]]
    size = 0
    for source in sources:
        length = len(str(source)) + 1
        if runs[-1] and size + length > MAX_NAMES_CHARS:
            runs.append([])
            size = 0
        runs[-1].append(source)
        size += length
    return runs


def _run_chunked(
    program: str, sources: list[Path], work: Path, target_format: str, extension: str, timeout: float
) -> Produced:
    """``_run`` over runs of sources short enough for one LibreOffice start; a hang stops the rest."""
    files: list[Path | None] = []
    errors: list[str] = []
    for run in _chunks(sources):
        produced = _run(program, run, work, target_format, extension, timeout)
        files += produced
        if produced.error:
            errors.append(produced.error)
        if produced.hung:  # not asked again: the files of the later runs are not made
            files += [None] * (len(sources) - len(files))
            return Produced(files, "; ".join(errors), hung=True)
    return Produced(files, "; ".join(errors))


def _complete(path: Path) -> bool:
    """Whether a file LibreOffice wrote before it hung is whole (a PDF ends with its %%EOF marker)."""
    if path.suffix.lower() != ".pdf":
        return False
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - 64))
        return b"%%EOF" in stream.read()


def _messages(output: str) -> str:
    """LibreOffice's output on one line, without the Java launcher noise it prints on every run."""
    lines = [line.strip() for line in output.splitlines()]
    kept = [line for line in lines if line and "javaldx" not in line]
    return "; ".join(kept) or "no output"


#: How often (seconds) a running conversion is checked for progress.
_POLL = 0.5

# The LibreOffice processes this process started and that still run: stop_all() ends them.
_running: set[subprocess.Popen[str]] = set()


def _execute(
    command: list[str], timeout: float, scratch: Path, progress: Callable[[], int]
) -> tuple[str, str, int, bool]:
    """Run LibreOffice; stop it when ``progress()`` (files done) has not grown for ``timeout`` seconds.

    Returns:
        Its output, exit status, and whether it was stopped for making no progress.
    """
    environment = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
    try:
        # A new session (process group) lets a timeout stop soffice.bin too, not just the wrapper script.
        process = subprocess.Popen(  # noqa: S603 - the program is LibreOffice, the arguments are ours
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            start_new_session=sys.platform != "win32",
        )
    except OSError as exc:  # not a program (no #! line, a folder), or not allowed to run
        raise DependencyMissingError(
            f"LibreOffice ({command[0]}) could not be started: {exc.strerror or exc}; {INSTALL_HINT}"
        ) from exc
    _running.add(process)
    with process:
        try:
            return (*_wait(process, timeout, progress), False)
        except subprocess.TimeoutExpired:
            _kill(process)
            stdout, stderr = process.communicate()
            return stdout, stderr, process.returncode, True
        finally:
            # Ctrl-C or SIGTERM: LibreOffice runs in a session of its own, so it must be stopped here.
            _kill(process)
            _running.discard(process)


def _wait(
    process: subprocess.Popen[str], timeout: float, progress: Callable[[], int]
) -> tuple[str, str, int]:
    """Wait for LibreOffice to end, for as long as it makes a file at least every ``timeout`` seconds."""
    done, last = progress(), time.monotonic()
    while True:
        try:
            stdout, stderr = process.communicate(timeout=min(_POLL, timeout))
        except subprocess.TimeoutExpired:
            now = progress()
            if now > done:
                done, last = now, time.monotonic()
            elif time.monotonic() - last >= timeout:
                raise
            continue
        return stdout, stderr, process.returncode


def stop_all() -> bool:
    """Stop every LibreOffice this process started and that still runs (a batch worker told to end).

    Returns:
        Whether one was running.
    """
    running = list(_running)
    for process in running:
        _kill(process)
    return bool(running)


def _kill(process: subprocess.Popen[str]) -> None:
    if sys.platform == "win32":
        with contextlib.suppress(OSError):
            process.kill()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _shared_profile() -> Path:
    """The process's LibreOffice profile, made (with recalculation forced) on first use."""
    global _profile  # noqa: PLW0603 - one profile per process is the point: its first start is the slow one
    if _profile is None or not _profile.is_dir():
        root = make_temp_dir("lo")
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        user = root / "profile" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_RECALC_SETTINGS, encoding="utf-8")
        _profile = root / "profile"
    return _profile

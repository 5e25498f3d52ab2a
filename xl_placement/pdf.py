"""Export a workbook to PDF through LibreOffice headless.

The PDF shows freshly recalculated values (the conversion uses LibreOffice's
always-recalculate profile, see ``xl_placement.libreoffice``), and it is
saved like every other output: atomically, never over an existing file unless asked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from xl_placement.errors import OutputError, OutputExistsError
from xl_placement.libreoffice import DEFAULT_TIMEOUT, convert, convert_into, require_soffice
from xl_placement.output import temp_dir, write_atomic


def export_pdf(
    xlsx_path: str | Path,
    pdf_path: str | Path | None = None,
    *,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Render a workbook as a PDF, one page per sheet as its print setup says.

    Args:
        xlsx_path: the workbook to render.
        pdf_path: where to save the PDF; defaults to the workbook's path with ``.pdf``.
        force: replace an existing PDF (otherwise an existing file is an error).
        timeout: seconds before LibreOffice is stopped.

    Returns:
        The path of the PDF written.

    Raises:
        DependencyMissingError: LibreOffice is not installed (the message says how to install it).
        OutputExistsError: the PDF exists and ``force`` is false.
        ConversionError: LibreOffice could not read or render the workbook.
        OutputError: the PDF could not be saved; any previous file is unchanged.
    """
    source = Path(xlsx_path)
    target = Path(pdf_path) if pdf_path is not None else source.with_suffix(".pdf")
    require_soffice("PDF export")
    if target.exists() and not force:
        # Checked before the conversion too, so the user hears it at once, not after LibreOffice ran.
        raise OutputExistsError(f"{target} already exists; it was not replaced")
    with temp_dir("pdf") as work:
        rendered = convert(source, work, "pdf", timeout=timeout)
        data = rendered.read_bytes()
    return write_atomic(target, data, force=force)


def pdf_bytes(workbook: bytes, name: str, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Render a workbook given as bytes to a PDF's bytes; nothing is written outside a private temporary folder.

    Lets a caller write a report and its PDF together, all or nothing.

    Args:
        workbook: the ``.xlsx`` bytes.
        name: the workbook's file name (LibreOffice names the PDF after it).
        timeout: seconds before LibreOffice is stopped.

    Raises:
        DependencyMissingError: LibreOffice is not installed.
        ConversionError: LibreOffice could not read or render the workbook.
    """
    require_soffice("PDF export")
    with temp_dir("pdf") as work:
        source = Path(work) / "in" / Path(name).name
        source.parent.mkdir()
        source.write_bytes(workbook)
        return convert(source, Path(work) / "out", "pdf", timeout=timeout).read_bytes()


def export_pdfs(
    xlsx_paths: Sequence[Path],
    *,
    workers: int = 1,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    initializer: Callable[[], None] | None = None,
) -> dict[Path, str]:
    """Render many workbooks to PDFs beside them (``report.xlsx`` -> ``report.pdf``).

    LibreOffice's start is most of a conversion's time, so each worker starts it once
    and converts its share of the files in one call; the workers run side by side.

    Args:
        xlsx_paths: the workbooks; their names must differ (a batch's reports do).
        workers: LibreOffice processes to run at once.
        force: replace existing PDFs (otherwise an existing PDF is that workbook's error).
        timeout: seconds per workbook before a worker's LibreOffice is stopped.
        initializer: run at the start of each worker process (the batch ignores Ctrl-C there).

    Returns:
        The workbooks whose PDF could not be made, each with the reason; empty when all were.

    Raises:
        DependencyMissingError: LibreOffice is not installed.
    """
    require_soffice("PDF export")
    paths = list(xlsx_paths)
    count = max(1, min(workers, len(paths)))
    shares = [paths[i::count] for i in range(count)]
    if count == 1:
        return _export_share(paths, force, timeout)
    failed: dict[Path, str] = {}
    # Imported here: the process pool's modules cost about 20 ms of every cold start otherwise.
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    pool = ProcessPoolExecutor(max_workers=count, initializer=initializer)
    try:
        for result in pool.map(_export_share_in_worker, shares, [force] * count, [timeout] * count):
            failed.update(result)
    except BaseException:
        # Ctrl-C, SIGTERM: the workers end now (each stops its LibreOffice as it ends), not
        # after their conversions; their PDFs are written atomically, so none is left half-made.
        for process in list(pool._processes.values()):  # the pool has no public way to stop its workers
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return failed


def _export_share_in_worker(paths: list[Path], force: bool, timeout: float) -> dict[Path, str]:
    """_export_share in a worker process: told to end (SystemExit), it cleans up, then ends at once.

    Ending through the pool's own clean-up would wait to send a result nobody reads.
    """
    try:
        return _export_share(paths, force, timeout)
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)


def _export_share(paths: list[Path], force: bool, timeout: float) -> dict[Path, str]:
    """One worker's share: one LibreOffice run for all, then one by one if that run failed."""
    failed: dict[Path, str] = {}
    todo = []
    for path in paths:
        if path.with_suffix(".pdf").exists() and not force:
            failed[path] = f"{path.with_suffix('.pdf')} already exists; use --force to replace it"
        else:
            todo.append(path)
    if not todo:
        return failed
    with temp_dir("pdfs") as work:
        for path, made in _render(todo, Path(work), timeout, failed).items():
            try:
                write_atomic(path.with_suffix(".pdf"), made.read_bytes(), force=force)
            except OutputError as exc:
                failed[path] = str(exc)
    return failed


def _render(todo: list[Path], work: Path, timeout: float, failed: dict[Path, str]) -> dict[Path, Path]:
    """The PDFs of ``todo`` in ``work``: all in one run, then those it missed one by one.

    Once LibreOffice hangs (makes no file for ``timeout`` seconds), it is not asked again:
    the PDFs not made by then are failed with the reason, within one timeout.
    """
    produced = convert_into(todo, work, "pdf", timeout=timeout)
    made = {path: pdf for path, pdf in zip(todo, produced, strict=True) if pdf is not None}
    hung, reason = produced.hung, produced.error
    for path in todo:
        if path in made:
            continue
        if not hung:
            single = convert_into([path], work, "pdf", timeout=timeout)
            if single[0] is not None:
                made[path] = single[0]
                continue
            hung, reason = single.hung, single.error
            failed[path] = reason
            continue
        failed[path] = f"{reason}; LibreOffice stopped answering, so it was not asked again for this report"
    return made

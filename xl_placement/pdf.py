"""Export a workbook to PDF through LibreOffice headless.

The PDF shows freshly recalculated values (the conversion uses LibreOffice's
always-recalculate profile, see ``xl_placement.libreoffice``), and it is
saved like every other output: atomically, never over an existing file unless asked.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from xl_placement.errors import OutputExistsError
from xl_placement.libreoffice import DEFAULT_TIMEOUT, convert, require_soffice
from xl_placement.output import write_atomic


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
    with tempfile.TemporaryDirectory(prefix="xl-placement-pdf-") as work:
        rendered = convert(source, work, "pdf", timeout=timeout)
        data = rendered.read_bytes()
    return write_atomic(target, data, force=force)

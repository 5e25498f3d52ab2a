"""The xl-placement command line: build, check, batch and init.

Start-up stays light: what is imported here, `import xl_placement` has loaded already
(or it is the small summary and grid modules ``check`` prints); a command that needs
more imports it when it runs (openpyxl for a report, the batch, the workbook builder).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import textwrap
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xl_placement
from xl_placement import api
from xl_placement._lean import import_openpyxl_without_numpy
from xl_placement.api import figure_rows, grid_records
from xl_placement.checks import FAILED, INCOMPLETE, OUTCOMES
from xl_placement.errors import (
    MISSING,
    ConversionError,
    DealError,
    DependencyMissingError,
    InputError,
    OutputError,
    OutputExistsError,
    PlacementError,
    Terminated,
)
from xl_placement.grid import pricing_grid
from xl_placement.libreoffice import require_soffice
from xl_placement.money import in_context
from xl_placement.output import check_target, write_all, write_atomic
from xl_placement.pdf import pdf_bytes
from xl_placement.summary import grid_lines, stated_line, summary_lines

if TYPE_CHECKING:
    from decimal import Decimal
    from types import FrameType

    from xl_placement.batch import Outcome
    from xl_placement.checks import CheckReport
    from xl_placement.deal import Deal
    from xl_placement.figures import Figures
    from xl_placement.precedents import Selection

EXIT_OK = 0
EXIT_FAILED = 1  # a check failed (check), a deal failed (batch)
EXIT_BAD_INPUT = 2  # bad deal file, batch row, workbook or argument (argparse uses 2 as well)
EXIT_OUTPUT = 3  # the output exists, is open in another program, or cannot be written
EXIT_MISSING = 4  # a program the command needs is not installed (LibreOffice for --pdf)
EXIT_INTERNAL = 70  # a bug: please report it with the --debug output
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

# Added by the command line to "already exists" messages: the library's messages name no flags.
FORCE_HINT = " (use --force to replace it, or choose another output path)"

DEFAULT_OUT_DIR = Path("out")
DEFAULT_INIT_PATH = Path("deal.toml")

EXIT_STATUS_HELP = """\
exit status:
  0  success (check: passed, or incomplete without --strict)
  1  check: failed (a listing-rule breach or a stated figure that differs),
     or incomplete with --strict (a rule could not be evaluated for want of data);
     batch: at least one deal got no report (the others are still built)
  2  bad input: a deal file, batch row, workbook or argument (the message names it)
  3  output not written: the file exists (use --force), is open in another
     program, or the folder cannot be written; any previous file is unchanged
  4  a required program is missing (LibreOffice for --pdf)
 70  internal error (a bug): rerun with --debug and report the traceback
130  interrupted (Ctrl-C); the files written so far are complete
143  stopped by SIGTERM; the files written so far are complete"""


class _Version(argparse.Action):
    """``--version``: the version read when asked for, not at every start (see ``xl_placement.__getattr__``)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:  # noqa: ARG002 - argparse passes it; nothing is stored
        super().__init__(
            option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, help=help
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        sys.stdout.write(
            f"{parser.prog} {xl_placement.__version__}\n"
        )  # on standard output, as argparse's own
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback of an error (for bug reports)",
    )
    parser = argparse.ArgumentParser(
        prog="xl-placement",
        description=_wrap(
            "Analyse an equity placing: discount, dilution, proceeds, use of proceeds and "
            "listing-rule checks, as a report workbook, from a deal file (TOML or JSON) or a workbook."
        ),
        epilog=EXIT_STATUS_HELP + "\n\nRun 'xl-placement COMMAND --help' for a command's options.",
        formatter_class=formatter,
        parents=[debug],
    )
    parser.add_argument("--version", action=_Version, help="show the program's version number and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser(
        "build",
        parents=[debug],
        formatter_class=formatter,
        help="build a deal's report workbook (and PDF) and print its summary",
        description=_wrap(
            "Build the report workbook of one deal and print its key figures and check results."
        ),
        epilog="example:\n  xl-placement build examples/sensetime.toml -o out/sensetime.xlsx --force\n\n"
        + EXIT_STATUS_HELP,
    )
    build.add_argument(
        "deal", metavar="DEAL", help="deal file (.toml/.json) or workbook with an Inputs sheet (.xlsx/.xlsm)"
    )
    build.add_argument(
        "-o",
        "--output",
        metavar="OUT.xlsx",
        type=Path,
        help=f"report file to write (default: {DEFAULT_OUT_DIR}/<DEAL name>.xlsx in the current folder)",
    )
    build.add_argument(
        "--pdf", action="store_true", help="also write a PDF beside the report (needs LibreOffice)"
    )
    build.add_argument("--force", action="store_true", help="replace existing output files (atomically)")
    _precedent_options(build)
    _prices_option(build)
    build.set_defaults(run=_build)

    check = commands.add_parser(
        "check",
        parents=[debug],
        formatter_class=formatter,
        help="validate a deal, run the listing-rule checks and compare stated figures; writes nothing",
        description=_wrap(
            "Validate a deal, run the listing-rule checks, compare the stated figures with the "
            "computed ones and print the announcement sentences. No file is written."
        ),
        epilog="example:\n  xl-placement check examples/sensetime.toml --json\n\n" + EXIT_STATUS_HELP,
    )
    check.add_argument(
        "deal", metavar="DEAL", help="deal file (.toml/.json) or workbook with an Inputs sheet (.xlsx/.xlsm)"
    )
    check.add_argument(
        "--json",
        action="store_true",
        help="print machine-readable results (numbers as exact decimal strings)",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when the checks are incomplete (a rule could not be evaluated for want of data)",
    )
    _prices_option(check)
    check.set_defaults(run=_check)

    batch = commands.add_parser(
        "batch",
        parents=[debug],
        formatter_class=formatter,
        help="build reports for many deals (a CSV table or a folder of deal files) in parallel",
        description=_wrap(
            "Build one report per deal, in parallel, plus summary.xlsx and summary.csv listing "
            "every deal's key figures, status and error. A bad row is reported with its row number and "
            "does not stop the others. CSV columns are dotted field paths (issuer.name, placing.price, "
            "proceeds.uses.0.share, ...); an empty cell is an absent field."
        ),
        epilog="example:\n  xl-placement batch examples/deals.csv --out-dir out/batch --workers 4\n\n"
        + EXIT_STATUS_HELP,
    )
    batch.add_argument(
        "input", metavar="INPUT", help="a .csv file (one deal a row) or a folder of .toml/.json deal files"
    )
    batch.add_argument(
        "--out-dir",
        required=True,
        metavar="DIR",
        type=Path,
        help="folder for the reports and summaries (created if missing)",
    )
    batch.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="processes to run at once (default: one per CPU core)",
    )
    batch.add_argument(
        "--pdf",
        action="store_true",
        help="also render each report as a PDF beside it (needs LibreOffice; one LibreOffice run per worker)",
    )
    batch.add_argument("--force", action="store_true", help="replace existing reports, PDFs and summaries")
    _precedent_options(batch)
    _prices_option(batch)
    batch.set_defaults(run=_batch)

    init = commands.add_parser(
        "init",
        parents=[debug],
        formatter_class=formatter,
        help="write a commented example deal file to start from",
        description=_wrap("Write a commented example deal file (the demo deal, every field explained)."),
        epilog="example:\n  xl-placement init my-deal.toml\n\n" + EXIT_STATUS_HELP,
    )
    init.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=DEFAULT_INIT_PATH,
        metavar="PATH",
        help=f"the .toml file to write, or a folder to write {DEFAULT_INIT_PATH} into (default: {DEFAULT_INIT_PATH})",
    )
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(run=_init)

    imports = commands.add_parser(
        "import",
        parents=[debug],
        formatter_class=formatter,
        help="write a deal file from a placing announcement (text, HTML or PDF)",
        description=_wrap(
            "Read a placing announcement and write a deal file with every value it states, each under "
            "a comment quoting its sentence, its published figures under [stated], and a comment for "
            "each field not found. Nothing is derived or guessed."
        ),
        epilog="example:\n  xl-placement import announcement.pdf -o deal.toml\n\n" + EXIT_STATUS_HELP,
    )
    imports.add_argument("announcement", metavar="FILE", help="the announcement: .txt, .html or .pdf")
    imports.add_argument(
        "-o",
        "--output",
        metavar="DEAL.toml",
        type=Path,
        help="the deal file to write (default: FILE's name with .toml, in the current folder)",
    )
    imports.add_argument("--force", action="store_true", help="replace an existing deal file (atomically)")
    imports.set_defaults(run=_import)

    workbook = commands.add_parser(
        "workbook",
        parents=[debug],
        formatter_class=formatter,
        help="write placement.xlsm, the macro workbook with the Inputs sheet and the Build report button",
        description="Write the macro-enabled deal workbook (the Inputs sheet, the Build report button and "
        "xlwings' settings), filled in with the demo deal or with DEAL. Any file name works: the button "
        "runs the Python module 'placement' whatever the workbook is called.",
        epilog='example:\n  xl-placement workbook -o "Project Falcon.xlsm" --name "Project Falcon"\n\n'
        + EXIT_STATUS_HELP,
    )
    workbook.add_argument(
        "-o",
        "--output",
        metavar="OUT.xlsm",
        type=Path,
        default=Path("placement.xlsm"),
        help="the .xlsm file to write (default: placement.xlsm)",
    )
    workbook.add_argument("--name", metavar="TITLE", help="title at the top of the Inputs sheet")
    workbook.add_argument(
        "--deal", metavar="DEAL", help="fill in this deal (.toml/.json) instead of the demo deal"
    )
    workbook.add_argument("--force", action="store_true", help="replace an existing file (atomically)")
    workbook.add_argument(
        "--vba-docs",
        metavar="DIR",
        type=Path,
        help="also write each VBA module's source to DIR, for review (the project keeps them in docs/vba)",
    )
    workbook.set_defaults(run=_workbook)
    return parser


def _prices_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--prices",
        metavar="FILE",
        type=Path,
        help="price-history CSV (Bloomberg, LSEG, Yahoo, Investing.com, HKEX, SGX or Date,Close) "
        "for the market history; replaces the deal file's market.history_file",
    )


def _precedent_options(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("precedents (a Precedents sheet in each report)")
    group.add_argument(
        "--precedents",
        metavar="FILE",
        help="comparable placings: a precedents .csv, a batch's summary.csv or a folder of deal files",
    )
    group.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="keep precedents dated on or after this day (undated ones are left out)",
    )
    group.add_argument("--exchange", metavar="NAME", help="keep precedents on this exchange (e.g. HKEX)")
    group.add_argument(
        "--until",
        metavar="YYYY-MM-DD",
        help="keep precedents dated before this day, instead of before the deal's own date (the default "
        "cut-off: agreement, else announcement, else market data date)",
    )


def _load_precedents(args: argparse.Namespace, deal: Deal | None = None) -> Selection | None:
    """The precedents the options ask for (without ``deal`` itself), read and checked before anything is written."""
    if args.precedents is None:
        if args.since is not None or args.exchange is not None or args.until is not None:
            raise InputError("--since, --exchange and --until filter precedents; give --precedents FILE too")
        return None
    from xl_placement.precedents import load_precedents  # noqa: PLC0415 - light start-up

    return load_precedents(
        args.precedents, since=args.since, exchange=args.exchange, until=args.until, deal=deal
    )


def _wrap(text: str) -> str:
    """Wrap a description to the terminal width argparse would use (Raw formatters do not wrap)."""
    return textwrap.fill(text, width=min(shutil.get_terminal_size().columns - 2, 100))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {text!r}")
    return value


# --- the commands ----------------------------------------------------------------


def _lean_openpyxl(args: argparse.Namespace) -> None:
    """Before a command that reads or writes a workbook: openpyxl without NumPy, in a process of its own.

    Only those commands load openpyxl at all; ``check`` of a deal file never does.
    """
    if getattr(args, "own_process", False):
        import_openpyxl_without_numpy()


def _build(args: argparse.Namespace) -> int:
    _lean_openpyxl(args)

    out = api.report_path(args.output or DEFAULT_OUT_DIR / f"{Path(args.deal).stem}.xlsx", "-o")
    if Path(args.deal).exists() and out.exists() and out.resolve() == Path(args.deal).resolve():
        raise InputError(f"-o {out}: that is the deal itself; choose another output file")
    pdf = out.with_suffix(".pdf")
    if args.pdf:
        require_soffice("--pdf")  # before anything is written: all outputs or none
        if pdf.exists() and not args.force:
            raise OutputExistsError(f"{pdf} already exists; it was not replaced")

    deal = api.load_deal(args.deal, args.prices)
    figures = api.compute(deal)  # computed and checked once: the summary and the report share them
    checks = api.check_deal(figures)
    precedents = _load_precedents(args, deal)
    check_target(out, force=args.force)  # say "exists" or "open in Excel" before rendering
    from xl_placement.report import render_report  # noqa: PLC0415 - openpyxl only for a report

    data = render_report(figures, checks, precedents=precedents)
    if args.pdf:
        written, pdf_written = _write_with_pdf(data, out, pdf, force=args.force)
    else:
        written = write_atomic(out, data, force=args.force)
    _print_summary(figures, checks)
    if precedents is not None:
        _out(
            f"precedents: {len(precedents.rows)} of {precedents.read} from {precedents.path} "
            f"(filters: {precedents.filters})"
        )
    _out(f"report: {written}")
    if args.pdf:
        _out(f"pdf: {pdf_written}")
    return EXIT_OK


def _write_with_pdf(data: bytes, out: Path, pdf: Path, *, force: bool) -> tuple[Path, ...]:
    """The report and its PDF, both or neither: the PDF is rendered before either is written."""
    try:
        rendered = pdf_bytes(data, out.name)
    except ConversionError as exc:
        raise OutputError(f"neither {out} nor {pdf} was written: {exc}") from exc
    return write_all([(out, data), (pdf, rendered)], force=force)


def _check(args: argparse.Namespace) -> int:

    if Path(args.deal).suffix.lower() in api.WORKBOOK_SUFFIXES:
        _lean_openpyxl(args)

    try:
        deal = api.load_deal(args.deal, args.prices)
        figures = api.compute(deal)
    except InputError as exc:
        if args.json:
            _print_json(_invalid_json(args.deal, exc))
        raise
    checks = api.check_deal(figures)
    if args.json:
        _print_json(_check_json(figures, checks))
    else:
        _print_summary(figures, checks)
        _out("\n".join(grid_lines(figures)))
        if checks.sentences:
            _out("announcement wording:")
            for sentence in checks.sentences:
                _out(f"  {sentence}")
        _out(checks.verdict)

    if checks.outcome == FAILED or (checks.outcome == INCOMPLETE and args.strict):
        return EXIT_FAILED
    return EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    _lean_openpyxl(args)
    from xl_placement.batch import ERROR, ProgressBar, run_batch  # noqa: PLC0415 - light start-up

    bar = ProgressBar(sys.stderr)
    debug = getattr(args, "debug", False)

    def progress(outcome: Outcome, done: int, total: int) -> None:
        if outcome.status == ERROR:
            bar.clear()
            lines = outcome.error.splitlines()
            for index, line in enumerate(lines, start=1):
                _err(f"error: {line}{FORCE_HINT if outcome.exists and index == len(lines) else ''}")
            if debug and outcome.trace:
                _err(outcome.trace)
        bar(outcome, done, total)

    precedents = _load_precedents(args)
    result = run_batch(
        args.input,
        args.out_dir,
        workers=args.workers,
        force=args.force,
        progress=progress,
        precedents=precedents,
        pdf=args.pdf,
        prices=args.prices,
    )
    counts = {status: sum(o.status == status for o in result.outcomes) for status in (*OUTCOMES, ERROR)}
    _out(
        f"{len(result.outcomes)} deals: "
        + ", ".join(f"{counts[status]} {status}" for status in OUTCOMES)
        + f", {counts[ERROR]} not built (error)"
    )
    for path in result.summaries:
        _out(f"summary: {path}")
    return EXIT_FAILED if result.errors else EXIT_OK


def _workbook(args: argparse.Namespace) -> int:
    _lean_openpyxl(args)
    from xl_placement.workbook import build_workbook  # noqa: PLC0415 - light start-up

    deal = api.load_deal(args.deal) if args.deal else None
    _out(f"workbook: {build_workbook(args.output, args.name, force=args.force, deal=deal)}")
    if args.vba_docs is not None:
        from xl_placement.vba import build_vba_project, write_module_sources  # noqa: PLC0415 - light start-up

        for path in write_module_sources(build_vba_project(), args.vba_docs):
            _out(f"vba: {path}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from xl_placement.announcement import import_announcement  # noqa: PLC0415 - light start-up
    from xl_placement.output import write_atomic  # noqa: PLC0415 - light start-up

    source = Path(args.announcement)
    out: Path = args.output if args.output is not None else Path(source.stem + ".toml")
    if out.suffix.lower() != ".toml":
        raise InputError(f"-o {out}: the deal file is TOML; give a name ending in .toml")
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise InputError(f"-o {out}: that is the announcement itself; choose another output file")
    imported = import_announcement(source)
    write_atomic(out, imported.text.encode("utf-8"), force=args.force)
    found = imported.extracted
    stated = sum(key.startswith("stated.") for key in found.values)
    _out(
        f"wrote {out}: {len(found.values) - stated} values, {stated} stated figures, "
        f"{len(found.uses)} uses of proceeds; {len(found.missing)} fields not found (listed in the file)"
    )
    for problem in imported.problems:
        _out(f"  to complete: {problem}")
    _out(f"next: read it against the announcement, then run 'xl-placement check {out}'")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from importlib.resources import files  # noqa: PLC0415 - light start-up

    path: Path = args.path
    if path.is_dir():
        path = path / DEFAULT_INIT_PATH
    if path.suffix.lower() != ".toml":
        raise InputError(f"{path}: the example is a TOML deal file; give a name ending in .toml")
    example = files("xl_placement").joinpath("data/example-deal.toml").read_bytes()
    write_atomic(path, example, force=args.force)
    _out(f"wrote {path}")
    _out(f"next: edit it, then run 'xl-placement check {path}' and 'xl-placement build {path}'")
    return EXIT_OK


# --- printing --------------------------------------------------------------------


def _print_summary(figures: Figures, checks: CheckReport) -> None:

    _out("\n".join(summary_lines(figures)))
    from xl_placement.pricefile import describe_lines  # noqa: PLC0415 - light start-up

    for line in describe_lines(figures.deal):
        _out(line)
    for rule in checks.rules:
        detail = f" ({rule.detail})" if rule.detail else ""
        _out(f"  [{rule.status}] {rule.rule} {rule.title}{detail}")

    for stated in checks.stated:
        _out(f"  {stated_line(stated)}")


def _check_json(figures: Figures, checks: CheckReport) -> dict[str, Any]:
    from xl_placement import precedents, pricefile  # noqa: PLC0415 - only check --json needs them

    grid = pricing_grid(figures)

    return {
        "deal": figures.deal.source,
        "status": checks.outcome,
        "passed": checks.passed,
        "verdict": checks.verdict,
        "incomplete": list(checks.gaps),
        "figures": {
            row.key: {
                "label": row.label,
                "value": row.value,
                "unit": row.unit,
                "group": row.group,
                **({"note": row.note} if row.note else {}),
            }
            for row in figure_rows(figures)
        },
        "timetable": [
            {"key": e.key, "label": e.label, "date": e.when, "note": e.note} for e in figures.timetable
        ],
        "costs_items": [{"name": i.name, "amount": i.amount} for i in figures.deal.costs.items],
        "precedents_cut_off": precedents.deal_cut_off(figures.deal)[1],
        "grid": {
            "rule": grid.rule.title,
            "rule_status": grid.rule.status,
            "problem": grid.problem,
            "rows": grid_records(figures),
        },
        "rules": [asdict(rule) for rule in checks.rules],
        "stated": [asdict(stated) | {"matches": stated.matches} for stated in checks.stated],
        "sentences": list(checks.sentences),
        "prices": pricefile.describe(figures.deal),
    }


def _invalid_json(deal: str, exc: InputError) -> dict[str, Any]:
    if isinstance(exc, DealError):
        problems = [
            {"path": p.path, "value": None if p.value is MISSING else str(p.value), "expected": p.expected}
            for p in exc.problems
        ]
    else:
        problems = [{"path": "", "value": None, "expected": str(exc)}]
    return {"deal": deal, "status": "invalid", "passed": False, "problems": problems}


def _print_json(data: dict[str, Any]) -> None:

    _out(json.dumps(_readable(data), indent=2, ensure_ascii=False, default=_json_value))


JSON_DIGITS = 12  # significant digits of a number in the JSON; the exact value beside it when longer


def _long(value: Decimal) -> bool:
    """A ratio's digits (more than ``JSON_DIGITS`` and beyond 4 decimal places); an amount to the cent is not."""
    if not value.is_finite():
        return False
    _, digits, exponent = value.as_tuple()
    return isinstance(exponent, int) and exponent < -4 and len(digits) > JSON_DIGITS


def _readable(data: object) -> object:
    """Each Decimal of more than ``JSON_DIGITS`` significant digits rounded, its exact value kept beside it.

    ``"value": "0.0861244019139"`` and ``"exact": "0.086124401913875598..."``; another key ``k``
    gets ``k_exact``. Shorter numbers (prices, share counts, amounts to the cent) stay as they are.
    """
    from decimal import ROUND_HALF_UP, Decimal  # noqa: PLC0415 - light start-up

    if isinstance(data, list | tuple):
        return [_readable(item) for item in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, object] = {}
    for key, value in data.items():
        if isinstance(value, Decimal) and _long(value):
            unit = Decimal(1).scaleb(value.adjusted() - JSON_DIGITS + 1)
            out[key] = format(value.quantize(unit, rounding=ROUND_HALF_UP).normalize(), "f")
            out["exact" if key == "value" else f"{key}_exact"] = str(value)
        else:
            out[key] = _readable(value)
    return out


def _json_value(value: object) -> str:
    """Decimals (and dates) as exact strings: 0.08612440191387559808612440191 stays exact."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


# --- running ---------------------------------------------------------------------


def _out(text: str) -> None:
    sys.stdout.write(f"{text}\n")


def _err(text: str) -> None:
    sys.stderr.write(f"{text}\n")


def _tolerant_streams() -> None:
    """Text a console cannot show (a Chinese issuer name on a cp1252 console) is escaped, not fatal."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point standard output at the null device so the final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass
    finally:
        os.close(devnull)


def _report_error(exc: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    lines = (str(exc) or type(exc).__name__).splitlines()
    if isinstance(exc, OutputExistsError):
        # The library says what happened; the command line names its own flag.
        lines[-1] += FORCE_HINT
    for line in lines:
        _err(f"error: {line}")


# The signals received: whatever fails after one (a library left half-imported by the
# interrupt, say) is the signal's doing and is reported as the signal, not as a bug.
_signals_received: list[int] = []


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:

    _signals_received.append(signum)
    signal.default_int_handler(signum, frame)


def _raise_terminated(signum: int, _frame: object) -> None:
    _signals_received.append(signum)
    raise Terminated


def _handle_signals() -> None:
    """Ctrl-C raises KeyboardInterrupt and SIGTERM raises Terminated, so clean-up code runs for both."""
    signal.signal(signal.SIGINT, _raise_interrupted)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _raise_terminated)


def _report_signal(signum: int) -> int:

    return report_interrupt(KeyboardInterrupt() if signum == signal.SIGINT else Terminated())


def report_interrupt(exc: KeyboardInterrupt) -> int:
    """Say that the run was stopped and return 130 (Ctrl-C) or 143 (SIGTERM)."""
    what = "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
    _err(f"error: {what}; the files written so far are complete, none was left half-written")
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


_EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InputError, EXIT_BAD_INPUT),
    (OutputError, EXIT_OUTPUT),
    (DependencyMissingError, EXIT_MISSING),
    (PlacementError, EXIT_INTERNAL),  # TemplateError: a broken installation
)


@in_context
def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one exit status per kind of end
    """Run the command line.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status (see ``xl-placement --help``).
    """
    _tolerant_streams()
    debug = argv is not None and "--debug" in argv
    try:
        if argv is None:  # a real command line, in a process of its own
            _handle_signals()
        args = _parser().parse_args(argv)
        args.own_process = argv is None  # openpyxl without NumPy, for the commands that load it
        debug = getattr(args, "debug", False)
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except BrokenPipeError:
        # The reader went away (`xl-placement check deal.toml | head -1`): not an error worth a message.
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt as exc:
        return report_interrupt(exc)
    except PlacementError as exc:
        _report_error(exc, debug)
        return next(code for kind, code in _EXIT_CODES if isinstance(exc, kind))
    except OSError as exc:  # the system refused a path (a name too long, a loop of links): not a bug
        if debug:
            _report_error(exc, debug)
        _err(f"error: cannot use {exc.filename or 'a path'}: {exc.strerror or exc}; nothing was written")
        return EXIT_OUTPUT
    except Exception as exc:  # noqa: BLE001 - a bug still gets a one-line message, not a traceback
        if _signals_received:  # a failure caused by a Ctrl-C or SIGTERM that landed inside a library
            return _report_signal(_signals_received[0])
        _report_error(exc, debug)
        _err(f"error: internal error ({type(exc).__name__}); rerun with --debug and report the traceback")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The README and the documentation site (docs/*.md) say what the code does, and every example runs as written.

Shell examples run through the command line in-process, Python examples with ``exec``, both
in a scratch folder laid out like the repository root, never in the repository itself.
Set-up commands that cannot run inside a test (``make``, ``pip``) are checked against the
Makefile and pyproject.toml instead.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import excel_reference
import pytest

from xl_placement import cli, load_deal
from xl_placement.batch import parse_header, row_mapping
from xl_placement.dealfile import deal_from_mapping

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BENCH_RUNNER = (ROOT / "benchmarks" / "run.py").read_text(encoding="utf-8")
CLI_PAGE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
README_LINES_MAX = 250


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def code_blocks(source: str, language: str) -> list[str]:
    """The fenced code blocks of one language, indented ones (inside a list item) included."""
    blocks = re.findall(rf"^( *)```{language}\n(.*?)^\1```", source, flags=re.DOTALL | re.MULTILINE)
    return [re.sub(rf"^{indent}", "", body, flags=re.MULTILINE) for indent, body in blocks]


def shell_lines(page: Path) -> list[list[str]]:
    """Every command of the page's ``sh`` blocks, split as a shell would (comments dropped)."""
    return [
        argv
        for block in code_blocks(text(page), "sh")
        for line in block.splitlines()
        if (argv := shlex.split(line, comments=True))
    ]


def all_commands() -> list[tuple[str, list[str]]]:
    return [(page.relative_to(ROOT).as_posix(), argv) for page in PAGES for argv in shell_lines(page)]


def xl_commands(*, pdf: bool) -> list[tuple[str, list[str]]]:
    return [(p, a) for p, a in all_commands() if a[0] == "xl-placement" and ("--pdf" in a) == pdf]


@pytest.fixture
def repo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch folder laid out like the repository root, made the current folder."""
    for folder in ("examples", "templates", "scripts"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "functions.md", tmp_path / "docs" / "functions.md")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_readme_is_short_and_links_into_the_site() -> None:
    """The README is at most 250 lines, and its relative links point at files that exist."""
    readme = text(ROOT / "README.md")
    assert len(readme.splitlines()) <= README_LINES_MAX
    links = re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", readme)
    assert sum(link.startswith("docs/") for link in links) >= 10
    for link in links:
        assert (ROOT / link).exists(), link


def test_readme_names_the_prerequisites_and_the_quick_start() -> None:
    """The quick start gives the two commands and every prerequisite the issue lists."""
    readme = text(ROOT / "README.md")
    for needed in (
        "make report",
        "make test",
        "Python 3.11",
        "LibreOffice",
        "Node.js",
        "pip install '.[excel]'",
    ):
        assert needed in readme, needed
    for step in ("xl-placement init", "xl-placement check", "xl-placement build", "**Open it**"):
        assert step in readme, step


def test_every_page_is_in_the_site_navigation() -> None:
    """Each Markdown page under docs/ is listed in mkdocs.yml's nav, so none is orphaned."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    for page in (ROOT / "docs").rglob("*.md"):
        assert page.relative_to(ROOT / "docs").as_posix() in nav, page


def test_every_shell_line_is_a_command_the_tests_know() -> None:
    """Each shell example is run below (xl-placement, python -m xl_placement, python scripts/) or checked as set-up (make, pip)."""
    commands = all_commands()
    assert len(commands) >= 20
    targets = set(re.findall(r"^([\w-]+):", MAKEFILE, flags=re.MULTILINE))
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    for page, argv in commands:
        if argv[0] == "xl-placement" or _python_example(argv):
            continue
        if argv[0] == "make":
            for word in argv[1:]:
                name, equals, _ = word.partition("=")
                assert name in targets or (equals and re.search(rf"\$\({name}\)", MAKEFILE)), (page, argv)
                for option in re.findall(r"--[\w-]+", word.partition("=")[2]):
                    assert f'"{option}"' in BENCH_RUNNER, (page, option)  # BENCH= goes to benchmarks/run.py
            continue
        pip = argv[1:] if argv[0] == "pip" else argv[3:] if argv[:3] == ["python", "-m", "pip"] else None
        assert pip is not None, f"{page}: no test runs or checks {shlex.join(argv)}"
        assert pip[0] in {"install", "wheel"}, (page, argv)
        for spec in pip[1:]:
            if spec.startswith(".["):
                assert set(spec[2:-1].split(",")) <= extras, (page, spec)


def test_command_examples_run_as_written(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every xl-placement example in the README and the site exits 0 without a traceback, in page order."""
    commands = xl_commands(pdf=False)
    assert len(commands) >= 15
    for page, argv in commands:
        code, out, err = run_cli(argv[1:], capsys)
        assert code == 0, f"{page}: {shlex.join(argv)}\n{out}\n{err}"
        assert "Traceback" not in err
    for written in (
        "my-deal.toml",
        "out/my-deal.xlsx",
        "out/sensetime.xlsx",
        "out/batch/summary.csv",
        "out/batch/row2-0020.xlsx",
        "out/examples/sensetime.xlsx",
        "out/examples/summary.xlsx",
        "out/byd.xlsm",
        "falcon.toml",
        "Project Falcon.xlsm",
    ):
        assert (repo_copy / written).is_file(), written


@pytest.mark.libreoffice
def test_pdf_examples_run_as_written(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The --pdf examples write the report and its PDF beside it."""
    commands = xl_commands(pdf=True)
    assert commands
    for page, argv in commands:
        code, out, err = run_cli(argv[1:], capsys)
        assert code == 0, f"{page}: {shlex.join(argv)}\n{out}\n{err}"
    assert (repo_copy / "out" / "byd.pdf").read_bytes().startswith(b"%PDF")


def _python_example(argv: list[str]) -> bool:
    """``python -m xl_placement...`` or ``python scripts/...`` (the docs generators)."""
    module = argv[:2] == ["python", "-m"] and argv[2].startswith("xl_placement.")
    script = argv[0] == "python" and len(argv) > 1 and argv[1].startswith("scripts/")
    return module or script


def test_python_module_examples_run_as_written(repo_copy: Path) -> None:
    """``python -m xl_placement...`` and ``python scripts/...`` examples run; regenerating the functions page changes nothing."""
    commands = [a for _, a in all_commands() if _python_example(a)]
    assert commands
    before = (repo_copy / "docs" / "functions.md").read_bytes()
    for argv in commands:
        subprocess.run([sys.executable, *argv[1:]], cwd=repo_copy, check=True, capture_output=True)
    assert (repo_copy / "docs" / "functions.md").read_bytes() == before


PYTHON_EXAMPLES = [
    pytest.param(page, index, block, id=f"{page.relative_to(ROOT).as_posix()}-{index}")
    for page in PAGES
    for index, block in enumerate(code_blocks(text(page), "python"))
]


@pytest.mark.parametrize(("page", "index", "block"), PYTHON_EXAMPLES)
def test_python_example_runs_and_prints_what_its_comments_say(
    page: Path, index: int, block: str, repo_copy: Path
) -> None:
    """A Python example runs; each ``print(...)  # shown`` prints that line (``...``: a line starting so)."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(block, f"{page.name} example {index}", "exec"), {"__name__": "__docs__"})  # noqa: S102
    printed = output.getvalue().splitlines()
    for shown in re.findall(r"^\s*print\(.*\)  # (.+)$", block, flags=re.MULTILINE):
        if shown.endswith(" ..."):
            assert any(line.startswith(shown[:-4]) for line in printed), (shown, printed)
        else:
            assert shown in printed, (shown, printed)
    for path in re.findall(r'"(out/[^"]+\.xlsx)"', block):
        assert (repo_copy / path).is_file(), path


def test_python_examples_are_found() -> None:
    """The README, the report, the API and the batch examples are among the ones run."""
    pages = {p.name for p, *_ in (param.values for param in PYTHON_EXAMPLES)}
    assert {"README.md", "report.md", "api.md"} <= pages
    assert len(PYTHON_EXAMPLES) >= 5


def test_restyled_template_example_changes_the_report(repo_copy: Path) -> None:
    """The restyling example's font reaches the built report, at the cell the defined name points to."""
    import openpyxl  # noqa: PLC0415

    (block,) = [b for b in code_blocks(text(ROOT / "docs" / "report.md"), "python") if "my-template" in b]
    exec(compile(block, "report.md", "exec"), {"__name__": "__docs__"})  # noqa: S102
    report = openpyxl.load_workbook(repo_copy / "out" / "restyled.xlsx")
    sheet, cell = next(iter(report.defined_names["IssuerName"].destinations))
    assert report[sheet][cell].font.name == "Georgia"
    assert report[sheet][cell].value == "SenseTime Group Inc."


# --- the command-line page against the parser ------------------------------------------


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings}


def _command_section(command: str) -> str:
    start = CLI_PAGE.index(f"\n## `xl-placement {command}")
    end = CLI_PAGE.find("\n## ", start + 1)
    return CLI_PAGE[start : end if end != -1 else None]


def _documented_options(section: str) -> set[str]:
    spans = re.findall(r"`([^`\n]+)`", section)
    return {o for span in spans for o in re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", span)}


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_cli_page_documents_each_option_of_each_command_and_no_other(command: str) -> None:
    """A command's section names every option its parser has and none it does not have."""
    parser = _subparsers()[command]
    common = {"-h", "--help", "--debug"}
    options = _options(parser) - common
    section = _command_section(command)
    documented = _documented_options(section)
    assert options <= documented, options - documented
    assert documented - common <= options, (documented - common) - options
    positionals = [a.metavar or a.dest for a in parser._actions if not a.option_strings]
    heading = section.splitlines()[1]
    for name in positionals:
        assert str(name).upper() in heading, (name, heading)


def test_cli_page_documents_the_commands_and_exit_statuses_there_are() -> None:
    """Every command has a section, no section names a command that does not exist, and the exit table is complete."""
    commands = set(_subparsers())
    sections = set(re.findall(r"^## `xl-placement (\w+)", CLI_PAGE, flags=re.MULTILINE))
    assert sections == commands
    mentioned = set(re.findall(r"(?<![\w-])xl-placement (\w+)", CLI_PAGE))
    assert mentioned <= commands | {"DEAL"}, mentioned - commands
    top = _options(cli._parser())
    for option in top:
        assert re.search(rf"`[^`]*(?<![\w-]){re.escape(option)}(?![\w-])[^`]*`", CLI_PAGE), option
    statuses = {v for n, v in vars(cli).items() if n.startswith("EXIT_") and isinstance(v, int)}
    table = {int(s) for s in re.findall(r"^\| (\d+) \|", CLI_PAGE, flags=re.MULTILINE)}
    assert table == statuses


def test_readme_names_every_command() -> None:
    """The README's command-line paragraph names every command the parser has."""
    readme = text(ROOT / "README.md")
    section = readme[readme.index("## Command line and Python API") :]
    for command in _subparsers():
        assert f"`{command}`" in section, command


# --- the Excel functions page, generated from the functions' own metadata ----------------


def test_functions_page_blocks_are_what_the_metadata_generates() -> None:
    """Each generated block of docs/functions.md is current, and every Excel function has one, in source order."""
    page = text(ROOT / "docs" / "functions.md")
    assert excel_reference.documented(page) == [f.name for f in excel_reference.functions()]
    for function in excel_reference.functions():
        assert f"| [`{function.name}`](#{function.name.lower()}) |" in page  # the overview table
    assert excel_reference.update(page) == page, (
        "docs/functions.md is out of date: python scripts/excel_reference.py docs/functions.md"
    )


def test_functions_page_refuses_a_block_for_a_function_that_does_not_exist() -> None:
    """A generated block naming an unknown function is an error, not silently kept."""
    stale = "<!-- function:NO_SUCH:begin -->\nold\n<!-- function:NO_SUCH:end -->"
    with pytest.raises(KeyError, match="NO_SUCH"):
        excel_reference.update(stale)


def test_functions_reference_reads_signature_and_help() -> None:
    """The generated signature brackets optional arguments and the help is the decorator's doc text."""
    (discount,) = [f for f in excel_reference.functions() if f.name == "PLACEMENT_DISCOUNT"]
    assert discount.signature == "PLACEMENT_DISCOUNT(price, reference, [days], [dates])"
    assert discount.arguments[0].help == "Placing price per share, e.g. 1.91."
    assert discount.description.startswith("Discount of the placing price")


# --- the example deals ------------------------------------------------------------------


@pytest.mark.parametrize(("row", "name"), [(1, "sensetime"), (2, "byd")])
def test_deals_csv_holds_the_two_example_deal_files(row: int, name: str) -> None:
    """Each row of examples/deals.csv is the same deal as its examples/*.toml file, field for field."""
    lines = (ROOT / "examples" / "deals.csv").read_text(encoding="utf-8").splitlines()
    import csv  # noqa: PLC0415

    header, *rows = list(csv.reader(lines))
    assert len(rows) == 2
    from_csv = deal_from_mapping(row_mapping(parse_header(header), rows[row - 1]))
    from_toml = load_deal(ROOT / "examples" / f"{name}.toml")
    assert dataclasses.replace(from_csv, source=from_toml.source) == from_toml


def test_demo_deal_summary_is_what_the_core_computes() -> None:
    """The README's and the getting-started page's one-line summary of the demo deal are its computed figures."""
    from decimal import Decimal  # noqa: PLC0415

    from xl_placement import compute  # noqa: PLC0415
    from xl_placement.api import figure_rows  # noqa: PLC0415

    rows = {r.key: r.value for r in figure_rows(compute(load_deal(ROOT / "examples" / "sensetime.toml")))}
    discount, enlarged = rows["discount_to_last_close"], rows["percent_of_enlarged"]
    gross, quote = rows["gross_proceeds"], rows["gross_proceeds_quote"]
    assert isinstance(discount, Decimal)
    assert isinstance(enlarged, Decimal)
    assert isinstance(gross, Decimal)
    assert isinstance(quote, Decimal)
    summary = (
        f"{round(discount * 100, 2)}%",
        f"HK${round(gross / 1_000_000):,}m",
        f"US${round(quote / 1_000_000, 1)}m",
        f"{round(enlarged * 100, 4)}% of",
    )
    assert summary == ("8.61%", "HK$3,247m", "US$415.2m", "4.0357% of")
    for page in (ROOT / "README.md", ROOT / "docs" / "getting-started.md"):
        flat = " ".join(text(page).split())
        for part in summary:
            assert part in flat, (page.name, part)

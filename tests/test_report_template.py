"""The report template: reproducible, and refused before anything is written when it lacks what the generator needs."""

from __future__ import annotations

import importlib.util
import io
import os
from pathlib import Path

import openpyxl
import pytest
from report_support import EXAMPLES, ROOT, figures_of

from xl_placement import build_report, load_deal
from xl_placement.errors import TemplateError
from xl_placement.report import DEFAULT_TEMPLATE, REQUIRED_NAMES, render_report

SKIP = {"node_modules", "out", "site", "build", "dist", "__pycache__"}  # installed or built, never committed


def _make_template_module():
    spec = importlib.util.spec_from_file_location("make_template", ROOT / "templates" / "make_template.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _edited_template(tmp_path: Path, edit) -> Path:
    book = openpyxl.load_workbook(io.BytesIO(DEFAULT_TEMPLATE.read_bytes()))
    edit(book)
    path = tmp_path / "template.xlsx"
    book.save(path)
    return path


def test_committed_template_is_what_make_template_builds():
    """xl_placement/data/report.xlsx is byte-identical to a fresh run of templates/make_template.py (reproducible, up to date).

    The template is committed, not built by the wheel build, because the package reads it in
    place (editable installs, Pyodide's unpacked package) and users restyle a copy of it.
    """
    assert _make_template_module().build() == DEFAULT_TEMPLATE.read_bytes()


def test_the_template_is_package_data_with_one_copy():
    """The default template is read through importlib.resources from the package; no second copy is committed."""
    assert Path(str(DEFAULT_TEMPLATE)) == ROOT / "xl_placement" / "data" / "report.xlsx"
    copies = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in SKIP]
        copies += [Path(folder, name).relative_to(ROOT).as_posix() for name in files if name == "report.xlsx"]
    assert copies == ["xl_placement/data/report.xlsx"]


def test_template_defines_every_required_name():
    """Every name the generator fills is defined in the committed template."""
    book = openpyxl.load_workbook(io.BytesIO(DEFAULT_TEMPLATE.read_bytes()))
    assert set(REQUIRED_NAMES) <= set(book.defined_names)


def test_missing_names_are_refused_before_anything_is_written(tmp_path):
    """A template without Price and UseRow is refused with both names, and no output file appears."""

    def drop(book):
        del book.defined_names["Price"]
        del book.defined_names["UseRow"]

    template = _edited_template(tmp_path, drop)
    target = tmp_path / "report.xlsx"
    with pytest.raises(TemplateError, match=r"Price, .*UseRow|UseRow.*Price") as error:
        build_report(load_deal(EXAMPLES / "sensetime.toml"), target, template=template)
    assert "Name Manager" in str(error.value)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [template]


def test_missing_sheet_is_refused(tmp_path):
    """A template without the Checks sheet is refused, naming the sheet."""
    template = _edited_template(tmp_path, lambda book: book.remove(book["Checks"]))
    with pytest.raises(TemplateError, match="Checks"):
        render_report(figures_of("sensetime"), template=template)


def test_unknown_placeholder_is_refused(tmp_path):
    """A placeholder the generator cannot fill is an error naming it and its cell, not output."""

    def add(book):
        book["Deal sheet"]["B40"] = "Prepared by {{banker}}"

    template = _edited_template(tmp_path, add)
    with pytest.raises(TemplateError, match=r"\{\{banker\}\} in 'Deal sheet'!B40"):
        render_report(figures_of("sensetime"), template=template)


def test_known_placeholders_in_a_restyled_template_are_filled(tmp_path):
    """A user's own text with {{issuer}} and {{currency}} is filled; nothing like {{ remains."""

    def add(book):
        book["Deal sheet"]["K40"] = "Prepared for {{issuer}} in {{currency}}"

    template = _edited_template(tmp_path, add)
    book = openpyxl.load_workbook(io.BytesIO(render_report(figures_of("sensetime"), template=template)))
    assert book["Deal sheet"]["K40"].value == "Prepared for SenseTime Group Inc. in HKD"
    leftovers = [c.coordinate for s in book for r in s.iter_rows() for c in r if "{{" in str(c.value or "")]
    assert leftovers == []


def test_missing_template_file_is_a_clear_error(tmp_path):
    """A template path that does not exist gives a TemplateError naming it."""
    with pytest.raises(TemplateError, match="not found"):
        render_report(figures_of("sensetime"), template=tmp_path / "nope.xlsx")


def test_not_a_workbook_is_a_clear_error(tmp_path):
    """A template that is not an xlsx file gives a TemplateError, not a traceback from openpyxl."""
    path = tmp_path / "template.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(TemplateError, match="cannot be read"):
        render_report(figures_of("sensetime"), template=path)


def test_name_pointing_nowhere_is_refused(tmp_path):
    """A name whose sheet was deleted (a #REF! name) is refused by name."""

    def break_name(book):
        book.defined_names["Gross"].attr_text = "#REF!"

    template = _edited_template(tmp_path, break_name)
    with pytest.raises(TemplateError, match="Gross"):
        render_report(figures_of("sensetime"), template=template)


def test_restyled_template_keeps_its_styles(tmp_path):
    """A user's restyling (a new fill on the gross proceeds label) survives into the report."""

    def restyle(book):
        book["Deal sheet"]["G6"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFFFF00")

    template = _edited_template(tmp_path, restyle)
    book = openpyxl.load_workbook(io.BytesIO(render_report(figures_of("sensetime"), template=template)))
    assert book["Deal sheet"]["G6"].fill.fgColor.rgb == "FFFFFF00"


def test_a_formula_added_to_the_template_survives(tmp_path):
    """A banker's own formula in the template stays a formula in the report (Excel calculates it on opening)."""

    def add(book):
        book["Deal sheet"]["K40"] = "=Gross/1000000"

    template = _edited_template(tmp_path, add)
    data = render_report(figures_of("sensetime"), template=template)
    assert openpyxl.load_workbook(io.BytesIO(data))["Deal sheet"]["K40"].value == "=Gross/1000000"

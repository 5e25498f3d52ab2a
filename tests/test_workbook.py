"""placement.xlsm is built, not hand-edited: the committed file is what the builder makes, laid out from fields.py."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xl_placement import cli, load_deal, parsers
from xl_placement import fields as f
from xl_placement.deal import Use
from xl_placement.errors import InputError, OutputExistsError
from xl_placement.inputs import TABLE_ROWS, deal_from_workbook, defined_name
from xl_placement.workbook import CHOICES, build_workbook, input_cells, workbook_bytes

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "placement.xlsm"
VOLATILE = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


@pytest.fixture(scope="module")
def built() -> bytes:
    return workbook_bytes()


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(COMMITTED, keep_vba=False)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_committed_workbook_matches_the_builder(built):
    """Every part of the committed placement.xlsm equals the builder's (dates normalised; VBA byte for byte)."""
    committed, fresh = _parts(COMMITTED.read_bytes()), _parts(built)
    assert sorted(committed) == sorted(fresh)
    assert committed["xl/vbaProject.bin"] == fresh["xl/vbaProject.bin"]
    for name in fresh:
        assert VOLATILE.sub(b"", committed[name]) == VOLATILE.sub(b"", fresh[name]), name


def test_builder_output_is_deterministic(built):
    """Two builds give the same bytes (fixed document dates, fixed zip timestamps)."""
    assert workbook_bytes() == built


def test_every_deal_file_field_has_a_named_input_cell(book):
    """Each field of fields.py's sections and tables (and each stated key) has a defined name on Inputs."""
    names = set(book.defined_names)
    paths = [cell.path for cells in input_cells().values() for cell in cells]
    for section, specs in f.SECTIONS.items():
        for spec in specs:
            prefix = f"{section}.{spec.name.split('<N>')[0]}"
            assert any(path.startswith(prefix) for path in paths), spec.name
    for table, specs in f.TABLES.items():
        for spec in specs:
            assert defined_name(f"{table}.{spec.name}") in names
    for key in f.STATED_KEYS:
        assert any(path.startswith(f"stated.{key.split('<N>')[0]}") for path in paths), key
    for section, specs in f.REPORT_SECTIONS.items():
        for spec in specs:
            assert f"{section}.{spec.name}" in paths, spec.name
    for path in paths:
        name = defined_name(path)
        assert name in names, name
        sheet, ref = next(iter(book.defined_names[name].destinations))
        assert sheet == "Inputs"
        assert re.fullmatch(r"\$[A-Z]+\$\d+", ref)


def test_input_cells_are_blue_with_a_note_naming_unit_and_field(book):
    """Each named input cell has a blue font and a note giving the field's doc, unit and deal-file path."""
    sheet = book["Inputs"]
    for cells in input_cells().values():
        for cell in cells:
            _, ref = next(iter(book.defined_names[defined_name(cell.path)].destinations))
            target = sheet[ref.replace("$", "")]
            assert target.font.color.rgb == "FF0000FF", cell.path
            assert target.comment is not None, cell.path
            text = target.comment.text
            assert cell.doc in text
            assert f"Unit: {cell.unit}." in text
            assert cell.path in text


def test_list_cells_say_how_to_type_several_values(book):
    """The agents and illustrative cells say "separated by ;"; the illustrative note lists every accepted part."""
    sheet = book["Inputs"]

    def note(name):
        _, ref = next(iter(book.defined_names[name].destinations))
        return sheet[ref.replace("$", "")].comment.text

    assert "Unit: list, separated by ;." in note("placing_agents")
    text = note("report_illustrative")
    assert "Unit: list, separated by ;." in text
    parts = ("market prices", "liquidity", "timetable", "costs", "use of proceeds", "shareholders")
    assert "separated by ;: " + "; ".join(parts) + "." in text
    assert f.REPORT[-1].parse(list(parts)) == parts


def test_report_rows_come_after_every_deal_input(book):
    """The Report marking rows sit below the stated figures, so adding them moved none of the deal's cells."""
    rows = {}
    for cells in input_cells().values():
        for cell in cells:
            _, ref = next(iter(book.defined_names[defined_name(cell.path)].destinations))
            rows[cell.path] = int(re.sub(r"\D", "", ref))
    report = [row for path, row in rows.items() if path.startswith("report.")]
    others = [row for path, row in rows.items() if not path.startswith("report.")]
    assert len(report) == 6
    assert min(report) > max(others)


def test_tables_hold_the_documented_number_of_rows(book):
    """The history, uses, shareholders and itemised-costs tables span 60, 12, 12 and 8 rows, as docs/workbook.md says."""
    for table, specs in f.TABLES.items():
        for spec in specs:
            _, ref = next(iter(book.defined_names[defined_name(f"{table}.{spec.name}")].destinations))
            first, last = (int(n) for n in re.findall(r"\d+", ref))
            assert last - first + 1 == TABLE_ROWS[table]
    assert TABLE_ROWS == {"market.history": 60, "proceeds.uses": 12, "shareholders": 12, "costs.items": 8}


def test_every_choice_field_has_a_dropdown_with_exactly_the_accepted_values(book):
    """Each field whose unit is "choice" has a list dropdown whose options all parse, in the parser's spelling."""
    choice_paths = {
        f"{s}.{spec.name}" for s, specs in f.SECTIONS.items() for spec in specs if spec.unit == "choice"
    }
    assert choice_paths == set(CHOICES)
    sheet = book["Inputs"]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation if v.type == "list"}
    specs = {f"{s}.{spec.name}": spec for s, group in f.SECTIONS.items() for spec in group}
    for path, options in CHOICES.items():
        _, ref = next(iter(book.defined_names[defined_name(path)].destinations))
        validation = validations[ref.replace("$", "")]
        listed = validation.formula1.strip('"').split(",")
        assert listed == list(options)
        assert [specs[path].parse(option) for option in listed] == listed
        with pytest.raises(parsers.Invalid):
            specs[path].parse("none of these")


def test_opens_with_the_demo_deal(book):
    """The Inputs sheet opens with SenseTime's deal: 1.7bn shares at 1.91, last close 2.09, four uses."""

    def value(name):
        _, ref = next(iter(book.defined_names[name].destinations))
        return book["Inputs"][ref.replace("$", "")].value

    assert value("issuer_name") == "SenseTime Group Inc."
    assert value("issuer_stock_code") == "0020"
    assert value("placing_new_shares") == 1_700_000_000
    assert value("placing_price") == 1.91
    assert value("market_last_close") == 2.09
    assert value("stated_discount_to_last_close") == "8.6%"


def test_button_runs_the_build_report_macro():
    """The Inputs sheet has one form button, captioned "Build report", bound to BuildReport."""
    parts = _parts(COMMITTED.read_bytes())
    drawings = b"".join(body for name, body in parts.items() if name.endswith(".vml"))
    assert drawings.count(b'ObjectType="Button"') == 1
    assert b"<x:FmlaMacro>[0]!BuildReport</x:FmlaMacro>" in drawings
    assert b"Build report" in drawings


def test_xlwings_conf_sheet_points_functions_at_the_placement_module(book):
    """The xlwings.conf sheet sets UDF Modules to placement and keeps the workbook's folder off the import path."""
    sheet = book["xlwings.conf"]
    assert (sheet["A1"].value, sheet["B1"].value) == ("UDF Modules", "placement")
    assert (sheet["A2"].value, sheet["B2"].value) == ("ADD_WORKBOOK_TO_PYTHONPATH", "False")
    assert sheet["A3"].value is None  # xlwings reads settings down to the first empty cell


def test_function_cells_call_the_excel_functions(book):
    """Cells on the Inputs sheet call PLACEMENT_DISCOUNT, DILUTION and ALLOCATE_PROCEEDS on the named inputs."""
    formulas = [
        str(c.value.text if hasattr(c.value, "text") else c.value)
        for row in book["Inputs"].iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    text = "\n".join(formulas)
    assert "PLACEMENT_DISCOUNT(placing_price,market_last_close)" in text
    assert "DILUTION(placing_new_shares,placing_shares_outstanding)" in text
    assert "ALLOCATE_PROCEEDS(figures_allocation_base,uses_share,uses_name,proceeds_decimals)" in text


def test_no_activex_embeddings_external_links_or_macro_sheets():
    """The package holds no ActiveX controls, embedded objects, external links, macro sheets or dialog sheets."""
    parts = _parts(COMMITTED.read_bytes())
    forbidden = ("xl/activeX/", "xl/embeddings/", "xl/externalLinks/", "xl/macrosheets/", "xl/dialogsheets/")
    assert not [name for name in parts if name.startswith(forbidden)]
    types = parts["[Content_Types].xml"]
    for marker in (b"activeX", b"oleObject", b"externalLink", b"macrosheet", b"dialogsheet"):
        assert marker not in types
    for name, body in parts.items():
        if name.endswith(".rels"):
            assert b'TargetMode="External"' not in body, name


def test_build_workbook_refuses_to_overwrite_without_force(tmp_path):
    """An existing file is kept unless force is given; with force it is replaced by a workbook."""
    target = tmp_path / "Project Falcon.xlsm"
    target.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError):
        build_workbook(target)
    assert target.read_bytes() == b"keep me"
    build_workbook(target, name="Project Falcon", force=True)
    assert openpyxl.load_workbook(target)["Inputs"]["A1"].value == "Project Falcon"


def test_build_workbook_needs_an_xlsm_name(tmp_path):
    """A workbook with macros must be saved as .xlsm; another suffix is refused with the fix."""
    with pytest.raises(InputError, match=r"must end in \.xlsm"):
        build_workbook(tmp_path / "deal.xlsx")


def test_cli_workbook_command_writes_the_vba_sources_for_review(tmp_path, capsys):
    """``xl-placement workbook --vba-docs DIR`` (make workbook) also writes each VBA module, as docs/vba holds them."""
    target = tmp_path / "falcon.xlsm"
    assert cli.main(["workbook", "-o", str(target), "--vba-docs", str(tmp_path / "vba")]) == 0
    assert zipfile.is_zipfile(target)
    written = {path.name: path.read_text("utf-8") for path in (tmp_path / "vba").iterdir()}
    committed = {
        path.name: path.read_text("utf-8") for path in (ROOT / "docs" / "vba").glob("*.[bc][al][ss]")
    }
    assert written == committed
    assert f"vba: {tmp_path / 'vba' / 'Placement.bas'}" in capsys.readouterr().out.splitlines()


def test_cli_workbook_command_writes_a_workbook_prefilled_with_a_deal(tmp_path, capsys):
    """``xl-placement workbook -o PATH --deal byd.toml`` writes a workbook holding the BYD deal."""
    target = tmp_path / "Project Falcon.xlsm"
    status = cli.main(["workbook", "-o", str(target), "--deal", str(ROOT / "examples" / "byd.toml")])
    assert status == 0
    assert str(target) in capsys.readouterr().out
    assert deal_from_workbook(target).issuer.name == "BYD Company Limited"


def test_cli_workbook_command_keeps_an_existing_file(tmp_path, capsys):
    """Without --force an existing file is kept and the command exits 3 (output not written)."""
    target = tmp_path / "placement.xlsm"
    target.write_bytes(b"mine")
    assert cli.main(["workbook", "-o", str(target)]) == 3
    assert target.read_bytes() == b"mine"
    assert "already exists" in capsys.readouterr().err


def test_a_table_longer_than_the_sheet_is_refused(tmp_path):
    """A deal with 13 uses (the sheet holds 12) is refused with a message naming the table and the limit."""
    deal = load_deal(ROOT / "examples" / "sensetime.toml")
    uses = tuple(Use(f"use {i}", Decimal(1) / 13) for i in range(13))
    deal = dataclasses.replace(deal, proceeds=dataclasses.replace(deal.proceeds, uses=uses))
    with pytest.raises(InputError, match=r"proceeds\.uses has 13 rows; the workbook holds 12"):
        build_workbook(tmp_path / "long.xlsm", deal=deal)
    assert not (tmp_path / "long.xlsm").exists()

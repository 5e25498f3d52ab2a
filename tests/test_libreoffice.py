"""LibreOffice headless as the oracle: forced recalculation, error values, clear failures."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from lo_support import CellError, Session, formula_errors, in_session, recalculate, recalculate_many

from xl_placement import libreoffice
from xl_placement.errors import ConversionError, DependencyMissingError


def _stale_workbook(path: Path) -> Path:
    """A workbook whose formula cells carry deliberately wrong cached values."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Deal")
    sheet.write("A1", 2)
    sheet.write("A2", 3)
    sheet.write_formula("A3", "=A1+A2", None, 999)
    sheet.write_formula("A4", '=A1&"-"&A2', None, "stale")
    book.close()
    return path


def _error_workbook(path: Path) -> Path:
    """A workbook with one formula per common error value, cached as harmless zeros."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Errors")
    sheet.write("A1", 1)
    sheet.write_string("A2", "text")
    sheet.write_formula("B1", "=A1/0", None, 0)
    sheet.write_formula("B2", "=NOSUCHFUNCTION(A1)", None, 0)
    sheet.write_formula("B3", "=A1+A2", None, 0)
    sheet.write_formula("B4", "=A1*2", None, 0)
    sheet.write_string("C1", "#N/A")  # text that looks like an error stays text
    book.close()
    return path


@in_session
def _books(folder: Path) -> dict[str, bytes]:
    """The stale and the error workbooks, recalculated in the session's one LibreOffice run."""
    return {
        "stale.xlsx": _stale_workbook(folder / "stale.xlsx").read_bytes(),
        "errors.xlsx": _error_workbook(folder / "errors.xlsx").read_bytes(),
    }


@pytest.mark.libreoffice
def test_recalculate_replaces_stale_cached_values(tmp_path):
    """A formula whose cached value is deliberately stale comes back with the recalculated value."""
    source = _stale_workbook(tmp_path / "stale.xlsx")
    before = openpyxl.load_workbook(source, data_only=True)["Deal"]
    assert before["A3"].value == 999  # the premise: the file really carries the stale value

    result = recalculate(source, tmp_path / "out")

    assert result == tmp_path / "out" / "stale.xlsx"
    sheet = openpyxl.load_workbook(result, data_only=True)["Deal"]
    assert sheet["A3"].value == 5
    assert sheet["A4"].value == "2-3"


def test_recalculate_keeps_the_formulas(lo_session: Session):
    """The recalculated file still holds the formula, not just its value."""
    result = lo_session.results(_books)["stale.xlsx"].result
    assert openpyxl.load_workbook(result)["Deal"]["A3"].value == "=A1+A2"


@pytest.mark.libreoffice
def test_recalculate_into_the_source_folder_replaces_the_file_whole(tmp_path):
    """Writing the result over its own source yields the complete recalculated workbook."""
    source = _stale_workbook(tmp_path / "stale.xlsx")
    result = recalculate(source, tmp_path)
    assert result == source
    assert openpyxl.load_workbook(result, data_only=True)["Deal"]["A3"].value == 5


def test_formula_errors_lists_each_error_cell(lo_session: Session):
    """Division by zero, an unknown function and text in arithmetic are found; '#N/A' typed as text is not."""
    result = lo_session.results(_books)["errors.xlsx"].result
    found = {(error.cell, error.value) for error in formula_errors(result)}
    assert found == {("B1", "#DIV/0!"), ("B2", "#NAME?"), ("B3", "#VALUE!")}


def test_formula_errors_empty_for_a_clean_workbook(lo_session: Session):
    """A workbook whose formulas all calculate has no error cells."""
    result = lo_session.results(_books)["stale.xlsx"].result
    assert formula_errors(result) == []


def test_formula_errors_reports_libreoffice_err_codes(tmp_path):
    """LibreOffice's Err:NNN text is reported as an error, ordinary text is not."""
    path = tmp_path / "err.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet["A1"] = "Err:502"
    sheet["A2"] = "Err: not a code"
    book.save(path)
    assert formula_errors(path) == [CellError("S", "A1", "Err:502")]
    assert str(CellError("S", "A1", "Err:502")) == "'S'!A1 = Err:502"


@pytest.mark.libreoffice
def test_recalculate_many_converts_each_file_in_one_start(tmp_path):
    """Several workbooks recalculated in one batch each come back with their own right values."""
    sources = []
    for index in range(3):
        book = xlsxwriter.Workbook(str(tmp_path / f"deal{index}.xlsx"))
        sheet = book.add_worksheet("Deal")
        sheet.write("A1", index)
        sheet.write_formula("A2", "=A1*10", None, -1)
        book.close()
        sources.append(tmp_path / f"deal{index}.xlsx")
    results = recalculate_many(sources, tmp_path / "out")
    assert results == [tmp_path / "out" / f"deal{index}.xlsx" for index in range(3)]
    values = [openpyxl.load_workbook(result, data_only=True)["Deal"]["A2"].value for result in results]
    assert values == [0, 10, 20]


@pytest.mark.libreoffice
def test_recalculate_many_refuses_clashing_names(tmp_path):
    """Two files with the same name would overwrite each other's result, so the batch is refused."""
    first = _stale_workbook(tmp_path / "stale.xlsx")
    (tmp_path / "other").mkdir()
    second = _stale_workbook(tmp_path / "other" / "stale.xlsx")
    with pytest.raises(ConversionError, match=r"must have different names, got stale, stale"):
        recalculate_many([first, second], tmp_path / "out")


@pytest.mark.libreoffice
def test_repeat_conversions_reuse_the_warm_profile(tmp_path):
    """Later conversions in a session reuse one profile and do not pay the first-start cost again."""
    source = _stale_workbook(tmp_path / "stale.xlsx")
    recalculate(source, tmp_path / "warm")
    profile = libreoffice._shared_profile()
    started = time.perf_counter()
    recalculate(source, tmp_path / "again")
    elapsed = time.perf_counter() - started
    assert libreoffice._shared_profile() == profile
    assert (profile / "user" / "registrymodifications.xcu").is_file()
    assert elapsed < 30


def test_missing_soffice_gives_install_instructions(monkeypatch, tmp_path):
    """Without LibreOffice, recalculation fails with a message saying how to install it."""
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    with pytest.raises(DependencyMissingError, match=r"apt-get install libreoffice-calc-nogui"):
        recalculate(tmp_path / "any.xlsx", tmp_path)


@pytest.mark.libreoffice
def test_missing_source_file_is_a_clear_error(tmp_path):
    """A source path that does not exist is named in the error."""
    with pytest.raises(ConversionError, match=r"nothing\.xlsx does not exist"):
        recalculate(tmp_path / "nothing.xlsx", tmp_path / "out")


@pytest.mark.libreoffice
def test_unreadable_source_reports_libreoffice_output(tmp_path):
    """A file LibreOffice cannot load gives a ConversionError carrying LibreOffice's own message."""
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(
        ConversionError, match=r"could not convert .*bogus\.xlsx.*: Error: source file could not be loaded$"
    ):
        recalculate(bogus, tmp_path / "out")
    assert not (tmp_path / "out" / "bogus.xlsx").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in program is a shell script")
def test_timeout_stops_libreoffice(tmp_path, monkeypatch):
    """A conversion that exceeds its timeout is stopped and reported, naming the file."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(fake))
    source = _stale_workbook(tmp_path / "slow.xlsx")
    started = time.perf_counter()
    with pytest.raises(ConversionError, match=r"longer than 0.5 seconds .*slow\.xlsx"):
        recalculate(source, tmp_path / "out", timeout=0.5)
    assert time.perf_counter() - started < 10


def test_find_soffice_honours_the_environment_variable(monkeypatch, tmp_path):
    """XL_PLACEMENT_SOFFICE names the program when it is not on PATH."""
    fake = tmp_path / "my-soffice"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(fake))
    assert libreoffice.find_soffice() == str(fake)


@pytest.mark.libreoffice
def test_a_long_list_of_files_is_converted_whole(tmp_path):
    """60 workbooks whose names add up to about 25,000 characters all come back: one LibreOffice start
    silently drops the files past about 19,000 characters of names (and exits 0), so the list is split.

    Long names (over 400 characters each) reach that length with half the conversions of short ones.
    """
    folder = tmp_path / ("n" * 150)
    folder.mkdir()
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    sources = []
    for index in range(60):
        source = folder / f"{'b' * 200}{index:03}.xlsx"
        book.save(source)
        sources.append(source)
    assert sum(len(str(s.resolve())) + 1 for s in sources) > 20_000
    made = libreoffice.convert_many(sources, tmp_path / "out", "xlsx", timeout=120)
    assert [m.name for m in made] == [s.name for s in sources]
    assert all(m.is_file() for m in made)
    assert len(libreoffice._chunks([s.resolve() for s in sources])) >= 3

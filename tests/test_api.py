"""The Python API: a thin sorted public surface, deals from files, figures as a DataFrame."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import xl_placement
import xl_placement.report
from xl_placement import api, errors
from xl_placement.errors import DealError
from xl_placement.grid import pricing_grid

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "sensetime.toml"
BYD = ROOT / "examples" / "byd.toml"


def test_public_names_are_sorted_and_importable() -> None:
    """__all__ is sorted, every name in it exists, and the API functions are exported at the top."""
    assert xl_placement.__all__ == sorted(xl_placement.__all__)
    for name in xl_placement.__all__:
        assert hasattr(xl_placement, name), name
    for name in (
        "load_deal",
        "compute",
        "check_deal",
        "build_report",
        "figures_frame",
        "checks_frame",
        "export_pdf",
    ):
        assert getattr(xl_placement, name) is getattr(api, name)


def test_every_exception_class_lives_in_errors_and_is_exported() -> None:
    """Each public exception class of the package is defined in errors.py and importable from xl_placement."""
    defined = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == errors.__name__
    }
    assert {
        "ConversionError",
        "CostsExceedGrossError",
        "DependencyMissingError",
        "OutputExistsError",
    } <= defined
    for name in defined:
        assert getattr(xl_placement, name) is getattr(errors, name), name
    # No public exception class anywhere else in the package (private control-flow signals start with _
    # or never leave their module: parsers.Invalid becomes a Problem inside the deal-file reader).
    elsewhere = set()
    for info in pkgutil.walk_packages(xl_placement.__path__, "xl_placement."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
                and info.name != errors.__name__
                and not name.startswith("_")
                and name != "Invalid"
            ):
                elsewhere.add(f"{info.name}.{name}")
    assert elsewhere == set()


def test_one_build_report_for_the_package() -> None:
    """xl_placement.build_report is the only report builder: the report package renders bytes, nothing else saves."""
    assert not hasattr(xl_placement.report, "build_report")
    assert list(inspect.signature(xl_placement.build_report).parameters) == [
        "deal",
        "path",
        "template",
        "precedents",
        "force",
        "since",
        "exchange",
        "until",
    ]
    assert not hasattr(xl_placement.dealfile, "load_deal")  # one load_deal: xl_placement.load_deal


def test_library_messages_name_no_command_line_flags(tmp_path: Path) -> None:
    """An existing report refused by the library says what happened; the --force hint is the command line's."""
    deal = api.load_deal(DEMO)
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"keep")
    with pytest.raises(xl_placement.OutputExistsError) as caught:
        api.build_report(deal, target)
    assert str(caught.value) == f"{target} already exists; it was not replaced"
    assert target.read_bytes() == b"keep"


def test_load_deal_refuses_other_files(tmp_path: Path) -> None:
    """load_deal names the accepted kinds of file when given another."""
    path = tmp_path / "deal.csv"
    path.write_text("x")
    with pytest.raises(
        DealError,
        match=r"deal\.csv: file = 'deal\.csv': must be a \.toml or \.json deal file, or an \.xlsx/\.xlsm workbook",
    ):
        api.load_deal(path)


def test_figures_frame_matches_the_published_demo() -> None:
    """The DataFrame of the demo deal shows the announcement's 8.6%, 5.5%, 6.8%, 4.04% and HK$3,247m."""
    frame = xl_placement.figures_frame(xl_placement.compute(xl_placement.load_deal(DEMO)))
    assert list(frame.columns) == ["group", "label", "value", "exact", "unit", "note"]
    assert frame.index.name == "key"
    assert round(frame.loc["discount_to_last_close", "value"] * 100, 1) == 8.6
    assert round(frame.loc["discount_to_average_close_5d", "value"] * 100, 1) == 5.5
    assert round(frame.loc["discount_to_average_close_30d", "value"] * 100, 1) == 6.8
    assert round(frame.loc["percent_of_enlarged", "value"] * 100, 2) == 4.04
    assert frame.loc["gross_proceeds", "exact"] == Decimal(3_247_000_000)
    assert frame.loc["gross_proceeds", "unit"] == "HKD"
    assert round(frame.loc["gross_proceeds_quote", "value"] / 1e6, 1) == 415.2
    assert frame.loc["gross_proceeds_quote", "unit"] == "USD"
    uses = frame[frame["group"] == "use of proceeds"]
    assert uses["exact"].sum() == Decimal(3_247_000_000)  # the allocation adds up exactly
    assert list(uses["value"]) == [1_298_800_000, 974_100_000, 649_400_000, 324_700_000]


def test_figures_frame_for_byd() -> None:
    """BYD's published 7.8% discount, 4.46% of existing and 4.27% of enlarged come out of the frame."""
    frame = api.figures_frame(api.compute(api.load_deal(BYD)))
    assert round(frame.loc["discount_to_last_close", "value"] * 100, 1) == 7.8
    assert round(frame.loc["percent_of_existing", "value"] * 100, 2) == 4.46
    assert round(frame.loc["percent_of_enlarged", "value"] * 100, 2) == 4.27


def test_figure_rows_name_stated_keys() -> None:
    """Every [stated] key the demo deal uses is a row key of figure_rows, so stated and computed line up."""
    deal = api.load_deal(DEMO)
    keys = {row.key for row in api.figure_rows(api.compute(deal))}
    assert set(deal.stated) <= keys


def test_import_does_not_load_pandas() -> None:
    """import xl_placement stays light: pandas and openpyxl load only when a function needs them."""
    code = "import sys, xl_placement; print([m for m in ('pandas', 'openpyxl') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_checks_frame_for_the_demo_and_a_breach() -> None:
    """checks_frame lists every rule and stated figure with the outcome words; the demo is incomplete (no
    mandate limit), a HK$1.60 price breaches Rule 13.36(5) and fails."""
    deal = api.load_deal(DEMO)
    frame = xl_placement.checks_frame(api.check_deal(api.compute(deal)))
    assert list(frame.columns) == ["kind", "name", "title", "status", "outcome", "value", "detail"]
    assert frame.attrs["outcome"] == "incomplete"
    rules = frame[frame["kind"] == "rule"].set_index("name")
    assert rules.loc["HKEX Rule 13.36(5)", "status"] == "pass"
    assert rules.loc["HKEX Rule 13.36(5)", "outcome"] == "passed"
    assert rules.loc["HKEX Rule 13.36(2)(b)", "outcome"] == "incomplete"
    assert round(rules.loc["HKEX Rule 13.36(5)", "value"] * 100, 2) == 8.61
    stated = frame[frame["kind"] == "stated"]
    assert set(stated["name"]) == set(deal.stated)
    assert set(stated["status"]) == {"matches"}
    cheap = dataclasses.replace(deal, placing=dataclasses.replace(deal.placing, price=Decimal("1.60")))
    breach = api.checks_frame(api.check_deal(api.compute(cheap))).set_index("name")
    assert breach.loc["HKEX Rule 13.36(5)", "status"] == "breach"
    assert breach.loc["discount_to_last_close", "status"] == "differs"
    assert breach.loc["discount_to_last_close", "outcome"] == "failed"
    assert breach.attrs["outcome"] == "failed"


def test_grid_and_timetable_frames() -> None:
    """grid_frame has one row per grid price with exact values; timetable_frame lists every date."""
    figures = api.compute(api.load_deal(Path(__file__).resolve().parents[1] / "examples" / "sensetime.toml"))
    grid_frame, timetable_frame = xl_placement.grid_frame, xl_placement.timetable_frame
    grid = grid_frame(figures)
    assert len(grid) == len(pricing_grid(figures).rows)
    deal_row = grid[grid["is_deal"]].iloc[0]
    assert deal_row["price"] == Decimal("1.91")
    assert deal_row["gross_proceeds"] == Decimal("3247000000.00")
    assert deal_row["shares_needed"] == 1_700_000_000
    assert {"discount_to_last_close", "discount_to_benchmarked_price", "rule"} <= set(grid.columns)
    timetable = timetable_frame(figures)
    assert list(timetable["key"])[:3] == ["agreement_date", "announcement_date", "price_fixing_date"]
    frame = api.figures_frame(figures)
    # SenseTime names Class B but not how many of its shares are Class B: no market cap, and the row says why.
    assert frame.loc["market_cap", "exact"] is None
    assert "placing.class_shares_outstanding" in frame.loc["market_cap", "note"]

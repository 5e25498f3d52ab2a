"""The public functions say what is wrong with their arguments: never a raw error from deep inside.

Every function of ``xl_placement.__all__`` called with an argument of the wrong type raises a
TypeError naming the function, the argument and the expected type (or the project's own
error), and the API refuses what the command line refuses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import xl_placement as x
from xl_placement.errors import InputError

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sensetime.toml"
PRECEDENTS = EXAMPLE.with_name("precedents.csv")
DEAL = x.load_deal(EXAMPLE)
FIGURES = x.compute(DEAL)

# (call, argument named in the message): each gives a wrong type to one argument.
WRONG = {
    "check_deal(None)": (lambda: x.check_deal(None), "figures"),
    "compute(figures)": (lambda: x.compute(FIGURES), "deal"),
    "compute(path)": (lambda: x.compute(str(EXAMPLE)), "deal"),
    "load_deal(1)": (lambda: x.load_deal(1), "path"),
    "build_report(figures, path)": (lambda: x.build_report(FIGURES, "r.xlsx"), "deal"),
    "build_report(deal, 5)": (lambda: x.build_report(DEAL, 5), "path"),
    "build_report(force='yes')": (lambda: x.build_report(DEAL, "r.xlsx", force="yes"), "force"),
    "build_report(precedents=5)": (lambda: x.build_report(DEAL, "r.xlsx", precedents=5), "precedents"),
    "build_report(since=5)": (
        lambda: x.build_report(DEAL, "r.xlsx", precedents=PRECEDENTS, since=5),
        "since",
    ),
    "build_report(template=5)": (lambda: x.build_report(DEAL, "r.xlsx", template=5), "template"),
    "figures_frame(deal)": (lambda: x.figures_frame(DEAL), "figures"),
    "checks_frame(figures)": (lambda: x.checks_frame(FIGURES), "report"),
    "grid_frame(deal)": (lambda: x.grid_frame(DEAL), "figures"),
    "timetable_frame(None)": (lambda: x.timetable_frame(None), "figures"),
    "figure_rows(deal)": (lambda: x.figure_rows(DEAL), "figures"),
    "export_pdf(5)": (lambda: x.export_pdf(5), "xlsx_path"),
    "export_pdf(timeout='1')": (lambda: x.export_pdf("r.xlsx", timeout="1"), "timeout"),
    "load_precedents(5)": (lambda: x.load_precedents(5), "path"),
    "load_precedents(deal=figures)": (lambda: x.load_precedents(PRECEDENTS, deal=FIGURES), "deal"),
    "precedents_frame(None)": (lambda: x.precedents_frame(None), "path"),
    "discount('1', 2)": (lambda: x.discount("1", 2), "price"),
    "vwap(1, 2)": (lambda: x.vwap(1, 2), "prices"),
    "vwap(['1'], [2])": (lambda: x.vwap(["1"], [2]), "prices"),
    "average_close('123')": (lambda: x.average_close("123"), "closes"),
    "average_close(days='2')": (lambda: x.average_close([1, 2], days="2"), "days"),
    "allocate(100, 5)": (lambda: x.allocate(100, 5), "weights"),
    "allocate(decimals=1.5)": (lambda: x.allocate(100, [1], decimals=1.5), "decimals"),
    "allocate_proceeds(100, None)": (lambda: x.allocate_proceeds(100, None), "shares"),
    "round_half_up('1.5')": (lambda: x.round_half_up("1.5"), "value"),
    "dilution('1', 2)": (lambda: x.dilution("1", 2), "new_shares"),
    "dilution(basis=3)": (lambda: x.dilution(1, 2, basis=3), "basis"),
    "mandate_headroom('1', 2, 3)": (lambda: x.mandate_headroom("1", 2, 3), "mandate_limit"),
    "shareholding(5, 1, 1)": (lambda: x.shareholding(5, 1, 1), "holders"),
    "shareholding([('a', '1')], 1, 1)": (lambda: x.shareholding([("a", "1")], 1, 1), "holders"),
    "theoretical_diluted_price('1', 1, 1, 1)": (
        lambda: x.theoretical_diluted_price("1", 1, 1, 1),
        "benchmarked_price",
    ),
    "theoretical_dilution_effect(None, 1, 1, 1)": (
        lambda: x.theoretical_dilution_effect(None, 1, 1, 1),
        "benchmarked_price",
    ),
    "benchmark_window(5, today)": (lambda: x.benchmark_window(5, dt.date(2025, 1, 2)), "history"),
    "benchmark_window([], '2025-01-01')": (lambda: x.benchmark_window([], "2025-01-01"), "agreement_date"),
    "benchmarked_price(1, 5)": (lambda: x.benchmarked_price(1, 5), "prior_closes"),
    "proceeds('1', 1)": (lambda: x.proceeds("1", 1), "new_shares"),
    "proceeds(fx_rate='x')": (lambda: x.proceeds(1, 1, fx_rate="x"), "fx_rate"),
}


@pytest.mark.parametrize("name", WRONG)
def test_a_wrong_type_is_a_type_error_naming_the_argument(name, tmp_path, monkeypatch):
    """The message names the function, the argument and what was given; no file is written."""
    monkeypatch.chdir(tmp_path)
    call, argument = WRONG[name]
    with pytest.raises(TypeError, match=rf"^{name.split('(')[0]}\(\) argument '{argument}' must be .+, not "):
        call()
    assert not list(tmp_path.iterdir())


def test_every_public_function_checks_its_arguments():
    """Each function of __all__ (but deal_from_mapping, which checks its own) is in the table above."""
    functions = {
        name
        for name in x.__all__
        if callable(getattr(x, name))
        and not isinstance(getattr(x, name), type)
        and name != "deal_from_mapping"
    }
    assert functions == {name.split("(")[0] for name in WRONG}
    with pytest.raises(x.DealError, match="must be a table of sections"):
        x.deal_from_mapping(5)


def test_check_deal_accepts_a_deal_and_computes_it_first():
    """check_deal(deal) is check_deal(compute(deal)) (it took only Figures: "'Deal' object has no attribute 'deal'")."""
    assert x.check_deal(DEAL) == x.check_deal(FIGURES)


@pytest.mark.parametrize("name", ["r.pdf", "r.xlsm", "r"])
def test_build_report_refuses_a_name_the_command_line_refuses(tmp_path, name):
    """build_report(deal, "x.pdf") wrote an .xlsx named .pdf; now it is refused as -o is, writing nothing."""
    with pytest.raises(InputError, match=r"the report is an \.xlsx workbook; give a name ending in \.xlsx"):
        x.build_report(DEAL, tmp_path / name)
    assert not list(tmp_path.iterdir())


def test_right_arguments_still_work(tmp_path):
    """The checks let every documented kind of argument through: str or Path, int or float or Decimal."""
    assert x.build_report(DEAL, str(tmp_path / "r.xlsx")).is_file()
    assert x.discount(1.8, 2) == x.discount(x.round_half_up(1.8, 1), 2)
    assert len(x.shareholding([("A", 10)], 100, 10)) == 4  # the holder, placees, other public, total


HUGE = Decimal("1e999999999")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: x.discount(HUGE, 2), "price"),
        (lambda: x.dilution(1, HUGE), "existing_shares"),
        (lambda: x.theoretical_diluted_price(2, 10, 1, Decimal("1e-999999999")), "price"),
        (lambda: x.proceeds(HUGE, 1), "new_shares"),
        (lambda: x.vwap([HUGE], [1]), "prices"),
    ],
)
def test_a_number_of_a_huge_exponent_is_refused_by_name_before_any_arithmetic(call, argument):
    """Decimal("1e999999999") ended in decimal.Overflow: now a CalculationError naming the argument."""
    with pytest.raises(x.CalculationError, match=rf"^{argument}\S* is 1\.000E[+-]999999999, beyond 10\^1000"):
        call()

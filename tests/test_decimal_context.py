"""Every figure is computed in the project's decimal context, whatever the caller's.

A notebook or host application that sets ``decimal.getcontext().prec = 6`` (or another
rounding mode) must get exactly the same figures, report bytes, summaries and sentences.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from report_support import EXAMPLES, history_deal, hostile

import placement
from xl_placement import api, load_deal
from xl_placement.batch import Job, run_job, summary_csv, summary_xlsx
from xl_placement.capital import dilution, theoretical_diluted_price, theoretical_dilution_effect
from xl_placement.checks import check_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.figures import compute
from xl_placement.money import allocate, round_half_up
from xl_placement.prices import average_close, discount, vwap
from xl_placement.proceeds import allocate_proceeds, proceeds, to_quote
from xl_placement.report import render_report
from xl_placement.summary import grid_lines, stated_line, summary_lines
from xl_placement.wording import announcement_sentences

HOSTILE_CONTEXTS = {
    "prec 6": decimal.Context(prec=6),
    "prec 3, round down": decimal.Context(prec=3, rounding=decimal.ROUND_DOWN),
    "prec 12, round ceiling, no traps": decimal.Context(prec=12, rounding=decimal.ROUND_CEILING, traps=[]),
}


@contextmanager
def caller_context(context: decimal.Context) -> Iterator[None]:
    """Set the caller's context the way a notebook does: ``getcontext()`` changed in place."""
    with decimal.localcontext(context):
        yield


def _deal(source: str | dict[str, Any]) -> Any:
    return load_deal(EXAMPLES / f"{source}.toml") if isinstance(source, str) else deal_from_mapping(source)


def _everything(source: str | dict[str, Any], tmp: Path) -> dict[str, Any]:
    """Every face of one deal: figures, checks, sentences, report bytes, Excel functions, batch."""
    deal = _deal(source)
    figures = compute(deal)
    checks = check_deal(figures)
    job = Job("deal", None, None, EXAMPLES / "byd.toml", tmp / "byd-report.xlsx")
    outcome = run_job(job, force=True)
    return {
        "figures": figures,
        "checks": checks,
        "summary": summary_lines(figures),
        "stated lines": [stated_line(item) for item in checks.stated],
        "grid lines": grid_lines(figures),
        "sentences": announcement_sentences(figures),
        "report": render_report(figures, checks),
        "rows": api.figure_rows(figures),
        "batch csv": summary_csv([outcome]),
        "batch xlsx": summary_xlsx([outcome]),
        "batch report": (tmp / "byd-report.xlsx").read_bytes(),
        "PLACEMENT_PROCEEDS": placement.PLACEMENT_PROCEEDS(1_700_000_001, 1.915, 0.0275, 1234.5, 7.8203),
        "ALLOCATE_PROCEEDS": placement.ALLOCATE_PROCEEDS(43_508_960_000.0, [[1 / 3], [1 / 3], [1 / 3]]),
        "DILUTION": placement.DILUTION(1_700_000_001, 33_000_000_007),
        "PLACEMENT_DISCOUNT": placement.PLACEMENT_DISCOUNT(1.915, [[2.01], [2.02], [2.035]]),
    }


@pytest.fixture(scope="module")
def in_default_context(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each deal's faces in the default context, made once for the three hostile contexts, and their folder."""
    made = {}
    for source in ("byd", "sensetime", "hostile", "history"):
        folder = tmp_path_factory.mktemp(source)
        made[source] = (folder, _everything(_source(source), folder))
    return made


def _source(source: str) -> str | dict[str, Any]:
    return {"hostile": hostile(), "history": history_deal()}.get(source, source)


@pytest.mark.parametrize("source", ["byd", "sensetime", "hostile", "history"])
@pytest.mark.parametrize("context", HOSTILE_CONTEXTS)
def test_a_callers_decimal_context_changes_nothing(source, context, in_default_context):
    """Figures, checks, words, report bytes, Excel functions and batch summaries ignore the caller's context."""
    folder, expected = in_default_context[source]  # the batch summary names the report's path: same folder
    with caller_context(HOSTILE_CONTEXTS[context]):
        got = _everything(_source(source), folder)
    for key, value in expected.items():
        assert got[key] == value, key


CORE: dict[str, Callable[[], object]] = {
    "round_half_up": lambda: round_half_up(Decimal("43508960000.005"), 2),
    "allocate": lambda: allocate(Decimal("43508960000.00"), [1, 1, 1], 2),
    "allocate_proceeds": lambda: allocate_proceeds(
        Decimal("4350896000000"), [0.3333333, 0.3333333, 0.3333334]
    ),
    "proceeds": lambda: proceeds(129_800_000, Decimal("335.20"), 0, 126_000_000, Decimal("7.8203")),
    "dilution": lambda: dilution(129_800_000, 2_909_265_434),
    "discount": lambda: discount(Decimal("335.20"), Decimal("363.61")),
    "average_close": lambda: average_close(
        [Decimal("1.1111111"), Decimal("2.2222222"), Decimal("3.3333334")]
    ),
    "theoretical": lambda: theoretical_diluted_price(
        Decimal("363.6"), 2_909_265_434, 129_800_000, Decimal("335.2")
    ),
}


@pytest.mark.parametrize("name", CORE)
def test_each_core_function_ignores_the_callers_context(name):
    """Each core function called directly (not through compute) gives the same result at prec 6."""
    expected = CORE[name]()
    with caller_context(decimal.Context(prec=6, rounding=decimal.ROUND_FLOOR)):
        assert CORE[name]() == expected


def test_byd_figures_at_prec_6_are_the_published_ones():
    """BYD at prec 6: gross HKD 43,508,960,000 (129.8m shares x HKD 335.20, as announced), not 43,509,000,000."""
    with caller_context(decimal.Context(prec=6)):
        figures = compute(load_deal(EXAMPLES / "byd.toml"))
    assert figures.proceeds.gross == Decimal("43508960000.00")
    assert str(figures.proceeds.gross) == "43508960000.00"
    assert sum(a.amount for a in figures.allocations) == figures.allocation_base


# A caller's context that would get every figure below wrong: three digits, always rounded down.
HOSTILE = decimal.Context(prec=3, rounding=decimal.ROUND_FLOOR)
F = Fraction


def _half_up(value: Fraction, places: int) -> Fraction:
    """``value`` (not negative) rounded half up to ``places`` decimals, in exact fractions."""
    scale = 10**places
    return F(math.floor(value * scale + F(1, 2)), scale)


def _vwap() -> Fraction:
    prices, volumes = ("1.915", "1.92", "1.9175"), (300, 450, 250)
    return sum((F(p) * v for p, v in zip(prices, volumes, strict=True)), F(0)) / sum(volumes)


def _money(result: Any) -> tuple[object, ...]:
    return result.gross, result.commission, result.net


# Public entry points (the package's __all__, a core function other modules import, an Excel
# function) with inputs whose exact answer has more than three significant digits, and that
# answer worked out in fractions, independently of the package.
EXACT: dict[str, tuple[Callable[[], object], object]] = {
    "dilution": (lambda: dilution(123_456_789, 876_543_211), F(123_456_789, 1_000_000_000)),
    "theoretical_diluted_price": (
        lambda: theoretical_diluted_price(Decimal("2.5"), 876_543_211, 123_456_789, Decimal("2.1")),
        (F("2.5") * 876_543_211 + F("2.1") * 123_456_789) / 1_000_000_000,
    ),
    "theoretical_dilution_effect": (
        lambda: theoretical_dilution_effect(Decimal("2.5"), 876_543_211, 123_456_789, Decimal("2.1")),
        1 - (F("2.5") * 876_543_211 + F("2.1") * 123_456_789) / 1_000_000_000 / F("2.5"),
    ),
    "discount": (lambda: discount(Decimal("1.91"), Decimal("2.048")), 1 - F("1.91") / F("2.048")),
    "average_close": (
        lambda: average_close(
            [Decimal("1.23456"), Decimal("2.34567"), Decimal("3.45678"), Decimal("4.56789")]
        ),
        (F("1.23456") + F("2.34567") + F("3.45678") + F("4.56789")) / 4,
    ),
    "vwap": (
        lambda: vwap([Decimal("1.915"), Decimal("1.92"), Decimal("1.9175")], [300, 450, 250]),
        _vwap(),
    ),
    "round_half_up": (lambda: round_half_up(Decimal("43508960000.005"), 2), F("43508960000.01")),
    "allocate": (
        lambda: allocate(Decimal("100.00"), [1, 1, 1], 2),
        [F("33.34"), F("33.33"), F("33.33")],  # largest remainder, the tie to the first part
    ),
    "proceeds": (
        lambda: _money(proceeds(129_800_000, Decimal("335.20"), Decimal("0.0275"), Decimal("12345.67"))),
        (
            F(129_800_000) * F("335.20"),
            _half_up(F(129_800_000) * F("335.20") * F("0.0275"), 2),
            F(129_800_000) * F("335.20")
            - _half_up(F(129_800_000) * F("335.20") * F("0.0275"), 2)
            - F("12345.67"),
        ),
    ),
    "to_quote": (
        lambda: to_quote(Decimal("43508960000.00"), Decimal("7.8125")),
        F("43508960000") / F("7.8125"),
    ),
    "PLACEMENT_DISCOUNT": (
        lambda: Decimal(repr(placement.PLACEMENT_DISCOUNT(1.91, [[2.048]]))),
        F(repr(float(1 - F("1.91") / F("2.048")))),
    ),
    "VWAP": (
        lambda: Decimal(repr(placement.VWAP([[1.915], [1.92], [1.9175]], [[300], [450], [250]]))),
        F(repr(float(_vwap()))),
    ),
}


def _as_fractions(value: object) -> object:
    if isinstance(value, Decimal):
        return F(value)
    if isinstance(value, list | tuple):
        return [_as_fractions(item) for item in value]
    return value


@pytest.mark.parametrize("name", EXACT)
def test_a_public_function_gives_the_exact_answer_under_a_hostile_context(name):
    """At prec 3, rounding down, a public entry point still gives the figure worked out in fractions."""
    function, exact = EXACT[name]
    with caller_context(HOSTILE):
        got = function()
        # The caller's context is hostile indeed: its own arithmetic would lose the answer.
        assert Decimal(123_456_789) / 1_000_000_000 != Decimal("0.123456789")
    expected = list(exact) if isinstance(exact, tuple) else exact
    assert _as_fractions(got) == expected

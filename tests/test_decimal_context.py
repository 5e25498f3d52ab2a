"""Every figure is computed in the project's decimal context, whatever the caller's.

A notebook or host application that sets ``decimal.getcontext().prec = 6`` (or another
rounding mode) must get exactly the same figures, report bytes, summaries and sentences.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from report_support import EXAMPLES, history_deal, hostile

import placement
from xl_placement import api, load_deal
from xl_placement.batch import Job, run_job, summary_csv, summary_xlsx
from xl_placement.capital import dilution, theoretical_diluted_price
from xl_placement.checks import check_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.figures import compute
from xl_placement.money import allocate, round_half_up
from xl_placement.prices import average_close, discount
from xl_placement.proceeds import allocate_proceeds, proceeds
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

"""The README's worked examples of the Excel functions are what the functions return.

Each example is evaluated on the demo sheet the README lays out (B2 price, B3 last
close, ...) and the README must show the result at the precision it prints.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import placement

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Excel functions") :]
SECTION = SECTION[: SECTION.index("\n## ", 1)]

USES = [
    "SenseCore AI infrastructure",
    "Generative AI research and commercialisation",
    "Vertical industry AI applications",
    "General working capital",
]
SHEET = {
    "B2": 1.91,
    "B3": 2.09,
    "B4": 2.021,
    "B5": 1_700_000_000.0,
    "B6": 40_424_038_000.0,
    "B7": 7.8203,
    "A10:A13": [[u] for u in USES],
    "B10:B13": [[0.4], [0.3], [0.2], [0.1]],
}
BENCHMARK_CLOSES = {"C2:C6": [[2.00], [2.01], [2.03], [2.02], [2.045]]}
VWAP_DATA = {
    "C2:C6": [[2.00], [2.01], [2.03], [2.02], [2.09]],
    "D2:D6": [[151e6], [120e6], [98e6], [133e6], [210e6]],
}


def evaluate(formula: str, extra: dict | None = None):
    """Evaluate ``=NAME(a, b, ...)`` on the README's demo sheet."""
    found = re.fullmatch(r"=([A-Z_]+)\((.*)\)", formula)
    assert found, formula
    cells = {**SHEET, **(extra or {})}
    args = []
    for text in found.group(2).split(", "):
        if text.startswith('"'):
            args.append(text.strip('"'))
        elif text in cells:
            args.append(cells[text])
        else:
            args.append(float(text))
    return getattr(placement, found.group(1))(*args)


def shown(value: float, like: str) -> str:
    """Format ``value`` the way ``like`` is printed: 8.61%, 0.0861, 1,298,800,000."""
    decimals = len(like.rstrip("%").partition(".")[2])
    if like.endswith("%"):
        return f"{value * 100:.{decimals}f}%"
    if "," in like:
        return f"{value:,.0f}"
    return f"{value:.{decimals}f}"


EXAMPLES = [
    ("=PLACEMENT_DISCOUNT(B2, B3)", "0.0861", None),
    ("=PLACEMENT_DISCOUNT(B2, B3)", "8.61%", None),
    ("=PLACEMENT_DISCOUNT(B2, B4)", "5.49%", None),
    ("=PLACEMENT_DISCOUNT(6.41, 6.34)", "-1.10%", None),
    ("=DILUTION(B5, B6)", "4.0357%", None),
    ('=DILUTION(B5, B6, "existing")', "4.2054%", None),
    ("=BENCHMARKED_PRICE(B3, C2:C6)", "2.09", BENCHMARK_CLOSES),
    ("=THEORETICAL_DILUTION(2.09, B6, B5, B2)", "0.35%", None),
    ("=THEORETICAL_DILUTION(1, 100, 50, 0.75)", "8.33%", None),
    ("=VWAP(C2:C6, D2:D6)", "2.0361", VWAP_DATA),
]


@pytest.mark.parametrize(("formula", "printed", "extra"), EXAMPLES)
def test_readme_example_gives_the_printed_result(formula, printed, extra):
    """Each worked example in the README returns the figure printed beside it."""
    start = SECTION.index(f"`{formula}`")
    assert printed in SECTION[start : start + 200]
    assert shown(evaluate(formula, extra), printed) == printed


def test_readme_allocation_table_is_what_allocate_proceeds_spills():
    """The README's use-of-proceeds table is the spill of its ALLOCATE_PROCEEDS example."""
    formula = "=ALLOCATE_PROCEEDS(3247000000, B10:B13, A10:A13, 0)"
    assert f"`{formula}`" in SECTION
    for label, amount in evaluate(formula):
        assert f"| {label} | {amount:,.0f} |" in SECTION


def test_readme_proceeds_figures_are_what_placement_proceeds_returns():
    """The README's gross, net and USD figures are the rows of its PLACEMENT_PROCEEDS examples."""
    demo = dict(evaluate("=PLACEMENT_PROCEEDS(B5, B2, 0, 0, B7)"))
    assert f"gross and net **{demo['Gross proceeds']:,.0f}**" in SECTION
    assert demo["Net proceeds"] == demo["Gross proceeds"]
    assert f"**{demo['Gross proceeds in quote currency']:,.2f}** in USD" in SECTION
    byd = dict(evaluate("=PLACEMENT_PROCEEDS(129800000, 335.2, 0, 126000000)"))
    assert f"gives gross {byd['Gross proceeds']:,.0f} and net {byd['Net proceeds']:,.0f}" in SECTION


def test_readme_check_table_is_what_placement_check_spills():
    """The README's PLACEMENT_CHECK table is the spill of its example, detail column left out."""
    formula = '=PLACEMENT_CHECK("HKEX", B2, B5, B6, B3, B4, "general", 6)'
    assert f"`{formula}`" in SECTION
    for row in evaluate(formula):
        assert "| " + " | ".join(row[:5]) + " |" in SECTION

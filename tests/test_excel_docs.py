"""The worked examples of the Excel functions (docs/functions.md, README.md) are what the functions return.

Each example is evaluated on the demo sheet the functions page lays out (B2 price, B3 last
close, ...) and the page must show the result at the precision it prints.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import placement

ROOT = Path(__file__).resolve().parent.parent
SECTION = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_SECTION = README[README.index("## Excel functions") :]
README_SECTION = README_SECTION[: README_SECTION.index("\n## ", 1)]

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
    """Evaluate ``=NAME(a, b, ...)`` on the functions page's demo sheet."""
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
    """Each worked example on the functions page returns the figure printed beside it."""
    start = SECTION.index(f"`{formula}`")
    assert printed in SECTION[start : start + 200]
    assert shown(evaluate(formula, extra), printed) == printed


def test_readme_allocation_table_is_what_allocate_proceeds_spills():
    """The page's use-of-proceeds table is the spill of its ALLOCATE_PROCEEDS example."""
    formula = "=ALLOCATE_PROCEEDS(3247000000, B10:B13, A10:A13, 0)"
    assert f"`{formula}`" in SECTION
    for label, amount in evaluate(formula):
        assert f"| {label} | {amount:,.0f} |" in SECTION


def test_readme_proceeds_figures_are_what_placement_proceeds_returns():
    """The page's gross, net and USD figures are the rows of its PLACEMENT_PROCEEDS examples, unrounded where it says so."""
    demo = dict(evaluate("=PLACEMENT_PROCEEDS(B5, B2, 0, 0, B7)"))
    assert f"gross and net **{demo['Gross proceeds']:,.0f}**" in SECTION
    assert demo["Net proceeds"] == demo["Gross proceeds"]
    assert f"**{demo['Gross proceeds in quote currency']:,.2f}** in USD" in SECTION
    byd = dict(evaluate("=PLACEMENT_PROCEEDS(129800000, 335.2, 0, 126000000)"))
    assert f"gives gross {byd['Gross proceeds']:,.0f} and net {byd['Net proceeds']:,.0f}" in SECTION


def test_readme_check_table_is_what_placement_check_spills():
    """The page's PLACEMENT_CHECK table is the spill of its example, detail column left out, fractions as percentages."""
    formula = '=PLACEMENT_CHECK("HKEX", B2, B5, B6, B3, B4, "general", 6)'
    assert f"`{formula}`" in SECTION
    for row in evaluate(formula)[1:]:
        numbers = [
            "" if cell == "" else f"{cell:.2%}" if row[5] == "fraction" else f"{cell:g}" for cell in row[3:5]
        ]
        assert "| " + " | ".join([*row[:3], *numbers, row[5]]) + " |" in SECTION


def test_proceeds_rounding_is_what_the_page_says():
    """Every amount, the quote-currency ones too, comes back rounded half up to the cent; the net price per share is not."""
    assert "Amounts, the quote-currency ones too, are rounded half up to the cent" in SECTION
    assert "the net price per share is not rounded" in SECTION
    rows = dict(evaluate("=PLACEMENT_PROCEEDS(1000, 1.005, 0.025, 0.335, 7.8203)"))
    assert rows["Gross proceeds"] == 1005.0
    assert rows["Commission"] == 25.13  # 25.125 rounded half up
    assert rows["Other costs"] == 0.34  # 0.335 rounded half up
    assert rows["Net proceeds"] == 979.53
    assert rows["Net price per share"] == 0.97953
    assert rows["Gross proceeds in quote currency"] == 128.51  # 1005 / 7.8203 = 128.5116...
    assert rows["Net proceeds in quote currency"] == 125.25  # 979.53 / 7.8203 = 125.2548...


README_TABLE = [
    ("=PLACEMENT_DISCOUNT(B2, B3)", "8.61%", "8.6%"),
    ("=DILUTION(B5, B6)", "4.0357%", "4.04%"),
    ("=THEORETICAL_DILUTION(1, 100, 50, 0.75)", "8.33%", "8.33%"),
]


@pytest.mark.parametrize(("formula", "printed", "published"), README_TABLE)
def test_readme_table_is_what_the_functions_return(formula, printed, published):
    """Each row of the README's table is the function's result, and rounds to the published figure."""
    assert f"| `{formula}` | {printed} | {published}" in README_SECTION
    value = evaluate(formula)
    assert shown(value, printed) == printed
    assert shown(value, published) == published


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: placement.PLACEMENT_DISCOUNT(-1, 2.09), "#VALUE! price must be a positive number, got -1"),
        (
            lambda: placement.ALLOCATE_PROCEEDS(100, [[0.5], [0.45]]),
            "#VALUE! weights add up to 95%, not 100%; correct them so they total 100%",
        ),
    ],
)
def test_error_messages_quoted_in_the_docs_are_what_a_cell_shows(call, message):
    """The #VALUE! lines quoted in the README and on the functions page are the functions' own messages."""
    assert call() == message
    flat = " ".join(SECTION.split())
    assert message in flat
    if "price" in message:
        assert message in " ".join(README_SECTION.split())

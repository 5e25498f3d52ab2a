"""Each Excel formula of ``xl_placement/formulas.py`` beside the core function it mirrors.

One workbook holds, for seeded random inputs, each formula next to its inputs; LibreOffice
recalculates it and every result must be the core function's value: exactly for whole
numbers and amounts; a ratio loses digits to doubles (1 - price/reference cancels), so it
must equal its double twin (what the report caches) in all 15 digits LibreOffice saves,
and the twin the core's exact figure to 13 significant digits. The use-of-proceeds
steps are checked as a whole table against ``money.allocate``.
"""

from __future__ import annotations

import importlib
import math
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lo_support import Session, in_session

from xl_placement import capital, formulas, grid, money, prices
from xl_placement.report.proceeds_sheet import workings

pytestmark = pytest.mark.libreoffice

# The module, not the function of the same name that ``xl_placement`` exports.
proceeds = importlib.import_module("xl_placement.proceeds")

CASES = 40


def as_saved(got: float, value: Decimal | float) -> bool:
    """Whether ``got`` is ``value`` as LibreOffice saves a number in xlsx: to 15 significant digits.

    Within half a unit of the 15th digit (and a hair more, for a value on a midpoint).
    """
    exact = float(value)
    if exact == 0:
        return got == 0
    unit = 10 ** (math.floor(math.log10(abs(exact))) - 14)
    return abs(got - exact) <= unit * 0.5 + 4 * math.ulp(exact)


Inputs = list[Decimal | int]


def _price(rng: random.Random) -> Decimal:
    return Decimal(repr(round(rng.uniform(0.05, 500), rng.choice([2, 3, 4]))))


def _shares(rng: random.Random) -> int:
    return rng.randrange(10**5, 2 * 10**10) | 1


def _rate(rng: random.Random) -> Decimal:
    return Decimal(repr(round(rng.uniform(0, 0.05), rng.choice([3, 4, 5]))))


def _gross(rng: random.Random) -> Decimal:
    return proceeds.gross_proceeds(_shares(rng) // 10, _price(rng))


def _half_cent(rng: random.Random) -> Inputs:
    """Gross of HKD 10^11 to 10^13, a rate below 5% and other costs; gross x rate is exactly half a cent.

    With the rate a/10^m (a prime to 10) and gross g cents, gross x rate in cents is g x a / 10^m:
    half a cent when g x a = 10^m / 2 (mod 10^m), so for g = 10^m / 2 x a^-1 (mod 10^m) plus any
    multiple of 10^m. Drawn again until the double product, to 16 digits, is off the half cent
    (73,193,439,374.05499...): a rounding in doubles then goes by the binary noise.
    """
    while True:
        m = rng.choice([4, 5])
        a = rng.randrange(0, 5 * 10 ** (m - 3)) * 10 + rng.choice([1, 3, 7, 9])
        cents = 10**m // 2 * pow(a, -1, 10**m) % 10**m + 10**m * rng.randrange(10 ** (15 - m))
        gross, rate = Decimal(cents).scaleb(-2), Decimal(a).scaleb(-m)
        if cents >= 10**13 and Decimal(f"{float(gross) * float(rate):.16g}") != gross * rate:
            other = Decimal(repr(round(rng.uniform(0, 10**9), 2)))
            return [gross, rate, other]


# name: (inputs, formula of the input cells, the core function, None when the formula is exact
# in doubles, else its double twin in formulas.py, the value the report caches)
FORMULAS: dict[
    str,
    tuple[
        Callable[[random.Random], Inputs], Callable[..., str], Callable[..., Any], Callable[..., float] | None
    ],
] = {
    "discount": (
        lambda r: [_price(r), _price(r)],
        formulas.discount,
        prices.discount,
        formulas.discount_double,
    ),
    "higher": (
        lambda r: [_price(r), _price(r)],
        formulas.higher,
        lambda a, b: prices.benchmarked_price(a, [b] * 5),
        None,
    ),
    "gross": (lambda r: [_shares(r), _price(r)], formulas.gross, proceeds.gross_proceeds, None),
    "commission": (
        lambda r: [_gross(r), _rate(r)],
        formulas.commission,
        lambda g, rate: proceeds.proceeds(1, g, rate).commission,
        None,
    ),
    "net": (
        lambda r: [_shares(r) // 10, _price(r), _rate(r), Decimal(repr(round(r.uniform(0, 10**6), 3)))],
        lambda s, p, rate, other: formulas.net(formulas.gross(s, p), rate, other),
        lambda s, p, rate, other: proceeds.proceeds(s, p, rate, other).net,
        None,
    ),
    "net_at": (_half_cent, formulas.net_at, grid.net_at, None),
    "allocation_base (net)": (
        lambda r: [_shares(r) // 10, _price(r), _rate(r), Decimal(repr(round(r.uniform(0, 10**6), 3)))],
        lambda s, p, rate, other: formulas.allocation_base('"net"', s, p, rate, other),
        lambda s, p, rate, other: proceeds.proceeds(s, p, rate, other).net,
        None,
    ),
    "allocation_base (gross)": (
        lambda r: [_shares(r) // 10, _price(r), _rate(r), Decimal(0)],
        lambda s, p, rate, other: formulas.allocation_base('"gross"', s, p, rate, other),
        lambda s, p, rate, other: proceeds.proceeds(s, p, rate, other).gross,
        None,
    ),
    "per_share": (
        lambda r: [_shares(r) // 10, _price(r)],
        lambda s, p: formulas.per_share(formulas.gross(s, p), s),
        lambda s, p: proceeds.proceeds(s, p).net_price_per_share,
        lambda s, p: formulas.ratio_double(float(proceeds.gross_proceeds(s, p)), s),
    ),
    "to_quote": (
        lambda r: [_gross(r), Decimal(repr(round(r.uniform(6, 8.5), 4)))],
        formulas.to_quote,
        proceeds.to_quote,
        formulas.ratio_double,
    ),
    "enlarged": (lambda r: [_shares(r), _shares(r)], formulas.enlarged, lambda a, b: a + b, None),
    "dilution_existing": (
        lambda r: [_shares(r), _shares(r)],
        formulas.dilution_existing,
        lambda new, old: capital.dilution(new, old, "existing"),
        formulas.ratio_double,
    ),
    "dilution_enlarged": (
        lambda r: [_shares(r), _shares(r)],
        formulas.dilution_enlarged,
        lambda new, old: capital.dilution(new, old, "enlarged"),
        formulas.dilution_enlarged_double,
    ),
    "theoretical_price": (
        lambda r: [_price(r), _shares(r), _shares(r) // 5, _price(r)],
        formulas.theoretical_price,
        capital.theoretical_diluted_price,
        formulas.theoretical_price_double,
    ),
    "headroom": (
        lambda r: [10**9 + _shares(r), r.randrange(0, 10**8), r.randrange(0, 10**8)],
        formulas.headroom,
        capital.mandate_headroom,
        None,
    ),
    "units": (
        lambda r: [Decimal(repr(round(r.uniform(0, 10**9), 2))), r.randint(-3, 2)],
        formulas.units,
        money.to_minor_units,
        None,
    ),
    "from_units": (
        lambda r: [r.randrange(0, 10**13), r.randint(-3, 2)],
        formulas.from_units,
        lambda u, d: Decimal(u).scaleb(-d),
        None,
    ),
}


def _cell(value: Decimal | int) -> float | int:
    return value if isinstance(value, int) else float(value)


def _build(path: Path) -> dict[str, list[tuple[str, Decimal | int, float | None]]]:
    """A workbook of every formula with its inputs; returns where each expected value sits."""
    rng = random.Random(13)  # noqa: S311 - seeded inputs, not secrets
    book = openpyxl.Workbook()
    sheet = book.active
    expected: dict[str, list[tuple[str, Decimal | int, float | None]]] = {}
    row = 1
    for name, (make, formula, core, double) in FORMULAS.items():
        for _ in range(CASES):
            inputs = make(rng)
            letters = [openpyxl.utils.get_column_letter(i + 1) for i in range(len(inputs))]
            for letter, value in zip(letters, inputs, strict=True):
                sheet[f"{letter}{row}"] = _cell(value)
            sheet[f"H{row}"] = "=" + formula(*(f"{letter}{row}" for letter in letters))
            twin = None if double is None else double(*(_cell(v) for v in inputs))
            expected.setdefault(name, []).append((f"H{row}", core(*inputs), twin))
            row += 1
    book.save(path)
    return expected


def _allocation_book(path: Path) -> list[tuple[list[str], list[Decimal], str]]:
    """Sheets of the use-of-proceeds steps for random splits, each beside money.allocate."""
    rng = random.Random(31)  # noqa: S311 - seeded inputs, not secrets
    book = openpyxl.Workbook()
    cases = []
    for index in range(CASES):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = f"A{index}"
        count = rng.randint(1, 7)
        raw = [rng.randint(0, 10**7) for _ in range(count)]
        raw[0] += 1
        shares = [(Decimal(x) / sum(raw)).quantize(Decimal("1e-7")) for x in raw]
        base = Decimal(repr(round(rng.uniform(0, 10**11), 2)))
        decimals = rng.randint(-3, 2)
        if workings(base, shares, decimals) is None:
            continue
        sheet["B1"], sheet["B2"], sheet["B3"] = float(base), decimals, 7
        sheet["B4"] = "=" + formulas.units("B1", "B2")
        rows = list(range(10, 10 + count))
        for r, share in zip(rows, shares, strict=True):
            sheet[f"A{r}"] = float(share)
            sheet[f"B{r}"] = "=" + formulas.share_units(f"A{r}", "$B$3")
        sheet["B5"] = "=" + formulas.total(f"B{rows[0]}", f"B{rows[-1]}")
        floors, remainders = f"$C${rows[0]}:$C${rows[-1]}", f"$D${rows[0]}:$D${rows[-1]}"
        sheet["B6"] = "=" + formulas.left("B4", floors)
        for r in rows:
            sheet[f"C{r}"] = "=" + formulas.floor_units("$B$4", f"B{r}", "$B$5")
            sheet[f"D{r}"] = "=" + formulas.remainder_units("$B$4", f"B{r}", "$B$5")
            sheet[f"E{r}"] = "=" + formulas.rank(f"D{r}", remainders)
            sheet[f"F{r}"] = "=" + formulas.extra_unit(f"E{r}", "$B$6")
            sheet[f"G{r}"] = "=" + formulas.amount(f"C{r}", f"F{r}", "$B$2")
        sheet["B7"] = "=" + formulas.units_check(floors, f"$F${rows[0]}:$F${rows[-1]}", "B4")
        cases.append(([f"G{r}" for r in rows], money.allocate(base, shares, decimals), sheet.title))
    book.save(path)
    return cases


# What each workbook should give, filled in when the session makes them.
_EXPECTED: dict[str, Any] = {}


@in_session
def _books(folder: Path) -> dict[str, bytes]:
    """The workbook of every formula and the workbook of use-of-proceeds steps."""
    _EXPECTED["formulas"] = _build(folder / "formulas.xlsx")
    _EXPECTED["allocations"] = _allocation_book(folder / "allocations.xlsx")
    return {name: (folder / name).read_bytes() for name in ("formulas.xlsx", "allocations.xlsx")}


@pytest.fixture(scope="module")
def results(lo_session: Session) -> tuple[Any, ...]:
    books = lo_session.results(_books)
    lo = openpyxl.load_workbook(books["formulas.xlsx"].result, data_only=True)
    lo_alloc = openpyxl.load_workbook(books["allocations.xlsx"].result, data_only=True)
    return _EXPECTED["formulas"], lo, _EXPECTED["allocations"], lo_alloc


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_computes_what_the_core_function_computes(results, name):
    """LibreOffice's result of the formula equals the core function's for 40 random inputs."""
    expected, lo, _, _ = results
    sheet = lo.active
    for ref, value, twin in expected[name]:
        got = sheet[ref].value
        assert isinstance(got, int | float), (ref, got)
        if twin is None:  # exact in doubles: the very double of the core's figure
            assert got == float(value), (name, ref, got, value)
        else:  # a ratio: the report caches its double twin, which is the core's figure to 13 digits
            assert as_saved(got, twin), (name, ref, got, twin)
            assert math.isclose(twin, value, rel_tol=1e-13, abs_tol=1e-15), (name, ref, twin, value)


def test_use_of_proceeds_steps_give_money_allocate_exactly(results):
    """The whole-number steps, recalculated, give exactly money.allocate's amounts and a zero check."""
    _, _, allocations, lo = results
    assert len(allocations) > CASES // 2
    for cells, amounts, title in allocations:
        sheet = lo[title]
        assert [sheet[c].value for c in cells] == [float(a) for a in amounts], title
        assert sheet["B7"].value == 0

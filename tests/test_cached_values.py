"""Cached values never lie: LibreOffice recalculates every formula cell to the value cached in it.

Every workbook the project writes (each report sheet, placement.xlsm's Inputs sheet, the
batch summary) for the examples and for 200 random deals (odd share counts, prices with
3-4 decimals, fractional cents of costs, missing optional inputs, premiums, every
``decimals``) is recalculated by LibreOffice in ONE process, and each formula cell must
come back with exactly the cached value, or the same error.

Exactly: whole numbers and amounts (every money figure is one correctly rounded operation
on exact whole numbers) must be the same double. A ratio (a discount, a dilution, an amount
in the quote currency) must agree in all 15 significant digits LibreOffice saves.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lo_support import recalculate_many
from report_support import EXAMPLES, byd_with_a_shares, example_mapping, history_deal, hostile, render

from xl_placement import load_deal
from xl_placement.batch import Job, run_job, summary_xlsx
from xl_placement.dealfile import deal_from_mapping
from xl_placement.workbook import workbook_bytes

pytestmark = pytest.mark.libreoffice

RANDOM_DEALS = 200
# The project's Excel functions: LibreOffice cannot run them (they need Excel and xlwings).
UDFS = (
    "PLACEMENT_",
    "DILUTION(",
    "ALLOCATE_PROCEEDS(",
    "BENCHMARKED_PRICE(",
    "THEORETICAL_DILUTION(",
    "VWAP(",
)


def _price(rng: random.Random) -> float:
    return round(rng.uniform(0.05, 400), rng.choice([2, 3, 4]))


def random_deal(rng: random.Random, index: int) -> dict[str, Any]:
    """One random deal mapping: every optional input sometimes missing."""
    price = _price(rng)
    existing = rng.randrange(10**7, 3 * 10**10) | 1
    new_shares = rng.randrange(10**5, existing // 5) | 1
    market: dict[str, Any] = {"last_close": round(price * rng.uniform(0.9, 1.3), rng.choice([2, 3]))}
    for key in ("average_close_5d", "average_close_30d"):
        if rng.random() < 0.6:
            # mostly a discount, sometimes a premium
            market[key] = round(price * rng.uniform(0.9, 1.3), rng.choice([2, 3]))
    count = rng.randint(1, 6)
    places = rng.choice([0, 2, 5, 6, 7])
    cuts = sorted(rng.random() for _ in range(count - 1))
    raw = [b - a for a, b in zip([0.0, *cuts], [*cuts, 1.0], strict=True)]
    shares = [Decimal(repr(x)).quantize(Decimal(1).scaleb(-places)) if places else Decimal(1) for x in raw]
    if places == 0:
        shares = [Decimal(1)] + [Decimal(0)] * (count - 1)
    shares[-1] = Decimal(1) - sum(shares[:-1], Decimal(0))
    if shares[-1] < 0:
        shares = [Decimal(1) / count for _ in range(count)]
        shares = [s.quantize(Decimal("1e-7")) for s in shares]
        shares[-1] = Decimal(1) - sum(shares[:-1], Decimal(0))
    mapping: dict[str, Any] = {
        "issuer": {
            "name": f"Random {index}",
            "stock_code": str(1000 + index),
            "exchange": "HKEX",
            "currency": "HKD",
        },
        "placing": {"new_shares": new_shares, "price": price, "shares_outstanding": existing},
        "market": market,
        "proceeds": {
            "basis": rng.choice(["net", "gross"]),
            "decimals": rng.choice([-3, -2, -1, 0, 1, 2]),
            "uses": [{"name": f"Use {i}", "share": str(s)} for i, s in enumerate(shares)],
        },
    }
    if rng.random() < 0.7:
        gross = new_shares * price
        mapping["costs"] = {
            "commission_rate": round(rng.uniform(0, 0.04), rng.choice([3, 4, 5])),
            "other_costs": round(rng.uniform(0, gross * 0.01), 3),  # fractional cents
        }
    if rng.random() < 0.5:
        mapping["fx"] = {"quote_currency": "USD", "rate": round(rng.uniform(6, 8.5), 4), "source": "random"}
    if rng.random() < 0.4:
        mapping["issuer"]["share_class"] = "H"
        mapping["placing"]["class_shares_outstanding"] = rng.randrange(new_shares, existing) | 1
    if rng.random() < 0.4:
        mapping["placing"]["mandate_limit"] = existing // 5
        mapping["placing"]["mandate_used"] = rng.randrange(0, existing // 50)
    return mapping


def _workbooks(folder: Path) -> dict[str, bytes]:
    """Every kind of workbook the project writes, by file name."""
    books: dict[str, bytes] = {}
    for name in ("sensetime", "byd"):
        books[f"report-{name}.xlsx"] = render(name)
        books[f"inputs-{name}.xlsm"] = workbook_bytes(deal=load_deal(EXAMPLES / f"{name}.toml"))
    # Costs not given (net cells "not given", uses split gross), one cost only, every class at its price.
    books["report-no-costs.xlsx"] = render(example_mapping("sensetime", costs=None))
    books["inputs-no-costs.xlsm"] = workbook_bytes(
        deal=deal_from_mapping(example_mapping("sensetime", costs=None))
    )
    books["report-rate-only.xlsx"] = render(example_mapping("byd", costs={"commission_rate": "0.25%"}))
    books["report-byd-classes.xlsx"] = render(byd_with_a_shares())
    books["report-topup.xlsx"] = render("topup-illustrative")
    books["report-hostile.xlsx"] = render(hostile())
    books["report-history.xlsx"] = render(history_deal())
    books["inputs-history.xlsm"] = workbook_bytes(deal=deal_from_mapping(history_deal(), "history"))
    outcomes = [
        run_job(Job(n, None, None, EXAMPLES / f"{n}.toml", folder / f"batch-{n}.xlsx"), force=True)
        for n in ("sensetime", "byd")
    ]
    books["summary.xlsx"] = summary_xlsx(outcomes)
    rng = random.Random(20250313)  # noqa: S311 - seeded deals, not secrets
    for index in range(RANDOM_DEALS):
        books[f"random-{index:03}.xlsx"] = render(random_deal(rng, index))
    return books


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path, Path]]:
    """Each workbook and LibreOffice's recalculated copy, all from one LibreOffice start."""
    folder = tmp_path_factory.mktemp("cached")
    sources = []
    for name, data in _workbooks(folder).items():
        path = folder / name
        path.write_bytes(data)
        sources.append(path)
    results = recalculate_many(sources, folder / "lo", timeout=900)
    return [(s.name, s, r) for s, r in zip(sources, results, strict=True)]


def _same(cached: Any, got: Any) -> bool:
    if isinstance(cached, bool) or isinstance(got, bool) or isinstance(cached, str) or isinstance(got, str):
        return cached == got
    if cached is None or got is None:
        return False
    # LibreOffice saves a number with 15 significant digits: a ratio must agree in all of them.
    if cached == got:
        return True
    exact = float(cached)
    unit = 10 ** (math.floor(math.log10(abs(exact))) - 14) if exact else 0
    return abs(got - exact) <= unit * 0.5 + 4 * math.ulp(exact)


def test_every_formula_cell_recalculates_to_its_cached_value(recalculated):
    """Across every workbook written, no formula cell's cached value differs from LibreOffice's result."""
    checked, wrong = 0, []
    for name, source, result in recalculated:
        live = openpyxl.load_workbook(source)
        cached = openpyxl.load_workbook(source, data_only=True)
        lo = openpyxl.load_workbook(result, data_only=True)
        for sheet in live.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if (
                        cell.data_type != "f"
                        or not isinstance(cell.value, str)
                        or any(u in cell.value for u in UDFS)
                    ):
                        continue
                    checked += 1
                    want = cached[sheet.title][cell.coordinate].value
                    got = lo[sheet.title][cell.coordinate].value
                    if not _same(want, got):
                        wrong.append(
                            f"{name} '{sheet.title}'!{cell.coordinate} ={cell.value[:90]}: cached {want!r}, LibreOffice {got!r}"
                        )
    assert checked > RANDOM_DEALS * 40
    assert not wrong, f"{len(wrong)} of {checked} cells differ:\n" + "\n".join(wrong[:60])


def test_a_missing_input_is_cached_as_the_error_not_zero(recalculated):
    """BYD has no 30-day average: placement.xlsm caches #DIV/0! for that discount, as LibreOffice computes."""
    ((_, source, result),) = [r for r in recalculated if r[0] == "inputs-byd.xlsm"]
    cached = openpyxl.load_workbook(source, data_only=True)["Inputs"]
    lo = openpyxl.load_workbook(result, data_only=True)["Inputs"]
    rows = [r for r in cached.iter_rows() if r[5].value == "Discount to 30-day average close"]
    assert rows
    ref = rows[0][7].coordinate
    assert cached[ref].value == "#DIV/0!" == lo[ref].value
    udf = rows[0][6].value
    assert isinstance(udf, str)
    assert udf.startswith("#VALUE! reference is blank")

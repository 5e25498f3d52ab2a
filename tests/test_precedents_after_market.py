"""After-market performance in precedents: the T+1, T+5 and T+20 columns, read, carried and summarised.

Expected statistics come from Python's ``statistics`` module (quantiles, inclusive method: Excel's
QUARTILE) on lists typed here; expected moves from Fraction arithmetic on the closes typed here.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from xl_placement import api
from xl_placement import precedents as pr
from xl_placement.batch import Outcome, summary_csv
from xl_placement.errors import PrecedentsError
from xl_placement.figures import NOT_GIVEN

AFTER_CSV = """issuer,exchange,currency,date,price,last_close,after_market_t1,after_market_t5,after_market_t20,source
A Co,HKEX,HKD,2024-01-10,1.00,1.10,+5.2%,-3.1%,,s
B Co,HKEX,HKD,2024-02-10,2.00,2.20,-1.5%,2.0%,10%,s
C Co,HKEX,HKD,2024-03-10,3.00,3.30,0.8%,0.04,-12.5%,s
D Co,HKEX,HKD,2024-04-10,4.00,4.40,3%,,7.25%,s
E Co,HKEX,HKD,2024-05-10,5.00,5.50,,-0.5%,,s
"""
# The same figures, typed again as fractions: what the columns above say.
EXPECTED = {
    "after_market_t1": [0.052, -0.015, 0.008, 0.03],
    "after_market_t5": [-0.031, 0.02, 0.04, -0.005],
    "after_market_t20": [0.10, -0.125, 0.0725],
}

PRICE = Fraction("9.12")
START = dt.date(2025, 3, 3)
# 26 closes, one a day; the deal is agreed on day 4 (index 3): T+1 is index 4, T+5 index 8, T+20 index 23.
CLOSES = [Fraction(c) for c in ("10.0", "10.2", "10.1", "9.9", "9.50", "9.40", "9.30", "9.20", "9.80")] + [
    Fraction(10) + Fraction(i, 10) for i in range(17)
]
AGREED = START + dt.timedelta(days=3)


def after_deal() -> dict[str, Any]:
    """An HKEX deal whose history runs 22 days past its agreement date."""
    history = [
        {"date": START + dt.timedelta(days=i), "close": str(Decimal(c.numerator) / c.denominator)}
        for i, c in enumerate(CLOSES)
    ]
    return {
        "issuer": {"name": "After Holdings", "stock_code": "9998", "exchange": "HKEX", "currency": "HKD"},
        "placing": {
            "new_shares": 3_000_000,
            "price": "9.12",
            "shares_outstanding": 60_000_000,
            "agreement_date": AGREED,
            "mandate": "general",
        },
        "market": {"history": history},
    }


def expected_after(n: int) -> Fraction:
    """close on T+n / price - 1, from the closes typed above (T is index 3)."""
    return CLOSES[3 + n] / PRICE - 1


def write(tmp_path: Path, text: str = AFTER_CSV) -> Path:
    path = tmp_path / "after.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("measure", list(EXPECTED))
def test_after_market_statistics_agree_with_the_statistics_module(tmp_path: Path, measure: str) -> None:
    """Count, min, quartiles (inclusive), median, mean and max of each T+N column equal Python's statistics on the typed list."""
    values = EXPECTED[measure]
    ours = pr.summarise(pr.values_of(pr.read_precedents(write(tmp_path)), measure))
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    expected = (min(values), q1, q2, statistics.fmean(values), q3, max(values))
    got = (ours.minimum, ours.lower_quartile, ours.median, ours.mean, ours.upper_quartile, ours.maximum)
    assert ours.count == len(values)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine is not None
        assert math.isclose(float(mine), theirs, rel_tol=1e-12, abs_tol=1e-15)


def test_published_after_market_figures_are_inputs_not_computed(tmp_path: Path) -> None:
    """A published T+N is kept as published (signed, "+5.2%" or a fraction) and not listed as computed."""
    rows = pr.read_precedents(write(tmp_path))
    assert rows[0].after_market_t1 == Decimal("0.052")
    assert rows[2].after_market_t5 == Decimal("0.04")
    assert rows[0].after_market_t20 is None  # blank: not published, never zero
    assert not any(set(pr.AFTER_MARKET) & r.computed for r in rows)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("5.2", "did you mean"),
        ("-100%", "above -100%"),
        ("HK$5", "percentage"),
        ("a premium of 2%", "premium"),
    ],
)
def test_a_bad_after_market_figure_names_the_row_and_column(tmp_path: Path, value: str, says: str) -> None:
    """A T+N without its %, a move of -100% or worse, an amount or a premium phrase: refused, naming row, column and value."""
    text = f"issuer,exchange,currency,after_market_t5\nA Co,HKEX,HKD,{value}\n"
    with pytest.raises(PrecedentsError) as caught:
        pr.read_precedents(write(tmp_path, text))
    message = str(caught.value)
    assert "row 2, column after_market_t5" in message
    assert says in message


def test_a_folder_of_deal_files_carries_the_moves_its_history_gives(tmp_path: Path) -> None:
    """A deal file whose history runs past T gives T+1, T+5, T+20 as close / price - 1, marked computed."""
    folder = tmp_path / "deals"
    folder.mkdir()
    deal = after_deal()
    lines = [
        "[issuer]",
        *(f'{k} = "{v}"' for k, v in deal["issuer"].items()),
        "[placing]",
        'new_shares = 3000000\nprice = "9.12"\nshares_outstanding = 60000000',
        f'agreement_date = {AGREED.isoformat()}\nmandate = "general"',
        *(
            f'[[market.history]]\ndate = {h["date"].isoformat()}\nclose = "{h["close"]}"'
            for h in deal["market"]["history"]
        ),
    ]
    (folder / "after.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (row,) = pr.read_precedents(folder)
    for n in (1, 5, 20):
        value = getattr(row, f"after_market_t{n}")
        assert abs(Fraction(value) - expected_after(n)) < Fraction(1, 10**20)
    assert set(pr.AFTER_MARKET) <= row.computed


def test_a_batch_summary_carries_the_moves_and_not_given_stays_blank(tmp_path: Path) -> None:
    """summary.csv has an "after market T+N" column per N; read back as precedents they are the figures, "not given" is None."""
    outcome = Outcome(
        "deals.csv row 2",
        2,
        "passed",
        report="out/row2.xlsx",
        issuer={"issuer": "A Co", "stock code": "0001", "exchange": "HKEX", "currency": "HKD"},
        figures={
            "price": Decimal("1.91"),
            "after_market_t1": Decimal("-0.02356021"),
            "after_market_t5": Decimal("0.05"),
        },
    )
    path = tmp_path / "summary.csv"
    path.write_bytes(summary_csv([outcome]))
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert {"after market T+1", "after market T+5", "after market T+20"} <= set(header)
    assert NOT_GIVEN in path.read_text(encoding="utf-8-sig")  # T+20: the history did not reach it
    (row,) = pr.read_precedents(path)
    assert row.after_market_t1 == Decimal("-0.02356021")
    assert row.after_market_t5 == Decimal("0.05")
    assert row.after_market_t20 is None
    assert {"after_market_t1", "after_market_t5"} <= row.computed


def test_precedents_frame_has_the_after_market_columns(tmp_path: Path) -> None:
    """precedents_frame gives after_market_t1/t5/t20 as floats, NaN where not published."""
    pytest.importorskip("pandas")
    frame = api.precedents_frame(write(tmp_path))
    assert list(frame["after_market_t1"].iloc[:4]) == pytest.approx(EXPECTED["after_market_t1"])
    assert math.isnan(frame["after_market_t1"].iloc[4])
    assert list(frame["after_market_t20"].dropna()) == pytest.approx(EXPECTED["after_market_t20"])

"""Deals and readers shared by the report tests."""

from __future__ import annotations

import copy
import datetime as dt
import io
import tomllib
from pathlib import Path
from typing import Any

import openpyxl

from xl_placement import load_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.figures import Figures, compute
from xl_placement.report import render_report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# Every text field is hostile: formulas, error literals, placeholders, DDE.
HOSTILE: dict[str, Any] = {
    "issuer": {
        "name": '=HYPERLINK("http://example.com","click")',
        "stock_code": "=1+1",
        "exchange": "SGX",
        "currency": "SGD",
        "share_class": "{{issuer}}",
    },
    "placing": {
        "new_shares": 10_000_001,
        "price": 0.333,
        "shares_outstanding": 70_000_003,
        "agents": ["@SUM(A1)", "#N/A"],
        "min_placees": 3,
        "offering": "{{issuer}} & co",
        "class_shares_outstanding": 50_000_000,
        "mandate_limit": 14_000_000,
        "mandate_used": 1_000_000,
    },
    "market": {"last_close": 0.35, "average_close_5d": 0.36, "day_vwap": 0.34},
    "costs": {"commission_rate": 0.025, "other_costs": 12345.67},
    "fx": {"quote_currency": "USD", "rate": 1.35, "source": "=1/0"},
    # Four equal shares of an odd number of cents: three remainders tie, the earliest wins.
    "proceeds": {
        "basis": "gross",
        "decimals": 2,
        "uses": [
            {"name": "+A", "share": 0.25},
            {"name": "-B", "share": 0.25},
            {"name": "C", "share": 0.25},
            {"name": "D", "share": 0.25},
        ],
    },
    "shareholders": [
        {"name": "=CMD|' /C calc'!A0", "shares": 20_000_000},
        {"name": "Founder", "shares": 5_000_000},
    ],
}


def history_deal() -> dict[str, Any]:
    """An HKEX deal whose references and benchmarked price come from a dated price history."""
    start = dt.date(2025, 3, 3)
    closes = [10.0, 10.2, 10.1, 9.9, 10.4, 10.6, 10.3, 10.5, 10.8, 11.0, 10.9, 10.7]
    history = [
        {"date": start + dt.timedelta(days=i), "close": c, "volume": 1_000_000 + 10_000 * i}
        for i, c in enumerate(closes)
    ]
    return {
        "issuer": {"name": "History Holdings", "stock_code": "9999", "exchange": "HKEX", "currency": "HKD"},
        "placing": {
            "new_shares": 3_000_000,
            "price": 9.12,
            "shares_outstanding": 60_000_000,
            "agreement_date": history[-1]["date"],
            "mandate": "specific",
        },
        "market": {"history": history},
        "proceeds": {
            "basis": "net",
            "decimals": -3,
            "uses": [{"name": "Capex", "share": "61.7%"}, {"name": "Debt", "share": "38.3%"}],
        },
    }


def hostile() -> dict[str, Any]:
    """A fresh copy of the hostile deal mapping."""
    return copy.deepcopy(HOSTILE)


def example_mapping(name: str, **changes: dict[str, Any] | None) -> dict[str, Any]:
    """An example deal file as a mapping, with whole sections replaced (None: the section removed)."""
    data: dict[str, Any] = tomllib.loads((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))
    for section, value in changes.items():
        if value is None:
            data.pop(section, None)
        else:
            data[section] = value
    return data


# BYD's issuer with its A shares as an illustrative other class (the A-share figures are not
# sourced: an illustrative close and rate), so the market capitalisation adds both classes.
BYD_A_SHARES = {
    "name": "A shares",
    "shares": 1_811_265_434,
    "last_close": "380.00",
    "currency": "CNY",
    "rate": "1.0850",
    "rate_source": "illustrative",
}


def byd_with_a_shares() -> dict[str, Any]:
    """BYD with [[issuer.other_classes]]: the A shares at their own (illustrative) close and rate."""
    data = example_mapping("byd")
    data["issuer"]["other_classes"] = [dict(BYD_A_SHARES)]
    return data


def figures_of(name_or_mapping: str | dict[str, Any]) -> Figures:
    """Figures of an example deal (by file stem) or of a deal mapping."""
    if isinstance(name_or_mapping, str):
        return compute(load_deal(EXAMPLES / f"{name_or_mapping}.toml"))
    return compute(deal_from_mapping(name_or_mapping, "test"))


def render(name_or_mapping: str | dict[str, Any]) -> bytes:
    """The report's bytes for an example deal or a deal mapping."""
    return render_report(figures_of(name_or_mapping))


def values(data: bytes) -> openpyxl.Workbook:
    """The workbook as a reader without a calculation engine sees it (cached values)."""
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def formulas(data: bytes) -> openpyxl.Workbook:
    """The workbook with its formulas."""
    return openpyxl.load_workbook(io.BytesIO(data))


def named(book: openpyxl.Workbook, name: str) -> Any:
    """The value of the single cell a defined name points to."""
    (title, ref), *_ = book.defined_names[name].destinations
    return book[title][ref.replace("$", "")].value


def named_cell(book: openpyxl.Workbook, name: str) -> Any:
    """The single cell a defined name points to."""
    (title, ref), *_ = book.defined_names[name].destinations
    return book[title][ref.replace("$", "")]


def find_row(sheet: Any, label: str, column: int = 2) -> int:
    """The first row whose cell in ``column`` holds ``label``."""
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, column).value == label:
            return row
    raise AssertionError(f"{label!r} not found in column {column} of {sheet.title}")


def thin_use_deal() -> dict[str, Any]:
    """An SGX deal with costs and a 2% use: thin waterfall bars whose labels are formulas."""
    return {
        "issuer": {"name": "Thin Bars Ltd", "stock_code": "TBL", "exchange": "SGX", "currency": "SGD"},
        "placing": {"new_shares": 45_000_000, "price": "0.835", "shares_outstanding": 600_000_000},
        "market": {"last_close": "0.90"},
        "costs": {"commission_rate": "2.5%", "other_costs": 250_000},
        "proceeds": {
            "basis": "net",
            "decimals": 0,
            "uses": [{"name": "Expansion", "share": "98%"}, {"name": "Legal reserve", "share": "2%"}],
        },
    }


def undated_demo() -> Any:
    """The demo deal without its (illustrative) agreement and announcement dates, so no precedent cut-off applies.

    Tests of the precedents sheet's mechanics compare the demo with all example precedents;
    the cut-off itself is tested in tests/test_precedents_cut_off.py.
    """
    import dataclasses  # noqa: PLC0415 - only these tests need it

    demo = load_deal(Path(__file__).resolve().parent.parent / "examples" / "sensetime.toml")
    placing = dataclasses.replace(demo.placing, agreement_date=None, announcement_date=None)
    return dataclasses.replace(demo, placing=placing)

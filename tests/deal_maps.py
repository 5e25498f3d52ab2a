"""Small deals for the checks tests, built through deal_from_mapping like a user's deal file."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from xl_placement import load_deal
from xl_placement.checks import CheckReport, RuleCheck, check_deal
from xl_placement.dealfile import deal_from_mapping
from xl_placement.figures import Figures, compute

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

BASE: dict[str, Any] = {
    "issuer": {"name": "Test Holdings Ltd", "stock_code": "0001", "exchange": "HKEX", "currency": "HKD"},
    "placing": {"new_shares": 100, "price": "1.80", "shares_outstanding": 1000},
    "market": {"last_close": "2.00", "average_close_5d": "1.90"},
    "proceeds": {"uses": [{"name": "General working capital", "share": 1}]},
}


def mapping(**sections: dict[str, Any]) -> dict[str, Any]:
    """BASE with each given section's fields laid over it (a section set to {} is removed)."""
    data = copy.deepcopy(BASE)
    for name, fields in sections.items():
        if fields == {} and name in data:
            del data[name]
        elif name in data:
            data[name].update(fields)
        else:
            data[name] = fields
    return data


def figures(**sections: dict[str, Any]) -> Figures:
    """The computed figures of BASE with the given changes."""
    return compute(deal_from_mapping(mapping(**sections), "test"))


def report(**sections: dict[str, Any]) -> CheckReport:
    """The check report of BASE with the given changes."""
    return check_deal(figures(**sections))


def example(name: str) -> Figures:
    """The computed figures of an example deal file (sensetime, byd)."""
    return compute(load_deal(EXAMPLES / f"{name}.toml"))


def rule(checks: CheckReport, reference: str) -> RuleCheck:
    """The one rule check whose reference contains ``reference``."""
    found = [r for r in checks.rules if reference in r.rule]
    assert len(found) == 1, [r.rule for r in checks.rules]
    return found[0]


def history(closes: list[tuple[str, str]], volumes: list[int] | None = None) -> list[dict[str, Any]]:
    """[[market.history]] rows from (ISO date, close) pairs, with volumes when given."""
    rows: list[dict[str, Any]] = []
    for index, (day, close) in enumerate(closes):
        row: dict[str, Any] = {"date": dt.date.fromisoformat(day), "close": close}
        if volumes is not None:
            row["volume"] = volumes[index]
        rows.append(row)
    return rows


def report_of(data: dict[str, Any]) -> CheckReport:
    """The check report of a whole deal mapping."""
    return check_deal(compute(deal_from_mapping(data, "test")))

"""xl-placement check: rule checks and stated figures decide the exit status; --json is exact and parseable."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from xl_placement import cli

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "sensetime.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def variant(tmp_path: Path, *, price: str | None = None, stated: dict[str, str] | None = None) -> Path:
    """The demo deal with another price and/or another [stated] table."""
    text = DEMO.read_text()
    head, _, _ = text.partition("[stated]")
    if price is not None:
        head = head.replace("price = 1.91", f"price = {price}")
    lines = ["[stated]", *(f"{key} = {value}" for key, value in (stated or {}).items())]
    path = tmp_path / "deal.toml"
    path.write_text(head + "\n".join(lines) + "\n")
    return path


def test_demo_passes(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo deal's published figures all match and no rule is breached: exit 0, summary on stdout."""
    code, out, err = run(capsys, "check", str(DEMO))
    assert (code, err) == (0, "")
    assert "discount to last close (HKD 2.09): 8.61%" in out
    assert "4.0357% of enlarged" in out
    assert "all checks passed" in out


def test_twenty_percent_discount_is_a_breach(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A price exactly 20% below the benchmarked price (HK$1.672 vs HK$2.09) breaches Rule 13.36(5): exit 1."""
    code, out, _ = run(capsys, "check", str(variant(tmp_path, price="1.672")))
    assert code == 1
    assert "[breach] HKEX Rule 13.36(5)" in out
    assert "some checks failed" in out


def test_just_under_twenty_percent_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A price 19.9% below the benchmarked price passes Rule 13.36(5): exit 0."""
    code, out, _ = run(capsys, "check", str(variant(tmp_path, price="1.6741")))
    assert code == 0
    assert "[pass] HKEX Rule 13.36(5)" in out


def test_stated_figure_that_differs_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A stated 8.7% discount where 8.61% is computed is a mismatch: exit 1, shown as DIFFERS."""
    code, out, _ = run(capsys, "check", str(variant(tmp_path, stated={"discount_to_last_close": '"8.7%"'})))
    assert code == 1
    assert "[DIFFERS] Discount to the last close: stated 8.7%" in out


def test_json_is_exact_and_parseable(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one JSON document; numbers are exact decimal strings that give the published figures."""
    code, out, err = run(capsys, "check", str(DEMO), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["passed"] is True
    assert data["status"] == "passed"
    discount = data["figures"]["discount_to_last_close"]
    assert isinstance(discount["value"], str)
    assert round(Decimal(discount["value"]) * 100, 1) == Decimal("8.6")
    assert Decimal(data["figures"]["gross_proceeds"]["value"]) == Decimal(3_247_000_000)
    rule = next(r for r in data["rules"] if "13.36(5)" in r["rule"])
    assert rule["status"] == "pass"
    assert {s["key"] for s in data["stated"]} >= {"discount_to_last_close", "gross_proceeds"}
    assert all(s["matches"] for s in data["stated"])
    assert any("8.61%" in sentence for sentence in data["sentences"])


def test_json_reports_a_breach(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json on a breaching deal says failed, with the breach, and exits 1."""
    code, out, _ = run(capsys, "check", str(variant(tmp_path, price="1.50")), "--json")
    data = json.loads(out)
    assert code == 1
    assert data["passed"] is False
    assert any(r["status"] == "breach" and "13.36(5)" in r["rule"] for r in data["rules"])


def test_json_for_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json on an invalid deal prints status "invalid" with each problem's field, value and fix, and exits 2."""
    bad = variant(tmp_path, price='"cheap"')
    code, out, err = run(capsys, "check", str(bad), "--json")
    assert code == 2
    data = json.loads(out)
    assert data["status"] == "invalid"
    assert data["problems"] == [{"path": "placing.price", "value": "cheap", "expected": "must be a number"}]
    assert err.startswith("error: ")

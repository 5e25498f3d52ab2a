"""xl-placement check: rule checks and stated figures decide the exit status; --json is exact and parseable."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from xl_placement import cli

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "sensetime.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def variant(
    tmp_path: Path,
    *,
    price: str | None = None,
    stated: dict[str, str] | None = None,
    mandate_limit: int | None = None,
) -> Path:
    """The demo deal with another price, another [stated] table and/or a general-mandate limit."""
    text = DEMO.read_text()
    head, _, _ = text.partition("[stated]")
    if price is not None:
        head = head.replace("price = 1.91", f"price = {price}")
    if mandate_limit is not None:
        head = head.replace("\n[market]", f"mandate_limit = {mandate_limit}\nmandate_used = 0\n\n[market]", 1)
    lines = ["[stated]", *(f"{key} = {value}" for key, value in (stated or {}).items())]
    path = tmp_path / "deal.toml"
    path.write_text(head + "\n".join(lines) + "\n")
    return path


def test_demo_is_incomplete_without_a_mandate_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo gives no mandate limit, so the headroom rule is not evaluated: "incomplete", naming the rule
    and placing.mandate_limit, exit 0 (the published figures all match, nothing failed)."""
    code, out, err = run(capsys, "check", str(DEMO))
    assert (code, err) == (0, "")
    assert "discount to last close (HKD 2.09): 8.61%" in out
    assert "4.0357% of enlarged" in out
    last = out.splitlines()[-1]
    assert last.startswith("incomplete: nothing failed, but 1 check could not be made: HKEX Rule 13.36(2)(b)")
    assert "placing.mandate_limit" in last
    assert "passed" not in last


def test_strict_fails_an_incomplete_check(capsys: pytest.CaptureFixture[str]) -> None:
    """--strict turns "incomplete" into exit 1; the output is the same."""
    code, out, _ = run(capsys, "check", str(DEMO), "--strict")
    assert code == 1
    assert out.splitlines()[-1].startswith("incomplete: ")


def test_every_rule_decided_passes_even_with_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a mandate limit every HKEX rule is evaluated: "passed", exit 0 with and without --strict."""
    deal = variant(tmp_path, mandate_limit=8_084_807_600, stated={"gross_proceeds": '"HK$3.25bn"'})
    for extra in ([], ["--strict"]):
        code, out, _ = run(capsys, "check", str(deal), *extra)
        assert code == 0
        assert out.splitlines()[-1] == (
            "passed: every applicable rule passed, and every stated figure matches"
        )


def test_stated_line_shows_text_precision_and_computed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stated line shows the text as published, the precision used and the computed figure in full."""
    deal = variant(
        tmp_path,
        stated={"gross_proceeds": '"HK$3,247 million"', "net_price_per_share": '"approximately HK$1.91"'},
    )
    code, out, _ = run(capsys, "check", str(deal))
    assert code == 0
    assert (
        "[matches] Gross proceeds: stated HK$3,247 million (to HK$1m), computed HK$3,247.0m (3,247,000,000.00)"
        in out
    )
    assert (
        "[matches] Net price per share: stated approximately HK$1.91 (to HK$0.01), computed HK$1.910" in out
    )


def test_round_bare_amount_no_longer_matches_anything_near(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """gross_proceeds = 3_000_000_000 against 3,247,000,000 differs (it used to "match" to its leading digit): exit 1.
    A bare number is exact: compared to the cent (#25)."""
    code, out, _ = run(capsys, "check", str(variant(tmp_path, stated={"gross_proceeds": "3_000_000_000"})))
    assert code == 1
    assert (
        "[DIFFERS] Gross proceeds: stated 3,000,000,000 (to HKD 0.01), computed HKD 3,247,000,000.000" in out
    )
    assert out.splitlines()[-1] == "failed: 1 stated figure that differs"


def test_rate_without_percent_sign_is_refused_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """discount_to_last_close = 8.15 is refused (exit 2) with the fix, instead of being read as 815%."""
    code, _, err = run(capsys, "check", str(variant(tmp_path, stated={"discount_to_last_close": "8.15"})))
    assert code == 2
    assert (
        'stated.discount_to_last_close = 8.15: a rate above 1 needs a percent sign; did you mean "8.15%"?'
        in err
    )


def test_stock_code_as_a_number_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """stock_code = 20 is refused (exit 2) with 'quote it: stock_code = "0020"' instead of showing 20.HKEX."""
    deal = variant(tmp_path)
    deal.write_text(deal.read_text().replace('stock_code = "0020"', "stock_code = 20"))
    code, out, err = run(capsys, "check", str(deal))
    assert code == 2
    assert (
        'issuer.stock_code = 20: is a number, which loses leading zeros; quote it: stock_code = "0020"' in err
    )
    assert "20.HKEX" not in out


def test_twenty_percent_discount_is_a_breach(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A price exactly 20% below the benchmarked price (HK$1.672 vs HK$2.09) breaches Rule 13.36(5): exit 1."""
    code, out, _ = run(capsys, "check", str(variant(tmp_path, price="1.672")))
    assert code == 1
    assert "[breach] HKEX Rule 13.36(5)" in out
    assert out.splitlines()[-1] == "failed: 1 rule breach"


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
    assert data["passed"] is False
    assert data["status"] == "incomplete"
    assert data["incomplete"] == [
        "HKEX Rule 13.36(2)(b) (decided by placing.mandate_limit, placing.mandate_used)"
    ]
    gross = next(s for s in data["stated"] if s["key"] == "gross_proceeds")
    assert gross["stated"] == "HK$3.25bn"
    assert gross["precision"] == "to HK$10m"
    assert gross["computed"] == "3247000000.00"
    assert gross["matches"] is True
    assert gross["status"] == "matches"
    assert Decimal(gross["quantum"]) == 10_000_000
    discount = data["figures"]["discount_to_last_close"]
    assert isinstance(discount["value"], str)
    assert round(Decimal(discount["value"]) * 100, 1) == Decimal("8.6")
    # (2.09 - 1.91) / 2.09 = 18/209: shown to 12 significant digits, the exact value beside it
    assert discount["value"] == "0.0861244019139"
    exact = Fraction(discount["exact"])
    assert abs(exact - Fraction(18, 209)) < Fraction(1, 10**45)
    assert "exact" not in data["figures"]["last_close"]  # 2.09 is short: as it is
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


TOPUP = ROOT / "examples" / "topup-illustrative.toml"


def test_check_prints_market_context_timetable_and_the_pricing_grid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """check shows market cap, ADTV, public float, each cost, every date, and the grid with the deal's row."""
    code, out, _ = run(capsys, "check", str(TOPUP))
    assert code == 0
    assert "market data as of 2025-10-17" in out
    assert (
        "market capitalisation before the deal: HKD 19,200.0m (USD 2,467.9m); gross proceeds 7.00% of it"
        in out
    )
    assert "20-day average daily volume (from history)" in out
    assert "public float: 1,020,000,000 shares (68.00%) before, 1,140,000,000 (70.37%) after" in out
    assert "cost: Legal and professional fees: HKD 6,500,000" in out
    assert "Placing agreement: 2025-10-17" in out
    assert "Vendor's lock-up ends: 2026-01-22 (90 days from completion)" in out
    assert "pricing grid (HKEX Rule 13.36(5)" in out
    deal_line = next(line for line in out.splitlines() if line.endswith("<- deal"))
    assert deal_line.split()[0] == "11.2"
    assert "lowest within rule" in out


def test_check_json_carries_the_new_figures_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    """--json: market cap, ADTV and public float among the figures; the grid's rows and the timetable."""
    _, out, _ = run(capsys, "check", str(TOPUP), "--json")
    data = json.loads(out)
    assert Decimal(data["figures"]["market_cap"]["value"]) == Decimal("19200000000.00")
    assert data["figures"]["public_float_before"]["unit"] == "shares"
    assert "adtv_20d" in data["figures"]
    timetable = {row["key"]: row["date"] for row in data["timetable"]}
    assert timetable["lock_up_end"] == "2026-01-22"
    rows = data["grid"]["rows"]
    deal_rows = [row for row in rows if row["is_deal"]]
    assert len(deal_rows) == 1
    assert Decimal(deal_rows[0]["price"]) == Decimal("11.2")
    assert deal_rows[0]["gross_proceeds"] == "1344000000.00"
    assert {row["rule"] for row in rows} == {"pass", "breach"}
    assert data["costs_items"][0]["name"] == "Legal and professional fees"

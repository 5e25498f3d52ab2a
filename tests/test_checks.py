"""CheckReport and its plain-text lines for the command line."""

from __future__ import annotations

from deal_maps import example, mapping, report, report_of

from xl_placement.checks import check_deal
from xl_placement.summary import check_lines


def test_demo_deal_lines_show_each_part_and_pass() -> None:
    """The demo deal's lines show the 13.36(5) pass, the 8.6% match, the wording and a passing verdict."""
    lines = check_lines(check_deal(example("sensetime")))
    text = "\n".join(lines)
    assert "[pass] HKEX Rule 13.36(5)" in text
    assert "[match] Discount to the last close: stated 8.6%, computed 8.6% (8.6124%)" in text
    assert "approximately 4.04% of the issued share capital" in text
    assert lines[-1].startswith("Checks passed")


def test_breach_and_mismatch_are_counted_in_the_verdict() -> None:
    """A 20% discount and a wrong stated figure give "1 rule breach and 1 stated figure not matching"."""
    data = mapping(placing={"price": "1.60"})
    data["stated"] = {"discount_to_last_close": "21%"}
    checks = report_of(data)
    assert not checks.passed
    lines = check_lines(checks)
    assert "  [MISMATCH] Discount to the last close: stated 21%, computed 20% (20.0000%)" in lines
    assert lines[-1] == "Checks failed: 1 rule breach and 1 stated figure not matching."


def test_not_enough_data_does_not_fail_the_deal() -> None:
    """Missing mandate data is reported but the deal still passes (no breach, no mismatch)."""
    checks = report()
    assert any(r.status == "not enough data" for r in checks.rules)
    assert checks.passed

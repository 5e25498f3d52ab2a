"""CheckReport: the rules, the stated figures, the wording and the verdict together."""

from __future__ import annotations

from deal_maps import example, mapping, report, report_of

from xl_placement.checks import check_deal


def test_demo_deal_lines_show_each_part_and_pass() -> None:
    """The demo deal's lines show the 13.36(5) pass, the 8.6% match, the wording and a passing verdict."""
    checks = check_deal(example("sensetime"))
    assert ("HKEX Rule 13.36(5)", "pass") in [(r.rule, r.status) for r in checks.rules]
    last = next(s for s in checks.stated if s.key == "discount_to_last_close")
    assert (last.stated, last.computed_text, last.matches) == ("8.6%", "8.6% (8.6124%)", True)
    assert any("approximately 4.04% of the issued share capital" in s for s in checks.sentences)
    assert checks.passed


def test_breach_and_mismatch_are_counted_in_the_verdict() -> None:
    """A 20% discount and a wrong stated figure give "1 rule breach and 1 stated figure not matching"."""
    data = mapping(placing={"price": "1.60"})
    data["stated"] = {"discount_to_last_close": "21%"}
    checks = report_of(data)
    assert not checks.passed
    last = next(s for s in checks.stated if s.key == "discount_to_last_close")
    assert (last.stated, last.computed_text, last.matches) == ("21%", "20% (20.0000%)", False)
    assert checks.problems == "1 rule breach and 1 stated figure not matching"


def test_not_enough_data_does_not_fail_the_deal() -> None:
    """Missing mandate data is reported but the deal still passes (no breach, no mismatch)."""
    checks = report()
    assert any(r.status == "not enough data" for r in checks.rules)
    assert checks.passed

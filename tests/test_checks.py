"""CheckReport: the rules, the stated figures (as the command line prints them), the wording and the verdict."""

from __future__ import annotations

from deal_maps import example, mapping, report, report_of

from xl_placement.checks import check_deal
from xl_placement.summary import stated_line


def test_demo_deal_lines_show_each_part_and_its_outcome() -> None:
    """The demo deal's lines show the 13.36(5) pass, the 8.6% match with its precision, the wording, and
    "incomplete" naming the mandate headroom rule and placing.mandate_limit (the demo gives no mandate limit)."""
    checks = check_deal(example("sensetime"))
    assert ("HKEX Rule 13.36(5)", "pass") in [(r.rule, r.status) for r in checks.rules]
    lines = [stated_line(item) for item in checks.stated]
    assert "[matches] Discount to the last close: stated 8.6% (to 0.1%), computed 8.61% (8.6124%)" in lines
    assert (
        "[matches] Gross proceeds: stated HK$3.25bn (to HK$10m), computed HK$3.247bn (3,247,000,000.00)"
        in lines
    )
    assert any("approximately 4.04% of the issued share capital" in s for s in checks.sentences)
    assert checks.verdict.startswith(
        "incomplete: nothing failed, but 1 check could not be made: HKEX Rule 13.36(2)(b)"
    )
    assert "placing.mandate_limit" in checks.verdict


DECIDABLE = {
    "mandate_limit": 200,
    "mandate_used": 0,
    "min_placees": 6,
}  # what BASE lacks for every HKEX rule to be decided


def test_a_deal_with_every_rule_decided_passes() -> None:
    """With every HKEX rule decidable (a mandate limit and placees given) and nothing failing, the outcome is passed."""
    checks = report(placing=DECIDABLE)
    assert checks.outcome == "passed"
    assert checks.passed
    assert checks.verdict == "passed: every applicable rule passed"


def test_breach_and_mismatch_are_counted_in_the_verdict() -> None:
    """A 20% discount and a wrong stated figure give "failed: 1 rule breach and 1 stated figure that differs"."""
    data = mapping(placing={"price": "1.60"})
    data["stated"] = {"discount_to_last_close": "21%"}
    checks = report_of(data)
    assert checks.outcome == "failed"
    assert not checks.passed
    lines = [stated_line(item) for item in checks.stated]
    assert "[DIFFERS] Discount to the last close: stated 21% (to 1%), computed 20.0% (20.0000%)" in lines
    assert checks.verdict == "failed: 1 rule breach and 1 stated figure that differs"


def test_not_enough_data_makes_the_checks_incomplete_not_passed() -> None:
    """Missing mandate data fails nothing, but the outcome is incomplete, never passed, and names the field."""
    checks = report()
    assert any(r.status == "not enough data" for r in checks.rules)
    assert checks.outcome == "incomplete"
    assert not checks.passed
    assert checks.gaps == (
        "HKEX Rule 13.36(2)(b) (decided by placing.mandate_limit, placing.mandate_used)",
        "HKEX placing disclosure (decided by placing.min_placees)",
    )


def test_a_missing_benchmark_names_the_13_36_5_rule_and_its_fields() -> None:
    """Without a 5-day average, Rule 13.36(5) is not evaluated: incomplete, naming market.average_close_5d."""
    data = mapping(placing=DECIDABLE)
    del data["market"]["average_close_5d"]
    checks = report_of(data)
    assert checks.outcome == "incomplete"
    gap = next(g for g in checks.gaps if g.startswith("HKEX Rule 13.36(5)"))
    assert "market.average_close_5d" in gap
    assert "[[market.history]]" in gap


def test_a_stated_figure_that_cannot_be_computed_is_incomplete() -> None:
    """A per-class figure without the class count makes the outcome incomplete (not failed, not passed)."""
    data = mapping(placing=DECIDABLE)
    data["stated"] = {"percent_of_existing_class": "11.82%"}
    checks = report_of(data)
    assert checks.outcome == "incomplete"
    assert checks.gaps == ("stated.percent_of_existing_class (decided by placing.class_shares_outstanding)",)


def test_a_breach_outweighs_missing_data() -> None:
    """A breach with a rule left unevaluated is failed: incomplete never hides a failure."""
    checks = report(placing={"price": "1.60"})
    assert checks.unevaluated
    assert checks.outcome == "failed"


def test_an_exchange_without_rules_passes_saying_no_rule_applies() -> None:
    """For exchange "other" the verdict says no listing rule applies instead of "every rule passed"."""
    checks = report(issuer={"exchange": "other"})
    assert checks.outcome == "passed"
    assert "no listing rule applies" in checks.verdict

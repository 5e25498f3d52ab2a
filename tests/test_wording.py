"""Announcement wording: the key sentences, checked against the published figures in domain.md."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from deal_maps import example, history, mapping, report, report_of

from xl_placement.checks import check_deal
from xl_placement.formats import in_sentence, listed, millions_places, millions_text, price_text, symbol


def _sentences(name: str) -> tuple[str, ...]:
    return check_deal(example(name)).sentences


def _one(sentences: tuple[str, ...], start: str) -> str:
    found = [s for s in sentences if s.startswith(start)]
    assert len(found) == 1, sentences
    return found[0]


def test_size_sentence_of_the_demo_deal() -> None:
    """SenseTime: 4.21% of the existing and 4.04% of the enlarged share capital, in announcement words."""
    assert (
        "The Placing Shares represent approximately 4.21% of the existing issued share capital of the "
        "Company and approximately 4.04% of the issued share capital of the Company as enlarged by the "
        "Placing."
    ) in _sentences("sensetime")


def test_discount_sentence_of_the_demo_deal() -> None:
    """SenseTime: HK$1.91 is a discount of about 8.61% to the HK$2.09 close."""
    sentence = _one(
        _sentences("sensetime"), "The Placing Price of HK$1.91 represents a discount of approximately 8.61%"
    )
    assert "to the closing price of HK$2.09 per Share" in sentence


def test_average_sentence_names_the_days_in_words() -> None:
    """The 5-day average sentence reads "five consecutive trading days" with the HK$2.021 average."""
    sentence = _one(
        _sentences("sensetime"), "The Placing Price of HK$1.91 represents a discount of approximately 5.49%"
    )
    assert (
        "average closing price of approximately HK$2.021 per Share for the last five consecutive" in sentence
    )


def test_per_class_sentence_of_byd() -> None:
    """BYD: 11.82% of the existing and 10.57% of the enlarged H shares, as published."""
    sentence = _one(_sentences("byd"), "The Placing Shares represent approximately 11.82%")
    assert "of the existing issued H Shares and approximately 10.57% of the issued H Shares" in sentence


def test_gross_proceeds_in_both_currencies() -> None:
    """SenseTime: gross proceeds of about HK$3,247 million, US$415.2 million (domain.md).

    At one decimal, as the uses beside it need (HK$1,298.8 million): one precision in one paragraph.
    """
    sentence = _one(_sentences("sensetime"), "The gross proceeds")
    assert "approximately HK$3,247.0 million (approximately US$415.2 million)" in sentence


def test_zero_costs_are_said_out_loud() -> None:
    """The demo has no published costs: the wording says net proceeds equal gross."""
    sentence = _one(_sentences("sensetime"), "No costs are deducted")
    assert "HK$3,247.0 million" in sentence


def test_net_proceeds_and_net_price_of_byd() -> None:
    """BYD: net HK$43,383 million after HK$126 million of costs; net price 43,382.96m / 129.8m = HK$334.23.

    At one decimal, as the uses of proceeds need (HK$13,014.9 million is 30% of 43,382.96m).
    """
    sentences = _sentences("byd")
    net = _one(sentences, "The net proceeds")
    assert "approximately HK$126.0 million" in net
    assert net.endswith("approximately HK$43,383.0 million.")
    assert _one(sentences, "The net price").endswith("approximately HK$334.23.")


def test_use_of_proceeds_sentence() -> None:
    """SenseTime: 40% of HK$3,247m is HK$1,298.8m for SenseCore, and the list ends with "and (iv)"."""
    sentence = _one(_sentences("sensetime"), "The Company intends to use the net proceeds")
    assert (
        "(i) approximately 40% (approximately HK$1,298.8 million) for SenseCore AI infrastructure;"
        in sentence
    )
    assert (
        "; and (iv) approximately 10% (approximately HK$324.7 million) for general working capital."
        in sentence
    )


def test_premium_wording() -> None:
    """A price of 6.41 against a 10-day average of 6.34 reads as a premium of about 1.10%."""
    sentences = report(placing={"price": "6.41"}, market={"average_close_10d": "6.34"}).sentences
    sentence = _one(sentences, "The Placing Price of HK$6.41 represents a premium of approximately 1.10%")
    assert "average closing price of approximately HK$6.34 per Share for the last ten" in sentence


def test_placees_wording_for_fewer_than_six() -> None:
    """Five placees: the wording says each must be named; six: it does not."""
    five = _one(report(placing={"min_placees": 5}).sentences, "The Placing Shares will be placed")
    six = _one(report(placing={"min_placees": 6}).sentences, "The Placing Shares will be placed")
    assert "not less than five placees" in five
    assert "named" in five
    assert six == "The Placing Shares will be placed to not less than six placees."


def test_last_close_from_history_is_dated() -> None:
    """A close taken from the history names its day: 10 June 2025."""
    data = mapping(placing={"agreement_date": "2025-06-10"})
    days = ["2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06", "2025-06-09", "2025-06-10"]
    data["market"] = {"history": history([(d, "2.00") for d in days])}
    sentence = _one(
        report_of(data).sentences,
        "The Placing Price of HK$1.80 represents a discount of approximately 10.00% to the closing",
    )
    assert "on 10 June 2025, the last trading day" in sentence


def test_top_up_wording() -> None:
    """A top-up placing speaks of the vendor and the Subscription Shares."""
    sentences = report(placing={"kind": "top-up"}).sentences
    assert sentences[0].startswith("The Vendor has agreed to place 100 existing Shares")
    assert any("as enlarged by the Subscription." in s for s in sentences)


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("HKD", "HK$1.91"), ("USD", "US$1.91"), ("SGD", "S$1.91"), ("AUD", "A$1.91"), ("EUR", "EUR 1.91")],
)
def test_currency_symbols(currency: str, expected: str) -> None:
    """HKD, USD, SGD and AUD have their symbols; other currencies show their code."""
    assert price_text(Decimal("1.91"), currency) == expected
    assert symbol(currency) in expected


def test_amounts_in_millions_round_half_up() -> None:
    """415.25 million rounds half up to 415.3; a whole number of millions drops the ".0"."""
    assert millions_text(Decimal("415250000"), "USD") == "US$415.3 million"
    assert millions_text(Decimal("3247000000"), "HKD") == "HK$3,247 million"
    assert millions_text(Decimal("850000"), "SGD") == "S$850,000"


def test_amounts_written_together_share_one_precision() -> None:
    """A$47.0 million beside A$50.4 million (never A$47 million); all whole, no decimal at all."""
    places = millions_places([Decimal("47000000"), Decimal("50400000"), Decimal("850000")])
    assert places == 1
    assert millions_text(Decimal("47000000"), "AUD", places) == "A$47.0 million"
    assert millions_text(Decimal("50400000"), "AUD", places) == "A$50.4 million"
    assert millions_text(Decimal("850000"), "AUD", places) == "A$850,000"  # below a million: in full
    whole = millions_places([Decimal("1260000000"), Decimal("945000000"), None])
    assert whole == 0
    assert millions_text(Decimal("1260000000"), "HKD", whole) == "HK$1,260 million"
    # 47.04 million shows as 47.0 at one decimal: no decimal is needed for it
    assert millions_places([Decimal("47040000")]) == 0


def test_other_currency_deal_wording_uses_the_code() -> None:
    """A EUR deal on an exchange without rules still gets its wording, with "EUR" before amounts."""
    sentences = report(issuer={"exchange": "other", "currency": "EUR"}).sentences
    assert "at EUR 1.80 per Placing Share" in sentences[0]


def test_benchmarked_price_sentence_only_when_it_adds_a_price() -> None:
    """From dated history the benchmark (2.70, closes 3-9 June) differs from the 5-day average (2.60) and is worded; SenseTime's repeats its close and is not."""
    closes = ["3.00", "2.90", "2.80", "2.70", "2.60", "2.50", "2.40"]
    days = ["2025-06-02", "2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06", "2025-06-09", "2025-06-10"]
    data = mapping(placing={"price": "2.24", "agreement_date": "2025-06-10"})
    data["market"] = {"history": history(list(zip(days, closes, strict=True)))}
    sentences = report_of(data).sentences
    assert any("average closing price of approximately HK$2.60" in s for s in sentences)
    bench = _one(
        sentences,
        "The Placing Price of HK$2.24 represents a discount of approximately 17.04% to the benchmarked",
    )
    assert "benchmarked price of HK$2.70 per Share under Rule 13.36(5)" in bench
    assert not any("benchmarked price" in s for s in _sentences("sensetime"))


def test_readme_wording_example_is_what_the_code_writes() -> None:
    """The sentences quoted on the listing-rules page are the demo deal's own sentences."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    section = page.split("## Listing-rule checks", 1)[1]
    quoted = " ".join(line[2:] for line in section.splitlines() if line.startswith("> "))
    sentences = re.split(r"(?<=\.) +(?=[A-Z])", quoted.strip())
    assert len(sentences) == 3
    produced = " ".join(_sentences("sensetime"))
    for sentence in sentences:
        assert sentence in produced, sentence


def test_naming_placees_is_only_said_for_hkex() -> None:
    """Three placees on SGX get no Hong Kong naming requirement in the wording."""
    sentences = report(issuer={"exchange": "SGX", "currency": "SGD"}, placing={"min_placees": 3}).sentences
    assert _one(sentences, "The Placing Shares will be placed") == (
        "The Placing Shares will be placed to not less than three placees."
    )


def test_small_amounts_keep_their_cents() -> None:
    """Costs of S$5.10 (2% of S$180 plus S$1.50) are not rounded away to S$5."""
    sentences = report(
        issuer={"exchange": "SGX", "currency": "SGD"}, costs={"commission_rate": "2%", "other_costs": "1.50"}
    ).sentences
    assert "other costs and expenses of approximately S$5.10" in _one(sentences, "The net proceeds")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Last close", "last close"),
        ("Benchmarked price (Rule 13.36(5))", "benchmarked price (Rule 13.36(5))"),
        ("VWAP of the agreement day", "VWAP of the agreement day"),
        ("15-day VWAP", "15-day VWAP"),
        ("SenseCore expansion", "SenseCore expansion"),
        ("AI research", "AI research"),
        ("H shares", "H shares"),
    ],
)
def test_a_label_mid_sentence_lowers_only_a_plain_first_word(label: str, expected: str) -> None:
    assert in_sentence(label) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_names_are_listed_as_a_sentence_says_them(items: list[str], expected: str) -> None:
    assert listed(items) == expected


def test_a_use_s_share_reads_as_an_announcement_writes_it():
    """After "approximately" a share has at most two decimals: 57.57341% reads 57.57%, 40% stays 40%."""
    from xl_placement.formats import share_text  # noqa: PLC0415

    assert share_text(Decimal("0.5757341")) == "57.57%"
    assert share_text(Decimal("0.40")) == "40%"
    assert share_text(Decimal("0.125")) == "12.5%"
    assert share_text(Decimal("0.00005")) == "0.01%"


def test_uses_on_a_net_basis_without_net_name_what_they_split():
    """Net not given: the uses split the gross proceeds, and the sentence says gross (not "net proceeds" over a gross amount)."""
    figures = example("diploma-lse")
    assert figures.deal.proceeds.basis == "net"
    assert not figures.deal.costs.given
    sentence = next(s for s in check_deal(figures).sentences if "intends to use" in s)
    assert "intends to use the gross proceeds from the Placing" in sentence
    assert "net proceeds from the Placing" not in sentence

"""Property tests: a figure written as an announcement writes it matches at its shown precision.

The oracle is ``fractions.Fraction``: the computed value is rounded to the shown step in
exact rational arithmetic (half up), independent of the Decimal code under test.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from deal_maps import mapping, report_of
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from xl_placement import parsers
from xl_placement.published import parse_published
from xl_placement.stated import round_to

# unit as written -> its power of ten
UNITS = {"": 0, " thousand": 3, "k": 3, "m": 6, " million": 6, "bn": 9, " billion": 9}
PREFIXES = ("", "approximately ", "about ", "~", "approx. ")


def _half_up(value: Fraction, step: Fraction) -> Fraction:
    """``value`` rounded half up (away from zero on a tie) to a multiple of ``step``, exactly."""
    whole = math.floor(abs(value) / step + Fraction(1, 2))
    return (whole * step) if value >= 0 else -(whole * step)


def _shown(value: Fraction, places: int) -> str:
    """``value`` (a multiple of 10^-places) as an announcement prints it: 3,149.6."""
    return f"{Decimal(value.numerator) / Decimal(value.denominator):,.{places}f}"


@st.composite
def _amounts(draw: st.DrawFn) -> tuple[Decimal, str, int, int]:
    """A computed amount (to the cent), a unit as written, and the decimals shown in that unit."""
    unit = draw(st.sampled_from(sorted(UNITS)))
    power = UNITS[unit]
    places = draw(st.integers(min_value=0, max_value=3))
    step_power = power - places  # the shown step is 10^step_power currency units
    # At least a few steps, at most what 15 significant digits hold.
    cents = draw(st.integers(min_value=10 ** max(step_power + 3, 0), max_value=10**14))
    return Decimal(cents).scaleb(-2), unit, places, step_power


@settings(max_examples=300, deadline=None)
@given(amount=_amounts(), prefix=st.sampled_from(PREFIXES), symbol=st.sampled_from(("", "HK$", "HKD ")))
@example(amount=(Decimal("3247000000.00"), "bn", 2, 7), prefix="", symbol="HK$")  # SenseTime's HK$3.25bn
@example(amount=(Decimal("3149500000.00"), "m", 0, 6), prefix="", symbol="HK$")  # a half rounds up
def test_any_rounding_of_an_amount_matches_and_one_step_away_differs(
    amount: tuple[Decimal, str, int, int], prefix: str, symbol: str
) -> None:
    """For any computed amount and any rounding of it to k shown digits in any unit, the announcement
    form matches it; the same form one shown step higher or lower differs."""
    computed, unit, places, step_power = amount
    step = Fraction(10) ** step_power
    rounded = _half_up(Fraction(computed), step)
    scale = Fraction(10) ** UNITS[unit]
    for offset, should_match in ((0, True), (1, False), (-1, False)):
        value = rounded + offset * step
        if value <= 0:
            continue
        text = f"{prefix}{symbol}{_shown(value / scale, places)}{unit}"
        digits = len(_shown(value / scale, places).replace(",", "").replace(".", "").strip("0"))
        if digits > parsers.MAX_SIGNIFICANT:  # more than Excel holds exactly: refused, saying so
            with pytest.raises(parsers.Invalid, match="significant digits"):
                parse_published(text, kind="amount", currency="HKD")
            continue
        figure = parse_published(text, kind="amount", currency="HKD")
        if not (prefix or symbol or unit):
            # Digits alone are a bare number: exact, to the cent (or finer when shown), not to the step.
            assert Fraction(figure.quantum) == min(step, Fraction(1, 100))
            assert (computed == figure.value) is (computed == value), (text, computed)
            continue
        assert Fraction(figure.quantum) == step
        assert (round_to(computed, figure.quantum) == figure.value) is should_match, (text, computed)


@settings(max_examples=300, deadline=None)
@given(
    computed=st.decimals(min_value=Decimal("-0.5"), max_value=Decimal("0.9999"), places=8),
    places=st.integers(min_value=0, max_value=3),
    prefix=st.sampled_from(PREFIXES),
    suffix=st.sampled_from(("%", " per cent", " percent")),
)
@example(computed=Decimal("0.08612440"), places=1, prefix="approximately ", suffix="%")  # SenseTime's 8.6%
@example(computed=Decimal("0.08625"), places=2, prefix="", suffix="%")  # 8.625% rounds up to 8.63%
def test_any_rounding_of_a_percentage_matches_and_one_step_away_differs(
    computed: Decimal, places: int, prefix: str, suffix: str
) -> None:
    """For any computed rate and any rounding of it to k decimals of a percent, the form matches; one
    step (10^-k percentage points) away differs."""
    step = Fraction(1, 100) * Fraction(10) ** -places
    rounded = _half_up(Fraction(computed), step)
    for offset, should_match in ((0, True), (1, False), (-1, False)):
        value = (rounded + offset * step) * 100
        sign = "-" if value < 0 else ""
        text = f"{prefix}{sign}{_shown(abs(value), places)}{suffix}"
        figure = parse_published(text, kind="percent")
        assert Fraction(figure.quantum) == step
        assert (round_to(computed, figure.quantum) == figure.value) is should_match, (text, computed)


@settings(max_examples=60, deadline=None)
@given(
    new_shares=st.integers(min_value=1_000, max_value=5_000_000_000),
    price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=3),
    unit=st.sampled_from(("m", "bn")),
    places=st.integers(min_value=0, max_value=2),
)
def test_gross_proceeds_as_published_match_through_the_deal_file(
    new_shares: int, price: Decimal, unit: str, places: int
) -> None:
    """End to end: gross proceeds written "HK$<rounded>m/bn" in [stated] match the deal's computed gross,
    and the same text one shown step higher differs."""
    gross = Fraction(new_shares) * Fraction(price)
    scale = Fraction(10) ** (6 if unit == "m" else 9)
    step = scale * Fraction(10) ** -places
    rounded = _half_up(gross, step)
    assume(rounded > 0)
    for offset, should_match in ((0, True), (1, False)):
        value = rounded + offset * step
        data = mapping(placing={"new_shares": new_shares, "price": str(price), "shares_outstanding": 10**12})
        data["stated"] = {"gross_proceeds": f"HK${_shown(value / scale, places)}{unit}"}
        check = report_of(data).stated[0]
        assert check.matches is should_match, (data["stated"], gross)


# --- announcement wording (#25) and digits of other scripts (#26) -----------------------------

# Magnitude words and their powers of ten, from their meaning (not from the module).
MAGNITUDES = {
    "k": 3, "thousand": 3, "m": 6, "mn": 6, "mil": 6, "million": 6, "bn": 9, "bln": 9, "billion": 9,
    "萬": 4, "百萬": 6, "千萬": 7, "億": 8,
}  # fmt: skip
# How the currency is written: text before the number, text after it, the ISO code it names.
WRITTEN_CURRENCIES = (("HK$", "", "HKD"), ("HKD ", "", "HKD"), ("", " HKD", "HKD"), ("", "港元", "HKD"),
                      ("港幣", "元", "HKD"), ("HK$", " HKD", "HKD"))  # fmt: skip
HEDGE_WORDS = (
    "",
    "approximately ",
    "approx. ",
    "about ",
    "roughly ",
    "c. ",
    "約",
    "up to ",
    "up to approx. ",
)
# Full-width forms: digits, "%", ",", ".", "$", "(", ")" as Chinese text prints them.
FULL_WIDTH = str.maketrans("0123456789%,.$()", "０１２３４５６７８９％，．＄（）")  # noqa: RUF001


@settings(max_examples=300, deadline=None)
@given(
    whole=st.integers(min_value=1, max_value=99_999),
    places=st.integers(min_value=0, max_value=3),
    unit=st.sampled_from(sorted(MAGNITUDES)),
    hedge=st.sampled_from(HEDGE_WORDS),
    written=st.sampled_from(WRITTEN_CURRENCIES),
    full_width=st.booleans(),
    spaced=st.booleans(),
)
@example(whole=325, places=2, unit="bln", hedge="", written=("HK$", "", "HKD"), full_width=False, spaced=True)
@example(
    whole=3247, places=2, unit="億", hedge="約", written=("", "港元", "HKD"), full_width=True, spaced=False
)
def test_any_amount_with_a_unit_word_is_that_many_units(
    whole: int,
    places: int,
    unit: str,
    hedge: str,
    written: tuple[str, str, str],
    full_width: bool,
    spaced: bool,
) -> None:
    """<hedge><currency><digits><unit><currency> is digits x 10^power to the last digit shown, whatever the
    hedge or the way the currency is written, and written in full-width forms too: no unit word is dropped."""
    before, after, code = written
    digits = Fraction(whole, 10**places)
    shown = _shown(digits, places)
    text = f"{hedge}{before}{shown}{' ' if spaced else ''}{unit}{after}"
    if full_width:
        text = text.translate(FULL_WIDTH)
    figure = parse_published(text, kind="amount", currency=code)
    power = MAGNITUDES[unit]
    assert Fraction(figure.value) == digits * 10**power, text
    assert Fraction(figure.quantum) == Fraction(10**power, 10**places), text
    assert figure.currency == code


@settings(max_examples=200, deadline=None)
@given(
    word=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
    symbol=st.sampled_from(("HK$", "US$", "")),
)
def test_any_other_word_after_the_number_is_refused(word: str, symbol: str) -> None:
    """A word after the number that is not a unit, a currency code or a closing word is refused naming it,
    never dropped (HK$3.25 <word> is not read as HK$3.25)."""
    known = {"k", "thousand", "thousands", "m", "mn", "mln", "mil", "mio", "million", "millions", "b", "bn",
             "bln", "billion", "billions", "c", "cent", "cents", "percent", "pct", "discount", "premium"}  # fmt: skip
    assume(word not in known)
    with pytest.raises(parsers.Invalid) as caught:
        parse_published(f"{symbol}3.25 {word}", kind="amount")
    assert f'"{word}' in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(
    tenths=st.integers(min_value=1, max_value=999),
    hedge=st.sampled_from(("", "approximately ", "約")),
    form=st.sampled_from(("a premium of {}%", "premium of {}%", "{}% premium", "溢價{}%")),
)
def test_a_premium_of_any_rate_is_that_rate_as_a_negative_discount(
    tenths: int, hedge: str, form: str
) -> None:
    """ "a premium of x%" is -x% for a discount, at x%'s precision; for any other figure it is refused."""
    rate = Fraction(tenths, 10)
    text = form.format(f"{hedge}{_shown(rate, 1)}") if "{}%" in form else form
    figure = parse_published(text, kind="percent", discount=True)
    assert Fraction(figure.value) == -rate / 100
    assert Fraction(figure.quantum) == Fraction(1, 1000)
    with pytest.raises(parsers.Invalid, match="not a discount"):
        parse_published(text, kind="percent")


# Zero of each decimal-digit script: Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali,
# Thai, full-width, Mathematical bold.
ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1D7CE)


@settings(max_examples=200, deadline=None)
@given(number=st.integers(min_value=0, max_value=10**12), zero=st.sampled_from(ZEROS), field=st.sampled_from(
    (parsers.number, parsers.positive_whole, parsers.price, parsers.fraction)))  # fmt: skip
def test_a_number_in_another_scripts_digits_is_refused_with_the_number_in_0_to_9(
    number: int, zero: int, field: object
) -> None:
    """Any whole number written in another script's digits is refused by every numeric parser, naming a digit
    and giving the same number in 0-9 as the fix."""
    plain = str(number)
    other = "".join(chr(zero + int(d)) for d in plain)
    with pytest.raises(parsers.Invalid) as caught:
        field(other)  # type: ignore[operator]
    assert "holds the digit" in str(caught.value)
    assert f'write "{plain}"' in str(caught.value)

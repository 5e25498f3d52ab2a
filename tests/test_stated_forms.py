"""Announcement wording as published is read for what it means (#25 items 5 and 6), and digits other than
0-9 are read or refused the same way at every entry point (#26 item 7).

Expected values are written from the text's meaning: the tables of docs/deal-file.md ("How stated figures
are read") give each form's value and step as a reader of the announcement would, and the tables below give
each unit word's power of ten and each currency word's ISO code from their dictionary meaning.
"""

# Full-width and other-script digits are what this file tests, so the look-alike warnings do not apply.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import csv
import re
import unicodedata
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from deal_maps import mapping, report_of

from xl_placement import load_deal, parsers
from xl_placement import precedents as pr
from xl_placement import published as pub
from xl_placement.batch import parse_header, row_mapping
from xl_placement.checks import StatedCheck, check_deal
from xl_placement.dealfile import deal_from_mapping, parse_text
from xl_placement.errors import DealError, InputError, PrecedentsError, UnsafeWorkbookError
from xl_placement.figures import compute
from xl_placement.inputs import deal_from_workbook
from xl_placement.published import parse_published

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "deal-file.md").read_text(encoding="utf-8")
SENSETIME = (ROOT / "examples" / "sensetime.toml").read_text(encoding="utf-8")
WORKBOOK = ROOT / "placement.xlsm"

# What the Figure column of the page's tables means for parse_published.
FIGURES = {
    "rate": {"kind": "percent"},
    "discount": {"kind": "percent", "discount": True},
    "amount": {"kind": "amount"},
    "price": {"kind": "price"},
}


def _table(name: str) -> list[list[str]]:
    """The rows of the page's table between <!-- name:begin --> and <!-- name:end -->, header dropped."""
    body = PAGE.split(f"<!-- {name}:begin -->", 1)[1].split(f"<!-- {name}:end -->", 1)[0]
    rows = [line for line in body.strip().splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def _code(cell: str) -> str:
    assert cell.startswith("`"), cell
    assert cell.endswith("`"), cell
    return cell[1:-1]


READ = _table("stated-forms")
REFUSED = _table("stated-refused")


def test_the_page_lists_the_forms_the_issue_quotes() -> None:
    """Every form #25 quotes is among the page's examples, so each is tested below."""
    written = {_code(row[0]) for row in READ}
    for form in (
        "HK$3.25 bln",
        "HK$3,247 mil",
        "US$415.2 mil",
        "a discount of approximately 8.61%",
        "a premium of approximately 1.1%",
        "4.04 per cent.",
        "HK$1.91 per Placing Share",
        "roughly 25%",
        "up to approx. S$10.3 million",
        "約8.6%",
        "約32.47億港元",
        "約8.6％",
    ):
        assert form in written, form
    assert len(READ) >= 80
    assert len(REFUSED) >= 20


@pytest.mark.parametrize(("written", "figure", "value", "step", "currency"), READ, ids=[r[0] for r in READ])
def test_every_form_on_the_page_reads_as_the_page_says(
    written: str, figure: str, value: str, step: str, currency: str
) -> None:
    """Each example of the page gives the value, the step and the currency its row gives."""
    result = parse_published(_code(written), **FIGURES[figure])  # type: ignore[arg-type]
    assert result.value == Decimal(value.replace(",", ""))
    assert result.quantum == Decimal(step.replace(",", ""))
    assert result.currency == (currency or None)
    # Kept as written for the report, full-width forms and the minus sign as their ASCII forms.
    shown = unicodedata.normalize("NFKC", _code(written)).replace("\u2212", "-")
    assert result.text == " ".join(shown.split())


@pytest.mark.parametrize(("written", "figure", "says"), REFUSED, ids=[r[0] for r in REFUSED])
def test_every_refused_form_on_the_page_is_refused_saying_why(written: str, figure: str, says: str) -> None:
    """Each refused example raises Invalid whose message holds the page's words, naming the field."""
    with pytest.raises(parsers.Invalid) as caught:
        parse_published(_code(written), field="stated.x", **FIGURES[figure])  # type: ignore[arg-type]
    assert says in str(caught.value)
    assert str(caught.value).startswith(f'stated.x = "{_code(written)}": ')


# --- every word of the grammar, with its meaning written here -------------------------------

UNIT_POWERS = {
    **dict.fromkeys(("k", "thousand", "thousands"), 3),
    **dict.fromkeys(("m", "mn", "mln", "mil", "mio", "million", "millions"), 6),
    **dict.fromkeys(("b", "bn", "bln", "billion", "billions"), 9),
    **dict.fromkeys(("萬", "万"), 4),
    **dict.fromkeys(("十萬", "十万"), 5),
    **dict.fromkeys(("百萬", "百万"), 6),
    **dict.fromkeys(("千萬", "千万"), 7),
    **dict.fromkeys(("億", "亿"), 8),
    **dict.fromkeys(("十億", "十亿"), 9),
    **dict.fromkeys(("百億", "百亿"), 10),
    **dict.fromkeys(("千億", "千亿"), 11),
}
CURRENCY_WORDS = {
    **dict.fromkeys(("港元", "港幣", "港币"), "HKD"),
    "美元": "USD",
    **dict.fromkeys(("新元", "新加坡元", "新幣", "新币"), "SGD"),
    **dict.fromkeys(("澳元", "澳幣", "澳币"), "AUD"),
    **dict.fromkeys(("人民幣", "人民币"), "CNY"),
    **dict.fromkeys(("日元", "日圓"), "JPY"),
    **dict.fromkeys(("歐元", "欧元"), "EUR"),
    **dict.fromkeys(("英鎊", "英镑"), "GBP"),
    "加元": "CAD",
    **dict.fromkeys(("紐元", "纽元"), "NZD"),
    **dict.fromkeys(("新台幣", "新台币"), "TWD"),
}
HEDGES = (
    "approximately",
    "approx.",
    "approx",
    "about",
    "around",
    "roughly",
    "circa",
    "c.",
    "ca.",
    "some",
    "equivalent to",
    "~",
    "≈",
    "約",
    "约",
    "約為",
    "约为",
    "大約",
    "大约",
    "大約為",
    "大约为",
    "相當於",
    "相当于",
)
BOUNDS = (
    "nearly",
    "almost",
    "over",
    "more than",
    "less than",
    "at least",
    "at most",
    "not more than",
    "not less than",
    "no more than",
    "no less than",
    "not exceeding",
    "exceeding",
    "in excess of",
    "under",
    "below",
    "above",
    "超過",
    "超过",
    "不超過",
    "不超过",
    "不少於",
    "不少于",
    "少於",
    "少于",
    "多於",
    "多于",
    "接近",
    "逾",
    "近",
)


def _grammar() -> str:
    return PAGE.split("**Grammar.**", 1)[1].split("**Meaning.**", 1)[0]


@pytest.mark.parametrize(("unit", "power"), sorted(UNIT_POWERS.items()))
def test_every_magnitude_word_multiplies_by_its_power_of_ten(unit: str, power: int) -> None:
    """HK$ 3.25 <unit> is 3.25 x 10^power, to 0.01 x 10^power, in upper case too; the page's grammar lists it."""
    for written in (unit, unit.upper()):
        figure = parse_published(f"HK$3.25 {written}", kind="amount", currency="HKD")
        assert Fraction(figure.value) == Fraction(325, 100) * 10**power
        assert Fraction(figure.quantum) == Fraction(1, 100) * 10**power
    assert unit in _grammar()


def test_the_grammar_has_no_unit_word_this_test_does_not_know() -> None:
    """The reader's magnitude words are exactly the ones above (so none is read without a test of its meaning)."""
    magnitude = {word for word, (power, _) in pub._UNITS.items() if power > 0}
    assert magnitude == set(UNIT_POWERS)


@pytest.mark.parametrize(("word", "code"), sorted(CURRENCY_WORDS.items()))
def test_every_chinese_currency_word_names_its_currency(word: str, code: str) -> None:
    """32.47億<word> is 3,247,000,000 in <code> (to the million), and is refused for another currency."""
    figure = parse_published(f"約32.47億{word}", kind="amount", currency=code)
    assert (figure.value, figure.quantum, figure.currency) == (
        Decimal(3_247_000_000),
        Decimal(1_000_000),
        code,
    )
    other = "USD" if code != "USD" else "HKD"
    with pytest.raises(parsers.Invalid, match=f"this figure is in {other}"):
        parse_published(f"32.47億{word}", kind="amount", currency=other)
    assert word in _grammar()
    assert set(pub.CURRENCY_WORDS) == set(CURRENCY_WORDS)


@pytest.mark.parametrize("hedge", HEDGES)
def test_every_hedge_changes_nothing(hedge: str) -> None:
    """<hedge> 8.6% is 0.086 to 0.001, as 8.6% is; the page's grammar lists it."""
    for text in (f"{hedge} 8.6%", f"{hedge}8.6%"):
        if hedge[-1].isascii() and hedge[-1].isalpha() and text == f"{hedge}8.6%":
            continue  # "about8.6%" is not how anyone writes
        figure = parse_published(text, kind="percent")
        assert (figure.value, figure.quantum) == (Decimal("0.086"), Decimal("0.001"))
    assert hedge in _grammar()
    assert set(pub._HEDGES) == set(HEDGES)


@pytest.mark.parametrize("bound", BOUNDS)
def test_every_bound_is_refused(bound: str) -> None:
    """<bound> 10% says where the figure lies, not what it is: refused, naming the word; listed on the page."""
    with pytest.raises(parsers.Invalid, match=f'says "{re.escape(bound)}": a bound, not the figure'):
        parse_published(f"{bound} 10%", kind="percent")
    assert bound in " ".join(PAGE.split("**Refused**", 1)[1].split())
    assert set(pub._BOUNDS) == set(BOUNDS)


def test_a_word_that_only_starts_like_a_bound_is_not_one() -> None:
    """ "overall 8%" is not "over": it is refused as an unknown word, not as a bound, and "Aboveground" likewise."""
    with pytest.raises(parsers.Invalid, match="must be a percentage"):
        parse_published("overall 8%", kind="percent")


# --- the quoted forms against a real deal -----------------------------------------------------


def _sensetime(stated: str) -> tuple[StatedCheck, ...]:
    """SenseTime's deal (HK$1.91 x 1,700,000,000 = HK$3,247,000,000, no costs) with this [stated] table."""
    head = SENSETIME.split("[stated]", 1)[0]
    return check_deal(compute(deal_from_mapping(parse_text(f"{head}[stated]\n{stated}\n", "toml")))).stated


@pytest.mark.parametrize(
    ("key", "written", "matches"),
    [
        ("gross_proceeds", "HK$3.25 bln", True),  # 3,247m to the nearest 10m is 3,250m
        ("gross_proceeds", "HK$3.24 bln", False),
        ("gross_proceeds", "HK$3,247 mil", True),
        ("gross_proceeds", "HK$3,248 mil", False),
        ("gross_proceeds", "約32.47億港元", True),
        ("gross_proceeds", "約32.48億港元", False),
        ("gross_proceeds_quote", "US$415.2 mil", True),  # 3,247m / 7.8203 = 415.2m
        ("gross_proceeds_quote", "US$415.3 mil", False),
        ("discount_to_last_close", "a discount of approximately 8.61%", True),  # 1 - 1.91/2.09 = 8.612%
        ("discount_to_last_close", "a discount of approximately 8.62%", False),
        ("discount_to_last_close", "折讓約8.6%", True),
        ("discount_to_last_close", "約８.６％", True),
        ("percent_of_enlarged", "4.04 per cent.", True),  # 1.7bn / 42.124bn = 4.0357%
        ("percent_of_enlarged", "4.03 per cent.", False),
        ("net_price_per_share", "HK$1.91 per Placing Share", True),
        ("net_price_per_share", "HK$1.92 per Placing Share", False),
        ("net_price_per_share", "每股配售股份1.91港元", True),
        ("net_price_per_share", "2", False),  # exact: 2 is not 1.91
        ("net_price_per_share", "HK$2", True),  # to the dollar, 1.91 is 2
    ],
)
def test_quoted_forms_check_sensetimes_published_figures(key: str, written: str, matches: bool) -> None:
    """The forms of #25, stated for SenseTime, match its computed figures; one step off differs."""
    check = next(c for c in _sensetime(f'{key} = "{written}"') if c.key == key)
    assert check.matches is matches, check
    assert check.stated == unicodedata.normalize("NFKC", written)  # full-width forms shown as ASCII


@pytest.mark.parametrize("written", ["2", "2.0", "2.00"])
def test_a_bare_number_in_the_deal_file_is_exact(written: str) -> None:
    """net_price_per_share = 2 (TOML integer) or 2.0 (TOML float, read as Decimal) differs from 1.91."""
    check = _sensetime(f"net_price_per_share = {written}")[0]
    assert check.status == "differs"
    assert _sensetime("net_price_per_share = 1.91")[0].matches


def test_a_premium_is_a_negative_discount() -> None:
    """A price of 6.41 against a 10-day average of 6.34 is a premium of 1.1% (0.07/6.34 = 1.104%)."""
    for written, matches in (
        ("a premium of approximately 1.1%", True),
        ("1.1% premium", True),
        ("溢價約1.1%", True),
        ("a discount of approximately 1.1%", False),
        ("a premium of approximately 1.2%", False),
    ):
        data = mapping(placing={"price": "6.41"}, market={"average_close_10d": "6.34"})
        data["stated"] = {"discount_to_average_close_10d": written}
        assert report_of(data).stated[0].matches is matches, written


def test_a_premium_is_refused_for_a_figure_that_is_not_a_discount() -> None:
    """ "a premium of 1.1%" under percent_of_enlarged is refused, naming the field."""
    data = mapping()
    data["stated"] = {"percent_of_enlarged": "a premium of 1.1%"}
    with pytest.raises(DealError, match=r"stated\.percent_of_enlarged = .*this figure is not a discount"):
        deal_from_mapping(data)


def test_up_to_is_compared_with_the_deal_as_given() -> None:
    """ "up to approx. S$10.3 million" matches a deal of S$10,295,000 (rounds to 10.3m) and differs from the
    same deal with half the shares placed (S$5.1m): "up to" is the deal at its largest, not "at most"."""
    sgx = {"issuer": {"name": "X Ltd", "stock_code": "X1", "exchange": "SGX", "currency": "SGD"}}
    for shares, matches in ((41_180_000, True), (20_590_000, False)):  # x S$0.25
        data = mapping(placing={"new_shares": shares, "price": "0.25", "shares_outstanding": 500_000_000})
        data["issuer"] = sgx["issuer"]
        data["stated"] = {"gross_proceeds": "up to approx. S$10.3 million"}
        assert report_of(data).stated[0].matches is matches, shares


# --- two currencies in one figure -------------------------------------------------------------


def _docs_pair() -> str:
    block = re.search(r"```toml\n(\[stated\]\ngross_proceeds = .*?\(.*?\)\"\n)```", PAGE)
    assert block is not None, "the page's example of a figure with its equivalent in brackets"
    return block.group(1).removeprefix("[stated]\n")


def test_the_pages_pair_states_both_gross_figures() -> None:
    """The page's "HK$3.25 billion (approximately US$415.2 million)" gives gross_proceeds (to HK$10m) and
    gross_proceeds_quote (to US$0.1m), and SenseTime's deal matches both."""
    checks = _sensetime(_docs_pair())
    assert [c.key for c in checks] == ["gross_proceeds", "gross_proceeds_quote"]
    assert all(c.matches for c in checks)
    assert [c.quantum for c in checks] == [10_000_000, 100_000]
    assert [c.stated for c in checks] == ["HK$3.25 billion", "approximately US$415.2 million"]


def test_the_figure_in_brackets_is_checked_on_its_own() -> None:
    """US$415.3m in brackets differs while HK$3.25bn matches; written under the quote key, the bracketed
    HK$ figure is gross_proceeds."""
    checks = _sensetime('gross_proceeds = "HK$3.25 billion (approximately US$415.3 million)"')
    assert [c.matches for c in checks] == [True, False]
    checks = _sensetime('gross_proceeds_quote = "US$415.2 million (HK$3.25bn)"')
    assert {c.key: c.matches for c in checks} == {"gross_proceeds_quote": True, "gross_proceeds": True}
    checks = _sensetime('net_proceeds = "約32.47億港元（約4.152億美元）"')  # full-width brackets
    assert [c.key for c in checks] == ["net_proceeds", "net_proceeds_quote"]


@pytest.mark.parametrize(
    ("stated", "says"),
    [
        (
            'gross_proceeds = "HK$3.25bn (US$415.2m)"\ngross_proceeds_quote = "US$415.2m"',
            "stated.gross_proceeds = 'HK$3.25bn (US$415.2m)': gives stated.gross_proceeds_quote in brackets, "
            "and stated.gross_proceeds_quote is given as well; remove one",
        ),
        (
            'gross_proceeds = "HK$3.25bn (approximately HK$3,247m)"',
            "stated.gross_proceeds = 'HK$3.25bn (approximately HK$3,247m)': the figure in brackets is "
            "stated.gross_proceeds_quote, and it is written in HK$ (HKD), but this figure is in USD",
        ),
        (
            'gross_proceeds = "HK$3.25bn (approximately US$415.2 mils)"',
            'the figure in brackets is stated.gross_proceeds_quote, and it has "mils" after the number',
        ),
        ('percent_of_enlarged = "4.04% (4.21%)"', "give one figure here"),
    ],
)
def test_a_pair_that_cannot_be_read_is_refused_naming_the_field(stated: str, says: str) -> None:
    """The quote figure given twice, a bracketed figure in the wrong currency or with an unknown word, and
    brackets under a key that has no other currency: refused, naming the field written."""
    with pytest.raises(DealError) as caught:
        _sensetime(stated)
    assert says in str(caught.value)


# --- precedents: the same reader ----------------------------------------------------------------


def _published_amount(text: str) -> Fraction:
    """Independent reading of the example CSV's amounts: HK$<digits>m or HK$<digits>bn."""
    found = re.fullmatch(r"HK\$([0-9,]+(?:\.[0-9]+)?)(m|bn)", text)
    assert found, text
    return Fraction(found[1].replace(",", "")) * (10**6 if found[2] == "m" else 10**9)


def _published_rate(text: str) -> Fraction:
    found = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)%", text)
    assert found, text
    return Fraction(found[1]) / 100


def test_the_example_precedents_read_every_row_with_its_units() -> None:
    """Every row of examples/precedents.csv is read, and each published amount, unit included, and each
    published rate is the figure the text means (HK$6.48bn is 6,480,000,000, HK$11,662.0m 11,662,000,000)."""
    path = ROOT / "examples" / "precedents.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    read = pr.read_precedents(path)
    assert len(read) == len(rows) == 17
    amounts = rates = 0
    for row, precedent in zip(rows, read, strict=True):
        assert precedent.issuer == row["issuer"]
        for column in ("gross_proceeds", "net_proceeds"):
            if row[column]:
                assert Fraction(getattr(precedent, column)) == _published_amount(row[column]), row[column]
                amounts += 1
        for column in ("discount_to_last_close", "discount_to_average_close_5d", "percent_of_enlarged"):
            if row[column]:
                assert Fraction(getattr(precedent, column)) == _published_rate(row[column]), row[column]
                rates += 1
    assert amounts >= 20
    assert rates >= 25


def _precedents(tmp_path: Path, **cells: str) -> Path:
    columns = {"issuer": "A Ltd", "exchange": "HKEX", "currency": "HKD", "date": "2025-06-03", **cells}
    path = tmp_path / "p.csv"
    path.write_text(",".join(columns) + "\n" + ",".join(f'"{v}"' for v in columns.values()) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "written", "attribute", "value"),
    [
        ("gross_proceeds", "HK$3.25 bln", "gross_proceeds", 3_250_000_000),
        ("gross_proceeds", "約32.47億港元", "gross_proceeds", 3_247_000_000),
        ("net_proceeds", "HK$3,247 mil", "net_proceeds", 3_247_000_000),
        (
            "discount_to_last_close",
            "a premium of approximately 1.1%",
            "discount_to_last_close",
            Decimal("-0.011"),
        ),
        ("discount_to_last_close", "約８.６％", "discount_to_last_close", Decimal("0.086")),
        ("percent_of_enlarged", "4.04 per cent.", "percent_of_enlarged", Decimal("0.0404")),
    ],
)
def test_precedents_read_published_wording_as_stated_figures_are(
    tmp_path: Path, column: str, written: str, attribute: str, value: Decimal
) -> None:
    """A precedents cell in announcement wording is read by the same grammar as [stated]."""
    (row,) = pr.read_precedents(_precedents(tmp_path, **{column: written}))
    assert getattr(row, attribute) == value


@pytest.mark.parametrize(
    ("column", "written", "says"),
    [
        ("gross_proceeds", "HK$3.25 bananas", '"bananas" after the number'),
        ("gross_proceeds", "HK$3.25bn (approximately US$415.2m)", "give one figure here"),
        ("percent_of_enlarged", "a premium of 1.1%", "not a discount"),
        ("new_shares", "１７００", 'holds the digit "１"'),
        ("price", "٣.٥", 'write "3.5"'),
        ("date", "２０２５-１１", 'holds the digit "２"'),
    ],
)
def test_precedents_refuse_what_the_grammar_refuses(
    tmp_path: Path, column: str, written: str, says: str
) -> None:
    """Unknown words, brackets, a premium for a non-discount, and non-ASCII digits in numeric and date columns
    are refused naming the row and column."""
    with pytest.raises(PrecedentsError) as caught:
        pr.read_precedents(_precedents(tmp_path, **{column: written}))
    assert says in str(caught.value)
    assert column in str(caught.value)


# --- #26.7: non-ASCII digits at every entry point -------------------------------------------------

DIGITS = [
    ("placing.new_shares", "１７００００００００", "1700000000"),
    ("placing.price", "１.９１", "1.91"),
    ("placing.shares_outstanding", "٤٠٤٢٤٠٣٨٠٠٠", "40424038000"),
    ("market.last_close", "२.०९", "2.09"),
    ("costs.commission_rate", "２.５％", "2.5%"),
    ("placing.agreement_date", "２０２５-０６-０４", "2025-06-04"),
]


def _set(data: dict[str, object], path: str, value: object) -> None:
    section, key = path.split(".")
    data.setdefault(section, {})[key] = value  # type: ignore[index]


@pytest.mark.parametrize(("path", "written", "fix"), DIGITS)
def test_a_deal_file_refuses_other_digits_naming_the_field_the_value_and_the_fix(
    path: str, written: str, fix: str
) -> None:
    """A number or date field holding full-width, Arabic-Indic or Devanagari digits is refused, with the
    value in 0-9 as the fix; the same text in plain digits is read."""
    data = parse_text(SENSETIME, "toml")
    _set(data, path, written)
    with pytest.raises(DealError) as caught:
        deal_from_mapping(data)
    assert f"{path} = '{written}': holds the digit" in str(caught.value)
    assert f'write "{fix}"' in str(caught.value)
    _set(data, path, fix)
    deal_from_mapping(data)


def test_a_json_deal_file_refuses_them_too(tmp_path: Path) -> None:
    """JSON text fields go through the same check."""
    deal = tmp_path / "d.json"
    deal.write_text(
        '{"issuer": {"name": "A", "stock_code": "1", "exchange": "HKEX", "currency": "HKD"},'
        ' "placing": {"new_shares": "１００", "price": 1.5}}',
        encoding="utf-8",
    )
    with pytest.raises(
        DealError, match=r"placing\.new_shares = '１００': holds the digit \"１\".*write \"100\""
    ):
        load_deal(deal)


def test_a_batch_row_refuses_them_naming_the_column() -> None:
    """A CSV batch cell is a deal-file field: refused the same way."""
    columns = parse_header(["issuer.name", "issuer.stock_code", "issuer.exchange", "issuer.currency",
                            "placing.new_shares", "placing.price"])  # fmt: skip
    with pytest.raises(
        DealError, match=r"placing\.price = '１\.９１': holds the digit \"１\".*write \"1\.91\""
    ):
        deal_from_mapping(row_mapping(columns, ["A", "0001", "HKEX", "HKD", "100", "１.９１"]))


def _workbook(tmp_path: Path, changes: dict[str, object]) -> Path:
    book = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    for name, value in changes.items():
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "").split(":")[0]] = value
    target = tmp_path / "edited.xlsm"
    book.save(target)
    return target


def test_a_workbook_text_cell_refuses_them_naming_the_cell(tmp_path: Path) -> None:
    """A full-width number typed as text in an Inputs cell is refused naming the field and the cell."""
    target = _workbook(tmp_path, {"placing_new_shares": "１７００"})
    with pytest.raises(
        DealError, match=r"placing\.new_shares \(cell Inputs!\$?[A-Z]+\d+\) = '１７００': holds"
    ):
        deal_from_workbook(target)


def test_a_workbook_number_cell_holding_them_is_refused(tmp_path: Path) -> None:
    """A number cell whose stored value is full-width digits (only a hand-made file has one) is refused, not
    read as 1,234,567 as int() would."""
    target = _workbook(tmp_path, {"placing_new_shares": 1234567})
    patched = tmp_path / "patched.xlsm"
    with zipfile.ZipFile(target) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as out:
        replaced = 0
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<v>1234567</v>" in data:
                data = data.replace(b"<v>1234567</v>", "<v>１２３４５６７</v>".encode())
                replaced += 1
            out.writestr(item, data)
    assert replaced == 1
    with pytest.raises((DealError, UnsafeWorkbookError), match="not a number"):
        deal_from_workbook(patched)


def test_stated_text_reads_full_width_forms_and_refuses_other_scripts() -> None:
    """[stated] reads "約８.６％" as 8.6% (Chinese announcements print full-width forms), while "٨.٦%"
    is refused naming the field and giving "8.6%"."""
    assert _sensetime('discount_to_last_close = "約８.６％"')[0].matches
    with pytest.raises(
        DealError, match=r"stated\.discount_to_last_close = '٨\.٦%': holds the digit \"٨\".*\"8\.6%\""
    ):
        _sensetime('discount_to_last_close = "٨.٦%"')


def test_excel_functions_refuse_them_in_one_line() -> None:
    """An Excel function given "１.９１" as a price returns one #VALUE! line naming the argument and the fix."""
    from xl_placement import excel  # noqa: PLC0415 - the Excel face, only for this test

    result = excel.PLACEMENT_DISCOUNT("１.９１", 2.09)
    assert isinstance(result, str)
    assert result.startswith('#VALUE! price holds the digit "１"')
    assert 'write "1.91"' in result
    assert "\n" not in result
    assert excel.PLACEMENT_DISCOUNT("1.91", 2.09) == pytest.approx(1 - 1.91 / 2.09)


@pytest.mark.parametrize("index", ["１", "²", "٣"])
def test_a_batch_column_index_in_other_digits_is_refused(index: str) -> None:
    """A batch column path whose list index is not 0-9 (full-width, superscript, Arabic-Indic) is refused
    naming the column, not read as another row (nor a crash, as int("²") raises)."""
    with pytest.raises(InputError, match=rf"column 1 'proceeds\.uses\.{index}\.share': the list index"):
        parse_header([f"proceeds.uses.{index}.share"])
    assert parse_header([" proceeds.uses. 1 .share"]) == [("proceeds", "uses", 1, "share")]

"""Tests for xl_placement.dealfile: loading TOML and JSON deal files, and every validation message."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_placement.dealfile import MAX_DEAL_FILE_BYTES, deal_from_mapping, read_deal_file
from xl_placement.errors import DealError, InputError
from xl_placement.fields import MAX_ROWS, SECTIONS, STATED_KEYS
from xl_placement.published import parse_published

D = Decimal
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SOURCE = "examples/x.toml"
DELETE = object()  # marker: remove the field instead of setting it


def demo() -> dict[str, Any]:
    """The demo deal as a plain mapping, read with tomllib (not with the code under test)."""
    with (EXAMPLES / "sensetime.toml").open("rb") as handle:
        return tomllib.load(handle)


def change(data: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """Set (or, with DELETE, remove) a dotted path such as "proceeds.uses.0.share" in a copy of data."""
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(last)] = value
    elif value is DELETE:
        del node[last]
    else:
        node[last] = value
    return data


def messages(data: object, source: str = SOURCE) -> list[str]:
    """The lines of the DealError that validating data raises."""
    with pytest.raises(DealError) as caught:
        deal_from_mapping(data, source)  # type: ignore[arg-type]
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.problems)
    return lines


def to_json(data: object) -> object:
    """A TOML mapping as JSON-ready data: dates become YYYY-MM-DD text."""
    if isinstance(data, dict):
        return {key: to_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [to_json(item) for item in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


HISTORY = [
    {"date": dt.date(2025, 6, 2), "close": 2.10, "volume": 151_000_000},
    {"date": dt.date(2025, 6, 3), "close": 2.05, "volume": 120_000_000},
    {"date": dt.date(2025, 6, 4), "close": 2.09, "volume": 98_000_000},
]


# ---------------------------------------------------------------- loading


def test_demo_deal_loads_with_its_published_terms():
    """examples/sensetime.toml loads into a Deal holding the demo's terms as exact numbers."""
    deal = read_deal_file(EXAMPLES / "sensetime.toml")
    assert deal.issuer.stock_code == "0020"
    assert deal.issuer.exchange == "HKEX"
    assert deal.placing.new_shares == 1_700_000_000
    assert deal.placing.price == D("1.91")
    assert deal.placing.shares_outstanding == 40_424_038_000
    assert deal.placing.agents == ("HSBC",)
    assert deal.market.last_close == D("2.09")
    assert deal.market.average_closes == {5: D("2.021"), 30: D("2.049")}
    assert deal.fx is not None
    assert deal.fx.rate == D("7.8203")
    assert [(u.name, u.share) for u in deal.proceeds.uses] == [
        ("SenseCore AI infrastructure", D("0.4")),
        ("Generative AI research and commercialisation", D("0.3")),
        ("Vertical industry AI applications", D("0.2")),
        ("General working capital", D("0.1")),
    ]
    assert deal.costs.given
    assert deal.source.endswith("sensetime.toml")


def test_byd_deal_loads_its_class_count_and_stated_figures():
    """examples/byd.toml carries the H-share count and the published figures with their precision."""
    deal = read_deal_file(EXAMPLES / "byd.toml")
    assert deal.placing.class_shares_outstanding == 1_098_000_000
    assert deal.market.average_closes == {5: D("382.2"), 10: D("380.1")}
    assert deal.stated["discount_to_average_close_10d"].value == D("0.118")
    assert deal.stated["net_proceeds"].quantum == D("1E+6")


@pytest.mark.parametrize("name", ["sensetime.toml", "byd.toml"])
def test_json_of_the_same_shape_loads_identically(tmp_path, name):
    """A JSON deal file with the same structure as a TOML one gives the same Deal."""
    with (EXAMPLES / name).open("rb") as handle:
        data = tomllib.load(handle)
    json_path = tmp_path / (Path(name).stem + ".json")
    json_path.write_text(json.dumps(to_json(data), indent=2), encoding="utf-8")
    from_toml = read_deal_file(EXAMPLES / name)
    from_json = read_deal_file(json_path)
    assert dataclasses.replace(from_json, source="") == dataclasses.replace(from_toml, source="")


def test_json_with_history_and_dates_as_text_loads_identically(tmp_path):
    """Dates written as "YYYY-MM-DD" text in JSON load as the same dates as TOML dates."""
    data = change(demo(), "market.history", HISTORY)
    data = change(data, "placing.agreement_date", dt.date(2025, 6, 4))
    toml_deal = deal_from_mapping(data)
    path = tmp_path / "deal.json"
    path.write_text(json.dumps(to_json(data)), encoding="utf-8")
    json_deal = read_deal_file(path)
    assert json_deal.market.history == toml_deal.market.history
    assert json_deal.placing.agreement_date == dt.date(2025, 6, 4)
    assert json_deal.market.history[0].volume == 151_000_000


def test_suffix_is_case_insensitive(tmp_path):
    """A file named DEAL.TOML is read as TOML."""
    path = tmp_path / "DEAL.TOML"
    path.write_bytes((EXAMPLES / "sensetime.toml").read_bytes())
    assert read_deal_file(path).placing.new_shares == 1_700_000_000


def test_conventions_percent_text_and_number_text_are_accepted():
    """ "40%" is a fraction, "1,700,000,000" and 1.7e9 are share counts, "hkex" matches HKEX."""
    data = change(demo(), "proceeds.uses.0.share", "40%")
    data = change(data, "placing.new_shares", "1,700,000,000")
    data = change(data, "placing.shares_outstanding", 4.0424038e10)
    data = change(data, "issuer.exchange", "hkex")
    data = change(data, "issuer.currency", "hkd")
    deal = deal_from_mapping(data)
    assert deal.proceeds.uses[0].share == D("0.4")
    assert deal.placing.new_shares == 1_700_000_000
    assert deal.placing.shares_outstanding == 40_424_038_000
    assert (deal.issuer.exchange, deal.issuer.currency) == ("HKEX", "HKD")


def test_optional_sections_may_be_left_out():
    """Without [costs], [fx], [stated] and [[shareholders]] the deal loads with costs not given and no FX."""
    data = demo()
    for section in ("costs", "fx", "stated"):
        data = change(data, section, DELETE)
    deal = deal_from_mapping(data)
    assert deal.fx is None
    assert deal.costs.commission_rate is deal.costs.other_costs is None  # not given, never zero
    assert not deal.costs.given
    assert deal.shareholders == ()
    assert deal.stated == {}


def test_history_can_stand_in_for_last_close():
    """With [[market.history]] the last close may be left out."""
    data = change(demo(), "market.last_close", DELETE)
    data = change(data, "market.history", HISTORY)
    deal = deal_from_mapping(data)
    assert deal.market.last_close is None
    assert [c.close for c in deal.market.history] == [D("2.1"), D("2.05"), D("2.09")]


def test_patterned_market_fields_load_by_their_day_count():
    """average_close_<N>d and vwap_<N>d are read for any N into dictionaries keyed by N."""
    data = change(demo(), "market.average_close_10d", 2.03)
    data = change(data, "market.vwap_15d", 2.04)
    data = change(data, "market.day_vwap", 2.01)
    market = deal_from_mapping(data).market
    assert market.average_closes == {5: D("2.021"), 10: D("2.03"), 30: D("2.049")}
    assert market.vwaps == {15: D("2.04")}
    assert market.day_vwap == D("2.01")


@pytest.mark.parametrize(
    ("text", "value", "quantum"),
    [
        ("8.6%", "0.086", "0.001"),
        ("4.04%", "0.0404", "0.0001"),
        ("-1.1%", "-0.011", "0.001"),
        (3_250_000_000, "3250000000", "0.01"),  # a bare number is exact: to the cent
        ("HK$3.25bn", "3250000000", "1E+7"),
        ("HK$43,383m", "43383000000", "1E+6"),
        (1.91, "1.91", "0.01"),
        (0.086, "0.086", "0.001"),
    ],
)
def test_stated_figures_keep_their_published_precision(text, value, quantum):
    """A stated figure keeps its value and the step of its last published digit ("8.6%" is to 0.1%)."""
    figure = parse_published(text, kind="amount" if not str(text).endswith("%") else "percent")
    assert figure.value == D(value)
    assert figure.quantum == D(quantum)


# ---------------------------------------------------------------- file-level problems


def test_wrong_suffix(tmp_path):
    """A .txt file is refused with the file name and the accepted suffixes."""
    path = tmp_path / "deal.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(
        DealError,
        match=r"deal\.txt: file: has the suffix \"\.txt\"; it must be a \.toml or \.json deal file$",
    ):
        read_deal_file(path)


def test_missing_file(tmp_path):
    """A file that does not exist gives 'cannot be read' with the reason, not a traceback."""
    with pytest.raises(DealError, match=r"nope\.toml: file: cannot be read: No such file or directory"):
        read_deal_file(tmp_path / "nope.toml")


def test_directory_named_like_a_deal_file(tmp_path):
    """A directory called deal.toml cannot be read and says so."""
    (tmp_path / "deal.toml").mkdir()
    with pytest.raises(DealError, match="file: cannot be read"):
        read_deal_file(tmp_path / "deal.toml")


def test_non_utf8_file(tmp_path):
    """A Latin-1 file is refused as not UTF-8, with the line and the fix."""
    path = tmp_path / "deal.toml"
    path.write_bytes('[issuer]\nname = "Soci\xe9t\xe9"\n'.encode("latin-1"))
    with pytest.raises(
        DealError, match=r"deal\.toml: file: must be UTF-8 text \(line 2 is not\); save it as UTF-8"
    ):
        read_deal_file(path)


def test_too_large_file(tmp_path):
    """A file over the size limit is refused before it is read, with its size and the limit."""
    path = tmp_path / "deal.toml"
    with path.open("wb") as handle:
        handle.truncate(MAX_DEAL_FILE_BYTES + 1)
    with pytest.raises(DealError, match=r"file: is 2,000,001 bytes, larger than the 2,000,000 bytes"):
        read_deal_file(path)


def test_bad_toml(tmp_path):
    """Broken TOML is reported as not valid TOML with the parser's line and column."""
    path = tmp_path / "deal.toml"
    path.write_text("[issuer]\nname = \n", encoding="utf-8")
    with pytest.raises(DealError, match=r"deal\.toml: file: is not valid TOML: .*line 2"):
        read_deal_file(path)


def test_duplicate_toml_key(tmp_path):
    """TOML itself refuses a field given twice, and that is reported as not valid TOML."""
    path = tmp_path / "deal.toml"
    path.write_text("[placing]\nprice = 1\nprice = 2\n", encoding="utf-8")
    with pytest.raises(DealError, match="is not valid TOML"):
        read_deal_file(path)


def test_bad_json(tmp_path):
    """Broken JSON is reported as not valid JSON with the parser's position."""
    path = tmp_path / "deal.json"
    path.write_text('{"issuer": {', encoding="utf-8")
    with pytest.raises(DealError, match=r"deal\.json: file: is not valid JSON: .*line 1"):
        read_deal_file(path)


def test_json_that_is_not_a_table(tmp_path):
    """A JSON list at the top is refused: a deal file holds a table of sections."""
    path = tmp_path / "deal.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DealError, match="file: must hold a table of sections at the top"):
        read_deal_file(path)


def test_deeply_nested_json(tmp_path):
    """JSON nested past the recursion limit is refused cleanly."""
    path = tmp_path / "deal.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DealError, match="file: is nested too deeply"):
        read_deal_file(path)


def test_non_mapping_given_to_deal_from_mapping():
    """deal_from_mapping with a list instead of a mapping raises a DealError, not a TypeError."""
    assert messages([1, 2], "row 3") == [
        "row 3: deal: must be a table of sections ([issuer], [placing], ...)"
    ]


def test_deal_error_is_an_input_error():
    """DealError is an InputError (and a ValueError), so front ends can catch bad input in one place."""
    with pytest.raises(InputError):
        deal_from_mapping({})
    assert issubclass(DealError, ValueError)


# ---------------------------------------------------------------- one problem per case


CASES: list[tuple[str, object, str]] = [
    # missing and mistyped sections
    ("issuer", DELETE, "issuer: the [issuer] section is missing"),
    ("placing", DELETE, "placing: the [placing] section is missing"),
    ("placing", 5, "placing = 5: must be a table ([placing])"),
    ("costs", "none", "costs = 'none': must be a table ([costs])"),
    # required fields
    (
        "issuer.name",
        DELETE,
        "issuer.name: is required (text): Issuer's name as it appears on the announcement.",
    ),
    (
        "placing.price",
        DELETE,
        'placing.price: is required (issuer currency per share): Placing price ("5.7c" is 5.7 cents, "55p" 55 pence); '
        "per ADS when ads_ratio is given.",
    ),
    (
        "placing.new_shares",
        DELETE,
        "placing.new_shares: is required (shares): New shares issued by the deal.",
    ),
    (
        "fx.source",
        DELETE,
        "fx.source: is required (text): Where the rate comes from (never a hard-coded rate without a source).",
    ),
    ("proceeds.uses.0.name", DELETE, "proceeds.uses[0].name: is required (text): What the money is for."),
    # numbers
    ("placing.price", -1.91, "placing.price = -1.91: must be a positive number"),
    ("placing.price", 0, "placing.price = 0: must be a positive number"),
    ("placing.price", float("nan"), "placing.price = nan: must be a finite number (not NaN or infinity)"),
    ("placing.price", float("inf"), "placing.price = inf: must be a finite number (not NaN or infinity)"),
    ("placing.price", "HK$1.91", "placing.price = 'HK$1.91': must be a number"),
    ("placing.price", True, "placing.price = True: must be a number"),
    ("placing.price", [1.91], "placing.price = [1.91]: must be a number"),
    (
        "placing.price",
        0.1 + 0.2,
        "placing.price = 0.30000000000000004: has more than 15 significant digits, which Excel cannot hold exactly",
    ),
    (
        "placing.shares_outstanding",
        1234567890123456,
        "placing.shares_outstanding = 1234567890123456: has more than 15 significant digits, which Excel cannot hold exactly",
    ),
    ("placing.new_shares", 1.5, "placing.new_shares = 1.5: must be a whole number"),
    (
        "placing.shares_outstanding",
        10**15,
        "placing.shares_outstanding = 1000000000000000: must be below 1,000,000,000,000,000 (15 digits, what Excel holds exactly)",
    ),
    ("placing.new_shares", 0, "placing.new_shares = 0: must be a positive whole number"),
    ("placing.min_placees", -6, "placing.min_placees = -6: must be a positive whole number"),
    ("placing.mandate_limit", 0, "placing.mandate_limit = 0: must be a positive whole number"),
    ("costs.other_costs", -1, "costs.other_costs = -1: must be zero or a positive number"),
    (
        "costs.commission_rate",
        1,
        'costs.commission_rate = 1: must be a fraction from 0 to below 1, like 0.025 or "2.5%"',
    ),
    (
        "costs.commission_rate",
        "-1%",
        "costs.commission_rate = '-1%': must be a fraction from 0 to below 1, like 0.025 or \"2.5%\"",
    ),
    (
        "costs.commission_rate",
        "two%",
        "costs.commission_rate = 'two%': must be a fraction like 0.086 or a percentage like \"8.6%\"",
    ),
    (
        "costs.commission_rate",
        "",
        "costs.commission_rate = '': must be a fraction like 0.086 or a percentage like \"8.6%\"",
    ),
    (
        "proceeds.uses.0.share",
        40,
        'proceeds.uses[0].share = 40: a rate above 1 needs a percent sign; did you mean "40%"?',
    ),
    (
        "costs.commission_rate",
        2.5,
        'costs.commission_rate = 2.5: a rate above 1 needs a percent sign; did you mean "2.5%"?',
    ),
    (
        "stated.discount_to_last_close",
        D("8.15"),
        'stated.discount_to_last_close = 8.15: a rate above 1 needs a percent sign; did you mean "8.15%"?',
    ),
    (
        "stated.gross_proceeds",
        "US$415.2 million",
        "stated.gross_proceeds = 'US$415.2 million': is written in US$ (USD), but this figure is in HKD; "
        "write it in HKD; a figure in USD goes under stated.gross_proceeds_quote",
    ),
    (
        "stated.gross_proceeds_quote",
        "HK$3.25bn",
        "stated.gross_proceeds_quote = 'HK$3.25bn': is written in HK$ (HKD), but this figure is in USD; "
        "write it in USD; a figure in HKD goes under stated.gross_proceeds",
    ),
    (
        "stated.discount_to_last_close",
        "HK$8.6m",
        'stated.discount_to_last_close = \'HK$8.6m\': is a rate: write it as a percentage like "8.6%", not "HK$8.6m"',
    ),
    (
        "issuer.stock_code",
        20,
        'issuer.stock_code = 20: is a number, which loses leading zeros; quote it: stock_code = "0020"',
    ),
    (
        "issuer.currency",
        344,
        'issuer.currency = 344: is a number; codes are text, so quote it: currency = "HKD"',
    ),
    (
        "issuer.exchange",
        1,
        'issuer.exchange = 1: is a number; codes are text, so quote it: exchange = "HKEX"',
    ),
    (
        "fx.quote_currency",
        840,
        'fx.quote_currency = 840: is a number; codes are text, so quote it: quote_currency = "USD"',
    ),
    ("proceeds.decimals", 7, "proceeds.decimals = 7: must be a whole number from -9 to 6"),
    ("proceeds.decimals", -10, "proceeds.decimals = -10: must be a whole number from -9 to 6"),
    ("fx.rate", 0, "fx.rate = 0: must be a positive number"),
    # text and choices
    ("issuer.name", "", "issuer.name = '': must not be empty"),
    ("issuer.name", 42, "issuer.name = 42: must be text (in quotes)"),
    (
        "issuer.name",
        "Sense\nTime",
        "issuer.name = 'Sense\\nTime': must be one line of text with no control characters",
    ),
    (
        "issuer.name",
        "Sense\x07Time",
        "issuer.name = 'Sense\\x07Time': must be one line of text with no control characters",
    ),
    (
        "issuer.name",
        "x" * 201,
        "issuer.name = '" + "x" * 44 + "...(201 chars): is 201 characters long; the limit is 200",
    ),
    ("issuer.currency", "HK$", "issuer.currency = 'HK$': must be a three-letter currency code like \"HKD\""),
    (
        "fx.quote_currency",
        "US",
        "fx.quote_currency = 'US': must be a three-letter currency code like \"HKD\"",
    ),
    (
        "issuer.exchange",
        "XETRA",
        'issuer.exchange = \'XETRA\': must be one of "HKEX", "SGX", "NASDAQ", "ASX", "LSE", "TSX", "Bursa", "other"',
    ),
    ("placing.kind", "rights issue", 'placing.kind = \'rights issue\': must be one of "placing", "top-up"'),
    ("placing.mandate", 1, 'placing.mandate = 1: must be one of "general", "specific"'),
    (
        "placing.underwriting",
        "firm",
        'placing.underwriting = \'firm\': must be one of "best efforts", "fully underwritten"',
    ),
    ("proceeds.basis", "after tax", 'proceeds.basis = \'after tax\': must be one of "net", "gross"'),
    ("placing.agents", 5, 'placing.agents = 5: must be a list of text, like ["HSBC"]'),
    ("placing.agents", ["HSBC", ""], "placing.agents = ['HSBC', '']: must not be empty"),
    # dates
    (
        "placing.agreement_date",
        "2025-13-01",
        "placing.agreement_date = '2025-13-01': must be a date in the form YYYY-MM-DD",
    ),
    (
        "placing.announcement_date",
        "3 June 2025",
        "placing.announcement_date = '3 June 2025': must be a date in the form YYYY-MM-DD",
    ),
    (
        "placing.price_fixing_date",
        20250603,
        "placing.price_fixing_date = 20250603: must be a date in the form YYYY-MM-DD",
    ),
    (
        "placing.agreement_date",
        dt.time(9, 30),
        "placing.agreement_date = 09:30:00: must be a date in the form YYYY-MM-DD",
    ),
    # unknown names
    ("placing.pirce", 1.91, "placing.pirce: is not a known field; did you mean placing.price?"),
    ("issuer.stock_cod", "0020", "issuer.stock_cod: is not a known field; did you mean issuer.stock_code?"),
    (
        "market.average_close",
        2.0,
        "market.average_close: is not a known field; did you mean market.average_close_<N>d?",
    ),
    ("market.vwap_15", 2.0, "market.vwap_15: is not a known field; did you mean market.vwap_<N>d?"),
    (
        "market.closing",
        2.0,
        "market.closing: is not a known field; known fields: last_close, average_close_<N>d, vwap_<N>d, day_vwap, day_vwap_date, adtv_<N>d",
    ),
    (
        "market.average_close_0d",
        2.0,
        "market.average_close_0d: is not a known field; did you mean market.average_close_<N>d?",
    ),
    ("placng", {}, "placng: is not a known section; did you mean [placing]?"),
    (
        "zzz",
        {},
        "zzz: is not a known section; known sections: costs, fx, grid, issuer, market, placing, proceeds, report, shareholders, stated",
    ),
    (
        "stated.discount_to_last_clse",
        "8.6%",
        "stated.discount_to_last_clse: is not a known field; did you mean stated.discount_to_last_close?",
    ),
    ("stated", "8.6%", "stated = '8.6%': must be a table ([stated])"),
    (
        "stated.percent_of_enlarged",
        "roughly four per cent",
        "stated.percent_of_enlarged = 'roughly four per cent': must be a percentage like \"8.6%\" or "
        '"approximately 8.6%", or a fraction like 0.086',
    ),
    # tables
    (
        "proceeds.uses",
        {"name": "A"},
        "proceeds.uses = {'name': 'A'}: must be a list of [[proceeds.uses]] tables",
    ),
    (
        "proceeds.uses.1",
        "Generative AI",
        "proceeds.uses[1] = 'Generative AI': must be a [[proceeds.uses]] table",
    ),
    (
        "market.history",
        [{"date": "2025-06-02"}],
        "market.history[0].close: is required (issuer currency per share): Closing price.",
    ),
    (
        "market.history",
        [{"date": "2025-06-02", "close": 2.1, "volume": -5}],
        "market.history[0].volume = -5: must be zero or a positive whole number",
    ),
    (
        "shareholders",
        [{"name": "Founder"}],
        "shareholders[0].shares: is required (shares): Shares held before the deal.",
    ),
    # cross-field checks
    (
        "proceeds.uses.3.share",
        0.05,
        "proceeds.uses: the shares of the uses add up to 95%, not 100%; correct them so they total 100%",
    ),
    (
        "proceeds.uses.3.share",
        "10.5%",
        "proceeds.uses: the shares of the uses add up to 100.5%, not 100%; correct them so they total 100%",
    ),
    (
        "proceeds.uses.3.name",
        "sensecore AI infrastructure",
        "proceeds.uses[3].name = 'sensecore AI infrastructure': appears twice; give each use once",
    ),
    (
        "shareholders",
        [{"name": "A", "shares": 40_000_000_000}, {"name": "B", "shares": 424_038_001}],
        "shareholders: the listed holders hold 40,424,038,001 shares in all, more than "
        "placing.shares_outstanding (40,424,038,000); correct the holdings",
    ),
    (
        "placing.class_shares_outstanding",
        40_424_038_001,
        "placing.class_shares_outstanding = 40424038001: cannot exceed placing.shares_outstanding (40,424,038,000)",
    ),
    ("placing.mandate_used", 100, "placing.mandate_used = 100: needs placing.mandate_limit as well"),
    (
        "market.history",
        [
            {"date": dt.date(2025, 6, 3), "close": 2.1},
            {"date": dt.date(2025, 6, 2), "close": 2.1},
        ],
        "market.history[1].date = 2025-06-02: must be after the previous row's 2025-06-03 (history runs oldest first, one row a day)",
    ),
    (
        "market.history",
        [
            {"date": dt.date(2025, 6, 3), "close": 2.1},
            {"date": dt.date(2025, 6, 3), "close": 2.2},
        ],
        "market.history[1].date = 2025-06-03: must be after the previous row's 2025-06-03 (history runs oldest first, one row a day)",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    CASES,
    # DELETE's repr holds its address: the same ids in every process (pytest-xdist's workers compare them)
    ids=[f"{p}={'<deleted>' if v is DELETE else repr(v)}"[:60] for p, v, _ in CASES],
)
def test_each_problem_has_one_clear_message(path, value, expected):
    """Each bad input gives exactly one line: file, field path, value and the expected form."""
    assert messages(change(demo(), path, value)) == [f"{SOURCE}: {expected}"]


@pytest.mark.parametrize(("used", "problems"), [(9_000_000_000, 1), (8_000_000_000, 0), (0, 0)])
def test_mandate_used_cannot_exceed_the_mandate_limit(used, problems):
    """More shares already issued under the mandate than it allows is impossible; up to the limit is fine."""
    data = change(change(demo(), "placing.mandate_limit", 8_000_000_000), "placing.mandate_used", used)
    expected = (
        f"{SOURCE}: placing.mandate_used = {used}: cannot exceed placing.mandate_limit (8,000,000,000); "
        "correct one of them"
    )
    if problems:
        assert messages(data) == [expected]
    else:
        assert deal_from_mapping(data, SOURCE).placing.mandate_used == used


def test_a_missing_section_is_one_problem():
    """Without [placing] there is one line for the section, not one per required field in it."""
    assert messages(change(demo(), "placing", DELETE)) == [
        f"{SOURCE}: placing: the [placing] section is missing"
    ]


def test_an_empty_fx_table_lists_what_it_needs():
    """An empty [fx] table is incomplete: each of its three required fields is named."""
    assert messages(change(demo(), "fx", {})) == [
        f"{SOURCE}: fx.quote_currency: is required (ISO 4217 code): Second currency amounts are shown in.",
        f"{SOURCE}: fx.rate: is required (issuer currency per quote unit): Exchange rate, e.g. 7.8203 HKD per USD.",
        f"{SOURCE}: fx.source: is required (text): Where the rate comes from (never a hard-coded rate without a source).",
    ]


def test_a_misspelt_field_in_a_row_is_named_with_its_row():
    """`shares` instead of `share` in the first use: the unknown name and the missing field, both with [0]."""
    assert messages(change(demo(), "proceeds.uses.0", {"name": "A", "shares": 0.4})) == [
        f"{SOURCE}: proceeds.uses[0].shares: is not a known field; did you mean proceeds.uses[0].share?",
        f'{SOURCE}: proceeds.uses[0].share: is required (fraction): Share of the proceeds, 0.40 or "40%"; all shares add up to 100%.',
    ]


def test_an_empty_deal_names_the_required_sections():
    """An empty file is told which sections it needs, one line each."""
    assert messages({}) == [
        f"{SOURCE}: issuer: the [issuer] section is missing",
        f"{SOURCE}: placing: the [placing] section is missing",
    ]


def test_odd_unknown_names_are_quoted_on_one_line():
    """An unknown name with a newline or of great length is shown quoted and shortened, on one line."""
    data = change(demo(), "stated.bad\nname", 1)
    data = change(data, "placing." + "x" * 500, 1)
    assert messages(data) == [
        f"{SOURCE}: placing.'"
        + "x" * 44
        + "...(500 chars): is not a known field; known fields: "
        + ", ".join(spec.name for spec in SECTIONS["placing"]),
        f"{SOURCE}: stated.'bad\\nname': is not a known field; known fields: " + ", ".join(STATED_KEYS),
    ]


def test_too_many_rows():
    """A table with more rows than the limit is refused as a whole, with the count and the limit."""
    rows = [{"date": "2025-01-01", "close": 1} for _ in range(MAX_ROWS + 1)]
    assert messages(change(demo(), "market.history", rows)) == [
        f"{SOURCE}: market.history: has 10,001 rows; the limit is 10,000"
    ]


def test_uses_and_holders_have_a_lower_limit():
    """101 uses or holders are refused: each is named in a report sentence that must fit one cell."""
    uses = [{"name": f"use {i}", "share": 0} for i in range(101)]
    holders = [{"name": f"holder {i}", "shares": 0} for i in range(101)]
    data = change(change(demo(), "proceeds.uses", uses), "shareholders", holders)
    assert messages(data) == [
        f"{SOURCE}: proceeds.uses: has 101 rows; the limit is 100",
        f"{SOURCE}: shareholders: has 101 rows; the limit is 100",
    ]


def test_invalid_row_index_is_kept_for_later_checks():
    """With row 1 invalid, an out-of-order row 2 is reported as market.history[2], its real index."""
    history = [
        {"date": dt.date(2025, 6, 3), "close": 2.1},
        {"date": "June 4", "close": 2.1},
        {"date": dt.date(2025, 6, 2), "close": 2.1},
    ]
    lines = messages(change(demo(), "market.history", history))
    assert lines == [
        f"{SOURCE}: market.history[1].date = 'June 4': must be a date in the form YYYY-MM-DD",
        f"{SOURCE}: market.history[2].date = 2025-06-02: must be after the previous row's 2025-06-03 "
        "(history runs oldest first, one row a day)",
    ]


def test_an_invalid_share_does_not_also_report_a_wrong_sum():
    """A share of 40 (meant as 40%) is reported once; the sum check waits until every share is valid."""
    assert messages(change(demo(), "proceeds.uses.0.share", 40)) == [
        f'{SOURCE}: proceeds.uses[0].share = 40: a rate above 1 needs a percent sign; did you mean "40%"?'
    ]


def test_an_invalid_last_close_is_reported_once():
    """A negative last close is one problem, not also 'is required'."""
    assert messages(change(demo(), "market.last_close", -2.09)) == [
        f"{SOURCE}: market.last_close = -2.09: must be a positive number"
    ]


def test_all_problems_are_reported_at_once(tmp_path):
    """A file with five mistakes lists all five, each prefixed with the file path as given."""
    data = change(demo(), "placing.price", -1.91)
    data = change(data, "placing.pirce", 1.91)
    data = change(data, "issuer.currency", DELETE)
    data = change(data, "proceeds.uses.0.share", 0.3)
    data = change(data, "fx.rate", "7.8203 HKD")
    path = tmp_path / "x.json"
    path.write_text(json.dumps(to_json(data)), encoding="utf-8")
    with pytest.raises(DealError) as caught:
        read_deal_file(path)
    source = str(path)
    assert str(caught.value).splitlines() == [
        f"{source}: issuer.currency: is required (ISO 4217 code): Currency of the price and of every amount in the file.",
        f"{source}: placing.price = -1.91: must be a positive number",
        f"{source}: placing.pirce: is not a known field; did you mean placing.price?",
        f"{source}: fx.rate = '7.8203 HKD': must be a number",
        f"{source}: proceeds.uses: the shares of the uses add up to 90%, not 100%; correct them so they total 100%",
    ]
    assert caught.value.source == source
    assert [p.path for p in caught.value.problems] == [
        "issuer.currency",
        "placing.price",
        "placing.pirce",
        "fx.rate",
        "proceeds.uses",
    ]


def test_problem_for_the_brief_example_reads_as_documented(tmp_path, monkeypatch):
    """examples/x.toml with price -1.91 gives exactly 'examples/x.toml: placing.price = -1.91: must be a positive number'."""
    monkeypatch.chdir(tmp_path)
    Path("examples").mkdir()
    text = (EXAMPLES / "sensetime.toml").read_text(encoding="utf-8")
    Path("examples/x.toml").write_text(text.replace("price = 1.91", "price = -1.91"), encoding="utf-8")
    with pytest.raises(DealError) as caught:
        read_deal_file("examples/x.toml")
    assert str(caught.value) == "examples/x.toml: placing.price = -1.91: must be a positive number"


# ---------------------------------------------------------------- any input: a Deal or a clear DealError

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.dates(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
FIELD_PATHS = [
    f"{section}.{spec.name}"
    for section, specs in SECTIONS.items()
    for spec in specs
    if "<N>" not in spec.name
] + [
    "proceeds.uses.0.share",
    "proceeds.uses.1.name",
    "market.history",
    "shareholders",
    "stated",
    "fx",
    "market",
]


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(FIELD_PATHS), value=json_values)
def test_any_value_in_any_field_gives_a_deal_or_a_clear_error(path, value):
    """Property: whatever a field holds, validation returns a Deal or raises a DealError naming a field."""
    data = change(demo(), path, value)
    try:
        deal = deal_from_mapping(data, SOURCE)
    except DealError as error:
        problems, text = error.problems, str(error)
    else:
        assert deal.placing.new_shares > 0
        return
    assert problems
    assert len(text.splitlines()) == len(problems)  # one line per problem: no raw newlines from the file
    assert all(line.startswith(f"{SOURCE}: ") for line in text.splitlines())


@pytest.mark.parametrize("name", ["deal.toml", "deal.json"])
def test_utf8_with_byte_order_mark_and_crlf_loads(tmp_path, name):
    """A file saved by Windows Notepad (UTF-8 with a byte-order mark, CRLF line ends) loads like any other."""
    with (EXAMPLES / "sensetime.toml").open("rb") as handle:
        data = tomllib.load(handle)
    text = (EXAMPLES / "sensetime.toml").read_text(encoding="utf-8")
    if name.endswith(".json"):
        text = json.dumps(to_json(data), indent=2)
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    deal = read_deal_file(path)
    assert dataclasses.replace(deal, source="") == dataclasses.replace(
        read_deal_file(EXAMPLES / "sensetime.toml"), source=""
    )


@settings(max_examples=200, deadline=None)
@given(
    content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    suffix=st.sampled_from([".toml", ".json"]),
)
def test_any_file_content_gives_a_deal_or_a_clear_error(tmp_path_factory, content, suffix):
    """Property: whatever bytes a deal file holds, loading it gives a Deal or a DealError, never another exception."""
    path = tmp_path_factory.mktemp("fuzz") / f"deal{suffix}"
    path.write_bytes(content)
    try:
        read_deal_file(path)
    except DealError as error:
        lines = str(error).splitlines()
    else:
        return
    assert lines
    assert all(line.startswith(f"{path}: ") for line in lines)


def test_stated_whole_amount_is_shown_as_published():
    """A stated whole amount is shown with thousands separators, as an announcement prints it."""
    assert parse_published(3_250_000_000, kind="amount").text == "3,250,000,000"
    assert parse_published("8.6%", kind="percent").text == "8.6%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("yes", True), ("Yes", True), (" true ", True), ("no", False), ("NO", False), ("false", False)],
)
def test_every_yes_no_field_reads_the_same_text_the_same_way(text: str, expected: bool) -> None:
    """placing.public_offering and shareholders[].public give one answer for "yes", "no", "true", "false"."""
    data = {
        "issuer": {"name": "Example Inc", "stock_code": "EXMP", "exchange": "NASDAQ", "currency": "USD"},
        "placing": {"new_shares": 1_000, "price": "2.00", "public_offering": text},
        "shareholders": [{"name": "Holder A", "shares": 1_000, "public": text}],
    }
    deal = deal_from_mapping(data, SOURCE)
    assert deal.placing.public_offering is expected
    assert deal.shareholders[0].public is expected


@pytest.mark.parametrize("path", ["placing.independent_placees", "shareholders.0.public"])
def test_a_yes_no_field_refuses_other_text_naming_the_field(path: str) -> None:
    """Text that is neither yes/no nor true/false is refused, by the same message in each yes/no field."""
    data = demo()
    data["shareholders"] = [{"name": "Holder A", "shares": 1_000}]
    assert messages(change(data, path, "maybe")) == [
        f"{SOURCE}: {path.replace('.0.', '[0].')} = 'maybe': must be true or false"
    ]

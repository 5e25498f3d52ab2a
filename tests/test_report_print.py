"""Print-ready pages: footers inside the page, prices at their precision, no filler rows,
readable waterfall labels, hidden workings, one scale for the pages, clear Checks headers."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from report_support import find_row, formulas, history_deal, named, named_cell, render, values

from xl_placement import api
from xl_placement.dealfile import deal_from_mapping
from xl_placement.figures import compute
from xl_placement.wording import announcement_sentences

REPORT_SHEETS = ("Deal sheet", "Use of proceeds", "Shareholding", "Checks")
LEFT_OUT = ("Class of shares placed", "Placing agent(s)", "Placees", "Offering")
HKEX_ONLY = ("Rule 7.27B", "General mandate limit", "Already issued under the mandate", "Mandate headroom")


def deal(exchange: str = "SGX", **changes: Any) -> dict[str, Any]:
    """A plain deal with no class, agents, placees, offering or FX; ``changes`` replace sections."""
    mapping: dict[str, Any] = {
        "issuer": {"name": "Plain Holdings", "stock_code": "PLN", "exchange": exchange, "currency": "SGD"},
        "placing": {"new_shares": 45_000_000, "price": "0.835", "shares_outstanding": 600_000_000},
        "market": {"last_close": "0.90", "average_close_5d": "0.885"},
        "costs": {"commission_rate": "2.5%", "other_costs": 250_000},
        "proceeds": {
            "basis": "net",
            "decimals": 0,
            "uses": [{"name": "Expansion", "share": "60%"}, {"name": "Working capital", "share": "40%"}],
        },
    }
    for section, value in changes.items():
        mapping[section] = value
    return mapping


def texts(sheet: Any) -> list[str]:
    """Every text cell of a sheet."""
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def decimals(number_format: str) -> int:
    """The decimals a plain number format such as ``#,##0.000`` shows."""
    match = re.fullmatch(r"#,##0(?:\.(0+))?", number_format)
    assert match, number_format
    return len(match[1] or "")


def xml(data: bytes, part: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(part).decode("utf-8")


@pytest.fixture(scope="module")
def demo() -> bytes:
    return render("sensetime")


def test_footer_has_room_inside_the_bottom_margin(demo):
    """Each sheet's footer sits at least 0.4 in above the bottom margin's edge, so its 8-point line is not clipped."""
    book = formulas(demo)
    for title in REPORT_SHEETS:
        margins = book[title].page_margins
        assert margins.bottom - margins.footer >= 0.4, title


def test_prices_show_the_decimals_they_were_given_with_at_least_two():
    """Placing price 0.835 shows 3 decimals, 0.90 shows 2 (not 0.9 or 0.900), SenseTime's 2.021 shows 3, 1.91 shows 2."""
    plain = formulas(render(deal()))
    sheet = plain["Deal sheet"]
    assert decimals(named_cell(plain, "Price").number_format) == 3
    assert decimals(sheet.cell(find_row(sheet, "Last close"), 3).number_format) == 2
    assert decimals(sheet.cell(find_row(sheet, "5-day average close"), 3).number_format) == 3
    sensetime = formulas(render("sensetime"))
    sheet = sensetime["Deal sheet"]
    assert decimals(named_cell(sensetime, "Price").number_format) == 2
    assert decimals(sheet.cell(find_row(sheet, "5-day average close"), 3).number_format) == 3
    byd = formulas(render("byd"))
    assert decimals(named_cell(byd, "Price").number_format) == 2  # 335.20, not 335.200


@pytest.mark.parametrize(
    ("price", "costs"), [("0.835", 250_000), ("1.91", 0), ("335.2", 126_000_000), ("0.8", 3_600_000)]
)
def test_net_price_reads_the_same_in_the_headline_and_the_wording(price, costs):
    """The key-figure tile, shown with its number format, carries the same digits as the announcement's sentence."""
    mapping = deal(
        placing={"new_shares": 45_000_000, "price": price, "shares_outstanding": 600_000_000},
        costs={"commission_rate": 0, "other_costs": costs},
    )
    data = render(mapping)
    tile = named_cell(formulas(data), "KeyNetPrice")
    places = decimals(tile.number_format)
    shown = f"{Decimal(str(named(values(data), 'KeyNetPrice'))):,.{places}f}"
    sentence = next(
        s for s in announcement_sentences(compute(deal_from_mapping(mapping, "t"))) if "net price" in s
    )
    assert f"S${shown}." in sentence, (shown, sentence)
    assert places >= 2


def test_terms_not_given_are_left_out_and_the_rest_close_up():
    """No "not given" rows: class, agents, placees and offering are absent; new shares and price follow the terms."""
    # Underwriting and the mandate, like the new shares and the price, say "not given" when left out.
    mapping = deal(placing={**deal()["placing"], "underwriting": "best efforts", "mandate": "general"})
    book = values(render(mapping))
    sheet = book["Deal sheet"]
    shown = texts(sheet)
    terms = [sheet.cell(row, 3).value for row in range(1, find_row(sheet, "Pricing"))]
    assert "not given" not in terms
    for label in LEFT_OUT:
        assert label not in shown, label
    assert find_row(sheet, "New shares placed") == find_row(sheet, "Underwriting") + 1
    assert named(book, "NewShares") == 45_000_000
    assert named(book, "Price") == pytest.approx(0.835)


def test_exchange_rate_rows_appear_only_with_an_exchange_rate():
    """Without [fx] no "Exchange rate" or source line; with it, both show (the rate and its source)."""
    without = values(render(deal()))["Deal sheet"]
    assert not any("Exchange rate" in t or "none given" in t for t in texts(without))
    fx = {"quote_currency": "USD", "rate": "1.35", "source": "MAS reference rate"}
    book = values(render(deal(fx=fx)))
    assert any(t.startswith("Exchange rate (SGD per USD)") for t in texts(book["Deal sheet"]))
    assert named(book, "FxSource") == "MAS reference rate"
    assert named(book, "FxRate") == pytest.approx(1.35)


def with_mandate(exchange: str) -> dict[str, Any]:
    """The plain deal with its general mandate's limit and use given where a general mandate exists."""
    mapping = deal(exchange)
    if exchange in ("HKEX", "SGX"):
        mapping["placing"] |= {"mandate_limit": 120_000_000, "mandate_used": 5_000_000}
    return mapping


@pytest.mark.parametrize("exchange", ["SGX", "ASX", "NASDAQ", "other"])
def test_non_hkex_deals_show_no_hong_kong_rule_rows(exchange):
    """No Rule 7.27B rows outside HKEX; the general-mandate rows only where there is one (SGX Rule 806)."""
    shown = " | ".join(texts(values(render(with_mandate(exchange)))["Deal sheet"]))
    assert "Rule 7.27B" not in shown
    for label in HKEX_ONLY[1:]:
        assert (label in shown) == (exchange == "SGX"), (exchange, label)


def test_sgx_mandate_rows_move_up_and_keep_their_formula():
    """On SGX the mandate rows take the place of the Rule 7.27B rows; the headroom formula still computes."""
    mapping = deal(placing={**deal()["placing"], "mandate_limit": 120_000_000})
    data = render(mapping)
    book = values(data)
    sheet = book["Deal sheet"]
    assert find_row(sheet, "General mandate limit (shares)", column=7) == (
        find_row(sheet, "New shares as % of enlarged shares", column=7) + 1
    )
    assert named(book, "MandateHeadroom") == 120_000_000 - 45_000_000
    assert named_cell(formulas(data), "MandateHeadroom").data_type == "f"


def test_hkex_deal_keeps_its_rule_rows():
    """The same deal on HKEX shows the Rule 7.27B and mandate rows."""
    shown = " | ".join(texts(values(render(with_mandate("HKEX")))["Deal sheet"]))
    for label in HKEX_ONLY:
        assert label in shown, label


def test_independent_only_when_the_deal_says_so():
    """SenseTime's deal says its placees are independent; without placing.independent_placees no page says it."""
    assert named(values(render("sensetime")), "Placees") == "Not less than six independent placees"
    mapping = deal(placing={**deal()["placing"], "min_placees": 6})
    book = values(render(mapping))
    assert named(book, "Placees") == "Not less than six placees"
    assert not any("independent" in t.lower() for s in book.worksheets for t in texts(s))


def test_shares_and_price_align_with_the_terms_above(demo):
    """ "New shares placed" and "Placing price" are left-aligned, like every term in that column."""
    book = formulas(demo)
    for key in ("NewShares", "Price"):
        assert (
            named_cell(book, key).alignment.horizontal == named_cell(book, "IssuerName").alignment.horizontal
        )


def test_columns_in_millions_that_do_not_foot_say_so():
    """191.14m less 5.16m shows 191.1 less 5.2 against 186.0 net: the note states the 0.1 difference."""
    mapping = deal(
        placing={"new_shares": 19_114_000, "price": 10, "shares_outstanding": 600_000_000},
        market={"last_close": 11},
        costs={"commission_rate": 0, "other_costs": 5_160_000},
    )
    note = named(values(render(mapping)), "CostsNote")
    assert "191.1 less 5.2 is 185.9, against net 186.0" in note
    assert "0.1m" in note


def test_columns_that_foot_carry_no_rounding_note(demo):
    """SenseTime's HK$ and US$ columns foot as shown, so no rounding sentence is added."""
    assert "rounding difference" not in named(values(demo), "CostsNote")


def test_every_report_page_prints_at_the_deal_sheets_width(demo):
    """Shareholding's printed columns are as wide as the deal sheet's, so both print at the same scale."""
    book = formulas(demo)

    def width(title: str) -> float:
        sheet = book[title]
        area = sheet.print_area
        last = re.search(r"\$([A-Z]+)\$\d+$", area if isinstance(area, str) else area[0])
        assert last
        end = openpyxl.utils.column_index_from_string(last[1])
        return sum(
            sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43
            for c in range(1, end + 1)
        )

    assert width("Shareholding") == pytest.approx(width("Deal sheet"), rel=0.02)


def test_placees_hold_nothing_before_the_deal_shown_as_dashes(demo):
    """The placees' "before" shares and percentage show an en dash for zero, not "0 / 0.00%"."""
    book = formulas(demo)
    sheet = book["Shareholding"]
    row = find_row(sheet, "Placees")
    for column in (3, 4):
        zero_section = sheet.cell(row, column).number_format.split(";")[2]
        assert "\u2013" in zero_section


def test_no_formula_subtracts_a_literal_zero():
    """Without listed holders the public's shares are =SharesOutstanding, not =SharesOutstanding-0."""
    for data in (render("sensetime"), render(deal())):
        for sheet in formulas(data).worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    if c.data_type == "f":
                        assert not re.search(r"-0(?![.\d])", c.value), c.value


def test_checks_headers_are_distinct_and_phrases_left_aligned(demo):
    """The stated table's heads differ from each other; the wrapped Figure/Limit phrases are left-aligned."""
    sheet = formulas(demo)["Checks"]
    stated = find_row(sheet, "No.")
    heads = [sheet.cell(stated, c).value for c in range(2, 8)]
    assert len(set(heads)) == len(heads), heads
    first_rule = find_row(sheet, "Rule") + 1
    for column in (4, 5):
        assert sheet.cell(first_rule, column).alignment.horizontal == "left"


def test_figure_labels_read_as_sentences_and_quote_figures_are_distinct():
    """ "Discount to last close" (not "Last close"); gross proceeds in the quote currency have their own label."""
    rows = {row.key: row.label for row in api.figure_rows(compute(api.load_deal("examples/sensetime.toml")))}
    assert rows["discount_to_last_close"] == "Discount to last close"
    assert rows["discount_to_average_close_5d"] == "Discount to 5-day average close"
    assert rows["gross_proceeds_quote"] != rows["gross_proceeds"]
    assert rows["net_proceeds_quote"] != rows["net_proceeds"]


def test_workings_columns_are_grouped_hidden_and_off_the_page(demo):
    """Columns R:AB are grouped and hidden, the print area ends before them, and the chart still plots them."""
    book = formulas(demo)
    sheet = book["Use of proceeds"]
    for column in ("R", "S", "V", "X", "AB"):
        assert sheet.column_dimensions[column].hidden, column
        assert sheet.column_dimensions[column].outlineLevel == 1, column
    assert sheet.column_dimensions["P"].hidden is False
    area = sheet.print_area if isinstance(sheet.print_area, str) else sheet.print_area[0]
    assert area.split(":")[1].startswith("$P$")
    assert '<plotVisOnly val="0"/>' in chart_parts(demo)
    assert find_row(sheet, "Gross proceeds", column=18)  # the workings are still there


def chart_parts(data: bytes) -> str:
    """The chart's XML with the chart namespace prefix dropped (openpyxl writes it as the default)."""
    return re.sub(r"<(/?)c:", r"<\1", xml(data, "xl/charts/chart1.xml")).replace(" />", "/>")


def test_chart_caches_the_series_the_cells_hold(demo):
    """Each series stores its values and the categories their labels, equal to the chart data cells."""
    chart = chart_parts(demo)
    book = values(demo)
    sheet = book["Use of proceeds"]
    first = find_row(sheet, "Gross proceeds", column=18)
    labels = [sheet.cell(first + i, 18).value for i in range(6)]  # gross, net and four uses
    cached_labels = re.findall(r"<pt idx=\"\d+\"><v>([^<]*)</v>", chart.split("</cat>")[0].split("<cat>")[1])
    assert cached_labels == labels
    series = chart.split("<ser>")[1:]
    assert len(series) == 4
    for offset, part in enumerate(series, start=19):
        values_xml = part.split("<val>")[1]
        cached = [float(v) for v in re.findall(r"<v>([^<]*)</v>", values_xml)]
        cells = [float(sheet.cell(first + i, offset).value) for i in range(6)]
        assert cached == pytest.approx(cells), offset


def test_thin_and_zero_bars_carry_their_amount_below_the_axis():
    """BYD's HK$126.0m costs (0.3% of gross) are labelled in the category, not on the bar; zero costs get no bar."""
    byd = render("byd")
    sheet = values(byd)["Use of proceeds"]
    costs_row = find_row(sheet, "Gross proceeds", column=18) + 1
    assert sheet.cell(costs_row, 18).value == "Costs\n126.0"
    assert formulas(byd)["Use of proceeds"].cell(costs_row, 18).data_type == "f"
    chart = chart_parts(byd)
    costs_series = chart.split("<ser>")[3]
    assert '<dLbl><idx val="1"/><showLegendKey val="0"/><showVal val="0"/>' in costs_series
    zero = values(render("sensetime"))["Use of proceeds"]
    assert zero.cell(find_row(zero, "Gross proceeds", column=18) + 1, 18).value == "Net proceeds"


def test_a_small_use_gets_its_amount_from_the_use_table():
    """A 2% use is too thin for a label inside: its category reads the use's name cell and its amount."""
    mapping = copy.deepcopy(deal())
    mapping["proceeds"]["uses"] = [
        {"name": "Expansion", "share": "98%"},
        {"name": "Legal reserve", "share": "2%"},
    ]
    data = render(mapping)
    sheet = formulas(data)["Use of proceeds"]
    last = find_row(values(data)["Use of proceeds"], "Gross proceeds", column=18) + 4
    assert sheet.cell(last, 18).value.startswith(
        "=$B$"
    )  # the name comes from the table, never typed into a formula
    assert values(data)["Use of proceeds"].cell(last, 18).value.startswith("Legal reserve\n0.7")


def test_value_labels_are_white_and_long_names_break_between_words(demo):
    """Labels inside bars are white; "Generative AI research and commercialisation" breaks only at spaces."""
    chart = chart_parts(demo)
    for part in chart.split("<ser>")[2:]:
        labels = part.split("<dLbls>")[1].split("</dLbls>")[0]
        assert 'val="FFFFFF"' in labels
        assert 'val="000000"' not in labels
    sheet = values(demo)["Use of proceeds"]
    first = find_row(sheet, "Gross proceeds", column=18)
    label = sheet.cell(first + 3, 18).value  # gross, net, then the uses
    assert label.replace("\n", " ") == "Generative AI research and commercialisation"
    assert "commercialisation" in label.split("\n")


def test_history_deal_renders_with_all_layout_rules():
    """A price-history deal (no FX, no class) still fills every named cell the layout moved."""
    book = values(render(history_deal()))
    assert named(book, "IssuerName") == "History Holdings"
    assert named(book, "NewShares") == 3_000_000
    assert named(book, "CostsNote")

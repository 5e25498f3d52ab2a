"""Unknown is not zero: costs or a mandate the deal file leaves out are "not given" on every face, never 0."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from report_support import example_mapping, figures_of, named, render

from xl_placement import api, cli
from xl_placement.checks import INCOMPLETE, check_deal
from xl_placement.summary import summary_lines
from xl_placement.wording import announcement_sentences

NET_CELLS = ("TotalCosts", "Net", "NetPerShare", "NetQuote", "TotalCostsQuote", "KeyNetPrice")


def byd_without_costs() -> dict[str, Any]:
    """BYD as published (net HK$43,383m stated) but with no [costs]: the stated net cannot be checked."""
    return example_mapping("byd", costs=None)


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "deal.json"  # JSON deal files have the TOML shape
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_without_costs_is_incomplete_naming_the_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """BYD without [costs]: the stated net HK$43,383m is "not enough data" (not "differs" against gross
    HK$43,509m), the status is incomplete, exit 0, and 1 with --strict."""
    path = write(tmp_path, byd_without_costs())
    code, out, err = run(capsys, "check", str(path))
    assert (code, err) == (0, "")
    assert "[not enough data] Net proceeds: stated HK$43,383 million" in out
    assert "costs.commission_rate and costs.other_costs" in out
    assert (
        "net proceeds and net price per share: not given (needs costs.commission_rate and costs.other_costs)"
        in out
    )
    assert "differs" not in out
    last = out.splitlines()[-1]
    assert last.startswith("incomplete: ")
    assert "stated.net_proceeds (decided by costs.commission_rate, costs.other_costs)" in last
    code, out, _ = run(capsys, "check", str(path), "--strict")
    assert code == 1
    code, out, _ = run(capsys, "check", "--json", str(path))
    report = json.loads(out)
    assert (code, report["status"]) == (0, INCOMPLETE)
    net = next(s for s in report["stated"] if s["key"] == "net_proceeds")
    assert (net["status"], net["computed"]) == ("not enough data", None)
    figures = report["figures"]
    assert figures["net_proceeds"]["value"] is None
    assert "costs.commission_rate" in figures["net_proceeds"]["note"]
    assert figures["gross_proceeds"]["value"] == "43508960000.00"
    assert all("split of gross proceeds" in figures[f"use_{i}"]["note"] for i in range(3))


def test_the_same_deal_with_its_costs_matches(capsys: pytest.CaptureFixture[str]) -> None:
    """With BYD's [costs] (other costs HK$126m) the stated net matches: net proceeds are computed once costs are given."""
    code, out, _ = run(capsys, "check", str(Path(__file__).resolve().parent.parent / "examples" / "byd.toml"))
    assert "[matches] Net proceeds" in out
    assert code == 0


def test_wording_says_net_is_not_given_and_that_the_uses_split_gross() -> None:
    """No sentence claims a net figure or that no costs were deducted; the uses sentence says it splits gross."""
    sentences = announcement_sentences(figures_of(byd_without_costs()))
    text = " ".join(sentences)
    assert (
        "[The net proceeds and the net price per share are not given: needs costs.commission_rate and costs.other_costs.]"
        in text
    )
    assert "No costs are deducted" not in text
    assert "net price per" not in text.replace("net price per share are not given", "")
    uses = sentences[-1]
    assert uses.startswith(
        "[The net proceeds are not given (needs costs.commission_rate and costs.other_costs): the amounts below split the gross proceeds.]"
    )
    # 50/30/20% of gross HK$43,508,960,000 (whole dollars): 21,754.5m, 13,052.7m, 8,701.8m.
    assert "HK$21,754.5m" in uses or "HK$21,754.5 million" in uses


def test_summary_and_api_frames_say_not_given() -> None:
    """The command line's summary and the figures frame say not given, naming the fields; gross is still there."""
    figures = figures_of(byd_without_costs())
    lines = summary_lines(figures)
    assert any(
        line.startswith("  use of proceeds: stated on net proceeds, which are not given; the split of gross")
        for line in lines
    )
    rows = {r.key: r for r in api.figure_rows(figures)}
    for key in ("net_proceeds", "net_price_per_share", "commission", "other_costs"):
        assert rows[key].value is None
        assert rows[key].note.startswith("not given")
    assert rows["gross_proceeds"].value == 43_508_960_000


def test_report_leaves_net_off_and_no_formula_uses_it() -> None:
    """Net, total costs, net per share and their quotes have no cell at all (their rows are left off the deal
    sheet, never a number); the net price's tile says the costs were not published; no formula refers to
    them, the uses are a split of Gross labelled "gross (net not given)", and the grid's net column says not given."""
    data = render(example_mapping("sensetime", costs=None))
    book = openpyxl.load_workbook(io.BytesIO(data))
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    for name in (
        *NET_CELLS[:-1],
        "CommissionRate",
        "Commission",
        "OtherCosts",
        "CommissionQuote",
        "OtherCostsQuote",
    ):
        assert name not in book.defined_names, name
    labels = {c.value for row in cached["Deal sheet"].iter_rows() for c in row}
    assert not labels & {"Net proceeds", "Total costs", "Placing commission", "not given"}
    assert named(cached, "KeyNetPrice") == "Costs not published"
    assert named(cached, "AllocBasis") == "gross (net not published)"
    assert named(book, "AllocBase") == "=Gross"
    assert named(cached, "AllocBase") == 3_247_000_000
    assert named(cached, "CostsNote") == "Costs and net proceeds were not published."
    pattern = re.compile(
        r"\b(" + "|".join((*NET_CELLS, "TotalCosts", "CommissionRate", "OtherCosts")) + r")\b"
    )
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert not pattern.search(str(cell.value)), (
                        f"{sheet.title}!{cell.coordinate} {cell.value}"
                    )
    texts = [c.value for row in cached["Pricing grid"].iter_rows() for c in row]
    assert texts.count("not given") >= 10  # one net cell per grid price


@pytest.mark.parametrize(
    ("costs", "net"),
    [
        ({"commission_rate": 0, "other_costs": 0}, 3_247_000_000),
        ({"commission_rate": "1%", "other_costs": 1_000_000}, 3_247_000_000 - 32_470_000 - 1_000_000),
    ],
)
def test_costs_written_out_give_net(costs: dict[str, object], net: int) -> None:
    """Zero costs are what the deal file writes; 1% of HK$3,247m is HK$32.47m, less HK$1m other costs."""
    figures = figures_of(example_mapping("sensetime", costs=costs))
    assert figures.proceeds.net == net
    assert (
        named(
            openpyxl.load_workbook(
                io.BytesIO(render(example_mapping("sensetime", costs=costs))), data_only=True
            ),
            "Net",
        )
        == net
    )


def test_a_mandate_not_given_is_never_called_general() -> None:
    """Without placing.mandate no sentence, cell or check says general (or specific) mandate."""
    data = example_mapping("sensetime")
    del data["placing"]["mandate"]
    figures = figures_of(data)
    text = " ".join(announcement_sentences(figures))
    assert "general mandate" not in text
    assert "specific mandate" not in text
    book = openpyxl.load_workbook(io.BytesIO(render(data)), data_only=True)
    assert "Mandate" not in book.defined_names  # the term's row is left off the deal sheet
    assert not any(c.value == "Mandate" for row in book["Deal sheet"].iter_rows() for c in row)
    details = " ".join(r.detail for r in check_deal(figures).rules)
    assert "issued under a specific mandate" not in details
    assert "issued under the general mandate" not in details


def test_frames_hold_none_with_the_reason() -> None:
    """figures_frame: net proceeds None with the fields named; grid_frame: no net at any price."""
    pytest.importorskip("pandas")
    figures = figures_of(example_mapping("sensetime", costs=None))
    frame = api.figures_frame(figures)
    assert frame.loc["net_proceeds", "exact"] is None
    assert "costs.commission_rate and costs.other_costs" in frame.loc["net_proceeds", "note"]
    assert frame.loc["use_0", "note"].startswith("split of gross proceeds")
    grid = api.grid_frame(figures)
    assert grid["net_proceeds"].isna().all()
    assert grid["gross_proceeds"].notna().all()


def test_the_market_cap_label_says_what_it_counts() -> None:
    """BYD: "(H shares only)"; with its A shares: "(all classes)"; SenseTime, a class without its count: no row."""
    from report_support import byd_with_a_shares  # noqa: PLC0415

    def label(data: dict[str, Any] | str) -> str:
        sheet = openpyxl.load_workbook(io.BytesIO(render(data)), data_only=True)["Deal sheet"]
        found = [
            c.value
            for row in sheet.iter_rows()
            for c in row
            if str(c.value).startswith("Market capitalisation")
        ]
        assert len(found) <= 1
        return str(found[0]) if found else ""

    assert label("byd") == "Market capitalisation (H shares only)"
    assert label(byd_with_a_shares()) == "Market capitalisation (all classes)"
    assert label("sensetime") == ""  # not computed: the row is left off (`check` says why)
    assert label("topup-illustrative") == "Market capitalisation before the placing"

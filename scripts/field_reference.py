"""The field reference of docs/deal-file.md, generated from the table of fields the validation uses.

``docs/deal-file.md`` holds this text between two marker comments, and a test fails when
they differ, so the user documentation follows ``xl_placement/fields.py``. Print it with
``python scripts/field_reference.py``. A docs generator, not part of the installed package.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence

from xl_placement import deal as model
from xl_placement.fields import (
    FILE_ONLY_TABLES,
    REPORT_SECTIONS,
    REQUIRED_SECTIONS,
    SECTIONS,
    STATED_KEYS,
    TABLES,
    Field,
)

# What each section or table is for, in the order the reference shows them.
_SECTION_DOCS = {
    "issuer": "The listed company selling the shares.",
    "issuer.other_classes": (
        "Optional: the issuer's other share classes (A shares listed in Shenzhen beside the H shares "
        "placed in Hong Kong), each at its own close and in its own currency with a rate to the deal's "
        "currency. The market capitalisation then adds every class at its own price, the placed class "
        "being `placing.class_shares_outstanding` (or `shares_outstanding` less these classes). "
        "Without them, a deal whose placed class is only part of the shares in issue shows the "
        "placed class's capitalisation, labelled so, and one that names a class without "
        "`class_shares_outstanding` shows none: never all shares at one class's price. "
        "Deal files and batch CSVs only (the workbook's Inputs sheet has no table for them)."
    ),
    "placing": (
        "The terms of the placing. Only `new_shares` and `price` are required: a figure or check "
        "whose inputs are left out says which field it needs."
    ),
    "placing.tranches": (
        "Optional, ASX: a placement split between Listing Rule 7.1, 7.1A and holder approval, one "
        "table per tranche; the tranches' shares add up to `placing.new_shares`. The 75% price floor "
        "is checked for 7.1A shares only. Deal files and batch CSVs only: the workbook's Inputs sheet has "
        "no tranche table (give `placing.capacity` there)."
    ),
    "placing.prior_issues": (
        "Optional: the ledger of earlier issues, one table per issue, from which the tool adds up what "
        "is used: HKEX and GEM general-mandate issues since `placing.mandate_date` (`mandate_used`), "
        "ASX 7.1 and 7.1A capacity over the 12 months before the deal (with "
        "`placing.shares_at_period_start`: `remaining_7_1`, `remaining_7_1a`). A typed figure the "
        "ledger disagrees with is refused, naming both. Deal files only."
    ),
    "market": (
        "Optional market prices before the deal. Give `last_close` and any averages as published, "
        "or a dated `[[market.history]]` to compute them from (or both: given figures win). "
        "Without them, discounts and the price checks say which price they need."
    ),
    "market.history": (
        "Optional price history, oldest first, one row per trading day. Averages and VWAPs are then "
        "computed up to and including `placing.agreement_date` (or the last row), and the benchmarked price from the 5 "
        "trading days before the earliest of the agreement, announcement and price-fixing dates."
    ),
    "costs": (
        "Optional. Without it the costs are not given: net proceeds, the net price per share and "
        'anything on a net basis say "not given" (never zero). Zero costs are written explicitly: '
        "`commission_rate = 0` and `other_costs = 0`; with only one of the two, net is still not given."
    ),
    "costs.items": (
        "Optional itemised other costs, shown line by line on the deal sheet; they add up to "
        "`costs.other_costs` (which may then be left out)."
    ),
    "grid": (
        "Optional prices of the Pricing grid sheet. By default about 21 prices in round steps from 20% below "
        "the benchmarked price (HKEX; the last close elsewhere) up to the last close; the deal's price is "
        "always included. Give any of the three to override the default."
    ),
    "fx": "Optional; shows amounts in a second currency. All three fields are needed when the table is given.",
    "proceeds": "Optional: how the proceeds are split between their uses.",
    "report": (
        "Optional: how the printed report is marked (page header, draft or final, disclaimer, logo) "
        "and which of its figures are illustrative. placement.xlsm holds the same fields in its "
        'Inputs sheet\'s "Report marking" cells; there `illustrative` is a list separated by `;` '
        "and `logo` is relative to the workbook's folder."
    ),
    "proceeds.uses": "One table per use of proceeds; the shares add up to 100%. Left out, the report says the uses were not given.",
    "shareholders": (
        "Optional holders for the shareholding table before and after the deal; "
        "the rest of the existing shares are shown as other public shareholders."
    ),
}


# Fields whose need depends on another field (dealfile's cross-checks enforce these).
_CONDITIONS = {
    "placing.prefunded_price": "needs `prefunded_warrants`",
    "placing.warrant_exercise_price": "optional; needs `attached_warrants`",
    "placing.capacity": "ASX only; or `[[placing.tranches]]`",
    "placing.remaining_7_1": "ASX only",
    "placing.remaining_7_1a": "ASX only",
    "market.day_vwap_date": "optional; needs `day_vwap`",
    "placing.mandate_used": "optional; needs `mandate_limit` (left out: none counted as used, and the check says so)",
    "placing.vendor_lock_up_days": 'optional; `kind = "top-up"` only',
    "placing.subscription_date": 'optional; `kind = "top-up"` only',
    "issuer.sp_asx_300": "ASX only; optional, not given by default (never assumed)",
    "placing.vendor": 'optional; `kind = "top-up"` only; names a `[[shareholders]]` row',
    "costs.other_costs": "optional; the sum of `[[costs.items]]` when absent, else not given",
}


_PERCENT = 'percentage ("8.6%", "approximately 8.6%", "約8.6%") or exact fraction'
_AMOUNT = 'amount as published ("HK$3,150 million", "HK$3.25bn", "3,150m") or exact number'

# The form and meaning of each key of fields.STATED_KEYS, for the reference's [stated] table.
_STATED_DOCS: dict[str, tuple[str, str]] = {
    "discount_to_last_close": (_PERCENT, "Discount to the last close (negative for a premium)."),
    "discount_to_average_close_<N>d": (_PERCENT, "Discount to the N-day average close."),
    "discount_to_vwap_<N>d": (_PERCENT, "Discount to the N-day VWAP."),
    "discount_to_day_vwap": (_PERCENT, "Discount to the VWAP of the agreement day."),
    "discount_to_benchmarked_price": (_PERCENT, "Discount to the HKEX benchmarked price (Rule 13.36(5))."),
    "percent_of_existing": (_PERCENT, "New shares as a percentage of the existing share capital."),
    "percent_of_enlarged": (_PERCENT, "New shares as a percentage of the enlarged share capital."),
    "percent_of_existing_class": (_PERCENT, "The same, of the existing shares of the placed class."),
    "percent_of_enlarged_class": (_PERCENT, "The same, of the enlarged shares of the placed class."),
    "gross_proceeds": (
        _AMOUNT + ", issuer currency",
        'Gross proceeds: "HK$3.25bn" is to the nearest HK$10m; 3_250_000_000 is exact. '
        '"HK$3.25 billion (approximately US$415.2 million)" states gross_proceeds_quote too.',
    ),
    "net_proceeds": (_AMOUNT + ", issuer currency", "Net proceeds as published."),
    "net_price_per_share": (
        'price ("approximately HK$1.49", "5.7c") or exact number, issuer currency',
        "Net proceeds divided by the new shares.",
    ),
    "gross_proceeds_quote": (
        'amount ("US$415.2 million"), [fx] quote currency',
        "Gross proceeds in the [fx] quote currency.",
    ),
    "net_proceeds_quote": ("amount, [fx] quote currency", "Net proceeds in the [fx] quote currency."),
    "theoretical_dilution_effect": (_PERCENT, "Theoretical dilution effect (Rule 7.27B)."),
}


def _defaults() -> dict[str, object]:
    """Default values of optional fields, read from the deal model so the docs cannot drift from it."""
    classes = {
        "issuer": model.Issuer,
        "placing": model.Placing,
        "costs": model.Costs,
        "proceeds": model.ProceedsPlan,
    }
    result: dict[str, object] = {}
    for section, cls in classes.items():
        for item in dataclasses.fields(cls):
            if item.default is not dataclasses.MISSING and item.default not in (None, "", ()):
                result[f"{section}.{item.name}"] = item.default
    return result


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def _unit(field: Field) -> str:
    options = getattr(field.parse, "options", None)
    if options:
        return "one of " + ", ".join(f"`{option}`" for option in options)
    return field.unit


def _field_table(path: str, specs: Sequence[Field], defaults: dict[str, object]) -> list[str]:
    lines = ["| Field | Unit | Required | Meaning |", "|---|---|---|---|"]
    for spec in specs:
        default = defaults.get(f"{path}.{spec.name}")
        if f"{path}.{spec.name}" in _CONDITIONS:
            need = _CONDITIONS[f"{path}.{spec.name}"]
        elif spec.required:
            need = "required"
        elif default is not None:
            need = f"optional, default `{default}`"
        else:
            need = "optional"
        lines.append(f"| `{spec.name}` | {_cell(_unit(spec))} | {need} | {_cell(spec.doc)} |")
    return lines


def _stated_docs() -> list[tuple[str, tuple[str, str]]]:
    """The form and meaning of each ``[stated]`` key, in the order of ``fields.STATED_KEYS``.

    Raises:
        ValueError: a key without its form and meaning here, or one here the deal file no longer takes.
    """
    if set(_STATED_DOCS) != set(STATED_KEYS):
        missing, extra = set(STATED_KEYS) - set(_STATED_DOCS), set(_STATED_DOCS) - set(STATED_KEYS)
        raise ValueError(f"[stated] keys without docs: {sorted(missing)}; docs of no key: {sorted(extra)}")
    return [(key, _STATED_DOCS[key]) for key in STATED_KEYS]


def markdown_reference() -> str:
    """The deal-file reference as Markdown: one table per section and table, then the stated keys.

    The README's "The deal file" section holds this text between two marker comments, and a
    test fails when they differ, so the user documentation follows this table of fields.

    Returns:
        Markdown text ending with a newline.
    """
    defaults = _defaults()
    blocks: list[list[str]] = []
    order = [
        "issuer",
        "issuer.other_classes",
        "placing",
        "placing.tranches",
        "placing.prior_issues",
        "market",
        "market.history",
        "costs",
        "costs.items",
        "fx",
        "proceeds",
        "proceeds.uses",
        "grid",
    ]
    for path in [*order, "shareholders", "report"]:
        specs = SECTIONS.get(path) or TABLES.get(path) or FILE_ONLY_TABLES.get(path) or REPORT_SECTIONS[path]
        table = path in TABLES or path in FILE_ONLY_TABLES
        header = f"[[{path}]]" if table else f"[{path}]"
        status = "required" if path in REQUIRED_SECTIONS else "optional"
        if table:
            status = "optional"
        blocks.append(
            [f"### `{header}` ({status})", "", _SECTION_DOCS[path], "", *_field_table(path, specs, defaults)]
        )
    stated = [
        "### `[stated]` (optional)",
        "",
        "Figures as the announcement published them, written as it wrote them; each is checked "
        "against the computed figure at the published precision: the last digit shown, in the unit "
        'shown ("8.6%" matches anything from 8.55% to below 8.65%; "HK$3,150m" is to the nearest '
        'million, "HK$3.15bn" to the nearest 10 million, "US$415.2 million" to the nearest 100,000). '
        "A bare number (`3_250_000_000`, or digits with nothing else) is exact: to the cent for an "
        "amount, to 0.000001 for a price or a rate. A currency, when written, must be the figure's "
        'currency. A rate above 1 needs a "%". Announcement wording ("a discount of approximately '
        '8.61%", "約32.47億港元", "HK$1.91 per Placing Share") is read as the grammar in '
        "[How stated figures are read](#how-stated-figures-are-read) says. "
        "`<N>` is a number of trading days, as in `discount_to_average_close_5d`.",
        "",
        "| Key | Form | Meaning |",
        "|---|---|---|",
        *(f"| `{key}` | {_cell(form)} | {_cell(doc)} |" for key, (form, doc) in _stated_docs()),
    ]
    blocks.append(stated)
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def main() -> int:
    """Print the reference."""
    sys.stdout.write(markdown_reference())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

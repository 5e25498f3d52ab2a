"""The deal-file fields: the table of every section, table and field a deal file may hold.

One table drives validation (``dealfile``), user documentation (scripts/field_reference.py
writes the reference from it) and the Inputs sheet (``workbook``), so the three never
disagree. Each field names its parser (``parsers``), unit and help.
"""

from __future__ import annotations

from dataclasses import dataclass

from xl_placement import deal as model
from xl_placement import parsers
from xl_placement.parsers import Parser

MAX_ROWS = 10_000  # rows in a price history (and the default for any table)
# Uses and holders are also listed in sentences on the report: 100 names of 200 characters
# stay within the 32,767 characters a cell holds (a real placing lists a handful).
# Tranches are listed in one sentence of the Checks sheet the same way.
# Cost items are rows of a report table: a real deal has a handful.
ROW_LIMITS = {
    "proceeds.uses": 100,
    "shareholders": 100,
    "placing.tranches": 100,
    "placing.prior_issues": 500,
    "costs.items": 100,
}


@dataclass(frozen=True)
class Field:
    """One field a deal file may hold."""

    name: str
    parse: Parser
    unit: str
    doc: str
    required: bool = False


def _f(name: str, parse: Parser, unit: str, doc: str, *, required: bool = False) -> Field:
    return Field(name, parse, unit, doc, required)


ISSUER = (
    _f("name", parsers.text, "text", "Issuer's name as it appears on the announcement.", required=True),
    _f(
        "stock_code",
        parsers.code,
        "text",
        'Stock code on the exchange, as text to keep leading zeros ("0020").',
        required=True,
    ),
    _f(
        "exchange",
        parsers.quoted(parsers.choice(model.EXCHANGES), "exchange", "HKEX"),
        "choice",
        "Selects the listing-rule checks: HKEX, SGX, NASDAQ, ASX or other.",
        required=True,
    ),
    _f(
        "currency",
        parsers.quoted(parsers.currency, "currency", "HKD"),
        "ISO 4217 code",
        "Currency of the price and of every amount in the file.",
        required=True,
    ),
    _f(
        "board",
        parsers.choice(model.BOARD_NAMES),
        "choice",
        'The exchange\'s board, where its rules differ: HKEX "Main Board" (the default) or "GEM" '
        "(the GEM Listing Rules: Rule 17.42B, 17.41(2), 10.44A and 20.90(4) for the Main Board's 13.36(5), "
        "13.36(2)(b), 7.27B and 14A.92(4)).",
    ),
    _f("share_class", parsers.text, "text", 'Class of the new shares ("B"), for dual-class issuers.'),
    _f(
        "sp_asx_300",
        parsers.flag,
        "true/false",
        "ASX: true when the company is in the S&P/ASX 300 index (then not eligible for Listing Rule 7.1A); "
        "left out, 7.1A eligibility is not enough data, never assumed.",
    ),
)

PLACING = (
    _f(
        "kind",
        parsers.choice(model.KINDS),
        "choice",
        "placing (new shares) or top-up (a holder places existing shares, then subscribes for new ones).",
    ),
    _f(
        "mandate",
        parsers.choice(model.MANDATES),
        "choice",
        "general (no shareholder approval for this deal: HKEX and SGX general mandate, ASX placement "
        "capacity, Nasdaq without a holders' vote) or specific (shareholders approved this deal).",
    ),
    _f(
        "underwriting",
        parsers.choice(model.UNDERWRITINGS),
        "choice",
        "best efforts or fully underwritten; left out, the deal sheet has no underwriting row.",
    ),
    _f("agents", parsers.texts, "list of text", "Placing agents and coordinators (at most 20)."),
    _f(
        "min_placees",
        parsers.positive_whole,
        "placees",
        "Minimum number of placees (HKEX: fewer than six must be named).",
    ),
    _f(
        "independent_placees",
        parsers.flag,
        "true or false",
        "true when the announcement says the placees are independent third parties (the report then says so).",
    ),
    _f(
        "offering",
        parsers.text,
        "text",
        'How the shares are offered, e.g. "Regulation S" (shown as written).',
    ),
    _f(
        "public_offering",
        parsers.flag,
        "true or false",
        "true for a public offering (Nasdaq Rule 5635(d) does not apply to one).",
    ),
    _f("new_shares", parsers.positive_whole, "shares", "New shares issued by the deal.", required=True),
    _f(
        "price",
        parsers.price,
        "issuer currency per share",
        'Placing price ("5.7c" is 5.7 cents, "55p" 55 pence); per ADS when ads_ratio is given.',
        required=True,
    ),
    _f(
        "shares_outstanding",
        parsers.positive_whole,
        "shares",
        "Shares in issue before the deal, excluding treasury shares (needed for every dilution figure).",
    ),
    _f(
        "class_shares_outstanding",
        parsers.positive_whole,
        "shares",
        "Shares of the placed class in issue before the deal (for per-class dilution).",
    ),
    _f(
        "ads_ratio",
        parsers.positive,
        "ordinary shares per ADS",
        "For a deal in American Depositary Shares: each ADS represents this many ordinary shares. "
        "Every price in the file (placing, market) is then per ADS; share counts stay in ordinary shares.",
    ),
    _f(
        "prefunded_warrants",
        parsers.positive_whole,
        "shares",
        "Shares issuable on exercise of pre-funded warrants sold in the deal beside the new shares.",
    ),
    _f(
        "prefunded_price",
        parsers.price,
        "issuer currency per warrant share",
        "Price paid now for each pre-funded warrant share (the placing price less the nominal exercise "
        "price); counted in gross proceeds.",
    ),
    _f(
        "attached_warrants",
        parsers.positive_whole,
        "shares",
        "Shares issuable on exercise of warrants (or options) attached to the new shares; shown as "
        "potential dilution on a fully diluted basis.",
    ),
    _f(
        "warrant_exercise_price",
        parsers.price,
        "issuer currency per share",
        "Exercise price of the attached warrants (what their exercise would raise).",
    ),
    _f(
        "warrant_shares",
        parsers.non_negative_whole,
        "shares",
        "Nasdaq Rule 5635(d): all shares issuable on exercise of warrants sold in the deal, pre-funded "
        "ones included. Default: prefunded_warrants + attached_warrants.",
    ),
    _f(
        "capacity",
        parsers.choice(model.ASX_CAPACITIES[:2]),
        "choice",
        'ASX: the placement capacity the whole issue uses, "7.1" (15%, no price floor) or "7.1A" '
        "(further 10%, at least 75% of the 15-day VWAP). For a split give [[placing.tranches]].",
    ),
    _f(
        "remaining_7_1",
        parsers.non_negative_whole,
        "shares",
        "ASX: shares still available under Listing Rule 7.1 before this deal, as the issuer discloses it.",
    ),
    _f(
        "remaining_7_1a",
        parsers.non_negative_whole,
        "shares",
        "ASX: shares still available under Listing Rule 7.1A before this deal.",
    ),
    _f(
        "agreement_date",
        parsers.date,
        "date",
        "Date of the placing agreement (selects the benchmarked price's closes).",
    ),
    _f("announcement_date", parsers.date, "date", "Date of the announcement."),
    _f("price_fixing_date", parsers.date, "date", "Date the price was fixed."),
    _f(
        "mandate_limit",
        parsers.positive_whole,
        "shares",
        "Shares the general mandate allows in all: HKEX (20% of issued shares at the resolution date, "
        "plus any repurchase extension) and SGX (Rule 806); ASX: the capacity of placing.capacity. "
        "Refused for Nasdaq, which has no general mandate.",
    ),
    _f(
        "mandate_used",
        parsers.non_negative_whole,
        "shares",
        "Shares already issued under the same general mandate. With [[placing.prior_issues]] and "
        "mandate_date it is computed; a typed value the ledger disagrees with is refused, naming both.",
    ),
    _f(
        "mandate_date",
        parsers.date,
        "date",
        "The general meeting that granted the general mandate: [[placing.prior_issues]] under the "
        '"general mandate" from that day count as used (HKEX, GEM, SGX).',
    ),
    _f(
        "purpose",
        parsers.choice(model.PURPOSES),
        "choice",
        'LSE: "acquisition" when the proceeds fund an acquisition or specified capital investment (the PEG '
        "principles' second 10%); general (the default) for any purpose.",
    ),
    _f(
        "follow_on_shares",
        parsers.positive_whole,
        "shares",
        "LSE: shares of a follow-on offer to retail and existing holders beside the placing (PEG: up to 2% "
        "per limb, at most 20% of the shares placed).",
    ),
    _f(
        "insider_shares",
        parsers.non_negative_whole,
        "shares",
        "TSX: shares of this placing that insiders take (s.607: 10% or more of the outstanding shares, with "
        "the previous six months' insider placements, needs shareholders' approval); 0 when none.",
    ),
    _f(
        "shares_at_period_start",
        parsers.positive_whole,
        "shares",
        "ASX: fully paid ordinary shares on issue 12 months before the deal (the first term of the "
        "Listing Rule 7.1 formula's A); with [[placing.prior_issues]] the 7.1 and 7.1A capacity left "
        "is computed (A x 15% less C, A x 10% less E).",
    ),
    _f("completion_date", parsers.date, "date", "Date the placing completes (the new shares are issued)."),
    _f(
        "subscription_date",
        parsers.date,
        "date",
        "Top-up only: date the vendor's subscription for the new shares completes (HKEX Rule 14A.92(4): "
        "within 14 days after placing.agreement_date).",
    ),
    _f(
        "long_stop_date",
        parsers.date,
        "date",
        "Date by which the conditions must be met, or the placing lapses.",
    ),
    _f(
        "lock_up_days",
        parsers.days,
        "calendar days",
        "Issuer's lock-up after completion (no new issues), e.g. 90; the report shows its end date.",
    ),
    _f(
        "vendor_lock_up_days",
        parsers.days,
        "calendar days",
        "Top-up only: the vendor's lock-up after completion (no sales), e.g. 90.",
    ),
    _f(
        "vendor",
        parsers.text,
        "text",
        "Top-up only: the name of the `[[shareholders]]` holder who places existing shares and "
        "subscribes for new ones; the shareholding then shows the placing and the subscription as steps.",
    ),
)

OTHER_CLASS = (
    _f("name", parsers.text, "text", 'The class as the issuer names it ("A shares").', required=True),
    _f(
        "shares",
        parsers.positive_whole,
        "shares",
        "Shares of this class in issue before the deal, excluding treasury shares.",
        required=True,
    ),
    _f(
        "last_close",
        parsers.positive,
        "class currency per share",
        "The class's last close before the deal, in its own currency (`currency`).",
        required=True,
    ),
    _f(
        "currency",
        parsers.quoted(parsers.currency, "currency", "CNY"),
        "ISO 4217 code",
        "The currency the class trades in.",
        required=True,
    ),
    _f(
        "rate",
        parsers.positive,
        "issuer currency per class currency unit",
        "Exchange rate to the deal's currency, e.g. 1.0795 HKD per CNY; needed unless the class "
        "trades in the deal's currency.",
    ),
    _f("rate_source", parsers.text, "text", "Where the rate comes from (needed with `rate`)."),
)

TRANCHE = (
    _f("name", parsers.text, "text", 'Name of the tranche ("Tranche 1").', required=True),
    _f("shares", parsers.positive_whole, "shares", "New shares in the tranche.", required=True),
    _f(
        "capacity",
        parsers.choice(model.ASX_CAPACITIES),
        "choice",
        '"7.1", "7.1A", or "approval" (issued with shareholders\' approval, outside both capacities).',
        required=True,
    ),
)

PRIOR_ISSUE = (
    _f("date", parsers.date, "date", "Date the shares were issued (or agreed to be issued).", required=True),
    _f("shares", parsers.positive_whole, "shares", "Shares issued.", required=True),
    _f(
        "authority",
        parsers.choice(model.AUTHORITIES),
        "choice",
        'Under what they were issued: "general mandate" (HKEX, GEM, SGX), "7.1" or "7.1A" (ASX '
        'placement capacity), "PEG general" or "PEG acquisition" (UK pre-emption disapplication), '
        '"private placement" (TSX), or "specific" (holders approved the issue).',
        required=True,
    ),
    _f("price", parsers.price, "issuer currency per share", "Issue price (shown; not used in the counts)."),
    _f(
        "insider_shares",
        parsers.non_negative_whole,
        "shares",
        "TSX: shares of the issue that insiders took (aggregated over six months for s.607(g)(ii)).",
    ),
)

MARKET = (
    _f(
        "last_close",
        parsers.price,
        "issuer currency per share",
        "Closing price on the last trading day (the agreement date's close for Rule 13.36(5)). Computed from history when absent.",
    ),
    _f(
        "average_close_<N>d",
        parsers.price,
        "issuer currency per share",
        "Simple average of the last N daily closes (N = 5, 10, 30, ...). Computed from history when absent.",
    ),
    _f(
        "vwap_<N>d",
        parsers.price,
        "issuer currency per share",
        "Volume-weighted average price over N trading days (ASX uses 15). Computed from history with volumes when absent.",
    ),
    _f(
        "day_vwap",
        parsers.price,
        "issuer currency per share",
        "SGX Rule 811: VWAP of the full market day the agreement is signed (or, with no full market day "
        "of trading, of the preceding market day up to signing).",
    ),
    _f(
        "day_vwap_date",
        parsers.date,
        "date",
        "The market day of day_vwap: the agreement date, or the preceding market day when the shares "
        "did not trade a full market day before signing.",
    ),
    _f(
        "adtv_<N>d",
        parsers.positive,
        "shares per day",
        "Average daily traded volume over N trading days (N = 20 or 30 usual). Computed from history volumes when absent.",
    ),
)

HISTORY = (
    _f("date", parsers.date, "date", "Trading day.", required=True),
    _f("close", parsers.price, "issuer currency per share", "Closing price.", required=True),
    _f("volume", parsers.non_negative_whole, "shares", "Shares traded (needed for VWAP)."),
)

COSTS = (
    _f(
        "commission_rate",
        parsers.commission_rate,
        "fraction of gross",
        'Placing commission, e.g. 0.025 or "2.5%"; write 0 for none (left out: not given).',
    ),
    _f(
        "other_costs",
        parsers.non_negative,
        "issuer currency",
        "All other costs: legal and professional fees, levies, trading fees. The sum of `[[costs.items]]` when absent.",
    ),
)

COST_ITEM = (
    _f(
        "name",
        parsers.text,
        "text",
        'What the cost is for, e.g. "Legal and professional fees".',
        required=True,
    ),
    _f("amount", parsers.non_negative, "issuer currency", "The amount of this cost.", required=True),
)

REPORT = (
    _f(
        "marking",
        parsers.marking,
        "text",
        f'Marking at the top left of every page (at most {parsers.MAX_MARKING} characters); "{model.DEFAULT_MARKING}" when left out.',
    ),
    _f(
        "final",
        parsers.flag,
        "true or false",
        'true when the report is final; until then every page header says "Draft" with its date.',
    ),
    _f(
        "draft_date",
        parsers.date,
        "date",
        'Date of the draft shown beside "Draft"; left out, the day the report is built.',
    ),
    _f(
        "disclaimer",
        parsers.disclaimer,
        "text",
        f"Disclaimer printed at the foot of each sheet (one paragraph, at most {parsers.MAX_DISCLAIMER:,} characters).",
    ),
    _f(
        "logo",
        parsers.text,
        "path",
        "A PNG or JPEG file (at most 1 MB), relative to the deal file (or to placement.xlsm's folder), "
        "shown at the top right of the deal sheet.",
    ),
    _f(
        "illustrative",
        parsers.parts(model.ILLUSTRATIVE_PARTS),
        "list of choices",
        "Parts of the deal sheet whose figures are illustrative, not from the announcement; the page "
        "flags each of them as illustrative.",
    ),
)

GRID = (
    _f("from", parsers.positive, "issuer currency per share", "Lowest price in the pricing grid."),
    _f("to", parsers.positive, "issuer currency per share", "Highest price in the pricing grid."),
    _f(
        "step",
        parsers.positive,
        "issuer currency per share",
        "Step between the grid's prices, e.g. 0.01; prices between the exchange's ticks are taken down to a tick.",
    ),
)

FX = (
    _f(
        "quote_currency",
        parsers.quoted(parsers.currency, "quote_currency", "USD"),
        "ISO 4217 code",
        "Second currency amounts are shown in.",
        required=True,
    ),
    _f(
        "rate",
        parsers.positive,
        "issuer currency per quote unit",
        "Exchange rate, e.g. 7.8203 HKD per USD.",
        required=True,
    ),
    _f(
        "source",
        parsers.text,
        "text",
        "Where the rate comes from (never a hard-coded rate without a source).",
        required=True,
    ),
)

PROCEEDS = (
    _f(
        "basis",
        parsers.choice(model.PROCEEDS_BASES),
        "choice",
        "net or gross: what the shares of the uses apply to.",
    ),
    _f(
        "decimals",
        parsers.decimals,
        "digits",
        "Rounding of allocated amounts (0 = whole units, -6 = millions); they add up exactly at this precision.",
    ),
)

USE = (
    _f("name", parsers.text, "text", "What the money is for.", required=True),
    _f(
        "share",
        parsers.share,
        "fraction",
        'Share of the proceeds, 0.40 or "40%"; all shares add up to 100%.',
        required=True,
    ),
)

SHAREHOLDER = (
    _f("name", parsers.text, "text", "Holder shown in the shareholding table.", required=True),
    _f("shares", parsers.non_negative_whole, "shares", "Shares held before the deal.", required=True),
    _f(
        "public",
        parsers.flag,
        "true or false",
        "false for a holder outside the public float (a director, a substantial or connected holder).",
    ),
)

# Figures an announcement may state ([stated]), checked against the computed ones; the field
# reference (scripts/field_reference.py) documents each one's form and meaning.
STATED_KEYS = (
    "discount_to_last_close",
    "discount_to_average_close_<N>d",
    "discount_to_vwap_<N>d",
    "discount_to_day_vwap",
    "discount_to_benchmarked_price",
    "percent_of_existing",
    "percent_of_enlarged",
    "percent_of_existing_class",
    "percent_of_enlarged_class",
    "gross_proceeds",
    "net_proceeds",
    "net_price_per_share",
    "gross_proceeds_quote",
    "net_proceeds_quote",
    "theoretical_dilution_effect",
)

# Sections a deal file must have; the others may be left out.
REQUIRED_SECTIONS = ("issuer", "placing")

SECTIONS: dict[str, tuple[Field, ...]] = {
    "issuer": ISSUER,
    "placing": PLACING,
    "market": MARKET,
    "costs": COSTS,
    "fx": FX,
    "proceeds": PROCEEDS,
    "grid": GRID,
}

TABLES: dict[str, tuple[Field, ...]] = {
    "market.history": HISTORY,
    "costs.items": COST_ITEM,
    "proceeds.uses": USE,
    "shareholders": SHAREHOLDER,
}

# Sections about the printed report, not the deal (how it is marked): deal files and the
# workbook's Inputs sheet hold them; the figures never read them.
REPORT_SECTIONS: dict[str, tuple[Field, ...]] = {"report": REPORT}

# Tables inside a section that only deal files hold (the workbook's Inputs sheet has no room for them).
FILE_ONLY_TABLES: dict[str, tuple[Field, ...]] = {
    "placing.tranches": TRANCHE,
    "placing.prior_issues": PRIOR_ISSUE,
    "issuer.other_classes": OTHER_CLASS,
}

"""The deal: a typed, validated description of one placing (built by ``dealfile``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xl_placement.prices import Close
from xl_placement.proceeds import ALLOCATION_DECIMALS

EXCHANGES = ("HKEX", "SGX", "NASDAQ", "ASX", "LSE", "TSX", "Bursa", "other")
# The boards (markets) of an exchange that have rules of their own, by ``issuer.exchange``;
# the first is the default when ``issuer.board`` is left out.
BOARDS = {"HKEX": ("Main Board", "GEM"), "LSE": ("Main Market", "AIM"), "Bursa": ("Main", "ACE")}
BOARD_NAMES = tuple(dict.fromkeys(board for boards in BOARDS.values() for board in boards))
# HKEX GEM: the GEM Listing Rules' number for each Main Board rule the checks and the wording
# name (GEM 17.42B is Main Board 13.36(5), 17.41(2) is 13.36(2)(b), 10.44A is 7.27B, 20.90(4)
# is 14A.92(4)): https://en-rules.hkex.com.hk/rulebook/1742b, FAQ 024-2018 (7.27B / 10.44A).
GEM_RULES = {"13.36(5)": "17.42B", "13.36(2)(b)": "17.41(2)", "7.27B": "10.44A", "14A.92(4)": "20.90(4)"}
KINDS = ("placing", "top-up")
MANDATES = ("general", "specific")
UNDERWRITINGS = ("best efforts", "fully underwritten")
ASX_CAPACITIES = ("7.1", "7.1A", "approval")  # ASX Listing Rule 7.1, 7.1A, or holder approval
# The authority an earlier issue of the ledger ([[placing.prior_issues]]) was made under, and
# the exchanges whose rules count each (an authority another exchange's rules count is refused).
GENERAL_MANDATE = "general mandate"
AUTHORITIES = (
    GENERAL_MANDATE,
    "7.1",
    "7.1A",
    "PEG general",
    "PEG acquisition",
    "private placement",
    "specific",
)
LEDGER_AUTHORITIES = {
    "HKEX": (GENERAL_MANDATE, "specific"),
    "SGX": (GENERAL_MANDATE, "specific"),
    "ASX": ("7.1", "7.1A", "specific"),
    "LSE": ("PEG general", "PEG acquisition", "specific"),
    "TSX": ("private placement", "specific"),
    "Bursa": (GENERAL_MANDATE, "specific"),
    "other": (GENERAL_MANDATE, "specific"),
}
PURPOSES = ("general", "acquisition")  # LSE: what the placing's proceeds are for (the PEG limbs)
PROCEEDS_BASES = ("net", "gross")
# The choices above as the report names them (a precedent may also be a subscription).
KIND_LABELS = {"placing": "Placing of new shares", "top-up": "Top-up placing", "subscription": "Subscription"}
MANDATE_LABELS = {"general": "General mandate", "specific": "Specific mandate"}
UNDERWRITING_LABELS = {"best efforts": "Best efforts", "fully underwritten": "Fully underwritten"}
DEFAULT_MARKING = "Strictly private and confidential"
# Parts of the deal sheet a [report] table may flag as illustrative (not from the announcement).
ILLUSTRATIVE_PARTS = ("market prices", "liquidity", "timetable", "costs", "use of proceeds", "shareholders")

# Fields named by a number of days (``average_close_20d``): the deal model holds them under
# these patterns, and the schema (``fields``), the figures and the checks read N from the key.
PATTERNS = {
    "average_close_<N>d": re.compile(r"^average_close_(\d{1,3})d$"),
    "vwap_<N>d": re.compile(r"^vwap_(\d{1,3})d$"),
    "adtv_<N>d": re.compile(r"^adtv_(\d{1,3})d$"),
    "discount_to_average_close_<N>d": re.compile(r"^discount_to_average_close_(\d{1,3})d$"),
    "discount_to_vwap_<N>d": re.compile(r"^discount_to_vwap_(\d{1,3})d$"),
}


def match_pattern(name: str, patterns: Sequence[str]) -> tuple[str, int] | None:
    """Match ``name`` to a patterned field such as ``average_close_<N>d``; return it and N."""
    for pattern in patterns:
        if pattern in PATTERNS:
            found = PATTERNS[pattern].match(name)
            if found and int(found.group(1)) >= 1:
                return pattern, int(found.group(1))
    return None


@dataclass(frozen=True)
class OtherClass:
    """A share class of the issuer other than the one placed (A shares beside H shares), at its own price.

    ``rate`` is issuer (deal) currency per unit of ``currency``; None only when the class
    trades in the deal currency. The class's value in the deal currency is shares x close x rate.
    """

    name: str
    shares: int
    last_close: Decimal
    currency: str
    rate: Decimal | None = None
    rate_source: str = ""


@dataclass(frozen=True)
class Issuer:
    """The listed company selling the shares."""

    name: str
    stock_code: str
    exchange: str
    currency: str
    share_class: str | None = None
    sp_asx_300: bool | None = None  # ASX: in the S&P/ASX 300 index (None: not given)
    other_classes: tuple[OtherClass, ...] = ()  # the issuer's other share classes, each at its own price
    board: str | None = None  # the exchange's board ("GEM"); None: the exchange's main board

    @property
    def gem(self) -> bool:
        """True for a company listed on HKEX's GEM (GEM Listing Rules, not the Main Board's)."""
        return self.exchange == "HKEX" and self.board == "GEM"

    def hk_rule(self, main: str) -> str:
        """A Hong Kong Listing Rule as the issuer's board numbers it: "Rule 13.36(5)" or "GEM Rule 17.42B"."""
        return f"GEM Rule {GEM_RULES[main]}" if self.gem else f"Rule {main}"


@dataclass(frozen=True)
class Tranche:
    """ASX: part of an issue made under one placement capacity (Listing Rule 7.1, 7.1A or approval)."""

    name: str
    shares: int
    capacity: str


@dataclass(frozen=True)
class PriorIssue:
    """An earlier issue of shares, for the ledger the mandate and capacity usage is added up from."""

    date: dt.date
    shares: int
    authority: str  # one of AUTHORITIES
    price: Decimal | None = None
    insider_shares: int | None = None  # TSX: the shares of the issue insiders took


@dataclass(frozen=True)
class Placing:
    """The terms of the placing (only ``new_shares`` and ``price`` are always given)."""

    new_shares: int
    price: Decimal
    shares_outstanding: int | None = None
    kind: str = "placing"
    mandate: str | None = None  # None: not given (nothing then says which mandate)
    underwriting: str | None = None
    agents: tuple[str, ...] = ()
    min_placees: int | None = None
    independent_placees: bool = False  # the announcement calls the placees independent third parties
    offering: str = ""
    public_offering: bool = False
    class_shares_outstanding: int | None = None
    ads_ratio: Decimal | None = None
    prefunded_warrants: int | None = None
    prefunded_price: Decimal | None = None
    attached_warrants: int | None = None
    warrant_exercise_price: Decimal | None = None
    warrant_shares: int | None = None
    capacity: str | None = None
    remaining_7_1: int | None = None
    remaining_7_1a: int | None = None
    tranches: tuple[Tranche, ...] = ()
    prior_issues: tuple[PriorIssue, ...] = ()  # the ledger of earlier issues (used mandate and capacity)
    mandate_date: dt.date | None = None  # the general meeting that granted the general mandate
    purpose: str | None = (
        None  # LSE: "acquisition" (or specified capital investment) uses the second PEG limb
    )
    follow_on_shares: int | None = None
    insider_shares: int | None = (
        None  # TSX: shares of this placing that insiders take  # LSE: shares of a follow-on offer to retail and existing holders
    )
    shares_at_period_start: int | None = None  # ASX: fully paid ordinary shares 12 months before the deal
    agreement_date: dt.date | None = None
    announcement_date: dt.date | None = None
    price_fixing_date: dt.date | None = None
    mandate_limit: int | None = None
    mandate_used: int | None = (
        None  # None: not given (a headroom that fits only if none were used is not enough data)
    )
    completion_date: dt.date | None = None
    subscription_date: dt.date | None = None  # top-up: the vendor's subscription for new shares completes
    long_stop_date: dt.date | None = None
    lock_up_days: int | None = None
    vendor_lock_up_days: int | None = None
    vendor: str | None = None  # top-up: the [[shareholders]] name of the holder who places and subscribes

    @property
    def day(self) -> dt.date | None:
        """The day the deal is priced: agreement, else price-fixing, else announcement (None: no date given)."""
        return self.agreement_date or self.price_fixing_date or self.announcement_date


@dataclass(frozen=True)
class HistorySource:
    """Where a history read from a price file came from, and what the reader has to say about it."""

    path: str
    days: int
    notes: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # what -> the file's own column name


@dataclass(frozen=True)
class Market:
    """Market prices before the deal: given figures and/or a dated history."""

    last_close: Decimal | None = None
    average_closes: dict[int, Decimal] = field(default_factory=dict)
    vwaps: dict[int, Decimal] = field(default_factory=dict)
    day_vwap: Decimal | None = None
    day_vwap_date: dt.date | None = None
    history: tuple[Close, ...] = ()
    adtv: dict[int, Decimal] = field(default_factory=dict)  # given average daily volumes, by days
    history_source: HistorySource | None = None  # the history was read from a price file


@dataclass(frozen=True)
class CostItem:
    """One itemised cost (legal fees, a levy), in the issuer's currency."""

    name: str
    amount: Decimal


@dataclass(frozen=True)
class Costs:
    """Costs of the deal in the issuer's currency; None is "not given", never zero.

    Net proceeds are known only when both are given: zero costs are what a deal file says
    explicitly (``commission_rate = 0``, ``other_costs = 0``). Itemised costs stand for
    ``other_costs`` when it is left out (``dealfile`` adds them up).
    """

    commission_rate: Decimal | None = None
    other_costs: Decimal | None = None
    items: tuple[CostItem, ...] = ()  # itemised other costs, adding up to other_costs

    @property
    def given(self) -> bool:
        """True when both the commission rate and the other costs are given, so net is known."""
        return self.commission_rate is not None and self.other_costs is not None

    @property
    def missing(self) -> tuple[str, ...]:
        """The deal-file fields that net proceeds still need ("costs.commission_rate", ...)."""
        return tuple(
            name
            for name, value in (
                ("costs.commission_rate", self.commission_rate),
                ("costs.other_costs", self.other_costs),
            )
            if value is None
        )


@dataclass(frozen=True)
class Fx:
    """The rate used to show amounts in a second currency, with where it came from."""

    quote_currency: str
    rate: Decimal
    source: str


@dataclass(frozen=True)
class Use:
    """One use of proceeds and its share of them."""

    name: str
    share: Decimal


@dataclass(frozen=True)
class ProceedsPlan:
    """How the proceeds are to be used."""

    uses: tuple[Use, ...]
    basis: str = "net"
    decimals: int = ALLOCATION_DECIMALS


@dataclass(frozen=True)
class Shareholder:
    """A holder listed in the shareholding table."""

    name: str
    shares: int
    public: bool = True  # False: outside the public float (directors, substantial holders)


@dataclass(frozen=True)
class Grid:
    """The pricing grid's prices as the deal file sets them (None: the default)."""

    start: Decimal | None = None
    stop: Decimal | None = None
    step: Decimal | None = None


@dataclass(frozen=True)
class StatedFigure:
    """A figure as the announcement published it, with its published precision.

    ``value`` and ``quantum`` are in the figure's own unit: a fraction for a percentage
    (0.086 and 0.001 for "8.6%"), currency units for an amount or a price (3,150,000,000
    and 1,000,000 for "HK$3,150m"); ``quantum`` is the step of the last digit shown.
    ``currency`` is the ISO code of the symbol written (None when none was written);
    ``unit`` is how the figure was scaled as written ("" for a bare number, "%", "k", "m",
    "bn", or "c" for cents); ``symbol`` is the currency symbol or code as written ("" if none).
    Made by ``published.parse_published``.
    """

    value: Decimal
    quantum: Decimal
    text: str
    currency: str | None = None
    unit: str = ""
    symbol: str = ""


@dataclass(frozen=True)
class ReportSettings:
    """How the printed report is marked: the deal file's ``[report]`` table."""

    marking: str = DEFAULT_MARKING
    final: bool = False  # False: every page says "Draft"
    draft_date: dt.date | None = None  # the draft's date; None: the day the report is built
    disclaimer: str = ""
    logo: str = ""  # path of a PNG or JPEG, relative to the deal file (or workbook) in ``source``
    illustrative: tuple[str, ...] = ()  # parts of ILLUSTRATIVE_PARTS not taken from the announcement


@dataclass(frozen=True)
class Deal:
    """One placing, validated: everything the figures, checks and report need."""

    issuer: Issuer
    placing: Placing
    market: Market = field(default_factory=Market)
    proceeds: ProceedsPlan = field(default_factory=lambda: ProceedsPlan(()))
    costs: Costs = field(default_factory=Costs)
    fx: Fx | None = None
    shareholders: tuple[Shareholder, ...] = ()
    stated: dict[str, StatedFigure] = field(default_factory=dict)
    source: str = ""
    grid: Grid = field(default_factory=Grid)
    report: ReportSettings = field(default_factory=ReportSettings)

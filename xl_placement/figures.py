"""Every figure of a deal, computed once from the core functions.

The report, the command line, the checks and the tests all read figures from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xl_placement import capital as dil
from xl_placement import context
from xl_placement.deal import Deal, match_pattern
from xl_placement.errors import CalculationError
from xl_placement.money import in_context
from xl_placement.prices import (
    BenchmarkWindow,
    Close,
    average_close,
    benchmark_window,
    discount,
    vwap,
)
from xl_placement.proceeds import Proceeds, allocate_proceeds, proceeds, structured_gross

STANDARD_AVERAGES = (5, 10, 30)


#: What a figure says when the deal lacks its input (the report, the batch summary, precedents).
NOT_GIVEN = "not given"


#: The uses' basis when they are stated on net proceeds but the costs are not given: the split
#: is shown of gross, labelled so (the report, check and the API say this).
NET_NOT_GIVEN_BASIS = "gross (net not given)"


def net_not_given_text(deal: Deal) -> str:
    """Why net proceeds are not given: the deal-file fields they need."""
    return f"{NOT_GIVEN} (needs {' and '.join(deal.costs.missing)})"


@dataclass(frozen=True)
class Reference:
    """A reference price and the placing price's discount to it (negative: a premium)."""

    key: str  # "last_close", "average_close_5d", "vwap_15d", "day_vwap", "benchmarked_price"
    label: str  # "Last close", "5-day average close", ...
    price: Decimal
    discount: Decimal
    origin: str  # "given" or "from history"


@dataclass(frozen=True)
class Allocation:
    """One use of proceeds with its share and allocated amount."""

    name: str
    share: Decimal
    amount: Decimal
    amount_quote: Decimal | None


@dataclass(frozen=True)
class Figures:
    """All computed figures of one deal."""

    deal: Deal
    references: tuple[Reference, ...]
    benchmark: BenchmarkWindow | None
    percent_of_existing: Decimal | None  # None: placing.shares_outstanding not given
    percent_of_enlarged: Decimal | None
    percent_of_existing_class: Decimal | None
    percent_of_enlarged_class: Decimal | None
    proceeds: Proceeds
    allocation_base: Decimal  # net or gross as the plan's basis says; gross when net is not given
    allocations: tuple[Allocation, ...]
    theoretical_diluted_price: Decimal | None
    theoretical_dilution_effect: Decimal | None
    mandate_headroom: int | None
    shareholding: tuple[dil.Holding, ...]  # empty without placing.shares_outstanding
    market: context.MarketContext
    timetable: tuple[context.TimetableEntry, ...]
    public_float: context.PublicFloat | None
    potential_shares: int = 0  # new shares + pre-funded and attached warrant shares
    percent_fully_diluted: Decimal | None = None  # potential shares / (existing + potential)
    warrant_exercise_proceeds: Decimal | None = None  # attached warrants x exercise price
    after_market: tuple[context.AfterMarket, ...] = ()  # closes on T+1, T+5, T+20 against the price

    @property
    def allocation_basis(self) -> str:
        """What the uses are split of: "net", "gross", or "gross" standing in for a net not given."""
        if self.deal.proceeds.basis == "net" and self.proceeds.net is None:
            return NET_NOT_GIVEN_BASIS
        return self.deal.proceeds.basis

    def reference(self, key: str) -> Reference | None:
        """The reference with this key, if the deal has it."""
        return next((r for r in self.references if r.key == key), None)

    @property
    def benchmarked_price(self) -> Decimal | None:
        """The HKEX benchmarked price, when the deal gives enough to compute it."""
        ref = self.reference("benchmarked_price")
        return ref.price if ref else None

    @property
    def enlarged_shares(self) -> int | None:
        """Shares in issue after the deal (None without placing.shares_outstanding)."""
        existing = self.deal.placing.shares_outstanding
        return None if existing is None else existing + self.deal.placing.new_shares

    @property
    def has_warrants(self) -> bool:
        """True when the deal sells pre-funded or attached warrants beside the shares."""
        return self.potential_shares != self.deal.placing.new_shares


@in_context
def compute(deal: Deal) -> Figures:
    """Compute every figure of a validated deal.

    Raises:
        CalculationError: the deal's figures cannot be computed (e.g. costs above gross).
    """
    p = deal.placing
    refs, window = _references(deal)
    money = deal_proceeds(deal)
    base = money.net if deal.proceeds.basis == "net" and money.net is not None else money.gross
    uses = deal.proceeds.uses
    amounts = allocate_proceeds(base, [u.share for u in uses], deal.proceeds.decimals) if uses else []
    allocations = tuple(
        Allocation(u.name, u.share, a, a / deal.fx.rate if deal.fx else None)
        for u, a in zip(deal.proceeds.uses, amounts, strict=True)
    )
    bench = next((r.price for r in refs if r.key == "benchmarked_price"), None)
    last = next((r.price for r in refs if r.key == "last_close"), None)
    per_class = p.class_shares_outstanding
    existing = p.shares_outstanding
    potential = p.new_shares + (p.prefunded_warrants or 0) + (p.attached_warrants or 0)
    exercise = None
    if p.attached_warrants and p.warrant_exercise_price is not None:
        exercise = structured_gross(p.attached_warrants, p.warrant_exercise_price, p.ads_ratio)
    return Figures(
        deal=deal,
        references=refs,
        benchmark=window,
        percent_of_existing=dil.dilution(p.new_shares, existing, "existing") if existing else None,
        percent_of_enlarged=dil.dilution(p.new_shares, existing, "enlarged") if existing else None,
        percent_of_existing_class=dil.dilution(p.new_shares, per_class, "existing") if per_class else None,
        percent_of_enlarged_class=dil.dilution(p.new_shares, per_class, "enlarged") if per_class else None,
        proceeds=money,
        allocation_base=base,
        allocations=allocations,
        theoretical_diluted_price=(
            dil.theoretical_diluted_price(bench, existing, p.new_shares, p.price)
            if bench and existing
            else None
        ),
        theoretical_dilution_effect=(
            dil.theoretical_dilution_effect(bench, existing, p.new_shares, p.price)
            if bench and existing
            else None
        ),
        mandate_headroom=(
            dil.mandate_headroom(p.mandate_limit, p.mandate_used or 0, p.new_shares)
            if p.mandate_limit
            else None
        ),
        shareholding=(
            tuple(
                dil.shareholding(
                    [(h.name, h.shares) for h in deal.shareholders],
                    existing,
                    p.new_shares,
                    p.vendor if p.kind == "top-up" else None,
                )
            )
            if existing
            else ()
        ),
        market=context.market_context(deal, _closes_to_last_trading_day(deal), last, money.gross),
        timetable=context.timetable(deal),
        public_float=context.public_float(deal),
        potential_shares=potential,
        percent_fully_diluted=dil.dilution(potential, existing, "enlarged") if existing else None,
        warrant_exercise_proceeds=exercise,
        after_market=context.after_market(deal),
    )


def deal_proceeds(deal: Deal) -> Proceeds:
    """The deal's proceeds; without both costs given, the net figures are None (not given)."""
    p, c = deal.placing, deal.costs
    money = proceeds(
        p.new_shares,
        p.price,
        c.commission_rate or 0,
        c.other_costs or 0,
        deal.fx.rate if deal.fx else None,
        ads_ratio=p.ads_ratio,
        prefunded=p.prefunded_warrants or 0,
        prefunded_price=p.prefunded_price or 0,
    )
    if c.given:
        return money
    return Proceeds(
        money.gross,
        money.commission if c.commission_rate is not None else None,
        money.other_costs if c.other_costs is not None else None,
        None,
        None,
        money.fx_rate,
        money.gross_quote,
        None,
    )


def _references(deal: Deal) -> tuple[tuple[Reference, ...], BenchmarkWindow | None]:
    """Reference prices: given figures first, the rest derived from the history."""
    m, price = deal.market, deal.placing.price
    closes = _closes_to_last_trading_day(deal)
    refs: list[Reference] = []

    def add(key: str, label: str, value: Decimal, origin: str) -> None:
        refs.append(Reference(key, label, value, discount(price, value), origin))

    last = m.last_close if m.last_close is not None else (closes[-1].close if closes else None)
    if last is not None:
        add("last_close", "Last close", last, "given" if m.last_close is not None else "from history")
    wanted = (*STANDARD_AVERAGES, *_stated_days(deal, "discount_to_average_close_<N>d"))
    days = sorted({*m.average_closes, *(n for n in wanted if n <= len(closes))})
    for n in days:
        if n in m.average_closes:
            add(f"average_close_{n}d", f"{n}-day average close", m.average_closes[n], "given")
        elif n <= len(closes):
            add(
                f"average_close_{n}d",
                f"{n}-day average close",
                average_close([c.close for c in closes], n),
                "from history",
            )
    with_volume = [c for c in closes if c.volume is not None]
    vwap_days = sorted(
        {
            *m.vwaps,
            *([15] if deal.issuer.exchange == "ASX" else []),
            *_stated_days(deal, "discount_to_vwap_<N>d"),
        }
    )
    for n in vwap_days:
        if n in m.vwaps:
            add(f"vwap_{n}d", f"{n}-day VWAP", m.vwaps[n], "given")
        elif with_volume and len(with_volume) == len(closes) and n <= len(closes):
            add(
                f"vwap_{n}d",
                f"{n}-day VWAP",
                vwap([c.close for c in closes], [c.volume or 0 for c in closes], n),
                "from history",
            )
    if m.day_vwap is not None:
        add("day_vwap", day_vwap_label(deal), m.day_vwap, "given")
    if deal.issuer.exchange != "HKEX":  # the benchmarked price is a Hong Kong Listing Rules term
        return tuple(refs), None
    window = _benchmark(deal)
    label = f"Benchmarked price ({deal.issuer.hk_rule('13.36(5)')})"
    if window is not None:
        add("benchmarked_price", label, window.price, "from history")
    elif last is not None and 5 in m.average_closes:
        add("benchmarked_price", label, max(last, m.average_closes[5]), "given")
    return tuple(refs), window


def day_vwap_label(deal: Deal) -> str:
    """The market day of ``market.day_vwap``, as the report and the checks name it."""
    day, agreed = deal.market.day_vwap_date, deal.placing.agreement_date
    if day is None or day == agreed:
        return "VWAP of the agreement day"
    if agreed is None:
        return f"VWAP of {day.isoformat()}"
    return "VWAP of the preceding market day"


def _stated_days(deal: Deal, pattern: str) -> list[int]:
    """The N of each stated figure such as discount_to_average_close_<N>d, so it gets computed."""
    found = (match_pattern(key, [pattern]) for key in deal.stated)
    return [m[1] for m in found if m]


def _closes_to_last_trading_day(deal: Deal) -> list[Close]:
    """History up to and including the agreement date (all of it when there is no date)."""
    history = list(deal.market.history)
    agreed = deal.placing.agreement_date
    return [c for c in history if agreed is None or c.date <= agreed]


def _benchmark(deal: Deal) -> BenchmarkWindow | None:
    p = deal.placing
    if not deal.market.history or p.agreement_date is None:
        return None
    try:
        return benchmark_window(
            deal.market.history, p.agreement_date, p.announcement_date, p.price_fixing_date
        )
    except CalculationError:
        return None

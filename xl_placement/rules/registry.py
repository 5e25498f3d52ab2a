"""The exchanges whose rules are checked, by ``issuer.exchange``: one module each, registered here.

Adding a market is one module (its checks, price limit, tick table and docs rows as an
``Exchange``) plus ``register(EXCHANGE)`` below, and its tests; the checks, the pricing
grid, PLACEMENT_CHECK and the docs' rules page then read it.
"""

from __future__ import annotations

from xl_placement.deal import Deal
from xl_placement.figures import Figures
from xl_placement.formats import listed
from xl_placement.rules import asx, bursa, hkex, lse, nasdaq, sgx, tsx
from xl_placement.rules.base import NOT_APPLICABLE, Exchange, PriceRule, RuleCheck, mandate_check, not_applied

EXCHANGES: dict[str, Exchange] = {}


def register(exchange: Exchange) -> Exchange:
    """Add (or replace) an exchange's rules under its key ("HKEX", "HKEX GEM"); returns it."""
    EXCHANGES[exchange.key] = exchange
    return exchange


for _exchange in (
    hkex.EXCHANGE,
    hkex.GEM_EXCHANGE,
    sgx.EXCHANGE,
    nasdaq.EXCHANGE,
    asx.EXCHANGE,
    lse.EXCHANGE,
    tsx.EXCHANGE,
    bursa.EXCHANGE,
):
    register(_exchange)


def key_of(deal: Deal) -> str:
    """The registry key of the deal's rules: ``issuer.exchange``, with ``issuer.board`` when it has rules of its own."""
    issuer = deal.issuer
    boarded = f"{issuer.exchange} {issuer.board}" if issuer.board else issuer.exchange
    return boarded if boarded in EXCHANGES else issuer.exchange


def exchange_of(deal: Deal) -> Exchange | None:
    """The rules of the deal's exchange and board (None for an exchange without rules here)."""
    return EXCHANGES.get(key_of(deal))


def checked_codes() -> str:
    """The exchanges checked, as a sentence says them: "HKEX, SGX, NASDAQ and ASX"."""
    return listed(list(EXCHANGES))


def rule_checks(figures: Figures) -> tuple[RuleCheck, ...]:
    """The listing-rule checks of the deal's exchange.

    Args:
        figures: the computed figures of a deal.

    Returns:
        The checks of ``deal.issuer.exchange``; for an exchange without rules here, one
        "not applicable" check saying that nothing was checked.
    """
    exchange = exchange_of(figures.deal)
    if exchange is None:
        found = [_no_rules(figures.deal)]
        if figures.deal.placing.mandate_limit is not None:  # a limit given is checked, never ignored
            found.append(mandate_check(figures, "Mandate limit", "as given", "Mandate headroom"))
        return tuple(found)
    return tuple(check(figures) for check in exchange.checks)


def price_rule(figures: Figures) -> PriceRule:
    """The price rule of the deal's exchange, as the pricing grid applies it to every price."""
    code = figures.deal.issuer.exchange
    exchange = exchange_of(figures.deal)
    if exchange is None:
        return not_applied(
            None,
            NOT_APPLICABLE,
            f"xl-placement checks price rules for {checked_codes()}",
            f"No price rule is checked for {code}",
        )
    return exchange.price_rule(figures)


def _no_rules(deal: Deal) -> RuleCheck:
    return RuleCheck(
        rule="none",
        title="Listing rules",
        figure="-",
        limit="-",
        status=NOT_APPLICABLE,
        detail=(
            f"No listing rules are checked for exchange {deal.issuer.exchange!r}; "
            f"xl-placement checks {checked_codes()}. Check the placing against its "
            "exchange's rules yourself."
        ),
        value=None,
    )


def file_only_phrases() -> tuple[str, ...]:
    """Phrases of the checks naming deal-file inputs that PLACEMENT_CHECK has no argument for."""
    return tuple(phrase for exchange in EXCHANGES.values() for phrase in exchange.file_only)


def rules_markdown() -> str:
    """The docs' table of rules, from the exchanges' modules (docs/rules.md holds it between markers)."""
    lines = ["| exchange | rule | the check | limit | statuses |", "|---|---|---|---|---|"]
    for exchange in EXCHANGES.values():
        lines += [
            f"| {exchange.key} | {r.rule} | {r.check} | {r.limit} | {r.statuses} |" for r in exchange.docs
        ]
    lines += [
        "| other | mandate limit | new shares against `mandate_limit` \u2212 `mandate_used`, when a limit is given "
        "| up to what is left | pass, breach |",
        '| other | none | | | one "not applicable" result saying that no rules are checked: never a silent pass |',
    ]
    return "\n".join(lines)


def ticks_markdown() -> str:
    """The docs' tick tables, from the exchanges' modules: each band's start, its tick, and the source."""
    lines: list[str] = []
    shown: dict[int, str] = {}
    for exchange in EXCHANGES.values():
        if id(exchange.ticks) in shown:  # a board that trades on its exchange's table (HKEX GEM)
            lines += [f"**{exchange.key}**: the {shown[id(exchange.ticks)]} table above.", ""]
            continue
        shown[id(exchange.ticks)] = exchange.key
        bands = exchange.ticks.bands
        lines += [
            f"**{exchange.key}** ({exchange.ticks.source})",
            "",
            "| from | up to | tick |",
            "|---|---|---|",
        ]
        for index, (start, step) in enumerate(bands):
            end = f"below {bands[index + 1][0]}" if index + 1 < len(bands) else "and above"
            lines.append(f"| {start} | {end} | {step} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n")

"""The key sentences of a placing announcement, generated from the deal's figures.

The small formatters it shares with the checks and the report (prices, percentages,
amounts in millions, dates) are ``formats``'.
"""

from __future__ import annotations

from xl_placement.context import TOP_UP_SUBSCRIPTION_DAYS
from xl_placement.deal import Deal
from xl_placement.figures import NET_NOT_GIVEN_BASIS, Figures, Reference
from xl_placement.formats import (
    MAX_PRICE_DECIMALS,
    computed_price_text,
    date_text,
    in_pence,
    in_sentence,
    listed,
    millions_places,
    millions_text,
    number_word,
    percent_text,
    price_places,
    price_text,
    share_text,
    symbol,
)
from xl_placement.money import in_context, round_half_up


def net_price_places(deal: Deal) -> int:
    """The decimals of the net price per share, in the report and the wording alike.

    Those of the placing price; for an ADS deal the net price is per ordinary share,
    finer than the ADS price, so the most a price shows.
    """
    if deal.placing.ads_ratio is not None:
        return MAX_PRICE_DECIMALS
    return price_places(deal.placing.price)


@in_context
def announcement_sentences(figures: Figures) -> tuple[str, ...]:
    """The key sentences of the placing announcement, generated from the deal.

    The terms of the placing, the placees, the size against the existing and the enlarged
    share capital, the price against each reference price, the gross and net proceeds,
    the net price per share and the use of proceeds.

    Args:
        figures: the computed figures of a deal.

    Returns:
        One sentence per item, in the order an announcement gives them.
    """
    deal = figures.deal
    sentences = [_terms(deal)]
    placees = _placees(deal)
    if placees:
        sentences.append(placees)
    sentences.extend(_size(figures))
    sentences.extend(_warrants(figures))
    sentences.extend(_price(figures, ref) for ref in figures.references if _has_sentence(figures, ref))
    sentences.extend(_proceeds(figures))
    sentences.append(_uses(figures))
    sentences.extend(_subscription_deadline(figures))
    return tuple(sentences)


def _subscription_deadline(figures: Figures) -> list[str]:
    """A top-up's condition (Rule 14A.92(4)): the subscription completes within 14 days of the agreement."""
    entry = next((e for e in figures.timetable if e.key == "subscription_deadline"), None)
    if entry is None or entry.when is None:
        return []
    agreed = figures.deal.placing.agreement_date
    if agreed is None:
        return []
    return [
        f"Completion of the Subscription shall take place within {TOP_UP_SUBSCRIPTION_DAYS} days after the "
        f"date of the Placing Agreement ({date_text(agreed)}), that is on or before {date_text(entry.when)}."
    ]


def _noun(deal: Deal) -> str:
    return "Subscription Shares" if deal.placing.kind == "top-up" else "Placing Shares"


def _event(deal: Deal) -> str:
    return "the Subscription" if deal.placing.kind == "top-up" else "the Placing"


def _class_shares(deal: Deal) -> str:
    """The class as announcements name it: Class B Shares, H Shares, or plain Shares."""
    name = deal.issuer.share_class
    if not name:
        return "Shares"
    if name.lower().startswith("class") or len(name) > 2 or name.upper() in ("H", "A"):
        return f"{name[0].upper()}{name[1:]} Shares"
    return f"Class {name} Shares"


#: What the terms say of the mandate when ``placing.mandate`` is not given.
MANDATE_NOT_GIVEN = "mandate not given (placing.mandate)"

UNDERWRITING_WORDS = {
    "best efforts": "on a best efforts basis ",
    "fully underwritten": "on a fully underwritten basis ",
}


def authority_text(deal: Deal) -> str:
    """Under what the shares are issued, in the exchange's own terms (Hong Kong terms for HKEX only).

    HKEX and SGX: the general or a specific mandate; ASX: the placement capacity of Listing Rule
    7.1 or 7.1A (or the tranches); Nasdaq and others: shareholders' approval, when given.
    """
    p, exchange = deal.placing, deal.issuer.exchange
    if exchange in ("HKEX", "SGX", "Bursa"):  # each calls it a general mandate
        return {"general": "the general mandate", "specific": "a specific mandate"}.get(
            p.mandate or "", MANDATE_NOT_GIVEN
        )
    if exchange == "ASX":
        return _asx_authority(deal)
    if exchange == "LSE":
        return {
            "general": "the existing authority to allot shares for cash on a non-pre-emptive basis",
            "specific": "a specific shareholder approval",
        }.get(p.mandate or "", "authority not given (placing.mandate)")
    if p.mandate is None:
        return "shareholders' approval not given (placing.mandate)"
    return "with shareholders' approval" if p.mandate == "specific" else "without shareholders' approval"


def _asx_authority(deal: Deal) -> str:
    """ASX: the tranches, the placement capacity, or shareholders' approval."""
    p = deal.placing
    if p.tranches:
        parts = [f"{t.name}: {t.shares:,} shares {_asx_capacity_words(t.capacity)}" for t in p.tranches]
        return "; ".join(parts)
    if p.capacity is not None:
        return _asx_capacity_words(p.capacity)
    if p.mandate == "specific":
        return _asx_capacity_words("approval")
    return "placement capacity not given (placing.capacity)"


def _asx_capacity_words(capacity: str) -> str:
    if capacity == "approval":
        return "with shareholders' approval"
    return f"under Listing Rule {capacity}"


def _issued(deal: Deal) -> str:
    """The end of the terms sentence: ", to be issued under the general mandate"."""
    authority = authority_text(deal)
    if authority.startswith(("the ", "a ")) and deal.issuer.exchange == "LSE":
        return f", to be issued pursuant to {authority}"
    if authority.startswith(("the ", "a ")):
        return f", to be issued under {authority}"
    if deal.issuer.exchange == "ASX" and deal.placing.tranches:
        return f", in {len(deal.placing.tranches)} tranches ({authority})"
    if deal.issuer.exchange == "ASX" and authority.startswith("placement capacity not given"):
        return ""
    if deal.issuer.exchange == "ASX" or deal.placing.mandate == "specific":
        return f", to be issued {authority}"
    return ""


def _terms(deal: Deal) -> str:
    p, ccy = deal.placing, deal.issuer.currency
    through = f"through {listed(p.agents)} " if p.agents else ""
    basis = UNDERWRITING_WORDS.get(p.underwriting or "", "")
    shares = _class_shares(deal)
    unit = "ADS" if p.ads_ratio is not None else "Share"
    price = price_text(p.price, ccy)
    issued = _issued(deal)
    if p.kind == "top-up":
        vendor = f'{p.vendor} (the "Vendor")' if p.vendor else "The Vendor"
        return (
            f"{vendor} has agreed to place {p.new_shares:,} existing {shares} {through}{basis}"
            f'at {price} per {unit} (the "Placing Price"), and to subscribe for {p.new_shares:,} new '
            f'{shares} (the "Subscription Shares") at the Placing Price{issued}.'
        )
    per = f"{unit} ({_ads(deal)})" if p.ads_ratio is not None else "Placing Share"
    return (
        f"The Company has agreed to place {p.new_shares:,} new {shares} "
        f'(the "Placing Shares") {through}{basis}at {price} per {per} '
        f'(the "Placing Price"){issued}.'
    )


def _ads(deal: Deal) -> str:
    ratio = deal.placing.ads_ratio
    return f"each ADS representing {ratio:,} ordinary shares" if ratio is not None else ""


def _warrants(figures: Figures) -> list[str]:
    """Pre-funded and attached warrants: how many, at what price, and the fully diluted size."""
    p, ccy = figures.deal.placing, figures.deal.issuer.currency
    sentences = []
    if p.prefunded_warrants and p.prefunded_price is not None:
        sentences.append(
            f"Pre-funded warrants to subscribe for {p.prefunded_warrants:,} Shares are sold at "
            f"{price_text(p.prefunded_price, ccy)} each; the gross proceeds include them."
        )
    if p.attached_warrants:
        exercise = (
            f" at an exercise price of {price_text(p.warrant_exercise_price, ccy)}"
            if p.warrant_exercise_price is not None
            else " (exercise price not given: placing.warrant_exercise_price)"
        )
        raised = figures.warrant_exercise_proceeds
        more = (
            f", which would raise approximately {millions_text(raised, ccy, _places(figures))} more if exercised in full"
            if raised is not None
            else ""
        )
        sentences.append(
            f"Warrants to subscribe for {p.attached_warrants:,} Shares are attached{exercise}{more}."
        )
    if figures.has_warrants:
        diluted = figures.percent_fully_diluted
        size = (
            f"approximately {percent_text(diluted)} of the issued share capital as enlarged by their issue and "
            "the exercise of every warrant (fully diluted)"
            if diluted is not None
            else "a share of the fully diluted share capital that is not given (needs placing.shares_outstanding)"
        )
        sentences.append(
            f"The Placing Shares and the warrant shares, {figures.potential_shares:,} in all, represent {size}."
        )
    return sentences


def _placees(deal: Deal) -> str:
    n = deal.placing.min_placees
    if n is None:
        return ""
    if n >= 6 or deal.issuer.exchange != "HKEX":
        return f"The Placing Shares will be placed to not less than {number_word(n)} placees."
    return (
        f"The Placing Shares will be placed to not less than {number_word(n)} placees; "
        "as there may be fewer than six, each placee must be named."
    )


def _size(figures: Figures) -> list[str]:
    deal = figures.deal
    noun, event = _noun(deal), _event(deal)
    if figures.percent_of_existing is None or figures.percent_of_enlarged is None:
        return [
            f"[The {noun} as a percentage of the share capital is not given: needs placing.shares_outstanding.]"
        ]
    sentences = [
        f"The {noun} represent approximately {percent_text(figures.percent_of_existing)} of the existing "
        f"issued share capital of the Company and approximately {percent_text(figures.percent_of_enlarged)} "
        f"of the issued share capital of the Company as enlarged by {event}."
    ]
    existing, enlarged = figures.percent_of_existing_class, figures.percent_of_enlarged_class
    if existing is not None and enlarged is not None:
        shares = _class_shares(deal)
        sentences.append(
            f"The {noun} represent approximately {percent_text(existing)} of the existing issued {shares} "
            f"and approximately {percent_text(enlarged)} of the issued {shares} as enlarged by {event}."
        )
    return sentences


def _has_sentence(figures: Figures, ref: Reference) -> bool:
    """Every reference price, except a benchmarked price that repeats another one or is not HKEX's."""
    if ref.key != "benchmarked_price":
        return True
    others = {r.price for r in figures.references if r.key != ref.key}
    return figures.deal.issuer.exchange == "HKEX" and ref.price not in others


def _price(figures: Figures, ref: Reference) -> str:
    deal = figures.deal
    ccy = deal.issuer.currency
    opening = f"The Placing Price of {price_text(deal.placing.price, ccy)}"
    target = _reference_words(figures, ref)
    if ref.discount == 0:
        return f"{opening} is equal to {target}."
    word = "discount" if ref.discount > 0 else "premium"
    return f"{opening} represents a {word} of approximately {percent_text(abs(ref.discount))} to {target}."


def _reference_words(figures: Figures, ref: Reference) -> str:
    ccy = figures.deal.issuer.currency
    price = (
        computed_price_text(ref.price, ccy, figures.deal.placing.price)
        if ref.origin == "from history"
        else price_text(ref.price, ccy)
    )
    if ref.key == "last_close":
        return f"the closing price of {price} per Share on {_last_day(figures.deal)}"
    if ref.key.startswith("average_close_"):
        days = int(ref.key.removeprefix("average_close_").removesuffix("d"))
        return (
            f"the average closing price of approximately {price} per Share for the last "
            f"{number_word(days)} consecutive trading days"
        )
    if ref.key.startswith("vwap_"):
        days = int(ref.key.removeprefix("vwap_").removesuffix("d"))
        return (
            f"the volume-weighted average price of approximately {price} per Share for the last "
            f"{number_word(days)} trading days"
        )
    if ref.key == "day_vwap":
        day, agreed = figures.deal.market.day_vwap_date, figures.deal.placing.agreement_date
        if day is None:
            when = "on the day of the placing agreement"
        elif day == agreed:
            when = f"for trades done on {date_text(day)}, the day of the placing agreement"
        elif agreed is None:
            when = f"for trades done on {date_text(day)}"
        else:
            when = f"for trades done on {date_text(day)}, the preceding market day"
        return f"the volume-weighted average price of {price} per Share {when}"
    issuer = figures.deal.issuer
    rules = "GEM Listing Rules" if issuer.gem else "Listing Rules"
    return f"the benchmarked price of {price} per Share under {issuer.hk_rule('13.36(5)')} of the {rules}"


def _last_day(deal: Deal) -> str:
    """The last trading day: dated when the close comes from the history."""
    if deal.market.last_close is None and deal.market.history:
        agreed = deal.placing.agreement_date
        days = [c.date for c in deal.market.history if agreed is None or c.date <= agreed]
        if days:
            return f"{date_text(days[-1])}, the last trading day"
    return "the last trading day"


def _places(figures: Figures) -> int:
    """One precision for the deal's amounts in millions across its sentences (``millions_places``)."""
    money = figures.proceeds
    amounts = [money.gross, money.costs, money.net, figures.warrant_exercise_proceeds]
    return millions_places([*amounts, *(a.amount for a in figures.allocations)])


def _proceeds(figures: Figures) -> list[str]:
    deal, money = figures.deal, figures.proceeds
    ccy, event = deal.issuer.currency, _event(deal)
    places = _places(figures)
    gross = f"The gross proceeds from {event} are expected to be approximately {millions_text(money.gross, ccy, places)}"
    if deal.fx and money.gross_quote is not None:
        gross += f" (approximately {millions_text(money.gross_quote, deal.fx.quote_currency)})"
    sentences = [gross + "."]
    if money.net is None or money.net_price_per_share is None or money.costs is None:
        sentences.append(
            f"[The net proceeds and the net price per share are not given: needs "
            f"{' and '.join(deal.costs.missing)}.]"
        )
        return sentences
    if money.costs == 0:
        sentences.append(
            f"No costs are deducted, so the net proceeds equal the gross proceeds of approximately "
            f"{millions_text(money.net, ccy, places)}."
        )
    else:
        sentences.append(
            f"The net proceeds from {event}, after deducting the placing commission and other costs and "
            f"expenses of approximately {millions_text(money.costs, ccy, places)}, are estimated to be approximately "
            f"{millions_text(money.net, ccy, places)}."
        )
    # At the decimals the report's headline shows (net_price_places), trailing zeros kept.
    per_share = (
        price_text(money.net_price_per_share, ccy)  # sterling: in pence, as London quotes prices
        if in_pence(ccy)
        else f"{symbol(ccy)}{round_half_up(money.net_price_per_share, net_price_places(deal)):,}"
    )
    noun = "ordinary share" if deal.placing.ads_ratio is not None else _noun(deal)[:-1]
    sentences.append(f"The net price per {noun} is approximately {per_share}.")
    return sentences


def _uses(figures: Figures) -> str:
    deal = figures.deal
    ccy, places = deal.issuer.currency, _places(figures)
    # The amounts split what they split: gross when the uses are on a net basis but net is not given.
    basis = "net" if deal.proceeds.basis == "net" and figures.allocation_basis == "net" else "gross"
    opening = f"The Company intends to use the {basis} proceeds from {_event(deal)}"
    if not figures.allocations:
        return "[The use of proceeds is not given: needs [[proceeds.uses]].]"
    if figures.allocation_basis == NET_NOT_GIVEN_BASIS:
        opening = (
            f"[The net proceeds are not given (needs {' and '.join(deal.costs.missing)}): the amounts "
            f"below split the gross proceeds.] {opening}"
        )
    items = [
        f"approximately {share_text(a.share)} (approximately {millions_text(a.amount, ccy, places)}) for {in_sentence(a.name)}"
        for a in figures.allocations
    ]
    if len(items) == 1:
        only = figures.allocations[0]
        return f"{opening} (approximately {millions_text(only.amount, ccy, places)}) for {in_sentence(only.name)}."
    numbered = [f"({_roman(i + 1)}) {item}" for i, item in enumerate(items)]
    return f"{opening} as follows: " + "; ".join(numbered[:-1]) + f"; and {numbered[-1]}."


def _roman(n: int) -> str:
    numerals = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out += letters
            n -= value
    return out

"""Precedents from a folder of deal files (``.toml``/``.json``): every figure computed from a deal's inputs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from xl_placement.dealfile import deal_files, read_deal_file
from xl_placement.errors import InputError, PlacementError, PrecedentsError
from xl_placement.precedents.precedent import Precedent, PrecedentDate, complete


def read_folder(folder: Path) -> tuple[Precedent, ...]:
    """Deal files as precedents: every figure computed from the deal's inputs."""
    try:
        files = deal_files(folder)
    except InputError as exc:
        raise PrecedentsError(str(exc)) from exc
    if not files:
        raise PrecedentsError(f"{folder}: the folder has no .toml or .json deal files")
    result = []
    for path in files:
        try:
            deal = read_deal_file(path)
        except PlacementError as exc:
            raise PrecedentsError(f"{path}: {exc}") from exc
        result.append(from_deal(deal, str(path)))
    return tuple(result)


def from_deal(deal: object, origin: str) -> Precedent:
    """A deal as a precedent: its inputs, and the figures that follow from them marked computed."""
    from xl_placement.deal import Deal  # noqa: PLC0415
    from xl_placement.figures import compute  # noqa: PLC0415

    assert isinstance(deal, Deal)  # noqa: S101 - typed loosely to keep imports light
    figures = compute(deal)
    p, issuer = deal.placing, deal.issuer
    dates = [d for d in (p.agreement_date, p.announcement_date, p.price_fixing_date) if d is not None]
    rate = deal.fx.rate if deal.fx is not None and deal.fx.quote_currency == "USD" else None
    average = figures.reference("average_close_5d")
    last = figures.reference("last_close")
    row = Precedent(
        issuer=issuer.name,
        exchange=issuer.exchange.upper(),
        currency=issuer.currency,
        origin=origin,
        stock_code=issuer.stock_code,
        share_class=issuer.share_class or "",
        kind=p.kind,
        date=PrecedentDate(min(dates), min(dates)) if dates else None,
        new_shares=p.new_shares,
        price=p.price,
        last_close=last.price if last else None,
        average_close_5d=average.price if average else None,
        shares_outstanding=p.shares_outstanding,
        # The deal's own gross (ADSs and pre-funded warrants included), not shares x price.
        gross_proceeds=figures.proceeds.gross,
        net_proceeds=figures.proceeds.net,
        usd_rate=rate,
        usd_rate_source=deal.fx.source if rate is not None and deal.fx is not None else "",
        source=origin,
        reported=False,
        # From the deal's own history when it runs past the deal (context.after_market).
        **{f"after_market_t{a.days}": a.change for a in figures.after_market},  # type: ignore[arg-type]
    )
    done = complete(row)
    after = {f"after_market_t{a.days}" for a in figures.after_market}
    return replace(done, computed=done.computed | {"gross_proceeds"} | after)

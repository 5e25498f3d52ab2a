"""Read a deal file (TOML or JSON) or a mapping of the same shape into a validated Deal.

Validation reports every problem at once, each naming the file, the field path,
the value and the expected form.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_placement import deal as model
from xl_placement import fields as f
from xl_placement import ledger, parsers, pricefile
from xl_placement.errors import MISSING, DealError, InputError, Problem
from xl_placement.money import in_context
from xl_placement.prices import Close
from xl_placement.proceeds import shares_total_problem
from xl_placement.published import EQUIVALENT_OF, parse_published, split_equivalent, stated_kind
from xl_placement.safe_csv import MAX_CSV_ROWS

# A deal at every list limit (10,000 history rows, written out as pretty JSON) is about 1 MB;
# a TOML parser takes about a second per 1 MB of the worst text, so 2 MB stays within the bounds.
MAX_DEAL_FILE_BYTES = 2_000_000
DEAL_FILE_SUFFIXES = (".toml", ".json")
#: Unknown names listed one by one, each with the closest known name; the rest are counted.
MAX_UNKNOWN_SHOWN = 10
#: Most deal files a folder may hold (a batch or precedents): as many as the rows of a CSV.
MAX_DEAL_FILES = MAX_CSV_ROWS


def deal_files(folder: Path) -> list[Path]:
    """The .toml and .json deal files of a folder, sorted; at most MAX_DEAL_FILES are accepted.

    Raises:
        InputError: the folder holds more deal files than the limit.
    """
    found: list[Path] = []
    for path in folder.iterdir():  # counted as listed: a huge folder is refused without sorting it
        if path.suffix.lower() in DEAL_FILE_SUFFIXES and path.is_file():
            found.append(path)
            if len(found) > MAX_DEAL_FILES:
                raise InputError(
                    f"{folder}: holds more than {MAX_DEAL_FILES:,} deal files, the limit for a folder; split it"
                )
    return sorted(found)


@in_context
def read_deal_file(path: str | Path, prices: str | Path | None = None) -> model.Deal:
    """Load and validate a deal file.

    Args:
        path: a ``.toml`` or ``.json`` deal file.
        prices: a price-history file to read the market history from (``--prices``);
            without it, ``market.history_file`` (relative to the deal file) when given.

    Returns:
        The validated Deal.

    Raises:
        DealError: the file cannot be read or parsed, or holds invalid fields (all listed).
    """
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in DEAL_FILE_SUFFIXES:
        raise DealError(
            [
                Problem(
                    "file", MISSING, f'has the suffix "{path.suffix}"; it must be a .toml or .json deal file'
                )
            ],
            source,
        )
    try:
        size = path.stat().st_size
        if not path.is_dir() and not path.is_file():
            # A device or a pipe (a link to /dev/zero, a FIFO) would never end or never start.
            raise DealError(
                [Problem("file", MISSING, "is not a regular file; give a saved deal file")], source
            )
        if size <= MAX_DEAL_FILE_BYTES:
            with path.open("rb") as stream:
                raw = stream.read(MAX_DEAL_FILE_BYTES + 1)  # the size may change while it is read
            size = max(size, len(raw))
        if size > MAX_DEAL_FILE_BYTES:
            raise DealError(
                [
                    Problem(
                        "file",
                        MISSING,
                        f"is {size:,} bytes, larger than the {MAX_DEAL_FILE_BYTES:,} bytes a deal file may have",
                    )
                ],
                source,
            )
    except OSError as exc:
        raise DealError([Problem("file", MISSING, f"cannot be read: {exc.strerror or exc}")], source) from exc
    try:
        # utf-8-sig: Windows editors (Notepad) may start a UTF-8 file with a byte-order mark.
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DealError(
            [Problem("file", MISSING, f"must be UTF-8 text (line {line:,} is not); save it as UTF-8")],
            source,
        ) from exc
    data = parse_text(content, suffix.lstrip("."), source)
    return deal_from_mapping(data, source, base=path.parent, prices=prices)


def parse_text(content: str, fmt: str, source: str = "") -> dict[str, Any]:
    """Parse deal-file text in ``fmt`` ("toml" or "json") into a plain mapping."""
    # Decimal, not float: a price written with 20 digits is refused for its digits instead
    # of being rounded silently to the nearest double (1e400 is too large, not infinity).
    try:
        if fmt == "toml":
            data = tomllib.loads(content, parse_float=Decimal)
        else:
            data = json.loads(content, parse_float=Decimal, object_pairs_hook=_json_table)
    except tomllib.TOMLDecodeError as exc:
        raise DealError([Problem("file", MISSING, f"is not valid TOML: {exc}")], source) from exc
    except json.JSONDecodeError as exc:
        raise DealError([Problem("file", MISSING, f"is not valid JSON: {exc}")], source) from exc
    except RecursionError as exc:
        raise DealError([Problem("file", MISSING, "is nested too deeply")], source) from exc
    except _DuplicateKeyError as exc:
        key = _shown_key(exc.key)
        key = f'"{key}"' if key == exc.key else key
        shown = f"names {key} twice in one table; JSON would keep only the last, so give it once"
        raise DealError([Problem("file", MISSING, shown)], source) from exc
    except ValueError as exc:  # Python refuses to read a whole number of more than 4,300 digits
        expected = f"holds a number thousands of digits long; numbers may have at most {parsers.MAX_SIGNIFICANT} significant digits"
        raise DealError([Problem("file", MISSING, expected)], source) from exc
    if not isinstance(data, dict):
        raise DealError([Problem("file", MISSING, "must hold a table of sections at the top")], source)
    return data


class _DuplicateKeyError(ValueError):
    """A JSON object names the same key twice (TOML refuses this itself)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_table(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a repeated key instead of keeping the last value."""
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise _DuplicateKeyError(key)
        table[key] = value
    return table


class _Reader:
    """Collects the problems of one deal while reading its sections."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.unknowns = 0  # unknown names met; past MAX_UNKNOWN_SHOWN they are only counted

    def finish(self) -> None:
        """Add the count of the unknown names not listed one by one."""
        hidden = self.unknowns - MAX_UNKNOWN_SHOWN
        if hidden > 0:
            self.problems.append(
                Problem("file", MISSING, f"... and {hidden:,} more unknown names, not listed")
            )

    def section(self, data: Mapping[str, Any], name: str) -> dict[str, Any] | None:
        """The table called ``name``, or None when it is absent or not a table (reported once)."""
        value = data.get(name)
        if value is None:
            if name in f.REQUIRED_SECTIONS:
                self.problems.append(Problem(name, MISSING, f"the [{name}] section is missing"))
            return None
        if not isinstance(value, dict):
            self.problems.append(Problem(name, value, f"must be a table ([{name}])"))
            return None
        return value

    def fields(self, data: Mapping[str, Any] | None, specs: Sequence[f.Field], path: str) -> dict[str, Any]:
        """Parse the plain fields of one table; unknown names are reported with a suggestion.

        A missing table (None) has been reported already, so its fields are not listed again.
        """
        result: dict[str, Any] = {}
        if data is None:
            return result
        by_name = {spec.name: spec for spec in specs}
        patterns = [name for name in by_name if "<N>" in name]
        for key, value in data.items():
            spec = by_name.get(key)
            matched = None if spec else model.match_pattern(key, patterns)
            if matched:
                spec = by_name[matched[0]]
            if spec is None:
                if f"{path}.{key}" not in f.TABLES and f"{path}.{key}" not in f.FILE_ONLY_TABLES:
                    self.unknown(key, list(by_name), path)
                continue
            parsed = self.value(value, spec.parse, f"{path}.{key}")
            if parsed is not None:
                result[key] = parsed
        for spec in specs:
            if spec.required and spec.name not in data:
                self.problems.append(
                    Problem(f"{path}.{spec.name}", MISSING, f"is required ({spec.unit}): {spec.doc}")
                )
        return result

    def value(self, value: object, parse: parsers.Parser, path: str) -> Any:
        try:
            return parse(value)
        except parsers.Invalid as exc:
            self.problems.append(Problem(path, value, str(exc)))
            return None

    def unknown(self, key: str, known: Sequence[str], path: str) -> None:
        """Report an unknown name, suggesting the closest known one (``path`` "" is the top level)."""
        self.unknowns += 1
        if self.unknowns > MAX_UNKNOWN_SHOWN:  # a file of 400,000 unknown keys: count them, fast
            return
        # A patterned name is compared as if N were 5, and suggested as the pattern.
        names = {k.replace("<N>", "5"): k for k in known}
        found = difflib.get_close_matches(key, list(names), n=1)
        close = [names[found[0]]] if found else []
        key = _shown_key(key)
        if not path:
            hint = f"; did you mean [{close[0]}]?" if close else f"; known sections: {', '.join(known)}"
            self.problems.append(Problem(key, MISSING, "is not a known section" + hint))
            return
        hint = f"; did you mean {path}.{close[0]}?" if close else f"; known fields: {', '.join(known)}"
        self.problems.append(Problem(f"{path}.{key}", MISSING, "is not a known field" + hint))

    def table(
        self, value: object, specs: Sequence[f.Field], path: str, *, required: bool = False
    ) -> list[tuple[int, dict[str, Any]]]:
        """Parse an array of tables such as [[proceeds.uses]].

        Returns:
            The valid rows, each with its index in the file (so later messages name the right row).
        """
        if value is None or (required and value == []):
            if required:
                self.problems.append(Problem(path, MISSING, f"needs at least one [[{path}]] entry"))
            return []
        if not isinstance(value, list):
            self.problems.append(Problem(path, value, f"must be a list of [[{path}]] tables"))
            return []
        limit = f.ROW_LIMITS.get(path, f.MAX_ROWS)
        if len(value) > limit:
            self.problems.append(Problem(path, MISSING, f"has {len(value):,} rows; the limit is {limit:,}"))
            return []
        rows = []
        for index, row in enumerate(value):
            if not isinstance(row, dict):
                self.problems.append(Problem(f"{path}[{index}]", row, f"must be a [[{path}]] table"))
                continue
            before = len(self.problems)
            parsed = self.fields(row, specs, f"{path}[{index}]")
            if len(self.problems) == before:
                rows.append((index, parsed))
        return rows


@in_context
def deal_from_mapping(
    data: Mapping[str, Any],
    source: str = "",
    *,
    base: Path | None = None,
    prices: str | Path | None = None,
) -> model.Deal:
    """Validate a mapping of the deal-file shape and build the Deal.

    Args:
        data: the deal-file mapping.
        source: the file or row it came from, for messages.
        base: the folder a relative ``market.history_file`` is in (the current folder when None).
        prices: a price-history file that replaces ``market.history_file`` (``--prices``).

    Raises:
        DealError: listing every problem found.
    """
    if not isinstance(data, Mapping):
        raise DealError(
            [Problem("deal", MISSING, "must be a table of sections ([issuer], [placing], ...)")], source
        )
    reader = _Reader()
    known = {*f.SECTIONS, *f.REPORT_SECTIONS, "shareholders", "stated"}
    for key in data:
        if key not in known:
            reader.unknown(key, sorted(known), "")
    issuer_raw = reader.section(data, "issuer")
    issuer = reader.fields(issuer_raw, f.ISSUER, "issuer")
    classes = reader.table((issuer_raw or {}).get("other_classes"), f.OTHER_CLASS, "issuer.other_classes")
    placing_raw = reader.section(data, "placing")
    placing = reader.fields(placing_raw, f.PLACING, "placing")
    tranches, prior = (
        reader.table((placing_raw or {}).get(name), spec, f"placing.{name}")
        for name, spec in (("tranches", f.TRANCHE), ("prior_issues", f.PRIOR_ISSUE))
    )
    market_raw = reader.section(data, "market")
    price_options = pricefile.Options()
    try:
        price_options = pricefile.options_of(market_raw, base, prices)
    except DealError as exc:
        reader.problems.extend(exc.problems)
    market = reader.fields(
        {k: v for k, v in market_raw.items() if k not in pricefile.MARKET_KEYS} if market_raw else market_raw,
        f.MARKET,
        "market",
    )
    history = reader.table((market_raw or {}).get("history"), f.HISTORY, "market.history")
    costs_raw = reader.section(data, "costs")
    costs = reader.fields(costs_raw, f.COSTS, "costs")
    items = reader.table((costs_raw or {}).get("items"), f.COST_ITEM, "costs.items")
    grid = reader.fields(reader.section(data, "grid"), f.GRID, "grid")
    # An [fx] table, even an empty one, must be complete; without one, amounts stay in one currency.
    fx = reader.fields(reader.section(data, "fx"), f.FX, "fx")
    proceeds_raw = reader.section(data, "proceeds")
    proceeds = reader.fields(proceeds_raw, f.PROCEEDS, "proceeds")
    proceeds_raw = proceeds_raw or {}
    uses = reader.table(proceeds_raw.get("uses"), f.USE, "proceeds.uses")
    holders = reader.table(data.get("shareholders"), f.SHAREHOLDER, "shareholders")
    stated = _stated(reader, data.get("stated"), issuer, fx)
    report = reader.fields(reader.section(data, "report"), f.REPORT, "report")

    _cross_checks(reader, placing, history, uses, holders)
    _exchange_checks(reader, issuer, placing, tranches, prior)
    _structure_checks(reader, placing, tranches, market)
    _check_costs(reader, costs, costs_raw, items)
    _check_classes(reader, issuer, placing, classes)
    _check_grid(reader, grid)
    _check_dates(reader, placing)
    _check_vendor(reader, placing, holders)
    _check_report(reader, report)
    _derived_checks(reader.problems, issuer, placing, costs, fx)
    uses_complete = isinstance(proceeds_raw.get("uses"), list) and len(uses) == len(proceeds_raw["uses"])
    if uses and uses_complete:
        _check_shares(reader, [row for _, row in uses])
    reader.finish()
    if reader.problems:
        raise DealError(reader.problems, source)
    built = model.Deal(
        issuer=model.Issuer(**issuer, other_classes=tuple(model.OtherClass(**row) for _, row in classes)),
        placing=model.Placing(
            **placing,
            tranches=tuple(model.Tranche(t["name"], t["shares"], t["capacity"]) for _, t in tranches),
            prior_issues=tuple(model.PriorIssue(**row) for _, row in prior),
        ),
        market=_market(market, history),
        proceeds=model.ProceedsPlan(
            uses=tuple(model.Use(u["name"], u["share"]) for _, u in uses), **proceeds
        ),
        costs=_costs(costs, items),
        fx=model.Fx(**fx) if fx else None,
        shareholders=tuple(
            model.Shareholder(h["name"], h["shares"], h.get("public", True)) for _, h in holders
        ),
        stated=stated,
        source=source,
        grid=model.Grid(grid.get("from"), grid.get("to"), grid.get("step")),
        report=model.ReportSettings(**report),
    )
    return pricefile.apply_price_file(_from_ledger(built, source), price_options)


def _costs(costs: dict[str, Any], items: list[tuple[int, dict[str, Any]]]) -> model.Costs:
    """The costs; without other_costs, itemised costs add up to it."""
    listed = tuple(model.CostItem(row["name"], row["amount"]) for _, row in items)
    if listed and "other_costs" not in costs:
        costs = {**costs, "other_costs": sum((i.amount for i in listed), Decimal(0))}
    return model.Costs(**costs, items=listed)


def _check_classes(
    reader: _Reader,
    issuer: dict[str, Any],
    placing: dict[str, Any],
    classes: list[tuple[int, dict[str, Any]]],
) -> None:
    """Each other class converts to the deal currency with a sourced rate, and the classes add up."""
    deal_currency = issuer.get("currency")
    for index, row in classes:
        where = f"issuer.other_classes[{index}]"
        if row["currency"] != deal_currency and "rate" not in row:
            reader.problems.append(
                Problem(
                    f"{where}.rate",
                    MISSING,
                    f"is needed: the class trades in {row['currency']}, the deal in {deal_currency}; "
                    f"give the rate as {deal_currency} per {row['currency']}, with rate_source",
                )
            )
        if "rate" in row and not row.get("rate_source"):
            reader.problems.append(
                Problem(f"{where}.rate_source", MISSING, "is needed with rate: say where the rate comes from")
            )
        if row["currency"] == deal_currency and row.get("rate", 1) != 1:
            reader.problems.append(
                Problem(
                    f"{where}.rate", row["rate"], f"must be 1 (or left out) for a class in {deal_currency}"
                )
            )
    outstanding, placed = placing.get("shares_outstanding"), placing.get("class_shares_outstanding")
    others = sum(row["shares"] for _, row in classes)
    if not classes or outstanding is None:
        return
    if placed is not None and placed + others != outstanding:
        reader.problems.append(
            Problem(
                "issuer.other_classes",
                f"{others:,} shares",
                f"with placing.class_shares_outstanding ({placed:,}) they make {placed + others:,} shares, "
                f"not placing.shares_outstanding ({outstanding:,}); correct one of them",
            )
        )
    elif others >= outstanding:
        reader.problems.append(
            Problem(
                "issuer.other_classes",
                f"{others:,} shares",
                f"leave no shares of the placed class in placing.shares_outstanding ({outstanding:,}); "
                "correct the share counts",
            )
        )


MAX_GRID_ROWS = 200  # rows of the pricing grid a [grid] table may ask for


def _check_costs(
    reader: _Reader,
    costs: dict[str, Any],
    costs_raw: dict[str, Any] | None,
    items: list[tuple[int, dict[str, Any]]],
) -> None:
    """Itemised costs must add up to other_costs when both are given."""
    raw_items = (costs_raw or {}).get("items")
    if not items or not isinstance(raw_items, list) or len(items) != len(raw_items):
        return
    total = sum((row["amount"] for _, row in items), Decimal(0))
    given = costs.get("other_costs")
    if given is not None and given != total:
        reader.problems.append(
            Problem(
                "costs.other_costs",
                given,
                f"differs from the sum of [[costs.items]] ({total:,}); correct one of them, "
                "or leave other_costs out to use the sum",
            )
        )


def _check_grid(reader: _Reader, grid: dict[str, Any]) -> None:
    """The grid's range runs upwards and asks for a table a reader can print."""
    start, stop, step = grid.get("from"), grid.get("to"), grid.get("step")
    if start is not None and stop is not None and start >= stop:
        reader.problems.append(
            Problem("grid.from", start, f"must be below grid.to ({stop}); the grid runs from low to high")
        )
        return
    if start is not None and stop is not None and step is not None and (stop - start) / step > MAX_GRID_ROWS:
        reader.problems.append(
            Problem(
                "grid.step",
                step,
                f"gives more than {MAX_GRID_ROWS} prices from {start} to {stop}; choose a larger step",
            )
        )


def _check_dates(reader: _Reader, placing: dict[str, Any]) -> None:
    """Completion and long-stop dates cannot come before the agreement; a vendor lock-up needs a top-up."""
    agreed = placing.get("agreement_date")
    for key in ("completion_date", "long_stop_date", "subscription_date"):
        when = placing.get(key)
        if agreed is not None and when is not None and when < agreed:
            reader.problems.append(
                Problem(
                    f"placing.{key}",
                    when,
                    f"is before placing.agreement_date ({agreed.isoformat()}); correct either date",
                )
            )
    for key in ("vendor_lock_up_days", "subscription_date"):
        if key in placing and placing.get("kind", "placing") != "top-up":
            reader.problems.append(
                Problem(
                    f"placing.{key}",
                    placing[key],
                    'applies to a top-up placing only; set placing.kind = "top-up" or remove it',
                )
            )


def _check_vendor(
    reader: _Reader, placing: dict[str, Any], holders: list[tuple[int, dict[str, Any]]]
) -> None:
    """A vendor is named in a top-up only, and must be one of the listed shareholders."""
    vendor = placing.get("vendor")
    if vendor is None:
        return
    if placing.get("kind", "placing") != "top-up":
        reader.problems.append(
            Problem(
                "placing.vendor",
                vendor,
                'applies to a top-up placing only; set placing.kind = "top-up" or remove it',
            )
        )
        return
    names = [row.get("name") for _, row in holders]
    if vendor not in names:
        listed = ", ".join(f'"{n}"' for n in names if n) or "none"
        reader.problems.append(
            Problem(
                "placing.vendor",
                vendor,
                f"must be the name of a [[shareholders]] row (listed: {listed}); add the vendor's holding there",
            )
        )
        return
    shares = next(row.get("shares") for _, row in holders if row.get("name") == vendor)
    new = placing.get("new_shares")
    if isinstance(shares, int) and isinstance(new, int) and shares < new:
        reader.problems.append(
            Problem(
                "placing.vendor",
                vendor,
                f"holds {shares:,} shares, fewer than the {new:,} it places; correct its shares or placing.new_shares",
            )
        )


def _check_report(reader: _Reader, report: dict[str, Any]) -> None:
    """A final report has no draft date."""
    if report.get("final") and "draft_date" in report:
        reader.problems.append(
            Problem(
                "report.draft_date",
                report["draft_date"],
                "is given but report.final = true; remove one of them",
            )
        )


def _market(market: dict[str, Any], history: list[tuple[int, dict[str, Any]]]) -> model.Market:
    averages: dict[int, Decimal] = {}
    vwaps: dict[int, Decimal] = {}
    adtv: dict[int, Decimal] = {}
    plain: dict[str, Any] = {}
    for key, value in market.items():
        matched = model.match_pattern(key, ["average_close_<N>d", "vwap_<N>d", "adtv_<N>d"])
        if matched and matched[0] == "average_close_<N>d":
            averages[matched[1]] = value
        elif matched and matched[0] == "adtv_<N>d":
            adtv[matched[1]] = value
        elif matched:
            vwaps[matched[1]] = value
        else:
            plain[key] = value
    closes = tuple(Close(h["date"], h["close"], _opt_dec(h.get("volume"))) for _, h in history)
    return model.Market(average_closes=averages, vwaps=vwaps, history=closes, adtv=adtv, **plain)


def _opt_dec(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _cross_checks(
    reader: _Reader,
    placing: dict[str, Any],
    history: list[tuple[int, dict[str, Any]]],
    uses: list[tuple[int, dict[str, Any]]],
    holders: list[tuple[int, dict[str, Any]]],
) -> None:
    """Checks that involve more than one field."""
    problems = reader.problems
    for (_, before), (index, row) in itertools.pairwise(history):
        if row["date"] <= before["date"]:
            problems.append(
                Problem(
                    f"market.history[{index}].date",
                    row["date"],
                    f"must be after the previous row's {before['date'].isoformat()} (history runs oldest first, one row a day)",
                )
            )
            break
    seen: set[str] = set()
    for index, use in uses:
        key = use["name"].casefold()
        if key in seen:
            problems.append(
                Problem(f"proceeds.uses[{index}].name", use["name"], "appears twice; give each use once")
            )
        seen.add(key)
    outstanding = placing.get("shares_outstanding")
    if outstanding is not None:
        held = sum(h["shares"] for _, h in holders)
        if held > outstanding:
            problems.append(
                Problem(
                    "shareholders",
                    MISSING,
                    f"the listed holders hold {held:,} shares in all, more than "
                    f"placing.shares_outstanding ({outstanding:,}); correct the holdings",
                )
            )
        in_class = placing.get("class_shares_outstanding")
        if in_class is not None and in_class > outstanding:
            problems.append(
                Problem(
                    "placing.class_shares_outstanding",
                    in_class,
                    f"cannot exceed placing.shares_outstanding ({outstanding:,})",
                )
            )
    limit, used = placing.get("mandate_limit"), placing.get("mandate_used")
    if used is not None and limit is None:
        problems.append(Problem("placing.mandate_used", used, "needs placing.mandate_limit as well"))
    elif used is not None and used > limit:
        problems.append(
            Problem(
                "placing.mandate_used",
                used,
                f"cannot exceed placing.mandate_limit ({limit:,}); correct one of them",
            )
        )


def _derived_checks(
    problems: list[Problem],
    issuer: Mapping[str, Any],
    placing: Mapping[str, Any],
    costs: Mapping[str, Any],
    fx: Mapping[str, Any],
) -> None:
    """What a report could not show, refused here so that check refuses it as build would, naming the field."""
    from xl_placement.proceeds import costs as costs_of  # noqa: PLC0415 - light start-up
    from xl_placement.proceeds import structured_gross, to_quote  # noqa: PLC0415 - light start-up

    quote, own = fx.get("quote_currency"), issuer.get("currency")
    if quote is not None and quote == own:
        problems.append(
            Problem(
                "fx.quote_currency",
                quote,
                "is issuer.currency as well; give another currency or leave out [fx]",
            )
        )
    shares, price = placing.get("new_shares"), placing.get("price")
    if shares is None or price is None:
        return
    beyond = "10^15 or more, more than Excel holds exactly (15 digits)"
    gross = structured_gross(
        shares,
        price,
        placing.get("ads_ratio"),
        placing.get("prefunded_warrants", 0),
        placing.get("prefunded_price", 0),
    )
    if gross >= parsers.MAX_MAGNITUDE:
        problems.append(
            Problem(
                "placing.price",
                price,
                f"gives gross proceeds of {gross:,} (placing.new_shares x placing.price), {beyond}; "
                "check the price and the number of new shares",
            )
        )
        return
    outstanding = placing.get("shares_outstanding")
    if outstanding is not None and outstanding + shares >= parsers.MAX_MAGNITUDE:
        problems.append(
            Problem(
                "placing.new_shares",
                shares,
                f"gives {outstanding + shares:,} shares after the deal (with placing.shares_outstanding), {beyond}",
            )
        )
    rate = fx.get("rate")
    if rate is not None and to_quote(gross, rate) >= parsers.MAX_MAGNITUDE:
        problems.append(
            Problem(
                "fx.rate", rate, f"gives gross proceeds of {to_quote(gross, rate):,.2f} {quote}, {beyond}"
            )
        )
    commission, other = costs_of(gross, costs.get("commission_rate", 0), costs.get("other_costs", 0))
    if commission + other > gross:
        problems.append(
            Problem(
                "costs.other_costs",
                costs.get("other_costs", 0),
                f"with the commission of {commission:,.2f}, the costs of {commission + other:,.2f} exceed the "
                f"gross proceeds of {gross:,.2f} (placing.new_shares x placing.price); check the costs",
            )
        )


# Mandate fields an exchange's checks do not read: refused, never silently ignored.
MANDATE_FIELDS_UNUSED = {
    "TSX": ("mandate_limit", "mandate_used", "mandate_date"),
    "LSE": ("mandate_limit", "mandate_used"),
    "ASX": ("mandate_date",),
}
MANDATE_FIELDS_WHY = {
    "TSX": "means nothing for a TSX deal: there is no general mandate (s.607 limits the discount, the size "
    "below market price and insiders' take instead), so remove it",
    "LSE": "is not read for a London deal: the PEG limits are computed from placing.shares_outstanding and "
    "the ledger's PEG issues since placing.mandate_date, so remove it",
    "ASX": "is not read for an ASX deal: the capacity counts the 12 months before the deal "
    "(placing.shares_at_period_start and [[placing.prior_issues]]), so remove it",
}


def _exchange_checks(
    reader: _Reader,
    issuer: dict[str, Any],
    placing: dict[str, Any],
    tranches: list[tuple[int, dict[str, Any]]],
    prior: list[tuple[int, dict[str, Any]]],
) -> None:
    """Fields that mean something only on some exchanges: refused elsewhere, never silently ignored."""
    problems = reader.problems
    exchange: str | None = issuer.get("exchange")
    _check_board(reader, issuer)
    _check_prior_issues(reader, exchange, placing, prior)
    asx_only: list[str] = [
        key
        for key in ("capacity", "remaining_7_1", "remaining_7_1a", "shares_at_period_start")
        if key in placing
    ]
    if exchange is not None and exchange != "ASX":
        for key in asx_only:
            problems.append(
                Problem(
                    f"placing.{key}",
                    placing[key],
                    f"is an ASX placement-capacity field (Listing Rules 7.1 and 7.1A); it means nothing "
                    f"for an {exchange} deal, so remove it",
                )
            )
        if tranches:
            problems.append(
                Problem(
                    "placing.tranches",
                    MISSING,
                    f"splits an issue between ASX placement capacities; it means nothing for an {exchange} "
                    "deal, so remove it",
                )
            )
    if exchange == "NASDAQ":
        for key in ("mandate_limit", "mandate_used", "mandate_date"):
            if key in placing:
                problems.append(
                    Problem(
                        f"placing.{key}",
                        placing[key],
                        "means nothing for a Nasdaq deal: there is no general mandate (Rule 5635(d) limits "
                        "issues of 20% or more below the Minimum Price instead), so remove it",
                    )
                )
    for key in MANDATE_FIELDS_UNUSED.get(exchange or "", ()):
        if key in placing:
            problems.append(Problem(f"placing.{key}", placing[key], MANDATE_FIELDS_WHY[exchange or ""]))
    if "insider_shares" in placing and exchange not in (None, "TSX"):
        problems.append(
            Problem(
                "placing.insider_shares",
                placing["insider_shares"],
                f"is used by the TSX s.607 check only; it means nothing for an {exchange} deal, so remove it",
            )
        )
    for key in ("purpose", "follow_on_shares"):
        if key in placing and exchange not in (None, "LSE"):
            problems.append(
                Problem(
                    f"placing.{key}",
                    placing[key],
                    f"is used by the London checks (the Pre-Emption Group's limits) only; it means nothing for "
                    f"an {exchange} deal, so remove it",
                )
            )
    if "public_offering" in placing and exchange not in (None, "NASDAQ"):
        problems.append(
            Problem(
                "placing.public_offering",
                placing["public_offering"],
                f"is used by the Nasdaq Rule 5635(d) check only; it means nothing for an {exchange} deal, "
                "so remove it",
            )
        )


def _check_prior_issues(
    reader: _Reader, exchange: str | None, placing: dict[str, Any], prior: list[tuple[int, dict[str, Any]]]
) -> None:
    """Each earlier issue is under an authority its exchange's rules count, and dated no later than the deal."""
    day = (
        placing.get("agreement_date") or placing.get("price_fixing_date") or placing.get("announcement_date")
    )
    allowed = model.LEDGER_AUTHORITIES.get(exchange or "", ())
    for index, row in prior:
        where = f"placing.prior_issues[{index}]"
        authority = row.get("authority")
        if exchange is not None and authority is not None and authority not in allowed:
            choices = ", ".join(f'"{a}"' for a in allowed) or "none"
            reader.problems.append(
                Problem(
                    f"{where}.authority",
                    authority,
                    f"is not an authority the {exchange} rules count (use {choices}), so remove the issue "
                    "or correct its authority",
                )
            )
        if day is not None and row.get("date") is not None and row["date"] > day:
            reader.problems.append(
                Problem(
                    f"{where}.date",
                    row["date"].isoformat(),
                    f"is after the deal ({day.isoformat()}); the ledger lists earlier issues only",
                )
            )
    mandate_day = placing.get("mandate_date")
    if mandate_day is not None and day is not None and mandate_day > day:
        reader.problems.append(
            Problem(
                "placing.mandate_date",
                mandate_day.isoformat(),
                f"is after the deal ({day.isoformat()}); give the meeting that granted the mandate in use",
            )
        )


def _from_ledger(deal: model.Deal, source: str) -> model.Deal:
    """The used mandate and capacity the ledger adds up, filled in where not typed; a typed figure it contradicts is refused."""
    p = deal.placing
    if not p.prior_issues and p.shares_at_period_start is None:
        return deal
    problems: list[Problem] = []
    changes: dict[str, Any] = {}
    if deal.issuer.exchange == "ASX":
        _asx_ledger(deal, problems, changes)
    elif deal.issuer.exchange != "Bursa":  # Bursa counts 12 months in its check (rules/bursa.py)
        _mandate_ledger(deal, problems, changes)
    elif p.mandate_used is not None and p.day is not None:
        used = ledger.total(
            ledger.within(p.prior_issues, ledger.months_before(p.day, 12), p.day), model.GENERAL_MANDATE
        )
        if used != p.mandate_used:
            problems.append(
                Problem(
                    "placing.mandate_used",
                    p.mandate_used,
                    f"differs from the {used:,} shares [[placing.prior_issues]] lists under the general mandate in "
                    f"the 12 months to {p.day.isoformat()}; correct one of them",
                )
            )
    if problems:
        raise DealError(problems, source)
    return dataclasses.replace(deal, placing=dataclasses.replace(p, **changes)) if changes else deal


def _asx_ledger(deal: model.Deal, problems: list[Problem], changes: dict[str, Any]) -> None:
    """ASX: what remains of 7.1 and 7.1A from the ledger (A x 15% less C, A x 10% less E)."""
    p = deal.placing
    capacity = ledger.asx_capacity(deal)
    if isinstance(capacity, str):
        uses_capacity = p.shares_at_period_start is not None or any(
            i.authority in ("7.1", "7.1A") for i in p.prior_issues
        )
        if uses_capacity and p.remaining_7_1 is None and p.remaining_7_1a is None:
            problems.append(Problem("placing.prior_issues", MISSING, capacity))
        return
    for name, typed, computed, formula in (
        ("remaining_7_1", p.remaining_7_1, capacity.remaining_7_1, "A x 15% less C"),
        ("remaining_7_1a", p.remaining_7_1a, capacity.remaining_7_1a, "A x 10% less E"),
    ):
        if typed is None:
            changes[name] = computed
        elif typed != computed:
            problems.append(
                Problem(
                    f"placing.{name}",
                    typed,
                    f"differs from the {computed:,} the ledger gives ({formula}: A = {capacity.a:,}, "
                    f"C = {capacity.c:,}, E = {capacity.e:,}, 12 months from {capacity.start.isoformat()}); "
                    "correct placing.shares_at_period_start, [[placing.prior_issues]] or this figure",
                )
            )


def _mandate_ledger(deal: model.Deal, problems: list[Problem], changes: dict[str, Any]) -> None:
    """A general mandate: the shares issued under it since placing.mandate_date."""
    p = deal.placing
    usage = ledger.general_mandate_used(deal)
    if usage.value is None:
        if p.mandate_date is None and any(i.authority == model.GENERAL_MANDATE for i in p.prior_issues):
            problems.append(Problem("placing.mandate_date", MISSING, usage.why))
        return
    if p.mandate_used is not None and usage.value != p.mandate_used:
        problems.append(
            Problem(
                "placing.mandate_used",
                p.mandate_used,
                f"differs from the {usage.value:,} shares [[placing.prior_issues]] lists under the general "
                f"mandate since placing.mandate_date ({p.mandate_date}); correct one of them",
            )
        )
    elif p.mandate_used is None and p.mandate_limit is not None:
        if usage.value > p.mandate_limit:
            problems.append(
                Problem(
                    "placing.prior_issues",
                    usage.value,
                    "the general-mandate issues since placing.mandate_date exceed placing.mandate_limit "
                    f"({p.mandate_limit:,}); correct one of them",
                )
            )
        else:
            changes["mandate_used"] = usage.value


def _check_board(reader: _Reader, issuer: dict[str, Any]) -> None:
    """A board is one of its exchange's boards: never a board the checks would silently ignore."""
    board, exchange = issuer.get("board"), issuer.get("exchange")
    if board is None or exchange is None:
        return
    boards = model.BOARDS.get(exchange, ())
    if board not in boards:
        choices = " or ".join(f'"{b}"' for b in boards)
        fix = f"use {choices}" if boards else "remove it (the rules checked do not differ by board)"
        reader.problems.append(
            Problem("issuer.board", board, f"is not a board of {exchange} whose rules are checked; {fix}")
        )


def _structure_checks(
    reader: _Reader,
    placing: dict[str, Any],
    tranches: list[tuple[int, dict[str, Any]]],
    market: dict[str, Any],
) -> None:
    """Fields that mean something only together."""
    problems = reader.problems
    if tranches and "capacity" in placing:
        problems.append(
            Problem(
                "placing.capacity",
                placing["capacity"],
                "cannot be given with [[placing.tranches]]; give each tranche's capacity instead",
            )
        )
    if tranches and "mandate_limit" in placing:
        problems.append(
            Problem(
                "placing.mandate_limit",
                placing["mandate_limit"],
                "is one limit, but the tranches use more than one capacity; give placing.remaining_7_1 "
                "and placing.remaining_7_1a (the shares still available under each) instead",
            )
        )
    new_shares = placing.get("new_shares")
    in_tranches = sum(t["shares"] for _, t in tranches)
    if tranches and new_shares is not None and in_tranches != new_shares:
        problems.append(
            Problem(
                "placing.tranches",
                MISSING,
                f"the tranches hold {in_tranches:,} shares in all, not placing.new_shares "
                f"({new_shares:,}); correct them so they add up",
            )
        )
    pairs = (
        ("prefunded_price", "prefunded_warrants", "needs placing.prefunded_warrants (how many) as well"),
        (
            "prefunded_warrants",
            "prefunded_price",
            "needs placing.prefunded_price (the price paid per warrant share) so gross proceeds include them",
        ),
        ("warrant_exercise_price", "attached_warrants", "needs placing.attached_warrants (how many) as well"),
    )
    for name, other, message in pairs:
        key = name
        if key in placing and other not in placing:
            problems.append(Problem(f"placing.{key}", placing[key], message))
    sold = placing.get("prefunded_warrants", 0) + placing.get("attached_warrants", 0)
    if "warrant_shares" in placing and placing["warrant_shares"] < sold:
        problems.append(
            Problem(
                "placing.warrant_shares",
                placing["warrant_shares"],
                f"is fewer than placing.prefunded_warrants + placing.attached_warrants ({sold:,}); "
                "the warrant shares include both",
            )
        )
    if "day_vwap_date" in market and "day_vwap" not in market:
        problems.append(
            Problem(
                "market.day_vwap_date", market["day_vwap_date"], "needs market.day_vwap (that day's VWAP)"
            )
        )
    agreed = placing.get("agreement_date")
    if "day_vwap_date" in market and agreed is not None and market["day_vwap_date"] > agreed:
        problems.append(
            Problem(
                "market.day_vwap_date",
                market["day_vwap_date"],
                f"is after placing.agreement_date ({agreed.isoformat()}); Rule 811 uses the agreement "
                "day or the market day before it",
            )
        )


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_.<>-]{1,60}$")


def _shown_key(key: str) -> str:
    """A name from the file, safe to show: odd names (control characters, spaces, very long) are quoted."""
    if _PLAIN_KEY.match(key):
        return key
    shown = repr(key)
    return shown if len(shown) <= 60 else f"{shown[:45]}...({len(key):,} chars)"


def _check_shares(reader: _Reader, uses: list[dict[str, Any]]) -> None:
    """The shares of the uses must add up to 100% (checked only when every row is valid)."""
    problem = shares_total_problem(sum((u["share"] for u in uses), Decimal(0)))
    if problem is not None:
        reader.problems.append(Problem("proceeds.uses", MISSING, problem))


def _stated(
    reader: _Reader, data: object, issuer: Mapping[str, Any], fx: Mapping[str, Any]
) -> dict[str, model.StatedFigure]:
    """The ``[stated]`` figures, read as announcements write them (``published.parse_published``).

    A currency symbol must be the figure's currency: the issuer's, or the ``[fx]`` quote
    currency for the ``*_quote`` keys. When that currency is itself invalid or absent (a
    problem reported already), any symbol is accepted.
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        reader.problems.append(Problem("stated", data, "must be a table ([stated])"))
        return {}
    result: dict[str, model.StatedFigure] = {}
    for key, value in data.items():
        if key not in f.STATED_KEYS and not model.match_pattern(key, f.STATED_KEYS):
            reader.unknown(key, f.STATED_KEYS, "stated")
            continue
        main, bracketed = split_equivalent(value) if key in EQUIVALENT_OF else (value, None)
        _stated_figure(reader, result, key, main, value, issuer, fx)
        if bracketed is None:
            continue
        twin = EQUIVALENT_OF[key]
        if twin in data:
            expected = f"gives stated.{twin} in brackets, and stated.{twin} is given as well; remove one"
            reader.problems.append(Problem(f"stated.{key}", value, expected))
            continue
        _stated_figure(reader, result, twin, bracketed, value, issuer, fx, written_under=key)
    return result


def _stated_figure(
    reader: _Reader,
    result: dict[str, model.StatedFigure],
    key: str,
    text: object,
    value: object,
    issuer: Mapping[str, Any],
    fx: Mapping[str, Any],
    *,
    written_under: str = "",
) -> None:
    """Read one ``[stated]`` figure into ``result[key]``, or report why it cannot be read.

    ``written_under`` names the key whose brackets held it ("HK$3.25bn (US$415.2m)" under
    ``gross_proceeds`` gives ``gross_proceeds_quote``); ``value`` is the text as written there.
    """
    quote = key.endswith("_quote")
    currency = fx.get("quote_currency") if quote else issuer.get("currency")
    try:
        result[key] = parse_published(
            text, kind=stated_kind(key), currency=currency, discount=key.startswith("discount_to_")
        )
    except parsers.Invalid as exc:
        if written_under:
            expected = f"the figure in brackets is stated.{key}, and it {exc}"
            reader.problems.append(Problem(f"stated.{written_under}", value, expected))
            return
        hint = ""
        other = issuer.get("currency") if quote else fx.get("quote_currency")
        if "is written in" in str(exc) and other and other in str(exc).split(",")[0]:
            hint = (
                f"; a figure in {other} goes under stated.{key.removesuffix('_quote')}"
                if quote
                else f"; a figure in {other} goes under stated.{key}_quote"
            )
        reader.problems.append(Problem(f"stated.{key}", value, f"{exc}{hint}"))

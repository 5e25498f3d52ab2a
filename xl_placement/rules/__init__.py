"""Listing-rule checks of a placing, selected by the issuer's exchange: one module per exchange.

``base`` holds what every exchange is made of (statuses, ``RuleCheck``, ``PriceLimit``,
``TickTable``, ``Exchange``); ``hkex``, ``sgx``, ``asx`` and ``nasdaq`` each define one
exchange's checks, price limit, tick table and docs rows; ``registry`` keeps them by
``issuer.exchange`` (and ``issuer.board`` where a board has rules of its own: HKEX GEM). Limits are compared exactly (Decimal arithmetic, cross-multiplied so no
division rounds): a discount of exactly 20.000% breaches Rule 13.36(5), 19.99% passes.
"""

from __future__ import annotations

from xl_placement.rules.base import (
    BREACH,
    INFORMATION,
    NOT_APPLICABLE,
    NOT_ENOUGH_DATA,
    PASS,
    STATUSES,
    Exchange,
    PriceLimit,
    PriceRule,
    RuleCheck,
    TickTable,
    benchmark_missing,
    cap,
)
from xl_placement.rules.registry import EXCHANGES, exchange_of, price_rule, register, rule_checks

__all__ = [
    "BREACH",
    "EXCHANGES",
    "INFORMATION",
    "NOT_APPLICABLE",
    "NOT_ENOUGH_DATA",
    "PASS",
    "STATUSES",
    "Exchange",
    "PriceLimit",
    "PriceRule",
    "RuleCheck",
    "TickTable",
    "benchmark_missing",
    "cap",
    "exchange_of",
    "price_rule",
    "register",
    "rule_checks",
]

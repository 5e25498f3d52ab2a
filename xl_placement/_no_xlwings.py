"""Stand-ins for xlwings' decorators where xlwings is not installed.

The Excel functions are plain Python functions under their decorators. Without xlwings
(a script, a notebook, or Pyodide outside xlwings Lite) they still import and compute
exactly as in Excel; only the registration with Excel, which xlwings does, is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Book:
    """Stands in for ``xw.Book`` in annotations (lite/main.py's script)."""


def func(*args: Any, **_options: Any) -> Any:
    """``@xw.func`` or ``@xw.func(...)``: leaves the function as it is."""
    if len(args) == 1 and callable(args[0]):
        return args[0]
    return _unchanged


def arg(*_args: Any, **_options: Any) -> Callable[[Any], Any]:
    """``@xw.arg(name, ...)``: leaves the function as it is."""
    return _unchanged


def ret(*_args: Any, **_options: Any) -> Callable[[Any], Any]:
    """``@xw.ret(...)``: leaves the function as it is."""
    return _unchanged


def script(*args: Any, **_options: Any) -> Any:
    """``@xw.script`` or ``@xw.script(...)``: leaves the function as it is."""
    return func(*args)


def _unchanged(function: Any) -> Any:
    return function

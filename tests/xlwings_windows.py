"""xlwings' Windows code path for Excel functions and the button, run on Linux with COM stubbed.

No Excel runs here, and ``xlwings._xlwindows`` cannot be imported (it loads Windows DLLs
at import). What Excel hands to Python still goes through xlwings' own code, which
these helpers run unchanged:

- ``xlwings/udfs.py``: ``xlfunc``/``xlarg`` (the decorators on Windows), ``import_udfs``
  ("Import Functions") and ``call_udf`` (every recalculation of a function cell), with
  its Windows-only imports (pythoncom, pywintypes, win32com) stubbed;
- ``xlwings/conversion``: the reader and writer pipelines (``ndim``, ``err_to_str``,
  dates, transposition), as ``call_udf`` and ``Range.options(...).value`` run them;
- the value cleaning of the Windows engine (``_clean_value_data_element``, ``cell_errors``,
  ``Engine.clean_value_data`` and ``prepare_xl_data_element`` of ``xlwings/_xlwindows.py``),
  taken from xlwings' source file by name and run as written.

What stands in for Excel is only the COM side: a range is an object whose ``Value`` is
what COM gives (a scalar for one cell, a tuple of row tuples for more, an error cell as
its COM error code such as -2146826246 for #N/A, a date as a datetime).
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import importlib
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xlwings
from xlwings import conversion, main, utils

import xl_placement

# COM's codes for error cells: 0x800A0000 + Excel's error number, as a signed 32-bit int.
COM_ERRORS = {"#NULL!": 2000, "#DIV/0!": 2007, "#VALUE!": 2015, "#REF!": 2023, "#NAME?": 2029, "#NUM!": 2036}
COM_ERRORS |= {"#N/A": 2042, "#SPILL!": 2045, "#CALC!": 2050}
COM_ERRORS = {text: number + 0x800A0000 - 2**32 for text, number in COM_ERRORS.items()}
MISSING = -2147352572  # what VBA passes for an optional argument left out (DISP_E_PARAMNOTFOUND)

_WINDOWS_NAMES = (
    "cell_errors",
    "_clean_value_data_element",
    "_com_time_to_datetime",
    "_datetime_to_com_time",
)


def windows_engine() -> Any:
    """The Windows engine's value cleaning, from xlwings' ``_xlwindows.py`` as installed.

    Only the named functions, the ``cell_errors`` table and the ``Engine`` class are taken
    from the file (by name, so a change in xlwings is picked up); the module's imports of
    Windows DLLs are not run.
    """
    source = Path(xlwings.__file__).with_name("_xlwindows.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    wanted = []
    for node in tree.body:
        names = {t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)}
        name = getattr(node, "name", None)
        if name in (*_WINDOWS_NAMES, "Engine") or names & set(_WINDOWS_NAMES):
            wanted.append(node)
    assert len(wanted) == len(_WINDOWS_NAMES) + 1, "xlwings' _xlwindows.py no longer has these names"
    namespace: dict[str, Any] = {
        "dt": dt,
        "np": np,
        "pd": None,  # pandas is not installed; xlwings checks for None
        "time_types": (dt.date, dt.datetime, np.datetime64),  # pywintypes.TimeType is a datetime
        "np_datetime_to_datetime": utils.np_datetime_to_datetime,
    }
    exec(compile(ast.Module(body=wanted, type_ignores=[]), "xlwings/_xlwindows.py", "exec"), namespace)  # noqa: S102 - xlwings' own code
    return namespace["Engine"]()


class ComRange:
    """A COM Range as pywin32 hands it over: its ``Value`` and its address."""

    def __init__(self, value: Any, address: str = "$A$1", sheet: str = "Inputs") -> None:
        """A range holding ``value`` as COM gives it (scalar, or a tuple of row tuples)."""
        self.Value = value
        self.Address = address
        self.sheet_name = sheet


def com_value(rows: list[list[Any]]) -> Any:
    """What COM's ``Range.Value`` gives for these rows: a scalar for one cell, else a tuple of row tuples."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    return tuple(tuple(row) for row in rows)


class _RangeImpl:
    """Stands in for ``xlwings._xlwindows.Range``: reads the COM range's Value, as the real one does."""

    max_cells_per_read = None  # the Windows engine reads a range in one call
    max_cells_per_write = None

    def __init__(self, xl: ComRange | None = None, engine: Any = None) -> None:
        self.xl = xl
        app = types.SimpleNamespace(engine=engine, pid=0)
        self.sheet = types.SimpleNamespace(
            book=types.SimpleNamespace(app=app), name=getattr(xl, "sheet_name", "")
        )
        self.options: dict[str, Any] = {}

    @property
    def raw_value(self) -> Any:
        return None if self.xl is None else self.xl.Value

    @property
    def address(self) -> str:
        return "" if self.xl is None else self.xl.Address


def xlwings_range(com: ComRange, engine: Any) -> main.Range:
    """A real ``xlwings.Range`` over a stand-in COM range, read through xlwings' converters."""
    return main.Range(impl=_RangeImpl(com, engine))


@contextlib.contextmanager
def windows_xlwings() -> Iterator[types.SimpleNamespace]:
    """xlwings' Windows UDF machinery, with ``placement`` decorated by its real ``xlfunc``/``xlarg``.

    Yields a namespace with ``udfs`` (xlwings.udfs), ``module`` (placement as Excel sees
    it), ``engine`` (the Windows engine's value cleaning) and ``call(name, *args)``, which
    runs ``udfs.call_udf`` as a recalculation in Excel does and returns what goes back to
    the cell. Every module it touches is restored afterwards.
    """
    reloaded = ("xlwings.udfs", "xl_placement.excel", "placement")
    saved = {name: sys.modules.get(name) for name in reloaded}
    importlib.import_module("xl_placement.excel")
    engine = windows_engine()
    with pytest.MonkeyPatch.context() as mp:
        stubs = {
            "pythoncom": types.SimpleNamespace(CoInitialize=lambda: None),
            "pywintypes": types.SimpleNamespace(com_error=type("com_error", (Exception,), {})),
            "win32com": types.ModuleType("win32com"),
            "win32com.client": types.SimpleNamespace(Dispatch=lambda obj: obj),
            "xlwings.com_server": types.SimpleNamespace(loop=None),
        }
        for name, stub in stubs.items():
            mp.setitem(sys.modules, name, stub)
        windows = types.SimpleNamespace(
            Range=lambda xl=None: _RangeImpl(xl, engine),
            is_range_instance=lambda value: isinstance(value, ComRange),
            BOOK_CALLER=None,
        )
        mp.setattr(xlwings, "_xlwindows", windows, raising=False)
        mp.setitem(xlwings.engines.engines_by_name, "excel", main.Engine(impl=engine))
        mp.setattr(xl_placement, "excel", xl_placement.excel)  # restored to the plain module afterwards
        mp.setattr(xlwings, "udfs", None, raising=False)
        try:
            for name in reloaded:
                sys.modules.pop(name, None)
            udfs = importlib.import_module("xlwings.udfs")
            mp.setattr(xlwings, "func", udfs.xlfunc)
            mp.setattr(xlwings, "arg", udfs.xlarg)
            mp.setattr(udfs, "__pro__", False)
            module = importlib.import_module("placement")  # decorated by xlwings' real xlfunc/xlarg
            mp.setitem(udfs.udf_modules, "placement", {"module": module, "filetime": None, "filename": ""})

            def call(name: str, *args: Any) -> Any:
                """Recalculate ``=NAME(args)``: each argument as VBA passes it (a ComRange, a value, MISSING)."""
                parameters = module.__dict__[name].__xlfunc__["args"]
                padded = list(args) + [MISSING] * (len(parameters) - len(args))
                return udfs.call_udf("placement", name, tuple(padded), None, None)

            yield types.SimpleNamespace(udfs=udfs, module=module, engine=engine, call=call)
        finally:
            for name, original in saved.items():
                if original is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = original


def read_range(com: ComRange, engine: Any, **options: Any) -> Any:
    """``Range.options(**options).value`` through xlwings' converters, as the button reads a name's cells."""
    return xlwings_range(com, engine).options(**options).value


__all__ = [
    "COM_ERRORS",
    "MISSING",
    "ComRange",
    "com_value",
    "conversion",
    "read_range",
    "windows_engine",
    "windows_xlwings",
    "xlwings_range",
]

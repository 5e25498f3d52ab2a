"""What Excel registers on xlwings' "Import Functions", from xlwings' own code.

On Linux ``xw.func`` and ``xw.arg`` are pass-through stubs, so these tests load
xlwings' Windows implementation (``xlwings/udfs.py``) with its Windows-only imports
stubbed (tests/xlwings_windows.py), decorate the functions with its real
``xlfunc``/``xlarg``, and run its ``import_udfs`` against a stand-in workbook that
records what would reach Excel: the VBA module text it imports and every
``Application.MacroOptions`` call (description, category, argument help).
"""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path
from typing import Any

import pytest
from xlwings.conversion import accessors
from xlwings_windows import windows_xlwings

EXPECTED_SIGNATURES = {
    "PLACEMENT_DISCOUNT": "price, reference, Optional days, Optional dates",
    "DILUTION": "new_shares, existing_shares, Optional basis",
    "ALLOCATE_PROCEEDS": "amount, weights, Optional labels, Optional decimals",
    "PLACEMENT_PROCEEDS": "new_shares, price, Optional commission_rate, Optional other_costs, Optional fx_rate",
    "BENCHMARKED_PRICE": "agreement_close, prior_closes, Optional dates",
    "THEORETICAL_DILUTION": "benchmarked_price, existing_shares, new_shares, price",
    "VWAP": "prices, volumes",
    "PLACEMENT_CHECK": (
        "exchange, price, new_shares, shares_outstanding, last_close, Optional average_close_5d, "
        "Optional mandate, Optional min_placees, Optional mandate_limit, Optional mandate_used, "
        "Optional day_vwap, Optional vwap_15d, Optional currency_code, Optional capacity, "
        "Optional warrant_shares, Optional public_offering, Optional sp_asx_300, Optional header, Optional vwap_5d"
    ),
}

# VBA's reserved words (MS-VBAL 3.3.5.2 and the statement keywords): an argument of the
# generated wrapper named like one of them stops the whole xlwings_udfs module compiling.
_VBA_RESERVED_WORDS = """
    abs addressof and any as attribute boolean byref byte byval call case cbool cbyte ccur cdate
    cdbl cdec cint circle clng clnglng clngptr close const csng cstr currency cvar cverr date debug
    decimal declare defbool defbyte defcur defdate defdbl defdec defint deflng deflnglng deflngptr
    defobj defsng defstr defvar dim do doevents double each else elseif empty end endif enum eqv
    erase error event exit false fix for friend function get global gosub goto if imp implements in
    input inputb int integer is lbound len lenb let like lib line lock long longlong longptr loop
    lset me mid midb mod name new next not nothing null object on open option optional or paramarray
    preserve print private pset ptrsafe public put raiseevent redim rem reset resume return rset
    scale seek select set sgn shared single spc static stop string sub tab then to true type typeof
    ubound unlock until variant wend while width with withevents write xor
"""
VBA_RESERVED = set(_VBA_RESERVED_WORDS.split())

EXCEL_TEXT_LIMIT = 255  # Excel's limit on a description and on each argument's help


class _Recorder:
    """Stands in for the COM workbook: keeps what xlwings sends to Excel."""

    def __init__(self) -> None:
        self.Name = "placement.xlsm"
        self.module: types.ModuleType | None = None
        self.vba = ""
        self.macro_options: dict[str, dict[str, Any]] = {}
        recorder = self

        class Components:
            def __call__(self, name: str) -> str:
                return name

            def Remove(self, component: str) -> None:  # noqa: N802 - COM's name
                assert component == "xlwings_udfs"

            def Import(self, path: str) -> None:  # noqa: N802 - COM's name
                recorder.vba = Path(path).read_text()

        class Application:
            Version = "16.0"

            def MacroOptions(self, macro: str, **options: Any) -> None:  # noqa: N802 - COM's name
                recorder.macro_options[macro] = options

        self.VBProject = types.SimpleNamespace(VBComponents=Components())
        self.Application = Application()


@pytest.fixture(scope="module")
def registered() -> _Recorder:
    """Run xlwings' Import Functions for the ``placement`` module and return what Excel receives."""
    with windows_xlwings() as xl:
        workbook = _Recorder()
        xl.udfs.import_udfs("placement", workbook)
        workbook.module = xl.module
    return workbook


def test_import_registers_exactly_the_documented_functions(registered):
    """Import Functions registers the eight documented functions and nothing else (no helpers, no main)."""
    assert set(registered.macro_options) == {f"'placement.xlsm'!{name}" for name in EXPECTED_SIGNATURES}


def test_one_list_of_the_functions():
    """placement.py and lite/main.py offer exactly the package's one list, xl_placement.excel.FUNCTIONS."""
    import runpy  # noqa: PLC0415

    import placement  # noqa: PLC0415
    from xl_placement import excel  # noqa: PLC0415

    assert set(excel.FUNCTIONS) == set(EXPECTED_SIGNATURES)
    offered = {name for name in dir(placement) if hasattr(getattr(placement, name), "__wrapped__")}
    assert offered == set(excel.FUNCTIONS)
    lite = runpy.run_path(str(Path(__file__).resolve().parent.parent / "lite" / "main.py"))
    assert {name for name, value in lite.items() if callable(value) and name.isupper()} == set(
        excel.FUNCTIONS
    )


@pytest.mark.parametrize(("name", "arguments"), EXPECTED_SIGNATURES.items())
def test_vba_wrapper_has_the_documented_signature(registered, name, arguments):
    """The VBA wrapper xlwings writes declares the argument names and optional markers the functions page documents."""
    assert f"Function {name}({arguments})\n" in registered.vba
    call_args = arguments.replace("Optional ", "")
    assert (
        f'{name} = XLPy.CallUDF("placement", "{name}", Array({call_args}), ThisWorkbook, Application.Caller)'
        in registered.vba
    )


@pytest.mark.parametrize("name", EXPECTED_SIGNATURES)
def test_function_wizard_shows_category_description_and_help(registered, name):
    """Each function sits in the xl-placement category with a one-line description and help for every argument."""
    options = registered.macro_options[f"'placement.xlsm'!{name}"]
    assert options["Category"] == "xl-placement"
    description = options["Description"]
    assert description == getattr(registered.module, name).__doc__
    assert "\n" not in description
    assert 20 < len(description) <= EXCEL_TEXT_LIMIT
    helps = options["ArgumentDescriptions"]
    assert len(helps) == len(EXPECTED_SIGNATURES[name].split(", "))
    for text in helps:
        assert not text.startswith("Positional argument")  # xlwings' filler when doc= is missing
        assert 10 < len(text) <= EXCEL_TEXT_LIMIT


def test_optional_arguments_say_so_in_their_help(registered):
    """The help of every optional argument starts with "Optional:", so the wizard tells the user."""
    for name, arguments in EXPECTED_SIGNATURES.items():
        helps = registered.macro_options[f"'placement.xlsm'!{name}"]["ArgumentDescriptions"]
        for argument, text in zip(arguments.split(", "), helps, strict=True):
            assert text.startswith("Optional:") == argument.startswith("Optional "), (name, argument)


def test_no_argument_is_a_vba_reserved_word(registered):
    """No argument of a generated VBA wrapper is a VBA keyword (such as Currency), which would not compile."""
    declarations = re.findall(r"^Function \w+\((.*)\)$", registered.vba, flags=re.MULTILINE)
    assert len(declarations) == len(EXPECTED_SIGNATURES)
    for arguments in declarations:
        names = {a.removeprefix("Optional ").lower() for a in arguments.split(", ")}
        assert not names & VBA_RESERVED
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in names)


def test_examples_in_help_are_the_demo_deal(registered):
    """The help texts use the demo deal's figures, so the wizard and the documentation tell one story."""
    helps = registered.macro_options["'placement.xlsm'!PLACEMENT_DISCOUNT"]["ArgumentDescriptions"]
    assert "1.91" in helps[0]
    assert "2.09" in helps[1]


def test_every_argument_uses_a_converter_xlwings_has(registered):
    """Each argument is read with a converter xlwings knows, as a list of rows, with error cells kept as text."""
    for name in EXPECTED_SIGNATURES:
        info = getattr(registered.module, name).__xlfunc__
        assert info["ret"]["options"].get("convert") in accessors
        assert "expand" not in info["ret"]["options"]  # results spill natively
        for argument in info["args"]:
            assert argument["options"].get("convert") in accessors, (name, argument["name"])
            assert argument["options"].get("err_to_str") is True, (name, argument["name"])
            assert argument["options"].get("ndim") == 2, (name, argument["name"])  # rows stay rows


def test_functions_keep_their_python_signature_through_the_error_wrapper(registered):
    """The error-catching wrapper keeps the signature xlwings inspects (arguments and defaults)."""
    for name, arguments in EXPECTED_SIGNATURES.items():
        parameters = inspect.signature(getattr(registered.module, name)).parameters.values()
        declared = ", ".join(
            ("Optional " if p.default is not inspect.Parameter.empty else "") + p.name for p in parameters
        )
        assert declared == arguments


def test_functions_page_reference_is_what_import_functions_registers(registered):
    """The generated docs/functions.md reference (read from the source) is exactly what xlwings sends to Excel."""
    import excel_reference  # noqa: PLC0415 - scripts/, the docs generator

    documented = excel_reference.functions()
    assert {f"'placement.xlsm'!{f.name}" for f in documented} == set(registered.macro_options)
    for function in documented:
        options = registered.macro_options[f"'placement.xlsm'!{function.name}"]
        assert options["Description"] == function.description
        assert list(options["ArgumentDescriptions"]) == [a.help for a in function.arguments]
        optional = ", ".join(("Optional " if a.optional else "") + a.name for a in function.arguments)
        assert f"Function {function.name}({optional})\n" in registered.vba

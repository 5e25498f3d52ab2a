"""The reference of the Excel functions, generated from their own metadata.

What Excel's function wizard shows comes from the decorators in ``xl_placement/excel.py``
(the docstring is the description, ``doc=`` of each ``@xw.arg`` the argument's help).
Where xlwings' decorators are pass-through (Linux, or no xlwings), that metadata is not
kept on the function, so it is read here from the module's source, as xlwings reads it
from the decorators. ``docs/functions.md`` holds one generated block per function between
marker comments; ``python scripts/excel_reference.py docs/functions.md`` rewrites
them, and a test fails when a block is out of date. A docs generator, not part of the
installed package.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- function:{name}:begin (generated from xl_placement/excel.py; do not edit by hand) -->"
END = "<!-- function:{name}:end -->"
_BLOCK = re.compile(
    r"<!-- function:(?P<name>\w+):begin[^>]*-->\n.*?<!-- function:(?P=name):end -->", flags=re.DOTALL
)


@dataclass(frozen=True)
class Argument:
    """One argument of an Excel function, with its help text."""

    name: str
    help: str
    optional: bool


@dataclass(frozen=True)
class Function:
    """One Excel function: its name, its description and its arguments, in order."""

    name: str
    description: str
    arguments: tuple[Argument, ...]

    @property
    def signature(self) -> str:
        """The call as the function wizard shows it, optional arguments in brackets."""
        shown = (f"[{a.name}]" if a.optional else a.name for a in self.arguments)
        return f"{self.name}({', '.join(shown)})"


def _is_xw_call(node: ast.expr, attribute: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == attribute
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "xw"
    )


def _help_texts(definition: ast.FunctionDef) -> dict[str, str]:
    helps: dict[str, str] = {}
    for decorator in definition.decorator_list:
        if not (isinstance(decorator, ast.Call) and _is_xw_call(decorator, "arg")):
            continue
        name = ast.literal_eval(decorator.args[0])
        docs = [k.value for k in decorator.keywords if k.arg == "doc"]
        helps[name] = ast.literal_eval(docs[0]) if docs else ""
    return helps


def functions() -> list[Function]:
    """Every function registered with Excel (decorated ``@xw.func``), in source order."""
    from xl_placement import excel  # noqa: PLC0415 - imported only when the reference is made

    tree = ast.parse(inspect.getsource(excel))
    found: list[Function] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if not any(_is_xw_call(d, "func") for d in node.decorator_list):
            continue
        helps = _help_texts(node)
        positional = node.args.args
        first_optional = len(positional) - len(node.args.defaults)
        arguments = tuple(
            Argument(a.arg, helps.get(a.arg, ""), index >= first_optional)
            for index, a in enumerate(positional)
        )
        found.append(Function(node.name, ast.get_docstring(node) or "", arguments))
    return found


def markdown(function: Function) -> str:
    """The generated block of one function: signature, description and a table of argument help."""
    rows = "\n".join(f"| `{a.name}` | {_cell(a.help)} |" for a in function.arguments)
    return (
        f"{BEGIN.format(name=function.name)}\n\n"
        f"`={function.signature}`\n\n"
        f"{function.description}\n\n"
        f"| Argument | Help (as Excel's *Insert Function* dialog shows it) |\n|---|---|\n{rows}\n\n"
        f"{END.format(name=function.name)}"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def update(text: str) -> str:
    """``text`` with every function's generated block replaced by the current one."""
    by_name = {f.name: f for f in functions()}

    def replace(found: re.Match[str]) -> str:
        name = found.group("name")
        if name not in by_name:
            raise KeyError(f"{name}: documented, but xl_placement/excel.py has no such Excel function")
        return markdown(by_name[name])

    return _BLOCK.sub(replace, text)


def documented(text: str) -> list[str]:
    """The names of the functions with a generated block in ``text``, in order."""
    return [found.group("name") for found in _BLOCK.finditer(text)]


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated blocks of the Markdown files named on the command line."""
    for name in argv if argv is not None else sys.argv[1:]:
        path = Path(name)
        path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

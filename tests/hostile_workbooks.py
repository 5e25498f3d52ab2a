"""Makes the hostile-workbook corpus: placement.xlsm with the small edits of tests/corpus/workbooks.toml."""

from __future__ import annotations

import functools
import re
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES_FILE = ROOT / "tests" / "corpus" / "workbooks.toml"
SOURCE = ROOT / "placement.xlsm"


@dataclass(frozen=True)
class Case:
    """One hostile workbook: its edit, the exit status it must give and a fragment of its message."""

    name: str
    edits: tuple[tuple[str, str, str], ...]  # (part, find, replace)
    exit: int
    message: str


_NAMED = re.compile(r"\{(ref|cell|row):([A-Za-z0-9_]+)\}")
_DEFINED = re.compile(r'<definedName name="([^"]+)">([^<]+)</definedName>')


@functools.cache
def defined_names() -> dict[str, str]:
    """placement.xlsm's defined names and what each refers to (``issuer_name`` -> ``Inputs!$B$9``)."""
    with zipfile.ZipFile(SOURCE) as book:
        return dict(_DEFINED.findall(book.read("xl/workbook.xml").decode("utf-8")))


def named(text: str) -> str:
    """``text`` with each input cell written by its defined name put at its place on the sheet.

    ``{ref:issuer_name}`` is the name's reference (``Inputs!$B$9``), ``{cell:issuer_name}``
    its first cell (``B9``) and ``{row:issuer_name}`` its row (``9``), so a case follows the
    cell when the Inputs rows move.
    """

    def place(found: re.Match[str]) -> str:
        kind, name = found.groups()
        if name not in defined_names():
            raise AssertionError(f"{text!r}: placement.xlsm has no defined name {name!r}")
        ref = defined_names()[name]
        first = ref.split("!")[-1].split(":")[0].replace("$", "")
        return {"ref": ref, "cell": first, "row": first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}[kind]

    return _NAMED.sub(place, text)


def cases() -> list[Case]:
    """Every case of the corpus file, with ``{many}`` expanded and named cells (``{cell:NAME}``) placed."""
    data = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
    result = []
    for name, case in data.items():
        edits = [
            (case["part"], named(case["find"]), named(case["replace"])),
            *((e["part"], named(e["find"]), named(e["replace"])) for e in case.get("also", [])),
        ]
        inner = case.get("inner", "") * case.get("inner_count", 0)
        many = case.get("many", "").replace("{inner}", inner) * case.get("count", 0)
        expanded = tuple((part, find, replace.replace("{many}", many)) for part, find, replace in edits)
        result.append(Case(name, expanded, case["exit"], named(case["message"])))
    return result


def make(case: Case, folder: Path) -> Path:
    """Write the case's workbook into ``folder``: placement.xlsm with the one edit, deflated like Excel's."""
    target = folder / f"{case.name}.xlsm"
    with zipfile.ZipFile(SOURCE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            for part, find, replace in case.edits:
                if info.filename == part and not find:  # find = "": the whole part is replaced
                    data = replace.encode("utf-8")
                elif info.filename == part:
                    text = data.decode("utf-8")
                    if text.count(find) != 1:
                        raise AssertionError(
                            f"{case.name}: {find!r} occurs {text.count(find)} times in {part}"
                        )
                    data = text.replace(find, replace).encode("utf-8")
            out.writestr(info.filename, data)
    return target

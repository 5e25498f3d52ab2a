"""Makes the hostile-workbook corpus: placement.xlsm with the small edits of tests/corpus/workbooks.toml."""

from __future__ import annotations

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


def cases() -> list[Case]:
    """Every case of the corpus file, with ``{many}`` expanded."""
    data = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
    result = []
    for name, case in data.items():
        edits = [
            (case["part"], case["find"], case["replace"]),
            *((e["part"], e["find"], e["replace"]) for e in case.get("also", [])),
        ]
        inner = case.get("inner", "") * case.get("inner_count", 0)
        many = case.get("many", "").replace("{inner}", inner) * case.get("count", 0)
        expanded = tuple((part, find, replace.replace("{many}", many)) for part, find, replace in edits)
        result.append(Case(name, expanded, case["exit"], case["message"]))
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

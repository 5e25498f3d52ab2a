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
    part: str
    find: str
    replace: str
    exit: int
    message: str


def cases() -> list[Case]:
    """Every case of the corpus file, with ``{many}`` expanded."""
    data = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
    result = []
    for name, case in data.items():
        replace = case["replace"].replace("{many}", case.get("many", "") * case.get("count", 0))
        result.append(Case(name, case["part"], case["find"], replace, case["exit"], case["message"]))
    return result


def make(case: Case, folder: Path) -> Path:
    """Write the case's workbook into ``folder``: placement.xlsm with the one edit, deflated like Excel's."""
    target = folder / f"{case.name}.xlsm"
    with zipfile.ZipFile(SOURCE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == case.part:
                text = data.decode("utf-8")
                if text.count(case.find) != 1:
                    raise AssertionError(f"{case.name}: {case.find!r} occurs {text.count(case.find)} times")
                data = text.replace(case.find, case.replace).encode("utf-8")
            out.writestr(info.filename, data)
    return target

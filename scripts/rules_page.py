"""Rewrite the generated blocks of docs/rules.md (the rules table, the tick tables) from the exchange modules.

Run after changing a module in ``xl_placement/rules/``: ``python scripts/rules_page.py docs/rules.md``;
``tests/test_rule_modules.py`` fails while the page differs from what the modules generate.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from xl_placement.rules.registry import rules_markdown, ticks_markdown

BLOCKS = {"rules-table": rules_markdown, "tick-tables": ticks_markdown}


def rewrite(page: str) -> str:
    """The page with each generated block replaced by what the modules generate now."""
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- {name}:begin[^>]*-->\n\n).*?(\n\n<!-- {name}:end -->)", re.S)
        page, count = pattern.subn(lambda found, make=make: found.group(1) + make() + found.group(2), page)
        if count != 1:
            raise SystemExit(f"{name}: expected one block in the page, found {count}")
    return page


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules.md")
    path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")

#!/usr/bin/env bash
# Render the demo deal's report to pictures for the README: docs/report.png (deal sheet)
# and docs/report-proceeds.png (use of proceeds with the waterfall).
# Needs LibreOffice (soffice) and poppler-utils (pdftoppm). Run from anywhere: `make picture`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PY" - "$work/sensetime.xlsx" <<'PYEOF'
import sys
from xl_placement import build_report, load_deal
build_report(load_deal("examples/sensetime.toml"), sys.argv[1], force=True)
PYEOF
"$PY" -c "import sys; from xl_placement.pdf import export_pdf; export_pdf(sys.argv[1], sys.argv[2], force=True)" "$work/sensetime.xlsx" "$work/sensetime.pdf"
mkdir -p docs
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/sensetime.pdf" docs/report
pdftoppm -png -r 80 -f 2 -l 2 -singlefile "$work/sensetime.pdf" docs/report-proceeds
echo "wrote docs/report.png and docs/report-proceeds.png"

# The Precedents page: the demo deal beside the example precedents.
"$PY" - "$work/precedents.xlsx" <<'PYEOF'
import sys
from xl_placement import build_report, load_deal
build_report(load_deal("examples/sensetime.toml"), sys.argv[1], force=True, precedents="examples/precedents.csv")
PYEOF
"$PY" -c "import sys; from xl_placement.pdf import export_pdf; export_pdf(sys.argv[1], sys.argv[2], force=True)" "$work/precedents.xlsx" "$work/precedents.pdf"
# The Precedents sheet is the last page (it follows the Checks).
last=$(pdfinfo "$work/precedents.pdf" | awk '/^Pages:/ {print $2}')
pdftoppm -png -r 80 -f "$last" -l "$last" -singlefile "$work/precedents.pdf" docs/precedents
echo "wrote docs/precedents.png"

#!/usr/bin/env bash
# Render placement.xlsm's Inputs sheet to docs/workbook.png for the README.
# Needs LibreOffice (soffice) and poppler-utils (pdftoppm). LibreOffice draws no form
# button and cannot run the Excel functions (it shows #NAME? where Excel shows amounts
# after "Import Functions"). Run from anywhere: scripts/render_workbook_picture.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp placement.xlsm "$work/placement.xlsm"
"$PY" -c "import sys; from xl_placement.pdf import export_pdf; export_pdf(sys.argv[1], sys.argv[2], force=True)" "$work/placement.xlsm" "$work/placement.pdf"
mkdir -p docs
pdftoppm -png -r 130 -f 1 -l 1 -x 55 -y 62 -W 1378 -H 560 -singlefile "$work/placement.pdf" docs/workbook
echo "wrote docs/workbook.png"

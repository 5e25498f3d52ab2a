# Two commands do all the set-up: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Material for MkDocs prints a banner about its successor on every build; the build is what we need.
export NO_MKDOCS_2_WARNING := 1

.PHONY: report test lint bench workbook clean picture docs

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("xl-placement needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs]' --group dev
	touch $(STAMP)

## report: build the demo deal's report workbook into out/
report: $(STAMP)
	$(BIN)/xl-placement build examples/sensetime.toml -o out/sensetime.xlsx --force

## picture: render the demo report to docs/report.png and docs/report-proceeds.png (needs LibreOffice, pdftoppm)
picture: $(STAMP)
	PY=$(BIN)/python scripts/render_picture.sh

## test: lint, type-check and run the whole test suite with line and branch coverage
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site-check
	$(BIN)/python -m pytest --cov --cov-report=term-missing:skip-covered

## docs: build the documentation site into site/ (open site/index.html, or run .venv/bin/mkdocs serve)
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

## workbook: rebuild placement.xlsm and docs/vba/ from the installed xlwings (commit both)
workbook: $(STAMP)
	$(BIN)/python -m xl_placement.workbook -o placement.xlsm --force --vba-docs docs/vba

## bench: time the report, the batch, the Excel functions and their imports against floors
## (benchmarks/run.py; writes benchmarks/results.md and .json; not part of make test; BENCH=--quick for a smoke run)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out site .pytest_cache .mypy_cache .ruff_cache

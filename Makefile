# Two commands do all the set-up: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A second environment with lxml installed: openpyxl then serialises XML differently,
# and every workbook the project writes must come out the same (issue 13).
LXML_VENV := .venv-lxml
LXML_STAMP := $(LXML_VENV)/.installed
# The report written with lxml is byte for byte the golden one (test_report_golden), so LibreOffice
# need not recalculate it a second time: the main run's recalculation holds for these bytes too.
LXML_TESTS := tests/test_lxml.py tests/test_report_cache.py tests/test_report_save.py tests/test_report.py tests/test_report_golden.py \
	tests/test_cli_build.py tests/test_workbook.py tests/test_workbook_inputs.py tests/test_batch.py \
	tests/test_decimal_context.py
# Of those, the tests about processes (a pool of workers, racing runs, Ctrl-C, a terminal) and the PDF
# (LibreOffice printing bytes test_report_golden proves identical) run in the main run only: the
# workbooks they write come from the same code the in-process tests run here. (--deselect takes a
# prefix: test_build_pdf also leaves out test_build_pdf_without_libreoffice, an error before any PDF.)
LXML_DESELECT := $(addprefix --deselect tests/test_cli_build.py::,test_many_rows_in_parallel \
	test_two_runs_building_the_same_report_at_once test_two_runs_creating_the_same_new_report \
	test_ctrl_c_stops_a_batch_cleanly test_progress_bar_on_a_terminal test_build_pdf)
# Two workers (pytest-xdist): the tests reading the session's one LibreOffice run are one group on
# one worker (tests/conftest.py), the rest are shared out; see docs/development.md.
PYTEST_WORKERS := -n 2 --dist loadgroup
# Material for MkDocs prints a banner about its successor on every build; the build is what we need.
export NO_MKDOCS_2_WARNING := 1

.PHONY: report test lint bench workbook clean picture docs pyodide

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("xl-placement needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# compat: the project folder on the path, no import hook run at every start (a Ctrl-C during
	# that hook would print a traceback before xl-placement's own handling begins).
	$(BIN)/python -m pip install --quiet -e '.[excel,pandas,docs]' --group dev --config-settings editable_mode=compat
	touch $(STAMP)

$(LXML_STAMP): pyproject.toml
	test -x $(LXML_VENV)/bin/python || $(PYTHON) -m venv $(LXML_VENV)
	$(LXML_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LXML_VENV)/bin/python -m pip install --quiet -e '.[excel,pandas]' --group with-lxml
	touch $(LXML_STAMP)

## report: build the demo deal's report workbook into out/
report: $(STAMP)
	$(BIN)/xl-placement build examples/sensetime.toml -o out/sensetime.xlsx --force

## picture: render the demo report to docs/report.png and docs/report-proceeds.png (needs LibreOffice, pdftoppm)
picture: $(STAMP)
	PY=$(BIN)/python scripts/render_picture.sh

## pyodide: Pyodide (npm) and the pure wheels the report needs, for tests/test_pyodide.py (needs Node.js and npm;
## without them the Pyodide tests are skipped outside CI, and CI installs them)
PYODIDE_STAMP := tests/pyodide/node_modules/.installed
pyodide: $(PYODIDE_STAMP)
$(PYODIDE_STAMP): tests/pyodide/package.json pyproject.toml | $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix tests/pyodide --no-audit --no-fund --silent && \
	  rm -rf tests/pyodide/wheels && \
	  $(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: --dest tests/pyodide/wheels \
	    $$($(BIN)/python -c 'from importlib.metadata import version as v; print(*(f"{n}=={v(n)}" for n in ("openpyxl", "et-xmlfile", "defusedxml", "XlsxWriter", "iso4217", "pypdf")))') && \
	  touch $@; \
	else echo "npm not found: the Pyodide tests will be skipped (CI installs Node.js)"; fi

## test: lint, type-check, check the declared layers (import-linter) and run the whole test suite with
## line and branch coverage, then the workbook-writing tests again in a second environment with lxml installed
test: $(STAMP) $(PYODIDE_STAMP) $(LXML_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site-check
	$(BIN)/python -m pytest $(PYTEST_WORKERS) --cov --cov-report=term-missing:skip-covered --durations=25
	XL_PLACEMENT_EXPECT_LXML=1 $(LXML_VENV)/bin/python -m pytest $(PYTEST_WORKERS) -q -p no:cacheprovider $(LXML_TESTS) $(LXML_DESELECT)

## docs: build the documentation site into site/ (open site/index.html, or run .venv/bin/mkdocs serve)
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

## workbook: rebuild placement.xlsm and docs/vba/ from the installed xlwings (commit both)
workbook: $(STAMP)
	$(BIN)/xl-placement workbook -o placement.xlsm --force --vba-docs docs/vba

## bench: time the report, the batch, the Excel functions and their imports against floors
## (benchmarks/run.py; writes benchmarks/results.md and .json; not part of make test; BENCH=--quick for a smoke run)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) $(LXML_VENV) out site tests/pyodide/node_modules tests/pyodide/wheels .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

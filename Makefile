# salesperf: `make demo` builds the demo reports, `make test` runs every test.
# Both create .venv (Python 3.10+) and install the kit first; both are idempotent.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := salesperf
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# pytest-xdist: one worker per CPU; each test module (and each notebook, as nbval needs)
# stays on one worker, so that its module-scoped fixtures are built once
PYTEST_PARALLEL ?= -n logical --dist loadscope

.PHONY: help install demo test lab notebooks benchmark clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (salesperf)" > /dev/null
	@touch $(STAMP)

install: $(STAMP) ## create .venv, install the kit and register its Jupyter kernel

demo: $(STAMP) ## write the demo data and the demo reports under reports/
	$(BIN)/salesperf demo

test: $(STAMP) ## run the whole test suite (unit tests and notebooks), one worker per CPU
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

lab: $(STAMP) ## open JupyterLab on notebooks/
	env -u MPLBACKEND $(BIN)/jupyter lab notebooks/  # (the kernels' own inline backend, so charts show)

notebooks: $(STAMP) ## re-execute the notebooks so their stored outputs (checked by nbval) match the code
	env -u MPLBACKEND $(BIN)/python -c "from salesperf_kit.report import refresh_notebooks; refresh_notebooks()"

benchmark: $(STAMP) ## run the speed benchmarks in benchmarks/
	$(BIN)/python benchmarks/kpis.py
	$(BIN)/python benchmarks/scenarios.py
	$(BIN)/python benchmarks/reports.py

clean: ## remove .venv and generated demo data (reports are kept)
	rm -rf $(VENV) demo_data .pytest_cache

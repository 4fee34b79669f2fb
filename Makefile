# Four painters, one canvas. Every command the README mentions is spelled out here, once.
# Each target creates the virtual environment it needs, so `make serve` and `make test` work on
# a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-run the install when the project's dependencies change.
STAMP := $(VENV)/.installed

export NO_MKDOCS_2_WARNING := 1
export MPLBACKEND := Agg

.PHONY: venv serve site test lint clean

venv: $(STAMP)

# torch is installed first and pinned: any other torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[docs,test,dev]'
	touch $(STAMP)

serve: venv
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

site: venv
	$(BIN)/mkdocs build --strict --site-dir site

test: venv
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache

# Retrain every committed checkpoint from scratch (slow: see the Performance page for times).
# THREADS=1 is much faster than the default on a machine that is busy with other work.
.PHONY: checkpoints bench
checkpoints: venv
	$(BIN)/python scripts/train_all.py $(if $(THREADS),--threads $(THREADS))

# Build, serve-rebuild, test and sampling timings into benchmarks/bench.json (the Performance page).
bench: venv
	$(BIN)/python scripts/bench.py

# volrep — the two commands: `make book` (PROFILE=quick by default; PROFILE=full runs the papers' protocols) and
# `make test`.
# Both create the local virtual environment .venv and install everything they need on first use.
PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
PROFILE ?= quick
# Chapters (and nbval notebooks) run side by side: one per core, at most 4 (volrep.config.default_jobs).
JOBS    ?= $(shell $(PYTHON) -c 'import os; print(max(1, min(os.cpu_count() or 1, 4)))')
STAMP   := $(VENV)/.installed

.PHONY: book test unit nbval test-portability data sync baselines bench clean help

help:
	@echo "make book [PROFILE=quick|full] [JOBS=n]  run every chapter (n side by side) and build _build/html"
	@echo "make test                       unit tests, then nbval regression of every notebook and the"
	@echo "                                 tolerance check of their results against book/reference/quick"
	@echo "make test-portability           rerun the notebook checks as on other machines (threads, kernels, cache)"
	@echo "make data                       fetch and verify every raw dataset"
	@echo "make sync                       re-pair notebooks/*.py -> notebooks/*.ipynb (jupytext)"
	@echo "make baselines                  sync, re-execute every notebook in place (the nbval baselines) and"
	@echo "                                 record their claims and wall times in book/reference/quick, then"
	@echo "                                 regenerate the README's generated blocks (volrep readme)"
	@echo "make bench                      run the benchmarks"
	@echo "make clean                      remove built and generated files"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Notebook kernels must keep ipykernel's inline matplotlib backend (figures land in the outputs): no MPLBACKEND here.
book: $(STAMP)
	$(PY) -m volrep book --profile $(PROFILE) --jobs $(JOBS)

test: unit nbval

# Unit tests run JOBS at a time too (pytest-xdist); `-m 'not slow'` skips the end-to-end chapter runs.
unit: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest -n $(JOBS) tests

# nbval re-executes every notebook: cells marked NBVAL_CHECK_OUTPUT (data, counts, econometrics) must print exactly
# what the committed notebook shows; the numbers of trained networks are then checked within stated tolerances
# against book/reference/quick (volrep.regression). The run's results go to NBVAL_RESULTS, not to the book's.
# Chapters 01-08 run JOBS at a time (pytest-xdist; --dist loadscope keeps a notebook's cells in order on one
# worker); chapter 09 reads their results, so it runs after them.
NBVAL_RESULTS := .nbval-results
NBVAL := $(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider
nbval: $(STAMP)
	rm -rf $(NBVAL_RESULTS)
	VOLREP_RESULTS_DIR=$(CURDIR)/$(NBVAL_RESULTS) $(NBVAL) -n $(JOBS) --dist loadscope $(filter-out notebooks/09_%,$(wildcard notebooks/[0-9][0-9]_*.ipynb))
	VOLREP_RESULTS_DIR=$(CURDIR)/$(NBVAL_RESULTS) $(NBVAL) notebooks/09_*.ipynb
	$(PY) -m volrep check $(NBVAL_RESULTS)

# Emulated other machines (threads, ATen/MKL/oneDNN kernels, oneDNN off, cold cache): see volrep.portability.
test-portability: $(STAMP)
	$(PY) -m volrep portability probe
	$(PY) -m volrep portability matrix --jobs 2

data: $(STAMP)
	$(PY) -m volrep data fetch --all
	$(PY) -m volrep data verify --all

sync: $(STAMP)
	$(VENV)/bin/jupytext --sync notebooks/[0-9][0-9]_*.py

# The committed notebooks carry the outputs of the quick profile: nbval compares against them.
baselines: sync
	$(PY) -m volrep baselines
	$(PY) -m volrep readme

bench: $(STAMP)
	$(PY) benchmarks/bench_rv.py
	$(PY) benchmarks/bench_garch.py
	$(PY) benchmarks/bench_mtf.py
	$(PY) benchmarks/bench_garch_panel.py

clean:
	rm -rf _build book/chapters book/results book/scoreboard.md .pytest_cache $(NBVAL_RESULTS) .portability

# volrep — the two commands: `make book` (PROFILE=full by default) and `make test`.
# Both create the local virtual environment .venv and install everything they need on first use.
PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
PROFILE ?= full
STAMP   := $(VENV)/.installed

.PHONY: book test unit nbval test-portability data sync baselines bench clean help

help:
	@echo "make book [PROFILE=full|quick]  run every chapter and build the HTML book in _build/html"
	@echo "make test                       unit tests, then nbval regression of every notebook and the"
	@echo "                                 tolerance check of their results against book/reference/quick"
	@echo "make test-portability           rerun the notebook checks as on other machines (threads, kernels, cache)"
	@echo "make data                       fetch and verify every raw dataset"
	@echo "make sync                       re-pair notebooks/*.py -> notebooks/*.ipynb (jupytext)"
	@echo "make baselines                  sync, re-execute every notebook in place (the nbval baselines) and"
	@echo "                                 record their claims in book/reference/quick"
	@echo "make bench                      run the benchmarks"
	@echo "make clean                      remove built and generated files"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Notebook kernels must keep ipykernel's inline matplotlib backend (figures land in the outputs): no MPLBACKEND here.
book: $(STAMP)
	$(PY) -m volrep book --profile $(PROFILE)

test: unit nbval

unit: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest tests

# nbval re-executes every notebook: cells marked NBVAL_CHECK_OUTPUT (data, counts, econometrics) must print exactly
# what the committed notebook shows; the numbers of trained networks are then checked within stated tolerances
# against book/reference/quick (volrep.regression). The run's results go to NBVAL_RESULTS, not to the book's.
NBVAL_RESULTS := .nbval-results
nbval: $(STAMP)
	rm -rf $(NBVAL_RESULTS)
	VOLREP_RESULTS_DIR=$(CURDIR)/$(NBVAL_RESULTS) $(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider notebooks/
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

bench: $(STAMP)
	$(PY) benchmarks/bench_rv.py
	$(PY) benchmarks/bench_garch.py
	$(PY) benchmarks/bench_mtf.py
	$(PY) benchmarks/bench_garch_panel.py

clean:
	rm -rf _build book/chapters book/results book/scoreboard.md .pytest_cache $(NBVAL_RESULTS) .portability

# make run: set up .venv, install, process raw/ into output/.   make test: set up, lint (ruff), type-check
# src/ (mypy), run the tests.
# make devset: outline scores on the development sets beside this folder (real excerpts, invented plans, seeds).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test devset clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: setup
	$(BIN)/keikaku run raw --out output

# The report test needs Chromium: scripts/test-deps.sh installs it, or says why it cannot (exit 3),
# and then the browser tests are skipped rather than failed.
test: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	@status=0; scripts/test-deps.sh || status=$$?; \
	if [ $$status -eq 3 ]; then browser=missing; elif [ $$status -eq 0 ]; then browser=yes; else exit $$status; fi; \
	KEIKAKU_BROWSER=$$browser $(BIN)/python -m pytest -q

# Outline F1 on ../shared/realdev and ../shared/devset (no profile) and on the seeds (--profile generic);
# see bench/devset.py (--realdev DIR / --devset DIR when the sets are elsewhere).
devset: setup
	$(BIN)/python bench/devset.py

clean:
	rm -rf $(VENV) output/*.json output/*.csv

# make run: set up .venv, install, process raw/ into output/.   make test: set up, run the tests.
# make devset: outline scores on the development set beside this folder.
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

test: setup
	$(BIN)/python -m pytest -q

# Outline F1 on ../shared/devset (no profile) and on the seeds (--profile generic); see bench/devset.py.
devset: setup
	$(BIN)/python bench/devset.py

clean:
	rm -rf $(VENV) output/*.json output/*.csv

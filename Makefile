# make run: set up .venv, install, process raw/ into output/.   make test: set up, run the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test clean

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

clean:
	rm -rf $(VENV) output/*.json output/*.csv

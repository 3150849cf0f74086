# make run: set up .venv, install, process raw/ into output/.   make test: set up, lint (ruff), type-check
# src/ (mypy), run the tests.
# make devset: every quality figure on the development sets beside this folder (outlines, indicators, keywords).
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

# Every quality figure, each against its goal (exit 1 when one is missed): outline F1 on ../shared/realdev
# and ../shared/devset (no profile) and on the seeds (--profile generic), see bench/devset.py (--realdev DIR /
# --devset DIR when the sets are elsewhere); indicator recall and precision on the real indicator excerpts
# and the invented fixture, see bench/indicators.py (--set DIR); junk among the top-10 keywords of both sets
# and declared-keyword coverage on the seeds, see bench/keyword_junk.py; the development set typeset as PDFs
# (outline F1 against the texts) and PDF reading speed, see bench/pdf.py.
devset: setup
	@status=0; \
	$(BIN)/python bench/devset.py || status=1; \
	$(BIN)/python bench/indicators.py || status=1; \
	$(BIN)/python bench/keyword_junk.py --check ../shared/devset/texts ../shared/realdev/texts || status=1; \
	$(BIN)/python bench/pdf.py || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) output/*.json output/*.csv

# make run: set up .venv, install, process raw/ into output/.   make test: set up, lint (ruff), type-check
# src/ (mypy), run the tests.
# make devset: every quality figure on the development sets beside this folder (outlines, indicators, keywords),
# or elsewhere: make devset DEVSET=/path/to/devset REALDEV=/path/to/realdev.
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
	KEIKAKU_BROWSER=$$browser $(BIN)/python -m pytest -q -rs

# Every quality figure, each against its goal (exit 1 when one is missed): outline F1 on $(REALDEV) and
# $(DEVSET) (no profile) and on the seeds (--profile generic), see bench/devset.py; indicator recall and
# precision on the real indicator excerpts ($(REALDEV)/indicators) and the invented fixture, see
# bench/indicators.py; junk among the top-10 keywords of both sets and declared-keyword coverage on the
# seeds, see bench/keyword_junk.py; the development set typeset as PDFs (outline F1 against the texts) and
# PDF reading speed, see bench/pdf.py.  The sets are beside this folder unless given:
#   make devset DEVSET=/path/to/devset REALDEV=/path/to/realdev
# A set that is not there stops make at once with one line saying where it looked (before any set-up).
DEVSET ?= ../shared/devset
REALDEV ?= ../shared/realdev
ifneq ($(filter devset,$(MAKECMDGOALS)),)
NO_DEVSET := $(shell test -f '$(DEVSET)/score.py' && test -d '$(DEVSET)/texts' || \
                     echo 'no development set at $(DEVSET) (score.py and texts/ expected);')
NO_REALDEV := $(shell test -d '$(REALDEV)/texts' && test -d '$(REALDEV)/gold' || \
                      echo 'no real development set at $(REALDEV) (texts/ and gold/ expected);')
ifneq ($(NO_DEVSET)$(NO_REALDEV),)
$(error $(strip $(NO_DEVSET) $(NO_REALDEV)) point to the sets with: make devset DEVSET=/path/to/devset REALDEV=/path/to/realdev)
endif
endif
devset: setup
	@status=0; \
	$(BIN)/python bench/devset.py --devset '$(DEVSET)' --realdev '$(REALDEV)' || status=1; \
	$(BIN)/python bench/indicators.py --set '$(REALDEV)/indicators' || status=1; \
	$(BIN)/python bench/keyword_junk.py --check '$(DEVSET)/texts' '$(REALDEV)/texts' || status=1; \
	$(BIN)/python bench/pdf.py --devset '$(DEVSET)' --indicators '$(REALDEV)/indicators' || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) output/*.json output/*.csv

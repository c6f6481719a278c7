# conference: everyday commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist; each file's tests stay in one): most tests wait on a
# server, a browser or a database, so two processes use two cores. TEST_WORKERS=0: one.
TEST_WORKERS ?= 2
# Message ids marked in Python: the list lives in conference.i18n.MESSAGE_KEYWORDS.
BABEL_KEYWORDS = $(shell $(BIN)/python -c "from conference.i18n import MESSAGE_KEYWORDS as k; print(' '.join('-k ' + w for w in k))")

.DEFAULT_GOAL := help
.PHONY: help install run test test-sqlite lint format messages bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}' \
		| sed -e 's|$$(HOST)|$(HOST)|g' -e 's|$$(PORT)|$(PORT)|g'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "conference needs Python 3.11 or newer (PYTHON=$(PYTHON))" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its test tools

run: $(STAMP) ## Migrate SQLite, load the demo conference and serve on http://$(HOST):$(PORT)
	$(BIN)/conference init
	$(BIN)/conference demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C stops)"
	$(BIN)/conference serve --host $(HOST) --port $(PORT)

test: $(STAMP) ## Run every test (PostgreSQL too when CONFERENCE_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not alone"
	$(BIN)/python -m pytest -m alone

lint: $(STAMP) ## ruff (lint and format check), mypy and the import contracts (import-linter)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP) ## Reformat the code with ruff
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: $(STAMP) ## Extract message ids and update the Vietnamese catalog
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--project conference -o src/conference/locale/messages.pot .
	@test -f src/conference/locale/vi/LC_MESSAGES/messages.po || \
		$(BIN)/pybabel init -i src/conference/locale/messages.pot -d src/conference/locale -l vi
	$(BIN)/pybabel update -i src/conference/locale/messages.pot -d src/conference/locale \
		-l vi --no-fuzzy-matching --ignore-obsolete

bench: $(STAMP) ## Run the benchmarks in bench/ (they print figures)
	@shopt -s nullglob; scripts=(bench/[!_]*.py); \
	[ $${#scripts[@]} -gt 0 ] || { echo "no benchmarks yet in bench/"; exit 0; }; \
	for script in "$${scripts[@]}"; do echo "== $$script"; $(BIN)/python "$$script" || exit 1; done

clean: ## Remove the virtual environment, caches and the local database
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache conference.sqlite3* outbox instance

# The two quick-start commands (see README) and their helpers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS ?= redis://127.0.0.1:6379/0

.PHONY: demo test test-postgres lint install install-test browser bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Debian's Chromium drives the browser tests (Playwright's own browser download cannot work offline).
browser:
	@test -x /usr/bin/chromium || { \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
	  || { echo "Could not install Debian's chromium: browser tests need /usr/bin/chromium"; exit 1; }; }

demo: install
	$(BIN)/storeos demo

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test browser lint
	$(BIN)/pytest

test-postgres: install-test browser
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(BIN)/pytest

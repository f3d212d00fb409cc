# The two quick-start commands (see README) and their helpers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS ?= redis://127.0.0.1:6379/0

.PHONY: demo test test-postgres lint install install-test system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Debian packages the tests need: Chromium for browser tests (Playwright's own browser download
# cannot work offline), a CJK font and Pango for PDF receipts, pdftotext to read them back.
SYSTEM_PACKAGES := chromium fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 poppler-utils

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null \
	  || { echo "Could not install: $$missing (browser and PDF tests need them)"; exit 1; }; \
	fi

demo: install
	$(BIN)/storeos demo

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test system-deps lint
	$(BIN)/pytest

test-postgres: install-test system-deps
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(BIN)/pytest

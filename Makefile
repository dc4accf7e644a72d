# Budgetopfølgning. Two commands set everything up on a fresh machine (Python 3.11):
#   make run   installs, migrates, loads the demo data and serves http://127.0.0.1:8000
#   make test  installs and runs the whole test suite (SQLite, or DATABASE_URL if set)

PYTHON ?= python3.11
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: install run test lint browser migrate demo clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(BIN)/python: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $(BIN)/python

install: $(BIN)/python

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

run: demo
	@echo "Budgetopfølgning kører på http://$(HOST):$(PORT)/ — log ind som admin, oekonomi eller sekretaer (adgangskode: demo)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Debian's Chromium drives the browser tests; tool downloads of browsers fail on our machines.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installerer Debians chromium til browsertestene"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(MANAGE) makemigrations --check --dry-run

test: install browser lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles db.sqlite3

# Budgetopfølgning. Two commands set everything up on a fresh machine (Python 3.11):
#   make run   installs, migrates, loads the demo data and serves http://127.0.0.1:8000 (with a
#              task worker beside the development server)
#   make test  installs and runs the whole test suite (SQLite, or DATABASE_URL if set)
# Beyond set-up:
#   make serve  runs the production stack (gunicorn, PostgreSQL from DATABASE_URL, whitenoise)
#   make audit  checks the locked dependencies for known vulnerabilities (pip-audit)
#   make bench  the load benchmark against gunicorn + PostgreSQL on loopback (bench/)

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

.PHONY: install run serve test lint audit bench browser migrate demo clean

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

# The development server, with a task worker beside it (reports, e-mail, reminders); both stop
# together.
run: demo
	@echo "Budgetopfølgning kører på http://$(HOST):$(PORT)/ — log ind som admin, oekonomi eller sekretaer (adgangskode: demo)"
	@$(MANAGE) db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# As in production: DEBUG off, PostgreSQL, static files collected for whitenoise, gunicorn with
# several workers. Needs SECRET_KEY and ALLOWED_HOSTS (the README lists every variable).
serve: install
	@url="$${DATABASE_URL:-$$(sed -n 's/^DATABASE_URL=//p' .env 2>/dev/null | tail -n 1)}"; \
	case "$$url" in \
	  postgres://*|postgresql://*|pgsql://*) ;; \
	  "") echo "make serve kører som i produktion og kræver DATABASE_URL til PostgreSQL," \
	         "f.eks. DATABASE_URL=postgres://postgres@127.0.0.1:5432/budgetopfoelgning" >&2; exit 2 ;; \
	  *) echo "make serve kræver PostgreSQL: DATABASE_URL skal begynde med postgres://" >&2; exit 2 ;; \
	esac
	DEBUG=off $(MANAGE) check --deploy
	DEBUG=off $(MANAGE) collectstatic --noinput --verbosity 0
	DEBUG=off $(MANAGE) migrate --noinput
	DEBUG=off HOST=$(HOST) PORT=$(PORT) exec $(BIN)/gunicorn --config budgetopfoelgning/gunicorn.conf.py

# Known vulnerabilities in the locked dependencies (uv.lock, every group), see .ci/audit.py.
AUDIT_REQUIREMENTS := $(TOOLS)/audit-requirements.txt
audit: install
	$(UV) export --frozen --no-hashes --all-groups --no-emit-project --quiet -o $(AUDIT_REQUIREMENTS)
	$(BIN)/python .ci/audit.py $(AUDIT_REQUIREMENTS)

bench: install
	$(BIN)/python bench/load_bench.py

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

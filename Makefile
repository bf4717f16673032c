# Developer and CI commands for Lyceum. `make help` lists the targets.
#
# One virtualenv (.venv) holds the pinned development set (requirements/dev.txt); it is synced with
# uv only when that file changes, so repeated runs cost nothing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
UV_VERSION ?= 0.13.9
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
DEV_REQUIREMENTS := requirements/dev.txt
SYNC_STAMP := $(VENV)/.synced-dev

HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for pytest (`make test ARGS="tests/catalog -x"`) or bench/run.py.
ARGS ?=
# pytest-xdist workers; 0 runs in one process (handy with --pdb).
PYTEST_WORKERS ?= 2
# Set UPGRADE=1 to let `make requirements` move pins forward instead of keeping them.
UPGRADE ?=

# runserver listening on every interface is still browsed through the loopback address.
BROWSE_HOST := $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
BASE_URL := http://$(BROWSE_HOST):$(PORT)
MANAGE_LOCAL := DJANGO_SETTINGS_MODULE=settings.local $(BIN)/python manage.py
# An empty DATABASE_URL is not passed on, so settings.test picks PostgreSQL or SQLite by itself.
PYTEST := DJANGO_SETTINGS_MODULE=settings.test $(BIN)/pytest -n $(PYTEST_WORKERS)
# edx-opaque-keys installs a stray top-level `settings` package into site-packages, and the django-stubs
# plugin only appends the project directory to sys.path; PYTHONPATH puts ours first.
MYPY := PYTHONPATH=$(CURDIR) $(BIN)/mypy

.PHONY: help venv requirements browser run test test-sqlite lint lint-ci format bench messages gettext clean distclean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# --- installation -----------------------------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| echo "warning: $(PYTHON) is not Python 3.11; the pinned requirements are compiled for 3.11" >&2
	$(PYTHON) -m venv $(VENV)

# Order-only prerequisites: a newer python binary must not trigger a reinstall of uv.
$(UV): | $(BIN)/python
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --upgrade --default-pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(SYNC_STAMP): $(DEV_REQUIREMENTS) | $(UV)
	$(UV) pip sync --python $(BIN)/python $(DEV_REQUIREMENTS)
	@touch $@

venv: $(SYNC_STAMP) ## Create .venv and sync it with requirements/dev.txt (only when that file changed)

requirements: | $(UV) ## Recompile requirements/base.txt and dev.txt from the .in files (UPGRADE=1 to upgrade)
	cd requirements && ../$(UV) pip compile base.in -o base.txt --python-version 3.11 --quiet \
		--custom-compile-command "make requirements" $(if $(UPGRADE),--upgrade)
	cd requirements && ../$(UV) pip compile dev.in -o dev.txt --python-version 3.11 --quiet \
		--custom-compile-command "make requirements" $(if $(UPGRADE),--upgrade)

# The browser tests (tests/browser) drive Debian's Chromium with Playwright; Playwright never downloads a
# browser of its own. Installed here when missing and running as root (CI, the development machines).
CHROMIUM ?= /usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

browser: ## Install Debian's Chromium for the browser tests when it is missing (needs root)
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
		echo "warning: $(CHROMIUM) is missing and you are not root: the browser tests will fail." >&2; \
		echo "         Install it with 'sudo apt-get install -y chromium' (or set LYCEUM_CHROMIUM)." >&2; \
		exit 0; \
	fi; \
	echo "Installing Debian's chromium for the browser tests (once)"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# --- running ----------------------------------------------------------------------------------

# One Django process prepares and serves (manage.py serve_demo): migrations only when some are unapplied,
# the demo seeded into an empty catalog, then runserver (whose autoreloader serves from a child process).
run: venv ## Migrate the SQLite database if needed, seed demo data and serve on HOST:PORT (default 127.0.0.1:8000)
	$(MANAGE_LOCAL) serve_demo $(HOST):$(PORT)

# --- checks -----------------------------------------------------------------------------------

test: venv browser ## Run the test suite (PostgreSQL when reachable, else SQLite; DATABASE_URL=... to choose)
	$(if $(DATABASE_URL),DATABASE_URL='$(DATABASE_URL)') $(PYTEST) $(ARGS)

test-sqlite: venv browser ## Run the test suite on an in-memory SQLite database
	DATABASE_URL='sqlite://:memory:' $(PYTEST) $(ARGS)

lint: venv ## ruff check, ruff format --check and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MYPY) .

lint-ci: venv ## ruff check only, a quick check (CI runs `make lint`)
	$(BIN)/ruff check .

format: venv ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv ## Run the benchmarks under bench/ (ARGS="name ..." to pick some)
	$(BIN)/python bench/run.py $(ARGS)

# --- translations -----------------------------------------------------------------------------

# Languages with a catalog: <app>/locale/<language>/LC_MESSAGES/django.po (settings/locale for the project's
# own strings). The compiled .mo files are committed, so running Lyceum needs no gettext tools.
MESSAGE_LOCALES ?= es
MAKEMESSAGES_IGNORE := $(foreach dir,.venv tests bench var docs staticfiles */migrations,--ignore '$(dir)/*')

messages: venv ## Extract every marked string into the apps' locale/*/django.po and compile them (needs GNU gettext)
	@command -v xgettext >/dev/null && command -v msgfmt >/dev/null || $(MAKE) gettext
	$(MANAGE_LOCAL) makemessages $(addprefix --locale ,$(MESSAGE_LOCALES)) $(MAKEMESSAGES_IGNORE) \
		--add-location file --no-obsolete
	$(MANAGE_LOCAL) compilemessages $(addprefix --locale ,$(MESSAGE_LOCALES)) --ignore '.venv/*'

gettext: ## Install GNU gettext (xgettext, msgfmt) from Debian, which `make messages` needs
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get install -y --no-install-recommends gettext || { apt-get update && apt-get install -y --no-install-recommends gettext; }; \
	else \
		echo "make messages needs GNU gettext (xgettext, msgfmt): run 'sudo apt-get install gettext'" >&2; exit 1; \
	fi

# --- housekeeping -----------------------------------------------------------------------------

clean: ## Remove caches and var/ (the local database and demo password); keeps .venv
	rm -rf var/ staticfiles/ .pytest_cache/ .mypy_cache/ .ruff_cache/ .hypothesis/
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)

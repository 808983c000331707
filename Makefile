# The tracker's two everyday commands are `make run` and `make test`; see README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
# Test processes: one per core (each test file stays in one process, so shared data loads once).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PORT ?= 8000
# Python keeps the modules it compiles (in __pycache__, which git ignores) even where the shell
# asks it not to: without them every test process, and every subprocess a test starts, compiles
# the project again and pytest rewrites every test's asserts again (about 7 s of CPU for each run
# of pytest on two workers).
export PYTHONDONTWRITEBYTECODE :=

# Python 3.12+ is required. `python3` here may be older, and a pyenv shim only works when its
# version is selected, so each candidate is asked to run before it is trusted.
define FIND_PYTHON
for candidate in "$$PYTHON" python3.13 python3.12 \
    "$$(pyenv prefix 3.13 2>/dev/null)/bin/python3" "$$(pyenv prefix 3.12 2>/dev/null)/bin/python3" \
    /usr/bin/python3.13 /usr/bin/python3.12 python3; do \
  [ -n "$$candidate" ] || continue; \
  if "$$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
    echo "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef
export FIND_PYTHON

ASSETS := inspections/static/build/tracker.css

# Debian packages the tracker needs beyond Python: WeasyPrint's text shaping for PDF letters (run
# and test), and for the tests Debian's chromium (browser tests) and poppler's pdftotext (reading
# letters back). Installed when missing and allowed (root with apt-get), otherwise named.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils
# make bench drives the throughput test with wrk (a C load generator, not the bottleneck).
BENCH_PACKAGES := $(RUN_PACKAGES) wrk
define NEED_PACKAGES
missing=""; \
for pkg in $$PACKAGES; do dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
[ -z "$$missing" ] && exit 0; \
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
  echo "Installing Debian packages:$$missing"; \
  export DEBIAN_FRONTEND=noninteractive; \
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null && exit 0; \
  echo "error: apt-get could not install$$missing." >&2; exit 1; \
fi; \
echo "error: missing Debian packages:$$missing. Install them with: sudo apt-get install$$missing" >&2; \
exit 1
endef
export NEED_PACKAGES
NODE_STAMP := node_modules/.package-lock.json

.PHONY: help install run test lint format clean assets bench profile run-packages test-packages bench-packages

help:
	@echo "make run      set up (venv, install, migrate, reference + demo data) and serve on http://$(HOST):$(PORT)/"
	@echo "make test     run the whole test suite"
	@echo "make install  create the virtualenv and install the dependencies only"
	@echo "make lint     ruff lint and format check, mypy type check"
	@echo "make bench    build a national-scale database and measure every page (docs/benchmarks.md)"
	@echo "make profile  where one page's time goes: PAGE=/reports/overdue/ USER=bench.admin"

install: $(STAMP) $(ASSETS)

assets: $(ASSETS)

# GOV.UK Frontend from npm, compiled with the project's own settings (no crown, no GDS Transport).
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { \
	  echo "error: npm (Node.js 20 or newer) is needed to build the pages' styles." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

$(ASSETS): $(NODE_STAMP) assets/tracker.scss assets/copy-assets.mjs
	npm run --silent build

$(STAMP): pyproject.toml
	@python_bin="$$(bash -c "$$FIND_PYTHON")" || { \
	  echo "error: Python 3.12 or newer is needed and none was found." >&2; \
	  echo "       Install one (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12." >&2; \
	  exit 1; }; \
	echo "Using $$python_bin ($$("$$python_bin" --version))"; \
	[ -x $(PY) ] || "$$python_bin" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@touch $(STAMP)

run-packages:
	@PACKAGES="$(RUN_PACKAGES)" bash -c "$$NEED_PACKAGES"

test-packages:
	@PACKAGES="$(TEST_PACKAGES)" bash -c "$$NEED_PACKAGES"

bench-packages:
	@PACKAGES="$(BENCH_PACKAGES)" bash -c "$$NEED_PACKAGES"

run: run-packages install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_data
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/ with its background worker (Ctrl+C stops both)"
	@$(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

test: test-packages install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	@$(PY) manage.py makemigrations --check --dry-run > /dev/null || \
	  { echo "error: models changed without a migration (run manage.py makemigrations)" >&2; exit 1; }
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# National-scale benchmark (SQLite, and PostgreSQL when it is running): see docs/benchmarks.md.
bench: bench-packages install
	$(PY) -m benchmarks.run

# Where one page's time goes: make profile PAGE=/reports/overdue/ USER=bench.admin (the benchmark
# database's national administrator; its forces' people are <force-slug>.pcc and .lead)
# (USER is the shell's own login name unless given on the command line.)
PAGE ?= /reports/overdue/
PROFILE_USER := $(if $(filter command line,$(origin USER)),$(USER),bench.admin)
profile: bench-packages install
	$(PY) -m benchmarks.profile --page "$(PAGE)" --user "$(PROFILE_USER)"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules inspections/static/build db.sqlite3 staticfiles .pytest_cache .ruff_cache

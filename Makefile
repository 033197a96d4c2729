# The two commands of the README: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# A development portal: debug pages, console email, eager Celery unless REDIS_URL is set.
RUN_ENV := DEBUG=true
TEST_ENV := TESTING=true

.PHONY: run test install install-test migrate demo messages compile-messages check-translations lint format check-migrations check-deploy security browser-deps ci clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

compile-messages: $(VENV)/.installed
	$(BIN)/python scripts/compile_messages.py

## run: install, migrate, load the demo data and serve on 127.0.0.1:$(PORT)
run: install compile-messages
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: install the test dependencies and run every check and the whole suite
test: install-test compile-messages
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/check_translations.py
	$(TEST_ENV) $(BIN)/pytest -m "not browser"

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: extract the interface strings into locale/fr and locale/es (needs GNU gettext)
messages: install
	$(TEST_ENV) $(BIN)/python manage.py makemessages -l fr -l es --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=node_modules --ignore=tests/browser/vendor
	$(TEST_ENV) $(BIN)/python manage.py makemessages -d djangojs -l fr -l es --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=node_modules --ignore=tests/browser/vendor

check-deploy: install
	env -u TESTING -u REDIS_URL -u CELERY_TASK_ALWAYS_EAGER DEBUG=false \
	  SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" ALLOWED_HOSTS=chm.example.org \
	  DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py check --deploy --fail-level WARNING

## security: bandit over the portal's code, pip-audit over the installed packages (docs/security.md)
# pip-audit asks PyPI's JSON API about each package; where that API cannot be reached (this
# workplace's mirror serves only the simple index) it says so and skips, unless PIP_AUDIT_REQUIRED=1.
BANDIT_PATHS := chm_portal needs partners commitments matchmaking elearning monitoring embeds
PIP_AUDIT_PROBE := import importlib.metadata as m, urllib.request as u; \
  u.urlopen(f"https://pypi.org/pypi/pip/{m.version(\"pip\")}/json", timeout=10)
security: SHELL := /bin/bash
security: install-test
	set -o pipefail; $(BIN)/bandit -c pyproject.toml -r $(BANDIT_PATHS) -q 2>&1 \
	  | { grep -v "nosec encountered" || true; }
	@if $(BIN)/python -c '$(PIP_AUDIT_PROBE)' 2>/dev/null; then \
	  echo "$(BIN)/pip-audit --progress-spinner off --skip-editable"; \
	  $(BIN)/pip-audit --progress-spinner off --skip-editable; \
	elif [ -n "$$PIP_AUDIT_REQUIRED" ]; then \
	  echo "pip-audit: PyPI's vulnerability data (its JSON API) cannot be reached."; exit 1; \
	else \
	  echo "pip-audit skipped: PyPI's vulnerability data (its JSON API) cannot be reached from here."; \
	fi

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

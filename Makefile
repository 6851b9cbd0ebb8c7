# apcase — one command per task, the same locally and in CI. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip uv

$(VENV)/.installed: $(BIN)/uv requirements/base.txt requirements/dev.txt
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -r requirements/base.txt -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

apcase/static/govuk/govuk-frontend.min.css: node_modules/.installed scripts/build_assets.py $(wildcard scripts/frontend/*.scss)
	$(BIN)/python scripts/build_assets.py

.PHONY: install
install: $(VENV)/.installed apcase/static/govuk/govuk-frontend.min.css ## Create .venv, install Python and npm packages, copy GOV.UK Frontend

.PHONY: run
run: install ## Install, migrate, load the demo, serve on http://127.0.0.1:8000 and run the task worker
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/honcho -f Procfile.dev start

.PHONY: test
# Bytecode is written (and read back) even where the environment turns it off: each
# test worker and each server or command the tests start would otherwise compile every
# module again.
test: install ## Run the whole test suite (DATABASE_URL chooses SQLite or PostgreSQL)
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n 2 --dist loadgroup

.PHONY: lint
lint: install ## ruff, mypy, import-linter, bandit, djLint (templates) and the project's security rules (tests/test_static_rules.py)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy apcase config
	$(BIN)/lint-imports
	$(BIN)/bandit -c pyproject.toml -q -r apcase config
	$(BIN)/djlint apcase --lint
	$(BIN)/pytest -p no:xdist -q tests/test_static_rules.py

.PHONY: format
format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: drills
drills: install ## Reliability drills on a private PostgreSQL: database stopped under load, 200 users for 10 min
	$(BIN)/python -m drills

.PHONY: bench
bench: install ## Run the benchmarks (figures as ratios measured in the same run); BENCH=gias|pages|bulk runs one
	$(BIN)/python -m bench $(BENCH)

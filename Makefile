# Two commands on a fresh machine:
#   make run    the service on the embedded default (SQLite, tasks in-process), with the sample data
#   make test   the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format install bench

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-warn-script-location -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# A local run: the secret key is made once in var/ (config/settings.py).
run: $(STAMP)
	GIAINGAN_LOCAL=1 $(BIN)/python manage.py demo

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The two commands a new user needs: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-browser venv check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

## Set up everything (SQLite, demo content, demo accounts) and serve on http://$(HOST):$(PORT)
run: venv
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py setup_groups
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo_content
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo_accounts --url http://$(HOST):$(PORT)/admin/
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set). Browser tests skip without Chromium.
test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Run only the browser tests (headless Debian Chromium, installed with apt-get when missing and allowed).
test-browser: venv
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || bash .ci/install-chromium
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

## Checks CI runs besides the tests
check: venv
	DJANGO_DEBUG=1 $(BIN)/python manage.py check
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

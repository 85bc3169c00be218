# The two commands a new user needs: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-browser validators venv check clean serve bench messages compilemessages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Links in e-mails (SITE_URL) lead to the server these targets start, unless SITE_URL is set.
run serve: export SITE_URL ?= http://$(HOST):$(PORT)

# Runs the server $(2) with the mail worker ($(1) manage.py mail_worker) beside it. Ctrl-C reaches both (they
# share the terminal's process group) and the worker finishes the e-mail it is sending; when the server stops by
# itself, the worker is told to stop. Either way the recipe waits for the worker before it ends.
define with_mail_worker
$(1) manage.py mail_worker --no-reload & worker=$$!; \
	trap 'interrupted=1' INT; \
	$(2); status=$$?; \
	[ -n "$$interrupted" ] || kill $$worker 2>/dev/null; \
	wait $$worker; exit $$status
endef

## Set up everything (SQLite, demo content, demo accounts) and serve on http://$(HOST):$(PORT), with the mail worker
run: venv
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py setup_groups
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo_content
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo_accounts --url "$${SITE_URL%/}/admin/"
	@DJANGO_DEBUG=1; export DJANGO_DEBUG; \
	$(call with_mail_worker,$(BIN)/python,$(BIN)/python manage.py runserver $(HOST):$(PORT))

## Run the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set). Browser tests skip without Chromium.
test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Run only the browser tests (headless Debian Chromium, installed with apt-get when missing and allowed), with axe
## and the HTML checker (npm packages, installed into .ci/validators when missing).
test-browser: venv validators
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || bash .ci/install-chromium
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

## The W3C Nu HTML checker (vnu-jar, run with Java) and axe-core, for tests/test_html_validity.py and the browser tests
validators:
	bash .ci/install-validators

## Checks CI runs besides the tests
check: venv
	DJANGO_DEBUG=1 $(BIN)/python manage.py check
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

## The production configuration locally: debug off, gunicorn (gunicorn.conf.py), whitenoise, the mail worker;
## PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set. Without DJANGO_SECRET_KEY a throwaway key is used
## (with a warning).
serve: venv
	@if [ -z "$$DJANGO_SECRET_KEY" ]; then \
		echo "warning: DJANGO_SECRET_KEY is not set: using a throwaway key, so sessions and signed links end with this run." >&2; \
	fi; \
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
		DJANGO_DEBUG=0 HOST=$(HOST) PORT=$(PORT) \
		DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-0}" DJANGO_SSL_REDIRECT="$${DJANGO_SSL_REDIRECT:-0}" && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py collectstatic --noinput -v0 && \
	echo "Serving the production configuration on http://$(HOST):$(PORT)/ (database: $${DATABASE_URL:+DATABASE_URL}$${DATABASE_URL:-SQLite}; cache: $${REDIS_URL:+Redis}$${REDIS_URL:-local memory})" || exit $$?; \
	$(call with_mail_worker,$(BIN)/python,$(BIN)/gunicorn -c gunicorn.conf.py)

## Extract the interface's strings (babel.cfg) into locale/django.pot and update each language's catalogue with them;
## translate the new ones in locale/<language>/LC_MESSAGES/django.po, then `make compilemessages`. Babel only: no GNU
## gettext needed.
LANGUAGES_TRANSLATED := de ar
BABEL_KEYWORDS := -k gettext_lazy -k ngettext_lazy:1,2 -k pgettext_lazy:1c,2 -k npgettext_lazy:1c,2,3
BABEL := $(BIN)/python -m babel.messages.frontend
messages: venv
	PYTHONPATH=. $(BIN)/python -m babel.messages.frontend extract -F babel.cfg $(BABEL_KEYWORDS) --no-wrap --sort-by-file --project "Medical Tourism Magazine" --copyright-holder "Medical Tourism Magazine" -o locale/django.pot .
	@for language in $(LANGUAGES_TRANSLATED); do \
		if [ -f locale/$$language/LC_MESSAGES/django.po ]; then \
			$(BIN)/python -m babel.messages.frontend update -D django -i locale/django.pot -d locale -l $$language --no-wrap --no-fuzzy-matching --ignore-obsolete || exit 1; \
		else \
			$(BIN)/python -m babel.messages.frontend init -D django -i locale/django.pot -d locale -l $$language --no-wrap || exit 1; \
		fi; \
	done

## Compile the catalogues to the .mo files Django reads (committed; tests/test_translations.py checks them)
compilemessages: venv
	$(BIN)/python -m babel.messages.frontend compile -D django -d locale --statistics

## Benchmark the production server on PostgreSQL and Redis with wrk (bench/run.sh); results in bench/results/latest.md
bench: venv
	bash bench/run.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

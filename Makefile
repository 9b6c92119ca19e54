# Two commands a newcomer needs: `make run` and `make test`. Both work on a fresh machine with
# Python 3.11 and Node.js; everything else is installed into .venv and node_modules.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=true

.PHONY: run test test-fast e2e lint format install clean bench loadtest messages

$(VENV)/.stamp-requirements: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.stamp-npm: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.stamp-requirements node_modules/.stamp-npm

# The application with demo data on embedded defaults (SQLite, in-process tasks, console e-mail).
run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_catalog
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The whole test suite. With no DATABASE_URL it runs on SQLite; tests that need Redis or a browser
# skip with a reason unless REQUIRE_SERVICES=1 (set by .ci/run), where they fail instead.
test: install
	$(PY) -m pytest -n 2 --dist loadgroup

test-fast: install
	$(PY) -m pytest -n 2 -m "not e2e"

e2e: install
	$(PY) -m pytest -m e2e

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Page timings at 1,000 and 100,000 applications (tests/perf/bench.py; not part of `make test`): SQLite files
# under .bench/, or PostgreSQL databases <name>_bench_small/_large when DATABASE_URL points there.
bench: install
	$(PY) tests/perf/bench.py

# Capacity on this machine (tests/perf/loadtest.py; not part of `make test`): gunicorn (3 sync workers) on
# PostgreSQL with a Celery worker on Redis, locust for 60 s. DATABASE_URL and REDIS_URL as in the README.
loadtest: install
	$(PY) tests/perf/loadtest.py

clean:
	rm -rf $(VENV) node_modules staticfiles test-artifacts db.sqlite3 private_media

# The translation catalogs (config/messages.py): extract every msgid into locale/{kk,ru}/.../django.po (needs
# gettext's xgettext, for whoever changes the texts), then compile the .mo with polib (no gettext needed).
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l kk -l ru --add-location=file --no-obsolete \
		$(foreach d,.venv node_modules tests staticfiles test-artifacts private_media .bench,--ignore=$(d))
	$(PY) -m config.messages

# Dianova Training — every set-up step for a fresh clone lives here.
# `make run` serves the demo, `make test` runs the whole suite (see README).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_PASSWORD ?= dianova-demo-2026
export DEMO_PASSWORD

# Interface languages other than English (the source), each with locale/<lang>/LC_MESSAGES/django.po.
LOCALES := fr es pt it

.PHONY: run test install static messages translations migrate demo demo-reset lint format bench loadtest backup restore audit clean

$(BIN)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else "Python 3.13+ is needed; see .python-version")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

static: install messages
	DEBUG=true $(BIN)/python manage.py collectstatic --noinput --verbosity 0

# Compile the translations (.po → .mo, not committed); needs GNU gettext's msgfmt.
messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext (or brew install gettext)"; exit 1; }
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0

# Update the .po files from the code and templates; then translate every new or fuzzy entry
# (tests/test_i18n.py fails until every msgstr is filled in). See README, "Translations".
translations: install
	DEBUG=true $(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) \
		--no-obsolete --add-location=file \
		--ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests

migrate: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=true $(BIN)/python manage.py load_demo

# Back to the documented demo (README): erases the database (DATABASE_URL, else the SQLite file),
# migrates and loads the demo again. Asks "yes" first unless NOINPUT=1.
demo-reset: install
	DEBUG=true $(BIN)/python manage.py reset_demo $(if $(NOINPUT),--noinput)

run: static demo
	@echo ""
	@echo "Dianova Training is at http://127.0.0.1:$(PORT)/"
	@echo "Demo logins: learner, trainer, manager, manager-pt, admin — password: $(DEMO_PASSWORD)"
	@echo ""
	DEBUG=true PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: static
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Backups of the database named by DATABASE_URL (SQLite file by default); see README.
# No `install` prerequisite: these run on a deployed app and must never reinstall anything.
backup:
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py backup $(if $(FILE),--output "$(FILE)")

restore:
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/dianova-....pgdump" >&2; exit 2; }
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py restore "$(FILE)"

# Code and dependency audits (also run by .ci/run).
audit: install
	$(BIN)/bandit -q -r courses ambassadors dianova_training -c pyproject.toml -b .bandit-baseline.json
	.ci/pip-audit

clean:
	rm -rf $(VENV) $(LOADTEST_VENV) node_modules staticfiles
	find locale -name '*.mo' -delete

# Load test against gunicorn on loopback (PostgreSQL); writes bench/results.md and .json.
# BENCH_SIZES=S,M,L BENCH_DURATION=10 make bench
bench: static
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)
	pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start
	$(BIN)/python -m bench.run

# The synchronized quiz start with Locust (its own venv); see README, "Load test".
# LEARNERS=1000 make loadtest; LOADTEST_ARGS="--fast" for 3–9 s think times.
LOADTEST_VENV := .venv-loadtest
$(LOADTEST_VENV)/.installed: bench/loadtest-requirements.lock
	test -x $(LOADTEST_VENV)/bin/python || $(PYTHON) -m venv $(LOADTEST_VENV)
	$(LOADTEST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/loadtest-requirements.lock
	touch $@

loadtest: static $(LOADTEST_VENV)/.installed
	command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)
	pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start
	$(BIN)/python -m bench.loadtest $(LOADTEST_ARGS)

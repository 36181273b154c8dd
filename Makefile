# The README's two commands are `make run` and `make test`; everything they need
# is installed here from the lock file into .venv (no root, nothing by hand).
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
PY    := $(BIN)/python
HOST  ?= 127.0.0.1
PORT  ?= 8000
TICK_EVERY ?= 300

.PHONY: run test lint format lock messages makemessages bench clean

$(VENV)/.installed: requirements.lock
	@base=$$(bin/find-python) || exit 1; \
	  echo "Using $$base"; \
	  [ -x $(PY) ] || "$$base" -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

# Translations are compiled with Babel (pure Python), so no gettext is needed.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(BIN)/pybabel compile -D django -d locale -l $*

messages: $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

run: export DEBUG := $(or $(DEBUG),1)
run: $(VENV)/.installed messages
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_petitions
	$(PY) manage.py seed_demo_mediation
	$(PY) manage.py seed_demo_screening
	$(PY) manage.py seed_demo_leadership
	$(PY) manage.py seed_demo_ownership
	$(PY) manage.py seed_demo_campaigns
	$(PY) manage.py seed_demo_supervision
	$(PY) manage.py collectstatic --no-input -v 0
	@$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	@# The background worker (notifications, the periodic commands) and the
	@# schedule (petitions_tick: red clocks, lapsed review windows, every
	@# TICK_EVERY seconds) run beside the server, and stop with it.
	@$(PY) manage.py run_worker -v 0 & worker=$$!; \
	  $(PY) manage.py run_periodic --every $(TICK_EVERY) & tick=$$!; \
	  trap 'kill $$tick $$worker 2>/dev/null; wait $$tick $$worker 2>/dev/null' EXIT; \
	  echo "  The background worker runs (manage.py run_worker), and the periodic tick every $(TICK_EVERY) s (manage.py run_periodic)."; \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: $(VENV)/.installed messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin the dependencies (needs network to PyPI). uv resolves; pip installs.
lock: $(VENV)/.installed
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	  --python-version 3.12 -o requirements.lock

# Needs GNU gettext's xgettext (a developer tool; not needed to run or test).
makemessages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=data --no-obsolete

bench: $(VENV)/.installed
	@ls bench/*.py >/dev/null 2>&1 && for f in bench/*.py; do $(PY) $$f; done || echo "no benchmarks yet"

clean:
	rm -rf $(VENV) data/static

# Tillit: `make run` for a local demo, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets migrate demo staticfiles lock messages check-messages bench clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed assets

# Third-party browser assets come from the npm registry (package-lock.json) and are copied
# into static/vendor; they are never committed.
static/vendor/.copied: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/axe-core/axe.min.js static/vendor/axe.min.js
	mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
		node_modules/swagger-ui-dist/LICENSE static/vendor/swagger-ui/
	touch $@

assets: static/vendor/.copied

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The demo is served as users see it: DEBUG off (Swedish error pages, no debug internals), the
# static files collected for WhiteNoise, and a secret key of this checkout's own, made once and
# kept out of git. TILLIT_DEBUG=1 make run gives the development mode instead.
SECRET_KEY_FILE ?= .tillit-secret-key

$(SECRET_KEY_FILE):
	@umask 077; $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

staticfiles: install
	$(PY) manage.py collectstatic --noinput -v0

# The task worker (imports, exports, documents: docs/decisions.md) runs in the background
# beside the development server and is stopped with it.
run: demo staticfiles $(SECRET_KEY_FILE)
	@echo "Serving Tillit on http://$(HOST):$(PORT)/ (stop with Ctrl-C)"
	@export TILLIT_DEBUG=$${TILLIT_DEBUG:-0} TILLIT_SECRET_KEY_FILE=$${TILLIT_SECRET_KEY_FILE:-$(SECRET_KEY_FILE)} \
		TILLIT_SINGLE_PROCESS=1; \
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Two workers: the suite (browser walks, schemathesis, tenancy walks) runs in about half the
# time on a 2-core machine; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py

lock:
	$(PY) -m pip install -r requirements.in && $(PY) -m pip freeze > requirements.lock

messages: install
	$(PY) manage.py makemessages -l sv -l en --no-location --no-obsolete --ignore=.venv --ignore=node_modules --ignore=static --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles

# eISO — two commands: `make demo` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PG_URL ?= postgres://postgres@127.0.0.1:5432/eiso_test

.PHONY: demo test install install-dev system-deps lint test-sqlite test-postgres messages clean serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

## demo: set up everything and run the system on SQLite at http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/eiso demo

## test: lint, then the whole suite on SQLite and (when reachable) on PostgreSQL, browser journeys included
test: $(DEV_STAMP) system-deps lint test-sqlite test-postgres

# Debian packages the browser journeys and document tests need, installed when missing and we are root.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-liberation2 >/dev/null 2>&1 || missing="$$missing fonts-liberation2"; \
	dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0"; \
	dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing="$$missing libpangoft2-1.0-0"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing:$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing (install them as root; browser journeys need chromium, the DOCX checks LibreOffice)"; exit 1; \
	  fi; \
	fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: $(DEV_STAMP)
	DATABASE_URL= $(BIN)/pytest -q

test-postgres: $(DEV_STAMP)
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if $(BIN)/python scripts/db_reachable.py "$$url"; then \
	  echo "== PostgreSQL: $$url"; DATABASE_URL="$$url" $(BIN)/pytest -q; \
	else \
	  echo "== PostgreSQL not reachable at $$url: skipping the PostgreSQL run"; \
	  if [ "$${CI:-}" = "true" ] && [ "$${EISO_REQUIRE_POSTGRES:-1}" = "1" ]; then echo "CI requires PostgreSQL"; exit 1; fi; \
	fi

## messages: refresh and compile the translation catalogues
messages: $(DEV_STAMP)
	cd src/eiso && ../../$(BIN)/eiso makemessages -l en -l vi --no-obsolete && ../../$(BIN)/eiso compilemessages

serve: $(STAMP)
	$(BIN)/eiso serve

clean:
	rm -rf $(VENV) var/*.sqlite3* build *.egg-info src/*.egg-info

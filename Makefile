# Dargah — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FRONTEND := src/dargah/web/frontend
ASSETS_STAMP := src/dargah/web/static/vendor/.built-stamp

.PHONY: demo test lint typecheck pytest install assets bench bench-query clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Fonts and front-end packages come from npm at build time; nothing third-party is committed.
$(ASSETS_STAMP): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json $(FRONTEND)/.npmrc $(FRONTEND)/build.mjs
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error && node build.mjs
	touch $(ASSETS_STAMP)

assets: $(ASSETS_STAMP)

demo: install assets
	$(BIN)/dargah demo run

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

pytest: install assets
	$(BIN)/pytest

test: lint typecheck pytest

# Benchmarks are not part of `make test`: ROWS and DATABASE (an existing, empty
# PostgreSQL database, or nothing for a fresh SQLite file) choose what is measured.
ROWS ?= 1000000
REPEAT ?= 3
bench: install
	$(BIN)/python benchmarks/ingest.py --rows $(ROWS) --repeat $(REPEAT) $(if $(DATABASE),--database $(DATABASE))

# The query API against the database and a bare endpoint (pivot and lookups).
bench-query: install
	$(BIN)/python benchmarks/query.py --rows $(ROWS) $(if $(DATABASE),--database $(DATABASE))

clean:
	rm -rf $(VENV) var $(FRONTEND)/node_modules src/dargah/web/static/vendor

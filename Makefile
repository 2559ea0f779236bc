# ATC Graph: every target sets up what it needs on a fresh machine (Debian, Python 3.11, Node.js/npm).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
ADDRPORT ?= 127.0.0.1:8000

.PHONY: install system-deps java vendor cypher-lint-deps run dev seed test test-neo4j lint admin-user bench-api \
	bench-pages bench-citations bench-ingest bench-both bench-load fuzz

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

install: $(INSTALLED)

# Browser libraries (Cytoscape.js + fcose) from npm, copied into static/vendor/ (git-ignored).
VENDORED := static/vendor/.installed-$(shell cat package-lock.json | cksum | cut -d' ' -f1)

$(VENDORED): package.json package-lock.json scripts/vendor.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent vendor
	rm -f static/vendor/.installed-* && touch $@

vendor: $(VENDORED)

# Headless Chromium for the browser tests, and curl for the API guide's examples, from Debian's packages.
system-deps:
	@{ command -v chromium && command -v curl; } >/dev/null 2>&1 || { \
	  echo "Installing chromium and curl from Debian's packages …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver curl >/dev/null; }

# Java 17 for the real Neo4j of `make test-neo4j`, from Debian's packages.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Java 17 from Debian's packages …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

# Neo4j's own Cypher linter (npm), used by the test that lints every query of the project.
CYPHER_LINT := tools/cypher-lint/node_modules/.installed
$(CYPHER_LINT): tools/cypher-lint/package-lock.json
	cd tools/cypher-lint && npm ci --no-audit --no-fund --silent
	touch $@

cypher-lint-deps: $(CYPHER_LINT)

# The one-machine install: gunicorn, DEBUG off, static files from the app, the graph server kept running.
run: install vendor
	$(PY) manage.py serve $(ADDRPORT)

# Development: runserver with DEBUG and autoreload, the graph server started too.
dev: install vendor
	$(PY) manage.py migrate --noinput
	$(PY) manage.py dev $(ADDRPORT)

seed: install
	$(PY) manage.py setup_graph && $(PY) manage.py load_seed

admin-user: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py create_groups
	$(PY) manage.py createsuperuser

test: install system-deps vendor cypher-lint-deps
	$(PY) -m pytest

# The same suite against a throwaway real Neo4j 5.26 that the tests start with the launcher in ../shared/neo4j
# (NEO4J_SCHEME=bolt connects directly instead of through the routing neo4j:// URL).
NEO4J_TEST_SERVER ?= ../shared/neo4j/neo4j-test-server
NEO4J_SCHEME ?= neo4j
# Neo4j authenticates each new connection at some cost: a burst of 160 clients on two shared cores needs more than
# the default 1 s to open its connections. Tests marked no_graph never reach the session's server (the Cypher
# linter, the docs, the embedded server's own supervision), so `make test` has already run them: not again here.
test-neo4j: install system-deps java vendor cypher-lint-deps
	GRAPH_CONNECTION_TIMEOUT=5 NEO4J_TEST_SERVER=$(NEO4J_TEST_SERVER) NEO4J_TEST_SCHEME=$(NEO4J_SCHEME) \
	  $(PY) -m pytest -m "not no_graph"

# The tools CI enforces (configured in pyproject.toml): lint rules, formatting, types with Django's and DRF's
# stubs, and the templates.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy orgs atc_graph
	$(VENV)/bin/djlint templates --lint

# Benchmarks on the synthetic graph of benchmarks/synthetic.py (SCALE=1 is 100k organizations, 500k ties):
# the API against the raw Cypher and the bulk import; the pages' graph reads against their targets.
SCALE ?= 0.1
bench-api: install
	$(PY) benchmarks/api.py --scale $(SCALE)

bench-pages: install
	$(PY) benchmarks/pages.py --scale $(SCALE)

# The bulk import with 1.0 against 1.6 citations per relationship, side by side (issue 13: within 1.2x).
bench-citations: install
	$(PY) benchmarks/import_citations.py --scale $(SCALE)

# Adding a source (issue 14): how well the seed's two sources are read, and the speed at size (SCALE=1: 100k orgs).
bench-ingest: install
	$(PY) benchmarks/ingest_quality.py
	$(PY) benchmarks/ingest_speed.py --scale $(SCALE)

# Fuzzing (schemathesis): CASES generated calls per API operation, anonymous and as an editor, against a live
# server with the seed graph; prints cases, server errors and schema violations per operation.
CASES ?= 1000
fuzz: install
	$(PY) benchmarks/fuzz.py --cases $(CASES)

# make run (gunicorn) against make dev (runserver): 2,000 requests from 20 clients each, 20,000 organizations.
bench-load: install vendor
	$(PY) benchmarks/load.py

# Both benchmarks on the embedded server and on a real Neo4j at the same scale, side by side.
bench-both: install java
	$(PY) benchmarks/compare.py --scale $(SCALE) --neo4j-server $(NEO4J_TEST_SERVER)

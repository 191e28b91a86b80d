# The ClickUp extension for Airbyte users. `make demo` runs the whole pipeline on embedded
# defaults; `make test` runs the tests. Both install what they need into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONDONTWRITEBYTECODE := 1

INSTALL_STAMP := $(VENV)/.installed
INSTALL_INPUTS := requirements-dev.txt meltano.yml tap-clickup-extended/pyproject.toml \
	target-extras/pyproject.toml webhook-receiver/pyproject.toml clickup-sandbox/pyproject.toml

.PHONY: help install demo run test test-fast lint dist format psql db-start db-stop clean webhooks bench bench-publish \
	new-stream generate airflow

help:
	@echo "make demo      run the whole pipeline on the embedded PostgreSQL and the ClickUp sandbox"
	@echo "make test      run every test (installs what it needs)"
	@echo "make run       run the pipeline against ClickUp (CLICKUP_API_TOKEN) and DATABASE_URL or the embedded database"
	@echo "make bench     the benchmarks (BENCH_SIZE=small|medium|large, BENCH_SECTIONS=a,b): bench/results/latest.*"
	@echo "make airflow   install Airflow (once), create its database, list the DAGs built from the schedules"
	@echo "make webhooks  the signed ClickUp webhook receiver, webhook-receiver/ (DATABASE_URL or the embedded database)"
	@echo "make psql      open psql on the embedded database"
	@echo "make db-stop   stop the embedded database"
	@echo "make lint      ruff, mypy and sqlfluff (what CI and pre-commit run)"
	@echo "make dist      build the packages' wheels and sdists into dist/"
	@echo "make new-stream NAME=goals PATH=/team/{team_id}/goal [KEY=id RECORDS_KEY=goals PARENT=workspaces]"
	@echo "               scaffold a stream: tap, sandbox endpoint, dbt staging (CONTRIBUTING.md)"
	@echo "make generate  write the staging macro, staging YAML and contracts table from the tap's field declarations"

install: $(INSTALL_STAMP)

$(INSTALL_STAMP): $(INSTALL_INPUTS)
	@echo "== installing into $(VENV) (our packages editable, Meltano and its plugins)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	# every plugin but the lazily installed ones (Airflow: `make airflow`), see orchestrate/plugins.py
	$(BIN)/meltano install $$($(BIN)/python -m orchestrate.plugins)
	touch $@

demo: install
	$(BIN)/python -m orchestrate.demo

run: install
	$(BIN)/python -m orchestrate.run

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not e2e"

# Code health, as in CI and pre-commit: ruff (lint + format), mypy on both packages (settings
# in pyproject.toml), sqlfluff on the dbt project (transform/.sqlfluff; it compiles the project,
# so it uses DATABASE_URL or starts the embedded PostgreSQL).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m orchestrate.lint_sql lint

# Every package as wheels (and sdists) in dist/.
dist: install
	rm -rf dist
	$(BIN)/python -m build --outdir dist tap-clickup-extended
	$(BIN)/python -m build --outdir dist target-extras
	$(BIN)/python -m build --outdir dist webhook-receiver
	$(BIN)/python -m build --outdir dist clickup-sandbox

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The benchmarks (bench/, bench/README.md): every section at BENCH_SIZE (small | medium |
# large; default medium, under 10 minutes), or only BENCH_SECTIONS (comma list). Prints tables,
# writes bench/results/latest.json (schema: bench/results.schema.json) and latest.png; exits 1
# when a section is missing or fails. bench-publish: a medium run into the README.
bench: install
	$(BIN)/python -m bench

bench-publish: install
	$(BIN)/python -m bench --size medium --publish

# Airflow is not part of `make install` (it is large): installed here on first use.
airflow: install
	$(BIN)/meltano install airflow
	$(BIN)/meltano invoke airflow:initdb
	$(BIN)/meltano invoke airflow dags list

# The webhook receiver (webhook-receiver/, docs/webhooks.md) on WEBHOOKS_HOST:WEBHOOKS_PORT.
webhooks: install
	DATABASE_URL=$${DATABASE_URL:-$$($(BIN)/python -m orchestrate.embedded_postgres url)} \
		$(BIN)/clickup-webhooks serve --host $${WEBHOOKS_HOST:-127.0.0.1} --port $${WEBHOOKS_PORT:-8080}

# `PATH=...` on make's command line replaces the recipe's PATH: the recipe uses absolute paths
# only, and hands the value to the scaffold as the API path.
new-stream:
	@test -n "$(NAME)" || { echo "new-stream: error: give NAME=<stream> PATH=/team/{team_id}/<endpoint>" >&2; exit 1; }
	@test -x $(BIN)/python || { echo "new-stream: error: run make install first" >&2; exit 1; }
	@$(BIN)/python -m tools.scaffold --name '$(NAME)' --path '$(PATH)' --key '$(or $(KEY),id)' \
		$(if $(RECORDS_KEY),--records-key '$(RECORDS_KEY)') $(if $(PARENT),--parent '$(PARENT)')

# The files generated from tap_clickup_extended/fields (tools/generate_fields.py); the test
# tests/packaging/test_generated_files.py fails when one is stale.
generate:
	@test -x $(BIN)/python || { echo "generate: error: run make install first" >&2; exit 1; }
	@$(BIN)/python -m tools.generate_fields

psql: install
	@$(BIN)/python -m orchestrate.embedded_postgres psql

db-start: install
	$(BIN)/python -m orchestrate.embedded_postgres start

db-stop:
	@test -x $(BIN)/python && $(BIN)/python -m orchestrate.embedded_postgres stop || true

clean: db-stop
	rm -rf $(VENV) .meltano .pgdata transform/target transform/logs

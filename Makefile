# Two commands set everything up on a fresh machine with Python 3.11:
#   make demo   install, load the Townsend demo, build, export, print the audience
#   make test   install, build every model with all data and unit tests, lint, pytest
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

OUT ?= out
# `make test` builds its own warehouse from scratch, away from the one `make demo` fills.
TEST_WAREHOUSE := warehouse/test.duckdb

.PHONY: help install demo build export test test-build lint pytest docs clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

install: $(INSTALLED)  ## create .venv and install the pinned requirements
	@mkdir -p warehouse target

demo: install  ## load the demo, build everything, export the upsell audience and show it
	$(BIN)/dbt build --full-refresh
	$(BIN)/python scripts/export_audience.py --segment seg_new_product_upsell --format marketo-csv --out $(OUT)

build: install  ## dbt build on the raw data already in the warehouse (no demo seeds)
	$(BIN)/dbt build --exclude tag:demo

export: install  ## write the upsell audience's Marketo import file to $(OUT)/
	$(BIN)/python scripts/export_audience.py --segment seg_new_product_upsell --format marketo-csv --out $(OUT)

test: install test-build lint pytest  ## everything the project checks

test-build: install  ## fresh warehouse: seed the demo, build all models, run data and unit tests
	rm -f $(TEST_WAREHOUSE) $(TEST_WAREHOUSE).wal
	CDP_DUCKDB_PATH=$(TEST_WAREHOUSE) $(BIN)/dbt build --full-refresh
	CDP_DUCKDB_PATH=$(TEST_WAREHOUSE) $(BIN)/dbt parse --show-all-deprecations --no-partial-parse | tee target/parse.log
	! grep -qi "deprecat" target/parse.log

# The dbt templater compiles each model against the warehouse (staging reads the raw tables' columns), so lint
# runs on the warehouse test-build made. A model sqlfluff could not compile is a failure, not a skip.
lint: install  ## sqlfluff lint of models and macros
	CDP_DUCKDB_PATH=$(TEST_WAREHOUSE) $(BIN)/sqlfluff lint models macros 2>&1 | tee target/lint.log
	! grep -E "Skipped file .* (fatal|error)" target/lint.log

pytest: install  ## Python tests: loader, export, end to end on fresh temporary warehouses
	$(BIN)/pytest

docs: install  ## generate the dbt docs site into target/
	$(BIN)/dbt docs generate

clean:  ## remove build output (keeps .venv and the demo warehouse)
	rm -rf target logs $(OUT) $(TEST_WAREHOUSE)

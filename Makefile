# Two commands set everything up on a fresh machine with Python 3.11:
#   make demo   install, load the Townsend demo, build, export, print the audience
#   make test   install, build every model with all data and unit tests, lint, pytest
# and, on Apache Spark (local, inside the dbt process; Java 17):
#   make test-spark   install the Spark extras, build and test the demo on Spark, compare with a DuckDB build
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
# Generated from the segment declarations (see the target segments below).
SEGMENT_REGISTRY := macros/segments/segment_registry.sql

SPARK_INSTALLED := $(VENV)/.installed-spark
# Both builds export their public models here (Parquet), to be compared row by row.
COMPARE := $(CURDIR)/target/compare

.PHONY: help install install-spark spark-up spark-down demo demo-sync build export report report-screenshot run bench test test-build conventions lint pytest test-fast test-spark raw-contract-macro segments train-matching matching-quality docs clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# The project itself (pyproject.toml: packages cdp and cdp_dev, the cdp-* commands) goes in editable, after the pins
# and without downloading anything more (its build backend, setuptools, is one of the pins).
$(INSTALLED): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

install: $(INSTALLED)  ## create .venv, install the pinned requirements and the project (editable)
	@mkdir -p warehouse target

$(SPARK_INSTALLED): requirements-spark.txt $(INSTALLED)
	$(BIN)/python -m pip install --quiet -r requirements-spark.txt
	@touch $@

install-spark: install $(SPARK_INSTALLED)  ## install the Spark extras (dbt-spark, pyspark) into .venv

# A local Spark cluster as a service (README "Running on a distributed engine"): master, two workers, Thrift server,
# Derby metastore, under warehouse/spark-cluster/; every port on 127.0.0.1.
spark-up: install-spark  ## start the local Spark cluster and wait until its Thrift server answers (idempotent)
	$(BIN)/python scripts/spark_cluster.py up

spark-down: install-spark  ## stop the local Spark cluster (idempotent)
	$(BIN)/python scripts/spark_cluster.py down

demo: install $(SEGMENT_REGISTRY)  ## load the demo, build everything, export the upsell audience and show it, write the report
	$(BIN)/dbt build --full-refresh
	$(BIN)/python scripts/export_audience.py --segment seg_new_product_upsell --format marketo-csv --out $(OUT)
	@echo; echo "Townsend is one account: the MDM maps two of its records, the matching model the third"
	$(BIN)/python scripts/explain.py --account Townsend
	$(BIN)/python scripts/report.py --out $(OUT)

demo-sync: demo  ## sync the upsell audience to a fake Marketo on localhost, incrementally: p2 added (and a campaign requested), later removed
	$(BIN)/python scripts/demo_sync.py

build: install $(SEGMENT_REGISTRY)  ## dbt build on the raw data already in the warehouse (no demo seeds)
	$(BIN)/dbt build --exclude tag:demo

# One pipeline cycle every $(EVERY) on the files dropped into $(DROP)/ (raw layout); see README "Scheduled runs".
DROP ?= drop
EVERY ?= 5m
run: install  ## a pipeline cycle every EVERY=5m: load new files from DROP=drop/, build, activate what changed
	@mkdir -p $(DROP)
	$(BIN)/python scripts/run_pipeline.py --drop $(DROP) --every $(EVERY) --out $(OUT)

BENCH_ACCOUNTS ?= 100000
bench: install  ## benchmark at BENCH_ACCOUNTS=100000 (data cached in warehouse/bench/); README "Performance"
	$(BIN)/python scripts/bench.py --accounts $(BENCH_ACCOUNTS)

export: install  ## write the upsell audience's Marketo import file to $(OUT)/
	$(BIN)/python scripts/export_audience.py --segment seg_new_product_upsell --format marketo-csv --out $(OUT)

report: install  ## write the audience report, one page that needs no network, to $(OUT)/report.html
	$(BIN)/python scripts/report.py --out $(OUT)

# The README's picture of the report: its first screen on the demo, in Debian's headless Chromium (a throwaway
# profile; no network needed: the page inlines everything).
CHROMIUM ?= /usr/bin/chromium
report-screenshot: demo  ## regenerate docs/report.png, the report's first screen on the demo (1200 x 900)
	@mkdir -p docs target
	profile=$$(mktemp -d); trap 'rm -rf "$$profile"' EXIT; \
	$(CHROMIUM) --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$$profile" \
		--window-size=1200,900 --screenshot=$(CURDIR)/docs/report.png "file://$(abspath $(OUT))/report.html" \
		> target/report-screenshot.log 2>&1 || { cat target/report-screenshot.log; exit 1; }
	@echo "screenshot: docs/report.png ($$(stat -c %s docs/report.png) bytes)"

test: install test-build conventions lint pytest  ## everything the project checks

test-build: install  ## fresh warehouse: seed the demo, build all models, run data and unit tests
	$(BIN)/python -m cdp.cli.segments --check
	$(BIN)/python -m cdp_dev.matching.compile --check
	rm -f $(TEST_WAREHOUSE) $(TEST_WAREHOUSE).wal
	CDP_DUCKDB_PATH=$(TEST_WAREHOUSE) $(BIN)/dbt build --full-refresh
	CDP_DUCKDB_PATH=$(TEST_WAREHOUSE) $(BIN)/dbt compile --select "resource_type:analysis"
	CDP_DUCKDB_PATH=$(TEST_WAREHOUSE) $(BIN)/dbt source freshness
	CDP_DUCKDB_PATH=$(TEST_WAREHOUSE) $(BIN)/dbt parse --show-all-deprecations --no-partial-parse | tee target/parse.log
	! grep -qi "deprecat" target/parse.log

# Reads the manifest the parse above wrote (DECISIONLOG.md, "Layer conventions checked on the manifest").
conventions: install  ## check the dbt layer conventions on target/manifest.json
	$(BIN)/python -m cdp_dev.conventions target/manifest.json

# The dbt templater compiles each model against the warehouse (staging reads the raw tables' columns), so lint
# runs on the warehouse test-build made. A model sqlfluff could not compile is a failure, not a skip.
lint: install  ## sqlfluff lint of models, macros and analyses
	CDP_DUCKDB_PATH=$(TEST_WAREHOUSE) $(BIN)/sqlfluff lint models macros analyses 2>&1 | tee target/lint.log
	! grep -E "Skipped file .* (fatal|error)" target/lint.log

pytest: install  ## Python tests: loader, export, end to end on fresh temporary warehouses
	$(BIN)/pytest -n 2 --dist loadfile -m "not spark"

# The tests not marked dbt (pytest.ini): no dbt build, no dbt run; for the edit-test loop. Two workers (pytest-xdist),
# one test file each at a time, so a file's fixtures are built once.
test-fast: install  ## Python tests that need no dbt build, under a minute
	$(BIN)/pytest -m "not dbt and not spark" -n 2 --dist loadfile

# Spark's catalog lives in memory for one dbt command: seeds, models and tests run in one `dbt build`. Both builds
# shift the demo to the same day and evaluate as of its start, so they compare like with like.
test-spark: install-spark  ## the demo on Spark: build, data and unit tests, then the same rows as on DuckDB
	rm -rf $(COMPARE) warehouse/spark warehouse/spark-reference.duckdb
	mkdir -p $(COMPARE)/duckdb $(COMPARE)/spark
	today=$$(date -u +%F); \
	CDP_DUCKDB_PATH=warehouse/spark-reference.duckdb $(BIN)/dbt build --full-refresh \
		--exclude-resource-type test --exclude-resource-type unit_test --target-path target/duckdb-reference \
		--vars "{compare_export_dir: '$(COMPARE)/duckdb', demo_today: '$$today', as_of: '$$today'}"; \
	SPARK_CONF_DIR=spark CDP_TARGET=spark CDP_SPARK_WAREHOUSE_DIR=warehouse/spark $(BIN)/dbt build \
		--target-path target/spark --vars "{compare_export_dir: '$(COMPARE)/spark', demo_today: '$$today', as_of: '$$today'}"
	$(BIN)/python scripts/compare_engines.py $(COMPARE)/duckdb $(COMPARE)/spark --names duckdb spark
	$(BIN)/pytest -m spark

# dbt compiles unit tests without the project's graph: their raw-table fixtures read the contract from a macro
# generated from the source ymls (a build stops when it is out of date).
# A segment is one file (models/segments/seg_*.sql, macro segment); the models that cover every segment read a
# registry generated from the declarations, regenerated before a build when a segment file is newer.
$(SEGMENT_REGISTRY): $(wildcard models/segments/seg_*.sql) | $(INSTALLED)
	$(BIN)/python -m cdp.cli.segments
	@touch $@

segments: install  ## regenerate the segment registry and the segments' yml from models/segments/seg_*.sql
	$(BIN)/python -m cdp.cli.segments
	@touch $(SEGMENT_REGISTRY)

# The matching models (README "Account matching"): Splink trains them on a generated set (or WAREHOUSE=path), writes
# matching/*_match_model.json, compiles macros/matching/*_match_model.sql and draws docs/matching_weights.png.
train-matching: install  ## train the account and lead-to-account matching models with Splink (artefacts, macros, chart)
	$(BIN)/python scripts/train_matching.py $(if $(WAREHOUSE),--warehouse $(WAREHOUSE))

# Precision and recall of account matching where the MDM is silent, against the truth the generator plants, on a
# generated set in a warehouse of its own (README "Account matching").
MATCHING_ACCOUNTS ?= 5000
MATCHING_DIR := warehouse/matching
matching-quality: install $(SEGMENT_REGISTRY)  ## account matching precision and recall on generated data (MATCHING_ACCOUNTS=5000)
	rm -rf $(MATCHING_DIR) && mkdir -p $(MATCHING_DIR)
	$(BIN)/python scripts/generate_data.py --accounts $(MATCHING_ACCOUNTS) --seed 1 --out $(MATCHING_DIR)/data \
		--truth $(MATCHING_DIR)/truth.csv
	CDP_DUCKDB_PATH=$(MATCHING_DIR)/cdp.duckdb $(BIN)/python scripts/load_raw.py $(MATCHING_DIR)/data
	CDP_DUCKDB_PATH=$(MATCHING_DIR)/cdp.duckdb $(BIN)/dbt build --exclude tag:demo --exclude-resource-type unit_test \
		--target-path $(MATCHING_DIR)/target
	CDP_DUCKDB_PATH=$(MATCHING_DIR)/cdp.duckdb $(BIN)/python scripts/matching_quality.py --truth $(MATCHING_DIR)/truth.csv

raw-contract-macro: install  ## regenerate macros/staging/raw_contract_columns.sql after editing a _<source>__sources.yml
	$(BIN)/python -m cdp.cli.raw_contract_macro

# The docs of the warehouse `make demo` (or `make build`) filled, as one page with the manifest and the catalog inside
# that opens from disk with no network (cdp_dev/docs_site.py; tests/test_docs.py opens it in headless Chromium).
docs: install $(SEGMENT_REGISTRY)  ## the dbt docs site as one page that needs no network; prints its path
	$(BIN)/dbt docs generate --static
	$(BIN)/python -m cdp_dev.docs_site target

clean:  ## remove build output (keeps .venv and the demo warehouse)
	rm -rf target logs $(OUT) $(TEST_WAREHOUSE) warehouse/spark warehouse/spark-reference.duckdb

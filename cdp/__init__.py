"""The product's Python: loading raw files, running the dbt project on a schedule, explaining and activating
segments.

* warehouse: the warehouse, the raw data contract, the loader, dbt;
* activation: audiences sent to destinations (Marketo, files) with a sync log;
* pipeline: one scheduled cycle (load, build, activate); explain: why a person is in a segment or not;
* cli: the command lines (scripts/*.py and the cdp-* commands run them); logs, text_table: what every command shares.

Development tooling (the data generator, the benchmark, the engine comparison, a fake Marketo) is the package
cdp_dev, which may import cdp; nothing in cdp imports cdp_dev.
"""

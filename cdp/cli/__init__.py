"""The product's command lines, one module per command: ``build_parser()`` and ``main(argv=None) -> int`` (the exit
status). scripts/<command>.py and the console commands of pyproject.toml (cdp-<command>) run the same main()."""

from cdp.warehouse.connection import DEFAULT_PATH

# The --warehouse option of every command that reads or writes the warehouse.
WAREHOUSE_HELP = (f"DuckDB warehouse file; a relative path is taken from the project root (default: $CDP_DUCKDB_PATH, "
                  f"else {DEFAULT_PATH}). With CDP_TARGET=spark_cluster the command works on the Spark Thrift server "
                  "instead (CDP_SPARK_HOST, CDP_SPARK_THRIFT_PORT)")

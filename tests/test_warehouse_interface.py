"""The warehouse interface (cdp.warehouse.connection.Warehouse): the DuckDB implementation on a temporary file, and
the parts of the Spark one that need no server: how parameters become literals, how types are named, which target
reaches which engine. The Spark implementation against a running server is tested in tests/test_spark_deployment.py.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from decimal import Decimal

import pytest

from cdp.warehouse.connection import QueryError, TableColumn, WarehouseError, connect, engine
from cdp.warehouse.spark_warehouse import duckdb_type, literal, render, spark_type

COLUMNS = (TableColumn("id", "VARCHAR", not_null=True), TableColumn("n", "BIGINT"),
           TableColumn("at", "TIMESTAMP"), TableColumn("tags", "VARCHAR[]"))


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("CDP_TARGET", raising=False)
    with connect(tmp_path / "w.duckdb") as con:
        con.create_schema("state")
        con.create_table("state.t", COLUMNS, key="id")
        yield con


def test_duckdb_creates_inserts_updates_and_reads_back_python_values(warehouse):
    at = datetime(2026, 12, 6, 23, 1, 2, 345678)
    warehouse.insert_rows("state.t", ["id", "n", "at", "tags"],
                          [("a'b", 1, at, ["x", "y"]), ("c", None, None, [])])
    warehouse.update("state.t", {"n": 5}, "id = ?", ["c"])
    assert warehouse.fetchall("select id, n, \"at\", tags from state.t order by id") == \
        [("a'b", 1, at, ["x", "y"]), ("c", 5, None, [])]
    assert warehouse.tables("state") == ["t"] and warehouse.tables("nowhere") == []
    assert warehouse.columns("state", "t") == {"id": "VARCHAR", "n": "BIGINT", "at": "TIMESTAMP",
                                               "tags": "VARCHAR[]"}


def test_duckdb_create_table_adds_the_columns_an_older_table_lacks(warehouse):
    warehouse.insert_rows("state.t", ["id"], [("a",)])
    warehouse.create_table("state.t", (*COLUMNS, TableColumn("later", "BIGINT")), key="id")
    assert list(warehouse.columns("state", "t")) == ["id", "n", "at", "tags", "later"]
    assert warehouse.fetchall("select id, later from state.t") == [("a", None)]


def test_duckdb_transaction_rolls_back_every_statement_of_a_failed_block(warehouse):
    with pytest.raises(QueryError, match="nope"):
        with warehouse.transaction():
            warehouse.insert_rows("state.t", ["id"], [("a",)])
            warehouse.execute("select * from state.nope")
    assert warehouse.fetchall("select count(*) from state.t") == [(0,)]


def test_a_primary_key_is_kept_on_duckdb(warehouse):
    warehouse.insert_rows("state.t", ["id"], [("a",)])
    with pytest.raises(QueryError, match="(?i)duplicate key"):
        warehouse.insert_rows("state.t", ["id"], [("a",)])


@pytest.mark.parametrize(("value", "expected"), [
    (None, "null"), (True, "true"), (7, "7"), (1.5, "1.5D"), (Decimal("12.30"), "12.30BD"),
    ("it's", "'it\\'s'"), ("a\\b", "'a\\\\b'"),
    (datetime(2026, 1, 2, 3, 4, 5, 6), "timestamp'2026-01-02 03:04:05.000006'"), (date(2026, 1, 2), "date'2026-01-02'"),
    (["a", None], "array('a', null)"),
])
def test_spark_literals_are_escaped_for_sparks_parser(value, expected):
    assert literal(value) == expected


def test_spark_parameters_are_written_in_outside_strings_names_and_comments():
    sql = "select '?', `a?`, x -- why?\nfrom t where a = ? and b = ?"
    assert render(sql, ["o'k", 2]) == "select '?', `a?`, x -- why?\nfrom t where a = 'o\\'k' and b = 2"
    assert render("select $a, $a, '$a'", {"a": 1}) == "select 1, 1, '$a'"


@pytest.mark.parametrize(("sql", "parameters", "problem"), [
    ("select ?", [1, 2], "2 parameters for 1"),
    ("select ?, ?", [1], "fewer parameters"),
    ("select $b", {"a": 1}, r"\$b"),
])
def test_spark_parameters_that_do_not_fit_the_statement_are_refused(sql, parameters, problem):
    with pytest.raises(QueryError, match=problem):
        render(sql, parameters)


@pytest.mark.parametrize(("duckdb", "spark"), [
    ("VARCHAR", "string"), ("BIGINT", "bigint"), ("TIMESTAMP", "timestamp"), ("VARCHAR[]", "array<string>"),
    ("DECIMAL(18,2)", "decimal(18,2)"), ("BOOLEAN", "boolean"), ("DATE", "date"), ("DOUBLE", "double"),
])
def test_types_are_named_the_same_way_on_both_engines(duckdb, spark):
    assert spark_type(duckdb) == spark and duckdb_type(spark) == duckdb


def test_the_target_chooses_the_engine(monkeypatch):
    monkeypatch.delenv("CDP_TARGET", raising=False)
    assert engine() == "duckdb"
    monkeypatch.setenv("CDP_TARGET", "spark_cluster")
    assert engine() == "spark"
    monkeypatch.setenv("CDP_TARGET", "spark")  # the in-process Spark keeps nothing between commands
    with pytest.raises(WarehouseError, match="make spark-up"):
        engine()
    monkeypatch.setenv("CDP_TARGET", "snowflake")
    with pytest.raises(WarehouseError, match="CDP_TARGET=snowflake.*dev, spark_cluster"):
        connect()


def test_spark_without_its_extras_says_how_to_install_them(monkeypatch):
    monkeypatch.setenv("CDP_TARGET", "spark_cluster")
    monkeypatch.setitem(sys.modules, "pyhive", None)  # as if requirements-spark.txt were not installed
    with pytest.raises(WarehouseError, match="make install-spark"):
        connect()


@pytest.mark.spark  # needs the Spark extras (PyHive): make test-spark
def test_an_unreachable_spark_server_says_how_to_start_one(monkeypatch):
    from conftest import free_port

    monkeypatch.setenv("CDP_TARGET", "spark_cluster")
    monkeypatch.setenv("CDP_SPARK_THRIFT_PORT", str(free_port()))
    with pytest.raises(WarehouseError, match="cannot reach the Spark Thrift server at 127.0.0.1:.*make spark-up"):
        connect()

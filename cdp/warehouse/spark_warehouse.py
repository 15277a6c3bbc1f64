"""The warehouse on Spark: a Spark Thrift server (target ``spark_cluster`` of profiles.yml; the local one of
``make spark-up``, or any other), reached through PyHive, as dbt-spark's thrift method reaches it.

The server is $CDP_SPARK_HOST (127.0.0.1) : $CDP_SPARK_THRIFT_PORT (10000), user $CDP_SPARK_USER (cdp), as in
profiles.yml. A Thrift server binds no parameters, so ``?`` and ``$name`` parameters are written into the statement
as literals here, escaped (``literal``), and nowhere else. Spark tables take no UPDATE: ``update`` rewrites the
(small) table the commands keep their state in. Values come back as DuckDB gives them: a date as a date, an array
as a list.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cdp.warehouse.connection import Parameters, QueryError, TableColumn, Warehouse, WarehouseError

# PyHive logs every statement at INFO, and thrift a refused connection at ERROR: the commands' own messages say
# what they do and what failed.
logging.getLogger("pyhive").setLevel(logging.WARNING)
logging.getLogger("thrift.transport.TSocket").setLevel(logging.CRITICAL)
# Rows per INSERT statement: a statement is text, sent whole to the server.
INSERT_CHUNK = 500
# Spark's column types as DuckDB writes them (what Warehouse.columns returns), and back.
SPARK_TO_DUCKDB = {
    "string": "VARCHAR", "bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT",
    "double": "DOUBLE", "float": "FLOAT", "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP",
    "timestamp_ntz": "TIMESTAMP", "binary": "BLOB", "void": "VARCHAR",
}
DUCKDB_TO_SPARK = {"VARCHAR": "string", "INTEGER": "int", "BLOB": "binary", "TIMESTAMP WITH TIME ZONE": "timestamp"}
# Parameters and the text they must not be looked for in: string literals, quoted names, comments.
_TOKENS = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|--[^\n]*|/\*.*?\*/|\?|\$([A-Za-z_]\w*)""",
                     re.DOTALL)


def server_address() -> tuple[str, int]:
    """(host, port) of the Thrift server, from the variables profiles.yml reads."""
    return os.environ.get("CDP_SPARK_HOST", "127.0.0.1"), int(os.environ.get("CDP_SPARK_THRIFT_PORT", "10000"))


def spark_type(duckdb_type: str) -> str:
    """A DuckDB type name as Spark writes it (VARCHAR[] -> array<string>, DECIMAL(18,2) stays)."""
    text = duckdb_type.strip().upper()
    if text.endswith("[]"):
        return f"array<{spark_type(text[:-2])}>"
    return DUCKDB_TO_SPARK.get(text, text.lower())


def duckdb_type(spark: str) -> str:
    """A Spark type name as DuckDB writes it (array<string> -> VARCHAR[])."""
    text = spark.strip().lower()
    if text.startswith("array<") and text.endswith(">"):
        return duckdb_type(text[6:-1]) + "[]"
    if text.startswith(("decimal", "varchar", "char")):
        return "VARCHAR" if text.startswith(("varchar", "char")) else text.upper()
    return SPARK_TO_DUCKDB.get(text, text.upper())


def literal(value: Any) -> str:
    """``value`` as a Spark SQL literal: a string escaped for Spark's parser (backslash and quote), a timestamp or
    date typed, a list as an array."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"cast('{value}' as double)"
        return repr(value) + "D"
    if isinstance(value, Decimal):
        return f"{value}BD"
    if isinstance(value, datetime):
        return f"timestamp'{value.replace(tzinfo=None).isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"date'{value.isoformat()}'"
    if isinstance(value, (list, tuple)):
        return f"array({', '.join(literal(item) for item in value)})"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def render(sql: str, parameters: Parameters = None) -> str:
    """``sql`` with its ``?`` (a sequence) or ``$name`` (a mapping) parameters written in as literals; a parameter
    inside a string literal, a quoted name or a comment is left alone."""
    if not parameters:
        return sql
    positional = iter(parameters) if not isinstance(parameters, Mapping) else None
    used = 0

    def replace(match: re.Match) -> str:
        nonlocal used
        token = match.group(0)
        if token == "?":
            if positional is None:
                raise QueryError("a ? parameter in a statement given named parameters")
            try:
                value = next(positional)
            except StopIteration:
                raise QueryError("fewer parameters than ? in the statement") from None
            used += 1
            return literal(value)
        if match.group(1) is not None:
            if not isinstance(parameters, Mapping) or match.group(1) not in parameters:
                raise QueryError(f"no value for the parameter ${match.group(1)}")
            return literal(parameters[match.group(1)])
        return token

    text = _TOKENS.sub(replace, sql)
    if positional is not None and used != len(parameters):
        raise QueryError(f"{len(parameters)} parameters for {used} ? in the statement")
    return text


def _message(error: Exception) -> str:
    """The server's message on one line, without the Thrift wrapping, the Java class names and the stack."""
    text = str(error)
    found = re.search(r"errorMessage=(['\"])(.*?)\1\)", text, re.DOTALL)
    text = (found.group(2) if found else text).replace("\\n", "\n")
    text = re.sub(r"^Error running query: |(\[[A-Z_.]+\] )?org\.apache\.[\w.$]+: ", "", text.strip())
    text = re.split(r"\n\s*(?:at |== SQL|\tat )", text)[0]
    text = " ".join(text.split())
    return (text[:400] + "...") if len(text) > 400 else text or type(error).__name__


class _Cursor:
    """A PyHive cursor whose rows hold dates as dates and arrays as lists, as DuckDB returns them."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.description = cursor.description
        kinds = [column[1] for column in self.description or ()]
        self._convert = [_CONVERTERS.get(kind) for kind in kinds]

    def _row(self, row: Sequence[Any]) -> tuple:
        return tuple(value if convert is None or value is None else convert(value)
                     for value, convert in zip(row, self._convert))

    def fetchall(self) -> list[tuple]:
        return [self._row(row) for row in self._cursor.fetchall()]

    def fetchone(self) -> tuple | None:
        row = self._cursor.fetchone()
        return None if row is None else self._row(row)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


_CONVERTERS = {"DATE_TYPE": _date, "ARRAY_TYPE": _json, "MAP_TYPE": _json, "STRUCT_TYPE": _json}


class SparkWarehouse(Warehouse):
    """One session on a Spark Thrift server."""

    engine = "spark"

    def __init__(self, connection: Any, location: str) -> None:
        self._connection = connection
        self.location = location

    @classmethod
    def connect(cls) -> SparkWarehouse:
        host, port = server_address()
        location = f"the Spark Thrift server at {host}:{port}"
        try:
            from pyhive import hive
        except ImportError as error:
            raise WarehouseError("CDP_TARGET=spark_cluster needs the Spark extras: make install-spark") from error
        try:
            connection = hive.connect(host=host, port=port, username=os.environ.get("CDP_SPARK_USER", "cdp"))
        except Exception as error:  # the transport's own errors: refused, timed out, closed
            raise WarehouseError(f"cannot reach {location} ({type(error).__name__}: {error}): start it with "
                                 "`make spark-up`, or set CDP_SPARK_HOST and CDP_SPARK_THRIFT_PORT") from error
        return cls(connection, location)

    def execute(self, sql: str, parameters: Parameters = None) -> _Cursor:
        from pyhive import exc

        statement = render(sql, parameters)
        cursor = self._connection.cursor()
        try:
            cursor.execute(statement)
        except exc.Error as error:
            raise QueryError(_message(error)) from error
        return _Cursor(cursor)

    def tables(self, schema: str) -> list[str]:
        if schema.lower() not in {name.lower() for (name,) in self.fetchall("show databases")}:
            return []
        return sorted(row[1].lower() for row in self.fetchall(f"show tables in {self.quote(schema)}")
                      if not row[2])  # not a temporary view

    def columns(self, schema: str, table: str) -> dict[str, str]:
        found = {}
        for name, kind, *_ in self.fetchall(f"describe table {self.qualified(f'{schema}.{table}')}"):
            if not name or name.startswith("#"):  # the partition section after the columns
                break
            found[name.lower()] = duckdb_type(kind)
        return found

    def create_schema(self, schema: str) -> None:
        self.execute(f"create database if not exists {self.quote(schema)}")

    def create_table(self, table: str, columns: Sequence[TableColumn], key: str | None = None) -> None:
        items = ", ".join(f"{self.quote(column.name)} {spark_type(column.type)}" for column in columns)
        self.execute(f"create table if not exists {self.qualified(table)} ({items}) using parquet")
        existing = self.columns(*table.split(".", 1))
        missing = [column for column in columns if column.name.lower() not in existing]
        if missing:
            added = ", ".join(f"{self.quote(column.name)} {spark_type(column.type)}" for column in missing)
            self.execute(f"alter table {self.qualified(table)} add columns ({added})")

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        names = ", ".join(self.quote(column) for column in columns)
        for start in range(0, len(rows), INSERT_CHUNK):
            values = ", ".join("(" + ", ".join(literal(value) for value in row) + ")"
                               for row in rows[start:start + INSERT_CHUNK])
            self.execute(f"insert into {self.qualified(table)} ({names}) values {values}")

    def update(self, table: str, values: Mapping[str, Any], where: str, parameters: Sequence[Any] = ()) -> None:
        """Rewrite ``table`` with the new values where ``where`` holds: through a copy, as Spark cannot overwrite
        a table it reads in the same statement. For the commands' small state tables (a row per sync run, per
        loaded batch)."""
        schema, name = table.split(".", 1)
        condition = render(where, parameters)
        selected = ", ".join(
            f"case when {condition} then cast({literal(values[column])} as {spark_type(kind)})"
            f" else {self.quote(column)} end as {self.quote(column)}" if column in values else self.quote(column)
            for column, kind in self.columns(schema, name).items())
        copy = self.qualified(f"{schema}.{name}__cdp_update")
        self.execute(f"drop table if exists {copy}")
        self.execute(f"create table {copy} using parquet as select {selected} from {self.qualified(table)}")
        try:
            self.execute(f"insert overwrite table {self.qualified(table)} select * from {copy}")
        finally:
            self.execute(f"drop table if exists {copy}")

    def quote(self, name: str) -> str:
        """``name`` backquoted (a backquote inside doubled): a double-quoted text is a string on Spark."""
        return "`" + str(name).replace("`", "``") + "`"

    def close(self) -> None:
        try:
            self._connection.close()
        except Exception:  # a session the server already closed
            pass

"""The one way the Python side writes a name or a value into DuckDB SQL text.

A value that reaches SQL from a file, an argument or the environment is a bound parameter wherever DuckDB takes
one: ``con.execute("... where segment_name = ?", [segment])``; DuckDB (2.0) also binds the path of
``copy ... to ?``, of ``read_parquet(?)`` in a query and the value of ``set ... = ?``. Only where it cannot bind
does the SQL text hold the value, written by these helpers and nothing else: a table or column name, a statement
DuckDB cannot prepare (``create view ... as select * from read_parquet(<path>)``).
"""

from __future__ import annotations

import os
from pathlib import PurePath


def quote_identifier(name: str) -> str:
    """``name`` as a double-quoted SQL identifier (a double quote inside is doubled), for a table, schema or
    column name that comes from data or configuration; names cannot be bound parameters."""
    return '"' + str(name).replace('"', '""') + '"'


def quote_literal(text: str | os.PathLike) -> str:
    """``text`` as a single-quoted SQL string literal (a single quote inside is doubled; backslashes stay as they
    are, as in standard SQL); a path is written in its POSIX form.

    Bind the value instead (``?``) wherever DuckDB takes a parameter; this is for the places it does not, such as
    ``read_parquet(<path>)`` in a view, or a value inside SQL text that is itself stored or passed on.
    """
    return "'" + _text(text).replace("'", "''") + "'"


def _text(text: str | os.PathLike) -> str:
    """A path in its POSIX form (a Windows path too: C:/Users/...), anything else as its string."""
    if isinstance(text, PurePath):
        return text.as_posix()
    if isinstance(text, os.PathLike):
        return PurePath(os.fspath(text)).as_posix()
    return str(text)

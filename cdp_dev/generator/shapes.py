"""The shapes: the same rows encoded four ways, applied only when a table is written (writer.py).

* full (the default): Parquet, every table, every contract column in its contract type;
* minimal: Parquet, only the required tables (not `optional` in the contract) and their required columns (a batch:
  the four activity tables with their required columns);
* wide: full plus columns outside the contract (extra_columns: WIDE_EXTRA_COLUMNS on Fivetran's wide Salesforce
  and Marketo tables, NARROW_EXTRA_COLUMNS on the others), mostly null, of every type, deterministic per row;
  custom fields and awkward names (mixed case, a space, loader columns, names the project uses downstream) that
  the project must ignore;
* text: CSV files as exports write them (writer: UTF-8 with a byte-order mark, CRLF, a header, RFC 4180 quoting,
  NULL as an empty field or sometimes ""), each type in rotating spellings (TEXT_SPELLINGS, TextRows).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from cdp.warehouse.raw_contract import Column, Source, Table, duckdb_type
from cdp.warehouse.sql import quote_identifier
from cdp_dev.generator.session import literal
from cdp_dev.generator.settings import GeneratorError, Settings

# How the rows are encoded (the module docstring describes each shape).
SHAPES = ("minimal", "full", "text", "wide")
DEFAULT_SHAPE = "full"
# The wide shape: Fivetran's wide tables get WIDE_EXTRA_COLUMNS columns outside the contract, the others
# NARROW_EXTRA_COLUMNS.
WIDE_TABLES = {("salesforce", "account"), ("salesforce", "contact"), ("salesforce", "lead"),
               ("salesforce", "opportunity"), ("marketo", "lead")}
WIDE_EXTRA_COLUMNS = 300
NARROW_EXTRA_COLUMNS = 20


def check_shape(shape: str) -> None:
    if shape not in SHAPES:
        raise GeneratorError(f"--shape must be one of {', '.join(SHAPES)}, got {shape!r}")


def shape_tables(contract: dict[str, Source], shape: str) -> list[Table]:
    """The contract tables a base set of `shape` has, in contract order: every table, or (minimal) the required
    ones."""
    return [table for source in contract.values() for table in source.tables.values()
            if shape != "minimal" or not table.optional]


def shape_columns(table: Table, shape: str) -> tuple[Column, ...]:
    """The contract columns a file of `shape` has, in contract order: every column, or (minimal) the required
    ones."""
    return tuple(column for column in table.columns if shape != "minimal" or column.required)


@dataclass(frozen=True)
class ExtraColumn:
    """A column of the wide shape that is not in the contract: `fill` of the rows have a value, picked from
    `values` or, without them, from the type's range; `sql` (over the uniform {v} in [0, 1) and the row key {key})
    overrides both."""

    name: str
    logical_type: str
    fill: float
    values: tuple[str | int, ...] = ()
    sql: str | None = None


# First in every wide file: names that are awkward to handle (mixed case, a space, loader columns, and the names of
# columns the project adds downstream), with values that would change results if anything read them.
AWKWARD_EXTRA_COLUMNS = (
    ExtraColumn("Region__c", "string", 0.5, ("EMEA", "AMER", "APAC", "LATAM")),
    ExtraColumn("Account Source", "string", 0.3, ("Web", "Partner Referral", "Trade Show", "Cold Call")),
    ExtraColumn("_fivetran_deleted", "boolean", 1.0),
    ExtraColumn("_fivetran_id", "string", 1.0, sql="md5(cast({key} as varchar))"),
    ExtraColumn("_version_key", "string", 0.2, ("0", "stale", "v2")),
    ExtraColumn("_version_rank", "integer", 0.2, sql="1 + cast(floor({v} * 3) as bigint)"),
    ExtraColumn("_unreadable_columns", "string", 0.1, ("email", "amount, is_won")),
    ExtraColumn("_disposition", "string", 0.1, ("quarantined", "dropped")),
    ExtraColumn("_dq_reason", "string", 0.1, ("duplicate_id", "deleted")),
)
CUSTOM_FIELD_TYPES = ("string", "float", "integer", "boolean", "timestamp", "date")
EXTRA_STREAM = 20_000  # the random stream of the extra columns' uniforms
# A row's key for the extra columns: its sort key hashed (the same row gets the same values in every run), 40 bits.
ROW_KEY = "cast(md5_number_lower(concat_ws(':', _k1, _k2, _k3)) >> 24 as bigint)"


def _custom_fill(number: int) -> float:
    """Share of rows with a value in custom field `number`: most are sparse, every 10th half full, every 7th empty."""
    return 0.0 if number % 7 == 0 else 0.5 if number % 10 == 0 else 0.03


def extra_columns(table: Table) -> tuple[ExtraColumn, ...]:
    """The wide shape's extra columns of `table`: the awkward ones, then custom fields (custom_field_001__c, ...) of
    a mix of types, WIDE_EXTRA_COLUMNS in all on the wide Salesforce and Marketo tables, else NARROW_EXTRA_COLUMNS.
    None shares a name with a contract column of the table, or with another extra column (ignoring case)."""
    wanted = WIDE_EXTRA_COLUMNS if (table.source, table.name) in WIDE_TABLES else NARROW_EXTRA_COLUMNS
    taken = {column.name.lower() for column in table.columns}
    extras: list[ExtraColumn] = []
    number = 0
    for candidate in AWKWARD_EXTRA_COLUMNS:
        if candidate.name.lower() not in taken and len(extras) < wanted:
            extras.append(candidate)
            taken.add(candidate.name.lower())
    while len(extras) < wanted:
        number += 1
        name = f"custom_field_{number:03d}__c"
        if name not in taken:
            logical = CUSTOM_FIELD_TYPES[number % len(CUSTOM_FIELD_TYPES)]
            extras.append(ExtraColumn(name, logical, _custom_fill(number)))
            taken.add(name)
    return tuple(extras)


def _extra_value(settings: Settings, column: ExtraColumn, v: str) -> str:
    """SQL: a value of the extra column from the uniform `v` in [0, 1)."""
    if column.sql is not None:
        return column.sql.format(v=v, key="_row_key")
    if column.values:
        literals = ", ".join(literal(value) if isinstance(value, str) else str(value) for value in column.values)
        return f"[{literals}][1 + cast(floor({v} * {len(column.values)}) as bigint)]"
    t0, span = settings.start_us, settings.event_max_us - settings.start_us
    return {
        "string": f"'value ' || cast(cast(floor({v} * 100000) as bigint) as varchar)",
        "float": f"round({v} * 100000, 2)",
        "integer": f"cast(floor({v} * 1000000) as bigint)",
        "boolean": f"{v} < 0.1",
        "timestamp": f"g_ts({t0} + {v} * {span})",
        "date": f"cast(g_ts({t0} + {v} * {span}) as date)",
    }[column.logical_type]


def extra_rows(sql: str, table: Table) -> str:
    """SQL: the rows of `sql` with a row key `_row_key` and the uniforms `_u` of its extra columns (one list, so the
    hash is bound once, not once per column): _u[j] = g_rnd(EXTRA_STREAM, _row_key * 1024 + j)."""
    uniforms = f"list_transform(range(1, {len(extra_columns(table)) + 1}), " \
               f"lambda j: g_rnd({EXTRA_STREAM}, _row_key * 1024 + j))"
    return f"(select *, {uniforms} as _u from (select *, {ROW_KEY} as _row_key from ({sql})))"


def extra_items(settings: Settings, table: Table) -> list[str]:
    """SQL select items of the wide shape's extra columns, over extra_rows: column j is filled where u = _u[j] <
    fill, with the value of u / fill."""
    items = []
    for position, column in enumerate(extra_columns(table), start=1):
        u = f"_u[{position}]"
        if column.fill <= 0:
            value = "null"
        elif column.fill >= 1:
            value = _extra_value(settings, column, u)
        else:
            value = f"case when {u} < {column.fill} then {_extra_value(settings, column, f'({u} / {column.fill})')} end"
        items.append(f"cast({value} as {duckdb_type(column.logical_type)}) as {quote_identifier(column.name)}")
    return items


# The text shape: how CSV exports spell each type. The k-th non-null value of a type in a file gets spelling
# (k + k // n) % n of the type's n spellings: every n values of a type use each spelling once (so a file with n
# values of a type has them all), and the rotation shifts by one after each n, so that the spellings also vary
# within a column when a table has several columns of the type.
BOOLEAN_SPELLINGS = (("TRUE", "FALSE"), ("true", "false"), ("t", "f"), ("1", "0"), ("yes", "no"), ("Yes", "No"))
DATE_SUFFIXES = ("", " 00:00:00", "T00:00:00.000", "T00:00:00Z")
# Every QUOTED_NULL_EVERY-th NULL of a non-text column is written "" (a quoted empty field) instead of nothing.
QUOTED_NULL_EVERY = 3
# Stands for a quoted empty field while a chunk goes through the csv module (which cannot write one), then
# replaced by ""; a value containing it is refused.
QUOTED_NULL_MARK = "\x1e"


def text_boolean(value: bool, spelling: int) -> str:
    return BOOLEAN_SPELLINGS[spelling][0 if value else 1]


def text_integer(value: int, spelling: int) -> str:
    """42, +42 or 42.0 (as an integer column with nulls is written by pandas)."""
    if spelling == 1 and value >= 0:
        return f"+{value}"
    return f"{value}.0" if spelling == 2 else str(value)


def text_float(value: float, spelling: int) -> str:
    """The shortest round-trip decimal (repr), with a leading + (a non-negative value), or in exponent form with
    the same digits (1500.5 -> 1.5005E+3): every spelling reads back as the same double."""
    plain = repr(value)
    if not math.isfinite(value):
        return plain
    if spelling == 1 and not plain.startswith("-"):
        return "+" + plain
    return format(Decimal(plain), "E") if spelling == 2 else plain


def text_date(value: date, spelling: int) -> str:
    """2018-12-19, 2018-12-19 00:00:00, 2018-12-19T00:00:00.000 or 2018-12-19T00:00:00Z."""
    return value.isoformat() + DATE_SUFFIXES[spelling]


def text_timestamp(value: datetime, spelling: int) -> str:
    """A UTC wall-clock time as 2026-10-31 22:15:03, 2026-10-31T22:15:03.000, 2026-10-31T22:15:03Z, or the same
    instant at another offset: 2026-11-01T00:15:03+02:00, 2026-10-31T17:15:03-0500 (fractional seconds, when the
    value has them, with all six digits in every spelling)."""
    fraction = f".{value.microsecond:06d}" if value.microsecond else ""
    if spelling == 0:
        return f"{value:%Y-%m-%d %H:%M:%S}{fraction}"
    if spelling == 1:
        return f"{value:%Y-%m-%dT%H:%M:%S}{fraction or '.000'}"
    if spelling == 2:
        return f"{value:%Y-%m-%dT%H:%M:%S}{fraction}Z"
    if spelling == 3:
        return f"{value + timedelta(hours=2):%Y-%m-%dT%H:%M:%S}{fraction}+02:00"
    return f"{value - timedelta(hours=5):%Y-%m-%dT%H:%M:%S}{fraction}-0500"


TEXT_SPELLINGS: dict[str, tuple[int, Callable[[object, int], str]]] = {
    "boolean": (len(BOOLEAN_SPELLINGS), text_boolean),
    "integer": (3, text_integer),
    "float": (3, text_float),
    "date": (len(DATE_SUFFIXES), text_date),
    "timestamp": (5, text_timestamp),
}


class TextRows:
    """Turns one file's typed rows into CSV fields: strings as they are (NULL: an empty field), other types in
    their rotating spellings, every QUOTED_NULL_EVERY-th non-text NULL as QUOTED_NULL_MARK."""

    def __init__(self, columns: tuple[Column, ...]) -> None:
        self.types = [column.logical_type for column in columns]
        self.seen = dict.fromkeys(TEXT_SPELLINGS, 0)
        self.nulls = 0

    def fields(self, values: tuple) -> list[str | None]:
        fields: list[str | None] = []
        for logical_type, value in zip(self.types, values):
            if logical_type == "string":
                if value is not None and QUOTED_NULL_MARK in value:
                    raise ValueError(f"a text value contains the character {QUOTED_NULL_MARK!r}: {value!r}")
                fields.append(value)
            elif value is None:
                self.nulls += 1
                fields.append(QUOTED_NULL_MARK if self.nulls % QUOTED_NULL_EVERY == 0 else None)
            else:
                count, spell = TEXT_SPELLINGS[logical_type]
                k = self.seen[logical_type]
                self.seen[logical_type] = k + 1
                fields.append(spell(value, (k + k // count) % count))
        return fields

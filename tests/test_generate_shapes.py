"""The generator's shapes (cdp_dev/generator/shapes.py, scripts/generate_data.py --shape): the same settings give
the same rows in full, wide and text, only encoded differently; minimal keeps the required tables and columns. full,
minimal and wide load with the strict loader; the text files are checked by their content (parsed back with the csv
module): byte-order mark, CRLF, RFC 4180 quoting, every spelling of every type, and every value the same as in
full."""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cdp_dev.generator import (
    ACTIVITY_TABLES,
    AWKWARD_EXTRA_COLUMNS,
    NARROW_EXTRA_COLUMNS,
    SHAPES,
    WIDE_EXTRA_COLUMNS,
    WIDE_TABLES,
    extra_columns,
    generate,
    generate_activity_batch,
    text_float,
    text_timestamp,
)
from cdp.warehouse.loader import load
from cdp.warehouse.raw_contract import Table, load_contract
from conftest import Project

ACCOUNTS = 30
SEED = 7
END = "2026-11-01"
CONTRACT = load_contract()
TABLES = [table for source in CONTRACT.values() for table in source.tables.values()]
EXTRA_TYPES = {"VARCHAR", "DOUBLE", "BIGINT", "BOOLEAN", "TIMESTAMP", "DATE"}

# The spellings of the text shape, as patterns (independent of the generator's code).
TIME = r"\d{2}:\d{2}:\d{2}"
FRACTION = r"(\.\d{6})?"
SPELLINGS = {
    "boolean": [r"TRUE|FALSE", r"true|false", r"t|f", r"1|0", r"yes|no", r"Yes|No"],
    "integer": [r"-?\d+", r"\+\d+", r"-?\d+\.0"],
    "float": [r"-?\d+\.\d+", r"\+\d+\.\d+", r"-?\d(\.\d+)?E[+-]\d+"],
    "date": [r"\d{4}-\d{2}-\d{2}", r"\d{4}-\d{2}-\d{2} 00:00:00", r"\d{4}-\d{2}-\d{2}T00:00:00\.000",
             r"\d{4}-\d{2}-\d{2}T00:00:00Z"],
    "timestamp": [rf"\d{{4}}-\d{{2}}-\d{{2}} {TIME}{FRACTION}", rf"\d{{4}}-\d{{2}}-\d{{2}}T{TIME}(\.000|\.\d{{6}})",
                  rf"\d{{4}}-\d{{2}}-\d{{2}}T{TIME}{FRACTION}Z", rf"\d{{4}}-\d{{2}}-\d{{2}}T{TIME}{FRACTION}\+02:00",
                  rf"\d{{4}}-\d{{2}}-\d{{2}}T{TIME}{FRACTION}-0500"],
}
TRUE_WORDS, FALSE_WORDS = {"true", "t", "1", "yes"}, {"false", "f", "0", "no"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path, suffix: str = "parquet") -> dict[str, Path]:
    return {f"{path.parent.name}.{path.stem}": path for path in sorted(folder.glob(f"*/*.{suffix}"))}


def _rows(path: Path, columns: list[str] | None = None) -> list[tuple]:
    """The rows of a Parquet file in file order (all columns, or `columns`)."""
    items = "*" if columns is None else ", ".join(f'"{name}"' for name in columns)
    with duckdb.connect() as con:
        return con.execute(f"select {items} from read_parquet('{path}')").fetchall()


def _describe(path: Path) -> list[tuple[str, str]]:
    with duckdb.connect() as con:
        return con.execute(f"select column_name, column_type from (describe select * from read_parquet('{path}'))"
                           ).fetchall()


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, int]]]:
    """The same settings generated in every shape: shape -> (folder, counts)."""
    root = tmp_path_factory.mktemp("shapes")
    return {shape: (root / shape, generate(ACCOUNTS, SEED, root / shape, END, shape=shape)) for shape in SHAPES}


def test_full_is_the_default_shape(shapes, tmp_path):
    out, counts = shapes["full"]
    assert generate(ACCOUNTS, SEED, tmp_path / "default", END) == counts
    assert {name: _sha256(path) for name, path in _files(tmp_path / "default").items()} == \
        {name: _sha256(path) for name, path in _files(out).items()}


def test_minimal_has_the_required_tables_and_columns_of_the_same_rows(shapes, tmp_path):
    out, counts = shapes["minimal"]
    full, full_counts = shapes["full"]
    required = [table for table in TABLES if not table.optional]
    assert list(counts) == [f"{table.source}.{table.name}" for table in required]
    assert set(_files(out)) == set(counts)
    for table in required:
        columns = [column.name for column in table.columns if column.required]
        path = out / table.source / f"{table.name}.parquet"
        assert _describe(path) == [(column.name, column.duckdb_type) for column in table.columns if column.required]
        assert _rows(path) == _rows(full / table.source / f"{table.name}.parquet", columns), table.qualified_name
        assert counts[f"{table.source}.{table.name}"] == full_counts[f"{table.source}.{table.name}"]
    loaded = load(out, warehouse=tmp_path / "w.duckdb")
    assert {item.target: item.rows for item in loaded} == {f"raw_{name}": rows for name, rows in counts.items()}


def test_every_extra_column_name_is_new_to_its_table():
    for table in TABLES:
        extras = extra_columns(table)
        wanted = WIDE_EXTRA_COLUMNS if (table.source, table.name) in WIDE_TABLES else NARROW_EXTRA_COLUMNS
        assert len(extras) == wanted, table.qualified_name
        names = [column.name.lower() for column in extras]
        assert len(set(names)) == len(names)
        assert not set(names) & {column.name.lower() for column in table.columns}, table.qualified_name
        assert [column.name for column in extras[:len(AWKWARD_EXTRA_COLUMNS)]] == \
            [column.name for column in AWKWARD_EXTRA_COLUMNS]
    assert {"Region__c", "Account Source", "_fivetran_deleted", "_fivetran_id", "_version_key", "_version_rank",
            "_unreadable_columns", "_disposition", "_dq_reason"} <= {column.name for column in AWKWARD_EXTRA_COLUMNS}


def test_wide_is_full_plus_sparse_extra_columns_of_every_type(shapes, tmp_path):
    out, counts = shapes["wide"]
    full, full_counts = shapes["full"]
    assert counts == full_counts
    for table in TABLES:
        path = out / table.source / f"{table.name}.parquet"
        described = _describe(path)
        contract = [(column.name, column.duckdb_type) for column in table.columns]
        extras = extra_columns(table)
        assert described[:len(contract)] == contract, table.qualified_name
        assert [name for name, _ in described[len(contract):]] == [column.name for column in extras]
        assert {kind for _, kind in described[len(contract):]} == EXTRA_TYPES, table.qualified_name
        # The contract columns hold exactly the full shape's rows, in the same order.
        assert _rows(path, [name for name, _ in contract]) == _rows(full / table.source / f"{table.name}.parquet")
        # Mostly null, some values.
        with duckdb.connect() as con:
            filled = con.execute("select " + ", ".join(f'count("{column.name}")' for column in extras)
                                 + f" from read_parquet('{path}')").fetchone()
        rows = counts[f"{table.source}.{table.name}"]
        assert 0 < sum(filled) < 0.4 * rows * len(extras), table.qualified_name
        assert sum(1 for value in filled if value) >= 5, table.qualified_name

    generate(ACCOUNTS, SEED, tmp_path / "again", END, shape="wide")
    assert {name: _sha256(path) for name, path in _files(tmp_path / "again").items()} == \
        {name: _sha256(path) for name, path in _files(out).items()}
    loaded = load(out, warehouse=tmp_path / "w.duckdb")
    assert {item.target: item.rows for item in loaded} == {f"raw_{name}": rows for name, rows in counts.items()}
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        [(columns,)] = con.execute("select count(*) from information_schema.columns "
                                   "where table_schema = 'raw_salesforce' and table_name = 'account'").fetchall()
    assert columns == len(CONTRACT["salesforce"].tables["account"].columns) + WIDE_EXTRA_COLUMNS


# ---- the text shape


def _parse(text: str, logical_type: str):
    """The value a CSV field denotes (None for an empty field), read by this test's own rules."""
    if text == "":
        return None
    if logical_type == "string":
        return text
    if logical_type == "boolean":
        assert text.lower() in TRUE_WORDS | FALSE_WORDS, text
        return text.lower() in TRUE_WORDS
    if logical_type == "integer":
        number = Decimal(text)
        assert number == number.to_integral_value(), text
        return int(number)
    if logical_type == "float":
        return float(text)
    if logical_type == "date":
        assert re.fullmatch("|".join(SPELLINGS["date"]), text), text
        return date.fromisoformat(text[:10])
    moment = datetime.fromisoformat(text)
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _spelling(text: str, logical_type: str) -> int:
    """Which of the type's spellings a field is (the patterns of a type exclude each other)."""
    [index] = [index for index, pattern in enumerate(SPELLINGS[logical_type]) if re.fullmatch(pattern, text)]
    return index


def _check_raw_text(path: Path, records: list[list[str]]) -> tuple[int, int]:
    """Byte-order mark, CRLF after every record and nowhere else outside quotes, RFC 4180 quoting; returns (quoted
    empty fields, fields with a line break)."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), path
    text = raw[3:].decode("utf-8")
    assert text.endswith("\r\n")
    fields, quoted_empty, line_breaks, position = 0, 0, 0, 0
    for record in records:
        for index, value in enumerate(record):
            if text.startswith('"', position):
                end = position + 1
                while True:
                    end = text.index('"', end)
                    if text.startswith('""', end):
                        end += 2
                        continue
                    break
                inner = text[position + 1:end]
                assert inner.replace('""', '"') == value
                # Quoted only when needed, or the quoted empty field (a NULL).
                assert value == "" or any(char in value for char in ',"\r\n'), (path, value)
                quoted_empty += value == ""
                line_breaks += "\n" in value or "\r" in value
                position = end + 1
            else:
                assert not any(char in value for char in ',"\r\n'), (path, value)
                assert text.startswith(value, position)
                position += len(value)
            separator = "\r\n" if index == len(record) - 1 else ","
            assert text.startswith(separator, position), (path, text[position:position + 20])
            position += len(separator)
            fields += 1
    assert position == len(text)
    return quoted_empty, line_breaks


def _read_text(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_text_files_are_csv_exports_of_the_same_values(shapes):
    out, counts = shapes["text"]
    full, full_counts = shapes["full"]
    assert counts == full_counts
    assert set(_files(out, "csv")) == set(counts) and not _files(out)
    quoted_empty = line_breaks = 0
    for table in TABLES:
        path = out / table.source / f"{table.name}.csv"
        header, *records = _read_text(path)
        assert header == [column.name for column in table.columns]
        empty, breaks = _check_raw_text(path, [header] + records)
        quoted_empty, line_breaks = quoted_empty + empty, line_breaks + breaks
        expected = _rows(full / table.source / f"{table.name}.parquet")
        assert len(records) == len(expected) == counts[f"{table.source}.{table.name}"]
        seen: dict[str, set[int]] = {}
        for record, values in zip(records, expected):
            for column, field, value in zip(table.columns, record, values):
                assert _parse(field, column.logical_type) == value, (table.qualified_name, column.name, field)
                if field and column.logical_type != "string":
                    seen.setdefault(column.logical_type, set()).add(_spelling(field, column.logical_type))
        _check_every_spelling(table, expected, seen)
    assert quoted_empty > 0 and line_breaks > 0


def _check_every_spelling(table: Table, rows: list[tuple], seen: dict[str, set[int]]) -> None:
    """Each spelling of a type occurs in the table when it has at least as many values of the type as spellings
    (the + form of a number only when no value is negative)."""
    for logical_type, patterns in SPELLINGS.items():
        values = [value for row in rows for column, value in zip(table.columns, row)
                  if column.logical_type == logical_type and value is not None]
        if len(values) < len(patterns):
            continue
        expected = set(range(len(patterns)))
        if logical_type in ("integer", "float") and min(values) < 0:
            expected.discard(1)
        assert expected <= seen[logical_type], (table.qualified_name, logical_type)


def test_text_spellings_read_back_as_the_same_value():
    moment = datetime(2026, 10, 31, 22, 15, 3, 123456)
    spelled = [text_timestamp(moment, spelling) for spelling in range(5)]
    assert spelled == ["2026-10-31 22:15:03.123456", "2026-10-31T22:15:03.123456", "2026-10-31T22:15:03.123456Z",
                       "2026-11-01T00:15:03.123456+02:00", "2026-10-31T17:15:03.123456-0500"]
    assert {_parse(text, "timestamp") for text in spelled} == {moment}
    assert text_timestamp(moment.replace(microsecond=0), 1) == "2026-10-31T22:15:03.000"
    for value in (1500.5, 0.92, 540300.0, 0.0, -12.75, 1e-05, 1e16, 123456789.123):
        spelled = [text_float(value, spelling) for spelling in range(3)]
        assert all(float(text) == value for text in spelled), spelled
        assert spelled[0] == repr(value) and "," not in "".join(spelled)
    assert text_float(1500.5, 1) == "+1500.5" and text_float(1500.5, 2) == "1.5005E+3"


def test_batches_in_every_shape(tmp_path):
    full = generate_activity_batch(ACCOUNTS, SEED, tmp_path / "full", 0.05, 1, END)
    for shape in ("minimal", "text", "wide"):
        counts = generate_activity_batch(ACCOUNTS, SEED, tmp_path / shape, 0.05, 1, END, shape=shape)
        assert counts == full, shape
    for table in ACTIVITY_TABLES:
        contract = CONTRACT["marketo"].tables[table]
        full_rows = _rows(tmp_path / "full" / "marketo" / f"{table}.parquet")
        required = [column.name for column in contract.columns if column.required]
        assert [name for name, _ in _describe(tmp_path / "minimal" / "marketo" / f"{table}.parquet")] == required
        wide = tmp_path / "wide" / "marketo" / f"{table}.parquet"
        assert len(_describe(wide)) == len(contract.columns) + NARROW_EXTRA_COLUMNS
        assert _rows(wide, [column.name for column in contract.columns]) == full_rows
        header, *records = _read_text(tmp_path / "text" / "marketo" / f"{table}.csv")
        assert [[_parse(field, column.logical_type) for column, field in zip(contract.columns, record)]
                for record in records] == [list(row) for row in full_rows]
    load(tmp_path / "minimal", warehouse=tmp_path / "w.duckdb")


def test_command_line_shapes(project: Project, tmp_path):
    out = tmp_path / "text"
    result = project.script("generate_data.py", "--accounts", "3", "--seed", "5", "--end", END, "--out", str(out),
                            "--shape", "text")
    assert "shape text" in result.stdout
    assert len(_files(out, "csv")) == len(TABLES) and not _files(out)
    refused = project.script("generate_data.py", "--accounts", "3", "--out", str(tmp_path / "never"),
                             "--shape", "narrow", check=False)
    assert refused.returncode == 2 and "--shape" in refused.stderr
    assert not (tmp_path / "never").exists()
    assert "minimal" in project.script("generate_data.py", "--help").stdout

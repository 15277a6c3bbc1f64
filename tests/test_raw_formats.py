"""The formats of raw text (cdp/warehouse/raw_formats.py), defined once, read the same by the loader and by staging.

The loader is tested here on every example of CASES: each readable example loads as its expected value, each empty
one as null, and each unreadable one refuses the load with the file, the column, the row and the value. Staging
(macro parse_raw_text, for columns a loader landed as text) is tested on the same examples by the dbt test
`raw_value_formats_read_as_specified`, which `make test` runs on DuckDB and `make test-spark` on Spark. The files are
written as CSV exports write them: a byte-order mark, CRLF line ends, quoted fields with embedded line breaks.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cdp.warehouse.loader import LoadError, load
from cdp.warehouse.raw_contract import FORMATS_MACRO, duckdb_type
from cdp.warehouse.raw_formats import CASES, EXAMPLES, Case
from conftest import REPO_ROOT

# A raw table and column of each logical type, beside a text column holding a comma, quotes and a line break.
COLUMNS = {
    "boolean": ("salesforce", "account", "is_deleted"),
    "integer": ("salesforce", "account", "number_of_employees"),
    "float": ("salesforce", "account", "annual_revenue"),
    "date": ("salesforce", "campaign", "start_date"),
    "timestamp": ("salesforce", "account", "system_modstamp"),
}
REQUIRED = {table: {"name": "Acme, \"the\"\r\nfirst"} for table in ("account", "campaign")}
READABLE = sorted({case.logical_type for case in CASES if not case.unreadable})
UNREADABLE = [pytest.param(case, id=f"{case.logical_type}-{case.text}") for case in CASES if case.unreadable]


def write_export(folder: Path, logical_type: str, texts: list[str]) -> Path:
    """One CSV as an export writes it (BOM, CRLF, quoting), holding `texts` in the column of `logical_type`, one per
    row, with ids row1, row2, ...; returns the file."""
    source, table, column = COLUMNS[logical_type]
    path = folder / source / f"{table}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["id", *REQUIRED[table], column])
        for index, text in enumerate(texts, start=1):
            writer.writerow([f"row{index}", *REQUIRED[table].values(), text])
    return path


def expected_value(case: Case) -> object:
    """The Python value DuckDB gives for the case's expected literal (None for an empty text)."""
    if case.expected is None:
        return None
    with duckdb.connect() as con:
        return con.execute(f"select cast(? as {duckdb_type(case.logical_type)})", [case.expected]).fetchone()[0]


@pytest.mark.parametrize("logical_type", READABLE)
def test_the_loader_reads_every_readable_example(tmp_path: Path, logical_type: str) -> None:
    # GIVEN one export-style CSV with every readable example of the type, one per row
    cases = [case for case in CASES if case.logical_type == logical_type and not case.unreadable]
    write_export(tmp_path / "in", logical_type, [case.text for case in cases])

    # WHEN it is loaded (strict)
    load(tmp_path / "in", warehouse=tmp_path / "w.duckdb")

    # THEN each example is its expected value (null when empty), and the quoted text with a line break is intact
    source, table, column = COLUMNS[logical_type]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        loaded = dict(con.execute(f"select id, {column} from raw_{source}.{table}").fetchall())
        names = {name for (name,) in con.execute(f"select distinct name from raw_{source}.{table}").fetchall()}
    assert {f"row{index}": expected_value(case) for index, case in enumerate(cases, start=1)} == loaded
    assert names <= {None, "Acme, \"the\"\r\nfirst"}


@pytest.mark.parametrize("case", UNREADABLE)
def test_the_loader_refuses_every_unreadable_example_with_file_column_and_row(tmp_path: Path, case: Case) -> None:
    # GIVEN an export-style CSV whose second row holds the unreadable example (the first row's name has a line break)
    good = next(c.text for c in CASES if c.logical_type == case.logical_type and c.expected is not None)
    path = write_export(tmp_path / "in", case.logical_type, [good, case.text])
    warehouse = tmp_path / "w.duckdb"

    # WHEN it is loaded (strict) THEN it is refused, naming the file, table, column, row, line and value
    with pytest.raises(LoadError) as raised:
        load(tmp_path / "in", warehouse=warehouse)
    source, table, column = COLUMNS[case.logical_type]
    [problem] = raised.value.problems
    assert problem.startswith(f"{path}: table raw_{source}.{table}, column '{column}', row 2 (line 4): "
                              f"cannot read {case.text!r} as {case.logical_type}"), problem
    # AND nothing was written
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from information_schema.tables").fetchone() == (0,)


def test_a_time_of_day_in_a_date_column_is_refused_as_a_truncation(tmp_path: Path) -> None:
    # GIVEN a date column holding a date-time that is not midnight (each row's name spans two lines)
    path = write_export(tmp_path / "in", "date", ["2018-12-19 00:00:00", "2018-12-19T00:00:00Z",
                                                   "2018-12-19 13:45:00"])
    # WHEN the loader reads it THEN it refuses, naming file, column and row, and says the time would be lost
    result = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "load_raw.py"), str(tmp_path / "in")],
                            capture_output=True, text=True, env={"CDP_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
                                                                 "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: {path}: table raw_salesforce.campaign, column 'start_date', row 3 (line 6): cannot read "
        f"'2018-12-19 13:45:00' as date (it has a time of day or an offset, which a date would drop; a date column "
        f"takes a date, or a date-time at midnight UTC: {EXAMPLES['date']})")


def test_every_logical_type_has_readable_unreadable_and_empty_examples() -> None:
    for logical_type in COLUMNS:
        cases = [case for case in CASES if case.logical_type == logical_type]
        assert any(case.expected is not None for case in cases), logical_type
        assert any(case.unreadable for case in cases), logical_type
        assert any(case.expected is None and not case.unreadable for case in cases), logical_type


def test_staging_reads_the_formats_generated_from_this_module() -> None:
    # The dbt side (macro raw_value_formats) is generated from cdp/warehouse/raw_formats.py; a stale copy fails here.
    result = subprocess.run([sys.executable, "-m", "cdp.cli.raw_contract_macro", "--check"], cwd=REPO_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert FORMATS_MACRO.exists()

"""Paths and names with an apostrophe, a space and non-ASCII characters: the loader's input folder, the warehouse file
(dbt through profiles.yml, the scripts through cdp/warehouse/connection.py), the export's output folder, the
engine-comparison export; and the helpers that write names and values into SQL (cdp/warehouse/sql.py, the dbt macro string_literal)."""

from __future__ import annotations

import csv
import json
from pathlib import Path, PurePosixPath, PureWindowsPath

import duckdb
import pytest

from cdp.activation.destinations.files import FORMATS, hashed_email
from cdp.warehouse.sql import quote_identifier, quote_literal
from conftest import Project, demo_as_raw_files

AWKWARD = "o'brien dir é"  # an apostrophe, a space and a non-ASCII letter
SEGMENT = "seg_new_product_upsell"
MEMBER = "p2@townsend.com"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The demo's raw files loaded from a folder named AWKWARD and built once into a warehouse file named like it, in
    such a folder (dbt's target and log folders too), with the engine-comparison export written into one."""
    root = tmp_path_factory.mktemp("paths") / AWKWARD
    project = Project(root)
    project.warehouse = root / f"{AWKWARD}.duckdb"  # the file's name matters to dbt-duckdb: see profiles.yml
    project.script("load_raw.py", str(demo_as_raw_files(root / "raw" / AWKWARD)))
    compare_export = root / "compare" / AWKWARD
    compare_export.mkdir(parents=True)
    project.dbt("build", "--exclude", "tag:demo",
                vars={"as_of": "2026-11-01", "compare_export_dir": str(compare_export)})
    return project


def _csv_rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


# ---------------------------------------------------------------------------------------------
# Loading, building and reading on awkward paths
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "folder_name",
    [
        pytest.param("o'brien", id="apostrophe"),
        pytest.param("raw files", id="space"),
        pytest.param("données ü 日本", id="non-ascii"),
        pytest.param(AWKWARD, id="all-three"),
        pytest.param('say "hi" \\ back', id="double-quote-and-backslash"),
    ],
)
def test_loader_reads_a_folder_with_an_awkward_name(project, tmp_path, folder_name):
    # GIVEN the demo's raw files in a folder with that name
    raw = demo_as_raw_files(tmp_path / folder_name)

    # WHEN load_raw.py loads the folder
    project.script("load_raw.py", str(raw))

    # THEN every file is in its raw table, row for row
    files = sorted(raw.glob("*/*.csv"))
    assert files
    for file in files:
        table = f"{quote_identifier('raw_' + file.parent.name)}.{quote_identifier(file.stem)}"
        assert project.query(f"select count(*) from {table}") == [(_csv_rows(file),)], file


@pytest.mark.dbt
def test_dbt_builds_into_a_warehouse_with_an_awkward_path(built):
    # GIVEN the demo's raw files loaded from, and built by dbt into, files and folders named AWKWARD (fixture)
    # THEN the warehouse is where CDP_DUCKDB_PATH says and the upsell segment is exactly p2
    assert built.warehouse.name == f"{AWKWARD}.duckdb" and built.warehouse.is_file()
    assert built.query(f"select email from segments.{SEGMENT}") == [(MEMBER,)]


@pytest.mark.dbt
def test_scripts_open_a_warehouse_with_an_awkward_path(built):
    # GIVEN the warehouse built at an awkward path, named by CDP_DUCKDB_PATH
    # WHEN explain.py evaluates the segment for p2 (it reads the stored definitions' relations and keys)
    result = built.script("explain.py", "--segment", SEGMENT, "--email", MEMBER)

    # THEN it opens that warehouse and finds p2 in the segment
    assert result.stdout.splitlines()[0] == f"{MEMBER} is IN {SEGMENT}"


@pytest.mark.dbt
def test_engine_comparison_export_and_compare_on_an_awkward_path(built):
    # GIVEN the build exported the public models as Parquet into a folder named AWKWARD (var compare_export_dir)
    exported = built.workdir / "compare" / AWKWARD
    assert (exported / "dim_persons").is_dir()

    # WHEN compare_engines.py compares that export with itself
    result = built.script("compare_engines.py", str(exported), str(exported))

    # THEN it reads every model and finds the same rows
    assert "the same rows in both builds" in result.stdout


# ---------------------------------------------------------------------------------------------
# Exporting into an awkward folder: every format that writes a file
# ---------------------------------------------------------------------------------------------


def _csv_column(path: Path, column: str) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def _parquet_emails(path: Path) -> list[str]:
    with duckdb.connect() as con:
        return [row[0] for row in con.execute("select email from read_parquet(?)", [str(path)]).fetchall()]


FILE_FORMATS = [
    pytest.param("marketo-csv", lambda path: _csv_column(path, "Email Address"), [MEMBER], id="marketo-csv"),
    pytest.param("csv", lambda path: _csv_column(path, "email"), [MEMBER], id="csv"),
    pytest.param("linkedin-csv", lambda path: _csv_column(path, "email"), [hashed_email(MEMBER)], id="linkedin-csv"),
    pytest.param("parquet", _parquet_emails, [MEMBER], id="parquet"),
]


def test_every_file_format_is_covered():
    # THEN the export tests below cover every format that writes a file (export_audience.py --format)
    assert {case.values[0] for case in FILE_FORMATS} == set(FORMATS)


@pytest.mark.dbt
@pytest.mark.parametrize(("format_name", "read_emails", "expected"), FILE_FORMATS)
def test_export_writes_every_format_into_an_awkward_folder(built, tmp_path, format_name, read_emails, expected):
    # GIVEN an output folder named AWKWARD under another one (created by the export)
    out = tmp_path / "exports é" / AWKWARD

    # WHEN the segment is exported in that format
    built.script("export_audience.py", "--segment", SEGMENT, "--format", format_name, "--out", str(out))

    # THEN the file is in that folder with p2, nothing else is left there, and the sync log names the file exactly
    written = out / f"{SEGMENT}{FORMATS[format_name].suffix}"
    assert read_emails(written) == expected
    assert sorted(path.name for path in out.iterdir()) == [written.name]
    assert built.query(
        "select destination_target from activation.activation_sync_runs where destination = ? and status = ?",
        [format_name, "succeeded"],
    ) == [(str(written.resolve()),)]


# ---------------------------------------------------------------------------------------------
# The helpers: cdp/warehouse/sql.py and the dbt macro string_literal
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("email", id="plain"),
        pytest.param('say "hi"', id="double-quote"),
        pytest.param('"', id="only-a-double-quote"),
        pytest.param(AWKWARD, id="apostrophe-space-non-ascii"),
    ],
)
def test_quote_identifier_names_exactly_that_table_and_column(name):
    # GIVEN a table and a column named `name`, written with quote_identifier
    with duckdb.connect() as con:
        con.execute(f"create table {quote_identifier(name)} ({quote_identifier(name)} integer)")
        con.execute(f"insert into {quote_identifier(name)} values (1)")

        # THEN DuckDB knows them by exactly that name
        named = con.execute("select table_name, column_name from information_schema.columns").fetchall()
        assert named == [(name, name)]
        cursor = con.execute(f"select {quote_identifier(name)} from {quote_identifier(name)}")
        assert cursor.description[0][0] == name and cursor.fetchall() == [(1,)]


@pytest.mark.parametrize(
    ("text", "literal", "value"),
    [
        pytest.param("plain", "'plain'", "plain", id="plain"),
        pytest.param("o'brien", "'o''brien'", "o'brien", id="apostrophe"),
        pytest.param("''", "''''''", "''", id="only-apostrophes"),
        pytest.param("C:\\new", "'C:\\new'", "C:\\new", id="backslash-kept"),
        pytest.param("données 日本", "'données 日本'", "données 日本", id="non-ascii"),
        pytest.param(PurePosixPath(f"/tmp/{AWKWARD}/a.parquet"), "'/tmp/o''brien dir é/a.parquet'",
                     f"/tmp/{AWKWARD}/a.parquet", id="posix-path"),
        pytest.param(PureWindowsPath("C:\\Users\\o'brien\\a.parquet"), "'C:/Users/o''brien/a.parquet'",
                     "C:/Users/o'brien/a.parquet", id="windows-path-in-posix-form"),
    ],
)
def test_quote_literal_is_read_back_as_the_text(text, literal, value):
    # WHEN the text is written with quote_literal
    # THEN the literal is as expected and DuckDB reads it as the text (a path in its POSIX form)
    assert quote_literal(text) == literal
    with duckdb.connect() as con:
        assert con.execute(f"select {quote_literal(text)}").fetchone() == (value,)


def test_quote_literal_where_duckdb_cannot_bind(tmp_path):
    # GIVEN a Parquet file in a folder named AWKWARD
    folder = tmp_path / AWKWARD
    folder.mkdir()
    with duckdb.connect() as con:
        con.execute("copy (select 'x' as a) to ? (format parquet)", [str(folder / "a.parquet")])

        # WHEN a view reads it (a view's definition cannot hold a bound parameter)
        con.execute(f"create view v as select * from read_parquet({quote_literal(folder / 'a.parquet')})")

        # THEN the view reads that file
        assert con.execute("select a from v").fetchall() == [("x",)]


@pytest.mark.dbt
def test_string_literal_macro_on_duckdb_and_spark(built):
    # GIVEN a var with an apostrophe, a backslash and a non-ASCII letter
    text = "o'brien C:\\new é"

    # WHEN dbt compiles it through string_literal (DuckDB, the target here), its Spark variant and string_var
    result = built.dbt(
        "compile", "--quiet", "--output", "json", "--inline",
        "select {{ cdp.string_literal(var('text')) }} as duckdb_text,"
        " {{ cdp.spark__string_literal(var('text')) }} as spark_text,"
        " {{ string_var('text') }} as var_text",
        vars={"text": text},
    )
    compiled = json.loads(result.stdout[result.stdout.index("{"):])["compiled"]

    # THEN DuckDB's literal doubles the quote and keeps the backslash (and reads back as the text); Spark's escapes
    # both with a backslash; string_var writes the DuckDB literal
    duckdb_literal, spark_literal = "'o''brien C:\\new é'", "'o\\'brien C:\\\\new é'"
    assert compiled == (
        f"select {duckdb_literal} as duckdb_text, {spark_literal} as spark_text, {duckdb_literal} as var_text"
    )
    with duckdb.connect() as con:
        assert con.execute(f"select {duckdb_literal}").fetchone() == (text,)

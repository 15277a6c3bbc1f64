"""scripts/load_raw.py and cdp.warehouse.loader: raw CSV/Parquet files checked against the raw contract, loaded
atomically."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from cdp.warehouse import loader
from cdp.warehouse.loader import LoadError, load, plan_load
from cdp.warehouse.raw_contract import DUCKDB_TYPES, ContractError, duckdb_type, load_contract
from cdp.warehouse.raw_formats import EXAMPLES

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "load_raw.py"

ACCOUNT = ("select * from (values ('A1', 'Acme', 'true', '10', '2026-01-02 03:04:05'), "
           "('A2', 'Beta', 'no', '', '2026-01-02T03:04:05Z')) "
           "t(Id, Name, is_deleted, number_of_employees, system_modstamp)")
OPPORTUNITY = ("select 'O' || i as id, 'A1' as account_id, i * 10.5 as amount, i % 2 = 0 as is_won, "
               "date '2026-03-01' + i::int as close_date from range(3) t(i)")
LEAD = "select 'L1' as id, 'l1@example.com' as email, 'yes' as unsubscribed"


def write(directory: Path, relative: str, sql: str) -> Path:
    """Write the rows of `sql` to directory/relative as CSV (with header) or Parquet, by the file's extension."""
    path = directory / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    options = "format parquet" if path.suffix == ".parquet" else "format csv, header"
    with duckdb.connect() as con:
        con.execute(f"copy ({sql}) to '{path}' ({options})")
    return path


def write_all(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for relative, sql in files.items():
        write(directory, relative, sql)
    return directory


def snapshot(warehouse: Path) -> dict[str, tuple[int, list[tuple[str, str]]]]:
    """Every table in the warehouse: row count and (column, type) list."""
    if not warehouse.exists():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables "
                             "where table_catalog = current_database() order by all").fetchall()
        return {
            f"{schema}.{table}": (
                con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0][0],
                con.execute("select column_name, data_type from information_schema.columns where table_schema = ? "
                            "and table_name = ? order by ordinal_position", [schema, table]).fetchall(),
            )
            for schema, table in tables
        }


def column_types(warehouse: Path, schema: str, table: str) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select column_name, data_type from information_schema.columns "
                                "where table_schema = ? and table_name = ?", [schema, table]).fetchall())


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse file in tmp_path, also the default ($CDP_DUCKDB_PATH) for the CLI run in a subprocess."""
    path = tmp_path / "warehouse" / "cdp.duckdb"
    monkeypatch.setenv("CDP_DUCKDB_PATH", str(path))
    return path


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    """A CSV and a Parquet salesforce table, and a marketo CSV."""
    return write_all(tmp_path / "good", {
        "salesforce/account.csv": ACCOUNT,
        "salesforce/opportunity.parquet": OPPORTUNITY,
        "marketo/lead.csv": LEAD,
    })


# --- the contract ---------------------------------------------------------------------------------------------------

def test_contract_has_every_raw_table() -> None:
    # WHEN the contract is read from the dbt sources yml files
    contract = load_contract()
    # THEN it has the 23 raw tables, each with at least one required column and only known types
    tables = {(source.name, table) for source in contract.values() for table in source.tables}
    assert tables == {
        ("salesforce", "account"), ("salesforce", "contact"), ("salesforce", "lead"), ("salesforce", "opportunity"),
        ("salesforce", "opportunity_contact_role"), ("salesforce", "account_contact_relation"),
        ("marketo", "lead"), ("marketo", "company"), ("marketo", "opportunity"), ("marketo", "activity_visit_webpage"),
        ("mdm", "account_crosswalk"), ("mdm", "golden_account"), ("mdm", "account_match_decision"),
        ("salesforce", "campaign"), ("salesforce", "campaign_member"), ("salesforce", "currency_type"),
        ("marketo", "opportunity_role"), ("marketo", "program"), ("marketo", "program_membership"),
        ("marketo", "static_list"), ("marketo", "list_membership"), ("marketo", "activity_fill_out_form"),
        ("marketo", "activity_open_email"), ("marketo", "activity_click_email"),
    }
    for source in contract.values():
        for table in source.tables.values():
            assert any(column.required for column in table.columns), table.qualified_name
            assert all(column.logical_type in DUCKDB_TYPES for column in table.columns)
    opportunity = contract["salesforce"].tables["opportunity"]
    assert (opportunity.column("amount").logical_type, opportunity.column("amount").required) == ("float", True)
    assert opportunity.column("close_date").duckdb_type == "DATE"
    assert not opportunity.optional and contract["salesforce"].tables["lead"].optional
    assert opportunity.qualified_name == "raw_salesforce.opportunity"


@pytest.mark.parametrize(("logical", "duckdb_name"), [
    pytest.param("string", "VARCHAR", id="string"),
    pytest.param("boolean", "BOOLEAN", id="boolean"),
    pytest.param("integer", "BIGINT", id="integer"),
    pytest.param("float", "DOUBLE", id="float"),
    pytest.param("date", "DATE", id="date"),
    pytest.param("timestamp", "TIMESTAMP", id="timestamp"),
])
def test_logical_types_map_to_duckdb_types(logical: str, duckdb_name: str) -> None:
    assert duckdb_type(logical) == duckdb_name


def test_unknown_contract_type_is_an_error(tmp_path: Path) -> None:
    # GIVEN a sources yml with a column of an unknown type
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "_crm__sources.yml").write_text(
        "sources:\n- name: crm\n  tables:\n  - name: account\n    columns:\n    - name: id\n      data_type: text\n")
    # WHEN / THEN reading it names the file, the column and the type
    with pytest.raises(ContractError, match=r"_crm__sources.yml: crm.account.id has data_type 'text'"):
        load_contract(tmp_path)


# --- good loads -----------------------------------------------------------------------------------------------------

def test_plan_load_maps_files_to_contract_tables(good_dir: Path) -> None:
    planned = plan_load(good_dir)
    assert [(f.path.relative_to(good_dir).as_posix(), f.table.qualified_name, f.format) for f in planned] == [
        ("marketo/lead.csv", "raw_marketo.lead", "csv"),
        ("salesforce/account.csv", "raw_salesforce.account", "csv"),
        ("salesforce/opportunity.parquet", "raw_salesforce.opportunity", "parquet"),
    ]


def test_load_csv_and_parquet_with_contract_types(good_dir: Path, warehouse: Path) -> None:
    # GIVEN CSV and Parquet files (CSV header in mixed case, all values text)
    # WHEN they are loaded
    loaded = load(good_dir)
    # THEN every table is there with its rows, lower-case names, and the contract's types
    assert [(item.target, item.rows, item.mode) for item in loaded] == [
        ("raw_marketo.lead", 1, "replace"), ("raw_salesforce.account", 2, "replace"),
        ("raw_salesforce.opportunity", 3, "replace"),
    ]
    assert column_types(warehouse, "raw_salesforce", "account") == {
        "id": "VARCHAR", "name": "VARCHAR", "is_deleted": "BOOLEAN", "number_of_employees": "BIGINT",
        "system_modstamp": "TIMESTAMP",
    }
    assert column_types(warehouse, "raw_salesforce", "opportunity") == {
        "id": "VARCHAR", "account_id": "VARCHAR", "amount": "DOUBLE", "is_won": "BOOLEAN", "close_date": "DATE",
    }
    assert column_types(warehouse, "raw_marketo", "lead")["unsubscribed"] == "BOOLEAN"
    assert query(warehouse, "select * from raw_salesforce.account order by id") == [
        ("A1", "Acme", True, 10, datetime(2026, 1, 2, 3, 4, 5)),
        ("A2", "Beta", False, None, datetime(2026, 1, 2, 3, 4, 5)),
    ]
    assert query(warehouse, "select min(close_date), sum(amount) from raw_salesforce.opportunity") == [
        (date(2026, 3, 1), 31.5)]


def test_replace_then_append(good_dir: Path, warehouse: Path) -> None:
    # GIVEN a loaded folder
    load(good_dir)
    first = snapshot(warehouse)
    # WHEN it is loaded again: replacing, then appending
    load(good_dir)
    replaced = snapshot(warehouse)
    appended = load(good_dir, append=True)
    # THEN replacing keeps the counts, appending doubles them
    assert replaced == first
    assert {item.mode for item in appended} == {"append"}
    assert {name: rows for name, (rows, _) in snapshot(warehouse).items()} == {
        name: 2 * rows for name, (rows, _) in first.items()}


def test_append_creates_a_missing_table_and_inserts_by_name(tmp_path: Path, warehouse: Path) -> None:
    # GIVEN an account table, and a file with its columns in another order plus a contract table not loaded yet
    load(write_all(tmp_path / "first", {"salesforce/account.csv": ACCOUNT}))
    second = write_all(tmp_path / "second", {
        "salesforce/account.csv": "select 'A3' as id, 'yes' as is_deleted, 'Gamma' as name",
        "mdm/golden_account.parquet": "select 'G1' as golden_account_id, 'Gold' as name",
    })
    # WHEN it is appended
    loaded = load(second, append=True)
    # THEN rows go to their columns by name and the missing table is created
    assert [(item.target, item.mode) for item in loaded] == [
        ("raw_mdm.golden_account", "append (new table)"), ("raw_salesforce.account", "append")]
    assert query(warehouse, "select name, is_deleted, number_of_employees from raw_salesforce.account "
                            "where id = 'A3'") == [("Gamma", True, None)]
    assert query(warehouse, "select * from raw_mdm.golden_account") == [("G1", "Gold")]


def test_append_adds_the_new_columns_of_a_file(tmp_path: Path, warehouse: Path) -> None:
    # GIVEN an account table, and a later file with a contract column and an extra column the table does not have
    load(write_all(tmp_path / "first", {"salesforce/account.csv": "select 'A1' as id, 'Acme' as name"}))
    second = write_all(tmp_path / "second", {"salesforce/account.parquet": (
        "select 'A2' as id, 'Beta' as name, 'beta.example' as website, 7 as \"New Field__c\"")})
    # WHEN it is appended
    load(second, append=True)
    # THEN the table gets both columns (the contract one in its type), earlier rows hold null there
    types = column_types(warehouse, "raw_salesforce", "account")
    assert (types["website"], types["new field__c"]) == ("VARCHAR", "INTEGER")
    assert query(warehouse, 'select id, website, "new field__c" from raw_salesforce.account order by id') == [
        ("A1", None, None), ("A2", "beta.example", 7)]


def test_columns_outside_the_contract_are_kept(tmp_path: Path, warehouse: Path) -> None:
    load(write_all(tmp_path / "in", {
        "salesforce/account.csv": "select 'A1' as id, 'Acme' as name, 'x' as Custom_Field__c",
        "salesforce/contact.parquet": "select 'C1' as id, 'c@example.com' as email, 42 as score",
    }))
    assert column_types(warehouse, "raw_salesforce", "account")["custom_field__c"] == "VARCHAR"
    assert column_types(warehouse, "raw_salesforce", "contact")["score"] == "INTEGER"


# Every text format (accepted and refused values) is tested on the loader and on staging in tests/test_raw_formats.py.


# --- bad input: nothing changes -------------------------------------------------------------------------------------

VALID_FIRST = {"marketo/lead.csv": LEAD}  # sorts (and would be written) before the bad salesforce file

BAD_INPUTS = [
    pytest.param({**VALID_FIRST, "salesforce/contact.csv": "select 'C1' as id, 'x' as name"},
                 ["salesforce/contact.csv", "raw_salesforce.contact", "missing required column 'email'"],
                 id="missing-required-column"),
    pytest.param({**VALID_FIRST, "salesforce/account.csv": "select * from (values ('A1', 'a', '1'), ('A2', 'b', '2x'),"
                                                           " ('A3', 'c', 'oops')) t(id, name, number_of_employees)"},
                 ["salesforce/account.csv", "raw_salesforce.account", "column 'number_of_employees'",
                  "row 2 (line 3)", "'2x'", "2 rows"], id="bad-integer"),
    pytest.param({**VALID_FIRST, "salesforce/account.csv": "select * from (values ('A1', 'multi\nline', 'true'), "
                                                           "('A2', 'b', 'maybe')) t(id, name, is_deleted)"},
                 ["salesforce/account.csv", "raw_salesforce.account", "column 'is_deleted'", "row 2 (line 4)",
                  "'maybe'"], id="bad-boolean-after-multiline-value"),
    pytest.param({**VALID_FIRST, "salesforce/account.csv": "select 'A1' as id, 'a' as name, "
                                                           "'yesterday' as last_modified_date"},
                 ["salesforce/account.csv", "raw_salesforce.account", "column 'last_modified_date'",
                  "row 1 (line 2)", "'yesterday'", "as timestamp"], id="bad-timestamp"),
    pytest.param({**VALID_FIRST, "salesforce/opportunity.parquet": OPPORTUNITY.replace(
        "date '2026-03-01' + i::int", "case when i = 2 then '2026-13-01' else '2026-03-01' end")},
                 ["salesforce/opportunity.parquet", "raw_salesforce.opportunity", "column 'close_date'", "row 3:",
                  "'2026-13-01'"], id="bad-date-in-parquet-text"),
    pytest.param({**VALID_FIRST, "salesforce/opportunity.parquet": "select 'O1' as id, 'A1' as account_id, "
                                                                   "1.0 as amount, 2 as is_won"},
                 ["salesforce/opportunity.parquet", "column 'is_won'", "row 1:", "'2'"], id="bad-boolean-in-parquet"),
    pytest.param({**VALID_FIRST, "salesforce/widget.csv": "select 1 as id"},
                 ["salesforce/widget.csv", "unknown table 'salesforce.widget'"], id="unknown-table"),
    pytest.param({**VALID_FIRST, "hubspot/contact.csv": "select 1 as id"},
                 ["hubspot/contact.csv", "unknown source folder 'hubspot'"], id="unknown-source-folder"),
    pytest.param({**VALID_FIRST, "account.csv": "select 1 as id"},
                 ["account.csv", "not in a source folder"], id="file-outside-source-folder"),
    pytest.param({}, ["no files to load"], id="empty-dir"),
    pytest.param(None, ["no such directory"], id="missing-dir"),
]


@pytest.mark.parametrize(("files", "expected"), BAD_INPUTS)
def test_bad_input_fails_and_changes_nothing(
    tmp_path: Path, good_dir: Path, warehouse: Path, files: dict[str, str] | None, expected: list[str],
) -> None:
    # GIVEN a warehouse with data, and a bad input folder
    load(good_dir)
    before = snapshot(warehouse)
    source = tmp_path / "bad"
    if files is not None:
        write_all(source, files)
    # WHEN the loader runs on it (replacing, as by default)
    result = run_cli(source)
    # THEN it fails with one error line naming what is wrong, and the warehouse is exactly as before
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for fragment in expected:
        assert fragment in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(warehouse) == before


def test_every_problem_in_every_file_is_reported(tmp_path: Path, warehouse: Path) -> None:
    source = write_all(tmp_path / "bad", {
        "salesforce/account.csv": "select 'A1' as id, 'maybe' as is_deleted, 'x' as number_of_employees",
        "salesforce/contact.csv": "select 'C1' as id",
    })
    with pytest.raises(LoadError) as raised:
        load(source)
    assert len(raised.value.problems) == 4  # account: name missing, 2 bad values; contact: email missing
    assert not snapshot(warehouse)


def test_failure_while_writing_rolls_back_every_table(tmp_path: Path, good_dir: Path, warehouse: Path) -> None:
    # GIVEN loaded tables, the account table with an extra integer column, and an append whose second file holds
    # text in that column
    load(good_dir)
    load(write_all(tmp_path / "extra", {"salesforce/account.parquet": "select 'A8' as id, 'Yo' as name, 5 as score"}),
         append=True)
    before = snapshot(warehouse)
    source = write_all(tmp_path / "more", {
        "marketo/lead.csv": LEAD,
        "salesforce/account.csv": "select 'A9' as id, 'Zed' as name, 'x' as score",
    })
    # WHEN it is appended: the first table is written, the second insert fails
    with pytest.raises(LoadError, match=r"account.csv: writing raw_salesforce.account failed, nothing was loaded"):
        load(source, append=True)
    # THEN the first table's rows are rolled back too
    assert snapshot(warehouse) == before


def test_unexpected_error_while_writing_rolls_back(
    good_dir: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a warehouse with one table, and a writer that breaks on its second table
    load(write_all(good_dir.parent / "one", {"mdm/golden_account.csv": "select 'G1' as golden_account_id"}))
    before = snapshot(warehouse)
    calls = []
    real_write = loader._write

    def failing_write(*args: object) -> loader.LoadedFile:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real_write(*args)

    monkeypatch.setattr(loader, "_write", failing_write)
    # WHEN loading three tables THEN the error propagates and nothing of the first table stays
    with pytest.raises(RuntimeError, match="disk on fire"):
        load(good_dir)
    assert snapshot(warehouse) == before


# --- the command line -----------------------------------------------------------------------------------------------

def test_cli_loads_and_prints_a_summary(good_dir: Path, warehouse: Path) -> None:
    result = run_cli(good_dir, "--append", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["file", "table", "rows", "mode"]
    assert any("raw_salesforce.opportunity" in line and " 3 " in line and "append (new table)" in line
               for line in lines)
    assert "6 rows in 3 tables loaded into" in result.stdout
    assert snapshot(warehouse)["raw_salesforce.opportunity"][0] == 3


def test_cli_help_explains_every_option() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("DIR", "--append", "--warehouse", "CDP_DUCKDB_PATH", "exit status"):
        assert option in result.stdout


def test_cli_reports_a_locked_warehouse(good_dir: Path, warehouse: Path) -> None:
    # GIVEN another process holding the warehouse open for writing
    load(good_dir)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(warehouse)!r}); print('ok', flush=True); "
                               "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        # WHEN the loader runs
        result = run_cli(good_dir)
    finally:
        holder.communicate("")
    # THEN it says the warehouse cannot be opened, without a traceback
    assert result.returncode == 1
    assert result.stderr.startswith("error: Cannot open the warehouse") and "Traceback" not in result.stderr


# --- --lenient: unreadable values are loaded as text ----------------------------------------------------------------

# Row 2 has a bad boolean, integer and timestamp; annual_revenue is readable everywhere; row 3 has empty values.
MESSY_ACCOUNT = ("select * from (values "
                 "('A1', 'Acme', 'true', '10', '2026-01-02 03:04:05', '1.5'), "
                 "('A2', 'Beta', 'maybe', ' 12x ', 'yesterday', '2e3'), "
                 "('A3', 'Gamma', '', '', '2026-01-02T03:04:05Z', '')) "
                 "t(id, name, is_deleted, number_of_employees, system_modstamp, annual_revenue)")
MESSY_WARNINGS = [  # in contract order
    f"column number_of_employees has 1 value(s) that are not a valid integer (expected {EXAMPLES['integer']}), "
    "e.g. row 2 (line 3): ' 12x '; loaded as text",
    f"column is_deleted has 1 value(s) that are not a valid boolean (expected {EXAMPLES['boolean']}), "
    "e.g. row 2 (line 3): 'maybe'; loaded as text",
    f"column system_modstamp has 1 value(s) that are not a valid timestamp (expected {EXAMPLES['timestamp']}), "
    "e.g. row 2 (line 3): 'yesterday'; loaded as text",
]


@pytest.fixture
def messy_dir(tmp_path: Path) -> Path:
    """A valid marketo lead (written first) and a salesforce account with unreadable values in three columns."""
    return write_all(tmp_path / "messy", {**VALID_FIRST, "salesforce/account.csv": MESSY_ACCOUNT})


@pytest.mark.parametrize(("column", "data_type", "values"), [
    pytest.param("is_deleted", "VARCHAR", ["true", "maybe", None], id="bad-boolean-as-text"),
    pytest.param("number_of_employees", "VARCHAR", ["10", " 12x ", None], id="bad-integer-as-raw-text"),
    pytest.param("system_modstamp", "VARCHAR", ["2026-01-02 03:04:05", "yesterday", "2026-01-02T03:04:05Z"],
                 id="bad-timestamp-as-text"),
    pytest.param("annual_revenue", "DOUBLE", [1.5, 2000.0, None], id="readable-float-keeps-type"),
    pytest.param("name", "VARCHAR", ["Acme", "Beta", "Gamma"], id="string-unchanged"),
])
def test_lenient_loads_unreadable_columns_as_text(
    messy_dir: Path, warehouse: Path, column: str, data_type: str, values: list[object],
) -> None:
    # GIVEN a CSV with a bad boolean, a bad integer and a bad timestamp
    # WHEN it is loaded with lenient
    loaded = load(messy_dir, lenient=True)
    # THEN it loads; the unreadable columns are VARCHAR holding the text as in the file (empty -> NULL),
    # the other columns keep their contract types
    assert [(item.target, item.rows, item.text_columns) for item in loaded] == [
        ("raw_marketo.lead", 1, ()),
        ("raw_salesforce.account", 3, ("number_of_employees", "is_deleted", "system_modstamp")),
    ]
    assert column_types(warehouse, "raw_salesforce", "account")[column] == data_type
    assert [value for (value,) in query(warehouse, f"select {column} from raw_salesforce.account order by id")] \
        == values
    assert column_types(warehouse, "raw_marketo", "lead")["unsubscribed"] == "BOOLEAN"


def test_cli_lenient_warns_about_each_text_column(messy_dir: Path, warehouse: Path) -> None:
    # WHEN the messy folder is loaded from the command line with --lenient
    result = run_cli(messy_dir, "--lenient")
    # THEN it succeeds, with one warning line per column loaded as text, and the summary names those columns
    assert result.returncode == 0, result.stderr
    path = messy_dir / "salesforce" / "account.csv"
    assert result.stderr.splitlines() == [f"warning: {path}: {warning}" for warning in MESSY_WARNINGS]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["file", "table", "rows", "mode", "loaded", "as", "text"]
    assert any(line.startswith(str(path)) and line.endswith("number_of_employees, is_deleted, system_modstamp")
               for line in lines)
    assert any("raw_marketo.lead" in line and line.endswith(" -") for line in lines)
    assert column_types(warehouse, "raw_salesforce", "account")["system_modstamp"] == "VARCHAR"


def test_without_lenient_the_messy_file_fails_and_changes_nothing(
    messy_dir: Path, good_dir: Path, warehouse: Path,
) -> None:
    # GIVEN a warehouse with data
    load(good_dir)
    before = snapshot(warehouse)
    # WHEN the messy folder is loaded without --lenient
    result = run_cli(messy_dir)
    # THEN each unreadable column is an error, no warning, and nothing is written (not even the valid lead file)
    assert result.returncode == 1 and result.stdout == ""
    errors = result.stderr.splitlines()
    assert len(errors) == 3 and all(line.startswith("error: ") for line in errors), result.stderr
    for column, value in (("is_deleted", "'maybe'"), ("number_of_employees", "' 12x '"),
                          ("system_modstamp", "'yesterday'")):
        assert any(f"column '{column}', row 2 (line 3): cannot read {value}" in line for line in errors)
    assert snapshot(warehouse) == before


def test_lenient_loads_unreadable_parquet_values_as_text(tmp_path: Path, warehouse: Path) -> None:
    # GIVEN a Parquet file whose boolean column holds numbers other than 0/1
    source = write_all(tmp_path / "in", {"salesforce/opportunity.parquet": (
        "select 'O' || i as id, 'A1' as account_id, 1.0 as amount, i as is_won from range(3) t(i)")})
    # WHEN it is loaded with lenient THEN that column is text, the others keep their types
    loaded = load(source, lenient=True)
    assert loaded[0].text_columns == ("is_won",)
    types = column_types(warehouse, "raw_salesforce", "opportunity")
    assert (types["is_won"], types["amount"]) == ("VARCHAR", "DOUBLE")
    assert query(warehouse, "select is_won from raw_salesforce.opportunity order by id") == [("0",), ("1",), ("2",)]


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param({**VALID_FIRST, "salesforce/account.csv": MESSY_ACCOUNT,
                  "salesforce/contact.csv": "select 'C1' as id, 'x' as name"},
                 ["salesforce/contact.csv", "raw_salesforce.contact", "missing required column 'email'"],
                 id="missing-required-column"),
    pytest.param({**VALID_FIRST, "salesforce/widget.csv": "select 1 as id"},
                 ["salesforce/widget.csv", "unknown table 'salesforce.widget'"], id="unknown-table"),
    pytest.param({**VALID_FIRST, "hubspot/contact.csv": "select 1 as id"},
                 ["hubspot/contact.csv", "unknown source folder 'hubspot'"], id="unknown-source-folder"),
    pytest.param({**VALID_FIRST, "salesforce/account.csv": ACCOUNT, "salesforce/Account.parquet": ACCOUNT},
                 ["table salesforce.account also comes from"], id="duplicate-table-files"),
    pytest.param({}, ["no files to load"], id="empty-dir"),
    pytest.param(None, ["no such directory"], id="missing-dir"),
])
def test_lenient_still_refuses_everything_but_values(
    tmp_path: Path, good_dir: Path, warehouse: Path, files: dict[str, str] | None, expected: list[str],
) -> None:
    # GIVEN a warehouse with data, and an input folder with a problem that is not about values
    load(good_dir)
    before = snapshot(warehouse)
    source = tmp_path / "bad"
    if files is not None:
        write_all(source, files)
    # WHEN it is loaded with --lenient
    result = run_cli(source, "--lenient")
    # THEN it fails with the error, without warnings (nothing was loaded as text), and nothing changes
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("error: ") and "warning" not in result.stderr, result.stderr
    for fragment in expected:
        assert fragment in result.stderr
    assert snapshot(warehouse) == before


def test_lenient_append_of_text_onto_a_typed_column_is_an_error(
    messy_dir: Path, good_dir: Path, warehouse: Path,
) -> None:
    # GIVEN an account table with typed columns
    load(good_dir)
    before = snapshot(warehouse)
    # WHEN the messy account (three columns loaded as text) is appended with lenient
    with pytest.raises(LoadError) as raised:
        load(messy_dir, append=True, lenient=True)
    # THEN each conflicting column is an error naming file, table, column and existing type; nothing is written
    problems = raised.value.problems
    assert len(problems) == 3
    for column, existing in (("is_deleted", "BOOLEAN"), ("number_of_employees", "BIGINT"),
                             ("system_modstamp", "TIMESTAMP")):
        assert any(problem.startswith(str(messy_dir / "salesforce" / "account.csv"))
                   and "cannot append to raw_salesforce.account" in problem and f"column '{column}'" in problem
                   and f"holds it as {existing}" in problem for problem in problems), problems
    assert snapshot(warehouse) == before


def test_lenient_append_onto_text_columns(messy_dir: Path, good_dir: Path, warehouse: Path) -> None:
    # GIVEN an account table loaded leniently (three text columns)
    load(messy_dir, lenient=True)
    # WHEN the messy file and then a clean file are appended
    load(messy_dir, append=True, lenient=True)
    load(good_dir, append=True)
    # THEN the rows are added, the text columns stay text (clean values as their text)
    assert column_types(warehouse, "raw_salesforce", "account")["is_deleted"] == "VARCHAR"
    assert query(warehouse, "select count(*), count(*) filter (where is_deleted = 'maybe') "
                            "from raw_salesforce.account") == [(8, 2)]
    assert query(warehouse, "select is_deleted, number_of_employees from raw_salesforce.account "
                            "where id = 'A1' and name = 'Acme' order by all") == [
        ("true", "10"), ("true", "10"), ("true", "10")]


def test_cli_help_explains_lenient() -> None:
    result = run_cli("--help")
    assert result.returncode == 0 and "--lenient" in result.stdout and "as text" in result.stdout


def test_scripts_connect_with_the_profiles_memory_cap_and_spill_folder(tmp_path: Path, monkeypatch) -> None:
    # GIVEN a memory cap set the way profiles.yml reads it for dbt
    monkeypatch.setenv("CDP_DUCKDB_MEMORY_LIMIT", "1GB")
    from cdp.warehouse.connection import connect, out_of_memory_message

    # WHEN a script opens the warehouse
    con = connect(tmp_path / "w.duckdb")
    try:
        limit, spill = con.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    finally:
        con.close()

    # THEN it runs under the same cap and spills next to the file, as dbt does (profiles.yml)
    assert limit == "953.6 MiB", limit  # DuckDB shows 1GB (10^9 bytes) in binary units
    assert spill == f"{tmp_path / 'w.duckdb'}.tmp"
    # and running out of memory says which variable to raise, with its current value
    assert "raise CDP_DUCKDB_MEMORY_LIMIT" in out_of_memory_message(RuntimeError("x"))
    assert "CDP_DUCKDB_MEMORY_LIMIT=1GB" in out_of_memory_message(RuntimeError("x"))

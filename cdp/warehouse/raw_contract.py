"""The raw data contract, read from the dbt source definitions (models/staging/<source>/_<source>__sources.yml).

Those yml files are the single source of truth: every source lists its tables, every table its columns with a
logical `data_type`; `config.meta.required` marks required columns and `config.meta.optional` tables that may be absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cdp.warehouse.connection import PROJECT_ROOT
from cdp.warehouse.raw_formats import render_formats_macro

CONTRACT_DIR = PROJECT_ROOT / "models" / "staging"
CONTRACT_GLOB = "*/_*__sources.yml"

# PyYAML's safe loader in C (libyaml) where the wheel has it: a tenth of the pure-Python one's time, and every load
# reads the contract.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "integer": "BIGINT",
    "float": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


class ContractError(ValueError):
    """The contract yml itself is malformed (names the file and what is wrong)."""


@dataclass(frozen=True)
class Column:
    name: str
    logical_type: str
    required: bool = False

    @property
    def duckdb_type(self) -> str:
        return duckdb_type(self.logical_type)


@dataclass(frozen=True)
class Table:
    source: str
    name: str
    columns: tuple[Column, ...]
    optional: bool = False

    @property
    def schema(self) -> str:
        """The warehouse schema the raw table lives in (raw_<source>, the dbt vars' default)."""
        return f"raw_{self.source}"

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)


@dataclass(frozen=True)
class Source:
    name: str
    tables: dict[str, Table]
    path: Path


def duckdb_type(logical_type: str) -> str:
    """The DuckDB type of a logical contract type."""
    try:
        return DUCKDB_TYPES[logical_type]
    except KeyError:
        raise ContractError(f"unknown contract type {logical_type!r} (known: {', '.join(DUCKDB_TYPES)})") from None


def _meta(node: dict) -> dict:
    return ((node.get("config") or {}).get("meta")) or {}


def _parse_table(source: str, node: dict, path: Path) -> Table:
    columns = []
    for column in node.get("columns") or []:
        name, logical = str(column["name"]).lower(), column.get("data_type")
        if logical not in DUCKDB_TYPES:
            raise ContractError(f"{path}: {source}.{node['name']}.{name} has data_type {logical!r}; "
                                f"expected one of {', '.join(DUCKDB_TYPES)}")
        columns.append(Column(name, logical, bool(_meta(column).get("required", False))))
    return Table(source, str(node["name"]).lower(), tuple(columns), bool(_meta(node).get("optional", False)))


def parse_sources_file(path: Path) -> list[Source]:
    """The sources defined in one dbt sources yml file."""
    document = yaml.load(path.read_text(), Loader=YAML_LOADER) or {}
    sources = []
    for node in document.get("sources") or []:
        name = str(node["name"]).lower()
        tables = [_parse_table(name, table, path) for table in node.get("tables") or []]
        sources.append(Source(name, {table.name: table for table in tables}, path))
    return sources


def load_contract(root: Path = CONTRACT_DIR) -> dict[str, Source]:
    """Every source of the raw contract under `root`, by name."""
    contract: dict[str, Source] = {}
    for path in sorted(root.glob(CONTRACT_GLOB)):
        for source in parse_sources_file(path):
            if source.name in contract:
                raise ContractError(f"{path}: source {source.name!r} is also defined in {contract[source.name].path}")
            contract[source.name] = source
    if not contract:
        raise ContractError(f"no raw contract found ({root}/{CONTRACT_GLOB})")
    return contract


# dbt compiles unit tests without the project's graph, so the source definitions cannot be read there. This macro
# carries the contract's column names and logical types into that context (see macros/tests/unit_test_fixtures.sql);
# it is generated from the source ymls, and a build stops when the two differ (macro raw_columns_select).
CONTRACT_MACRO = PROJECT_ROOT / "macros" / "staging" / "raw_contract_columns.sql"
# The formats of raw text (cdp/warehouse/raw_formats.py) reach dbt the same way.
FORMATS_MACRO = PROJECT_ROOT / "macros" / "staging" / "raw_value_formats.sql"
CONTRACT_MACRO_COMMAND = "make raw-contract-macro"


def render_contract_macro(contract: dict[str, Source]) -> str:
    """The text of macros/staging/raw_contract_columns.sql for `contract`."""
    lines = [
        "{#",
        "    Generated from the raw data contract (models/staging/<source>/_<source>__sources.yml) by",
        f"    `{CONTRACT_MACRO_COMMAND}`: do not edit. Every raw table's columns and logical types, for the",
        "    unit-test fixtures of raw tables (macro get_fixture_sql), which dbt compiles without the project's graph.",
        "    A build stops when this copy and the yml differ (macro raw_columns_select).",
        "#}",
        "{% macro raw_contract_columns() -%}",
        "    {{ return({",
    ]
    tables = [table for source in contract.values() for table in source.tables.values()]
    for index, table in enumerate(tables):
        lines.append(f"        '{table.source}.{table.name}': [")
        lines += [f"            ['{column.name}', '{column.logical_type}']" + ("," if position < len(table.columns) - 1 else "")
                  for position, column in enumerate(table.columns)]
        lines.append("        ]" + ("," if index < len(tables) - 1 else ""))
    lines += ["    }) }}", "{%- endmacro %}", ""]
    return "\n".join(lines)


def generated_macros() -> list[tuple[Path, str]]:
    """Each macro generated from the contract and from cdp.warehouse.raw_formats, with the text it should have
    (written, or checked, by `make raw-contract-macro`: cdp.cli.raw_contract_macro)."""
    return [(CONTRACT_MACRO, render_contract_macro(load_contract())), (FORMATS_MACRO, render_formats_macro())]

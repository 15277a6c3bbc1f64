"""The segment registry: every audience declared in models/segments/seg_*.sql (macro segment), found by dbt.

A segment is one file; the models that cover every segment (segment_membership, _qualifications, _summary,
_definitions, the split log) and the ranks of priority groups need the list of segments when dbt parses the project,
before dbt can report it (dbt's graph is empty while it parses). So the declarations are read from dbt's own
manifest (`dbt parse`) and written into two generated files:

- macros/segments/segment_registry.sql: macro segment_registry(), every declaration by segment name;
- models/segments/_segments__models.yml: each segment table's description, contract and tests (its columns are
  the same for every segment of a grain).

`make segments` (python -m cdp.cli.segments) writes them; `make build`, `make demo` and `make test` run it first,
and the dbt test segment_registry_is_current fails a build whose registry is stale, naming the command.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml

from cdp.warehouse.connection import PROJECT_ROOT
from cdp.warehouse.dbt_runner import run_dbt

REGISTRY_MACRO = PROJECT_ROOT / "macros" / "segments" / "segment_registry.sql"
SEGMENTS_YML = PROJECT_ROOT / "models" / "segments" / "_segments__models.yml"
COMMAND = "make segments"

# The columns of a segment's table, by grain (macro segment_members_sql), with their descriptions and tests.
ASSIGNMENT_COLUMNS = [
    {"name": "split_group", "description": "{{ doc('segment_split_group') }}", "data_type": "string"},
    {"name": "assignment", "description": "{{ doc('segment_assignment') }}", "data_type": "string",
     "data_tests": [{"not_null_accepted_values": {"arguments": {"values": [
         "member", "holdout", "suppressed", "excluded", "outranked"]}}}]},
    {"name": "assignment_reason", "description": "{{ doc('segment_assignment_reason') }}", "data_type": "string"},
    {"name": "as_of_at", "description": "{{ doc('as_of_at') }}", "data_type": "timestamp"},
]
GRAIN_COLUMNS: dict[str, list[dict[str, Any]]] = {
    "person": [
        {"name": "person_id", "description": "{{ doc('person_id') }}", "data_type": "string",
         "data_tests": ["primary_key", {"relationships": {"arguments": {"to": "ref('dim_persons')",
                                                                        "field": "person_id"}}}]},
        {"name": "email", "description": "{{ doc('email') }}", "data_type": "string",
         "config": {"meta": {"pii": True}}},
        {"name": "is_marketable", "description": "{{ doc('is_marketable') }}", "data_type": "boolean"},
        {"name": "account_id", "description": "The person's account with the most closed-won revenue.",
         "data_type": "string",
         "data_tests": [{"relationships": {"arguments": {"to": "ref('dim_accounts')", "field": "account_id"}}}]},
    ],
    "account": [
        {"name": "account_id", "description": "{{ doc('account_id') }}", "data_type": "string",
         "data_tests": ["primary_key", {"relationships": {"arguments": {"to": "ref('dim_accounts')",
                                                                        "field": "account_id"}}}]},
        {"name": "account_name", "description": "{{ doc('account_name') }}", "data_type": "string"},
        {"name": "domain", "description": "The account's web domain (dim_accounts.domain).", "data_type": "string"},
    ],
}
# The keys of a declaration (macro segment), in the order the registry writes them.
DECLARATION_KEYS = ("description", "owner", "grain", "conditions", "activation", "priority_group", "priority",
                    "split", "exclude")


class SegmentError(Exception):
    """The declarations cannot be read (dbt parse failed); the message says why."""


def declarations_from_manifest(manifest: dict) -> dict[str, dict[str, Any]]:
    """Every segment's declaration (meta.segment of a model under models/segments), by segment name, sorted."""
    found = {}
    for node in manifest["nodes"].values():
        declaration = ((node.get("config") or {}).get("meta") or {}).get("segment")
        if node.get("resource_type") == "model" and declaration is not None:
            found[node["name"]] = {key: declaration.get(key) for key in DECLARATION_KEYS}
    return dict(sorted(found.items()))


def read_declarations() -> dict[str, dict[str, Any]]:
    """The declarations as dbt parses them now (a `dbt parse` into a temporary target folder)."""
    with tempfile.TemporaryDirectory(prefix="cdp-segments-") as target:
        result = run_dbt(["parse", "--target-path", target, "--log-path", target], None)
        if result.returncode != 0:
            tail = "\n".join(result.stdout.splitlines()[-15:])
            raise SegmentError(f"dbt parse failed, so the segment declarations cannot be read:\n{tail}")
        return declarations_from_manifest(json.loads((Path(target) / "manifest.json").read_text()))


def jinja_literal(value: Any) -> str:
    """`value` (text, number, boolean, None, list, dict) as a Jinja literal."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(jinja_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{jinja_literal(str(key))}: {jinja_literal(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as a Jinja literal")


def render_registry(declarations: dict[str, dict[str, Any]]) -> str:
    """The text of macros/segments/segment_registry.sql."""
    lines = [
        "{#",
        f"    Generated from the segment declarations (models/segments/seg_*.sql, macro segment) by `{COMMAND}`:",
        "    do not edit. Every segment's declaration by name, for the models that cover every segment and for the",
        "    ranks of priority groups, which dbt needs while it parses (its graph is empty then). The dbt test",
        "    segment_registry_is_current fails a build whose registry differs from the declarations.",
        "#}",
        "{% macro segment_registry() -%}",
        "    {{ return({",
    ]
    names = list(declarations)
    for index, name in enumerate(names):
        lines.append(f"        {jinja_literal(name)}: {{")
        entries = list(declarations[name].items())
        for position, (key, value) in enumerate(entries):
            comma = "," if position < len(entries) - 1 else ""
            items = list(value.items()) if isinstance(value, dict) and key == "conditions" else value
            if isinstance(value, (dict, list)) and value and key in ("conditions", "activation"):
                # one condition or destination a line
                opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
                lines.append(f"            {jinja_literal(key)}: {opening}")
                for number, item in enumerate(items):
                    text = (f"{jinja_literal(item[0])}: {jinja_literal(item[1])}" if isinstance(value, dict)
                            else jinja_literal(item))
                    lines.append(f"                {text}" + ("," if number < len(items) - 1 else ""))
                lines.append(f"            {closing}{comma}")
            else:
                lines.append(f"            {jinja_literal(key)}: {jinja_literal(value)}{comma}")
        lines.append("        }" + ("," if index < len(names) - 1 else ""))
    lines += ["    }) }}", "{%- endmacro %}", ""]
    return "\n".join(lines)


def render_models_yml(declarations: dict[str, dict[str, Any]]) -> str:
    """The text of models/segments/_segments__models.yml: each segment table, contracted."""
    models = []
    for name, declaration in declarations.items():
        models.append({
            "name": name,
            "description": declaration["description"],
            "config": {"group": "customer_data", "access": "public", "contract": {"enforced": True}},
            "columns": copy.deepcopy(GRAIN_COLUMNS[declaration["grain"]] + ASSIGNMENT_COLUMNS),
        })
    header = (f"# Generated from the segment declarations (models/segments/seg_*.sql) by `{COMMAND}`: do not edit.\n"
              "# Each segment's table (macro segment_members_sql): the candidates who pass every condition, with their\n"
              "# assignment. Its conditions and evidence are in <segment>__evaluated (README, Segments).\n")
    return header + yaml.dump({"version": 2, "models": models}, Dumper=_IndentedDumper, sort_keys=False, width=116,
                              allow_unicode=True)


class _IndentedDumper(yaml.SafeDumper):
    """YAML as the project's hand-written ymls are indented: list items under their key, indented."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def generated_files(declarations: dict[str, dict[str, Any]]) -> list[tuple[Path, str]]:
    """Each generated file with the text it should have."""
    return [(REGISTRY_MACRO, render_registry(declarations)), (SEGMENTS_YML, render_models_yml(declarations))]

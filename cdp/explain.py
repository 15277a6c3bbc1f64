"""Why is a person in a segment, or not? Evaluates each condition of the segment's definition for one person, with
the SQL the segment model itself uses (stored in segments.segment_definitions), and shows the identities and
accounts that were unified into the person. The command line is cdp.cli.explain (scripts/explain.py)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from cdp.text_table import format_table
from cdp.warehouse.connection import table_exists
from cdp.warehouse.sql import quote_identifier


class ExplainError(Exception):
    """A problem the user can act on."""


@dataclass(frozen=True)
class ConditionResult:
    name: str
    description: str
    value: str
    passed: bool
    subject: str  # the person, or the account the condition was evaluated on


@dataclass(frozen=True)
class Explanation:
    segment: str
    person_id: str
    email: str | None
    is_member: bool
    is_marketable: bool
    as_of: str | None
    conditions: list[ConditionResult]
    identities: list[tuple[str, str, str, str | None]]
    accounts: list[tuple[str, str | None, str, str, str]]


def _require_built(con: duckdb.DuckDBPyConnection) -> None:
    for schema, table in (("segments", "segment_definitions"), ("segments", "segment_membership"),
                          ("marts", "dim_persons")):
        if not table_exists(con, schema, table):
            raise ExplainError(f"the warehouse has no table {schema}.{table}: run dbt build first")


def _relation(schema_and_table: str) -> str:
    """A stored ``schema.table`` as SQL, each part quoted."""
    return ".".join(quote_identifier(part) for part in schema_and_table.split(".", 1))


def find_person(con: duckdb.DuckDBPyConnection, email: str | None, person_id: str | None) -> tuple[str, str | None, bool]:
    if person_id:
        rows = con.execute(
            "select person_id, email, is_marketable from marts.dim_persons where person_id = ?", [person_id]
        ).fetchall()
    else:
        # Any source record's email finds the person, not only the one that survived.
        rows = con.execute(
            "select distinct p.person_id, p.email, p.is_marketable from marts.dim_persons as p"
            " left join marts.person_identity_map as m on m.person_id = p.person_id"
            " where p.email = lower(trim(?)) or m.email = lower(trim(?)) order by 1",
            [email, email],
        ).fetchall()
    if not rows:
        raise ExplainError(f"no person with {'person_id ' + person_id if person_id else 'email ' + str(email)}")
    if len(rows) > 1:
        ids = ", ".join(row[0] for row in rows)
        raise ExplainError(f"{email} belongs to several persons ({ids}): use --person-id")
    return rows[0]


def explain(con: duckdb.DuckDBPyConnection, segment: str, email: str | None = None,
            person_id: str | None = None) -> Explanation:
    _require_built(con)
    definitions = con.execute(
        "select condition_name, description, source_relation, key_column, value_sql, passes_sql"
        " from segments.segment_definitions where segment_name = ? order by condition_order",
        [segment],
    ).fetchall()
    if not definitions:
        known = [row[0] for row in con.execute(
            "select distinct segment_name from segments.segment_definitions order by 1").fetchall()]
        raise ExplainError(f"unknown segment {segment!r}; known segments: {', '.join(known)}")
    person_id, person_email, is_marketable = find_person(con, email, person_id)

    accounts = con.execute(
        "select b.account_id, a.account_name, cast(a.won_revenue_usd as varchar),"
        " cast(a.open_pipeline_usd as varchar), b.relation_types"
        " from marts.bridge_person_accounts as b join marts.dim_accounts as a using (account_id)"
        " where b.person_id = ? order by a.won_revenue_usd desc, b.account_id",
        [person_id],
    ).fetchall()
    conditions: list[ConditionResult] = []
    as_of = None
    for name, description, relation, key, value_sql, passes_sql in definitions:
        subjects = [person_id] if key == "person_id" else [row[0] for row in accounts]
        for subject in subjects:
            # value_sql and passes_sql are SQL by design (rendered by dbt from the project's segment definitions)
            row = con.execute(
                f"select cast(({value_sql}) as varchar), coalesce(({passes_sql}), false), cast(as_of_at as varchar)"
                f" from {_relation(relation)} where {quote_identifier(key)} = ?",
                [subject],
            ).fetchone()
            value, passed, as_of = row if row else (None, False, as_of)
            label = "person" if key == "person_id" else f"account {subject}"
            conditions.append(ConditionResult(name, description, "null" if value is None else value, bool(passed), label))
    is_member = bool(con.execute(
        "select count(*) from segments.segment_membership where segment_name = ? and person_id = ?",
        [segment, person_id],
    ).fetchone()[0])
    identities = con.execute(
        "select source_system, source_object, source_id, email from marts.person_identity_map"
        " where person_id = ? order by 1, 2, 3",
        [person_id],
    ).fetchall()
    return Explanation(segment, person_id, person_email, is_member, bool(is_marketable), as_of, conditions,
                       identities, accounts)


def format_explanation(result: Explanation) -> str:
    verdict = "IN" if result.is_member else "NOT IN"
    lines = [
        f"{result.email or result.person_id} is {verdict} {result.segment}"
        + ("" if result.is_marketable else " (not marketable: never sent to a destination)"),
        f"person_id {result.person_id}, evaluated as of {result.as_of}",
        "",
        "conditions (all must pass):",
    ]
    lines += format_table([("condition", "on", "value", "result")] + [
        (c.name, c.subject, c.value, "pass" if c.passed else "FAIL") for c in result.conditions
    ], indent="  ")
    for condition in result.conditions:
        if not condition.passed:
            lines.append(f"  - {condition.name} fails: needs {condition.description}")
    lines += ["", "unified from:"]
    lines += format_table([("system", "object", "id", "email")] + [
        (system, obj, source_id, email or "") for system, obj, source_id, email in result.identities
    ], indent="  ")
    lines += ["", "accounts:"]
    if result.accounts:
        lines += format_table([("account", "id", "won usd", "open pipeline usd", "related by")] + [
            (name or "", account_id, won, pipeline, relation)
            for account_id, name, won, pipeline, relation in result.accounts
        ], indent="  ")
    else:
        lines.append("  (none)")
    return "\n".join(lines)

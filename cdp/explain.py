"""Why is a person in a segment, or not? Reads each condition of the segment's declaration for one person in the
segment's evaluation (segments.<segment>__evaluated, exactly what the segment's table was built from), with the
evidence beside it; then what the assignment decided (member, holdout, suppressed, excluded, outranked: from
segments.segment_qualifications) and why; and the identities and accounts that were unified into the person. The
command line is cdp.cli.explain (scripts/explain.py)."""

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
    passed: bool
    subject: str  # the person, or the account the condition was evaluated on


@dataclass(frozen=True)
class Explanation:
    segment: str
    person_id: str
    email: str | None
    assignment: str | None  # None: the person did not pass every condition
    assignment_reason: str | None
    split_group: str | None
    is_marketable: bool
    as_of: str | None
    conditions: list[ConditionResult]
    evidence: list[tuple[str, str, str]]  # (subject, column, value) from the evaluation
    identities: list[tuple[str, str, str, str | None]]
    accounts: list[tuple[str, str | None, str, str, str]]

    @property
    def is_member(self) -> bool:
        """In the segment's audience: a member (sent when marketable) or in the split's holdout (never sent)."""
        return self.assignment in ("member", "holdout")


def _require_built(con: duckdb.DuckDBPyConnection) -> None:
    for schema, table in (("segments", "segment_definitions"), ("segments", "segment_qualifications"),
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


def _evaluated_rows(con: duckdb.DuckDBPyConnection, relation: str, key: str,
                    subjects: list[str]) -> dict[str, dict[str, object]]:
    """The segment's evaluation for each subject (a person_id or account_id): its columns by name."""
    rows: dict[str, dict[str, object]] = {}
    for subject in subjects:
        cursor = con.execute(f"select * from {_relation(relation)} where {quote_identifier(key)} = ?", [subject])
        found = cursor.fetchone()
        if found is not None:
            rows[subject] = dict(zip([column[0] for column in cursor.description], found))
    return rows


def explain(con: duckdb.DuckDBPyConnection, segment: str, email: str | None = None,
            person_id: str | None = None) -> Explanation:
    _require_built(con)
    definitions = con.execute(
        "select condition_name, description, key_column, evaluated_relation"
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
    key, relation = definitions[0][2], definitions[0][3]
    subjects = [person_id] if key == "person_id" else [row[0] for row in accounts]
    evaluated = _evaluated_rows(con, relation, key, subjects)
    names = {name for name, *_ in definitions}
    conditions = [
        ConditionResult(name, description, bool(evaluated.get(subject, {}).get(name)),
                        "person" if key == "person_id" else f"account {subject}")
        for name, description, *_ in definitions for subject in subjects
    ]
    evidence = [
        ("person" if key == "person_id" else f"account {subject}", column, "null" if value is None else str(value))
        for subject, row in evaluated.items() for column, value in row.items() if column not in names | {key}
    ]
    assigned = con.execute(
        "select assignment, assignment_reason, split_group from segments.segment_qualifications"
        " where segment_name = ? and person_id = ?",
        [segment, person_id],
    ).fetchone()
    as_of = con.execute("select cast(max(as_of_at) as varchar) from marts.person_traits").fetchone()[0] \
        if table_exists(con, "marts", "person_traits") else None
    identities = con.execute(
        "select source_system, source_object, source_id, email from marts.person_identity_map"
        " where person_id = ? order by 1, 2, 3",
        [person_id],
    ).fetchall()
    assignment, reason, split_group = assigned if assigned else (None, None, None)
    return Explanation(segment, person_id, person_email, assignment, reason, split_group, bool(is_marketable), as_of,
                       conditions, evidence, identities, accounts)


def _verdict(result: Explanation) -> str:
    """The first line: in or not, and what decided it."""
    who = result.email or result.person_id
    if result.assignment == "member":
        return f"{who} is IN {result.segment}" + (
            "" if result.is_marketable else " (not marketable: never sent to a destination)")
    if result.assignment == "holdout":
        return f"{who} is IN {result.segment}, in the split's holdout group: never sent to a destination"
    if result.assignment is not None:
        return f"{who} is NOT IN {result.segment}: {result.assignment}, {result.assignment_reason}"
    return f"{who} is NOT IN {result.segment}: a condition fails"


def format_explanation(result: Explanation) -> str:
    lines = [
        _verdict(result),
        f"person_id {result.person_id}, evaluated as of {result.as_of}",
        "",
        "conditions (all must pass):",
    ]
    lines += format_table([("condition", "on", "result")] + [
        (c.name, c.subject, "pass" if c.passed else "FAIL") for c in result.conditions
    ], indent="  ")
    for condition in result.conditions:
        if not condition.passed:
            lines.append(f"  - {condition.name} fails: needs {condition.description}")
    if result.evidence:
        lines += ["", "evidence:"]
        lines += format_table([("on", "fact", "value")] + list(result.evidence), indent="  ")
    if result.assignment is not None:
        lines += ["", "assignment (after every condition passed):",
                  f"  {result.assignment}" + (f": {result.assignment_reason}" if result.assignment_reason else "")
                  + (f" (split group {result.split_group})" if result.split_group else "")]
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

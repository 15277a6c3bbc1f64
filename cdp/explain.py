"""Why is a person in a segment, or not? Reads each condition of the segment's declaration for one person in the
segment's evaluation (segments.<segment>__evaluated, exactly what the segment's table was built from), with the
evidence beside it; then what the assignment decided (member, holdout, suppressed, excluded, outranked: from
segments.segment_qualifications) and why; and the identities and accounts that were unified into the person.

How an account was unified (explain_account): the source accounts it is formed from and why each joined (the MDM
crosswalk, a steward's match, the matching model's probability), the model's per-field evidence for each applied
pair, and the near misses: the pairs with records of other accounts that were not joined, and why. The command line
is cdp.cli.explain (scripts/explain.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdp.text_table import format_table
from cdp.warehouse.connection import Warehouse


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


def _require_built(con: Warehouse) -> None:
    for schema, table in (("segments", "segment_definitions"), ("segments", "segment_qualifications"),
                          ("marts", "dim_persons")):
        if not con.table_exists(schema, table):
            raise ExplainError(f"the warehouse has no table {schema}.{table}: run dbt build first")


def _relation(con: Warehouse, schema_and_table: str) -> str:
    """A stored ``schema.table`` as SQL, each part quoted as the engine quotes a name."""
    return ".".join(con.quote(part) for part in schema_and_table.split(".", 1))


def _one_of(values: Sequence[object]) -> str:
    """``(?, ?, ...)``, a parameter per value, for ``in``: a list of values both engines take (a list bound as one
    parameter would need DuckDB's ``unnest``, which Spark spells ``explode``). At least one value."""
    return "(" + ", ".join(["?"] * len(values)) + ")"


def find_person(con: Warehouse, email: str | None, person_id: str | None) -> tuple[str, str | None, bool]:
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


def _evaluated_rows(con: Warehouse, relation: str, key: str,
                    subjects: list[str]) -> dict[str, dict[str, object]]:
    """The segment's evaluation for each subject (a person_id or account_id): its columns by name."""
    rows: dict[str, dict[str, object]] = {}
    for subject in subjects:
        cursor = con.execute(f"select * from {_relation(con, relation)} where {con.quote(key)} = ?", [subject])
        found = cursor.fetchone()
        if found is not None:
            rows[subject] = dict(zip([column[0] for column in cursor.description], found))
    return rows


def explain(con: Warehouse, segment: str, email: str | None = None,
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
        "select b.account_id, a.account_name, cast(a.won_revenue_usd as string),"
        " cast(a.open_pipeline_usd as string), b.relation_types"
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
    as_of = con.execute("select cast(max(as_of_at) as string) from marts.person_traits").fetchone()[0] \
        if con.table_exists("marts", "person_traits") else None
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


# --- How an account was unified -------------------------------------------------------------------------------------

MATCH_RECORDS = "intermediate.int_account_match_records"
MATCH_PAIRS = "intermediate.int_account_match_pairs_decided"
MATCH_SCORES = "intermediate.int_account_match_scores"
STEWARD_DECISIONS = "staging.stg_mdm__account_match_decisions"
NEAR_MISS_LIMIT = 5

# Why a pair that was not applied kept its records apart, by decision (conflicts and undone joins: _near_miss_why).
_APART_BECAUSE = {
    "mdm_keeps_apart": "the MDM crosswalk maps them to different golden accounts",
    "review": "between the review and the auto-match thresholds: waits for a steward's decision",
    "no_match": "below the review threshold",
}
_CONFLICT_BECAUSE = {
    "two_golden_accounts": "joining would put two MDM golden accounts in one account",
    "steward_no_match": "joining would put two records a steward keeps apart in one account",
}


class AmbiguousAccount(ExplainError):
    """A name that several unified accounts answer to; `candidates` are (account_id, account_name, golden_account_id,
    source_account_count) rows."""

    def __init__(self, message: str, candidates: list[tuple[str, str | None, str | None, int]]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class SourceAccount:
    """One source account of the unified account and why it is part of it."""

    source_system: str
    source_account_id: str
    name: str | None
    domain: str | None
    domain_source: str | None  # website | people_emails
    match_method: str  # mdm | steward | model | none
    match_probability: float | None
    reason: str

    @property
    def record_key(self) -> str:
        return f"{self.source_system}:{self.source_account_id}"


@dataclass(frozen=True)
class FieldEvidence:
    field: str  # a comparison of the model (the scores' <field>_level / <field>_weight columns)
    level: str
    weight: float
    values: str  # this record's value / the other record's, as matching read them ('' when not at hand)


@dataclass(frozen=True)
class PairEvidence:
    """An applied model pair of one of the account's records: the model's reading of each field."""

    record_key: str
    other_key: str
    other_name: str | None
    match_probability: float
    match_weight: float
    prior_weight: float  # the model's prior: the total match weight less every field's weight
    fields: list[FieldEvidence]


@dataclass(frozen=True)
class NearMiss:
    """A scored pair of one of the account's records with a record of another account, not joined."""

    record_key: str
    other_key: str
    other_name: str | None
    other_account_id: str | None
    other_account_name: str | None
    match_probability: float
    decision: str
    why: str


@dataclass(frozen=True)
class AccountExplanation:
    account_id: str
    golden_account_id: str | None
    account_name: str | None
    won_revenue_usd: object  # a Decimal, or None
    source_account_count: int
    sources: list[SourceAccount]
    evidence: list[PairEvidence]
    near_misses: list[NearMiss]
    near_misses_not_shown: int
    missing: list[str]  # relations an older warehouse lacks: the parts they explain are left out


@dataclass(frozen=True)
class _Record:
    """A record as account matching reads it (int_account_match_records), its columns by name."""

    key: str
    values: dict[str, object]

    @property
    def name(self) -> str | None:
        return self.values.get("account_name")


def _columns(con: Warehouse, schema_and_table: str) -> list[str]:
    """The table's column names (lower case), in order."""
    return list(con.columns(*schema_and_table.split(".", 1)))


def _exists(con: Warehouse, schema_and_table: str) -> bool:
    return con.table_exists(*schema_and_table.split(".", 1))


def _fetch_dicts(con: Warehouse, sql: str, params: list) -> list[dict[str, object]]:
    cursor = con.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _account_rows(con: Warehouse, where: str, params: list) -> list[tuple]:
    return con.execute(
        "select account_id, account_name, golden_account_id, source_account_count from marts.dim_accounts"
        f" where {where} order by account_name, account_id", params).fetchall()


def find_account(con: Warehouse, name: str | None = None, account_id: str | None = None) -> tuple:
    """The unified account (account_id, account_name, golden_account_id, won_revenue_usd, source_account_count):
    by account_id (or golden_account_id), or by a name equal, ignoring case, to the account's or one of its source
    records'. Raises ExplainError when none matches and AmbiguousAccount when several do."""
    if account_id:
        ids = [row[0] for row in _account_rows(con, "account_id = ? or golden_account_id = ?",
                                               [account_id, account_id])]
        if not ids:
            raise ExplainError(f"no account with account_id {account_id}")
    else:
        ids = _accounts_named(con, name or "")
    if len(ids) > 1:
        candidates = _account_rows(con, f"account_id in {_one_of(ids)}", ids)
        raise AmbiguousAccount(f"{len(ids)} accounts match the name {name!r}: rerun with --account-id ID", candidates)
    return con.execute(
        "select account_id, account_name, golden_account_id, won_revenue_usd, source_account_count"
        " from marts.dim_accounts where account_id = ?", ids).fetchone()


def _accounts_named(con: Warehouse, name: str) -> list[str]:
    """The ids of the accounts a name matches (ignoring case and surrounding spaces); an error naming similar ones
    when there are none."""
    sql = "select account_id from marts.dim_accounts where lower(trim(account_name)) = lower(trim($name))"
    searched = "account names"
    if _exists(con, MATCH_RECORDS):
        searched = "account names and their source records' names"
        sql += f"""
            union
            select m.account_id from marts.account_identity_map as m
            join {MATCH_RECORDS} as r on r.match_record_key = m.source_system || ':' || m.source_account_id
            where lower(trim(r.account_name)) = lower(trim($name))
            union
            select a.account_id from marts.dim_accounts as a
            join {MATCH_RECORDS} as r on r.match_record_key = 'mdm:' || a.golden_account_id
            where lower(trim(r.account_name)) = lower(trim($name))"""
    ids = sorted(row[0] for row in con.execute(sql, {"name": name}).fetchall())
    if ids:
        return ids
    similar = [row[0] for row in con.execute(
        "select distinct account_name from marts.dim_accounts where contains(lower(account_name), lower(trim(?)))"
        " order by 1 limit 5", [name]).fetchall()]
    hint = f"; accounts with similar names: {', '.join(similar)}" if similar else ""
    raise ExplainError(f"no account named {name!r} (searched {searched}, ignoring case){hint}")


def _source_rows(con: Warehouse, account_id: str) -> list[dict[str, object]]:
    """The account's rows of account_identity_map; an older map (no match_method) reads as the MDM's or none."""
    columns = _columns(con, "marts.account_identity_map")
    method = "match_method" if "match_method" in columns else \
        "case when golden_account_id is not null then 'mdm' else 'none' end"
    probability = "match_probability" if "match_probability" in columns else "cast(null as double)"
    return _fetch_dicts(con, f"select source_system, source_account_id, golden_account_id, {method} as match_method,"
                             f" {probability} as match_probability from marts.account_identity_map"
                             " where account_id = ? order by source_system, source_account_id", [account_id])


def _records(con: Warehouse, keys: list[str]) -> dict[str, _Record]:
    if not keys or not _exists(con, MATCH_RECORDS):
        return {}
    rows = _fetch_dicts(con, f"select * from {MATCH_RECORDS} where match_record_key in {_one_of(keys)}", keys)
    return {row["match_record_key"]: _Record(row["match_record_key"], row) for row in rows}


def _pairs_touching(con: Warehouse, relation: str, keys: list[str]) -> list[dict[str, object]]:
    """The rows of a pair relation (pairs decided, scores, steward decisions) with one of the keys on either side."""
    if not keys:
        return []
    return _fetch_dicts(con, f"select * from {relation} where match_record_key_l in {_one_of(keys)}"
                             f" or match_record_key_r in {_one_of(keys)}", [*keys, *keys])


def _other(pair: dict[str, object], key: str) -> str:
    return pair["match_record_key_r"] if pair["match_record_key_l"] == key else pair["match_record_key_l"]


def _label(key: str, records: dict[str, _Record]) -> str:
    """A record as the explanation names it: its name and key."""
    record = records.get(key)
    return f"{record.name} ({key})" if record is not None and record.name else key


def _probability(value: float | None) -> str:
    """Four decimals, more when they would round a probability to 0 or 1."""
    if value is None:
        return ""
    return f"{value:.4f}" if 0.0001 <= value <= 0.9999 else f"{value:.6g}"


def _steward_note(decision: dict[str, object] | None) -> str:
    if not decision:
        return ""
    parts = [str(decision[column]) for column in ("decided_by", "decided_at") if decision.get(column)]
    note = f": {decision['note']}" if decision.get("note") else ""
    return f" ({', '.join(parts)}{note})" if parts or note else ""


def _source_reason(row: dict[str, object], pairs: list[dict[str, object]], records: dict[str, _Record],
                   decisions: dict[frozenset, dict[str, object]]) -> str:
    """Why a source account is part of the unified account, in words."""
    key = f"{row['source_system']}:{row['source_account_id']}"
    method = row["match_method"]
    if method == "mdm":
        return f"the MDM crosswalk maps it to {row['golden_account_id']}"
    wanted = "steward_match" if method == "steward" else "model_match"
    applied = sorted((pair for pair in pairs if pair["is_applied"] and pair["decision"] == wanted
                      and key in (pair["match_record_key_l"], pair["match_record_key_r"])),
                     key=lambda pair: (-(pair["match_probability"] or 0.0), _other(pair, key)))
    if method == "steward":
        if not applied:
            return "a steward matched it"
        other = _other(applied[0], key)
        decision = decisions.get(frozenset((key, other)))
        return f"a steward matched it with {_label(other, records)}{_steward_note(decision)}"
    if method == "model":
        with_whom = f" with {_label(_other(applied[0], key), records)}" if applied else ""
        return f"the model matched it{with_whom} at probability {_probability(row['match_probability'])}"
    return "matched with no other record"


def _field_evidence(score: dict[str, object], key: str, records: dict[str, _Record]) -> list[FieldEvidence]:
    """Per comparison of the model (each `<field>_level` column of the scores): its level, weight and the two values
    matching compared (the record's `<field>` or `<field>_normalised`), this record's first."""
    this, other = records.get(key), records.get(_other(score, key))
    fields = []
    for column in score:
        if not column.endswith("_level"):
            continue
        field = column[: -len("_level")]
        values = ""
        for value_column in (field, f"{field}_normalised"):
            if this is not None and other is not None and value_column in this.values:
                values = " / ".join("-" if record.values[value_column] is None else str(record.values[value_column])
                                    for record in (this, other))
                break
        fields.append(FieldEvidence(field, str(score[column]), float(score.get(f"{field}_weight") or 0.0), values))
    return fields


def _pair_evidence(key: str, pairs: list[dict[str, object]], scores: dict[tuple, dict[str, object]],
                   records: dict[str, _Record]) -> list[PairEvidence]:
    """The model's evidence for each applied pair of one model-joined record, the most probable first."""
    evidence = []
    for pair in pairs:
        if not (pair["is_applied"] and key in (pair["match_record_key_l"], pair["match_record_key_r"])):
            continue
        score = scores.get((pair["match_record_key_l"], pair["match_record_key_r"]))
        if score is None:
            continue
        fields = _field_evidence(score, key, records)
        total = float(score["match_weight"])
        other = _other(pair, key)
        evidence.append(PairEvidence(key, other, records[other].name if other in records else None,
                                     float(score["match_probability"]), total,
                                     total - sum(field.weight for field in fields), fields))
    return sorted(evidence, key=lambda item: (-item.match_probability, item.other_key))


def _record_accounts(con: Warehouse, keys: list[str]) -> dict[str, tuple[str, str | None]]:
    """The unified account (account_id, account_name) of each record key, source account or MDM golden account."""
    rows = con.execute(
        "select m.source_system || ':' || m.source_account_id, a.account_id, a.account_name"
        " from marts.account_identity_map as m join marts.dim_accounts as a using (account_id)"
        f" where m.source_system || ':' || m.source_account_id in {_one_of(keys)}"
        " union all"
        " select 'mdm:' || golden_account_id, account_id, account_name from marts.dim_accounts"
        f" where 'mdm:' || golden_account_id in {_one_of(keys)}", [*keys, *keys]).fetchall()
    return {key: (account_id, name) for key, account_id, name in rows}


def _near_miss_why(pair: dict[str, object], decision: dict[str, object] | None) -> str:
    if pair["decision"] == "steward_no_match":
        return f"a steward keeps them apart{_steward_note(decision)}"
    if pair["decision"] == "mdm_keeps_apart":
        goldens = sorted(str(pair[side])[len("mdm:"):] for side in ("mdm_node_key_l", "mdm_node_key_r"))
        return f"{_APART_BECAUSE['mdm_keeps_apart']} ({', '.join(goldens)})"
    if pair["decision"] in _APART_BECAUSE:
        return _APART_BECAUSE[pair["decision"]]
    matched = "a steward matched them" if pair["decision"] == "steward_match" else "the model matched them"
    if not pair["is_applied"]:
        conflict = pair.get("conflict_reason")
        return f"{matched}, but {_CONFLICT_BECAUSE.get(conflict, conflict or 'the join was not applied')}"
    return f"{matched}, but the account they formed was undone (two golden accounts or records a steward keeps apart)"


_NEAR_MISS_RANK = {"steward_no_match": 0, "mdm_keeps_apart": 0, "model_match": 0, "steward_match": 0, "review": 1}


def _near_misses(pairs: list[dict[str, object]], own_keys: set[str], accounts: dict[str, tuple[str, str | None]],
                 records: dict[str, _Record], decisions: dict[frozenset, dict[str, object]]) -> list[NearMiss]:
    """The pairs with a record of another account, not joined: those a steward, the MDM or a conflict kept apart
    first, then those waiting for review, then the rest; the most probable first within each."""
    misses = []
    for pair in pairs:
        left, right = pair["match_record_key_l"], pair["match_record_key_r"]
        if left in own_keys and right in own_keys:
            continue
        key, other = (left, right) if left in own_keys else (right, left)
        account_id, account_name = accounts.get(other, (None, None))
        misses.append(NearMiss(key, other, records[other].name if other in records else None, account_id,
                               account_name, float(pair["match_probability"] or 0.0), pair["decision"],
                               _near_miss_why(pair, decisions.get(frozenset((left, right))))))
    return sorted(misses, key=lambda miss: (_NEAR_MISS_RANK.get(miss.decision, 2), -miss.match_probability,
                                            miss.record_key, miss.other_key))


def _source_account(row: dict[str, object], pairs: list[dict[str, object]], records: dict[str, _Record],
                    decisions: dict[frozenset, dict[str, object]]) -> SourceAccount:
    record = records.get(f"{row['source_system']}:{row['source_account_id']}")
    values = record.values if record is not None else {}
    return SourceAccount(row["source_system"], row["source_account_id"], values.get("account_name"),
                         values.get("domain"), values.get("domain_source"), row["match_method"],
                         row["match_probability"], _source_reason(row, pairs, records, decisions))


def _model_evidence(con: Warehouse, sources: list[SourceAccount], own_keys: set[str],
                    pairs: list[dict[str, object]], records: dict[str, _Record]) -> list[PairEvidence]:
    """The model's evidence for the applied pairs of each source account the model joined."""
    scores = {(score["match_record_key_l"], score["match_record_key_r"]): score
              for score in _pairs_touching(con, MATCH_SCORES, sorted(own_keys))}
    return [item for source in sources if source.match_method == "model"
            for item in _pair_evidence(source.record_key, pairs, scores, records)]


def explain_account(con: Warehouse, name: str | None = None,
                    account_id: str | None = None) -> AccountExplanation:
    """How one unified account (by name or by account_id) was formed from its source accounts, the model's evidence
    for its model-joined records, and its near misses. Parts whose intermediate tables an older warehouse lacks are
    left out and listed in `missing`."""
    for relation in ("marts.dim_accounts", "marts.account_identity_map"):
        if not _exists(con, relation):
            raise ExplainError(f"the warehouse has no table {relation}: run dbt build first")
    account_id, account_name, golden_account_id, won, count = find_account(con, name, account_id)
    missing = [relation for relation in (MATCH_RECORDS, MATCH_PAIRS, MATCH_SCORES, STEWARD_DECISIONS)
               if not _exists(con, relation)]
    rows = _source_rows(con, account_id)
    own_keys = {f"{row['source_system']}:{row['source_account_id']}" for row in rows}
    if golden_account_id:
        own_keys.add(f"mdm:{golden_account_id}")
    pairs = [] if MATCH_PAIRS in missing else _pairs_touching(con, MATCH_PAIRS, sorted(own_keys))
    decisions = {} if STEWARD_DECISIONS in missing else {
        frozenset((row["match_record_key_l"], row["match_record_key_r"])): row
        for row in _pairs_touching(con, STEWARD_DECISIONS, sorted(own_keys))}
    other_keys = {key for pair in pairs for key in (pair["match_record_key_l"], pair["match_record_key_r"])} - own_keys
    records = _records(con, sorted(own_keys | other_keys))
    sources = [_source_account(row, pairs, records, decisions) for row in rows]
    evidence = [] if MATCH_SCORES in missing else _model_evidence(con, sources, own_keys, pairs, records)
    accounts = _record_accounts(con, sorted(other_keys)) if other_keys else {}
    misses = [miss for miss in _near_misses(pairs, own_keys, accounts, records, decisions)
              if miss.other_account_id != account_id]
    return AccountExplanation(account_id, golden_account_id, account_name, won, count, sources, evidence,
                              misses[:NEAR_MISS_LIMIT], max(0, len(misses) - NEAR_MISS_LIMIT), missing)


def _usd(value: object) -> str:
    return "" if value is None else f"{value:,.2f}"


def _domain(source: SourceAccount) -> str:
    if source.domain is None:
        return ""
    return source.domain + (" (from its people's emails)" if source.domain_source == "people_emails" else "")


def format_account_candidates(candidates: list[tuple[str, str | None, str | None, int]]) -> list[str]:
    """The accounts an ambiguous name matches, as a table for the user to pick an --account-id from."""
    return format_table([("account_id", "account", "golden account", "source accounts")] + [
        (account_id, name or "", golden or "", str(count)) for account_id, name, golden, count in candidates
    ], indent="  ")


def _format_evidence(item: PairEvidence) -> list[str]:
    lines = [f"  {item.record_key} with {item.other_name + ' ' if item.other_name else ''}({item.other_key}):"]
    rows = [("field", "level", "weight", "values (this / other)")]
    rows += [(field.field, field.level, f"{field.weight:+.1f}", field.values) for field in item.fields]
    rows += [("prior", "", f"{item.prior_weight:+.1f}", ""),
             ("total", "", f"{item.match_weight:+.1f}", f"probability {_probability(item.match_probability)}")]
    return lines + format_table(rows, indent="    ", right_aligned={2})


def format_account_explanation(result: AccountExplanation) -> str:
    plural = "" if result.source_account_count == 1 else "s"
    lines = [
        f"{result.account_name or result.account_id}: one account formed from {result.source_account_count}"
        f" source account{plural}",
        f"account_id {result.account_id}, golden_account_id {result.golden_account_id or '(none)'},"
        f" won revenue {_usd(result.won_revenue_usd) or '0'} USD",
    ]
    if result.missing:
        lines += ["", "note: this warehouse was built before account matching; it has no"]
        lines += [f"  {relation}" for relation in result.missing]
        lines.append("so what they explain is left out: run dbt build to see it")
    lines += ["", "formed from:"]
    lines += format_table([("system", "id", "name", "domain", "method", "probability", "why")] + [
        (source.source_system, source.source_account_id, source.name or "", _domain(source), source.match_method,
         _probability(source.match_probability), source.reason) for source in result.sources
    ], indent="  ")
    if result.evidence:
        lines += ["", "the model's evidence (each applied pair of a record the model joined):"]
        for item in result.evidence:
            lines += _format_evidence(item)
    if MATCH_PAIRS not in result.missing:
        lines += ["", "near misses (pairs with another account's records, not joined):"]
        if result.near_misses:
            lines += format_table([("record", "other record", "other name", "its account", "probability",
                                    "decision", "why")] + [
                (miss.record_key, miss.other_key, miss.other_name or "",
                 f"{miss.other_account_name or ''} ({miss.other_account_id})" if miss.other_account_id else "",
                 _probability(miss.match_probability), miss.decision, miss.why) for miss in result.near_misses
            ], indent="  ")
            if result.near_misses_not_shown:
                lines.append(f"  ({result.near_misses_not_shown} more not shown)")
        else:
            lines.append("  (none)")
    return "\n".join(lines)

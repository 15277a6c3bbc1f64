"""How well a build unifies the source accounts the MDM crosswalk does not map: pairwise precision and recall of
the mart account_identity_map against the generator's truth (cdp_dev.generator.account_truth).

The records measured are the source accounts in both the map and the truth (a deleted Salesforce account is in the
truth, not in the map: counted apart, like any record only one side knows). A record is MDM-mapped when the build
says so: match_method = 'mdm', or, on a build whose map has no match_method yet, a golden_account_id.

The pairs are every unordered pair of measured records of which at least one is not MDM-mapped (two mapped records
are the crosswalk's business, not the matcher's). A pair is predicted a match when both records have the same
account_id, and is a true match when both are the same company (true_account). Then

    precision = TP / (TP + FP)    recall = TP / (TP + FN)

each defined as 1.0 when its denominator is 0 (no predicted pair: nothing was merged wrongly; no true pair: nothing
could be missed). The counts come from the sizes of the clusters (per account_id, per company and per both), so no
pair is ever listed except the examples.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from cdp.text_table import format_table
from cdp.warehouse.connection import WarehouseError, connect, warehouse_path

SCHEMA, TABLE = "marts", "account_identity_map"
MDM = "mdm"
EXAMPLES = 10


@dataclass(frozen=True)
class BuildRecord:
    """One row of account_identity_map. match_method and match_probability are None on a map without them."""

    source_system: str
    source_account_id: str
    account_id: str
    golden_account_id: str | None = None
    match_method: str | None = None
    match_probability: float | None = None

    @property
    def mdm_mapped(self) -> bool:
        if self.match_method is not None:
            return self.match_method == MDM
        return self.golden_account_id is not None


@dataclass(frozen=True)
class TruthRecord:
    """What the truth says of one source account: its company, and (for examples) its name and whether the
    crosswalk maps it. Built from a cdp_dev.generator.SourceAccountTruth or a (source_system, source_account_id,
    true_account[, name]) tuple by truth_records."""

    source_system: str
    source_account_id: str
    true_account: str
    name: str | None = None
    in_xw: bool | None = None
    is_deleted: bool = False


@dataclass(frozen=True)
class PairExample:
    """A false merge (same account_id, different companies) or a missed match (same company, different
    account_ids), a measured pair."""

    left: str  # '<source_system>:<source_account_id>'
    left_name: str | None
    left_account: str  # true company
    left_account_id: str
    left_method: str | None
    right: str
    right_name: str | None
    right_account: str
    right_account_id: str
    right_method: str | None


@dataclass(frozen=True)
class Quality:
    """The measure of one build against the truth (see the module docstring)."""

    records: int  # in the map and in the truth: measured
    mdm_mapped: int
    unmapped: int
    unmapped_joined: int  # unmapped records sharing their account_id with at least one other measured record
    predicted_pairs: int  # TP + FP
    true_pairs: int  # TP + FN
    true_positives: int
    false_positives: int
    false_negatives: int
    false_merges: tuple[PairExample, ...]
    missed_matches: tuple[PairExample, ...]
    methods: dict[str, int]  # measured records per match_method ('(none)' where the map has none)
    has_match_method: bool  # the map has match_method (else MDM-mapped means: has a golden_account_id)
    only_in_map: int  # map rows the truth does not know
    only_in_truth: int  # truth records not in the map
    only_in_truth_deleted: int  # of which deleted Salesforce accounts (not in the marts by design)
    mapped_unlike_truth: int  # measured records the build and the truth disagree on being MDM-mapped

    @property
    def precision(self) -> float:
        return ratio(self.true_positives, self.predicted_pairs)

    @property
    def recall(self) -> float:
        return ratio(self.true_positives, self.true_pairs)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, 1.0 when the denominator is 0."""
    return 1.0 if denominator == 0 else numerator / denominator


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _mixed_pairs(records: list[BuildRecord]) -> int:
    """Pairs among `records` with at least one record not MDM-mapped."""
    mapped = sum(record.mdm_mapped for record in records)
    return _pairs(len(records)) - _pairs(mapped)


def truth_records(truth: Iterable[object]) -> list[TruthRecord]:
    """The truth as TruthRecords: each item a SourceAccountTruth (or anything with source_system,
    source_account_id, true_account and optionally name, in_xw), or a tuple (source_system, source_account_id,
    true_account[, name])."""
    records = []
    for item in truth:
        if isinstance(item, TruthRecord):
            records.append(item)
        elif hasattr(item, "true_account"):
            records.append(TruthRecord(item.source_system, item.source_account_id, item.true_account,
                                       getattr(item, "name", None), getattr(item, "in_xw", None),
                                       bool(getattr(item, "is_deleted", False))))
        else:
            system, account_id, true_account, *rest = item
            records.append(TruthRecord(system, account_id, true_account, rest[0] if rest else None))
    return records


def evaluate(build: Iterable[BuildRecord], truth: Iterable[object], *, examples: int = EXAMPLES,
             has_match_method: bool | None = None) -> Quality:
    """The Quality of the build's records against the truth (see truth_records for its items). `examples`: how
    many false merges and missed matches to list (the first ones in key order). `has_match_method` (default:
    whether any build record has one) is only reported."""
    build = list(build)
    known = {(record.source_system, record.source_account_id): record for record in truth_records(truth)}
    in_map = {(record.source_system, record.source_account_id): record for record in build}
    measured = sorted((record for key, record in in_map.items() if key in known),
                      key=lambda record: (record.source_system, record.source_account_id))

    def company(record: BuildRecord) -> str:
        return known[record.source_system, record.source_account_id].true_account

    by_account: dict[str, list[BuildRecord]] = defaultdict(list)
    by_company: dict[str, list[BuildRecord]] = defaultdict(list)
    by_both: dict[tuple[str, str], list[BuildRecord]] = defaultdict(list)
    for record in measured:
        by_account[record.account_id].append(record)
        by_company[company(record)].append(record)
        by_both[record.account_id, company(record)].append(record)
    predicted = sum(_mixed_pairs(group) for group in by_account.values())
    actual = sum(_mixed_pairs(group) for group in by_company.values())
    true_positives = sum(_mixed_pairs(group) for group in by_both.values())

    def example(left: BuildRecord, right: BuildRecord) -> PairExample:
        left_truth = known[left.source_system, left.source_account_id]
        right_truth = known[right.source_system, right.source_account_id]
        return PairExample(
            f"{left.source_system}:{left.source_account_id}", left_truth.name, left_truth.true_account,
            left.account_id, left.match_method,
            f"{right.source_system}:{right.source_account_id}", right_truth.name, right_truth.true_account,
            right.account_id, right.match_method)

    def listed(groups: dict[str, list[BuildRecord]], wrong) -> tuple[PairExample, ...]:
        found: list[PairExample] = []
        for key in sorted(groups):
            for left, right in combinations(groups[key], 2):
                if len(found) >= examples:
                    return tuple(found)
                if not (left.mdm_mapped and right.mdm_mapped) and wrong(left, right):
                    found.append(example(left, right))
        return tuple(found)

    unmapped = [record for record in measured if not record.mdm_mapped]
    truth_mapped = {key: record.in_xw for key, record in known.items() if record.in_xw is not None}
    return Quality(
        records=len(measured),
        mdm_mapped=len(measured) - len(unmapped),
        unmapped=len(unmapped),
        unmapped_joined=sum(len(by_account[record.account_id]) > 1 for record in unmapped),
        predicted_pairs=predicted,
        true_pairs=actual,
        true_positives=true_positives,
        false_positives=predicted - true_positives,
        false_negatives=actual - true_positives,
        false_merges=listed(by_account, lambda left, right: company(left) != company(right)),
        missed_matches=listed(by_company, lambda left, right: left.account_id != right.account_id),
        methods=dict(sorted(Counter(record.match_method or "(none)" for record in measured).items())),
        has_match_method=(any(record.match_method is not None for record in build)
                          if has_match_method is None else has_match_method),
        only_in_map=len(in_map.keys() - known.keys()),
        only_in_truth=len(known.keys() - in_map.keys()),
        only_in_truth_deleted=sum(known[key].is_deleted for key in known.keys() - in_map.keys()),
        mapped_unlike_truth=sum(
            1 for record in measured
            if truth_mapped.get((record.source_system, record.source_account_id), record.mdm_mapped)
            != record.mdm_mapped),
    )


def read_identity_map(warehouse: str | os.PathLike | None = None) -> tuple[list[BuildRecord], bool]:
    """The rows of marts.account_identity_map of a built warehouse (default: $CDP_DUCKDB_PATH, else
    warehouse/cdp.duckdb), opened read-only, and whether it has match_method. WarehouseError when there is no
    warehouse or no such mart."""
    with connect(warehouse, read_only=True) as con:
        columns = {name for (name,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [SCHEMA, TABLE]).fetchall()}
        if not columns:
            raise WarehouseError(f"{warehouse_path(warehouse)} has no {SCHEMA}.{TABLE}: build the project first "
                                 "(load data, then dbt build --exclude tag:demo)")
        has_method = "match_method" in columns
        method = "match_method" if has_method else "null"
        probability = "match_probability" if "match_probability" in columns else "null"
        rows = con.execute(
            f"select source_system, source_account_id, account_id, golden_account_id, {method}, "
            f"cast({probability} as double) from {SCHEMA}.{TABLE} order by 1, 2").fetchall()
    return [BuildRecord(*row) for row in rows], has_method


def measure(warehouse_path: str | os.PathLike | None, truth: Iterable[object], *,
            examples: int = EXAMPLES) -> Quality:
    """The Quality of a built warehouse's account_identity_map against the truth (e.g.
    cdp_dev.generator.account_truth(accounts, seed) for the set that was loaded, or read_account_truth(file))."""
    build, has_method = read_identity_map(warehouse_path)
    return evaluate(build, truth, examples=examples, has_match_method=has_method)


def _share(value: float) -> str:
    return f"{value:.3f}"


def _pair_rows(pairs: tuple[PairExample, ...]) -> list[tuple[str, ...]]:
    rows = [("record", "name", "company", "record", "name", "company", "methods")]
    for pair in pairs:
        rows.append((pair.left, pair.left_name or "", pair.left_account, pair.right, pair.right_name or "",
                     pair.right_account, f"{pair.left_method or '-'}/{pair.right_method or '-'}"))
    return rows


def format_quality(quality: Quality) -> str:
    """A plain-text report: the counts and the two measures, the records per match_method, the examples."""
    q = quality
    mapped_by = "match_method = 'mdm'" if q.has_match_method else "a golden_account_id (no match_method in the map)"
    rows = [
        ("measure", "value"),
        ("source accounts measured (in the map and the truth)", f"{q.records:,}"),
        (f"  MDM-mapped: {mapped_by}", f"{q.mdm_mapped:,}"),
        ("  not MDM-mapped", f"{q.unmapped:,}"),
        ("  not MDM-mapped, unified with another record", f"{q.unmapped_joined:,}"),
        ("pairs predicted a match (same account_id)", f"{q.predicted_pairs:,}"),
        ("pairs truly a match (same company)", f"{q.true_pairs:,}"),
        ("true positives", f"{q.true_positives:,}"),
        ("false positives (false merges)", f"{q.false_positives:,}"),
        ("false negatives (missed matches)", f"{q.false_negatives:,}"),
        ("precision TP / (TP + FP)", _share(q.precision) + (" (no predicted pair)" if not q.predicted_pairs else "")),
        ("recall TP / (TP + FN)", _share(q.recall) + (" (no true pair)" if not q.true_pairs else "")),
        ("F1", _share(q.f1)),
    ]
    lines = ["Account matching where the MDM is silent: pairs of source accounts with at least one not MDM-mapped",
             "(precision or recall is 1.000 when its denominator is 0)", ""]
    lines += format_table(rows, right_aligned={1}, header_rule=True)
    lines += ["", "records per match_method:"]
    lines += format_table([("match_method", "records")] + [(name, f"{n:,}") for name, n in q.methods.items()],
                          indent="  ", right_aligned={1}, header_rule=True)
    notes = []
    if q.only_in_map:
        notes.append(f"{q.only_in_map:,} map rows the truth does not know (not measured)")
    if q.only_in_truth:
        notes.append(f"{q.only_in_truth:,} truth records not in the map ({q.only_in_truth_deleted:,} of them "
                     "deleted Salesforce accounts; not measured)")
    if q.mapped_unlike_truth:
        notes.append(f"{q.mapped_unlike_truth:,} measured records MDM-mapped in the build but not in the truth's "
                     "crosswalk, or the other way round")
    if notes:
        lines += ["", *notes]
    for title, pairs, count in (("false merges", q.false_merges, q.false_positives),
                                ("missed matches", q.missed_matches, q.false_negatives)):
        if pairs:
            lines += ["", f"{title} ({len(pairs)} of {count:,}):"]
            lines += format_table(_pair_rows(pairs), indent="  ", header_rule=True)
    return "\n".join(lines)

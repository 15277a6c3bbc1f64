"""Account matching quality (cdp_dev/matching/quality.py, scripts/matching_quality.py) and the truth it is measured
against (cdp_dev/generator/truth.py): pairwise precision and recall on hand-made maps (no unmapped record, a false
merge, a miss, clusters of three, maps with and without match_method), read from a warehouse file; the truth says
which generated Salesforce accounts and Marketo companies are the same company, one row per generated id, and the
records are as hard as planted (name variants, typos, missing websites, look-alikes, steward decisions true to it).
No dbt: the warehouses here are hand-made; the minimum quality of a real build is a dbt test of its own."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from cdp.warehouse.loader import load
from cdp_dev.cli import matching_quality
from cdp_dev.generator import (
    SourceAccountTruth,
    account_truth,
    generate,
    read_account_truth,
    write_account_truth,
)
from cdp_dev.generator.session import Session
from cdp_dev.generator.settings import make_settings
from cdp_dev.generator.vocabulary import SALESFORCE_SUFFIXES
from cdp_dev.generator.world import build_accounts
from cdp_dev.matching.quality import BuildRecord, evaluate, format_quality, measure, ratio
from conftest import Project

ACCOUNTS = 40
SEED = 7
END = "2026-11-01"


def sf(number: int) -> str:
    return f"001{number:015d}"


def rec(system: str, source_id: str, account_id: str, golden: str | None = None, method: str | None = None,
        probability: float | None = None) -> BuildRecord:
    return BuildRecord(system, source_id, account_id, golden, method, probability)


# --- the measure on hand-made maps ----------------------------------------------------------------------------------

def test_no_unmapped_record_means_no_pair_and_both_measures_one():
    # GIVEN three records all mapped by the MDM, two of them (wrongly, but that is the MDM's business) together
    build = [rec("salesforce", sf(1), "A", "G1"), rec("marketo", "1", "A", "G1"), rec("marketo", "2", "B", "G2")]
    truth = [("salesforce", sf(1), "T1"), ("marketo", "1", "T2"), ("marketo", "2", "T2")]

    quality = evaluate(build, truth)

    # THEN no pair is measured, and precision and recall are defined as 1.0
    assert (quality.records, quality.mdm_mapped, quality.unmapped) == (3, 3, 0)
    assert (quality.predicted_pairs, quality.true_pairs, quality.true_positives) == (0, 0, 0)
    assert quality.precision == quality.recall == 1.0
    assert not quality.has_match_method and quality.methods == {"(none)": 3}
    assert "(no predicted pair)" in format_quality(quality) and "(no true pair)" in format_quality(quality)


def test_a_perfect_unification_of_the_unmapped_records():
    build = [rec("salesforce", sf(1), "A", "G1", "mdm"), rec("marketo", "1", "A", None, "model", 0.995),
             rec("marketo", "2", "B", None, "none"), rec("salesforce", sf(2), "C", None, "steward"),
             rec("marketo", "3", "C", None, "model", 0.999)]
    truth = [("salesforce", sf(1), "T1"), ("marketo", "1", "T1"), ("marketo", "2", "T2"),
             ("salesforce", sf(2), "T3"), ("marketo", "3", "T3")]

    quality = evaluate(build, truth)

    assert (quality.mdm_mapped, quality.unmapped, quality.unmapped_joined) == (1, 4, 3)
    assert (quality.true_positives, quality.false_positives, quality.false_negatives) == (2, 0, 0)
    assert quality.precision == quality.recall == quality.f1 == 1.0
    assert quality.has_match_method
    assert quality.methods == {"mdm": 1, "model": 2, "none": 1, "steward": 1}
    assert quality.false_merges == quality.missed_matches == ()


def test_a_false_merge_lowers_the_precision_and_is_listed_with_the_names():
    # GIVEN two unmapped records of different companies with the same account_id ("Apex" and "Apex Labs")
    build = [rec("salesforce", sf(1), "A", method="model", probability=0.99),
             rec("marketo", "7", "A", method="model", probability=0.99),
             rec("marketo", "8", "B", method="none")]
    truth = [SourceAccountTruth("salesforce", sf(1), "T1", False, "Apex Corp.", "Apex", False),
             SourceAccountTruth("marketo", "7", "T2", False, "Apex Labs", "Apex Labs", False),
             SourceAccountTruth("marketo", "8", "T3", False, "Cedar", "Cedar", False)]

    quality = evaluate(build, truth)

    assert (quality.predicted_pairs, quality.true_pairs) == (1, 0)
    assert (quality.true_positives, quality.false_positives, quality.false_negatives) == (0, 1, 0)
    assert quality.precision == 0.0 and quality.recall == 1.0 and quality.f1 == 0.0
    [merge] = quality.false_merges
    # (records in key order: marketo before salesforce)
    assert (merge.left, merge.left_name, merge.left_account) == ("marketo:7", "Apex Labs", "T2")
    assert (merge.right, merge.right_name, merge.right_account) == (f"salesforce:{sf(1)}", "Apex Corp.", "T1")
    report = format_quality(quality)
    assert "false merges (1 of 1):" in report and "Apex Labs" in report and "model/model" in report


def test_a_miss_lowers_the_recall_and_is_listed():
    # GIVEN an unmapped record of a company left apart from the company's mapped record
    build = [rec("salesforce", sf(1), "A", "G1"), rec("marketo", "1", "B"), rec("marketo", "2", "C")]
    truth = [("salesforce", sf(1), "T1", "Townsend Inc"), ("marketo", "1", "T1", "Towsend"), ("marketo", "2", "T2")]

    quality = evaluate(build, truth)

    assert (quality.true_positives, quality.false_positives, quality.false_negatives) == (0, 0, 1)
    assert quality.precision == 1.0 and quality.recall == 0.0
    assert quality.unmapped_joined == 0
    [missed] = quality.missed_matches
    assert {missed.left_name, missed.right_name} == {"Townsend Inc", "Towsend"}
    assert "missed matches (1 of 1):" in format_quality(quality)


def test_clusters_of_three_count_every_pair_with_an_unmapped_record():
    # GIVEN company T1: a mapped record and two unmapped ones, all unified (transitively: 3 pairs, none of two
    # mapped records); company T2: two mapped records, unified by the MDM (their pair is not measured) and an
    # unmapped record wrongly unified with one of company T3's two unmapped records, the other missed
    build = [rec("salesforce", sf(1), "A", "G1"), rec("marketo", "1", "A"), rec("marketo", "2", "A"),
             rec("salesforce", sf(2), "B", "G2"), rec("marketo", "3", "B", "G2"), rec("marketo", "4", "B"),
             rec("marketo", "5", "B"), rec("marketo", "6", "C")]
    truth = [("salesforce", sf(1), "T1"), ("marketo", "1", "T1"), ("marketo", "2", "T1"),
             ("salesforce", sf(2), "T2"), ("marketo", "3", "T2"), ("marketo", "4", "T2"),
             ("marketo", "5", "T3"), ("marketo", "6", "T3")]

    quality = evaluate(build, truth)

    # predicted: A 3 pairs; B: 6 pairs minus the mapped pair = 5. True: T1 3; T2 3 - 1 = 2; T3 1.
    assert (quality.predicted_pairs, quality.true_pairs) == (8, 6)
    # TP: A/T1 3, B/T2 (3 records, 2 mapped) 3 - 1 = 2; FP 8 - 5; FN: T3's pair
    assert (quality.true_positives, quality.false_positives, quality.false_negatives) == (5, 3, 1)
    assert quality.precision == pytest.approx(5 / 8) and quality.recall == pytest.approx(5 / 6)
    assert quality.unmapped_joined == 4  # marketo 1, 2, 4, 5; not 6
    assert len(quality.false_merges) == 3 and len(quality.missed_matches) == 1
    assert len(evaluate(build, truth, examples=2).false_merges) == 2


def test_match_method_decides_what_is_mdm_mapped_when_the_map_has_it():
    # A record unified by the model into a golden account's account has a golden_account_id but is not MDM-mapped.
    build = [rec("salesforce", sf(1), "A", "G1", "mdm"), rec("marketo", "1", "A", "G1", "model", 0.999)]
    truth = [("salesforce", sf(1), "T1"), ("marketo", "1", "T1")]
    quality = evaluate(build, truth)
    assert (quality.mdm_mapped, quality.unmapped, quality.true_positives) == (1, 1, 1)
    # Without match_method the same rows look all mapped: nothing to measure.
    without = evaluate([rec("salesforce", sf(1), "A", "G1"), rec("marketo", "1", "A", "G1")], truth)
    assert (without.mdm_mapped, without.predicted_pairs) == (2, 0)


def test_records_only_one_side_knows_are_counted_apart():
    build = [rec("marketo", "1", "A"), rec("marketo", "2", "A"), rec("marketo", "99", "A")]
    truth = [SourceAccountTruth("marketo", "1", "T1", False, "x", "x", False),
             SourceAccountTruth("marketo", "2", "T1", True, "x", "x", False),
             SourceAccountTruth("salesforce", sf(5), "T1", False, "x", "x", True)]
    quality = evaluate(build, truth)
    assert (quality.records, quality.only_in_map, quality.only_in_truth, quality.only_in_truth_deleted) == \
        (2, 1, 1, 1)
    assert quality.true_positives == 1
    assert quality.mapped_unlike_truth == 1  # marketo 2: in the truth's crosswalk, not mapped in the build
    assert "1 map rows the truth does not know" in format_quality(quality)


def test_ratio_of_nothing_is_one():
    assert ratio(0, 0) == 1.0 and ratio(1, 4) == 0.25


# --- reading a warehouse, the command line -------------------------------------------------------------------------

def _warehouse(path: Path, rows: list[tuple], with_method: bool) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        extra = ", match_method varchar, match_probability double" if with_method else ""
        con.execute("create table marts.account_identity_map (source_system varchar, source_account_id varchar, "
                    f"account_id varchar, golden_account_id varchar{extra})")
        for row in rows:
            con.execute(f"insert into marts.account_identity_map values ({', '.join('?' for _ in row)})", list(row))
    return path


TRUTH = [SourceAccountTruth("salesforce", sf(1), "T1", True, "Townsend Inc.", "Townsend", False),
         SourceAccountTruth("marketo", "1", "T1", False, "TOWNSEND INC", "Townsend", False),
         SourceAccountTruth("marketo", "2", "T2", False, "Apex", "Apex", False)]


def test_measure_reads_the_map_of_a_warehouse_with_or_without_match_method(tmp_path):
    # GIVEN today's map (no match_method: the unmapped record stays apart) and tomorrow's (the model unified it)
    today = _warehouse(tmp_path / "today.duckdb", [("salesforce", sf(1), "A", "G1"), ("marketo", "1", "B", None),
                                                   ("marketo", "2", "C", None)], with_method=False)
    tomorrow = _warehouse(tmp_path / "tomorrow.duckdb", [
        ("salesforce", sf(1), "A", "G1", "mdm", None), ("marketo", "1", "A", "G1", "model", 0.997),
        ("marketo", "2", "C", None, "none", None)], with_method=True)

    before, after = measure(today, TRUTH), measure(tomorrow, TRUTH)

    assert not before.has_match_method and (before.precision, before.recall) == (1.0, 0.0)
    assert after.has_match_method and (after.precision, after.recall) == (1.0, 1.0)
    assert after.methods == {"mdm": 1, "model": 1, "none": 1}


def test_the_command_line(tmp_path, capsys):
    warehouse = _warehouse(tmp_path / "w.duckdb", [("salesforce", sf(1), "A", "G1"), ("marketo", "1", "B", None),
                                                   ("marketo", "2", "C", None)], with_method=False)
    truth_file = write_account_truth(TRUTH, tmp_path / "truth" / "source_accounts.csv")

    assert matching_quality.main(["--truth", str(truth_file), "--warehouse", str(warehouse)]) == 0
    printed = capsys.readouterr().out
    assert "precision TP / (TP + FP)" in printed and "missed matches (1 of 1):" in printed
    assert "TOWNSEND INC" in printed

    # A minimum the build does not reach fails; a missing warehouse or truth file too.
    assert matching_quality.main(["--truth", str(truth_file), "--warehouse", str(warehouse),
                                  "--min-precision", "0.9", "--min-recall", "0.5"]) == 1
    assert "recall 0.000 is below 0.5" in capsys.readouterr().err
    assert matching_quality.main(["--truth", str(truth_file), "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert matching_quality.main(["--truth", str(tmp_path / "none.csv"), "--warehouse", str(warehouse)]) == 1
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert matching_quality.main(["--truth", str(truth_file), "--warehouse", str(empty)]) == 1
    assert "no marts.account_identity_map" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        matching_quality.main(["--warehouse", str(warehouse)])  # no truth
    assert exited.value.code == 2


# --- the truth ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("truth") / "set"
    generate(ACCOUNTS, SEED, out, END)
    return out


def _query(sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(sql).fetchall()


def test_every_generated_account_id_is_in_the_truth_exactly_once(generated):
    truth = account_truth(ACCOUNTS, SEED, END)
    keys = [(record.source_system, record.source_account_id) for record in truth]
    assert len(keys) == len(set(keys)) and truth == sorted(truth, key=lambda r: (r.source_system, r.source_account_id))
    files = {
        "salesforce": f"select distinct id, name from read_parquet('{generated / 'salesforce' / 'account.parquet'}') "
                      "where id is not null",
        "marketo": f"select distinct external_company_id, company from "
                   f"read_parquet('{generated / 'marketo' / 'company.parquet'}') where external_company_id is not null",
    }
    for system, sql in files.items():
        written = dict(_query(sql))  # one name per id: a record's versions share it
        assert len(written) == len(_query(sql))
        in_truth = {record.source_account_id: record.name for record in truth if record.source_system == system}
        assert written == in_truth, system

    # The companies: every account's records share one, and the truth's crosswalk is the MDM's.
    assert len({record.true_account for record in truth}) == ACCOUNTS
    crosswalk = {(system, source_id) for system, source_id in _query(
        f"select source_system, source_account_id from "
        f"read_parquet('{generated / 'mdm' / 'account_crosswalk.parquet'}') where is_active")}
    assert {key for key, record in zip(keys, truth) if record.in_xw} <= crosswalk
    assert not {key for key, record in zip(keys, truth) if not record.in_xw} & crosswalk
    # Leads and deals name only known Marketo companies.
    named = {row[0] for row in _query(
        f"select external_company_id from read_parquet('{generated / 'marketo' / 'lead.parquet'}') "
        f"where external_company_id is not null union select external_company_id from "
        f"read_parquet('{generated / 'marketo' / 'opportunity.parquet'}') where external_company_id is not null")}
    assert named <= {record.source_account_id for record in truth if record.source_system == "marketo"}


def test_the_truth_depends_on_accounts_and_seed_only_and_reads_back(tmp_path):
    truth = account_truth(ACCOUNTS, SEED, END)
    assert account_truth(ACCOUNTS, SEED, "2030-01-01", activities_per_person=3) == truth
    assert account_truth(ACCOUNTS, SEED + 1, END) != truth
    assert read_account_truth(write_account_truth(truth, tmp_path / "t.csv")) == truth
    with open(tmp_path / "t.csv", newline="") as handle:
        assert next(csv.reader(handle))[:4] == ["source_system", "source_account_id", "true_account", "in_xw"]
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not an account truth file"):
        read_account_truth(tmp_path / "bad.csv")


def test_steward_decisions_agree_with_the_truth(generated):
    truth = account_truth(ACCOUNTS, SEED, END)
    company = {(r.source_system, r.source_account_id): r.true_account for r in truth}
    rows = _query(f"""
        select left_source_system, left_source_account_id, right_source_system, right_source_account_id, decision
        from read_parquet('{generated / 'mdm' / 'account_match_decision.parquet'}')
        qualify row_number() over (
            partition by least(left_source_system || ':' || left_source_account_id,
                               right_source_system || ':' || right_source_account_id),
                         greatest(left_source_system || ':' || left_source_account_id,
                                  right_source_system || ':' || right_source_account_id)
            order by decided_at desc) = 1
    """)
    assert rows
    for left_system, left_id, right_system, right_id, decision in rows:
        left = left_id if left_system == "mdm" else company[left_system, left_id]
        right = right_id if right_system == "mdm" else company[right_system, right_id]
        assert (left == right) == (decision == "match"), (left_id, right_id, decision)


def test_the_records_are_as_hard_as_planted():
    # GIVEN the companies and source accounts of a mid-sized set (the world model only: quick)
    settings = make_settings(3000, SEED, END, 100)
    with duckdb.connect() as connection:
        con = Session(settings, connection)
        build_accounts(settings, con)
        [(unmapped, varied, typos, no_website, no_phone, no_city)] = con.execute("""
            select count(*), avg((name_varied or name_typo)::int),
                avg((name_typo and lower(record_name) not like lower(name) || '%')::int),
                avg(website_missing::int), avg((phone is null)::int),
                avg((billing_city is null)::int)
            from g_source_account where not in_xw
        """).fetchall()
        protected = con.execute("select is_sf, name, record_name, website_missing from g_source_account "
                                "where protected").fetchall()
        [(short, lookalikes, same_first_word)] = con.execute("""
            select count(*) filter (where short_name), count(*) filter (where lookalike),
                count(*) filter (where lookalike and split_part(name, ' ', 1) = (
                    select b.name from g_account as b where b.a = g_account.a - 1))
            from g_account
        """).fetchall()
        phones = con.execute("""
            select a, count(distinct regexp_replace(regexp_replace(phone, '[^0-9]', '', 'g'), '^(1|0)', ''))
            from g_source_account where phone is not null and phone_cc = '1' group by a
        """).fetchall()

    # THEN most unmapped records spell their company otherwise, some with a typo or without a website
    assert unmapped > 300
    assert 0.5 < varied < 0.9 and 0.05 <= typos <= 0.10 and 0.10 <= no_website <= 0.20
    assert 0.2 < no_phone < 0.4 and 0.2 < no_city < 0.4
    # the showcase and stalled accounts' records are as before: their name (Salesforce: a usual suffix), a website
    assert protected and all(record in {name + suffix for suffix in SALESFORCE_SUFFIXES} if is_sf else record == name
                             for is_sf, name, record, _ in protected)
    assert not any(missing for *_, missing in protected)
    # look-alikes: short names ("Apex") next to a company sharing their first word ("Apex Labs")
    assert short > 30 and lookalikes > 30 and same_first_word == lookalikes
    # a company's records share its phone, however spelled (North American numbers: the digits after the +1)
    assert phones and all(count == 1 for _, count in phones)


def test_the_truth_file_may_sit_in_a_hidden_folder_of_the_set(project: Project, tmp_path):
    out = tmp_path / "set"
    result = project.script("generate_data.py", "--accounts", "3", "--seed", "5", "--end", END, "--out", str(out),
                            "--truth", str(out / ".truth" / "source_accounts.csv"))
    assert "account matching truth" in result.stderr
    assert read_account_truth(out / ".truth" / "source_accounts.csv") == account_truth(3, 5)
    loaded = load(out, warehouse=tmp_path / "w.duckdb")  # the loader skips hidden folders
    assert not any(".truth" in str(item.path) for item in loaded)
    refused = project.script("generate_data.py", "--accounts", "3", "--out", str(tmp_path / "b"),
                             "--activity-batch", "0.1", "--batch-id", "0", "--truth", str(tmp_path / "t.csv"),
                             check=False)
    assert refused.returncode == 2 and "--truth" in refused.stderr

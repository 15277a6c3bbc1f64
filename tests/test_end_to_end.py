"""End to end on fresh temporary warehouses: the Townsend story, loading one's own data, and clear failures."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from conftest import SEGMENT_MEMBERS_QUERY, Project, demo_as_raw_files, recorded_segment_members

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt

TOWNSEND_EMAILS = ["p1@townsend.com", "p2@townsend.com", "p3@townsend.com", "p4@townsend.com"]
SEGMENT = "seg_new_product_upsell"


def townsend_account(project: Project) -> tuple[str, float]:
    rows = project.query("select account_id, won_revenue_usd from marts.dim_accounts where golden_account_id = 'G-TOWNSEND'")
    assert len(rows) == 1, rows
    return rows[0][0], float(rows[0][1])


# ---------------------------------------------------------------------------------------------
# The Townsend demo
# ---------------------------------------------------------------------------------------------


def test_segment_is_exactly_p2(demo_project):
    # GIVEN the demo built as `make demo` builds it
    # THEN the upsell segment and the membership table hold p2 and nobody else
    assert demo_project.query(f"select email from segments.{SEGMENT}") == [("p2@townsend.com",)]
    assert demo_project.query(
        "select segment_name, email, is_marketable from segments.segment_membership where segment_name = ?", [SEGMENT]
    ) == [(SEGMENT, "p2@townsend.com", True)]


def test_every_segment_keeps_the_members_it_had_before_the_one_file_form(demo_project):
    # GIVEN the demo built as `make demo` builds it (shifted to today, as of now)
    # THEN every segment has the members recorded before segments became one declaration each
    assert demo_project.query(SEGMENT_MEMBERS_QUERY) == recorded_segment_members("demo")


def test_unified_townsend_has_all_four_people_and_1_1m_won(demo_project):
    # GIVEN the demo built
    account_id, won = townsend_account(demo_project)

    # THEN the unified Townsend account has $1.1M closed-won and p1, p2, p3 and p4 (a contact of the Salesforce
    # account the MDM does not map, which the matching model joins) are related to it
    assert won == 1_100_000
    related = demo_project.query(
        "select p.email from marts.bridge_person_accounts b join marts.dim_persons p using (person_id)"
        " where b.account_id = ? order by 1",
        [account_id],
    )
    assert [row[0] for row in related] == TOWNSEND_EMAILS
    assert demo_project.query("select count(*) from marts.dim_persons where email in ('p1@townsend.com', 'p3@townsend.com')") == [(2,)]


def test_the_record_the_mdm_does_not_map_is_unified_by_the_model_and_globex_stays_apart(demo_project):
    # GIVEN the demo's Salesforce account "Townsend Incorporated", without a web site and without a crosswalk row,
    # whose contact p4 has a townsend.com address; and Globex in both systems, which a steward keeps apart
    account_id, _ = townsend_account(demo_project)
    rows = demo_project.query(
        "select source_system, source_account_id, account_id = ?, match_method, match_probability"
        " from marts.account_identity_map order by 1, 2",
        [account_id],
    )
    by_record = {(system, source_id): (is_townsend, method, probability)
                 for system, source_id, is_townsend, method, probability in rows}

    # THEN the model joins it to Townsend with its probability; the MDM's records say mdm
    is_townsend, method, probability = by_record[("salesforce", "0015g00000TWNINCAA4")]
    assert (is_townsend, method) == (True, "model")
    assert 0.99 <= probability <= 1
    assert by_record[("marketo", "1")][:2] == (True, "mdm")
    assert by_record[("salesforce", "0015g00000TWNSNDAA2")][:2] == (True, "mdm")
    # AND Globex's two records stay two accounts: the steward's no_match overrides the model's score
    assert by_record[("marketo", "2")][1:] == ("none", None)
    assert by_record[("salesforce", "0015g00000GLBXAAA3")][1:] == ("none", None)
    assert demo_project.query(
        "select decision, match_probability >= 0.99 from intermediate.int_account_match_pairs_decided"
        " where match_record_key_l = 'marketo:2' and match_record_key_r = 'salesforce:0015g00000GLBXAAA3'"
    ) == [("steward_no_match", True)]


def test_no_single_system_sees_townsend_over_the_threshold(demo_project):
    # GIVEN the demo built
    account_id, _ = townsend_account(demo_project)

    # THEN per source system, Townsend's closed-won revenue stays under $1M: only unification crosses it
    per_system = demo_project.query(
        "select source_system, sum(amount_usd) from marts.fct_opportunities"
        " where account_id = ? and is_won group by 1 order by 1",
        [account_id],
    )
    assert [(system, float(total)) for system, total in per_system] == [("marketo", 200_000), ("salesforce", 900_000)]
    assert all(total < 1_000_000 for _, total in per_system)


def test_p2_is_one_person_across_marketo_and_salesforce(demo_project):
    # GIVEN p2 is a Marketo lead (typed ' P2@Townsend.com ') and a Salesforce contact
    rows = demo_project.query(
        "select source_system, source_object, person_id from marts.person_identity_map"
        " where person_id = (select person_id from marts.dim_persons where email = 'p2@townsend.com') order by 1"
    )
    # THEN both records map to the same person
    assert [(system, obj) for system, obj, _ in rows] == [("marketo", "lead"), ("salesforce", "contact")]


def test_export_writes_p2_to_the_marketo_list_file(demo_project, tmp_path):
    # WHEN the segment is exported as a Marketo static-list import file
    result = demo_project.script("export_audience.py", "--segment", SEGMENT, "--format", "marketo-csv", "--out", str(tmp_path))

    # THEN the file holds exactly p2, and the command says how many rows it wrote
    with open(tmp_path / f"{SEGMENT}.marketo.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Email Address", "First Name", "Last Name", "Company Name", "Job Title"]
    assert [row[0] for row in rows[1:]] == ["p2@townsend.com"]
    assert "rows written:                 1" in result.stdout


# ---------------------------------------------------------------------------------------------
# One's own data, loaded with the loader (no demo seeds)
# ---------------------------------------------------------------------------------------------


def test_loaded_files_build_the_same_audience_at_the_same_as_of(project, tmp_path):
    # GIVEN the demo's rows loaded as files (dates as written, around the demo anchor day)
    project.script("load_raw.py", str(demo_as_raw_files(tmp_path / "drop")))

    # WHEN the project is built without the demo seeds, as of the demo anchor day
    project.dbt("build", "--exclude", "tag:demo", "--exclude-resource-type", "unit_test", vars={"as_of": "2026-11-01"})

    # THEN the audience is p2, and Townsend is unified as with the seeds
    assert project.query(f"select email from segments.{SEGMENT}") == [("p2@townsend.com",)]
    assert townsend_account(project)[1] == 1_100_000


def test_same_inputs_give_the_same_ids(project, tmp_path, demo_project):
    # GIVEN the demo's rows loaded as files, built (ids do not depend on dates)
    project.script("load_raw.py", str(demo_as_raw_files(tmp_path / "drop")))
    project.dbt("build", "--exclude", "tag:demo", "--exclude-resource-type", "unit_test")

    # THEN every person and account id equals the one the seeded demo build gave
    for sql in (
        "select source_system, source_object, source_id, person_id from marts.person_identity_map order by 1, 2, 3",
        "select source_system, source_account_id, account_id from marts.account_identity_map order by 1, 2",
    ):
        assert project.query(sql) == demo_project.query(sql)


def test_optional_tables_may_be_absent(project, tmp_path):
    # GIVEN only the required raw tables (no Salesforce leads, roles, relations, Marketo companies, visits, MDM)
    required = {"marketo.lead", "salesforce.account", "salesforce.contact", "salesforce.opportunity"}
    project.script("load_raw.py", str(demo_as_raw_files(tmp_path / "drop", required)))

    # WHEN the project is built
    project.dbt("build", "--exclude", "tag:demo", "--exclude-resource-type", "unit_test")

    # THEN everything builds; without the crosswalk no golden account, only the model unifies (Townsend's two
    # Salesforce accounts), and without visits nobody qualifies
    assert project.query("select count(*) from marts.dim_accounts where golden_account_id is not null") == [(0,)]
    assert project.query(
        "select match_method, count(*) from marts.account_identity_map group by 1 order by 1"
    ) == [("model", 2), ("none", 3)]
    assert project.query("select count(*) from marts.fct_web_visits") == [(0,)]
    assert project.query(f"select count(*) from segments.{SEGMENT}") == [(0,)]
    assert project.query("select count(*) from marts.dim_persons") == [(6,)]


# ---------------------------------------------------------------------------------------------
# Clear failures
# ---------------------------------------------------------------------------------------------


def test_a_missing_required_table_names_the_table_and_the_var(project, tmp_path):
    # GIVEN raw data without the required Salesforce contact table
    project.script("load_raw.py", str(demo_as_raw_files(tmp_path / "drop", {"marketo.lead", "salesforce.account", "salesforce.opportunity"})))

    # WHEN the project is built
    result = project.dbt("build", "--exclude", "tag:demo", check=False)

    # THEN it fails, naming the table and the var that points at its schema
    assert result.returncode != 0
    assert "Raw table raw_salesforce.contact does not exist" in result.stdout
    assert "salesforce_schema" in result.stdout


def test_a_missing_required_column_names_table_and_column(project, tmp_path):
    # GIVEN a raw Marketo lead table that lacks the required email column (landed by some other tool)
    project.script("load_raw.py", str(demo_as_raw_files(tmp_path / "drop", {"salesforce.account", "salesforce.contact", "salesforce.opportunity"})))
    with duckdb.connect(str(project.warehouse)) as con:
        con.execute("create schema if not exists raw_marketo")
        con.execute("create table raw_marketo.lead as select '1' as id, 'x' as first_name")

    # WHEN the project is built
    result = project.dbt("build", "--exclude", "tag:demo", "--exclude-resource-type", "unit_test", check=False)

    # THEN it fails, naming the table and the column
    assert result.returncode != 0
    assert "Raw table raw_marketo.lead is missing required column 'email'" in result.stdout


@pytest.mark.parametrize(
    ("vars", "message"),
    [
        pytest.param({"as_of": "last tuesday"}, "var 'as_of' must be a date", id="as-of-not-a-date"),
        pytest.param({"upsell_min_won_revenue_usd": "a lot"}, "var 'upsell_min_won_revenue_usd' must be a number", id="threshold-not-a-number"),
        pytest.param({"upsell_visit_window_days": -3}, "var 'upsell_visit_window_days' must be at least 0", id="negative-window"),
    ],
)
def test_bad_vars_fail_with_a_one_line_reason(demo_project, vars, message):
    # WHEN the segment is built with a var of the wrong kind
    result = demo_project.dbt("build", "--select", SEGMENT, "--exclude-resource-type", "unit_test", vars=vars, check=False)

    # THEN the build fails and says which var is wrong and why
    assert result.returncode != 0
    assert message in result.stdout


# Each segment of the library has at least one member in the demo, and near misses stay out.
EXPECTED_MEMBERS = {
    "seg_new_product_upsell": ["p2@townsend.com"],
    "seg_stalled_pipeline_contacts": ["g2@globex.example"],
    "seg_open_opportunity_decision_makers": ["p2@townsend.com"],
    "seg_webinar_responders": ["p1@townsend.com", "p3@townsend.com"],
    "seg_target_account_list": ["g1@globex.example", "p1@townsend.com"],
    "seg_upsell_decision_makers": ["p2@townsend.com"],
}


@pytest.mark.parametrize(("segment", "emails"), [pytest.param(k, v, id=k) for k, v in EXPECTED_MEMBERS.items()])
def test_segment_library_members(demo_project, segment, emails):
    rows = demo_project.query(
        "select email from segments.segment_membership where segment_name = ? order by email", [segment]
    )
    assert [row[0] for row in rows] == emails


def test_segment_summary_shows_which_condition_narrows(demo_project):
    # p1, p3 and p4 are at Townsend ($1.1M won), only p2 also visited recently
    rows = demo_project.query(
        "select condition_name, candidates_passing, members from segments.segment_summary"
        " where segment_name = ? order by condition_order", [SEGMENT]
    )
    assert rows == [("account_won_revenue_over_threshold", 4, 1), ("visited_new_product_page_recently", 2, 1)]


def test_townsend_open_pipeline_converts_the_eur_deal(demo_project):
    # $250k open in USD plus EUR 400k at 0.92 EUR per USD
    [(pipeline,)] = demo_project.query(
        "select open_pipeline_usd from marts.dim_accounts where golden_account_id = 'G-TOWNSEND'"
    )
    assert float(pipeline) == pytest.approx(250_000 + 400_000 / 0.92, abs=0.01)


def test_linkedin_and_member_csv_exports(demo_project, tmp_path):
    # WHEN the upsell audience is exported for LinkedIn and as a plain member file
    demo_project.script("export_audience.py", "--segment", SEGMENT, "--format", "linkedin-csv", "--out", str(tmp_path))
    demo_project.script("export_audience.py", "--segment", SEGMENT, "--format", "csv", "--out", str(tmp_path))

    # THEN LinkedIn gets p2's hash (sha256sum of 'p2@townsend.com') with the account's country, never the address
    with open(tmp_path / f"{SEGMENT}.linkedin.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[1] == [
        "f22add7875dc96025edd4259482a5d302078cbc433f918d40218a0ac28ea54d7", "Paula", "Two", "Townsend Inc.",
        "Director of IT", "US",
    ]
    # AND the member file carries the traits
    with open(tmp_path / f"{SEGMENT}.members.csv", newline="", encoding="utf-8") as handle:
        members = list(csv.DictReader(handle))
    assert [m["email"] for m in members] == ["p2@townsend.com"]
    assert float(members[0]["max_account_won_revenue_usd"]) == 1_100_000


def test_parquet_export_keeps_trait_types(demo_project, tmp_path):
    # WHEN the upsell audience is exported as Parquet
    demo_project.script("export_audience.py", "--segment", SEGMENT, "--format", "parquet", "--out", str(tmp_path))

    # THEN the file holds p2 with typed traits
    path = tmp_path / f"{SEGMENT}.members.parquet"
    with duckdb.connect() as con:
        rows = con.execute(
            f"select email, max_account_won_revenue_usd, typeof(last_web_visit_at) from '{path}'"
        ).fetchall()
    assert [(email, float(won), kind) for email, won, kind in rows] == [("p2@townsend.com", 1_100_000, "TIMESTAMP")]
    assert not list(tmp_path.glob(".*.tmp"))


# ---------------------------------------------------------------------------------------------
# Activation: consent is enforced by the build, and the incremental Marketo sync of the demo
# ---------------------------------------------------------------------------------------------


def copy_of(project: Project, workdir: Path) -> Project:
    """A second project on a copy of ``project``'s warehouse (to change data without touching the original)."""
    copy = Project(workdir)
    copy.warehouse.write_bytes(project.warehouse.read_bytes())
    return copy


def test_the_build_fails_if_activation_would_send_a_non_marketable_person(demo_project, tmp_path):
    # GIVEN p2 withdrew consent after the activation model was built (so it still lists p2)
    project = copy_of(demo_project, tmp_path)
    with duckdb.connect(str(project.warehouse)) as con:
        con.execute("update marts.dim_persons set is_marketable = false where email = 'p2@townsend.com'")

    # WHEN the activation model's tests run, THEN the consent test fails on p2's three segment rows
    [(rows,)] = project.query("select count(*) from activation.activation_audience_members"
                              " where email = 'p2@townsend.com'")
    result = project.dbt("test", "--select", "activation_audience_members", check=False)
    assert result.returncode != 0
    assert "Failure in test only_marketable_persons_activation_audience_members_person_id" in result.stdout
    assert f"Got {rows} results, configured to fail if != 0" in result.stdout


def test_demo_sync_adds_p2_then_removes_p2_once_the_visit_ages_out(demo_project, tmp_path):
    # GIVEN the demo, WHEN the documented sync demo runs (a fake Marketo on localhost)
    project = copy_of(demo_project, tmp_path)
    result = project.script("demo_sync.py", "--warehouse", str(project.warehouse))

    # THEN the first sync added p2, the second sent nothing, and the one after the visit aged out removed p2
    assert result.stdout.count("now holds: p2@townsend.com") == 2
    assert "now holds: (nobody)" in result.stdout
    # AND the campaign was requested for p2 by the first sync only (one entry, one request)
    assert result.stdout.count("requested by this sync for: p2@townsend.com; 1 request(s) in all") == 1
    # AND the audience reached a LinkedIn user segment (one hashed address) and the stalled accounts its company
    # segment (the demo's stalled account: Globex)
    stalled = demo_project.query("select a.account_name from segments.seg_accounts_stalled_pipeline"
                                 " join marts.dim_accounts as a using (account_id) where assignment = 'member'")
    assert "LinkedIn user segment holds 1 hashed address(es)" in result.stdout
    assert stalled and all(name in result.stdout.split("company segment holds:", 1)[1] for (name,) in stalled)
    runs = project.query(
        "select mode, status, added_count, removed_count, unchanged_count from activation.activation_sync_runs"
        " where destination = 'marketo' order by started_at"
    )
    assert runs == [("full_resync", "succeeded", 1, 0, 0), ("incremental", "succeeded", 0, 0, 1),
                    ("incremental", "succeeded", 0, 1, 0)]
    # AND the warehouse is back to today: p2 is in the segment again
    assert project.query(f"select email from activation.activation_audience_members where segment_name = '{SEGMENT}'") \
        == [("p2@townsend.com",)]
    # AND the membership history saw p2 enter (first build), leave (visit aged out) and come back (today again)
    stays = project.query(
        "select h.valid_to is not null, h.is_current from segments.segment_membership_history as h"
        " inner join marts.dim_persons as p on p.person_id = h.person_id"
        f" where h.segment_name = '{SEGMENT}' and p.email = 'p2@townsend.com' order by h.valid_from"
    )
    assert stays == [(True, False), (False, True)]
    assert project.query("select segment_name, change_type from segments.segment_membership_changes"
                         f" where segment_name = '{SEGMENT}'") == [(SEGMENT, "entered")]


# ---------------------------------------------------------------------------------------------
# Account audiences
# ---------------------------------------------------------------------------------------------


def test_an_account_audience_goes_to_a_file_of_accounts(demo_project, tmp_path):
    # WHEN the stalled-pipeline account segment is exported as csv
    demo_project.script("export_audience.py", "--segment", "seg_accounts_stalled_pipeline", "--format", "csv",
                        "--out", str(tmp_path))

    # THEN the file holds its member accounts with their name, domain and country
    with open(tmp_path / "seg_accounts_stalled_pipeline.members.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = demo_project.query(
        "select s.account_id, a.account_name, coalesce(a.domain, ''), coalesce(a.country, '')"
        " from segments.seg_accounts_stalled_pipeline as s join marts.dim_accounts as a using (account_id)"
        " where s.assignment = 'member' order by 1")
    assert expected and [tuple(row.values()) for row in rows] == expected
    assert list(rows[0]) == ["account_id", "account_name", "domain", "country"]


def test_a_destination_of_people_refuses_an_account_audience(demo_project, tmp_path):
    result = demo_project.script("export_audience.py", "--segment", "seg_accounts_stalled_pipeline",
                                 "--format", "marketo-csv", "--out", str(tmp_path), check=False)
    assert result.returncode == 1
    assert "takes person audiences, and seg_accounts_stalled_pipeline is an audience of accounts" in result.stderr
    assert not list(tmp_path.iterdir())

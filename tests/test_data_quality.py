"""The messy fixture (tests/fixtures/messy): every kind of dirty row is accounted for and reported, exactly.

The fixture is the Townsend demo (dates as written, around the demo anchor day) plus dirty rows of every kind the
pipeline knows; it is loaded with the loader's --lenient mode and built without the demo seeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cdp.warehouse.raw_contract import load_contract
from conftest import REPO_ROOT, SEGMENT_MEMBERS_QUERY, Project, recorded_segment_members

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt

MESSY = REPO_ROOT / "tests" / "fixtures" / "messy"
MESSY_VARS = {"as_of": "2026-11-01", "identity_max_records_per_value": 3}

# (source_system, table_name, reason, disposition) -> issues: each row of the fixture put there on purpose.
EXPECTED_ISSUES = {
    ("identity", "person_identity_claims", "identity_overlinked", "kept"): 1,  # shared@bigcorp.example x4, cap 3
    ("marketo", "activity_visit_webpage", "duplicate_id", "quarantined"): 1,  # 50004 re-sent
    ("marketo", "activity_visit_webpage", "missing_required_value", "quarantined"): 1,  # no webpage_url
    ("marketo", "activity_visit_webpage", "orphan_lead_ref", "kept"): 1,  # lead 999 unknown
    ("marketo", "activity_visit_webpage", "unparseable_timestamp", "quarantined"): 1,  # 'yesterday'
    ("marketo", "lead", "duplicate_id", "quarantined"): 1,  # 201 twice
    ("marketo", "lead", "invalid_email", "kept"): 1,  # not-an-email
    ("marketo", "lead", "missing_required_id", "quarantined"): 1,  # empty id
    ("marketo", "lead", "orphan_contact_ref", "kept"): 1,  # sfdc_contact_id of no contact
    ("marketo", "lead", "placeholder_email", "kept"): 1,  # test@test.com
    ("marketo", "lead", "role_mailbox", "kept"): 1,  # info@townsend.com
    ("mdm", "account_crosswalk", "invalid_source_system", "quarantined"): 1,  # hubspot
    ("mdm", "account_crosswalk", "mdm_conflict", "kept"): 1,  # Globex mapped twice, older row loses
    ("mdm", "account_crosswalk", "orphan_account_ref", "kept"): 1,  # G-GHOST -> no such account
    ("salesforce", "account", "unparseable_value", "kept"): 1,  # number_of_employees '12x'
    ("salesforce", "contact", "missing_required_id", "quarantined"): 1,
    ("salesforce", "contact", "orphan_account_ref", "kept"): 1,
    ("salesforce", "contact", "role_mailbox", "kept"): 1,  # INFO@townsend.com
    ("salesforce", "opportunity", "duplicate_id", "quarantined"): 1,  # the $900k deal re-sent
    ("salesforce", "opportunity", "negative_amount", "quarantined"): 1,
    ("salesforce", "opportunity", "orphan_account_ref", "kept"): 1,
    ("salesforce", "opportunity_contact_role", "orphan_contact_ref", "kept"): 1,
    ("salesforce", "opportunity_contact_role", "orphan_opportunity_ref", "kept"): 1,
}

# source_system, table_name -> raw, staged, quarantined, dropped deleted, dropped history
EXPECTED_ROW_COUNTS = {
    ("marketo", "lead"): (15, 12, 2, 0, 1),
    ("marketo", "company"): (2, 2, 0, 0, 0),
    ("marketo", "opportunity"): (2, 2, 0, 0, 0),
    ("marketo", "activity_visit_webpage"): (9, 6, 3, 0, 0),
    ("salesforce", "account"): (3, 3, 0, 0, 0),
    ("salesforce", "contact"): (7, 5, 1, 1, 0),
    ("salesforce", "lead"): (1, 1, 0, 0, 0),
    ("salesforce", "opportunity"): (6, 4, 2, 0, 0),
    ("salesforce", "opportunity_contact_role"): (3, 3, 0, 0, 0),
    ("salesforce", "account_contact_relation"): (1, 1, 0, 0, 0),
    ("mdm", "account_crosswalk"): (7, 6, 1, 0, 0),
    ("mdm", "golden_account"): (2, 2, 0, 0, 0),
}

# Raw tables of the contract the fixture has no file for: all optional, they contribute nothing (every count 0).
ABSENT_TABLES = {
    (source.name, table.name): table
    for source in load_contract().values()
    for table in source.tables.values()
    if not (MESSY / source.name / f"{table.name}.csv").exists()
}


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """The messy fixture loaded (lenient) and built; the build's output for the checks on warnings."""
    project = Project(tmp_path_factory.mktemp("messy"))
    project.script("load_raw.py", str(MESSY), "--lenient")
    result = project.dbt("build", "--exclude", "tag:demo", vars=MESSY_VARS)
    return project, result.stdout


def test_build_passes_with_warnings(messy):
    # GIVEN the messy data built: the run exits 0 (the fixture's dbt call checks it) ...
    _, output = messy
    # THEN dirty data shows as warnings (orphans, issues to look at), never as errors
    assert "ERROR=0" in output
    assert "WARN=0" not in output
    assert "has_no_rows_data_quality_issues" in output


def test_every_issue_is_reported_exactly(messy):
    project, _ = messy
    summary = project.query(
        "select source_system, table_name, reason, disposition, issue_count from marts.data_quality_summary"
    )
    assert {row[:4]: row[4] for row in summary} == EXPECTED_ISSUES


def test_every_raw_row_is_accounted_for(messy):
    project, _ = messy
    rows = project.query(
        "select source_system, table_name, raw_rows, staged_rows, quarantined_rows, dropped_deleted_rows,"
        " dropped_history_rows from marts.data_quality_row_counts"
    )
    counts = {row[:2]: row[2:] for row in rows}
    assert all(table.optional for table in ABSENT_TABLES.values())
    assert counts == {**EXPECTED_ROW_COUNTS, **{key: (0, 0, 0, 0, 0) for key in ABSENT_TABLES}}
    for raw, staged, quarantined, deleted, history in counts.values():
        assert raw == staged + quarantined + deleted + history


def test_raw_row_counts_match_the_loaded_files(messy):
    # The accounting starts from what is really in the raw tables.
    project, _ = messy
    for (source, table), expected in EXPECTED_ROW_COUNTS.items():
        assert project.query(f"select count(*) from raw_{source}.{table}") == [(expected[0],)]


def test_the_clean_part_still_tells_the_townsend_story(messy):
    project, _ = messy
    # The re-sent $900k deal and the negative amount do not change Townsend's revenue.
    assert project.query(
        "select won_revenue_usd from marts.dim_accounts where golden_account_id = 'G-TOWNSEND'"
    ) == [(1_100_000,)]
    assert project.query("select email from segments.seg_new_product_upsell") == [("p2@townsend.com",)]


def test_every_segment_keeps_the_members_it_had_before_the_one_file_form(messy):
    project, _ = messy
    assert project.query(SEGMENT_MEMBERS_QUERY) == recorded_segment_members("messy")


def test_guards_keep_people_apart(messy):
    project, _ = messy
    # Role mailboxes and over-linked values link nobody: each record stays a person of its own.
    assert project.query(
        "select count(*) from marts.person_identity_map where email in ('info@townsend.com')"
    ) == [(2,)]
    assert project.query(
        "select count(distinct person_id) from marts.person_identity_map where email = 'shared@bigcorp.example'"
    ) == [(4,)]
    # A visit of an unknown lead is kept, without a person.
    assert project.query(
        "select count(*) from marts.fct_web_visits where source_lead_id = '999' and person_id is null"
    ) == [(1,)]
    # The conflicting MDM row lost: Globex's Salesforce account is in G-GLOBEX only.
    assert project.query(
        "select golden_account_id from marts.account_identity_map where source_account_id = '0015g00000GLBXAAA3'"
    ) == [("G-GLOBEX",)]


def test_a_broken_configuration_fails_with_one_line(messy):
    project, _ = messy
    result = project.dbt(
        "build", "--exclude", "tag:demo", "--select", "int_person_links",
        vars={**MESSY_VARS, "identity_max_records_per_value": "many"}, check=False,
    )
    assert result.returncode != 0
    assert "var 'identity_max_records_per_value' must be a number, got 'many'" in result.stdout

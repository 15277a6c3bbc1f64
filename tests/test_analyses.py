"""The SQL analyses (analyses/*.sql), each compiled by dbt and its compiled SQL run in a fresh demo warehouse: first
as `make demo` leaves it, then after a later run that saw people leave segments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from cdp.warehouse.sql import quote_literal
from conftest import REPO_ROOT, Project

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt

ANALYSES = sorted(path.stem for path in (REPO_ROOT / "analyses").glob("*.sql"))
# The history the second run adds to: the demo's first run moved two weeks back, and a person who entered the
# webinar segment then and whose id is gone since (their records merged into another person).
WEEKS_BACK = 2
MERGED_AWAY_PERSON = "merged-away-person"
# Late enough that p2's visit of the new product page (twelve days before the demo's today) is out of the upsell
# segment's 30-day window; the accounts' closed-won revenue stays what it was.
DAYS_LATER = 25

Rows = list[dict[str, object]]


@dataclass
class AnalysisRuns:
    """Each analysis's rows on the demo as built, and after the later run."""

    demo: dict[str, Rows]
    later: dict[str, Rows]
    p2_person_id: str


def run_analysis(project: Project, name: str) -> Rows:
    """The rows of an analysis's compiled SQL (target/compiled/.../analyses/<name>.sql) run in the warehouse."""
    compiled = project.workdir / "target" / "compiled" / "cdp" / "analyses" / f"{name}.sql"
    with duckdb.connect() as con:
        # The warehouse under the name dbt gives it (profiles.yml), which the compiled SQL's relations carry.
        con.execute(f"attach {quote_literal(project.warehouse)} as cdp (read_only)")
        cursor = con.execute(compiled.read_text())
        columns = [description[0] for description in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> AnalysisRuns:
    """The demo built, every analysis compiled and run; then a history and a later run, and every analysis again."""
    project = Project(tmp_path_factory.mktemp("analyses"))
    project.dbt("build", "--full-refresh")
    project.dbt("compile", "--select", "resource_type:analysis")
    demo = {name: run_analysis(project, name) for name in ANALYSES}

    with duckdb.connect(str(project.warehouse)) as con:
        con.execute(
            f"update segments.segment_membership_events set changed_at = changed_at - interval {7 * WEEKS_BACK} day"
        )
        con.execute(
            "insert into segments.segment_membership_events "
            "select 'seg_webinar_responders', ?, 'entered', min(changed_at), min(run_id) "
            "from segments.segment_membership_events",
            [MERGED_AWAY_PERSON],
        )
    as_of = (date.today() + timedelta(days=DAYS_LATER)).isoformat()
    project.dbt("run", vars={"as_of": as_of})
    later = {name: run_analysis(project, name) for name in ANALYSES}

    [(p2,)] = project.query("select person_id from marts.dim_persons where email = 'p2@townsend.com'")
    return AnalysisRuns(demo=demo, later=later, p2_person_id=p2)


def test_every_analysis_says_what_it_answers_and_is_described():
    # GIVEN the analyses folder  WHEN each file is read  THEN it opens with a comment saying what it answers
    assert ANALYSES == ["identity_merge_audit", "revenue_by_unified_account", "segment_exits_explained",
                        "segment_growth_by_week"]
    for name in ANALYSES:
        header = (REPO_ROOT / "analyses" / f"{name}.sql").read_text().split("\nwith", 1)[0]
        assert header.startswith("-- ") and "Answers" in header, name
    described = (REPO_ROOT / "analyses" / "_analyses.yml").read_text()
    assert all(f"- name: {name}\n" in described for name in ANALYSES)


def test_revenue_by_unified_account_tells_the_townsend_story(runs):
    # GIVEN the demo  WHEN revenue_by_unified_account runs
    rows = {row["account_name"]: row for row in runs.demo["revenue_by_unified_account"]}

    # THEN Townsend is one account with $1.1M won: $200k seen by Marketo and $900k by Salesforce, over the upsell
    # threshold only unified
    townsend = rows["Townsend Inc."]
    assert townsend["golden_account_id"] == "G-TOWNSEND"
    # (the Salesforce account the MDM does not map, "Townsend Incorporated", joined by the matching model)
    assert townsend["source_accounts"] == "marketo:1, salesforce:0015g00000TWNINCAA4, salesforce:0015g00000TWNSNDAA2"
    assert (townsend["marketo_won_revenue_usd"], townsend["salesforce_won_revenue_usd"],
            townsend["largest_single_system_won_revenue_usd"], townsend["unified_won_revenue_usd"]) == \
        (Decimal("200000"), Decimal("900000"), Decimal("900000"), Decimal("1100000"))
    assert townsend["over_upsell_threshold_only_unified"] is True
    # AND Globex stays two accounts (a steward keeps them apart), none over the threshold
    assert rows["Globex"]["unified_won_revenue_usd"] == Decimal("150000")
    assert rows["Globex Corporation"]["unified_won_revenue_usd"] == Decimal("700000")
    assert [row["account_name"] for row in runs.demo["revenue_by_unified_account"]][0] == "Townsend Inc."
    assert not any(row["over_upsell_threshold_only_unified"] for name, row in rows.items() if name != "Townsend Inc.")


def test_identity_merge_audit_shows_which_value_linked_each_merged_person(runs):
    # GIVEN the demo  WHEN identity_merge_audit runs
    rows = runs.demo["identity_merge_audit"]

    # THEN the two merged persons are listed with the links that merged them and the value each link shares:
    # p2's Marketo lead and Salesforce contact share an email; p3's Salesforce lead was converted into the contact
    links = {(row["person_email"], row["record_key"], row["linked_record_key"], row["link_type"], row["shared_value"])
             for row in rows}
    assert links == {
        ("p2@townsend.com", "salesforce:contact:0035g00000PTWOAAA2", "marketo:lead:102", "email", "p2@townsend.com"),
        ("p3@townsend.com", "salesforce:lead:00Q5g00000PTHREAA3", "salesforce:contact:0035g00000PTHREAA3",
         "salesforce_contact", "0035g00000PTHREAA3"),
    }
    assert {(row["person_rank"], row["record_count"]) for row in rows} == {(1, 2), (2, 2)}


def test_segment_growth_by_week_counts_entries_exits_and_members_every_week(runs):
    # GIVEN the demo's first run  WHEN segment_growth_by_week runs
    first = runs.demo["segment_growth_by_week"]

    # THEN there is one week, in which every segment's members entered
    assert len({row["week_start"] for row in first}) == 1
    assert {row["segment_name"]: row["entered"] for row in first}["seg_new_product_upsell"] == 1
    assert all(row["exited"] == 0 and row["members_at_week_end"] == row["entered"] for row in first)

    # WHEN the first run lies two weeks back and a later run saw p2 leave the upsell segment
    later = runs.later["segment_growth_by_week"]
    upsell = [(row["entered"], row["exited"], row["members_at_week_end"])
              for row in later if row["segment_name"] == "seg_new_product_upsell"]

    # THEN every segment has three consecutive weeks, the quiet one between included
    weeks = sorted({row["week_start"] for row in later})
    assert [(week - weeks[0]).days for week in weeks] == [0, 7, 14]
    assert all(len([row for row in later if row["segment_name"] == name]) == 3
               for name in {row["segment_name"] for row in later})
    # AND the upsell segment grew by p2, held, then lost p2
    assert upsell == [(1, 0, 1), (0, 0, 1), (0, 1, 0)]
    # AND the webinar segment lost the person whose id is gone
    webinar = [row for row in later if row["segment_name"] == "seg_webinar_responders"]
    assert (webinar[0]["entered"], webinar[-1]["exited"]) == (3, 1)
    # AND every week's members are the running total of entries minus exits
    for name in {row["segment_name"] for row in later}:
        total = 0
        for row in (row for row in later if row["segment_name"] == name):
            total += row["entered"] - row["exited"]
            assert row["net_change"] == row["entered"] - row["exited"] and row["members_at_week_end"] == total


def test_segment_exits_explained_names_the_condition_that_now_fails(runs):
    # GIVEN the demo as built, where nobody has left a segment
    assert runs.demo["segment_exits_explained"] == []

    # WHEN a later run no longer sees p2's visit of the new product page in the window
    rows = runs.later["segment_exits_explained"]
    by_exit = {(row["segment_name"], row["person_id"]): row for row in rows}

    # THEN p2 left the upsell segment because the visit condition fails (the account's revenue still qualifies)
    upsell = [row for row in rows if row["segment_name"] == "seg_new_product_upsell"]
    assert [(row["person_id"], row["email"], row["reason"], row["failing_condition"]) for row in upsell] == \
        [(runs.p2_person_id, "p2@townsend.com", "condition_fails", "visited_new_product_page_recently")]
    assert upsell[0]["detail"] == "visited a page like %/products/new% in the 30 days up to as_of"
    # AND left the upsell decision makers, who must be in the upsell segment
    decision_makers = by_exit[("seg_upsell_decision_makers", runs.p2_person_id)]
    assert (decision_makers["reason"], decision_makers["failing_condition"]) == \
        ("condition_fails", "in_new_product_upsell")
    # AND the person whose id is gone left the webinar segment, which evaluates no such person any more
    gone = by_exit[("seg_webinar_responders", MERGED_AWAY_PERSON)]
    assert (gone["reason"], gone["failing_condition"], gone["email"]) == ("not_evaluated", None, None)
    # AND nobody else left
    assert set(by_exit) == {("seg_new_product_upsell", runs.p2_person_id),
                            ("seg_upsell_decision_makers", runs.p2_person_id),
                            ("seg_webinar_responders", MERGED_AWAY_PERSON)}
    assert len(rows) == 3

"""Incremental builds give the same marts and segments as a full build (README, "Incremental builds").

A warehouse is built in full on a base data set (the demo's rows as files, plus generated leads and activities over a
year); a batch of new raw rows is appended and the project built again, incrementally, a day later. A second warehouse
gets everything at once and is built with --full-refresh at the same as_of. Every public model (marts, segments, data
quality) must hold the same rows, and the incremental run must have read only what the batch touched.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cdp_dev.compare import compare_exports, format_report
from conftest import Project, demo_as_raw_files

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt

FIRST_AS_OF = "2026-11-01T12:00:00"
SECOND_AS_OF = "2026-11-02T12:00:00"  # a day later: window counts change for leads the batch never touches
LOADED_UNTIL = datetime(2026, 11, 1, 7, 0)  # the newest _fivetran_synced of the base data (the high-water mark)
BATCH_LOADED_AT = datetime(2026, 11, 2, 6, 0)
LOOKBACK_HOURS = 24
GENERATED_LEADS = 60
STAMP = "%Y-%m-%d %H:%M:%S"

ACTIVITY_TABLES = {  # table -> (extra columns, share of the generated activities)
    "activity_visit_webpage": (["webpage_url", "primary_attribute_value", "query_parameters", "referrer_url"], 5),
    "activity_fill_out_form": (["primary_attribute_value", "webpage_url"], 1),
    "activity_open_email": (["primary_attribute_value"], 2),
    "activity_click_email": (["primary_attribute_value"], 1),
}
ACTIVITY_COLUMNS = ["id", "lead_id", "activity_date"]
SYNC_COLUMNS = ["_fivetran_synced", "_fivetran_active"]
LEAD_COLUMNS = ["id", "email", "first_name", "last_name", "company", "title", "external_company_id", "sfdc_lead_id",
                "sfdc_contact_id", "unsubscribed", "email_invalid", "created_at", "updated_at"] + SYNC_COLUMNS


def stamp(moment: datetime) -> str:
    return moment.strftime(STAMP)


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def activity(table: str, activity_id: str, lead_id: str, occurred: datetime, loaded: datetime, page: str = "") -> dict:
    row = {"id": activity_id, "lead_id": lead_id, "activity_date": stamp(occurred), "_fivetran_synced": stamp(loaded)}
    if table in ("activity_visit_webpage", "activity_fill_out_form"):
        row["webpage_url"] = page
    row["primary_attribute_value"] = "generated"
    return row


def columns_of(table: str) -> list[str]:
    return ACTIVITY_COLUMNS + ACTIVITY_TABLES[table][0] + SYNC_COLUMNS


def base_data(folder: Path) -> dict[str, list[dict]]:
    """The demo's raw files plus generated leads and a year of their activities; returns the activity rows."""
    demo_as_raw_files(folder)
    rng = random.Random(7)
    leads = read_rows(folder / "marketo" / "lead.csv")
    # Two people the batch will merge: lead 200 (synced to Salesforce contact C-MERGE) and lead 201 (a@merge.example).
    leads += [
        {"id": "200", "email": "b@merge.example", "sfdc_contact_id": "C-MERGE", "updated_at": "2026-06-01 00:00:00"},
        {"id": "201", "email": "a@merge.example", "updated_at": "2026-06-01 00:00:00"},
    ]
    leads += [{"id": f"g{n:03d}", "email": f"g{n:03d}@gen{n % 7}.example", "updated_at": "2026-05-01 00:00:00"}
              for n in range(GENERATED_LEADS)]
    write_rows(folder / "marketo" / "lead.csv", LEAD_COLUMNS, leads)

    rows: dict[str, list[dict]] = {}
    start = LOADED_UNTIL - timedelta(days=365)
    for table, (_, share) in ACTIVITY_TABLES.items():
        demo = folder / "marketo" / f"{table}.csv"
        rows[table] = read_rows(demo) if demo.exists() else []
        lead_ids = [f"g{n:03d}" for n in range(GENERATED_LEADS)] + ["200", "201", "202"]  # 202: known only later
        for number in range(share * 120):
            occurred = start + timedelta(minutes=rng.randrange(365 * 24 * 60 - 180))
            page = f"https://www.bodea.com/{rng.choice(['pricing', 'products/new-platform', 'blog'])}"
            rows[table].append(activity(table, f"{table[9:13]}-{number}", rng.choice(lead_ids), occurred,
                                        occurred + timedelta(hours=1), page))
    visits = rows["activity_visit_webpage"]
    # At the edges of what a day later changes without any new row: an activity that leaves the 30-day window,
    # one after the first as_of that counts at the second, and one that will be re-sent.
    visits.append(activity("activity_visit_webpage", "edge-30d", "g001", datetime(2026, 10, 3), LOADED_UNTIL,
                           "https://www.bodea.com/pricing"))
    visits.append(activity("activity_visit_webpage", "after-as-of", "g002", datetime(2026, 11, 2), LOADED_UNTIL,
                           "https://www.bodea.com/products/new-platform"))
    visits.append(activity("activity_visit_webpage", "resent-good", "g003", datetime(2026, 10, 20), LOADED_UNTIL,
                           "https://www.bodea.com/pricing"))
    visits.append(activity("activity_visit_webpage", "resent-bad", "g004", datetime(2026, 10, 21), LOADED_UNTIL,
                           "https://www.bodea.com/products/new-platform"))
    for table, table_rows in rows.items():
        write_rows(folder / "marketo" / f"{table}.csv", columns_of(table), table_rows)
    return rows


def batch_data(folder: Path) -> dict[str, list[dict]]:
    """New raw rows: activities, late and re-sent rows, a row to quarantine, and leads that merge two persons."""
    late = LOADED_UNTIL - timedelta(hours=2)  # committed late, inside the look-back
    new = BATCH_LOADED_AT
    visits = [
        activity("activity_visit_webpage", "new-1", "g010", datetime(2026, 11, 1, 20), new,
                 "https://www.bodea.com/products/new-platform"),
        activity("activity_visit_webpage", "new-2", "201", datetime(2026, 11, 1, 21), new, "https://www.bodea.com/blog"),
        activity("activity_visit_webpage", "new-3", "203", datetime(2026, 11, 1, 22), new, "https://www.bodea.com/blog"),
        activity("activity_visit_webpage", "late-1", "g011", datetime(2026, 10, 31, 23), late,
                 "https://www.bodea.com/pricing"),
        # the same id again, newer: it now belongs to another lead
        activity("activity_visit_webpage", "resent-good", "g012", datetime(2026, 10, 20), new,
                 "https://www.bodea.com/pricing"),
        # the same id again, newer, without a page: quarantined, and the visit is gone
        activity("activity_visit_webpage", "resent-bad", "g004", datetime(2026, 10, 21), new, ""),
        # a new visit without a page: quarantined, never a good row
        activity("activity_visit_webpage", "no-page", "g013", datetime(2026, 11, 1, 23), new, ""),
        activity("activity_visit_webpage", "orphan", "999", datetime(2026, 11, 1, 23), new, "https://www.bodea.com/blog"),
    ]
    opens = [activity("activity_open_email", "new-open", "g014", datetime(2026, 11, 2, 1), new)]
    write_rows(folder / "marketo" / "activity_visit_webpage.csv", columns_of("activity_visit_webpage"), visits)
    write_rows(folder / "marketo" / "activity_open_email.csv", columns_of("activity_open_email"), opens)
    # Lead 202 claims a@merge.example (lead 201's email) and contact C-MERGE (lead 200's sync): 200, 201 and 202 are
    # now one person, and 202's visits from the base data find their person; lead 203 is new with a new visit.
    leads = [
        {"id": "202", "email": "a@merge.example", "sfdc_contact_id": "C-MERGE", "updated_at": "2026-11-01 20:00:00"},
        {"id": "203", "email": "new@gen1.example", "updated_at": "2026-11-01 20:00:00"},
    ]
    write_rows(folder / "marketo" / "lead.csv", LEAD_COLUMNS, leads)
    return {"activity_visit_webpage": visits, "activity_open_email": opens}


def build(project: Project, *args: str, as_of: str, export: Path | None = None) -> None:
    variables = {"as_of": as_of, "incremental_lookback_hours": LOOKBACK_HOURS}
    if export is not None:
        export.mkdir(parents=True, exist_ok=True)
        variables["compare_export_dir"] = str(export)
    project.dbt("build", "--exclude", "tag:demo", "--exclude-resource-type", "unit_test", *args, vars=variables)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("incremental")
    base_rows = base_data(root / "base")
    batch_rows = batch_data(root / "batch")

    # GIVEN a warehouse built in full on the base data, then the batch appended and built incrementally a day later
    incremental = Project(root / "incremental")
    incremental.script("load_raw.py", str(root / "base"))
    build(incremental, "--exclude-resource-type", "test", as_of=FIRST_AS_OF)
    first_run = incremental.query("select max(_changed_at) from staging.base_marketo__web_visits")[0][0]
    incremental.script("load_raw.py", str(root / "batch"), "--append")
    build(incremental, as_of=SECOND_AS_OF, export=root / "export_incremental")

    # AND a warehouse with the same raw rows built at once with --full-refresh
    full = Project(root / "full")
    full.script("load_raw.py", str(root / "base"))
    full.script("load_raw.py", str(root / "batch"), "--append")
    build(full, "--full-refresh", "--exclude-resource-type", "test", as_of=SECOND_AS_OF, export=root / "export_full")
    return {"root": root, "incremental": incremental, "full": full, "first_run": first_run,
            "base_rows": base_rows, "batch_rows": batch_rows}


def test_incremental_build_equals_full_refresh(builds):
    # THEN every public model (marts, segments, data quality) holds the same rows in both warehouses
    root = builds["root"]
    results = compare_exports(root / "export_incremental", root / "export_full")
    names = {result.model for result in results}
    assert {"fct_web_visits", "fct_person_activities", "person_traits", "account_traits", "segment_membership",
            "seg_new_product_upsell", "data_quality_issues", "data_quality_row_counts"} <= names
    assert all(result.same for result in results), format_report(results, "incremental", "full")


def test_the_batch_changed_what_it_should(builds):
    # THEN the rows the batch brought are there: the late row, the re-sent visit under its new lead, the merge
    project = builds["incremental"]
    visits = dict(project.query("select source_visit_id, source_lead_id from marts.fct_web_visits"
                                " where source_visit_id in ('late-1', 'resent-good', 'resent-bad', 'no-page', 'new-3')"))
    assert visits == {"late-1": "g011", "resent-good": "g012", "new-3": "203"}
    issues = project.query("select source_id, reason from marts.data_quality_issues"
                           " where table_name = 'activity_visit_webpage' and source_id like '%-%' order by 1, 2")
    assert issues == [("no-page", "missing_required_value"), ("resent-bad", "duplicate_id"),
                      ("resent-bad", "missing_required_value"), ("resent-good", "duplicate_id")]
    merged = project.query("select count(distinct person_id) from marts.person_identity_map"
                           " where source_system = 'marketo' and source_id in ('200', '201', '202')")
    assert merged == [(1,)]
    # AND every activity of the merged leads carries the merged person, including 202's from before it was known
    assert project.query("select count(distinct person_id), count(*) from marts.fct_person_activities"
                         " where source_lead_id in ('200', '201', '202')")[0][0] == 1


def test_the_incremental_run_read_only_what_the_batch_touched(builds):
    project, first_run = builds["incremental"], builds["first_run"]

    # THEN each base model stamped as changed exactly the raw rows of the ids the batch brought rows for (new ids,
    # the late row, the re-sent ones); the ids it read again inside the look-back kept their stamps
    for table, base in (("activity_visit_webpage", "base_marketo__web_visits"),
                        ("activity_fill_out_form", "base_marketo__form_fills"),
                        ("activity_open_email", "base_marketo__email_opens"),
                        ("activity_click_email", "base_marketo__email_clicks")):
        batch_ids = {row["id"] for row in builds["batch_rows"].get(table, [])}
        rows = builds["base_rows"][table] + builds["batch_rows"].get(table, [])
        expected = sum(1 for row in rows if row["id"] in batch_ids)
        [(changed, total)] = project.query(
            f"select count(*) filter (where _changed_at > ?), count(*) from staging.{base}", [first_run])
        assert (changed, total) == (expected, len(rows)), table

    # AND the high-water mark moved to the batch
    assert project.query("select max(_fivetran_synced) from staging.base_marketo__web_visits") == [(BATCH_LOADED_AT,)]

    # AND the lead summaries recomputed only some leads: those the batch touched and those a day later changes
    changed = {lead for (lead,) in project.query(
        "select lead_id from intermediate.int_lead_activities_aggregated where _processed_at > ?", [first_run])}
    assert {"g010", "201", "203", "g011", "g012", "g004", "g014", "999", "g001", "g002", "g003"} <= changed
    [(leads,)] = project.query("select count(*) from intermediate.int_lead_activities_aggregated")
    assert len(changed) < leads / 2

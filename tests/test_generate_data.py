"""The synthetic data generator (cdp_dev/generator/, scripts/generate_data.py): a small set has every contract table
and column in its contract type, loads with the strict loader, is byte-identical for the same seed and different
for another, builds with dbt into members for every segment and issues of every dirty kind it wrote, and into
exactly the seg_new_product_upsell members its world model expects; a batch adds new activities after the base set
with ids that collide with nothing. (The shapes: tests/test_generate_shapes.py.)"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from cdp_dev.generator import (
    ACTIVITY_TABLES,
    GeneratorError,
    expected_upsell,
    expected_upsell_emails,
    generate,
    generate_activity_batch,
    plan_batch,
)
from cdp.warehouse.loader import load
from cdp.warehouse.raw_contract import load_contract
from conftest import REPO_ROOT, SEGMENT_MEMBERS_QUERY, Project, recorded_segment_members

ACCOUNTS = 30
SEED = 7
END = "2026-11-01"
END_AT = datetime(2026, 11, 1)
CONTRACT = load_contract()
TABLES = [table for source in CONTRACT.values() for table in source.tables.values()]
SEGMENTS = sorted(path.stem for path in (REPO_ROOT / "models" / "segments").glob("seg_*.sql"))

# (source_system, table_name, reason): every dirty kind the generator writes, as data_quality_issues reports it.
EXPECTED_ISSUES = {
    ("identity", "person_identity_claims", "identity_overlinked"),
    *{("marketo", table, reason) for table in ACTIVITY_TABLES
      for reason in ("duplicate_id", "missing_required_id", "missing_required_value", "orphan_lead_ref")},
    ("marketo", "company", "duplicate_id"), ("marketo", "company", "missing_required_id"),
    *{("marketo", "lead", reason) for reason in ("duplicate_id", "invalid_email", "missing_required_id",
                                                 "orphan_contact_ref", "placeholder_email", "role_mailbox")},
    *{("marketo", "list_membership", reason)
      for reason in ("duplicate_id", "missing_required_id", "orphan_lead_ref", "orphan_list_ref")},
    *{("marketo", "opportunity", reason) for reason in ("duplicate_id", "missing_required_id", "negative_amount")},
    *{("marketo", "opportunity_role", reason)
      for reason in ("duplicate_id", "missing_required_id", "orphan_lead_ref", "orphan_opportunity_ref")},
    ("marketo", "program", "duplicate_id"),
    *{("marketo", "program_membership", reason)
      for reason in ("duplicate_id", "missing_required_id", "orphan_lead_ref", "orphan_program_ref")},
    ("marketo", "static_list", "duplicate_id"),
    *{("mdm", "account_crosswalk", reason) for reason in ("duplicate_id", "invalid_source_system", "mdm_conflict",
                                                          "missing_required_id", "orphan_account_ref")},
    ("mdm", "golden_account", "duplicate_id"), ("mdm", "golden_account", "missing_required_id"),
    ("salesforce", "account", "duplicate_id"), ("salesforce", "account", "missing_required_id"),
    *{("salesforce", "account_contact_relation", reason)
      for reason in ("duplicate_id", "missing_required_id", "orphan_account_ref", "orphan_contact_ref")},
    ("salesforce", "campaign", "duplicate_id"),
    *{("salesforce", "campaign_member", reason) for reason in ("duplicate_id", "missing_required_id",
                                                               "orphan_campaign_ref", "orphan_contact_ref",
                                                               "orphan_lead_ref")},
    *{("salesforce", "contact", reason) for reason in ("duplicate_id", "invalid_email", "missing_required_id",
                                                       "orphan_account_ref", "placeholder_email", "role_mailbox")},
    *{("salesforce", "currency_type", reason)
      for reason in ("duplicate_id", "invalid_conversion_rate", "missing_required_value")},
    *{("salesforce", "lead", reason) for reason in ("duplicate_id", "invalid_email", "missing_required_id",
                                                    "orphan_contact_ref", "placeholder_email", "role_mailbox")},
    *{("salesforce", "opportunity", reason) for reason in ("duplicate_id", "missing_currency_rate",
                                                           "missing_required_id", "negative_amount",
                                                           "orphan_account_ref")},
    *{("salesforce", "opportunity_contact_role", reason)
      for reason in ("duplicate_id", "missing_required_id", "orphan_contact_ref", "orphan_opportunity_ref")},
}


def _files(folder: Path) -> dict[str, Path]:
    return {f"{path.parent.name}.{path.stem}": path for path in sorted(folder.glob("*/*.parquet"))}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _query(sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(sql, params or []).fetchall()


def _activities(folder: Path) -> str:
    """SQL: the rows of the four activity tables of a folder (table name, id, lead_id, times, url)."""
    return " union all ".join(
        f"select '{table}' as table_name, id, lead_id, activity_date, _fivetran_synced, "
        f"{'webpage_url' if table == 'activity_visit_webpage' else 'null::varchar'} as webpage_url "
        f"from read_parquet('{folder / 'marketo' / f'{table}.parquet'}')" for table in ACTIVITY_TABLES)


@pytest.fixture(scope="module")
def base_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("generated") / "base"
    return out, generate(ACCOUNTS, SEED, out, END)


def test_every_contract_table_and_column_in_its_contract_type(base_set):
    out, counts = base_set
    assert list(counts) == [f"{table.source}.{table.name}" for table in TABLES]
    assert set(_files(out)) == set(counts)
    for table in TABLES:
        path = out / table.source / f"{table.name}.parquet"
        described = _query(f"select column_name, column_type from (describe select * from read_parquet('{path}'))")
        assert described == [(column.name, column.duckdb_type) for column in table.columns], table.qualified_name
        assert _query(f"select count(*) from read_parquet('{path}')") == [(counts[f"{table.source}.{table.name}"],)]
        assert counts[f"{table.source}.{table.name}"] > 0, table.qualified_name


def test_every_required_column_is_filled_on_the_clean_rows(base_set):
    # Dirty rows leave some required ids empty on purpose; most rows have every required value.
    out, counts = base_set
    for table in TABLES:
        path = out / table.source / f"{table.name}.parquet"
        required = [column.name for column in table.columns if column.required]
        [(filled,)] = _query(f"select count(*) from read_parquet('{path}') where "
                             + " and ".join(f'"{name}" is not null' for name in required))
        assert filled >= 0.9 * counts[f"{table.source}.{table.name}"], table.qualified_name


def test_files_are_written_in_key_order(base_set):
    out, _ = base_set
    clicks = out / "marketo" / "activity_click_email.parquet"
    ids = [row[0] for row in _query(f"select id from read_parquet('{clicks}')")]
    assert ids == sorted(ids, key=int)
    contacts = [row[0] for row in _query(
        f"select id from read_parquet('{out / 'salesforce' / 'contact.parquet'}') where id is not null")]
    assert contacts == sorted(contacts)


def test_the_set_loads_with_the_strict_loader(base_set, tmp_path):
    out, counts = base_set
    loaded = load(out, warehouse=tmp_path / "strict.duckdb")
    assert {item.target: item.rows for item in loaded} == {f"raw_{name}": rows for name, rows in counts.items()}
    assert not any(item.text_columns for item in loaded)


def test_the_same_seed_gives_the_same_files_and_another_seed_other_data(base_set, tmp_path):
    out, counts = base_set
    again = generate(ACCOUNTS, SEED, tmp_path / "again", END)
    assert again == counts
    assert {name: _sha256(path) for name, path in _files(tmp_path / "again").items()} == \
        {name: _sha256(path) for name, path in _files(out).items()}

    generate(ACCOUNTS, SEED + 1, tmp_path / "other", END)
    other = _files(tmp_path / "other")
    differing = {name for name, path in _files(out).items() if _sha256(path) != _sha256(other[name])}
    # currency_type is a fixed list; everything else depends on the seed.
    assert differing == set(counts) - {"salesforce.currency_type"}
    emails = f"select lower(trim(email)) from read_parquet('{{}}') where id is not null order by 1"
    assert _query(emails.format(out / "marketo" / "lead.parquet")) != \
        _query(emails.format(tmp_path / "other" / "marketo" / "lead.parquet"))


def test_a_batch_adds_new_activities_after_the_base_set(base_set, tmp_path):
    out, _ = base_set
    first = generate_activity_batch(ACCOUNTS, SEED, tmp_path / "batch1", 0.1, 1, END)
    second = generate_activity_batch(ACCOUNTS, SEED, tmp_path / "batch2", 0.05, 2, END)
    assert list(first) == [f"marketo.{table}" for table in ACTIVITY_TABLES]
    assert set(_files(tmp_path / "batch1")) == set(first)
    generate_activity_batch(ACCOUNTS, SEED, tmp_path / "batch1_again", 0.1, 1, END)
    assert {name: _sha256(path) for name, path in _files(tmp_path / "batch1_again").items()} == \
        {name: _sha256(path) for name, path in _files(tmp_path / "batch1").items()}

    [(base_ids, base_max_id)] = _query(f"select count(distinct id), max(cast(id as bigint)) from ({_activities(out)})")
    assert base_max_id == base_ids  # base activity ids are 1..n
    assert sum(first.values()) == round(0.1 * base_ids)
    assert sum(second.values()) == round(0.05 * base_ids)
    # Ids collide neither with the base set nor with another batch, nor within a batch.
    [(batch_ids, all_ids)] = _query(f"""
        select count(distinct id) filter (where batch), count(distinct id) from (
            select id, false as batch from ({_activities(out)})
            union all select id, true as batch from ({_activities(tmp_path / 'batch1')})
            union all select id, true as batch from ({_activities(tmp_path / 'batch2')}))
    """)
    assert batch_ids == sum(first.values()) + sum(second.values())
    assert all_ids == base_ids + batch_ids

    # Every batch row is of a known lead, in the last hour before END, synced at or after it and after every base row.
    base_synced = max(
        _query(f"select max(_fivetran_synced) from read_parquet('{path}')")[0][0] or datetime.min
        for name, path in _files(out).items() if "_fivetran_synced" in
        {column.name for column in CONTRACT[path.parent.name].tables[path.stem].columns})
    leads = f"select id from read_parquet('{out / 'marketo' / 'lead.parquet'}')"
    [(rows, known, first_at, last_at, first_synced, synced_before_event)] = _query(f"""
        select count(*), count(*) filter (where lead_id in ({leads})), min(activity_date), max(activity_date),
            min(_fivetran_synced), count(*) filter (where _fivetran_synced < activity_date)
        from ({_activities(tmp_path / 'batch1')})
    """)
    assert rows == sum(first.values()) and known == rows
    assert END_AT - timedelta(hours=1) <= first_at <= last_at <= END_AT
    assert first_synced > base_synced and synced_before_event == 0

    # Some of them are new-product page visits by people who visited it recently in the base set (the persons at
    # >$1M accounts the segment seg_new_product_upsell is about).
    recent_visitors = f"""
        select lead_id from read_parquet('{out / 'marketo' / 'activity_visit_webpage.parquet'}')
        where webpage_url like '%/products/new%' and activity_date >= timestamp '{END_AT - timedelta(days=30)}'
    """
    [(new_product, by_recent_visitors)] = _query(f"""
        select count(*), count(*) filter (where lead_id in ({recent_visitors}))
        from read_parquet('{tmp_path / 'batch1' / 'marketo' / 'activity_visit_webpage.parquet'}')
        where webpage_url like '%/products/new%'
    """)
    assert new_product >= 1 and by_recent_visitors >= 1

    # The batch appends to the base set with the strict loader.
    warehouse = tmp_path / "appended.duckdb"
    load(out, warehouse=warehouse)
    load(tmp_path / "batch1", append=True, warehouse=warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_marketo.activity_click_email").fetchone()[0] == \
            _query(f"select count(*) from read_parquet('{out / 'marketo' / 'activity_click_email.parquet'}')")[0][0] \
            + first["marketo.activity_click_email"]


def test_batch_ids_are_disjoint_blocks():
    assert plan_batch(999, 5, 1.0, 0).first_id == 1001
    assert plan_batch(1000, 5, 1.0, 0).id_block == 10_000
    plans = [plan_batch(123_456, 5, 1.0, k) for k in range(3)]
    ranges = [(plan.first_id, plan.first_id + plan.rows - 1) for plan in plans]
    assert ranges[0][0] > 123_456
    assert all(high < next_low for (_, high), (next_low, _) in zip(ranges, ranges[1:]))
    assert plan_batch(1_000, 0, 0.5, 0).new_product_visits == 0
    assert plan_batch(1_000, 3, 0.5, 0).new_product_visits == 5


def test_bad_arguments_write_nothing(tmp_path):
    for kwargs in ({"accounts": 0}, {"accounts": 2.5}, {"activities_per_person": -1}):
        with pytest.raises(GeneratorError):
            generate(**{"accounts": 3, "seed": 1, "out": tmp_path / "bad", "end": END, **kwargs})
    with pytest.raises(GeneratorError, match="--end"):
        generate(3, 1, tmp_path / "bad", "last tuesday")
    for fraction, batch_id in ((0, 1), (1.5, 1), (0.1, -1)):
        with pytest.raises(GeneratorError):
            generate_activity_batch(3, 1, tmp_path / "bad", fraction, batch_id, END)
    assert not (tmp_path / "bad").exists()


def test_command_line(project: Project, tmp_path):
    out = tmp_path / "cli"
    result = project.script("generate_data.py", "--accounts", "3", "--seed", "5", "--end", END, "--out", str(out))
    assert "marketo.activity_visit_webpage" in result.stdout and "total" in result.stdout
    progress = [line.split()[0] for line in result.stderr.splitlines() if line.endswith("s") and " rows " in line]
    assert progress[:-1] == [f"{table.source}.{table.name}" for table in TABLES]  # then the summary line
    written = {name: _sha256(path) for name, path in _files(out).items()}
    assert len(written) == len(TABLES)

    # A non-empty --out needs --force; bad arguments exit 2 and write nothing.
    for args in (["--accounts", "3"], ["--accounts", "0"], ["--accounts", "3", "--activity-batch", "0.1"],
                 ["--accounts", "3", "--activity-batch", "2", "--batch-id", "1"]):
        refused = project.script("generate_data.py", *args, "--out", str(out), check=False)
        assert refused.returncode == 2 and "error:" in refused.stderr, args
    assert {name: _sha256(path) for name, path in _files(out).items()} == written
    assert project.script("generate_data.py", "--accounts", "0", "--out", str(tmp_path / "never"),
                          check=False).returncode == 2
    assert not (tmp_path / "never").exists()

    forced = project.script("generate_data.py", "--accounts", "3", "--seed", "5", "--end", END, "--out", str(out),
                            "--activity-batch", "0.5", "--batch-id", "0", "--force")
    assert set(_files(out)) == {f"marketo.{table}" for table in ACTIVITY_TABLES}
    assert "total" in forced.stdout


@pytest.fixture(scope="module")
def built(base_set, tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """The base set loaded (strict) into a fresh warehouse and built without the demo, segments as of END."""
    out, _ = base_set
    project = Project(tmp_path_factory.mktemp("generated_build"))
    project.script("load_raw.py", str(out))
    result = project.dbt("build", "--exclude", "tag:demo", "--exclude-resource-type", "unit_test",
                         vars={"as_of": END})
    return project, result.stdout


@pytest.mark.dbt
def test_the_build_passes_and_every_segment_has_members(built):
    project, output = built
    assert "ERROR=0" in output
    assert SEGMENTS
    for segment in SEGMENTS:
        [(members,)] = project.query(f"select count(*) from segments.{segment}")
        assert members > 0, segment


@pytest.mark.dbt
def test_every_generated_dirty_kind_is_reported(built):
    project, _ = built
    reported = {row for row in project.query(
        "select distinct source_system, table_name, reason from marts.data_quality_issues")}
    assert EXPECTED_ISSUES - reported == set()


@pytest.mark.dbt
def test_every_raw_row_is_accounted_for(built, base_set):
    project, _ = built
    _, counts = base_set
    rows = project.query("select source_system, table_name, raw_rows, staged_rows, quarantined_rows, "
                         "dropped_deleted_rows, dropped_history_rows from marts.data_quality_row_counts")
    assert {f"{source}.{table}": raw for source, table, raw, *_ in rows} == counts
    for *_, raw, staged, quarantined, deleted, history in rows:
        assert raw == staged + quarantined + deleted + history
    assert sum(row[5] for row in rows) > 0 and sum(row[6] for row in rows) > 0  # deleted rows, history versions


@pytest.mark.dbt
def test_dirty_rows_are_a_small_fraction(built):
    project, _ = built
    for table in ACTIVITY_TABLES:
        [(raw,)] = project.query(f"select count(*) from raw_marketo.{table}")
        for (reason, issues) in project.query(
                "select reason, issue_count from marts.data_quality_summary "
                "where source_system = 'marketo' and table_name = ?", [table]):
            assert 0.002 <= issues / raw <= 0.03, (table, reason, issues, raw)


@pytest.mark.dbt
def test_every_segment_keeps_the_members_it_had_before_the_one_file_form(built):
    # The generated set's members as recorded before segments became one declaration each (same settings, as_of).
    project, _ = built
    assert project.query(SEGMENT_MEMBERS_QUERY) == recorded_segment_members("generated")


@pytest.mark.dbt
def test_identity_and_accounts_resolve_as_generated(built):
    project, _ = built
    # ~10 persons per account, overlapping systems: most persons have records in more than one system.
    [(persons, multi_record)] = project.query(
        "select count(*), count(*) filter (where records > 1) from "
        "(select person_id, count(*) as records from marts.person_identity_map group by 1)")
    assert 5 * ACCOUNTS <= persons <= 20 * ACCOUNTS
    assert multi_record >= 0.25 * persons
    # The crosswalk unifies most source accounts: fewer unified accounts than source accounts.
    [(accounts, sources, over_1m)] = project.query(
        "select count(*), sum(source_account_count), count(*) filter (where won_revenue_usd > 1000000) "
        "from marts.dim_accounts")
    assert accounts < sources and over_1m >= 3
    # Deals in a currency with a rate are converted; a currency without one leaves amount_usd empty.
    assert project.query("select count(*) from marts.fct_opportunities where currency_iso_code not in ('USD') "
                         "and amount_usd is not null")[0][0] >= 1


@pytest.mark.dbt
def test_the_upsell_segment_is_what_the_world_model_expects(built):
    project, _ = built
    # At this scale the world model states every member and their email exactly: the persons it planted (new-product
    # visits of g_target) and those whose ordinary page mix hit the new product page in the window.
    expected = expected_upsell(ACCOUNTS, SEED, END)
    assert not expected.unsure and len(expected.members) >= 3
    assert {row[0] for row in project.query("select email from segments.seg_new_product_upsell")} == \
        expected_upsell_emails(ACCOUNTS, SEED, END) == set(expected.members.values())
    members = dict(project.query(
        "select identity.source_id, segment.email from segments.seg_new_product_upsell as segment "
        "inner join marts.person_identity_map as identity on segment.person_id = identity.person_id "
        "where identity.source_system = 'marketo' and identity.source_object = 'lead'"))
    assert members == expected.members


def test_the_upsell_expectation_says_when_it_cannot_be_exact():
    # At 100 accounts a member's records carry two addresses (which one the person shows is survivorship): the
    # expectation names that person instead of guessing, and the emails are refused.
    expected = expected_upsell(100, SEED, END)
    assert expected.unsure and not expected.unsure & set(expected.members)
    with pytest.raises(GeneratorError, match="Marketo leads"):
        expected_upsell_emails(100, SEED, END)

"""scripts/explain.py on the Townsend demo: why p2 is in the upsell audience and p1 is not; how the Townsend and
Globex accounts were unified (or kept apart)."""

from __future__ import annotations

import re

import shutil
from pathlib import Path

import duckdb
import pytest

from cdp.cli.explain import main
from cdp.explain import explain_account, format_account_explanation
from cdp.warehouse.connection import DuckDBWarehouse

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt

SEGMENT = "seg_new_product_upsell"


def test_included_person_passes_every_condition(demo_project):
    # WHEN p2 is explained (typed as in Marketo: upper case)
    result = demo_project.script("explain.py", "--segment", SEGMENT, "--email", "P2@Townsend.com")

    # THEN p2 is in, every condition passes with its evidence, the assignment says member, and both source records
    # and the unified account are shown
    out = result.stdout
    assert out.startswith(f"p2@townsend.com is IN {SEGMENT}\n")
    assert "FAIL" not in out
    assert "account_won_revenue_over_threshold  person  pass" in out
    assert "person  max_account_won_revenue_usd     1100000.000000" in out
    assert "assignment (after every condition passed):\n  member\n" in out
    assert "marketo     lead     102" in out
    assert "salesforce  contact  0035g00000PTWOAAA2" in out
    assert "Townsend Inc." in out


def test_excluded_person_names_the_failing_condition(demo_project):
    # WHEN p1 (whose product page visit is older than the window) is explained
    result = demo_project.script("explain.py", "--segment", SEGMENT, "--email", "p1@townsend.com")

    # THEN p1 is out, the revenue condition passes and the visit condition fails, with what it needs
    out = result.stdout
    assert f"p1@townsend.com is NOT IN {SEGMENT}: a condition fails" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and len(line.split()) == 3}
    assert lines["account_won_revenue_over_threshold"].rstrip().endswith("pass")
    assert lines["visited_new_product_page_recently"].rstrip().endswith("FAIL")
    assert "visited_new_product_page_recently fails: needs visited a page like %/products/new%" in out


def test_person_id_finds_the_same_person(demo_project):
    [(person_id,)] = demo_project.query("select person_id from marts.dim_persons where email = 'p3@townsend.com'")
    result = demo_project.script("explain.py", "--segment", SEGMENT, "--person-id", person_id)
    assert f"p3@townsend.com is NOT IN {SEGMENT}" in result.stdout
    # p3's converted Salesforce lead (another email) is part of the person
    assert "peter.three@townsend.com" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--segment", "seg_nope", "--email", "p2@townsend.com"], "unknown segment 'seg_nope'", id="unknown-segment"),
        pytest.param(["--segment", SEGMENT, "--email", "nobody@townsend.com"], "no person with email nobody@townsend.com", id="unknown-person"),
    ],
)
def test_errors_are_one_line(demo_project, args, message):
    result = demo_project.script("explain.py", *args, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def _warehouse_copy(demo_project, tmp_path: Path, *statements: str) -> Path:
    """A copy of the demo warehouse with the statements applied (the module's build stays as it is)."""
    copy = tmp_path / "cdp.duckdb"
    shutil.copy(demo_project.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        for statement in statements:
            con.execute(statement)
    return copy


def _open(warehouse: Path) -> DuckDBWarehouse:
    """The DuckDB warehouse file, read-only, as the commands open it."""
    return DuckDBWarehouse(duckdb.connect(str(warehouse), read_only=True), str(warehouse))


def test_account_is_formed_by_the_mdm_and_the_model(demo_project):
    # WHEN Townsend is explained by a source record's name, in another case
    result = demo_project.script("explain.py", "--account", "TOWNSEND")

    # THEN the unified account's header, its three source accounts (two by the MDM, one by the model, whose domain
    # comes from its people's emails) and the model's evidence for the joined record are shown
    out = result.stdout
    assert out.startswith("Townsend Inc.: one account formed from 3 source accounts\n")
    assert "golden_account_id G-TOWNSEND, won revenue 1,100,000.00 USD" in out
    formed = {line.split()[1]: line for line in out.split("formed from:\n")[1].split("\n\n")[0].splitlines()[1:]}
    assert set(formed) == {"1", "0015g00000TWNSNDAA2", "0015g00000TWNINCAA4"}
    assert "mdm" in formed["1"].split() and "the MDM crosswalk maps it to G-TOWNSEND" in formed["1"]
    assert "mdm" in formed["0015g00000TWNSNDAA2"].split()
    assert "Townsend Incorporated  townsend.com (from its people's emails)  model" in formed["0015g00000TWNINCAA4"]
    assert re.search(r"the model matched it with Townsend \(mdm:G-TOWNSEND\) at probability 0\.99", out), out
    assert "salesforce:0015g00000TWNINCAA4 with Townsend (mdm:G-TOWNSEND):" in out
    assert re.search(r"\n    domain   exact   \+\d+\.\d  townsend.com / townsend.com\n", out), out
    assert re.search(r"\n    prior            -\d+\.\d\n", out), out
    assert "near misses (pairs with another account's records, not joined):\n  (none)" in out


def test_account_id_finds_the_same_account(demo_project):
    [(account_id,)] = demo_project.query(
        "select account_id from marts.dim_accounts where golden_account_id = 'G-TOWNSEND'")
    by_id = demo_project.script("explain.py", "--account-id", account_id).stdout
    assert by_id == demo_project.script("explain.py", "--account-id", "G-TOWNSEND").stdout
    assert by_id == demo_project.script("explain.py", "--account", "townsend inc.").stdout


def test_steward_no_match_is_a_near_miss_of_each_side(demo_project):
    # WHEN both Globex accounts are explained
    marketo = demo_project.script("explain.py", "--account", "Globex").stdout
    salesforce = demo_project.script("explain.py", "--account", "globex corporation").stdout

    # THEN each is one record matched with nothing, and names the other as a near miss the steward kept apart
    assert marketo.startswith("Globex: one account formed from 1 source account\n")
    assert "matched with no other record" in marketo
    for out, this, other in ((marketo, "marketo:2", "salesforce:0015g00000GLBXAAA3"),
                             (salesforce, "salesforce:0015g00000GLBXAAA3", "marketo:2")):
        near = out.split("near misses (pairs with another account's records, not joined):\n")[1].splitlines()
        assert len(near) == 2 and near[1].split()[:2] == [this, other]
        assert re.search(r"  0\.99\d*  ", near[1]) and "steward_no_match" in near[1], near[1]
        # the demo's dates move with the day it is loaded (demo_shift_dates), so the decision's date is a pattern
        assert re.search(r"a steward keeps them apart \(steward@bodea\.example, \d{4}-\d{2}-\d{2} 09:00:00: "
                         r"Globex Corporation is the", near[1]), near[1]


def test_ambiguous_account_name_lists_the_candidates(demo_project, tmp_path):
    # GIVEN a warehouse where the Salesforce Globex is also called Globex
    warehouse = _warehouse_copy(demo_project, tmp_path, "update intermediate.int_account_match_records"
                                " set account_name = 'Globex' where match_record_key = 'salesforce:0015g00000GLBXAAA3'")

    # WHEN Globex is explained THEN both accounts are listed with their ids, and --account-id is asked for
    result = demo_project.script("explain.py", "--account", "globex", "--warehouse", str(warehouse), check=False)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "error: 2 accounts match the name 'globex': rerun with --account-id ID"
    assert lines[1].split() == ["account_id", "account", "golden", "account", "source", "accounts"]
    assert sorted(line.split()[1] for line in lines[2:]) == ["Globex", "Globex"]
    ids = {row[0] for row in demo_project.query(
        "select account_id from marts.dim_accounts where account_name like 'Globex%'")}
    assert {line.split()[0] for line in lines[2:]} == ids


def test_comparisons_are_read_from_the_scores_columns(demo_project, tmp_path):
    # GIVEN a model that gained a comparison (an industry level and weight in the scores)
    warehouse = _warehouse_copy(
        demo_project, tmp_path,
        "alter table intermediate.int_account_match_scores add column industry_level varchar default 'exact'",
        "alter table intermediate.int_account_match_scores add column industry_weight double default 1.5",
    )

    # WHEN Townsend is explained THEN its evidence shows the new comparison, and the prior is what is left
    with _open(warehouse) as con:
        result = explain_account(con, name="Townsend")
    [item, *_] = result.evidence
    assert [field.field for field in item.fields] == ["name", "domain", "country", "phone", "city", "industry"]
    assert (item.fields[-1].level, item.fields[-1].weight) == ("exact", 1.5)
    assert item.prior_weight == pytest.approx(item.match_weight - sum(field.weight for field in item.fields))
    assert "    industry  exact    +1.5\n" in format_account_explanation(result)


def test_near_misses_kept_apart_first_then_the_most_probable(demo_project, tmp_path):
    # GIVEN more pairs of the Marketo Globex with the Townsend records: a model match undone by a conflict, a pair
    # for review, three below the review threshold (one with a record the warehouse does not know)
    pair = "insert into intermediate.int_account_match_pairs_decided values ('marketo:2', '{}', 'marketo:2', '{}'," \
           " 'name', null, '{}', {}, 0.0, false, {})"
    warehouse = _warehouse_copy(
        demo_project, tmp_path,
        pair.format("mdm:G-TOWNSEND", "mdm:G-TOWNSEND", "model_match", 0.97, "'two_golden_accounts'"),
        pair.format("marketo:1", "mdm:G-TOWNSEND", "review", 0.8, "null"),
        pair.format("salesforce:0015g00000TWNINCAA4", "salesforce:0015g00000TWNINCAA4", "no_match", 0.3, "null"),
        pair.format("salesforce:0015g00000TWNSNDAA2", "mdm:G-TOWNSEND", "no_match", 0.1, "null"),
        pair.format("salesforce:GONE", "salesforce:GONE", "no_match", 0.05, "null"),
    )

    # WHEN the Marketo Globex is explained
    with _open(warehouse) as con:
        result = explain_account(con, name="Globex")

    # THEN the steward's no_match and the conflict come first, then the review, then the most probable no_matches;
    # five at most, and the rest are counted
    assert [(miss.other_key, miss.decision) for miss in result.near_misses] == [
        ("salesforce:0015g00000GLBXAAA3", "steward_no_match"),
        ("mdm:G-TOWNSEND", "model_match"),
        ("marketo:1", "review"),
        ("salesforce:0015g00000TWNINCAA4", "no_match"),
        ("salesforce:0015g00000TWNSNDAA2", "no_match"),
    ]
    assert result.near_misses_not_shown == 1
    conflict = result.near_misses[1]
    assert conflict.other_account_name == "Townsend Inc." and conflict.other_name == "Townsend"
    assert conflict.why == "the model matched them, but joining would put two MDM golden accounts in one account"
    assert "waits for a steward's decision" in result.near_misses[2].why
    assert "  (1 more not shown)" in format_account_explanation(result)


def test_older_warehouse_without_matching_tables(demo_project, tmp_path):
    # GIVEN a warehouse built before account matching (no intermediate matching tables)
    warehouse = _warehouse_copy(
        demo_project, tmp_path,
        "drop table intermediate.int_account_match_scores",
        "drop table intermediate.int_account_match_pairs_decided",
        "drop table intermediate.int_account_match_records",
    )

    # WHEN Townsend is explained THEN its source accounts are still shown, with a note saying to run dbt build
    result = demo_project.script("explain.py", "--account", "Townsend Inc.", "--warehouse", str(warehouse))
    out = result.stdout
    assert "note: this warehouse was built before account matching; it has no\n" in out
    assert "  intermediate.int_account_match_scores\n" in out and "run dbt build" in out
    assert "0015g00000TWNINCAA4" in out and "near misses" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--account", "Initech"], "no account named 'Initech'", id="unknown-account"),
        pytest.param(["--account", "towns"], "accounts with similar names: Townsend Inc.", id="similar-account"),
        pytest.param(["--account-id", "nope"], "no account with account_id nope", id="unknown-account-id"),
    ],
)
def test_account_errors_are_one_line(demo_project, args, message):
    result = demo_project.script("explain.py", *args, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--account", "Townsend", "--segment", SEGMENT], "take no --segment", id="account-with-segment"),
        pytest.param(["--email", "p1@townsend.com"], "--segment NAME is required with --email or --person-id",
                     id="person-without-segment"),
        pytest.param(["--account", "Townsend", "--email", "p1@townsend.com"], "not allowed with", id="two-subjects"),
        pytest.param([], "say what to explain", id="nothing"),
    ],
)
def test_modes_are_checked_before_the_warehouse_is_opened(args, message, capsys):
    # No warehouse is needed: the options are refused (exit 2) with the usage, which shows the two modes
    with pytest.raises(SystemExit) as exited:
        main([*args, "--warehouse", "/nonexistent/cdp.duckdb"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "(--account NAME | --account-id ID)" in err

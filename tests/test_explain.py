"""scripts/explain.py on the Townsend demo: why p2 is in the upsell audience and p1 is not."""

from __future__ import annotations

import pytest

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

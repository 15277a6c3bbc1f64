"""Segments as one declaration each (macro segment), on a temporary copy of the project built with the demo.

A new segment file is the only edit: `make demo`, as the README writes it, registers it (make segments) and builds
it, and it appears in segment_membership, _summary, _overlap, _definitions, explain.py and activation. The tools
marketers expect work end to end through activation: a priority group sends a person only to the highest audience
they qualify for, a split's holdout is never sent, a segment excludes another's members, and a suppressed email is
never sent and is removed from the Marketo list it was on.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cdp.pipeline import configured_destinations
from cdp_dev.fakes.marketo import FakeMarketo, RunningFakeMarketo
from conftest import REPO_ROOT

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt

TOWNSEND = ["p1@townsend.com", "p2@townsend.com", "p3@townsend.com", "p4@townsend.com"]
LAB_SEGMENTS = {
    # The README's example, unchanged: the one new file a user writes.
    "seg_engaged_deal_contacts": None,
    "seg_lab_townsend": """\
{{ cdp.segment(
    description='Everyone at Townsend (by email domain), first in the lab priority group.',
    owner='Tests',
    grain='person',
    conditions={'at_townsend': 'an email at townsend.com'},
    activation=[{'format': 'csv'}],
    priority_group='lab',
    priority=1,
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

final as (
    select
        person_id,
        email like '%@townsend.com' as at_townsend
    from persons
)

select * from final
""",
    "seg_lab_everyone": """\
{{ cdp.segment(
    description='Everyone with an email, second in the lab priority group.',
    owner='Tests',
    grain='person',
    conditions={'has_an_email': 'any email'},
    activation=[{'format': 'csv'}],
    priority_group='lab',
    priority=2,
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

final as (
    select
        person_id,
        email is not null as has_an_email
    from persons
)

select * from final
""",
    "seg_lab_split": """\
{{ cdp.segment(
    description='Everyone with an email, half of them held out.',
    owner='Tests',
    grain='person',
    conditions={'has_an_email': 'any email'},
    activation=[{'format': 'csv'}],
    split={'salt': 'lab', 'groups': {'treatment': 50, 'holdout': 50}},
    exclude=['seg_lab_townsend'],
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

final as (
    select
        person_id,
        email is not null as has_an_email
    from persons
)

select * from final
""",
}
SUPPRESSED = "p3@townsend.com"


def readme_example() -> str:
    """The segment file of the README's "Writing a segment", as the README writes it."""
    text = (REPO_ROOT / "README.md").read_text()
    section = text[text.index("\n### Writing a segment\n"):]
    start = section.index("```sql\n") + len("```sql\n")
    return section[start:section.index("```", start)]


def copy_project(target: Path) -> Path:
    """The project's files (as in the working tree) in `target`, without build output; the install inputs are made
    older than any install, so that `make` there never reinstalls the shared virtual environment."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for relative in listed:
        source = REPO_ROOT / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    for name in ("requirements.txt", "requirements-spark.txt", "pyproject.toml"):
        os.utime(target / name, (0, 0))
    return target


class Lab:
    """A copy of the project with the lab's segment files, built with the demo into its own warehouse."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.warehouse = root / "warehouse" / "lab.duckdb"

    @property
    def env(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith(("DBT_", "CDP_", "MARKETO_"))}
        return {**env, "CDP_DUCKDB_PATH": str(self.warehouse), "DBT_PROJECT_DIR": str(self.root)}

    def make(self, *targets: str) -> subprocess.CompletedProcess:
        result = subprocess.run(["make", "-C", str(self.root), *targets, f"VENV={REPO_ROOT / '.venv'}",
                                 f"OUT={self.root / 'out'}"], env=self.env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
        return result

    def script(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(self.root / "scripts" / name), *args], cwd=self.root,
                              env={**self.env, **(env or {})}, capture_output=True, text=True)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def emails(self, table: str, where: str = "true") -> set[str]:
        return {email for (email,) in self.query(f"select email from {table} where {where}")}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    """The lab's segments added as files, p3 on the suppression list, then `make demo`, as the README says."""
    lab = Lab(copy_project(tmp_path_factory.mktemp("lab") / "project"))
    for name, text in LAB_SEGMENTS.items():
        (lab.root / "models" / "segments" / f"{name}.sql").write_text(text or readme_example())
    with open(lab.root / "seeds" / "reference" / "suppression_list.csv", "a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(["email", SUPPRESSED, "Asked not to be contacted"])
    lab.make("demo")
    return lab


def test_a_new_segment_file_is_everywhere_with_no_other_edit(lab):
    # GIVEN the README's example segment written as one new file, and `make demo`
    name = "seg_engaged_deal_contacts"
    # THEN it has its table and evaluation, and every model that covers all segments has it
    assert lab.query(f"select count(*) from segments.{name}__evaluated")[0][0] > 0
    for table in ("segment_definitions", "segment_summary", "segment_qualifications"):
        assert lab.query(f"select count(*) from segments.{table} where segment_name = ?", [name])[0][0] > 0, table
    assert lab.query("select count(*) from segments.segment_overlap where segment_a = ?", [name])[0][0] > 0
    members = lab.emails("segments.segment_membership", f"segment_name = '{name}'")
    assert members and members == lab.emails(f"segments.{name}")
    # AND explain.py explains it
    explained = lab.script("explain.py", "--segment", name, "--email", sorted(members)[0])
    assert explained.returncode == 0 and f"is IN {name}" in explained.stdout, explained.stdout + explained.stderr
    # AND activation sends it where it is declared (the pipeline reads the declaration from dbt's manifest)
    declared = {(d.segment, d.format_name) for d in configured_destinations(str(lab.root / "target"))}
    assert (name, "csv") in declared
    exported = lab.script("export_audience.py", "--segment", name, "--format", "csv", "--out", str(lab.root / "out"))
    assert exported.returncode == 0, exported.stderr
    with open(lab.root / "out" / f"{name}.members.csv", newline="", encoding="utf-8") as handle:
        assert {row["email"] for row in csv.DictReader(handle)} == lab.emails(
            "activation.activation_audience_members", f"segment_name = '{name}'")


def test_a_priority_group_assigns_each_person_to_the_highest_segment_only(lab):
    # GIVEN seg_lab_townsend (priority 1) and seg_lab_everyone (priority 2) in the group 'lab'
    assigned = dict(lab.query("select email, assignment from segments.seg_lab_everyone"))
    # THEN Townsend's people qualify for both, are members of the first and outranked in the second, which says why
    for email in ("p1@townsend.com", "p2@townsend.com"):
        assert lab.query("select assignment from segments.seg_lab_townsend where email = ?", [email]) == [("member",)]
        assert assigned[email] == "outranked"
    [(reason,)] = lab.query("select assignment_reason from segments.seg_lab_everyone where email = 'p1@townsend.com'")
    assert reason == "assigned to seg_lab_townsend, ranked above it in priority group lab"
    # AND activation sends them only to the first
    sent = lab.emails("activation.activation_audience_members", "segment_name = 'seg_lab_everyone'")
    assert sent and not sent & {"p1@townsend.com", "p2@townsend.com"}
    assert {"p1@townsend.com", "p2@townsend.com"} <= lab.emails("activation.activation_audience_members",
                                                                "segment_name = 'seg_lab_townsend'")
    # AND explain.py says the priority group decided it
    out = lab.script("explain.py", "--segment", "seg_lab_everyone", "--email", "p1@townsend.com").stdout
    assert out.startswith("p1@townsend.com is NOT IN seg_lab_everyone: outranked, assigned to seg_lab_townsend")


def test_a_suppressed_email_is_assigned_suppressed_and_never_sent(lab):
    # GIVEN p3 on the suppression list (seed suppression_list) and qualifying for seg_lab_townsend
    [(assignment, reason)] = lab.query(
        "select assignment, assignment_reason from segments.seg_lab_townsend where email = ?", [SUPPRESSED])
    assert (assignment, reason) == (
        "suppressed", f"on the suppression list: email {SUPPRESSED} (Asked not to be contacted)")
    # THEN no destination gets p3, whatever segment they qualify for
    assert lab.query("select count(*) from activation.activation_audience_members where email = ?",
                     [SUPPRESSED]) == [(0,)]
    # AND explain.py says the suppression decided it
    out = lab.script("explain.py", "--segment", "seg_lab_townsend", "--email", SUPPRESSED).stdout
    assert out.startswith(f"{SUPPRESSED} is NOT IN seg_lab_townsend: suppressed, on the suppression list")


def test_a_split_is_deterministic_its_holdout_is_never_sent_and_logged(lab):
    # GIVEN seg_lab_split: everyone with an email, split 50/50 by salt 'lab', excluding seg_lab_townsend
    rows = lab.query("select person_id, split_group, assignment from segments.seg_lab_split")
    assert {group for _, group, _ in rows} == {"treatment", "holdout"}
    for person_id, group, _ in rows:
        # THEN the group is the md5 bucket of salt, segment and person, as computed anywhere
        digest = hashlib.md5(f"lab:seg_lab_split:{person_id}".encode()).hexdigest()
        assert group == ("treatment" if int(digest[:6], 16) % 100 < 50 else "holdout"), person_id
    # AND the holdout is assigned 'holdout', in the membership, and never sent
    held_out = {pid for pid, group, assignment in rows if group == "holdout" and assignment == "holdout"}
    assert held_out
    assert lab.query("select count(*) from activation.activation_audience_members"
                     " where segment_name = 'seg_lab_split' and person_id in (select unnest(?))",
                     [sorted(held_out)]) == [(0,)]
    [(held_out_email,)] = lab.query("select email from segments.seg_lab_split where person_id = ?",
                                    [sorted(held_out)[0]])
    out = lab.script("explain.py", "--segment", "seg_lab_split", "--email", held_out_email).stdout
    assert out.startswith(f"{held_out_email} is IN seg_lab_split, in the split's holdout group: never sent")
    # AND the members of the excluded segment are excluded, and say so
    excluded = dict(lab.query("select email, assignment_reason from segments.seg_lab_split where assignment = 'excluded'"))
    assert set(excluded) == {"p1@townsend.com", "p2@townsend.com", "p4@townsend.com"}
    assert set(excluded.values()) == {"assigned to seg_lab_townsend, which it excludes"}
    # AND every assigned member's group is in the log since this run
    logged = lab.query("select count(*) from segments.segment_split_assignments where segment_name = 'seg_lab_split'")
    assigned = sum(1 for _, _, assignment in rows if assignment in ("member", "holdout"))
    assert logged == [(assigned,)]


def test_every_declared_segment_is_in_the_registry_or_the_build_fails(lab):
    # GIVEN a segment file added after the registry was made, built with plain dbt (no make segments)
    (lab.root / "models" / "segments" / "seg_lab_unregistered.sql").write_text(
        LAB_SEGMENTS["seg_lab_townsend"].replace("priority_group='lab',\n    priority=1,\n", ""))
    try:
        result = subprocess.run([str(REPO_ROOT / ".venv" / "bin" / "dbt"), "build", "--select",
                                 "segment_registry_is_current", "--target-path", str(lab.root / "target-check")],
                                cwd=lab.root, env={**lab.env, "DBT_PROFILES_DIR": str(lab.root)},
                                capture_output=True, text=True)
        # THEN the test fails the build: the segment is in neither the registry nor the generated yml
        assert result.returncode == 1, result.stdout[-3000:]
        assert re.search(r"FAIL 2\S* segment_registry_is_current", result.stdout), result.stdout[-3000:]
    finally:
        (lab.root / "models" / "segments" / "seg_lab_unregistered.sql").unlink()


def test_a_suppressed_person_is_removed_from_the_marketo_list_they_were_on(tmp_path_factory):
    # GIVEN Townsend's people synced to a Marketo list by seg_lab_townsend, before any suppression
    lab = Lab(copy_project(tmp_path_factory.mktemp("lab-marketo") / "project"))
    (lab.root / "models" / "segments" / "seg_lab_townsend.sql").write_text(LAB_SEGMENTS["seg_lab_townsend"])
    lab.make("demo")
    fake = FakeMarketo("lab-client", "Lab-Secret-1")
    with RunningFakeMarketo(fake) as marketo:
        credentials = {"MARKETO_BASE_URL": marketo.base_url, "MARKETO_CLIENT_ID": "lab-client",
                       "MARKETO_CLIENT_SECRET": "Lab-Secret-1"}
        sync = ["--segment", "seg_lab_townsend", "--format", "marketo", "--list-name", "Lab", "--folder-id", "1"]
        first = lab.script("export_audience.py", *sync, env=credentials)
        assert first.returncode == 0, first.stdout + first.stderr
        assert set(fake.list_members("Lab")) == set(TOWNSEND)

        # WHEN p2 asks not to be contacted (a suppression entry) and the project is built again
        with open(lab.root / "seeds" / "reference" / "suppression_list.csv", "a", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerow(["email", "p2@townsend.com", "Asked not to be contacted"])
        lab.make("demo")
        second = lab.script("export_audience.py", *sync, env=credentials)

    # THEN the next sync removes p2 from the list, and sends nobody else
    assert second.returncode == 0, second.stdout + second.stderr
    assert set(fake.list_members("Lab")) == set(TOWNSEND) - {"p2@townsend.com"}

"""Tests for the audience export (cdp/activation/audience.py, the file destinations
cdp/activation/destinations/files.py, scripts/export_audience.py) on a tiny hand-built warehouse."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cdp.activation.audience import Audience, AudienceMember, fetch_audience
from cdp.activation.destinations.files import FORMATS, ExportFormat, export_segment, hashed_email, write_atomically
from cdp.activation.sync import format_report
from cdp.cli.export_audience import main
from cdp.warehouse.connection import connect

REPO_ROOT = Path(__file__).resolve().parent.parent
SEGMENT = "seg_new_product_upsell"
HEADER = "Email Address,First Name,Last Name,Company Name,Job Title\n"

# person_id, email, first_name, last_name, title, company_name, is_marketable
PERSONS = [
    ("p1", "ann@acme.example", "Ann", "Smith, Jr.", "VP Sales", 'Acme "Rockets", Inc.', True),
    ("p2", "bob@beta.example", "Bob", "Brown", "CFO", "Beta", False),
    ("p3", "aaron@cobalt.example", "Zoë", "Lee", "CTO", "Cobalt", True),
    ("p4", "dora@delta.example", "Dora", "Diaz", "CEO", "Delta", True),
]
# segment_name, person_id, email, is_marketable
MEMBERSHIP = [
    (SEGMENT, "p1", "ann@acme.example", True),
    (SEGMENT, "p2", "bob@beta.example", False),  # no consent: left out
    (SEGMENT, "p3", "aaron@cobalt.example", True),
    ("seg_other", "p4", "dora@delta.example", True),  # another segment: never in SEGMENT's file
    ("seg_no_consent", "p2", "bob@beta.example", False),  # members, none marketable
]
# Sorted by email; the comma and quotes in names are quoted the csv-module way.
EXPECTED_SEGMENT_FILE = (
    HEADER
    + "aaron@cobalt.example,Zoë,Lee,Cobalt,CTO\n"
    + 'ann@acme.example,Ann,"Smith, Jr.","Acme ""Rockets"", Inc.",VP Sales\n'
)


# What the dbt model activation_audience_members holds for these persons and memberships.
SENDABLE_QUERY = """
create or replace table activation.activation_audience_members as
select m.segment_name, m.person_id, trim(m.email) as email, lower(trim(m.email)) as email_key, p.first_name,
       p.last_name, p.company_name, p.title as job_title, cast(null as varchar) as country
from segments.segment_membership as m
inner join marts.dim_persons as p on p.person_id = m.person_id
where p.is_marketable and coalesce(trim(m.email), '') != ''
"""


def build_warehouse(path: Path, *, membership: bool = True, persons: bool = True) -> Path:
    con = duckdb.connect(str(path))
    try:
        if membership:
            con.execute("create schema segments")
            con.execute(
                "create table segments.segment_membership"
                " (segment_name varchar, person_id varchar, email varchar, is_marketable boolean,"
                " assignment varchar default 'member')"
            )
            con.executemany("insert into segments.segment_membership (segment_name, person_id, email, is_marketable)"
                            " values (?, ?, ?, ?)", MEMBERSHIP)
            # A segment model that nobody qualifies for today: known, empty.
            con.execute("create table segments.seg_empty (person_id varchar, email varchar, is_marketable boolean)")
        if persons:
            con.execute("create schema marts")
            con.execute(
                "create table marts.dim_persons (person_id varchar, email varchar, first_name varchar,"
                " last_name varchar, title varchar, company_name varchar, is_marketable boolean,"
                " created_at timestamp)"
            )
            con.executemany(
                "insert into marts.dim_persons values (?, ?, ?, ?, ?, ?, ?, current_timestamp)", PERSONS
            )
        if membership and persons:
            con.execute("create schema activation")
            con.execute(SENDABLE_QUERY)
    finally:
        con.close()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "cdp.duckdb")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out" / "nested"  # does not exist yet: the export creates it


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------------------------------------
# File content
# ---------------------------------------------------------------------------------------------


def test_export_writes_only_marketable_members_of_the_segment_sorted_by_email(warehouse, out_dir, capsys):
    # GIVEN a segment with two marketable members, one without consent, and another segment's member
    # WHEN it is exported for Marketo
    code, _, err = run_main(capsys, "--segment", SEGMENT, "--out", str(out_dir), "--warehouse", str(warehouse))

    # THEN the file holds the header and exactly the marketable members, UTF-8 with \n line endings
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == [f"{SEGMENT}.marketo.csv"]
    assert (out_dir / f"{SEGMENT}.marketo.csv").read_bytes() == EXPECTED_SEGMENT_FILE.encode("utf-8")


def test_export_replaces_a_previous_export(warehouse, out_dir, capsys):
    # GIVEN an older export of the segment
    out_dir.mkdir(parents=True)
    (out_dir / f"{SEGMENT}.marketo.csv").write_text(HEADER + "old@example.com,,,,\n", encoding="utf-8")

    # WHEN the segment is exported again
    code, _, err = run_main(capsys, "--segment", SEGMENT, "--out", str(out_dir), "--warehouse", str(warehouse))

    # THEN the file is the new export and no temp file is left
    assert code == 0, err
    assert (out_dir / f"{SEGMENT}.marketo.csv").read_text(encoding="utf-8") == EXPECTED_SEGMENT_FILE
    assert sorted(p.name for p in out_dir.iterdir()) == [f"{SEGMENT}.marketo.csv"]


def test_fetch_audience_returns_members_and_counts(warehouse):
    # GIVEN the warehouse
    with connect(warehouse, read_only=True) as con:
        # WHEN the segment's audience is fetched (no file written)
        audience = fetch_audience(con, SEGMENT)

    # THEN it has the marketable members by email and counts the one without consent
    assert audience == Audience(
        segment=SEGMENT,
        members=[
            AudienceMember("aaron@cobalt.example", "Zoë", "Lee", "Cobalt", "CTO"),
            AudienceMember("ann@acme.example", "Ann", "Smith, Jr.", 'Acme "Rockets", Inc.', "VP Sales"),
        ],
        not_marketable=1,
        without_email=0,
    )


# ---------------------------------------------------------------------------------------------
# What is printed
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("segment", "rows", "left_out", "emails"),
    [
        pytest.param(SEGMENT, 2, 1, ["aaron@cobalt.example", "ann@acme.example"], id="mixed-consent"),
        pytest.param("seg_other", 1, 0, ["dora@delta.example"], id="all-marketable"),
        pytest.param("seg_no_consent", 0, 1, [], id="none-marketable"),
    ],
)
def test_export_prints_path_counts_and_emails(warehouse, out_dir, capsys, segment, rows, left_out, emails):
    # GIVEN the warehouse
    # WHEN a segment is exported
    code, out, err = run_main(capsys, "--segment", segment, "--out", str(out_dir), "--warehouse", str(warehouse))

    # THEN stdout names the file, the rows written, the members left out for consent and the emails
    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    assert f"wrote {out_dir / f'{segment}.marketo.csv'}" in lines
    assert f"rows written:                 {rows}" in lines
    assert f"left out (not marketable):    {left_out}" in lines
    listed = [line.split()[0] for line in lines if line.startswith("  ") and "@" in line]
    assert listed == emails


def test_zero_marketable_members_writes_a_header_only_file_and_says_so(warehouse, out_dir, capsys):
    # GIVEN a segment whose only member has not consented
    # WHEN it is exported
    code, out, err = run_main(
        capsys, "--segment", "seg_no_consent", "--out", str(out_dir), "--warehouse", str(warehouse)
    )

    # THEN it succeeds with a header-only file and says there were no marketable members
    assert code == 0, err
    assert (out_dir / "seg_no_consent.marketo.csv").read_text(encoding="utf-8") == HEADER
    assert "no marketable members" in out
    assert "header only" in out


def test_known_segment_without_members_is_not_an_error(warehouse, out_dir, capsys):
    # GIVEN a segment model that nobody qualifies for today (a table in segments, no membership rows)
    # WHEN it is exported
    code, out, err = run_main(capsys, "--segment", "seg_empty", "--out", str(out_dir), "--warehouse", str(warehouse))

    # THEN it succeeds with a header-only file: an empty audience is still an audience (leavers get removed)
    assert code == 0, err
    assert (out_dir / "seg_empty.marketo.csv").read_text(encoding="utf-8") == HEADER
    assert "rows written:                 0" in out


def test_report_does_not_list_emails_of_a_large_audience():
    # GIVEN an audience of more than 20 members
    members = [AudienceMember(f"p{i:02d}@example.com", "", "", "", "") for i in range(21)]

    # WHEN the report is formatted
    report = format_report(Path("out/seg.marketo.csv"), Audience("seg", members, not_marketable=3))

    # THEN it gives the counts but no emails
    assert "rows written:                 21" in report
    assert "left out (not marketable):    3" in report
    assert "@" not in report


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "nowhere" / "cdp.duckdb"


def _unbuilt(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "empty.duckdb", membership=False, persons=False)


def _sendable_missing(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "half.duckdb", persons=False)


def _built(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "cdp.duckdb")


@pytest.mark.parametrize(
    ("make_warehouse", "segment", "expected"),
    [
        pytest.param(_missing, SEGMENT, ["No warehouse at", "build it first"], id="warehouse-file-missing"),
        pytest.param(_unbuilt, SEGMENT, ["segments.segment_membership", "run dbt build first"], id="unbuilt"),
        pytest.param(
            _sendable_missing, SEGMENT, ["activation.activation_audience_members", "run dbt build first"],
            id="no-activation-model",
        ),
        pytest.param(
            _built,
            "seg_typo",
            ["unknown segment 'seg_typo'", "seg_empty", "seg_new_product_upsell", "seg_no_consent", "seg_other"],
            id="unknown-segment",
        ),
    ],
)
def test_errors_exit_1_with_one_line_and_write_nothing(tmp_path, out_dir, capsys, make_warehouse, segment, expected):
    # GIVEN a warehouse that cannot give the segment
    warehouse = make_warehouse(tmp_path)

    # WHEN the segment is exported
    code, out, err = run_main(capsys, "--segment", segment, "--out", str(out_dir), "--warehouse", str(warehouse))

    # THEN it exits 1 with a single "error: ..." line naming the problem, and writes nothing
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in err
    assert not out_dir.exists()


@pytest.mark.parametrize(
    "segment",
    [
        pytest.param("../escape", id="parent-dir"),
        pytest.param("a/b", id="slash"),
        pytest.param(".hidden", id="dotfile"),
        pytest.param("", id="empty"),
    ],
)
def test_segment_names_that_are_not_file_names_are_refused(tmp_path, warehouse, out_dir, capsys, segment):
    # GIVEN a segment name that would write outside DIR or to a hidden file
    # WHEN it is exported
    code, _, err = run_main(capsys, "--segment", segment, "--out", str(out_dir), "--warehouse", str(warehouse))

    # THEN it is refused and nothing is written
    assert code == 1
    assert err.startswith("error: ") and "cannot be used as a file name" in err
    assert not out_dir.exists()


# ---------------------------------------------------------------------------------------------
# Atomic writes
# ---------------------------------------------------------------------------------------------

PREVIOUS_EXPORT = HEADER + "previous@example.com,Pre,Vious,Old Co,Boss\n"


class WriterFailed(Exception):
    pass


@pytest.fixture
def failing_writer(monkeypatch):
    """Make the marketo-csv writer write the header and the first row for real, then fail."""
    real = FORMATS["marketo-csv"]

    def write_then_fail(audience, stream):
        def members_then_fail():
            yield audience.members[0]
            raise WriterFailed("disk on fire")

        real.write(dataclasses.replace(audience, members=members_then_fail()), stream)

    monkeypatch.setitem(FORMATS, "marketo-csv", ExportFormat(real.suffix, write_then_fail))


def test_failure_while_writing_keeps_previous_export_and_leaves_no_temp_file(warehouse, out_dir, failing_writer):
    # GIVEN a previous export and a writer that fails after writing part of the file
    out_dir.mkdir(parents=True)
    target = out_dir / f"{SEGMENT}.marketo.csv"
    target.write_text(PREVIOUS_EXPORT, encoding="utf-8")

    # WHEN the segment is exported
    with pytest.raises(WriterFailed):
        export_segment(SEGMENT, "marketo-csv", out_dir, warehouse)

    # THEN the previous export is unchanged and no temp file is left behind
    assert target.read_text(encoding="utf-8") == PREVIOUS_EXPORT
    assert sorted(p.name for p in out_dir.iterdir()) == [target.name]


def test_failure_while_writing_a_first_export_leaves_no_file(tmp_path):
    # GIVEN no previous file
    target = tmp_path / "seg.marketo.csv"

    def write_then_fail(stream):
        stream.write(HEADER)
        raise WriterFailed("midway")

    # WHEN writing fails midway
    with pytest.raises(WriterFailed):
        write_atomically(target, write_then_fail)

    # THEN the directory is empty: no half-written file, no temp file
    assert list(tmp_path.iterdir()) == []


def test_os_error_while_writing_is_a_one_line_error(warehouse, out_dir, capsys, monkeypatch):
    # GIVEN a previous export and a disk that fails while the new one is written
    out_dir.mkdir(parents=True)
    target = out_dir / f"{SEGMENT}.marketo.csv"
    target.write_text(PREVIOUS_EXPORT, encoding="utf-8")

    def fail(audience, stream):
        stream.write(HEADER)
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(FORMATS, "marketo-csv", ExportFormat(".marketo.csv", fail))

    # WHEN the CLI runs
    code, out, err = run_main(capsys, "--segment", SEGMENT, "--out", str(out_dir), "--warehouse", str(warehouse))

    # THEN it exits 1 with one error line, and the previous export is intact with no temp file
    assert code == 1
    assert err.startswith("error: ") and err.count("\n") == 1 and "No space left on device" in err
    assert target.read_text(encoding="utf-8") == PREVIOUS_EXPORT
    assert sorted(p.name for p in out_dir.iterdir()) == [target.name]


def test_written_file_gets_ordinary_permissions(tmp_path):
    # GIVEN the process umask
    umask = os.umask(0)
    os.umask(umask)

    # WHEN a file is written atomically (its temp file is created 0600)
    target = write_atomically(tmp_path / "f.csv", lambda stream: stream.write(HEADER))

    # THEN it has the mode a plain open() would give it
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


# ---------------------------------------------------------------------------------------------
# The script
# ---------------------------------------------------------------------------------------------


def test_script_exports_with_the_warehouse_from_the_environment(warehouse, tmp_path):
    # GIVEN $CDP_DUCKDB_PATH pointing at the warehouse, and a working directory outside the repo
    env = {**os.environ, "CDP_DUCKDB_PATH": str(warehouse)}
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()

    # WHEN the script runs as a user would run it, with a relative --out
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "export_audience.py"),
         "--segment", SEGMENT, "--format", "marketo-csv", "--out", "exports"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=60,
    )

    # THEN it exits 0, writes the file under the working directory and reports it
    assert result.returncode == 0, result.stderr
    written = workdir / "exports" / f"{SEGMENT}.marketo.csv"
    assert written.read_text(encoding="utf-8") == EXPECTED_SEGMENT_FILE
    assert f"wrote exports/{SEGMENT}.marketo.csv" in result.stdout
    assert "rows written:                 2" in result.stdout


# ---------------------------------------------------------------------------------------------
# LinkedIn and plain CSV
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        # sha256sum of the normalised address, computed outside the project
        pytest.param("p2@townsend.com", "f22add7875dc96025edd4259482a5d302078cbc433f918d40218a0ac28ea54d7", id="plain"),
        pytest.param("  P2@Townsend.COM ", "f22add7875dc96025edd4259482a5d302078cbc433f918d40218a0ac28ea54d7", id="case-and-spaces"),
    ],
)
def test_linkedin_email_hash_is_sha256_of_the_normalised_address(email, expected):
    assert hashed_email(email) == expected


def test_linkedin_file_has_hashes_never_addresses(warehouse, out_dir, capsys):
    # WHEN the segment is exported for LinkedIn
    code, out, err = run_main(
        capsys, "--segment", SEGMENT, "--format", "linkedin-csv", "--out", str(out_dir), "--warehouse", str(warehouse)
    )

    # THEN the file has the hashed emails of the marketable members, and no address in plain text
    assert code == 0, err
    text = (out_dir / f"{SEGMENT}.linkedin.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "email,first_name,last_name,company_name,job_title,country"
    assert "@" not in text
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(
        hashed_email(email) for email in ("aaron@cobalt.example", "ann@acme.example")
    )


def test_dry_run_reports_and_writes_nothing(warehouse, out_dir, capsys):
    # WHEN the segment is exported with --dry-run
    code, out, err = run_main(
        capsys, "--segment", SEGMENT, "--out", str(out_dir), "--warehouse", str(warehouse), "--dry-run"
    )

    # THEN it says what it would write, lists the members, and writes no file (not even the folder)
    assert code == 0, err
    assert "dry run: would write" in out
    assert "rows to write:" + " " * 16 + "2" in out
    assert "ann@acme.example" in out
    assert not out_dir.exists()


def test_duplicate_emails_refuse_the_run(tmp_path, out_dir, capsys):
    # GIVEN a segment whose two marketable members share an email (identity kept them apart)
    warehouse = build_warehouse(tmp_path / "dup.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.dim_persons values ('p5', 'Ann@Acme.example', 'Ann', 'Other', '', '', true, current_timestamp)")
        con.execute(f"insert into segments.segment_membership values ('{SEGMENT}', 'p5', 'Ann@Acme.example', true, 'member')")
        con.execute(SENDABLE_QUERY)

    # WHEN it is exported
    code, out, err = run_main(capsys, "--segment", SEGMENT, "--out", str(out_dir), "--warehouse", str(warehouse))

    # THEN nothing is written and the message says why
    assert code == 1
    assert "1 email(s) shared by several members (ann@acme.example)" in err
    assert not (out_dir / f"{SEGMENT}.marketo.csv").exists()

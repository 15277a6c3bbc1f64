"""Incremental syncs (cdp/activation/sync.py, sync_log.py, destinations/) against the fake Marketo on localhost
(cdp_dev/fakes/marketo.py).

The warehouse is made by hand: the sync reads only segments.segment_membership and
activation.activation_audience_members (what dbt builds is tested end to end in test_end_to_end.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest

from cdp.activation.destinations.files import FileDestination
from cdp.activation.destinations.marketo import MarketoDestination
from cdp.activation.destinations.marketo_api import MarketoClient, MarketoConfig
from cdp.activation.sync import run
from cdp.cli.export_audience import main
from cdp.warehouse.connection import exclusive_lock
from cdp_dev.fakes.marketo import FakeMarketo, RunningFakeMarketo

SEGMENT = "seg_upsell"
LIST = "CDP - Upsell"
CLIENT_ID = "sync-test-client"
SECRET = "Sync-Secret-Never-Shown-7"
LEADS = "/rest/v1/leads.json"


class Warehouse:
    """A warehouse holding one segment; members are (person_id, email) and may be marked not marketable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with duckdb.connect(str(path)) as con:
            con.execute("create schema segments; create schema activation")
            con.execute("create table segments.segment_membership (segment_name varchar, person_id varchar,"
                        " email varchar, is_marketable boolean, assignment varchar)")
            con.execute("create table activation.activation_audience_members (segment_name varchar,"
                        " person_id varchar, email varchar, email_key varchar, first_name varchar, last_name varchar,"
                        " company_name varchar, job_title varchar, country varchar)")

    def set_members(self, emails: list[str], not_marketable: list[str] = ()) -> None:
        with duckdb.connect(str(self.path)) as con:
            con.execute("delete from segments.segment_membership; delete from activation.activation_audience_members")
            for email in [*emails, *not_marketable]:
                con.execute("insert into segments.segment_membership values (?, ?, ?, ?, 'member')",
                            [SEGMENT, "p:" + email, email, email not in not_marketable])
            for email in emails:
                con.execute("insert into activation.activation_audience_members values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [SEGMENT, "p:" + email, email, email.strip().lower(), "First", "Last", "Acme", "CTO",
                             "DE"])

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def runs(self) -> list[tuple]:
        return self.query("select status, added_count, removed_count, unchanged_count, failed_count,"
                          " not_attempted_count, skipped_for_consent_count from activation.activation_sync_runs"
                          " order by started_at")


@pytest.fixture
def fake() -> FakeMarketo:
    return FakeMarketo(CLIENT_ID, SECRET)


@pytest.fixture
def marketo(fake: FakeMarketo):
    with RunningFakeMarketo(fake) as server:
        yield server


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "cdp.duckdb")


@pytest.fixture
def destination(marketo: RunningFakeMarketo) -> MarketoDestination:
    def client() -> MarketoClient:  # no real waiting between retries
        return MarketoClient(MarketoConfig(marketo.base_url, CLIENT_ID, SECRET), sleep=lambda seconds: None)

    return MarketoDestination(LIST, folder_id=12, client_factory=client)


@pytest.fixture
def marketo_env(marketo: RunningFakeMarketo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETO_BASE_URL", marketo.base_url)
    monkeypatch.setenv("MARKETO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("MARKETO_CLIENT_SECRET", SECRET)


def emails(count: int, start: int = 0) -> list[str]:
    return [f"person{i:04d}@acme.example" for i in range(start, start + count)]


def calls(fake: FakeMarketo, path: str) -> int:
    return sum(1 for _, called in fake.calls if called == path)


def sync(warehouse: Warehouse, destination, **options):
    return run(SEGMENT, destination, str(warehouse.path), **options)


# ---------------------------------------------------------------------------------------------
# The incremental diff
# ---------------------------------------------------------------------------------------------


def test_first_sync_adds_everyone_then_only_changes_are_sent(warehouse, destination, fake):
    # GIVEN a segment of three, synced once
    warehouse.set_members(["Ann@Acme.example", "bob@acme.example", "cy@acme.example"])
    _, first = sync(warehouse, destination)
    assert first.status == "succeeded"
    assert fake.list_members(LIST) == ["Ann@Acme.example", "bob@acme.example", "cy@acme.example"]

    # WHEN nothing changed, THEN the next run sends nothing
    calls_before = calls(fake, LEADS)
    _, second = sync(warehouse, destination)
    assert calls(fake, LEADS) == calls_before
    # WHEN bob leaves, dee joins and Ann's address changes case only, THEN bob is removed and dee added, Ann stays
    warehouse.set_members(["ann@acme.example", "cy@acme.example", "dee@acme.example"])
    _, third = sync(warehouse, destination)

    assert fake.list_members(LIST) == ["Ann@Acme.example", "cy@acme.example", "dee@acme.example"]
    assert warehouse.runs() == [
        ("succeeded", 3, 0, 0, 0, 0, 0),
        ("succeeded", 0, 0, 3, 0, 0, 0),
        ("succeeded", 1, 1, 2, 0, 0, 0),
    ]
    assert warehouse.query(
        "select operation, email_key, status from activation.activation_sync_members"
        f" where run_id = '{third.run_id}' order by operation"
    ) == [("added", "dee@acme.example", "succeeded"), ("removed", "bob@acme.example", "succeeded")]


def test_a_person_who_stops_being_marketable_is_removed_and_counted(warehouse, destination, fake):
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])
    sync(warehouse, destination)

    # WHEN bob withdraws consent (still in the segment, no longer sendable)
    warehouse.set_members(["ann@acme.example"], not_marketable=["bob@acme.example"])
    _, result = sync(warehouse, destination)

    assert fake.list_members(LIST) == ["ann@acme.example"]
    assert warehouse.runs()[-1] == ("succeeded", 0, 1, 1, 0, 0, 1)


def test_full_resync_sends_everyone_and_still_removes_leavers(warehouse, destination, fake):
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])
    sync(warehouse, destination)
    warehouse.set_members(["ann@acme.example"])

    _, result = sync(warehouse, destination, full_resync=True)

    assert [m.email for m in result.plan.to_add] == ["ann@acme.example"]
    assert fake.list_members(LIST) == ["ann@acme.example"]
    assert warehouse.runs()[-1] == ("succeeded", 1, 1, 0, 0, 0, 0)


def test_dry_run_calls_nothing_and_writes_nothing(warehouse, destination, fake, capsys, marketo_env):
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])

    code = main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST,
                            "--warehouse", str(warehouse.path), "--dry-run"])

    out = capsys.readouterr().out
    assert code == 0
    assert "to add" in out and "ann@acme.example" in out and "nothing was sent or written" in out
    assert fake.calls == []
    assert warehouse.query("select count(*) from information_schema.tables where table_name like 'activation_sync%'") \
        == [(0,)]


# ---------------------------------------------------------------------------------------------
# Failures: per member, transient, quota, crash
# ---------------------------------------------------------------------------------------------


def test_members_marketo_rejects_are_logged_with_the_reason_and_retried(warehouse, destination, fake):
    warehouse.set_members(["ann@acme.example", "not-an-address"])

    _, first = sync(warehouse, destination)

    assert first.status == "partial"
    assert fake.list_members(LIST) == ["ann@acme.example"]
    assert warehouse.query("select email_key, status, reason_code, reason_message"
                           " from activation.activation_sync_members where status = 'failed'") \
        == [("not-an-address", "failed", "1003", "Invalid email")]
    _, second = sync(warehouse, destination)  # the failed member is tried again, the added one is not
    assert [m.email for m in second.plan.to_add] == ["not-an-address"]
    assert second.status == "partial"


def test_a_quota_stop_keeps_finished_batches_and_a_rerun_finishes_the_job(warehouse, destination, fake, capsys,
                                                                          marketo_env):
    # GIVEN 700 members (three upsert batches of 300, 300, 100) and a daily quota that runs out on the second batch
    warehouse.set_members(emails(700))
    fake.fail_next(LEADS, "607", after=1)

    code = main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST, "--folder-id", "3",
                            "--warehouse", str(warehouse.path)])

    out = capsys.readouterr().out
    assert code == 4
    assert "stopped" in out and "quota" in out
    assert len(fake.list_members(LIST)) == 300
    assert warehouse.runs() == [("stopped", 300, 0, 0, 0, 400, 0)]

    # WHEN the quota has reset and the sync runs again, THEN only the 400 others are sent
    code = main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST,
                            "--warehouse", str(warehouse.path)])

    assert code == 0
    assert fake.list_members(LIST) == sorted(emails(700))
    assert warehouse.runs()[-1] == ("succeeded", 400, 0, 300, 0, 0, 0)


@pytest.mark.parametrize("failure", ["606", "500", "602"], ids=["rate-limit-606", "http-500", "token-expired-602"])
def test_transient_failures_are_retried_within_the_run(warehouse, destination, fake, failure):
    warehouse.set_members(["ann@acme.example"])
    fake.fail_next(LEADS, failure)

    _, result = sync(warehouse, destination)

    assert result.status == "succeeded"
    assert calls(fake, LEADS) == 2  # the failed call, then its retry
    assert fake.list_members(LIST) == ["ann@acme.example"]


def test_a_crash_mid_run_is_recorded_and_finished_batches_count(warehouse, destination, fake, monkeypatch):
    warehouse.set_members(emails(400))
    real_add = MarketoDestination.add
    batches = []

    def add_then_crash(self, session, batch):
        if batches:
            raise RuntimeError("killed")
        batches.append(batch)
        return real_add(self, session, batch)

    monkeypatch.setattr(MarketoDestination, "add", add_then_crash)
    with pytest.raises(RuntimeError):
        sync(warehouse, destination)
    monkeypatch.undo()

    assert warehouse.runs() == [("failed", 300, 0, 0, 0, 100, 0)]
    _, rerun = sync(warehouse, destination)
    assert len(rerun.plan.to_add) == 100 and rerun.status == "succeeded"


def test_a_missing_list_without_a_folder_is_a_clear_failure(warehouse, marketo, fake, capsys, marketo_env):
    warehouse.set_members(["ann@acme.example"])

    code = main(["--segment", SEGMENT, "--format", "marketo", "--list-name", "Nope",
                            "--warehouse", str(warehouse.path)])

    assert code == 1
    assert "there is no static list 'Nope'" in capsys.readouterr().out
    assert warehouse.runs() == [("failed", 0, 0, 0, 0, 1, 0)]


# ---------------------------------------------------------------------------------------------
# Configuration, secrets, locking, files
# ---------------------------------------------------------------------------------------------


def test_missing_credentials_stop_before_anything_is_logged(warehouse, capsys, monkeypatch):
    warehouse.set_members(["ann@acme.example"])
    for name in ("MARKETO_BASE_URL", "MARKETO_CLIENT_ID", "MARKETO_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)

    code = main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST,
                            "--warehouse", str(warehouse.path)])

    assert code == 1
    assert "MARKETO_BASE_URL is not set" in capsys.readouterr().err
    assert warehouse.query("select count(*) from information_schema.tables where table_name like 'activation_sync%'") \
        == [(0,)]


def test_marketo_needs_a_list_name(warehouse, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--segment", SEGMENT, "--format", "marketo", "--warehouse", str(warehouse.path)])
    assert exited.value.code == 2
    assert "--list-name" in capsys.readouterr().err


def test_the_secret_never_appears_in_output_logs_or_warehouse(warehouse, fake, capsys, caplog, marketo_env):
    caplog.set_level(logging.DEBUG)
    warehouse.set_members(["ann@acme.example", "not-an-address"])
    fake.fail_next(LEADS, "602")  # a token renewal
    fake.fail_next("/identity", "500")  # a retried token request

    code = main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST, "--folder-id", "1",
                            "--warehouse", str(warehouse.path), "--verbose"])

    captured = capsys.readouterr()
    assert code == 3  # partial: the invalid address
    stored = warehouse.query("select * from activation.activation_sync_runs") + warehouse.query(
        "select * from activation.activation_sync_members")
    for text in (captured.out, captured.err, caplog.text, repr(stored)):
        assert SECRET not in text
    assert any(call[1] == "/identity/oauth/token" for call in fake.calls)


def test_a_second_sync_at_the_same_time_is_refused(warehouse, destination, capsys, marketo_env):
    warehouse.set_members(["ann@acme.example"])

    with exclusive_lock("activation", warehouse.path):
        code = main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST,
                                "--warehouse", str(warehouse.path)])

    assert code == 1
    assert "activation is already running" in capsys.readouterr().err


def test_file_exports_are_logged_and_diffed_too(warehouse, tmp_path):
    out = tmp_path / "out"
    destination = FileDestination("linkedin-csv", str(out))
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])
    sync(warehouse, destination)
    warehouse.set_members(["ann@acme.example"])

    _, result = sync(warehouse, destination)

    assert result.status == "succeeded"
    assert (out / f"{SEGMENT}.linkedin.csv").read_text().count("\n") == 2  # header and ann
    assert warehouse.runs() == [("succeeded", 2, 0, 0, 0, 0, 0), ("succeeded", 0, 1, 1, 0, 0, 0)]

"""The Marketo smart campaign requested after the list sync (--campaign-id, a segment's declared ``campaign_id``),
once per entry into the audience, against the fake Marketo on localhost (cdp_dev/fakes/marketo.py).

The warehouse is made by hand, as in test_sync.py: the sync reads only segments.segment_membership and
activation.activation_audience_members.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
import pytest

from cdp.activation.destinations.base import DestinationError
from cdp.activation.destinations.marketo import MARKETO_CAMPAIGN, MarketoDestination
from cdp.activation.destinations.marketo_api import (
    CAMPAIGN_BATCH_SIZE,
    MarketoClient,
    MarketoConfig,
    MarketoError,
    MarketoFatalError,
    MarketoQuotaExceeded,
)
from cdp.activation.sync import run
from cdp.activation.sync_log import read_synced_state
from cdp.cli.export_audience import main
from cdp.pipeline import configured_destinations
from cdp.warehouse.connection import connect
from cdp_dev.fakes.marketo import FakeMarketo, RunningFakeMarketo

SEGMENT = "seg_upsell"
LIST = "CDP - Upsell"
CAMPAIGN = 1234
CLIENT_ID = "campaign-test-client"
SECRET = "Campaign-Secret-Never-Shown-9"
LEADS = "/rest/v1/leads.json"
TRIGGER = f"/rest/v1/campaigns/{CAMPAIGN}/trigger.json"


class Warehouse:
    """A warehouse holding one segment's members (person_id 'p:<email>'), all marketable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with duckdb.connect(str(path)) as con:
            con.execute("create schema segments; create schema activation")
            con.execute("create table segments.segment_membership (segment_name varchar, person_id varchar,"
                        " email varchar, is_marketable boolean, assignment varchar)")
            con.execute("create table activation.activation_audience_members (segment_name varchar,"
                        " person_id varchar, email varchar, email_key varchar, first_name varchar, last_name varchar,"
                        " company_name varchar, job_title varchar, country varchar)")

    def set_members(self, emails: list[str]) -> None:
        with duckdb.connect(str(self.path)) as con:
            con.execute("delete from segments.segment_membership; delete from activation.activation_audience_members")
            for email in emails:
                con.execute("insert into segments.segment_membership values (?, ?, ?, true, 'member')",
                            [SEGMENT, "p:" + email, email])
                con.execute("insert into activation.activation_audience_members values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [SEGMENT, "p:" + email, email, email.strip().lower(), "First", "Last", "Acme", "CTO",
                             "DE"])

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def runs(self) -> list[tuple]:
        return self.query("select status, added_count, removed_count, failed_count, requested_count,"
                          " request_failed_count from activation.activation_sync_runs order by started_at")

    def requests(self, run_id: str | None = None) -> list[tuple]:
        """The campaign's rows of the sync log: (email_key, status, reason_code)."""
        where = f" and run_id = '{run_id}'" if run_id else ""
        return self.query("select email_key, status, reason_code from activation.activation_sync_members"
                          f" where destination = '{MARKETO_CAMPAIGN}'{where} order by recorded_at, email_key")


@pytest.fixture
def fake() -> FakeMarketo:
    fake = FakeMarketo(CLIENT_ID, SECRET)
    fake.add_campaign(CAMPAIGN, "Upsell welcome")
    return fake


@pytest.fixture
def marketo(fake: FakeMarketo):
    with RunningFakeMarketo(fake) as server:
        yield server


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "cdp.duckdb")


def client_factory(marketo: RunningFakeMarketo):
    def client() -> MarketoClient:  # no real waiting between retries
        return MarketoClient(MarketoConfig(marketo.base_url, CLIENT_ID, SECRET), sleep=lambda seconds: None)

    return client


@pytest.fixture
def destination(marketo: RunningFakeMarketo) -> MarketoDestination:
    return MarketoDestination(LIST, folder_id=12, client_factory=client_factory(marketo), campaign_id=CAMPAIGN)


@pytest.fixture
def marketo_env(marketo: RunningFakeMarketo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETO_BASE_URL", marketo.base_url)
    monkeypatch.setenv("MARKETO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("MARKETO_CLIENT_SECRET", SECRET)


def emails(count: int, start: int = 0) -> list[str]:
    return [f"person{i:04d}@acme.example" for i in range(start, start + count)]


def calls(fake: FakeMarketo, path: str) -> int:
    return sum(1 for _, called in fake.calls if called == path)


def sync(warehouse: Warehouse, destination: MarketoDestination, **options):
    return run(SEGMENT, destination, str(warehouse.path), **options)


def export(warehouse: Warehouse, *options: str) -> int:
    return main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST, "--folder-id", "1",
                 "--warehouse", str(warehouse.path), *options])


# ---------------------------------------------------------------------------------------------
# Once per entry
# ---------------------------------------------------------------------------------------------


def test_the_members_just_added_are_requested_in_calls_of_at_most_100(warehouse, destination, fake):
    # GIVEN 250 new members
    warehouse.set_members(emails(250))

    # WHEN the list is synced with a campaign
    _, result = sync(warehouse, destination)

    # THEN all 250 were added, then requested in calls of 100, 100 and 50, counted apart from the adds
    assert result.status == "succeeded"
    assert [len(ids) for ids in fake.campaign_requests(CAMPAIGN)] == [CAMPAIGN_BATCH_SIZE, CAMPAIGN_BATCH_SIZE, 50]
    assert sorted(fake.requested_emails(CAMPAIGN)) == emails(250)
    assert (result.counts.added, result.counts.requested, result.counts.failures) == (250, 250, 0)
    assert warehouse.runs() == [("succeeded", 250, 0, 0, 250, 0)]


def test_a_rerun_or_a_full_resync_requests_nobody(warehouse, destination, fake):
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])
    sync(warehouse, destination)

    # WHEN nothing changed, or every member is sent to the list again
    _, rerun = sync(warehouse, destination)
    _, resync = sync(warehouse, destination, full_resync=True)

    # THEN the campaign was requested by the first run only
    assert calls(fake, TRIGGER) == 1
    assert fake.requested_emails(CAMPAIGN) == ["ann@acme.example", "bob@acme.example"]
    assert (rerun.plan.requests_planned, resync.plan.requests_planned) == (0, 0)
    assert warehouse.runs()[1:] == [("succeeded", 0, 0, 0, 0, 0), ("succeeded", 2, 0, 0, 0, 0)]


def test_a_member_who_leaves_and_comes_back_is_requested_again(warehouse, destination, fake):
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])
    sync(warehouse, destination)

    # WHEN bob leaves (removed from the list) and later comes back
    warehouse.set_members(["ann@acme.example"])
    _, left = sync(warehouse, destination)
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])
    _, back = sync(warehouse, destination)

    # THEN his return is a new entry: requested again; ann, who stayed, is not
    assert (left.counts.removed, left.counts.requested) == (1, 0)
    assert (back.counts.added, back.counts.requested) == (1, 1)
    assert fake.requested_emails(CAMPAIGN) == ["ann@acme.example", "bob@acme.example", "bob@acme.example"]


def test_a_member_whose_add_failed_is_not_requested(warehouse, destination, fake):
    # GIVEN an address Marketo rejects
    warehouse.set_members(["ann@acme.example", "not-an-address"])

    _, first = sync(warehouse, destination)
    _, second = sync(warehouse, destination)

    # THEN only ann, on the list, was requested; the rejected member is retried on the list, never requested
    assert fake.requested_emails(CAMPAIGN) == ["ann@acme.example"]
    assert (first.status, first.counts.failed, first.counts.requested) == ("partial", 1, 1)
    assert (second.counts.failed, second.counts.requested) == (1, 0)
    assert warehouse.requests() == [("ann@acme.example", "succeeded", None)]


def test_adding_a_campaign_to_a_synced_list_requests_its_current_members_once(warehouse, marketo, fake):
    # GIVEN a list synced without a campaign
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])
    sync(warehouse, MarketoDestination(LIST, folder_id=12, client_factory=client_factory(marketo)))

    # WHEN the campaign is configured: nobody on the list was requested since their entry
    with_campaign = MarketoDestination(LIST, client_factory=client_factory(marketo), campaign_id=CAMPAIGN)
    _, first = sync(warehouse, with_campaign)
    sync(warehouse, with_campaign)

    # THEN both are requested by the next run (and by no later one), with nothing sent to the list
    assert (first.counts.added, first.counts.requested, len(first.plan.to_request)) == (0, 2, 2)
    assert fake.requested_emails(CAMPAIGN) == ["ann@acme.example", "bob@acme.example"]


# ---------------------------------------------------------------------------------------------
# Failures: a refused call, the campaign refused, a stop
# ---------------------------------------------------------------------------------------------


def test_a_failed_request_is_retried_by_the_next_run_and_only_that(warehouse, destination, fake):
    # GIVEN 250 new members, and Marketo refusing the second of the three campaign calls
    warehouse.set_members(emails(250))
    fake.fail_next("/trigger.json", "1004", after=1)

    _, first = sync(warehouse, destination)

    # THEN the other calls went through; the refused call's members failed with Marketo's reason
    assert (first.status, first.counts.added, first.counts.requested, first.counts.request_failed) == \
        ("partial", 250, 150, 100)
    assert [len(ids) for ids in fake.campaign_requests(CAMPAIGN)] == [100, 50]
    refused = [row for row in warehouse.requests(first.run_id) if row[1] == "failed"]
    assert {row[2] for row in refused} == {"1004"} and len(refused) == 100

    # WHEN the sync runs again, THEN exactly those 100 are requested, and the list is left alone
    _, second = sync(warehouse, destination)
    assert (second.status, second.counts.added, second.counts.requested) == ("succeeded", 0, 100)
    assert sorted(fake.requested_emails(CAMPAIGN)) == emails(250)
    assert fake.campaign_requests(CAMPAIGN)[-1] == [fake.lead_id(email) for email, *_ in refused]
    _, third = sync(warehouse, destination)
    assert third.counts.requested == 0


@pytest.mark.parametrize("campaign_id, code", [
    pytest.param(CAMPAIGN, "1003", id="not-requestable-1003"),
    pytest.param(999, "610", id="unknown-campaign-610"),
])
def test_a_campaign_marketo_refuses_fails_the_requests_not_the_list(warehouse, marketo, fake, campaign_id, code):
    # GIVEN 250 new members and a campaign Marketo will not run
    fake.add_campaign(CAMPAIGN, "Upsell welcome", requestable=False)
    warehouse.set_members(emails(250))
    destination = MarketoDestination(LIST, folder_id=12, client_factory=client_factory(marketo),
                                     campaign_id=campaign_id)

    _, result = sync(warehouse, destination)

    # THEN the list is synced; one call was refused, the rest not sent, and every request failed with the reason
    assert (result.status, result.counts.added, result.counts.requested, result.counts.request_failed) == \
        ("partial", 250, 0, 250)
    assert calls(fake, f"/rest/v1/campaigns/{campaign_id}/trigger.json") == 1
    assert sum(count for (reason, _), count in result.counts.reasons.items() if reason == code) == 250
    assert [row[1:] for row in warehouse.requests(result.run_id)] == [("failed", code)] * 250
    assert len(fake.list_members(LIST)) == 250

    # WHEN the campaign is fixed, THEN the next run requests them all, and nothing is sent to the list
    fake.add_campaign(campaign_id, "Upsell welcome", requestable=True)
    _, fixed = sync(warehouse, destination)
    assert (fixed.status, fixed.counts.added, fixed.counts.requested) == ("succeeded", 0, 250)


def test_a_quota_stop_before_the_requests_leaves_them_to_the_next_run(warehouse, destination, fake, capsys,
                                                                      marketo_env):
    # GIVEN 400 new members and a daily quota that runs out on the second upsert batch
    warehouse.set_members(emails(400))
    fake.fail_next(LEADS, "607", after=1)

    code = export(warehouse, "--campaign-id", str(CAMPAIGN))

    # THEN 300 are on the list, nobody was requested (the run stopped before the requests)
    assert code == 4 and "quota" in capsys.readouterr().out
    assert fake.requested_emails(CAMPAIGN) == []

    # WHEN the quota has reset, THEN the next run adds the 100 others and requests all 400 (300 due from the log)
    code = export(warehouse, "--campaign-id", str(CAMPAIGN))
    assert code == 0
    assert sorted(fake.requested_emails(CAMPAIGN)) == emails(400)
    assert warehouse.runs() == [("stopped", 300, 0, 0, 0, 0), ("succeeded", 100, 0, 0, 400, 0)]


def test_a_quota_stop_during_the_requests_keeps_those_made(warehouse, destination, fake):
    warehouse.set_members(emails(250))
    fake.fail_next("/trigger.json", "607", after=1)

    _, stopped = sync(warehouse, destination)
    _, rerun = sync(warehouse, destination)

    assert (stopped.status, stopped.counts.requested) == ("stopped", 100)
    assert (rerun.status, rerun.counts.requested) == ("succeeded", 150)
    assert sorted(fake.requested_emails(CAMPAIGN)) == emails(250)


@pytest.mark.parametrize("failure", ["606", "500", "602"], ids=["rate-limit-606", "http-500", "token-expired-602"])
def test_transient_campaign_failures_are_retried_within_the_run(warehouse, destination, fake, failure):
    warehouse.set_members(["ann@acme.example"])
    fake.fail_next("/trigger.json", failure)

    _, result = sync(warehouse, destination)

    assert (result.status, result.counts.requested) == ("succeeded", 1)
    assert calls(fake, TRIGGER) == 2  # the failed call, then its retry
    assert fake.requested_emails(CAMPAIGN) == ["ann@acme.example"]


# ---------------------------------------------------------------------------------------------
# The client's call
# ---------------------------------------------------------------------------------------------


def test_the_client_requests_a_campaign_100_leads_per_call(marketo, fake):
    with client_factory(marketo)() as client:
        client.request_campaign(CAMPAIGN, list(range(1, 251)))
        client.request_campaign(CAMPAIGN, [])  # nothing to request: no call

    assert fake.campaign_requests(CAMPAIGN) == [list(range(1, 101)), list(range(101, 201)), list(range(201, 251))]
    assert calls(fake, TRIGGER) == 3


@pytest.mark.parametrize("setup, error, code", [
    pytest.param(lambda fake: fake.add_campaign(CAMPAIGN, "Off", requestable=False), MarketoError, "1003",
                 id="not-requestable"),
    pytest.param(lambda fake: fake.state.campaigns.clear(), MarketoFatalError, "610", id="unknown"),
    pytest.param(lambda fake: fake.fail_next("/trigger.json", "607"), MarketoQuotaExceeded, "607", id="quota"),
])
def test_the_client_raises_marketo_errors_for_a_campaign_call(marketo, fake, setup, error, code):
    setup(fake)
    with client_factory(marketo)() as client, pytest.raises(error) as raised:
        client.request_campaign(CAMPAIGN, [1001])
    assert raised.value.code == code


# ---------------------------------------------------------------------------------------------
# The sync log
# ---------------------------------------------------------------------------------------------


def test_the_requests_are_in_the_sync_log_per_member_apart_from_the_list(warehouse, destination, fake):
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])

    _, result = sync(warehouse, destination)

    # THEN each request is a row of the same run: destination marketo-campaign, target the campaign id, the lead id
    rows = warehouse.query(
        "select destination, destination_target, segment_name, email_key, person_id, operation, status,"
        " destination_member_id from activation.activation_sync_members"
        f" where run_id = '{result.run_id}' and destination = '{MARKETO_CAMPAIGN}' order by email_key")
    assert rows == [(MARKETO_CAMPAIGN, str(CAMPAIGN), SEGMENT, email, "p:" + email, "added", "succeeded",
                     str(fake.lead_id(email))) for email in ["ann@acme.example", "bob@acme.example"]]
    # AND the list's state and its run's counts know nothing of them
    with connect(warehouse.path, read_only=True) as con:
        assert [m.email_key for m in read_synced_state(con, "marketo", LIST)] == \
            ["ann@acme.example", "bob@acme.example"]
    assert warehouse.query("select destination, destination_target, added_count, requested_count"
                           " from activation.activation_sync_runs") == [("marketo", LIST, 2, 2)]


def test_the_report_prints_the_requests_apart_from_the_adds(warehouse, fake, capsys, marketo_env):
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])

    export(warehouse, "--campaign-id", str(CAMPAIGN), "--dry-run")
    planned = capsys.readouterr().out
    code = export(warehouse, "--campaign-id", str(CAMPAIGN))
    done = capsys.readouterr().out

    assert "campaign to request: 2 (Marketo smart campaign 1234: 0 due from earlier runs, 2 joining" in planned
    assert code == 0
    assert "campaign requested: 2 (Marketo smart campaign 1234)" in done


# ---------------------------------------------------------------------------------------------
# Configuration: the command line, a segment's declaration, secrets
# ---------------------------------------------------------------------------------------------


def test_campaign_id_goes_with_format_marketo_only(warehouse, capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:
        main(["--segment", SEGMENT, "--format", "csv", "--out", str(tmp_path), "--campaign-id", "1234",
              "--warehouse", str(warehouse.path)])

    assert exited.value.code == 2
    assert "--campaign-id go with --format marketo only" in capsys.readouterr().err


def test_a_declared_campaign_id_reaches_the_destination(tmp_path):
    # GIVEN a segment declaring a Marketo list with a campaign (as dbt's manifest holds it)
    manifest = {"nodes": {f"model.cdp.{SEGMENT}": {
        "resource_type": "model", "name": SEGMENT,
        "config": {"meta": {"segment": {"activation": [
            {"format": "marketo", "list_name": LIST, "campaign_id": CAMPAIGN}, {"format": "marketo-csv"},
        ]}}},
    }}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))

    # WHEN the pipeline reads and makes its destinations
    made = [entry.create(str(tmp_path / "out")) for entry in configured_destinations(str(tmp_path))]

    # THEN the Marketo destination requests the campaign; the file knows of no campaign
    assert made[0] == MarketoDestination(LIST, campaign_id=CAMPAIGN)
    assert (made[0].entry_request().destination, made[0].entry_request().target) == (MARKETO_CAMPAIGN, "1234")
    assert made[1].entry_request() is None


def test_a_campaign_id_that_is_no_number_is_refused(tmp_path):
    from cdp.activation import destinations

    with pytest.raises(DestinationError, match="campaign_id must be a smart campaign's id"):
        destinations.create("marketo", {"segment": SEGMENT, "campaign_id": "welcome"})


def test_the_secret_never_appears_in_output_logs_or_warehouse(warehouse, fake, capsys, caplog, marketo_env):
    caplog.set_level(logging.DEBUG)
    warehouse.set_members(["ann@acme.example", "bob@acme.example"])
    fake.fail_next("/trigger.json", "602")  # a token renewal on the campaign call
    fake.fail_next("/identity", "500", after=1)  # the renewal's token request retried

    code = export(warehouse, "--campaign-id", str(CAMPAIGN), "--verbose")

    captured = capsys.readouterr()
    assert code == 0
    assert fake.requested_emails(CAMPAIGN) == ["ann@acme.example", "bob@acme.example"]
    stored = warehouse.query("select * from activation.activation_sync_runs") + warehouse.query(
        "select * from activation.activation_sync_members")
    for text in (captured.out, captured.err, caplog.text, repr(stored)):
        assert SECRET not in text

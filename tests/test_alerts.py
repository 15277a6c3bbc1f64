"""Alerts on syncs (cdp/activation/alerts.py): the mass-removal guard, too many failed members, a run stopped early;
each writes activation.activation_alerts and, when CDP_ALERT_WEBHOOK_URL is set, posts a Slack-compatible message,
whose address never appears in any output or in the warehouse.

The warehouse is made by hand (test_sync.Warehouse): a sync reads only the membership and the sendable audience.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from cdp.activation.alerts import AlertPolicy, removal_alert, result_alerts
from cdp.activation.sync_log import RunCounts, SyncPlan, SyncResult
from cdp.activation.audience import Audience
from cdp.cli.export_audience import main
from cdp_dev.fakes.marketo import FakeMarketo, RunningFakeMarketo
from test_sync import CLIENT_ID, LIST, SECRET, SEGMENT, Warehouse, emails

WEBHOOK_PATH = "/hooks/T000/B000/XXXXSECRETXXXX"


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "cdp.duckdb")


@pytest.fixture
def webhook(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    """A webhook receiver on localhost, its address in CDP_ALERT_WEBHOOK_URL."""
    httpserver.expect_request(WEBHOOK_PATH, method="POST").respond_with_data("ok")
    monkeypatch.setenv("CDP_ALERT_WEBHOOK_URL", httpserver.url_for(WEBHOOK_PATH))
    return httpserver


def export(warehouse: Warehouse, out: Path, *args: str) -> int:
    return main(["--segment", SEGMENT, "--format", "csv", "--out", str(out), "--warehouse", str(warehouse.path),
                 *args])


def alerts(warehouse: Warehouse) -> list[tuple]:
    return warehouse.query("select reason, audience_count, held_count, to_remove_count, failed_count"
                           " from activation.activation_alerts order by raised_at")


def posted(server: HTTPServer) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in server.log]


# ---------------------------------------------------------------------------------------------
# The thresholds
# ---------------------------------------------------------------------------------------------


def plan_of(held: int, removed: int) -> SyncPlan:
    return SyncPlan("csv", "/tmp/x.csv", Audience(SEGMENT), [], [None] * removed, held - removed)


@pytest.mark.parametrize(("held", "removed", "rate", "force", "alerted"), [
    pytest.param(20, 10, 0.5, False, False, id="exactly-the-share-passes"),
    pytest.param(20, 11, 0.5, False, True, id="more-than-the-share-is-refused"),
    pytest.param(20, 20, 0.5, True, False, id="force-overrides"),
    pytest.param(9, 9, 0.5, False, False, id="a-small-list-is-not-watched"),
    pytest.param(10, 9, 0.5, False, True, id="ten-members-are-watched"),
    pytest.param(20, 3, 0.1, False, True, id="a-stricter-share"),
])
def test_the_mass_removal_guard(held, removed, rate, force, alerted):
    found = removal_alert(plan_of(held, removed), AlertPolicy(max_removal_rate=rate, force=force))
    assert (found is not None) == alerted
    if found:
        assert found.reason == "mass_removal" and f"remove {removed} of the {held} members" in found.message


@pytest.mark.parametrize(("added", "failed", "status", "reasons"), [
    pytest.param(95, 5, "partial", [], id="five-percent-failed-is-allowed"),
    pytest.param(94, 6, "partial", ["failure_rate"], id="more-than-five-percent-failed"),
    pytest.param(10, 0, "stopped", ["stopped_early"], id="stopped"),
    pytest.param(0, 0, "failed", ["stopped_early"], id="failed"),
    pytest.param(100, 0, "succeeded", [], id="clean"),
])
def test_the_alerts_of_a_finished_run(added, failed, status, reasons):
    result = SyncResult("run", plan_of(0, 0), status, RunCounts(added=added, failed=failed), 0, "why", 1.0)
    assert [alert.reason for alert in result_alerts(result, AlertPolicy())] == reasons


def test_a_share_outside_0_and_1_is_a_usage_error(warehouse, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        export(warehouse, tmp_path, "--max-failure-rate", "5")
    assert exited.value.code == 2 and "a share is between 0 and 1" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# End to end: alerts recorded, posted, and the address kept secret
# ---------------------------------------------------------------------------------------------


def test_a_run_that_would_empty_a_list_is_refused_recorded_and_posted(warehouse, tmp_path, webhook, capsys, caplog):
    # GIVEN a file destination synced with 20 members
    warehouse.set_members(emails(20))
    assert export(warehouse, tmp_path) == 0
    file = tmp_path / f"{SEGMENT}.members.csv"
    before = file.read_text()

    # WHEN a broken build leaves 4 of them in the audience
    warehouse.set_members(emails(4))
    with caplog.at_level(logging.DEBUG):
        code = export(warehouse, tmp_path)
    output = capsys.readouterr()

    # THEN the run is refused (exit 5), nothing is written, the refusal is logged and alerted
    assert code == 5
    assert file.read_text() == before
    assert "would remove 16 of the 20 members" in output.err and "--force" in output.err
    assert warehouse.runs()[-1][0] == "refused"
    assert alerts(warehouse) == [("mass_removal", 4, 20, 16, 0)]
    [message] = posted(webhook)
    assert message["text"].startswith(f"CDP sync alert: {SEGMENT} -> csv ") and "mass_removal" in message["text"]
    # AND the webhook's address is in no output, no log record of ours (the receiver logs it) and no table
    secret = WEBHOOK_PATH.rsplit("/", 1)[1]
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug"))
    assert secret not in output.out + output.err + ours
    assert warehouse.query(f"select count(*) from activation.activation_alerts where message like '%{secret}%'") \
        == [(0,)]

    # WHEN the shrink is meant THEN --force sends it
    assert export(warehouse, tmp_path, "--force") == 0
    assert file.read_text().count("\n") == 5


def test_too_many_failed_members_and_a_stop_raise_alerts(warehouse, tmp_path, webhook, monkeypatch, capsys):
    # GIVEN a Marketo list and an audience where one member in three is rejected (an invalid address)
    fake = FakeMarketo(CLIENT_ID, SECRET)
    with RunningFakeMarketo(fake) as marketo:
        for name, value in (("MARKETO_BASE_URL", marketo.base_url), ("MARKETO_CLIENT_ID", CLIENT_ID),
                            ("MARKETO_CLIENT_SECRET", SECRET)):
            monkeypatch.setenv(name, value)
        warehouse.set_members(["ann@acme.example", "bob@acme.example", "not-an-address"])
        sync = ["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST, "--folder-id", "7",
                "--warehouse", str(warehouse.path)]

        # WHEN it is synced THEN the run is partial (exit 3) and the failure rate is alerted
        assert main(sync) == 3
        assert "failure_rate: 1 of the 3 members sent failed" in capsys.readouterr().out

        # WHEN the next run hits the daily quota THEN it stops (exit 4) and that is alerted too
        fake.fail_next("/rest/v1/leads.json", "607")
        assert main(sync) == 4
    assert [reason for reason, *_ in alerts(warehouse)] == ["failure_rate", "stopped_early"]
    assert [m["text"].splitlines()[1].split(":")[0] for m in posted(webhook)] == ["- failure_rate", "- stopped_early"]


def test_an_unreachable_webhook_is_a_warning_and_the_sync_goes_on(warehouse, tmp_path, monkeypatch, caplog):
    # GIVEN a webhook address nothing answers at, and a run that the guard refuses
    monkeypatch.setenv("CDP_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hooks/secret-token")
    warehouse.set_members(emails(20))
    export(warehouse, tmp_path)
    warehouse.set_members(emails(1))
    with caplog.at_level(logging.WARNING):
        code = export(warehouse, tmp_path)
    # THEN the alert is still recorded, the exit status is the refusal's, and the warning hides the address
    assert code == 5
    assert [reason for reason, *_ in alerts(warehouse)] == ["mass_removal"]
    assert "could not be reached" in caplog.text and "secret-token" not in caplog.text

"""The LinkedIn destination (cdp/activation/destinations/linkedin.py) and its client (linkedin_api.py) against the
fake LinkedIn on localhost (cdp_dev/fakes/linkedin.py): DMP segments found or created, people and companies
added and removed incrementally, retries, stops, per-element failures, reruns, and the token kept out of sight.

The warehouse is made by hand: the sync reads only segments.segment_membership,
activation.activation_audience_members and, for an account segment, segments.segment_definitions, the segment's
table and marts.dim_accounts.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import duckdb
import httpx
import pytest

from cdp.activation import destinations
from cdp.activation.destinations import linkedin
from cdp.activation.destinations.base import DestinationError
from cdp.activation.destinations.files import hashed_email
from cdp.activation.destinations.linkedin import LinkedInDestination
from cdp.activation.destinations.linkedin_api import (
    BATCH_SIZE,
    DEFAULT_BASE_URL,
    DEFAULT_VERSION,
    MAX_WAIT_S,
    NEW_SEGMENT_WAIT_S,
    ElementResult,
    LinkedInAuthError,
    LinkedInClient,
    LinkedInConfig,
    LinkedInConfigError,
    LinkedInError,
    user_element,
)
from cdp.activation.sync import run
from cdp.cli.export_audience import main
from cdp_dev.fakes.linkedin import FakeLinkedIn, RunningFakeLinkedIn

TOKEN = "li-Token-Never-Shown-9f3a"
AD_ACCOUNT = "507404993"
ACCOUNT_URN = f"urn:li:sponsoredAccount:{AD_ACCOUNT}"
AUDIENCE = "CDP - Upsell"
PEOPLE = "seg_upsell"
ACCOUNTS = "seg_target_accounts"
SEGMENTS = "/rest/dmpSegments"


class Warehouse:
    """A warehouse holding a person segment (PEOPLE) and an account segment (ACCOUNTS)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with duckdb.connect(str(path)) as con:
            con.execute("create schema segments; create schema activation; create schema marts")
            con.execute("create table segments.segment_membership (segment_name varchar, person_id varchar,"
                        " email varchar, is_marketable boolean, assignment varchar)")
            con.execute("create table activation.activation_audience_members (segment_name varchar,"
                        " person_id varchar, email varchar, email_key varchar, first_name varchar, last_name varchar,"
                        " company_name varchar, job_title varchar, country varchar)")
            con.execute("create table segments.segment_definitions (segment_name varchar, segment_grain varchar,"
                        " segment_relation varchar)")
            con.execute("insert into segments.segment_definitions values (?, 'person', ?), (?, 'account', ?)",
                        [PEOPLE, f"segments.{PEOPLE}", ACCOUNTS, f"segments.{ACCOUNTS}"])
            con.execute(f"create table segments.{ACCOUNTS} (account_id varchar, assignment varchar)")
            con.execute("create table marts.dim_accounts (account_id varchar, account_name varchar, domain varchar,"
                        " country varchar)")

    def set_people(self, emails: list[str]) -> None:
        """The person segment's members (all marketable), in one statement however many."""
        with duckdb.connect(str(self.path)) as con:
            con.execute("delete from segments.segment_membership; delete from activation.activation_audience_members")
            con.execute("insert into segments.segment_membership select ?, 'p:' || e, e, true, 'member'"
                        " from unnest(?::varchar[]) as t(e)", [PEOPLE, emails])
            con.execute("insert into activation.activation_audience_members select ?, 'p:' || e, e,"
                        " lower(trim(e)), 'First', 'Last', 'Acme', 'CTO', 'DE' from unnest(?::varchar[]) as t(e)",
                        [PEOPLE, emails])

    def set_accounts(self, members: list[tuple[str, str, str]], others: list[tuple[str, str, str]] = ()) -> None:
        """The account segment's members (account_id, name, domain); ``others`` are accounts outside it."""
        with duckdb.connect(str(self.path)) as con:
            con.execute(f"delete from segments.{ACCOUNTS}; delete from marts.dim_accounts")
            for account_id, name, domain in [*members, *others]:
                con.execute("insert into marts.dim_accounts values (?, ?, ?, 'DE')", [account_id, name, domain])
            for account_id, _, _ in members:
                con.execute(f"insert into segments.{ACCOUNTS} values (?, 'member')", [account_id])

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def runs(self) -> list[tuple]:
        return self.query("select status, added_count, removed_count, unchanged_count, failed_count,"
                          " not_attempted_count from activation.activation_sync_runs order by started_at")

    def all_text(self) -> str:
        """Every row of every table, as text (to search it for what must never be stored)."""
        tables = self.query("select table_schema, table_name from information_schema.tables"
                            " where table_catalog = current_database()")
        assert ("activation", "activation_sync_members") in tables
        return "\n".join(repr(self.query(f'select * from "{schema}"."{table}"')) for schema, table in tables)


@pytest.fixture(autouse=True)
def no_alert_webhook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDP_ALERT_WEBHOOK_URL", raising=False)


@pytest.fixture
def fake() -> FakeLinkedIn:
    return FakeLinkedIn(TOKEN)


@pytest.fixture
def server(fake: FakeLinkedIn):
    with RunningFakeLinkedIn(fake) as running:
        yield running


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "cdp.duckdb")


@pytest.fixture
def sleeps() -> list[float]:
    """What the client asked to sleep for (it never really sleeps in these tests)."""
    return []


@pytest.fixture
def destination(server: RunningFakeLinkedIn, sleeps: list[float]) -> LinkedInDestination:
    def client() -> LinkedInClient:
        return LinkedInClient(LinkedInConfig(TOKEN, server.base_url), sleep=sleeps.append)

    return LinkedInDestination(AUDIENCE, AD_ACCOUNT, client_factory=client)


@pytest.fixture
def linkedin_env(server: RunningFakeLinkedIn, sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's configuration, from the environment, pointed at the fake; its client records its sleeps."""
    monkeypatch.setenv("LINKEDIN_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("LINKEDIN_BASE_URL", server.base_url)
    monkeypatch.delenv("LINKEDIN_VERSION", raising=False)
    monkeypatch.setattr(linkedin, "LinkedInClient", functools.partial(LinkedInClient, sleep=sleeps.append))


def export(warehouse: Warehouse, *extra: str, segment: str = PEOPLE) -> int:
    return main(["--segment", segment, "--format", "linkedin", "--audience-name", AUDIENCE, "--ad-account",
                 AD_ACCOUNT, "--warehouse", str(warehouse.path), *extra])


def sync(warehouse: Warehouse, destination: LinkedInDestination, segment: str = PEOPLE, **options):
    return run(segment, destination, str(warehouse.path), **options)


def emails(count: int, start: int = 0) -> list[str]:
    return [f"person{i:04d}@acme.example" for i in range(start, start + count)]


def sent(fake: FakeLinkedIn, path_part: str) -> list[dict]:
    """Every element sent in the batches whose path contains ``path_part``, in order."""
    return [element for call in fake.calls_to(path_part, "POST") if call.body for element in call.body["elements"]]


def user(action: str, email: str) -> dict:
    return {"action": action, "userIds": [{"idType": "SHA256_EMAIL", "idValue": hashed_email(email)}]}


# ---------------------------------------------------------------------------------------------
# Configuration and the command line
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("environ, expected", [
    pytest.param({"LINKEDIN_ACCESS_TOKEN": TOKEN}, (DEFAULT_BASE_URL, DEFAULT_VERSION), id="defaults"),
    pytest.param({"LINKEDIN_ACCESS_TOKEN": f" {TOKEN} ", "LINKEDIN_BASE_URL": "http://127.0.0.1:8766/",
                  "LINKEDIN_VERSION": "202611"}, ("http://127.0.0.1:8766", "202611"), id="overridden"),
])
def test_configuration_comes_from_the_environment(environ, expected):
    # GIVEN the variables WHEN the configuration is read THEN it holds them, the token out of its repr
    config = LinkedInConfig.from_env(environ)
    assert (config.access_token, config.base_url, config.version) == (TOKEN, *expected)
    assert TOKEN not in repr(config) and TOKEN not in str(config)


@pytest.mark.parametrize("environ, named", [
    pytest.param({}, "LINKEDIN_ACCESS_TOKEN", id="no-token"),
    pytest.param({"LINKEDIN_ACCESS_TOKEN": TOKEN, "LINKEDIN_VERSION": "2026-11"}, "LINKEDIN_VERSION",
                 id="bad-version"),
    pytest.param({"LINKEDIN_ACCESS_TOKEN": TOKEN, "LINKEDIN_BASE_URL": "api.linkedin.com"}, "LINKEDIN_BASE_URL",
                 id="bad-url"),
])
def test_bad_configuration_names_the_variable(environ, named):
    with pytest.raises(LinkedInConfigError) as raised:
        LinkedInConfig.from_env(environ)
    assert named in str(raised.value) and TOKEN not in str(raised.value)


def test_the_registry_makes_the_destination_from_its_options():
    # a segment's declared activation may leave the audience name out (named as the segment) and give a URN
    assert destinations.create("linkedin", {"segment": PEOPLE, "ad_account": f"urn:li:sponsoredAccount:{AD_ACCOUNT}"}) \
        == LinkedInDestination(PEOPLE, AD_ACCOUNT)
    assert destinations.create("linkedin", {"segment": PEOPLE, "audience_name": AUDIENCE, "ad_account": 12}) \
        == LinkedInDestination(AUDIENCE, "12")
    with pytest.raises(DestinationError, match="ad account"):
        destinations.create("linkedin", {"segment": PEOPLE})


@pytest.mark.parametrize("args, message", [
    pytest.param(["--format", "linkedin", "--audience-name", AUDIENCE], "needs --ad-account", id="no-ad-account"),
    pytest.param(["--format", "linkedin", "--ad-account", AD_ACCOUNT], "needs --audience-name", id="no-name"),
    pytest.param(["--format", "linkedin"], "needs --audience-name and --ad-account", id="neither"),
    pytest.param(["--format", "linkedin", "--audience-name", AUDIENCE, "--ad-account", "acme"], "numeric id",
                 id="ad-account-not-a-number"),
    pytest.param(["--format", "csv", "--ad-account", AD_ACCOUNT], "go with --format linkedin only",
                 id="ad-account-without-linkedin"),
    pytest.param(["--format", "linkedin", "--audience-name", AUDIENCE, "--ad-account", AD_ACCOUNT,
                  "--list-name", "L"], "go with --format marketo only", id="list-name-with-linkedin"),
])
def test_usage_errors(warehouse, capsys, args, message):
    # GIVEN options that do not go together WHEN the command runs THEN it is a usage error (exit 2) saying why
    with pytest.raises(SystemExit) as exited:
        main(["--segment", PEOPLE, "--warehouse", str(warehouse.path), *args])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_a_missing_token_stops_before_anything_is_logged(warehouse, capsys, monkeypatch):
    # GIVEN no token in the environment
    warehouse.set_people(["ann@acme.example"])
    monkeypatch.delenv("LINKEDIN_ACCESS_TOKEN", raising=False)
    # WHEN the command runs THEN it says which variable is missing, and the warehouse has no sync log
    assert export(warehouse) == 1
    assert "LINKEDIN_ACCESS_TOKEN is not set" in capsys.readouterr().err
    assert warehouse.query("select count(*) from information_schema.tables where table_name like 'activation_sync%'") \
        == [(0,)]


def test_dry_run_calls_nothing_and_writes_nothing(warehouse, fake, capsys, linkedin_env):
    warehouse.set_people(["ann@acme.example", "bob@acme.example"])

    code = export(warehouse, "--dry-run")

    out = capsys.readouterr().out
    assert code == 0
    assert "to add" in out and "ann@acme.example" in out and "nothing was sent or written" in out
    assert "warning: LinkedIn audience 'CDP - Upsell' gets 2 people" in out
    assert fake.calls == []
    assert warehouse.query("select count(*) from information_schema.tables where table_name like 'activation_sync%'") \
        == [(0,)]


# ---------------------------------------------------------------------------------------------
# The DMP segment: found or created
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("segment, segment_type, members_path", [
    pytest.param(PEOPLE, "USER", "users", id="person-segment-USER"),
    pytest.param(ACCOUNTS, "COMPANY", "companies", id="account-segment-COMPANY"),
])
def test_a_missing_dmp_segment_is_created_with_the_type_of_the_audience(warehouse, destination, fake, sleeps,
                                                                        segment, segment_type, members_path):
    # GIVEN an ad account without the DMP segment, and a person or an account segment
    warehouse.set_people(["ann@acme.example"])
    warehouse.set_accounts([("a1", "Acme", "acme.example")])

    # WHEN the segment is synced
    _, result = sync(warehouse, destination, segment)

    # THEN the ad account's segments were looked up by the account finder, its URN encoded in the query
    assert result.status == "succeeded"
    (finder,) = fake.calls_to(SEGMENTS, "GET")
    assert finder.query.startswith(f"q=account&account=urn%3Ali%3AsponsoredAccount%3A{AD_ACCOUNT}&start=0")
    # AND the segment was created with the name, the account's URN and the audience's type
    (created,) = [c for c in fake.calls if c.method == "POST" and c.path == SEGMENTS]
    assert created.status == 201
    assert created.body == {"name": AUDIENCE, "account": ACCOUNT_URN, "type": segment_type,
                            "sourcePlatform": "SEGMENT_API", "destinations": [{"destination": "LINKEDIN"}]}
    # AND the members went to the id the x-restli-id header gave, after the wait LinkedIn asks for
    new = fake.segment(AUDIENCE)
    (batch,) = fake.calls_to(f"/{members_path}")
    assert batch.path == f"{SEGMENTS}/{new.id}/{members_path}" and new.type == segment_type
    assert sleeps == [NEW_SEGMENT_WAIT_S]
    # AND every call carried the version and protocol headers; the batch its method
    assert {(c.headers["LinkedIn-Version"], c.headers["X-Restli-Protocol-Version"]) for c in fake.calls} \
        == {(DEFAULT_VERSION, "2.0.0")}
    assert batch.headers["X-RestLi-Method"] == "BATCH_CREATE"


def test_an_existing_dmp_segment_is_found_across_the_finders_pages(warehouse, destination, fake):
    # GIVEN an ad account with five other segments before ours, a finder that pages by 2, and a segment of the same
    # name in another ad account
    fake.page_size = 2
    fake.add_segment(AUDIENCE, "999")
    for number in range(5):
        fake.add_segment(f"Other {number}", AD_ACCOUNT)
    ours = fake.add_segment(AUDIENCE, AD_ACCOUNT, "USER")
    warehouse.set_people(["ann@acme.example"])

    # WHEN the segment is synced
    _, result = sync(warehouse, destination)

    # THEN the finder was followed page by page to ours, nothing was created, and ann went to ours
    assert result.status == "succeeded"
    starts = [dict(part.split("=") for part in c.query.split("&"))["start"] for c in fake.calls_to(SEGMENTS, "GET")]
    assert starts == ["0", "2", "4"]
    assert [c.path for c in fake.calls if c.method == "POST"] == [f"{SEGMENTS}/{ours}/users"]
    assert fake.users(AUDIENCE) == [] and sorted(fake.segments[ours].users) == [hashed_email("ann@acme.example")]


def test_a_segment_of_the_other_type_fails_the_run(warehouse, destination, fake):
    # GIVEN a COMPANY segment of the audience's name, and a person segment to send
    fake.add_segment(AUDIENCE, AD_ACCOUNT, "COMPANY")
    warehouse.set_people(["ann@acme.example"])
    # WHEN it is synced THEN the run fails saying why, and nothing is sent
    _, result = sync(warehouse, destination)
    assert result.status == "failed"
    assert "is of type COMPANY" in result.message and "needs a USER segment" in result.message
    assert fake.calls_to("/users") == []


# ---------------------------------------------------------------------------------------------
# Incremental changes: people and companies
# ---------------------------------------------------------------------------------------------


def test_people_are_added_by_hashed_email_and_leavers_removed(warehouse, destination, fake):
    # GIVEN a person segment of three, synced once
    warehouse.set_people([" Ann@Acme.example", "bob@acme.example", "cy@acme.example"])
    sync(warehouse, destination)
    assert fake.users(AUDIENCE) == sorted(hashed_email(e) for e in ["ann@acme.example", "bob@acme.example",
                                                                     "cy@acme.example"])
    first_calls = len(fake.calls_to("/users"))

    # WHEN bob leaves and dee joins
    warehouse.set_people(["ann@acme.example", "cy@acme.example", "dee@acme.example"])
    _, second = sync(warehouse, destination)

    # THEN only dee's ADD and bob's REMOVE were sent, each as the SHA-256 of the trimmed, lower-cased address
    assert second.status == "succeeded"
    assert sent(fake, "/users")[3:] == [user("ADD", "dee@acme.example"), user("REMOVE", "bob@acme.example")]
    assert len(fake.calls_to("/users")) == first_calls + 2  # the adds, then the removes
    assert fake.users(AUDIENCE) == sorted(hashed_email(e) for e in ["ann@acme.example", "cy@acme.example",
                                                                     "dee@acme.example"])
    assert "@" not in json.dumps([c.body for c in fake.calls])  # never an address in plain text
    assert warehouse.runs() == [("succeeded", 3, 0, 0, 0, 0), ("succeeded", 1, 1, 2, 0, 0)]


def test_companies_are_added_and_a_leaver_removed_by_its_recorded_name_and_domain(warehouse, destination, fake):
    # GIVEN an account segment of three companies (one without a domain), synced once
    warehouse.set_accounts([("a1", "Acme", "acme.example"), ("a2", "Globex", "globex.example"),
                            ("a3", "Initech", "")])
    sync(warehouse, destination, ACCOUNTS)
    assert fake.companies(AUDIENCE) == [("Acme", "acme.example"), ("Globex", "globex.example"), ("Initech", "")]
    assert sent(fake, "/companies")[2] == {"action": "ADD", "companyName": "Initech"}
    # AND the sync log recorded each company's name and domain, as JSON
    recorded = dict(warehouse.query("select email_key, destination_member_id from activation.activation_sync_members"))
    assert json.loads(recorded["a2"]) == {"name": "Globex", "domain": "globex.example"}

    # WHEN Globex leaves the segment, and is renamed in the warehouse since
    warehouse.set_accounts([("a1", "Acme", "acme.example"), ("a3", "Initech", "")],
                           others=[("a2", "Globex Corp", "globex.example.com")])
    _, second = sync(warehouse, destination, ACCOUNTS)

    # THEN it was removed by the name and domain it was added with
    assert second.status == "succeeded"
    assert sent(fake, "/companies")[3:] == [
        {"action": "REMOVE", "companyName": "Globex", "companyWebsiteDomain": "globex.example"}]
    assert fake.companies(AUDIENCE) == [("Acme", "acme.example"), ("Initech", "")]
    assert warehouse.runs() == [("succeeded", 3, 0, 0, 0, 0), ("succeeded", 0, 1, 2, 0, 0)]


# ---------------------------------------------------------------------------------------------
# Failures: retried, stopping, failing, per element
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after, waited", [
    pytest.param(7, 7.0, id="retry-after-honoured"),
    pytest.param(3600, MAX_WAIT_S, id="retry-after-capped"),
    pytest.param(None, 1.0, id="no-retry-after-backoff"),
])
def test_a_rate_limit_429_is_retried_after_retry_after(warehouse, destination, fake, sleeps, retry_after, waited):
    # GIVEN an existing segment and a LinkedIn that rate-limits the first batch
    fake.add_segment(AUDIENCE, AD_ACCOUNT)
    warehouse.set_people(["ann@acme.example"])
    fake.fail_next("/users", 429, retry_after=retry_after)
    # WHEN the segment is synced
    _, result = sync(warehouse, destination)
    # THEN the batch was sent again after the wait LinkedIn asked for (capped), and succeeded
    assert result.status == "succeeded"
    assert sleeps == [waited]
    assert [c.status for c in fake.calls_to("/users")] == [429, 200]
    assert fake.users(AUDIENCE) == [hashed_email("ann@acme.example")]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_backoff(warehouse, destination, fake, sleeps, status):
    fake.add_segment(AUDIENCE, AD_ACCOUNT)
    warehouse.set_people(["ann@acme.example"])
    fake.fail_next(SEGMENTS, status, times=2)  # the finder, then its first retry

    _, result = sync(warehouse, destination)

    assert result.status == "succeeded"
    assert sleeps == [1.0, 2.0]
    assert fake.users(AUDIENCE) == [hashed_email("ann@acme.example")]


def test_a_lasting_outage_stops_the_run(warehouse, destination, fake, sleeps):
    # GIVEN a LinkedIn that answers 503 to every attempt at the batch
    fake.add_segment(AUDIENCE, AD_ACCOUNT)
    warehouse.set_people(["ann@acme.example"])
    fake.fail_next("/users", 503, times=5)
    # WHEN the segment is synced THEN it gave up after five attempts and the run stopped (the next run sends)
    _, result = sync(warehouse, destination)
    assert result.status == "stopped" and "gave up after 5 attempts" in result.message
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert warehouse.runs() == [("stopped", 0, 0, 0, 0, 1)]


def test_network_errors_are_retried_then_stop_the_run(warehouse, sleeps):
    # GIVEN a LinkedIn that cannot be reached (a closed port)
    warehouse.set_people(["ann@acme.example"])
    destination = LinkedInDestination(AUDIENCE, AD_ACCOUNT, client_factory=lambda: LinkedInClient(
        LinkedInConfig(TOKEN, "http://127.0.0.1:9"), sleep=sleeps.append, max_attempts=3))
    # WHEN the segment is synced THEN it retried, then stopped with a network error
    _, result = sync(warehouse, destination)
    assert result.status == "stopped" and "network error" in result.message
    assert sleeps == [1.0, 2.0]


def test_an_expired_token_stops_the_run_and_asks_for_a_new_one(warehouse, fake, capsys, linkedin_env):
    # GIVEN a token that has expired
    warehouse.set_people(["ann@acme.example"])
    fake.expire_token()
    # WHEN the command runs
    code = export(warehouse)
    # THEN it stopped (exit 4) at the first call, asking for a new token, without showing the old one
    out = capsys.readouterr().out
    assert code == 4
    assert "stopped" in out and "set a new LINKEDIN_ACCESS_TOKEN" in out and "EXPIRED_ACCESS_TOKEN" in out
    assert TOKEN not in out
    assert len(fake.calls) == 1
    assert warehouse.runs() == [("stopped", 0, 0, 0, 0, 1)]


@pytest.mark.parametrize("status", [400, 403, 404, 422])
def test_other_client_errors_fail_the_run_without_retrying(warehouse, fake, capsys, sleeps, linkedin_env, status):
    fake.add_segment(AUDIENCE, AD_ACCOUNT)
    warehouse.set_people(["ann@acme.example"])
    fake.fail_next("/users", status, message="Not enough permissions to access the ad account")

    code = export(warehouse)

    assert code == 1
    assert "LinkedIn refused the request" in capsys.readouterr().out
    assert len(fake.calls_to("/users")) == 1 and sleeps == []
    [(message,)] = warehouse.query("select message from activation.activation_sync_runs")
    assert message.startswith("LinkedIn refused the request") and "Not enough permissions" in message


@pytest.mark.parametrize("segment, rejected, key, resent", [
    pytest.param(PEOPLE, "bob@acme.example", "bob@acme.example", user("ADD", "bob@acme.example"), id="people"),
    pytest.param(ACCOUNTS, "globex.example", "a2",
                 {"action": "ADD", "companyName": "Globex", "companyWebsiteDomain": "globex.example"}, id="companies"),
])
def test_rejected_members_fail_and_the_next_run_retries_only_them(warehouse, fake, capsys, linkedin_env, segment,
                                                                  rejected, key, resent):
    # GIVEN three people and three companies, one of which LinkedIn rejects
    warehouse.set_people(["ann@acme.example", "bob@acme.example", "cy@acme.example"])
    warehouse.set_accounts([("a1", "Acme", "acme.example"), ("a2", "Globex", "globex.example"),
                            ("a3", "Initech", "initech.example")])
    if "@" in rejected:
        fake.reject_email(rejected, 400, "Invalid member")
    else:
        fake.reject_company(rejected, 400, "Invalid member")
    members_path = "/users" if segment == PEOPLE else "/companies"

    # WHEN the command runs THEN it is partial (exit 3): that member failed with LinkedIn's status and message
    assert export(warehouse, segment=segment) == 3
    assert "Invalid member" in capsys.readouterr().out
    assert warehouse.query("select email_key, reason_code, reason_message from activation.activation_sync_members"
                           " where status = 'failed'") == [(key, "400", "Invalid member")]

    # WHEN LinkedIn accepts it again and the command reruns THEN only that member is sent
    fake.accept_all()
    before = len(sent(fake, members_path))
    assert export(warehouse, segment=segment) == 0
    assert sent(fake, members_path)[before:] == [resent]
    assert warehouse.runs() == [("partial", 2, 0, 0, 1, 0), ("succeeded", 1, 0, 2, 0, 0)]


def test_a_run_stopped_midway_is_finished_by_the_next(warehouse, fake, capsys, linkedin_env):
    # GIVEN 2,500 people (batches of 1,000, 1,000 and 500) and a token that expires after the first batch
    warehouse.set_people(emails(2500))
    fake.fail_next("/users", 401, after=1, message="The token used in the request has expired")

    # WHEN the command runs THEN it stops (exit 4) with the first batch recorded
    assert export(warehouse) == 4
    assert len(fake.users(AUDIENCE)) == BATCH_SIZE
    assert warehouse.runs() == [("stopped", 1000, 0, 0, 0, 1500)]

    # WHEN it runs again THEN only the other 1,500 are sent, in batches of at most 1,000
    before = len(fake.calls_to("/users"))
    assert export(warehouse) == 0
    assert [len(c.body["elements"]) for c in fake.calls_to("/users")[before:]] == [1000, 500]
    assert fake.users(AUDIENCE) == sorted(hashed_email(e) for e in emails(2500))
    assert warehouse.runs()[-1] == ("succeeded", 1500, 0, 1000, 0, 0)
    capsys.readouterr()


# ---------------------------------------------------------------------------------------------
# The campaign minimum, and the token kept out of sight
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count, warned", [
    pytest.param(299, True, id="299-warned"),
    pytest.param(300, False, id="300-not-warned"),
])
def test_an_audience_under_300_is_warned_about(warehouse, fake, capsys, caplog, linkedin_env, count, warned):
    # GIVEN a segment of ``count`` people
    warehouse.set_people(emails(count))
    # WHEN the command syncs it
    with caplog.at_level(logging.WARNING, logger="cdp.activation.destinations.linkedin"):
        assert export(warehouse) == 0
    # THEN under LinkedIn's 300-member minimum, the report ends with a warning and the run logged it
    out = capsys.readouterr().out
    records = [r for r in caplog.records if r.name == "cdp.activation.destinations.linkedin"]
    if warned:
        assert f"warning: LinkedIn audience 'CDP - Upsell' gets {count} people" in out
        assert "at least 300" in out
        assert [r.levelno for r in records] == [logging.WARNING]
    else:
        assert "warning:" not in out and records == []


def test_the_token_never_appears_in_output_logs_errors_or_the_warehouse(warehouse, fake, server, capsys, caplog,
                                                                        linkedin_env):
    # GIVEN full debug logging, a rate limit, a server error, a member rejected with a message quoting the token,
    # and, on a second run, a refusal quoting it too, then an expired token
    caplog.set_level(logging.DEBUG)
    warehouse.set_people(["ann@acme.example", "bob@acme.example"])
    fake.fail_next("/users", 429, retry_after=2)
    fake.fail_next(SEGMENTS, 500)  # the first call: the finder
    fake.reject_email("bob@acme.example", 400, f"bad request from token {TOKEN}")
    first = export(warehouse, "--verbose")
    fake.fail_next("/users", 403, message=f"token {TOKEN} lacks rw_dmp_segments")
    second = export(warehouse, "--verbose")
    fake.expire_token()
    third = export(warehouse, "--verbose")

    # WHEN the client's own errors are looked at too, and httpx and httpcore log everything (the command quiets them)
    for library in ("httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=library)
    fake.token_expired = False
    with LinkedInClient(LinkedInConfig(TOKEN, server.base_url)) as client:
        client.find_segment(AD_ACCOUNT, AUDIENCE)
    config = LinkedInConfig(TOKEN, "http://127.0.0.1:9")
    with LinkedInClient(config, sleep=lambda seconds: None, max_attempts=1) as client:
        with pytest.raises(LinkedInError) as unreachable:
            client.find_segment(AD_ACCOUNT, AUDIENCE)
        shown = [str(unreachable.value), repr(unreachable.value), repr(client), repr(config)]

    # THEN the runs went as expected, and the token is nowhere
    assert (first, second, third) == (3, 1, 4)
    captured = capsys.readouterr()
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "HTTP Request" in logged and "retry" in logged  # httpx's lines and the client's were captured
    assert "send_request_headers" in logged  # httpcore's too
    assert "***" in warehouse.all_text()  # the quoted token was redacted before it was stored
    for text in [captured.out, captured.err, logged, warehouse.all_text(), *shown]:
        assert TOKEN not in text


# ---------------------------------------------------------------------------------------------
# The client's reading of batch answers
# ---------------------------------------------------------------------------------------------


def test_element_statuses_are_read_by_position_with_their_messages():
    # GIVEN a LinkedIn answering three elements: created, refused with an error object, refused with a message
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-RestLi-Method"] == "BATCH_CREATE"
        return httpx.Response(200, json={"elements": [
            {"status": 201},
            {"status": 400, "error": {"status": 400, "message": "Invalid idValue"}},
            {"status": 422, "message": "Unprocessable"},
        ]})

    config = LinkedInConfig(TOKEN)
    with LinkedInClient(config, transport=httpx.MockTransport(handler)) as client:
        # WHEN three users are sent
        results = client.update_users(7, [user_element("ADD", e) for e in ["a@x.example", "b@x.example",
                                                                            "c@x.example"]])
    # THEN each element's answer is its member's
    assert results == [ElementResult(201), ElementResult(400, "Invalid idValue"), ElementResult(422, "Unprocessable")]
    assert [r.ok for r in results] == [True, False, False]


def test_an_answer_with_the_wrong_number_of_statuses_is_an_error():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"elements": [{"status": 201}]}))
    with LinkedInClient(LinkedInConfig(TOKEN), transport=transport) as client:
        with pytest.raises(LinkedInError, match="1 statuses for 2 elements"):
            client.update_users(7, [user_element("ADD", "a@x.example"), user_element("ADD", "b@x.example")])


def test_a_401_raises_an_auth_error_at_once():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["Authorization"])
        return httpx.Response(401, json={"status": 401, "code": "REVOKED_ACCESS_TOKEN", "message": "revoked"})

    with LinkedInClient(LinkedInConfig(TOKEN), transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(LinkedInAuthError, match="REVOKED_ACCESS_TOKEN: revoked") as raised:
            client.find_segment(AD_ACCOUNT, AUDIENCE)
    assert calls == [f"Bearer {TOKEN}"]
    assert TOKEN not in str(raised.value)

"""Tests for the Marketo REST client (cdp/activation/destinations/marketo_api.py) against a fake Marketo served by
pytest-httpserver."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cdp.activation.destinations.marketo_api import (
    ListMemberResult,
    MarketoAuthError,
    MarketoClient,
    MarketoConfig,
    MarketoConfigError,
    MarketoError,
    MarketoFatalError,
    MarketoQuotaExceeded,
    RecordResult,
    SlidingWindowRateLimiter,
)

SECRET = "s3cr3t-Do-Not-Leak-42"
CLIENT_ID = "client-id-abc"
TOKEN_PATH = "/identity/oauth/token"
LEADS_PATH = "/rest/v1/leads.json"


class FakeClock:
    """A clock that only moves when slept on (or advanced by hand); records every sleep."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(httpserver: HTTPServer) -> MarketoConfig:
    return MarketoConfig(httpserver.url_for("/").rstrip("/"), CLIENT_ID, SECRET)


@pytest.fixture
def client(config: MarketoConfig, clock: FakeClock):
    with MarketoClient(config, clock=clock, sleep=clock.sleep) as c:
        yield c


def serve_tokens(httpserver: HTTPServer, *tokens: str, expires_in: int = 3599) -> None:
    """Each token request gets the next token (the last one repeats)."""
    for token in tokens[:-1]:
        httpserver.expect_oneshot_request(TOKEN_PATH, method="GET").respond_with_json(
            {"access_token": token, "token_type": "bearer", "expires_in": expires_in, "scope": "api"})
    httpserver.expect_request(TOKEN_PATH, method="GET").respond_with_json(
        {"access_token": tokens[-1], "token_type": "bearer", "expires_in": expires_in, "scope": "api"})


def marketo_error(code: str, message: str = "boom") -> dict:
    return {"requestId": "r#1", "success": False, "errors": [{"code": code, "message": message}]}


def ok(result: list) -> dict:
    return {"requestId": "r#2", "success": True, "result": result}


def calls_to(httpserver: HTTPServer, path: str) -> list[Request]:
    return [request for request, _ in httpserver.log if request.path == path]


def upsert_echo(request: Request) -> Response:
    """Fake upsert: every input lead is 'created' with an id derived from its email."""
    body = json.loads(request.get_data())
    result = [{"id": int(lead["email"].split("@")[0][1:]), "status": "created"} for lead in body["input"]]
    return Response(json.dumps(ok(result)), content_type="application/json")


def list_echo(status: str):
    def handler(request: Request) -> Response:
        body = json.loads(request.get_data())
        return Response(json.dumps(ok([{"id": item["id"], "status": status} for item in body["input"]])),
                        content_type="application/json")
    return handler


# ----------------------------------------------------------------------------------------------
# Configuration


def test_from_env_reads_the_three_variables():
    # GIVEN the three variables (the base URL with a trailing slash)
    env = {"MARKETO_BASE_URL": "https://123-ABC-456.mktorest.com/", "MARKETO_CLIENT_ID": CLIENT_ID,
           "MARKETO_CLIENT_SECRET": SECRET}
    # WHEN the configuration is read
    config = MarketoConfig.from_env(env)
    # THEN it holds them, without the trailing slash
    assert (config.base_url, config.client_id, config.client_secret) == (
        "https://123-ABC-456.mktorest.com", CLIENT_ID, SECRET)


@pytest.mark.parametrize("missing", [
    pytest.param("MARKETO_BASE_URL", id="base-url"),
    pytest.param("MARKETO_CLIENT_ID", id="client-id"),
    pytest.param("MARKETO_CLIENT_SECRET", id="client-secret"),
])
def test_from_env_names_the_missing_variable(missing, monkeypatch):
    # GIVEN the environment without one of the variables
    for name, value in {"MARKETO_BASE_URL": "https://x.mktorest.com", "MARKETO_CLIENT_ID": CLIENT_ID,
                        "MARKETO_CLIENT_SECRET": SECRET}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    # WHEN the configuration is read from os.environ
    with pytest.raises(MarketoConfigError) as raised:
        MarketoConfig.from_env()
    # THEN the error names the variable and never shows the secret
    assert missing in str(raised.value)
    assert SECRET not in str(raised.value)


# ----------------------------------------------------------------------------------------------
# Token


def test_token_is_fetched_once_and_sent_as_bearer(httpserver, client):
    # GIVEN a Marketo that issues one token
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request(LEADS_PATH, method="POST").respond_with_handler(upsert_echo)
    # WHEN two calls are made
    client.upsert_leads([{"email": "p1@x.example"}])
    client.upsert_leads([{"email": "p2@x.example"}])
    # THEN the token was fetched once, with the client credentials grant, and sent as a Bearer header
    (token_call,) = calls_to(httpserver, TOKEN_PATH)
    assert token_call.args.to_dict() == {
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET}
    assert [r.headers["Authorization"] for r in calls_to(httpserver, LEADS_PATH)] == ["Bearer tok-1"] * 2


def test_expired_token_602_is_renewed_and_the_call_retried_once(httpserver, client):
    # GIVEN a Marketo that rejects the first token as expired and accepts the second
    serve_tokens(httpserver, "tok-1", "tok-2")
    httpserver.expect_oneshot_request(LEADS_PATH, headers={"Authorization": "Bearer tok-1"}).respond_with_json(
        marketo_error("602", "Access token expired"))
    httpserver.expect_request(LEADS_PATH, headers={"Authorization": "Bearer tok-2"}).respond_with_handler(upsert_echo)
    # WHEN leads are upserted
    results = client.upsert_leads([{"email": "p7@x.example"}])
    # THEN a new token was fetched and the call retried once, successfully
    assert results == [RecordResult("p7@x.example", "created", 7)]
    assert len(calls_to(httpserver, TOKEN_PATH)) == 2
    assert [r.headers["Authorization"] for r in calls_to(httpserver, LEADS_PATH)] == ["Bearer tok-1", "Bearer tok-2"]


def test_token_rejected_twice_raises_auth_error(httpserver, client):
    # GIVEN a Marketo that rejects every token
    serve_tokens(httpserver, "tok-1", "tok-2")
    httpserver.expect_request(LEADS_PATH).respond_with_json(marketo_error("601", "Access token invalid"))
    # WHEN leads are upserted
    with pytest.raises(MarketoAuthError) as raised:
        client.upsert_leads([{"email": "p1@x.example"}])
    # THEN it stops after one renewal
    assert raised.value.code == "601"
    assert len(calls_to(httpserver, LEADS_PATH)) == 2


def test_token_is_renewed_shortly_before_expiry(httpserver, client, clock):
    # GIVEN tokens valid for 100 s and a first call made with the first one
    serve_tokens(httpserver, "tok-1", "tok-2", expires_in=100)
    httpserver.expect_request(LEADS_PATH).respond_with_handler(upsert_echo)
    client.upsert_leads([{"email": "p1@x.example"}])
    # WHEN 30 s pass (70 s left: still used), then 20 s more (50 s left: under the 60 s margin)
    clock.now += 30
    client.upsert_leads([{"email": "p2@x.example"}])
    clock.now += 20
    client.upsert_leads([{"email": "p3@x.example"}])
    # THEN the third call used a fresh token, fetched before sending it
    assert [r.headers["Authorization"] for r in calls_to(httpserver, LEADS_PATH)] == [
        "Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    assert len(calls_to(httpserver, TOKEN_PATH)) == 2


def test_refused_credentials_raise_auth_error(httpserver, client):
    # GIVEN an identity endpoint that refuses the credentials
    httpserver.expect_request(TOKEN_PATH).respond_with_json(
        {"error": "invalid_client", "error_description": "Bad client credentials"}, status=401)
    # WHEN a call is made
    with pytest.raises(MarketoAuthError) as raised:
        client.upsert_leads([{"email": "p1@x.example"}])
    # THEN the error says why without the secret
    assert "Bad client credentials" in str(raised.value)
    assert SECRET not in str(raised.value)


# ----------------------------------------------------------------------------------------------
# Leads


def test_upsert_batches_by_300_and_keeps_input_order(httpserver, client):
    # GIVEN 650 leads
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request(LEADS_PATH, method="POST").respond_with_handler(upsert_echo)
    leads = [{"email": f"p{i}@x.example", "firstName": f"N{i}"} for i in range(650)]
    # WHEN they are upserted
    results = client.upsert_leads(leads)
    # THEN three calls of 300, 300 and 50 were made, each a createOrUpdate by email
    bodies = [json.loads(r.get_data()) for r in calls_to(httpserver, LEADS_PATH)]
    assert [len(b["input"]) for b in bodies] == [300, 300, 50]
    assert all(b["action"] == "createOrUpdate" and b["lookupField"] == "email" for b in bodies)
    assert [lead for b in bodies for lead in b["input"]] == leads
    # AND the results are in input order
    assert [(r.email, r.lead_id) for r in results] == [(f"p{i}@x.example", i) for i in range(650)]


def test_upsert_maps_per_record_results_by_position(httpserver, client):
    # GIVEN a Marketo that skips the second lead (1004) and updates the third
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request(LEADS_PATH).respond_with_json(ok([
        {"id": 11, "status": "created"},
        {"status": "skipped", "reasons": [{"code": "1004", "message": "Lead not found"}]},
        {"id": 13, "status": "updated"},
    ]))
    # WHEN three leads are upserted
    results = client.upsert_leads([{"email": "a@x.example"}, {"email": "b@x.example"}, {"email": "c@x.example"}])
    # THEN result[i] describes input[i]
    assert results == [
        RecordResult("a@x.example", "created", 11),
        RecordResult("b@x.example", "skipped", None, "1004", "Lead not found"),
        RecordResult("c@x.example", "updated", 13),
    ]


def test_upsert_of_nothing_makes_no_call(httpserver, client):
    # GIVEN no leads WHEN they are upserted THEN nothing is sent
    assert client.upsert_leads([]) == []
    assert httpserver.log == []


# ----------------------------------------------------------------------------------------------
# Lists


@pytest.mark.parametrize("method, status", [
    pytest.param("POST", "added", id="add"),
    pytest.param("DELETE", "removed", id="remove"),
])
def test_list_membership_batches_by_300(httpserver, client, method, status):
    # GIVEN a Marketo list endpoint and 301 lead ids
    serve_tokens(httpserver, "tok-1")
    path = "/rest/v1/lists/42/leads.json"
    httpserver.expect_request(path, method=method).respond_with_handler(list_echo(status))
    ids = list(range(1, 302))
    # WHEN they are added to / removed from the list
    change = client.add_to_list if method == "POST" else client.remove_from_list
    results = change(42, ids)
    # THEN two calls of 300 and 1 were made, with results per id in input order
    bodies = [json.loads(r.get_data()) for r in calls_to(httpserver, path)]
    assert [len(b["input"]) for b in bodies] == [300, 1]
    assert bodies[1]["input"] == [{"id": 301}]
    assert results == [ListMemberResult(i, status) for i in ids]


def test_list_add_reports_skipped_ids_with_reason(httpserver, client):
    # GIVEN a Marketo that skips one id (answering in a different order)
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request("/rest/v1/lists/42/leads.json", method="POST").respond_with_json(ok([
        {"id": 2, "status": "skipped", "reasons": [{"code": "1004", "message": "Lead not found"}]},
        {"id": 1, "status": "added"},
    ]))
    # WHEN two ids are added
    results = client.add_to_list(42, [1, 2])
    # THEN each id gets its own result
    assert results == [ListMemberResult(1, "added"), ListMemberResult(2, "skipped", "1004", "Lead not found")]


@pytest.mark.parametrize("answer, expected", [
    pytest.param(ok([{"id": 5, "name": "Upsell"}]), {"id": 5, "name": "Upsell"}, id="found"),
    pytest.param(ok([]), None, id="empty-result"),
    pytest.param({"success": True, "warnings": ["No assets found"]}, None, id="no-result-key"),
    pytest.param(marketo_error("702", "No data found"), None, id="error-702"),
])
def test_get_static_list_by_name(httpserver, client, answer, expected):
    # GIVEN a Marketo answering the by-name lookup
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request("/rest/asset/v1/staticList/byName.json",
                              query_string={"name": "Upsell"}).respond_with_json(answer)
    # WHEN the list is looked up THEN the record or None comes back
    assert client.get_static_list_by_name("Upsell") == expected


def test_ensure_static_list_creates_a_missing_list(httpserver, client):
    # GIVEN no list of that name
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request("/rest/asset/v1/staticList/byName.json").respond_with_json(ok([]))
    httpserver.expect_request("/rest/asset/v1/staticLists.json", method="POST").respond_with_json(
        ok([{"id": 77, "name": "Upsell"}]))
    # WHEN it is ensured
    list_id = client.ensure_static_list("Upsell", folder_id=12)
    # THEN it was created in the folder (form-encoded) and its id returned
    assert list_id == 77
    (create,) = calls_to(httpserver, "/rest/asset/v1/staticLists.json")
    assert create.form["name"] == "Upsell"
    assert json.loads(create.form["folder"]) == {"id": 12, "type": "Folder"}


def test_ensure_static_list_reuses_an_existing_list(httpserver, client):
    # GIVEN a list of that name WHEN it is ensured THEN its id comes back and nothing is created
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request("/rest/asset/v1/staticList/byName.json").respond_with_json(ok([{"id": 5}]))
    assert client.ensure_static_list("Upsell", folder_id=12) == 5
    assert calls_to(httpserver, "/rest/asset/v1/staticLists.json") == []


# ----------------------------------------------------------------------------------------------
# Errors and retries


def test_606_twice_then_success_backs_off_1_then_2_seconds(httpserver, client, clock):
    # GIVEN a Marketo over its rate limit twice
    serve_tokens(httpserver, "tok-1")
    for _ in range(2):
        httpserver.expect_oneshot_request(LEADS_PATH).respond_with_json(marketo_error("606", "Max rate limit"))
    httpserver.expect_request(LEADS_PATH).respond_with_handler(upsert_echo)
    # WHEN leads are upserted
    results = client.upsert_leads([{"email": "p1@x.example"}])
    # THEN the call succeeded on the third attempt after sleeping 1 s then 2 s
    assert [r.status for r in results] == ["created"]
    assert clock.sleeps == [1.0, 2.0]
    assert len(calls_to(httpserver, LEADS_PATH)) == 3


@pytest.mark.parametrize("failure", [
    pytest.param(lambda: Response("oops", status=503), id="http-503"),
    pytest.param(lambda: Response(json.dumps(marketo_error("604", "Request timed out")),
                                  content_type="application/json"), id="code-604"),
    pytest.param(lambda: Response(json.dumps(marketo_error("1019", "Import in progress")),
                                  content_type="application/json"), id="code-1019"),
])
def test_transient_failure_then_success(httpserver, client, clock, failure):
    # GIVEN one transient failure
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_oneshot_request(LEADS_PATH).respond_with_response(failure())
    httpserver.expect_request(LEADS_PATH).respond_with_handler(upsert_echo)
    # WHEN leads are upserted THEN the retry succeeds after one 1 s backoff
    assert [r.status for r in client.upsert_leads([{"email": "p1@x.example"}])] == ["created"]
    assert clock.sleeps == [1.0]


def test_retries_give_up_after_five_attempts(httpserver, client, clock):
    # GIVEN a Marketo that is always busy
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request(LEADS_PATH).respond_with_json(marketo_error("615", "Concurrent access limit"))
    # WHEN leads are upserted THEN it gives up with the code after 5 attempts (4 backoffs)
    with pytest.raises(MarketoError) as raised:
        client.upsert_leads([{"email": "p1@x.example"}])
    assert raised.value.code == "615"
    assert len(calls_to(httpserver, LEADS_PATH)) == 5
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize("code, error", [
    pytest.param("607", MarketoQuotaExceeded, id="607-quota"),
    pytest.param("603", MarketoFatalError, id="603-access-denied"),
    pytest.param("609", MarketoFatalError, id="609-invalid-json"),
    pytest.param("1003", MarketoError, id="other-code"),
])
def test_non_retryable_codes_raise_without_retry(httpserver, client, clock, code, error):
    # GIVEN a Marketo answering with a code that retrying cannot fix
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request(LEADS_PATH).respond_with_json(marketo_error(code, "nope"))
    # WHEN leads are upserted
    with pytest.raises(error) as raised:
        client.upsert_leads([{"email": "p1@x.example"}])
    # THEN the matching error is raised after a single call and no backoff
    assert type(raised.value) is error
    assert raised.value.code == code and "nope" in str(raised.value)
    assert len(calls_to(httpserver, LEADS_PATH)) == 1
    assert clock.sleeps == []


def test_network_error_is_retried(clock):
    # GIVEN a transport whose first REST call fails with a connection error
    rest_calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3599})
        rest_calls.append(request.headers["Authorization"])
        if len(rest_calls) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json=ok([{"id": 1, "status": "updated"}]))

    config = MarketoConfig("https://123-ABC-456.mktorest.com", CLIENT_ID, SECRET)
    with MarketoClient(config, clock=clock, sleep=clock.sleep, transport=httpx.MockTransport(handler)) as client:
        # WHEN leads are upserted
        results = client.upsert_leads([{"email": "p1@x.example"}])
    # THEN the call was retried after a 1 s backoff and succeeded
    assert results == [RecordResult("p1@x.example", "updated", 1)]
    assert rest_calls == ["Bearer tok-1", "Bearer tok-1"]
    assert clock.sleeps == [1.0]


def test_unreachable_marketo_gives_up_with_a_network_error(clock):
    # GIVEN a closed port
    config = MarketoConfig("http://127.0.0.1:9", CLIENT_ID, SECRET)
    with MarketoClient(config, clock=clock, sleep=clock.sleep, max_attempts=2) as client:
        # WHEN a call is made THEN it retries then fails with a network error that hides the secret
        with pytest.raises(MarketoError) as raised:
            client.upsert_leads([{"email": "p1@x.example"}])
    assert "network error" in str(raised.value)
    assert SECRET not in str(raised.value)
    assert clock.sleeps == [1.0]


# ----------------------------------------------------------------------------------------------
# Rate limit


def test_rate_limiter_waits_until_the_oldest_call_leaves_the_window(clock):
    # GIVEN a limit of 3 calls per 20 s, and calls at t=0, 5 and 10
    limiter = SlidingWindowRateLimiter(3, clock=clock, sleep=clock.sleep)
    start = clock.now
    for offset in (0, 5, 10):
        clock.now = start + offset
        limiter.acquire()
    # WHEN a fourth call comes at t=12
    clock.now = start + 12
    limiter.acquire()
    # THEN it waited until t=20, when the first call left the window; the fifth waits for t=25
    assert clock.sleeps == [8.0]
    limiter.acquire()
    assert clock.sleeps == [8.0, 5.0]
    assert clock.now == start + 25


@pytest.mark.parametrize("calls", [pytest.param(0, id="zero"), pytest.param(101, id="over-100")])
def test_rate_limit_must_be_between_1_and_100(config, calls):
    with pytest.raises(ValueError):
        MarketoClient(config, calls_per_window=calls)


def test_client_waits_when_the_window_is_full(httpserver, config, clock):
    # GIVEN a client allowed 3 calls per 20 s (the token call counts)
    serve_tokens(httpserver, "tok-1")
    httpserver.expect_request(LEADS_PATH).respond_with_handler(upsert_echo)
    with MarketoClient(config, calls_per_window=3, clock=clock, sleep=clock.sleep) as client:
        # WHEN 3 upserts are made at once (token + 2 upserts fill the window)
        for i in range(3):
            client.upsert_leads([{"email": f"p{i}@x.example"}])
    # THEN the third upsert waited 20 s
    assert clock.sleeps == [20.0]
    assert len(calls_to(httpserver, LEADS_PATH)) == 3


# ----------------------------------------------------------------------------------------------
# Secrets


def test_secret_and_token_never_leak(httpserver, config, clock, caplog):
    # GIVEN full debug logging (the HTTP libraries too, which the commands keep at warning level) and a Marketo that
    # first expires the token, then fails for good
    caplog.set_level(logging.DEBUG)
    for library in ("httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=library)
    serve_tokens(httpserver, "tok-AAA-111", "tok-BBB-222")
    httpserver.expect_oneshot_request(LEADS_PATH).respond_with_json(marketo_error("602", "Access token expired"))
    httpserver.expect_oneshot_request(LEADS_PATH).respond_with_json(marketo_error("606", "Max rate limit"))
    httpserver.expect_request(LEADS_PATH).respond_with_json(marketo_error("603", "Access denied"))
    # WHEN calls are made and fail
    with MarketoClient(config, clock=clock, sleep=clock.sleep) as client:
        with pytest.raises(MarketoFatalError) as raised:
            client.upsert_leads([{"email": "p1@x.example"}])
        shown = [str(raised.value), repr(raised.value), repr(config), str(config), repr(client)]
    # THEN neither the secret nor a token shows in logs (httpx's own lines included), errors or reprs
    # (werkzeug's records are the fake server's access log: the server side legitimately sees the secret)
    client_records = [record for record in caplog.records if not record.name.startswith("werkzeug")]
    logged = "\n".join(f"{record.name} {record.getMessage()}" for record in client_records)
    assert "HTTP Request" in logged  # httpx's INFO lines were captured, with redacted URLs
    assert "/rest/v1/leads.json" in logged and "retry" in logged
    for text in [logged, *shown]:
        assert SECRET not in text
        assert "tok-AAA-111" not in text and "tok-BBB-222" not in text
    assert "client_secret='***'" in repr(config)

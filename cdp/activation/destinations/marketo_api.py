"""A small, synchronous client for the Marketo REST API (leads, static lists, smart campaign requests).

Use it as::

    from cdp.activation.destinations.marketo_api import MarketoClient, MarketoConfig

    with MarketoClient(MarketoConfig.from_env()) as client:
        list_id = client.ensure_static_list("CDP - upsell", folder_id=12)
        results = client.upsert_leads([{"email": "ann@acme.example", "firstName": "Ann"}])
        client.add_to_list(list_id, [r.lead_id for r in results if r.lead_id is not None])
        client.request_campaign(1234, [r.lead_id for r in results if r.lead_id is not None])

What it takes care of:

* configuration from the environment only (``MARKETO_BASE_URL``, ``MARKETO_CLIENT_ID``,
  ``MARKETO_CLIENT_SECRET``); the secret never appears in a repr, a log line or an exception message;
* the access token: fetched from the identity endpoint, sent as ``Authorization: Bearer``, renewed
  when fewer than ``TOKEN_REFRESH_MARGIN_S`` seconds remain, and renewed once (then the call retried)
  when Marketo answers 601/602;
* Marketo's "HTTP 200 with success: false" errors: transient codes, network errors and HTTP 5xx are
  retried with exponential backoff; 607 (daily quota) raises ``MarketoQuotaExceeded``; 603/609/610/612
  raise ``MarketoFatalError`` at once; any other code raises ``MarketoError``;
* the rate limit: at most ``calls_per_window`` calls (identity calls included) in any 20 s window;
* batching: at most 300 records per call, results returned in input order; at most 100 leads per smart
  campaign request (``CAMPAIGN_BATCH_SIZE``).

The clock and the sleep function are injectable, so tests run without waiting.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

ENV_BASE_URL = "MARKETO_BASE_URL"
ENV_CLIENT_ID = "MARKETO_CLIENT_ID"
ENV_CLIENT_SECRET = "MARKETO_CLIENT_SECRET"

BATCH_SIZE = 300
# Marketo's limit of leads in one Request Campaign call (POST /rest/v1/campaigns/{id}/trigger.json).
CAMPAIGN_BATCH_SIZE = 100
RATE_WINDOW_S = 20.0
DEFAULT_CALLS_PER_WINDOW = 50
MAX_CALLS_PER_WINDOW = 100
TOKEN_REFRESH_MARGIN_S = 60.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_BASE_S = 1.0
DEFAULT_BACKOFF_FACTOR = 2.0
TIMEOUT = httpx.Timeout(60.0, connect=10.0)

AUTH_CODES = frozenset({"601", "602"})
RETRYABLE_CODES = frozenset({"502", "604", "606", "608", "611", "615", "713", "1019"})
QUOTA_CODE = "607"
FATAL_CODES = frozenset({"603", "609", "610", "612"})
NOT_FOUND_CODE = "702"

_REDACTED = "***"
# Query parameters that carry credentials, wherever a URL might be written out (httpx logs URLs at INFO).
_CREDENTIAL_PARAM = re.compile(r"(client_secret|access_token)=[^&\s\"']*", re.IGNORECASE)


# ----------------------------------------------------------------------------------------------
# Errors


class MarketoError(Exception):
    """A Marketo call failed. ``code`` is Marketo's error code (a string) or e.g. ``"HTTP 404"``."""

    def __init__(self, code: str | None, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"Marketo error {code}: {message}" if code else f"Marketo error: {message}")


class MarketoConfigError(MarketoError):
    """The configuration is missing or invalid (names the variable, never a value of the secret)."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class MarketoAuthError(MarketoError):
    """The credentials were refused, or the token stayed invalid after one renewal."""


class MarketoQuotaExceeded(MarketoError):
    """Error 607: the daily API quota is used up; stop the run and try again tomorrow."""


class MarketoFatalError(MarketoError):
    """An error that retrying cannot fix (603 access denied, 609 invalid JSON, 610 not found, 612 content type)."""


class _Retryable(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _TokenRejected(Exception):
    """Internal: Marketo answered 601/602 for the token we sent."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ----------------------------------------------------------------------------------------------
# Configuration


@dataclass(frozen=True)
class MarketoConfig:
    base_url: str
    client_id: str
    client_secret: str

    def __post_init__(self) -> None:
        base = self.base_url.strip().rstrip("/")
        if not base.startswith(("https://", "http://")):
            raise MarketoConfigError(f"{ENV_BASE_URL} must be an http(s) URL such as https://123-ABC-456.mktorest.com")
        object.__setattr__(self, "base_url", base)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MarketoConfig:
        """Read the configuration from the environment; a missing or empty variable raises ``MarketoConfigError``."""
        env = os.environ if environ is None else environ
        values = {}
        for name in (ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET):
            value = env.get(name, "").strip()
            if not value:
                raise MarketoConfigError(f"environment variable {name} is not set")
            values[name] = value
        return cls(values[ENV_BASE_URL], values[ENV_CLIENT_ID], values[ENV_CLIENT_SECRET])

    def __repr__(self) -> str:
        return f"MarketoConfig(base_url={self.base_url!r}, client_id={self.client_id!r}, client_secret='{_REDACTED}')"

    __str__ = __repr__


# ----------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RecordResult:
    """The outcome of one input lead of ``upsert_leads`` (same position as in the input)."""

    email: str | None
    status: str  # created | updated | skipped
    lead_id: int | None
    reason_code: str | None = None
    reason_message: str | None = None


@dataclass(frozen=True)
class ListMemberResult:
    """The outcome of one lead id of ``add_to_list`` / ``remove_from_list`` (same position as in the input)."""

    lead_id: int
    status: str  # added | removed | skipped
    reason_code: str | None = None
    reason_message: str | None = None


# ----------------------------------------------------------------------------------------------
# Rate limiting and log redaction


class SlidingWindowRateLimiter:
    """Allows at most ``max_calls`` calls in any ``window_s`` seconds; ``acquire`` sleeps until one is allowed."""

    def __init__(
        self,
        max_calls: int,
        window_s: float = RATE_WINDOW_S,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 1 <= max_calls <= MAX_CALLS_PER_WINDOW:
            raise ValueError(f"calls per window must be between 1 and {MAX_CALLS_PER_WINDOW}, got {max_calls}")
        self.max_calls = max_calls
        self.window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()

    def acquire(self) -> None:
        while True:
            now = self._clock()
            while self._calls and self._calls[0] <= now - self.window_s:
                self._calls.popleft()
            if len(self._calls) < self.max_calls:
                self._calls.append(now)
                return
            wait = self._calls[0] + self.window_s - now
            log.debug("rate limit: %d calls in the last %.0f s, waiting %.2f s", len(self._calls), self.window_s, wait)
            self._sleep(wait)


class _RedactCredentials(logging.Filter):
    """Rewrites log records that carry credential query parameters (httpx logs full request URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _CREDENTIAL_PARAM.sub(lambda m: f"{m.group(1)}={_REDACTED}", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _install_log_redaction() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactCredentials) for f in logger.filters):
            logger.addFilter(_RedactCredentials())


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _first_reason(entry: Mapping[str, Any]) -> tuple[str | None, str | None]:
    reasons = entry.get("reasons") or []
    if not reasons:
        return None, None
    code = reasons[0].get("code")
    return (str(code) if code is not None else None), reasons[0].get("message")


# ----------------------------------------------------------------------------------------------
# Client


class MarketoClient:
    """Marketo REST client: one ``httpx.Client``, sequential calls. Close it (or use ``with``) when done."""

    def __init__(
        self,
        config: MarketoConfig,
        *,
        calls_per_window: int = DEFAULT_CALLS_PER_WINDOW,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_base_s: float = DEFAULT_BACKOFF_BASE_S,
        backoff_factor: float = DEFAULT_BACKOFF_FACTOR,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.config = config
        self.max_attempts = max_attempts
        self.backoff_base_s = backoff_base_s
        self.backoff_factor = backoff_factor
        self._clock = clock
        self._sleep = sleep
        self._limiter = SlidingWindowRateLimiter(calls_per_window, clock=clock, sleep=sleep)
        self._token: str | None = None
        self._token_expires_at = 0.0
        _install_log_redaction()
        self._http = httpx.Client(base_url=config.base_url, timeout=TIMEOUT, transport=transport)

    def __repr__(self) -> str:
        return f"MarketoClient(base_url={self.config.base_url!r}, client_id={self.config.client_id!r})"

    def __enter__(self) -> MarketoClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- static lists ------------------------------------------------------------------------

    def get_static_list_by_name(self, name: str) -> dict | None:
        """The static list called ``name`` (Marketo's asset record), or None when there is none."""
        try:
            body = self._request("GET", "/rest/asset/v1/staticList/byName.json", params={"name": name})
        except MarketoError as exc:
            if exc.code == NOT_FOUND_CODE and type(exc) is MarketoError:
                return None
            raise
        result = body.get("result") or []
        return result[0] if result else None

    def create_static_list(self, name: str, folder_id: int, folder_type: str = "Folder") -> dict:
        """Create a static list in a folder and return Marketo's record of it."""
        body = self._request(
            "POST",
            "/rest/asset/v1/staticLists.json",
            data={"name": name, "folder": json.dumps({"id": folder_id, "type": folder_type})},
        )
        result = body.get("result") or []
        if not result:
            raise MarketoError(None, f"creating static list {name!r} returned no record")
        return result[0]

    def ensure_static_list(self, name: str, folder_id: int) -> int:
        """The id of the static list called ``name``, creating it in ``folder_id`` if it does not exist."""
        existing = self.get_static_list_by_name(name)
        if existing is not None:
            log.debug("static list %r exists with id %s", name, existing.get("id"))
            return int(existing["id"])
        created = self.create_static_list(name, folder_id)
        log.info("created static list %r with id %s", name, created.get("id"))
        return int(created["id"])

    # -- leads -------------------------------------------------------------------------------

    def upsert_leads(self, leads: list[dict]) -> list[RecordResult]:
        """Create or update leads by email, 300 per call; one result per input lead, in input order."""
        results: list[RecordResult] = []
        for batch in _chunks(leads, BATCH_SIZE):
            body = self._request(
                "POST",
                "/rest/v1/leads.json",
                json={"action": "createOrUpdate", "lookupField": "email", "input": list(batch)},
            )
            entries = body.get("result") or []
            if len(entries) != len(batch):
                raise MarketoError(None, f"upsert returned {len(entries)} results for {len(batch)} leads")
            for lead, entry in zip(batch, entries):
                code, message = _first_reason(entry)
                lead_id = entry.get("id")
                results.append(
                    RecordResult(
                        email=lead.get("email"),
                        status=str(entry.get("status", "")),
                        lead_id=int(lead_id) if lead_id is not None else None,
                        reason_code=code,
                        reason_message=message,
                    )
                )
        return results

    def add_to_list(self, list_id: int, lead_ids: Sequence[int]) -> list[ListMemberResult]:
        """Add leads to a static list, 300 per call; one result per input id, in input order."""
        return self._list_membership("POST", list_id, lead_ids)

    def remove_from_list(self, list_id: int, lead_ids: Sequence[int]) -> list[ListMemberResult]:
        """Remove leads from a static list, 300 per call; one result per input id, in input order."""
        return self._list_membership("DELETE", list_id, lead_ids)

    def _list_membership(self, method: str, list_id: int, lead_ids: Sequence[int]) -> list[ListMemberResult]:
        results: list[ListMemberResult] = []
        for batch in _chunks(list(lead_ids), BATCH_SIZE):
            body = self._request(
                method, f"/rest/v1/lists/{int(list_id)}/leads.json", json={"input": [{"id": i} for i in batch]}
            )
            entries = body.get("result") or []
            by_id = {int(e["id"]): e for e in entries if e.get("id") is not None}
            for position, lead_id in enumerate(batch):
                entry = by_id.get(int(lead_id))
                if entry is None and len(entries) == len(batch):
                    entry = entries[position]
                if entry is None:
                    raise MarketoError(None, f"list {list_id}: no result for lead {lead_id}")
                code, message = _first_reason(entry)
                results.append(ListMemberResult(int(lead_id), str(entry.get("status", "")), code, message))
        return results

    # -- smart campaigns -----------------------------------------------------------------------

    def request_campaign(self, campaign_id: int, lead_ids: Sequence[int]) -> None:
        """Request the smart campaign ``campaign_id`` for leads (its smart list must have the trigger "Campaign is
        Requested" from the Web Service API), ``CAMPAIGN_BATCH_SIZE`` per call. Marketo answers for a call as a
        whole: an error raises like any call's (e.g. 1003, campaign not requestable or not active; 610, no such
        campaign), the calls before it having been made, so a caller that records outcomes passes at most
        ``CAMPAIGN_BATCH_SIZE`` ids at a time."""
        for batch in _chunks([int(lead_id) for lead_id in lead_ids], CAMPAIGN_BATCH_SIZE):
            body = self._request("POST", f"/rest/v1/campaigns/{int(campaign_id)}/trigger.json",
                                 json={"input": {"leads": [{"id": lead_id} for lead_id in batch]}})
            log.debug("campaign %s requested for %d lead(s): %s", campaign_id, len(batch), body.get("result"))

    # -- plumbing ----------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> dict:
        """One REST call with retries; renews the token once if Marketo rejects it."""
        try:
            return self._with_retries(method, path, lambda: self._rest_attempt(method, path, **kwargs))
        except _TokenRejected as first:
            log.warning("%s %s: token rejected (%s), fetching a new one and retrying once", method, path, first.code)
            self._token = None
        try:
            return self._with_retries(method, path, lambda: self._rest_attempt(method, path, **kwargs))
        except _TokenRejected as second:
            raise MarketoAuthError(second.code, f"token rejected again after renewal: {self._redact(second.message)}") from None

    def _with_retries(self, method: str, path: str, attempt: Callable[[], dict]) -> dict:
        for number in range(1, self.max_attempts + 1):
            try:
                return attempt()
            except _Retryable as exc:
                message = self._redact(exc.message)
                if number == self.max_attempts:
                    raise MarketoError(exc.code, f"{message} (gave up after {number} attempts)") from None
                delay = self.backoff_base_s * self.backoff_factor ** (number - 1)
                log.warning("%s %s failed (%s), retry %d/%d in %.1f s", method, path, message, number,
                            self.max_attempts - 1, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One HTTP exchange after waiting for the rate limiter; transport errors and 5xx become _Retryable."""
        self._limiter.acquire()
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            # str() of an httpx transport error carries no URL, but redact anyway (the token URL holds the secret).
            log.debug("%s %s -> %s", method, path, type(exc).__name__)
            raise _Retryable(None, f"network error {type(exc).__name__}: {exc}") from None
        log.debug("%s %s -> %s", method, path, response.status_code)
        if response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}", f"HTTP {response.status_code}")
        return response

    def _rest_attempt(self, method: str, path: str, **kwargs: Any) -> dict:
        token = self._access_token()
        response = self._send(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        if response.status_code != 200:
            raise MarketoError(f"HTTP {response.status_code}", f"{method} {path} answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise MarketoError(None, f"{method} {path} answered with invalid JSON") from None
        if body.get("success") is False:
            errors = body.get("errors") or [{}]
            code = str(errors[0].get("code", ""))
            message = self._redact(str(errors[0].get("message", "")))
            if code in AUTH_CODES:
                raise _TokenRejected(code, message)
            if code in RETRYABLE_CODES:
                raise _Retryable(code, f"error {code}: {message}")
            if code == QUOTA_CODE:
                raise MarketoQuotaExceeded(code, message)
            if code in FATAL_CODES:
                raise MarketoFatalError(code, message)
            raise MarketoError(code or None, message or "unknown error")
        return body

    def _access_token(self) -> str:
        if self._token is None or self._token_expires_at - self._clock() < TOKEN_REFRESH_MARGIN_S:
            self._token = None
            self._fetch_token()
        assert self._token is not None
        return self._token

    def _fetch_token(self) -> None:
        path = "/identity/oauth/token"
        params = {
            "grant_type": "client_credentials",
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
        }

        def attempt() -> dict:
            response = self._send("GET", path, params=params)
            try:
                body = response.json()
            except ValueError:
                body = {}
            if response.status_code != 200 or "access_token" not in body:
                detail = body.get("error_description") or body.get("error") or f"HTTP {response.status_code}"
                raise MarketoAuthError(str(body.get("error") or response.status_code),
                                       f"could not get an access token: {self._redact(str(detail))}")
            return body

        body = self._with_retries("GET", path, attempt)
        self._token = str(body["access_token"])
        self._token_expires_at = self._clock() + float(body.get("expires_in", 0))
        log.debug("got an access token valid for %s s", body.get("expires_in"))

    def _redact(self, text: str) -> str:
        for secret in (self.config.client_secret, self._token):
            if secret:
                text = text.replace(secret, _REDACTED)
        return _CREDENTIAL_PARAM.sub(lambda m: f"{m.group(1)}={_REDACTED}", text)

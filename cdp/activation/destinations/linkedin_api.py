"""A small, synchronous client for the LinkedIn Marketing API's Matched Audiences (DMP segments, their users and
companies).

Use it as::

    from cdp.activation.destinations.linkedin_api import LinkedInClient, LinkedInConfig

    with LinkedInClient(LinkedInConfig.from_env()) as client:
        segment = client.find_segment("507404993", "CDP - upsell")
        segment_id = int(segment["id"]) if segment else client.create_segment("507404993", "CDP - upsell", "USER")
        results = client.update_users(segment_id, [user_element("ADD", "ann@acme.example")])

What it takes care of:

* configuration from the environment only: ``LINKEDIN_ACCESS_TOKEN``, ``LINKEDIN_BASE_URL`` (default
  ``https://api.linkedin.com``; the versioned REST endpoints are under ``$LINKEDIN_BASE_URL/rest/``) and
  ``LINKEDIN_VERSION`` (the ``LinkedIn-Version`` header, default ``DEFAULT_VERSION``); the token never appears in a
  repr, a log line or an exception message;
* the headers of every call: ``Authorization: Bearer``, ``LinkedIn-Version``, ``X-Restli-Protocol-Version: 2.0.0``,
  and ``X-RestLi-Method: BATCH_CREATE`` on the users and companies batches;
* the segment finder's paging (``paging.start``/``count``/``total``), and the id of a new segment, read from the
  ``x-restli-id`` response header;
* batching: at most ``BATCH_SIZE`` elements a call; per-element statuses read by position (``ElementResult``);
* failures: HTTP 429 and 5xx are retried with exponential backoff, waiting ``Retry-After`` seconds when LinkedIn
  sends it (each wait capped at ``MAX_WAIT_S``), and network errors too; when the attempts run out,
  ``LinkedInUnavailable``. HTTP 401 raises ``LinkedInAuthError`` at once (the token expired or was revoked: a
  new one is needed), any other 4xx ``LinkedInRequestError`` (retrying cannot fix it).

The sleep function is injectable, so tests run without waiting.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from cdp.activation.destinations.files import hashed_email

log = logging.getLogger(__name__)

ENV_ACCESS_TOKEN = "LINKEDIN_ACCESS_TOKEN"
ENV_BASE_URL = "LINKEDIN_BASE_URL"
ENV_VERSION = "LINKEDIN_VERSION"

DEFAULT_BASE_URL = "https://api.linkedin.com"
# The LinkedIn-Version header (YYYYMM). LinkedIn supports a version for at least a year after its release, then
# answers HTTP 426: set LINKEDIN_VERSION to a newer one (or move this default) before then.
DEFAULT_VERSION = "202607"
RESTLI_PROTOCOL_VERSION = "2.0.0"
BATCH_CREATE = "BATCH_CREATE"

BATCH_SIZE = 1000  # elements (users or companies) per batch call
PAGE_SIZE = 100  # segments per page of the dmpSegments finder
SEGMENT_TYPES = ("USER", "COMPANY")
SOURCE_PLATFORM = "SEGMENT_API"
ACCOUNT_URN_PREFIX = "urn:li:sponsoredAccount:"
# LinkedIn asks to wait this long after creating a segment before sending it members.
NEW_SEGMENT_WAIT_S = 5.0

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_BASE_S = 1.0
DEFAULT_BACKOFF_FACTOR = 2.0
MAX_WAIT_S = 60.0  # the longest single wait before a retry, Retry-After included
TIMEOUT = httpx.Timeout(60.0, connect=10.0)

_REDACTED = "***"
_VERSION = re.compile(r"^\d{6}(\.\d{2})?$")


# ----------------------------------------------------------------------------------------------
# Errors


class LinkedInError(Exception):
    """A LinkedIn call failed. ``status`` is the HTTP status, None for a network error or a malformed answer."""

    def __init__(self, status: int | None, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"LinkedIn error HTTP {status}: {message}" if status else f"LinkedIn error: {message}")


class LinkedInConfigError(LinkedInError):
    """The configuration is missing or invalid (names the variable, never the token)."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class LinkedInAuthError(LinkedInError):
    """HTTP 401: the access token is invalid, expired or revoked; a new one is needed."""


class LinkedInRequestError(LinkedInError):
    """Any other HTTP 4xx: LinkedIn refused the request (permissions, a bad field); retrying cannot fix it."""


class LinkedInUnavailable(LinkedInError):
    """HTTP 429, 5xx or a network error that lasted through every attempt: try again later."""


class _Retryable(Exception):
    """Internal: this attempt failed in a way worth retrying, after ``retry_after`` seconds if LinkedIn said."""

    def __init__(self, status: int | None, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


# ----------------------------------------------------------------------------------------------
# Configuration


@dataclass(frozen=True)
class LinkedInConfig:
    access_token: str
    base_url: str = DEFAULT_BASE_URL
    version: str = DEFAULT_VERSION

    def __post_init__(self) -> None:
        base = self.base_url.strip().rstrip("/")
        if not base.startswith(("https://", "http://")):
            raise LinkedInConfigError(f"{ENV_BASE_URL} must be an http(s) URL such as {DEFAULT_BASE_URL}")
        if not _VERSION.match(self.version):
            raise LinkedInConfigError(f"{ENV_VERSION} must be a LinkedIn API version, YYYYMM (e.g. "
                                      f"{DEFAULT_VERSION}), got {self.version!r}")
        object.__setattr__(self, "base_url", base)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LinkedInConfig:
        """Read the configuration from the environment; a missing token raises ``LinkedInConfigError``."""
        env = os.environ if environ is None else environ
        token = env.get(ENV_ACCESS_TOKEN, "").strip()
        if not token:
            raise LinkedInConfigError(f"environment variable {ENV_ACCESS_TOKEN} is not set")
        return cls(token, env.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL,
                   env.get(ENV_VERSION, "").strip() or DEFAULT_VERSION)

    def __repr__(self) -> str:
        return f"LinkedInConfig(base_url={self.base_url!r}, version={self.version!r}, access_token='{_REDACTED}')"

    __str__ = __repr__


# ----------------------------------------------------------------------------------------------
# Elements and results


def account_urn(ad_account: str) -> str:
    """The URN of an ad account from its numeric id."""
    return f"{ACCOUNT_URN_PREFIX}{ad_account}"


def user_element(action: str, email: str) -> dict[str, Any]:
    """A users batch element: the person by the SHA-256 of their trimmed, lower-cased email."""
    return {"action": action, "userIds": [{"idType": "SHA256_EMAIL", "idValue": hashed_email(email)}]}


@dataclass(frozen=True)
class Company:
    """A company as LinkedIn matches it: by name and website domain (either may be empty, not both)."""

    name: str
    domain: str

    def element(self, action: str) -> dict[str, Any]:
        """A companies batch element (empty fields left out)."""
        element: dict[str, Any] = {"action": action}
        if self.name:
            element["companyName"] = self.name
        if self.domain:
            element["companyWebsiteDomain"] = self.domain
        return element


@dataclass(frozen=True)
class ElementResult:
    """LinkedIn's answer for one element of a batch (same position as in the input)."""

    status: int
    message: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _element_message(element: Mapping[str, Any]) -> str | None:
    """The message of a batch element's answer, wherever LinkedIn put it."""
    error = element.get("error")
    if isinstance(error, Mapping) and error.get("message"):
        return str(error["message"])
    return str(element["message"]) if element.get("message") else None


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _retry_after(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds, None when absent or not a number of seconds."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


# ----------------------------------------------------------------------------------------------
# Client


class LinkedInClient:
    """LinkedIn Marketing API client: one ``httpx.Client``, sequential calls. Close it (or use ``with``) when done."""

    def __init__(
        self,
        config: LinkedInConfig,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_base_s: float = DEFAULT_BACKOFF_BASE_S,
        backoff_factor: float = DEFAULT_BACKOFF_FACTOR,
        max_wait_s: float = MAX_WAIT_S,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.config = config
        self.max_attempts = max_attempts
        self.backoff_base_s = backoff_base_s
        self.backoff_factor = backoff_factor
        self.max_wait_s = max_wait_s
        self._sleep = sleep
        headers = {
            "Authorization": f"Bearer {config.access_token}",
            "LinkedIn-Version": config.version,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL_VERSION,
        }
        self._http = httpx.Client(base_url=config.base_url, headers=headers, timeout=TIMEOUT, transport=transport)

    def __repr__(self) -> str:
        return f"LinkedInClient(base_url={self.config.base_url!r}, version={self.config.version!r})"

    def __enter__(self) -> LinkedInClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- segments ----------------------------------------------------------------------------

    def segments(self, ad_account: str) -> Iterator[dict]:
        """Every DMP segment of the ad account (the ``account`` finder), page after page."""
        start = 0
        while True:
            path = (f"/rest/dmpSegments?q=account&account={quote(account_urn(ad_account), safe='')}"
                    f"&start={start}&count={PAGE_SIZE}")
            body = self._json(self._request("GET", path), "GET /rest/dmpSegments")
            elements = body.get("elements") or []
            yield from elements
            total = (body.get("paging") or {}).get("total")
            start += len(elements)
            if not elements or (total is not None and start >= int(total)) or (total is None and
                                                                                len(elements) < PAGE_SIZE):
                return

    def find_segment(self, ad_account: str, name: str) -> dict | None:
        """The ad account's DMP segment called ``name`` (LinkedIn's record), or None when there is none."""
        for segment in self.segments(ad_account):
            if segment.get("name") == name:
                log.debug("DMP segment %r exists with id %s", name, segment.get("id"))
                return segment
        return None

    def create_segment(self, ad_account: str, name: str, segment_type: str) -> int:
        """Create a DMP segment (``USER`` or ``COMPANY``) in the ad account and return its id, then wait the
        ``NEW_SEGMENT_WAIT_S`` LinkedIn asks for before members are sent to it."""
        if segment_type not in SEGMENT_TYPES:
            raise ValueError(f"segment type must be one of {SEGMENT_TYPES}, got {segment_type!r}")
        body = {"name": name, "account": account_urn(ad_account), "type": segment_type,
                "sourcePlatform": SOURCE_PLATFORM, "destinations": [{"destination": "LINKEDIN"}]}
        response = self._request("POST", "/rest/dmpSegments", json=body)
        created = response.headers.get("x-restli-id", "").strip()
        if not created.isdigit():
            raise LinkedInError(response.status_code, f"creating DMP segment {name!r} returned no id "
                                "(no x-restli-id header)")
        log.info("created DMP segment %r (%s) with id %s", name, segment_type, created)
        self._sleep(NEW_SEGMENT_WAIT_S)
        return int(created)

    # -- members -----------------------------------------------------------------------------

    def update_users(self, segment_id: int, elements: Sequence[Mapping[str, Any]]) -> list[ElementResult]:
        """Send users batch elements (``user_element``) to a USER segment; one result per element, in order."""
        return self._batch_create(f"/rest/dmpSegments/{int(segment_id)}/users", elements)

    def update_companies(self, segment_id: int, elements: Sequence[Mapping[str, Any]]) -> list[ElementResult]:
        """Send companies batch elements (``Company.element``) to a COMPANY segment; one result per element."""
        return self._batch_create(f"/rest/dmpSegments/{int(segment_id)}/companies", elements)

    def _batch_create(self, path: str, elements: Sequence[Mapping[str, Any]]) -> list[ElementResult]:
        results: list[ElementResult] = []
        for batch in _chunks(list(elements), BATCH_SIZE):
            response = self._request("POST", path, json={"elements": list(batch)},
                                     headers={"X-RestLi-Method": BATCH_CREATE})
            answers = self._json(response, f"POST {path}").get("elements") or []
            if len(answers) != len(batch):
                raise LinkedInError(response.status_code,
                                    f"POST {path} answered {len(answers)} statuses for {len(batch)} elements")
            for answer in answers:
                status = answer.get("status")
                if not isinstance(status, int):
                    raise LinkedInError(response.status_code, f"POST {path} answered an element without a status")
                message = _element_message(answer)
                results.append(ElementResult(status, self._redact(message) if message else None))
        return results

    # -- plumbing ----------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call with retries: a 2xx response, or the error it ends in."""
        for number in range(1, self.max_attempts + 1):
            try:
                return self._attempt(method, path, **kwargs)
            except _Retryable as failure:
                if number == self.max_attempts:
                    raise LinkedInUnavailable(failure.status, f"{method} {_path(path)}: {failure.message} "
                                              f"(gave up after {number} attempts)") from None
                delay = self.backoff_base_s * self.backoff_factor ** (number - 1)
                if failure.retry_after is not None:
                    delay = failure.retry_after
                delay = min(delay, self.max_wait_s)
                log.warning("%s %s failed (%s), retry %d/%d in %.1f s", method, _path(path), failure.message,
                            number, self.max_attempts - 1, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _attempt(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            log.debug("%s %s -> %s", method, _path(path), type(exc).__name__)
            raise _Retryable(None, self._redact(f"network error {type(exc).__name__}: {exc}")) from None
        status = response.status_code
        log.debug("%s %s -> %s", method, _path(path), status)
        if status == 429 or status >= 500:
            raise _Retryable(status, f"HTTP {status}", _retry_after(response))
        if status == 401:
            raise LinkedInAuthError(status, self._error_detail(response) or "HTTP 401")
        if status >= 400:
            detail = self._error_detail(response)
            raise LinkedInRequestError(status, f"{method} {_path(path)} answered HTTP {status}"
                                       + (f": {detail}" if detail else ""))
        return response

    def _json(self, response: httpx.Response, call: str) -> dict:
        try:
            body = response.json()
        except ValueError:
            raise LinkedInError(response.status_code, f"{call} answered with invalid JSON") from None
        if not isinstance(body, dict):
            raise LinkedInError(response.status_code, f"{call} answered with unexpected JSON")
        return body

    def _error_detail(self, response: httpx.Response) -> str:
        """LinkedIn's error code and message from an error response, redacted ('' when it gave none)."""
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        return self._redact(": ".join(str(body[key]) for key in ("code", "message") if body.get(key)))

    def _redact(self, text: str) -> str:
        token = self.config.access_token
        return text.replace(token, _REDACTED) if token else text


def _path(path: str) -> str:
    """A request path without its query string (for messages)."""
    return path.split("?", 1)[0]

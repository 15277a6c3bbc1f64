"""A fake LinkedIn Marketing API on localhost (Matched Audiences: DMP segments, their users and companies), for the
tests and for trying the linkedin destination without an ad account.

It keeps DMP segments and their members in memory and answers the calls the client
(cdp.activation.destinations.linkedin_api) makes the way LinkedIn does: the ``dmpSegments`` finder by account,
paged (``paging.start``/``count``/``total``); segment creation answering 201 with the new id in the ``x-restli-id``
header; ``BATCH_CREATE`` of users and companies answering one status per element, in order. It checks the bearer
token and the ``LinkedIn-Version``, ``X-Restli-Protocol-Version`` and ``X-RestLi-Method`` headers. Failures can be
injected: a whole call (``fail_next``: 429 with ``Retry-After``, 5xx, any status), an expired token
(``expire_token``: 401 from then on) and single elements (``reject_email``, ``reject_company``).

    with RunningFakeLinkedIn(FakeLinkedIn(token)) as server:   # then LINKEDIN_BASE_URL=server.base_url
        ...
        server.fake.users("CDP - Upsell")                     # the hashed emails of that DMP segment

Only what the project uses is implemented; it is not a LinkedIn emulator.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from cdp_dev.fakes.server import RunningFake

from cdp.activation.destinations.files import hashed_email

DEMO_TOKEN = "cdp-demo-linkedin-token"
DEFAULT_PAGE_SIZE = 10  # the finder's largest page (a client asking for more gets this many)
MAX_BATCH = 5000  # elements per batch call beyond which the fake refuses the call
ACCOUNT_URN = re.compile(r"^urn:li:sponsoredAccount:(\d+)$")
MEMBERS_PATH = re.compile(r"^/rest/dmpSegments/(\d+)/(users|companies)$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
VERSION = re.compile(r"^\d{6}(\.\d{2})?$")
SEGMENT_TYPES = {"USER": "users", "COMPANY": "companies"}


@dataclass
class _Injected:
    path_part: str
    status: int
    times: int
    after: int = 0  # matching calls let through first
    retry_after: int | None = None
    message: str | None = None


@dataclass(frozen=True)
class RecordedCall:
    """A call the fake answered: what tests check (the bearer token itself is not kept)."""

    method: str
    path: str
    query: str  # the raw query string, as sent
    headers: dict[str, str]  # LinkedIn-Version, X-Restli-Protocol-Version, X-RestLi-Method, Content-Type
    body: Any  # the JSON body, None without one
    status: int


@dataclass
class FakeSegment:
    id: int
    name: str
    account: str
    type: str  # USER | COMPANY
    source_platform: str = "SEGMENT_API"
    destinations: list = field(default_factory=lambda: [{"destination": "LINKEDIN"}])
    users: set[str] = field(default_factory=set)  # hashed emails
    companies: set[tuple[str, str]] = field(default_factory=set)  # (companyName, companyWebsiteDomain)

    def record(self) -> dict:
        """The segment as the finder answers it."""
        return {"id": self.id, "name": self.name, "account": self.account, "type": self.type,
                "sourcePlatform": self.source_platform, "destinations": self.destinations,
                "status": "READY", "accessPolicy": "PRIVATE"}


def _error(status: int, message: str, code: str | None = None) -> dict:
    body = {"status": status, "message": message}
    if code:
        body["code"] = code
    return body


class FakeLinkedIn:
    """The fake API: a WSGI app over DMP segments, with failure injection and a call log."""

    HEADERS_KEPT = ("LinkedIn-Version", "X-Restli-Protocol-Version", "X-RestLi-Method", "Content-Type")

    def __init__(self, token: str = DEMO_TOKEN, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        self.token = token
        self.page_size = page_size
        self.segments: dict[int, FakeSegment] = {}
        self.next_segment_id = 7001
        self.calls: list[RecordedCall] = []
        self.token_expired = False
        self._injected: deque[_Injected] = deque()
        self._rejected: dict[str, tuple[int, str]] = {}  # idValue, companyName or domain -> (status, message)
        self._lock = threading.Lock()

    # -- test and demo helpers -------------------------------------------------------------

    def add_segment(self, name: str, ad_account: str, segment_type: str = "USER") -> int:
        """A DMP segment that exists before the run (as if made in Campaign Manager); its id."""
        segment_id = self.next_segment_id
        self.next_segment_id += 1
        self.segments[segment_id] = FakeSegment(segment_id, name, f"urn:li:sponsoredAccount:{ad_account}",
                                                segment_type)
        return segment_id

    def segment(self, name: str) -> FakeSegment | None:
        """The DMP segment called ``name`` (None if there is none)."""
        return next((s for s in self.segments.values() if s.name == name), None)

    def users(self, name: str) -> list[str]:
        """The hashed emails in the DMP segment called ``name``, sorted (empty if there is no such segment)."""
        segment = self.segment(name)
        return sorted(segment.users) if segment else []

    def companies(self, name: str) -> list[tuple[str, str]]:
        """The (name, domain) of the companies in the DMP segment called ``name``, sorted."""
        segment = self.segment(name)
        return sorted(segment.companies) if segment else []

    def fail_next(self, path_part: str, status: int, times: int = 1, after: int = 0,
                  retry_after: int | None = None, message: str | None = None) -> None:
        """After letting ``after`` of them through, the next ``times`` calls whose path contains ``path_part``
        answer HTTP ``status`` (with a ``Retry-After`` header of ``retry_after`` seconds if given, and LinkedIn's
        error body with ``message``)."""
        self._injected.append(_Injected(path_part, status, times, after, retry_after, message))

    def expire_token(self) -> None:
        """The token is expired from now on: every call answers 401."""
        self.token_expired = True

    def reject_email(self, email: str, status: int = 400, message: str = "Invalid user id") -> None:
        """Every element for this person (by the hash of the email) answers ``status`` with ``message``."""
        self._rejected[hashed_email(email)] = (status, message)

    def reject_company(self, name_or_domain: str, status: int = 400, message: str = "Invalid company") -> None:
        """Every element for a company of this name or domain answers ``status`` with ``message``."""
        self._rejected[name_or_domain] = (status, message)

    def accept_all(self) -> None:
        """Forget the rejected emails and companies."""
        self._rejected.clear()

    def calls_to(self, path_part: str, method: str | None = None) -> list[RecordedCall]:
        """The calls whose path contains ``path_part`` (and of ``method``, if given)."""
        return [c for c in self.calls if path_part in c.path and (method is None or c.method == method)]

    # -- the app ---------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            try:
                body = json.loads(request.get_data() or b"null")
            except ValueError:
                body = None
            status, answer, headers = self._dispatch(request, body)
            self.calls.append(RecordedCall(
                request.method, request.path, request.query_string.decode("ascii"),
                {name: request.headers[name] for name in self.HEADERS_KEPT if name in request.headers},
                body, status))
        text = "" if answer is None else json.dumps(answer)
        return Response(text, status=status, headers=headers, mimetype="application/json")(environ, start_response)

    def _injected_failure(self, path: str) -> _Injected | None:
        for injected in self._injected:
            if injected.path_part in path:
                if injected.after > 0:
                    injected.after -= 1
                    return None
                injected.times -= 1
                if injected.times <= 0:
                    self._injected.remove(injected)
                return injected
        return None

    def _dispatch(self, request: Request, body: Any) -> tuple[int, dict | None, dict[str, str]]:
        path = request.path
        if path == "/fake/state.json":
            return 200, {s.name: {"type": s.type, "users": len(s.users), "companies": sorted(s.companies)}
                         for s in self.segments.values()}, {}
        injected = self._injected_failure(path)
        if injected is not None:
            headers = {"Retry-After": str(injected.retry_after)} if injected.retry_after is not None else {}
            message = injected.message or f"injected error {injected.status}"
            return injected.status, _error(injected.status, message), headers
        refused = self._check_headers(request)
        if refused:
            return refused[0], refused[1], {}
        if path == "/rest/dmpSegments" and request.method == "GET":
            return self._find(request)
        if path == "/rest/dmpSegments" and request.method == "POST":
            return self._create(body)
        match = MEMBERS_PATH.match(path)
        if match and request.method == "POST":
            if request.headers.get("X-RestLi-Method") != "BATCH_CREATE":
                return 400, _error(400, "X-RestLi-Method must be BATCH_CREATE"), {}
            return self._batch(int(match.group(1)), match.group(2), body)
        return 404, _error(404, f"no such endpoint {request.method} {path}"), {}

    def _check_headers(self, request: Request) -> tuple[int, dict] | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") != self.token:
            return 401, _error(401, "Invalid access token", "INVALID_ACCESS_TOKEN")
        if self.token_expired:
            return 401, _error(401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN")
        if not VERSION.match(request.headers.get("LinkedIn-Version", "")):
            return 400, _error(400, "A version must be present. Please specify a version by adding the "
                               "LinkedIn-Version header", "VERSION_MISSING")
        if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return 400, _error(400, "X-Restli-Protocol-Version 2.0.0 is required")
        return None

    def _find(self, request: Request) -> tuple[int, dict, dict]:
        args = request.args
        if args.get("q") != "account" or not ACCOUNT_URN.match(args.get("account", "")):
            return 400, _error(400, "the account finder needs q=account and account=urn:li:sponsoredAccount:<id>"), {}
        found = [s.record() for s in sorted(self.segments.values(), key=lambda s: s.id)
                 if s.account == args["account"]]
        start = int(args.get("start", 0))
        count = min(int(args.get("count", self.page_size)), self.page_size)
        page = found[start:start + count]
        return 200, {"elements": page, "paging": {"start": start, "count": count, "total": len(found),
                                                  "links": []}}, {}

    def _create(self, body: Any) -> tuple[int, dict | None, dict]:
        if not isinstance(body, dict) or not body.get("name"):
            return 400, _error(400, "name is required"), {}
        if not ACCOUNT_URN.match(str(body.get("account", ""))):
            return 400, _error(400, "account must be urn:li:sponsoredAccount:<id>"), {}
        if body.get("type") not in SEGMENT_TYPES:
            return 400, _error(400, f"type must be one of {', '.join(SEGMENT_TYPES)}"), {}
        if body.get("sourcePlatform") != "SEGMENT_API" or body.get("destinations") != [{"destination": "LINKEDIN"}]:
            return 400, _error(400, "sourcePlatform SEGMENT_API and destinations [{destination: LINKEDIN}] are "
                               "expected"), {}
        segment_id = self.next_segment_id
        self.next_segment_id += 1
        self.segments[segment_id] = FakeSegment(segment_id, body["name"], body["account"], body["type"],
                                                body["sourcePlatform"], body["destinations"])
        return 201, None, {"x-restli-id": str(segment_id)}

    def _batch(self, segment_id: int, kind: str, body: Any) -> tuple[int, dict, dict]:
        segment = self.segments.get(segment_id)
        if segment is None:
            return 404, _error(404, f"DMP segment {segment_id} not found"), {}
        if SEGMENT_TYPES[segment.type] != kind:
            return 400, _error(400, f"DMP segment {segment_id} is a {segment.type} segment"), {}
        elements = body.get("elements") if isinstance(body, dict) else None
        if not isinstance(elements, list) or not elements:
            return 400, _error(400, "elements are required"), {}
        if len(elements) > MAX_BATCH:
            return 400, _error(400, f"at most {MAX_BATCH} elements per batch"), {}
        apply = self._user if kind == "users" else self._company
        return 200, {"elements": [apply(segment, element) for element in elements]}, {}

    def _element_refused(self, element: dict, *keys: str) -> dict | None:
        if element.get("action") not in ("ADD", "REMOVE"):
            return {"status": 400, "error": _error(400, "action must be ADD or REMOVE")}
        for key in keys:
            if key in self._rejected:
                status, message = self._rejected[key]
                return {"status": status, "error": _error(status, message)}
        return None

    def _user(self, segment: FakeSegment, element: dict) -> dict:
        ids = element.get("userIds") or []
        hashes = [i.get("idValue", "") for i in ids if i.get("idType") == "SHA256_EMAIL"]
        if not hashes or not all(SHA256_HEX.match(h) for h in hashes):
            return {"status": 400, "error": _error(400, "userIds must hold a SHA256_EMAIL (64 hex digits)")}
        refused = self._element_refused(element, *hashes)
        if refused:
            return refused
        if element["action"] == "ADD":
            segment.users.update(hashes)
            return {"status": 201}
        segment.users.difference_update(hashes)
        return {"status": 200}

    def _company(self, segment: FakeSegment, element: dict) -> dict:
        name, domain = str(element.get("companyName") or ""), str(element.get("companyWebsiteDomain") or "")
        if not (name or domain):
            return {"status": 400, "error": _error(400, "companyName or companyWebsiteDomain is required")}
        refused = self._element_refused(element, *(key for key in (name, domain) if key))
        if refused:
            return refused
        if element["action"] == "ADD":
            segment.companies.add((name, domain))
            return {"status": 201}
        segment.companies.discard((name, domain))
        return {"status": 200}


class RunningFakeLinkedIn(RunningFake):
    """A FakeLinkedIn served on 127.0.0.1 in a background thread; ``base_url`` is its LINKEDIN_BASE_URL."""

    thread_name = "fake-linkedin"

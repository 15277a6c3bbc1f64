"""A fake Marketo instance on localhost, for the sync demo (make demo-sync) and the tests.

It keeps leads, static lists and smart campaigns in memory (optionally in a JSON file, so that it outlives one
process) and answers the calls the client (cdp.activation.destinations.marketo_api) makes the way Marketo does:
HTTP 200 with ``success: false`` and a string error code for errors, per-record results for leads and list members,
one answer per call for a campaign request. It checks the client credentials and the bearer token. Failures can be
injected (``fail_next``) to watch retries, quota stops and reruns.

Smart campaigns are known by id (``add_campaign``; a campaign that is not requestable answers 1003, an unknown id
610, more than 100 leads 1003) and every request they accept is recorded, in order (``campaign_requests``,
``requested_leads``, ``requested_emails``). An injected failure (``fail_next("/trigger.json", "1003")``) is not
recorded, as Marketo refused the call.

    python scripts/fake_marketo.py --port 8765        # then MARKETO_BASE_URL=http://127.0.0.1:8765

Only what the project uses is implemented; it is not a Marketo emulator.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from cdp_dev.fakes.server import RunningFake

DEMO_CLIENT_ID = "cdp-demo"
DEMO_CLIENT_SECRET = "cdp-demo-secret"
TOKEN_TTL_S = 3600
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIST_PATH = re.compile(r"^/rest/v1/lists/(\d+)/leads\.json$")
CAMPAIGN_PATH = re.compile(r"^/rest/v1/campaigns/(\d+)/trigger\.json$")
MAX_CAMPAIGN_LEADS = 100


@dataclass
class _Injected:
    path_part: str
    code: str
    times: int
    after: int = 0  # matching calls let through first


@dataclass
class FakeMarketoState:
    leads: dict[int, dict] = field(default_factory=dict)  # id -> lead fields
    lists: dict[int, dict] = field(default_factory=dict)  # id -> {"name", "folder", "members": [lead ids]}
    next_lead_id: int = 1001
    next_list_id: int = 2001
    campaigns: dict[int, dict] = field(default_factory=dict)  # id -> {"name", "requestable"}
    campaign_requests: list[tuple[int, list[int]]] = field(default_factory=list)  # (campaign id, lead ids) per call

    def to_json(self) -> dict:
        return {"leads": {str(k): v for k, v in self.leads.items()},
                "lists": {str(k): v for k, v in self.lists.items()},
                "next_lead_id": self.next_lead_id, "next_list_id": self.next_list_id,
                "campaigns": {str(k): v for k, v in self.campaigns.items()},
                "campaign_requests": [[campaign_id, ids] for campaign_id, ids in self.campaign_requests]}

    @classmethod
    def from_json(cls, data: dict) -> FakeMarketoState:
        return cls({int(k): v for k, v in data["leads"].items()}, {int(k): v for k, v in data["lists"].items()},
                   data["next_lead_id"], data["next_list_id"],
                   {int(k): v for k, v in data.get("campaigns", {}).items()},  # files written before campaigns
                   [(int(campaign_id), list(ids)) for campaign_id, ids in data.get("campaign_requests", [])])


def _error(code: str, message: str) -> dict:
    return {"requestId": secrets.token_hex(4), "success": False, "errors": [{"code": code, "message": message}]}


def _ok(result: list | None = None, **extra: Any) -> dict:
    body = {"requestId": secrets.token_hex(4), "success": True, **extra}
    if result is not None:
        body["result"] = result
    return body


class FakeMarketo:
    """The fake instance: a WSGI app over a state, with failure injection and a call log."""

    def __init__(self, client_id: str = DEMO_CLIENT_ID, client_secret: str = DEMO_CLIENT_SECRET,
                 state_file: str | Path | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.state_file = Path(state_file) if state_file else None
        self.state = FakeMarketoState()
        if self.state_file and self.state_file.exists():
            self.state = FakeMarketoState.from_json(json.loads(self.state_file.read_text()))
        self.tokens: dict[str, float] = {}  # token -> expiry (epoch seconds)
        self.calls: list[tuple[str, str]] = []  # (method, path) of every call
        self._injected: deque[_Injected] = deque()
        self._lock = threading.Lock()

    # -- test and demo helpers -------------------------------------------------------------

    def fail_next(self, path_part: str, code: str, times: int = 1, after: int = 0) -> None:
        """After letting ``after`` of them through, the next ``times`` calls whose path contains ``path_part``
        answer with error ``code`` ('500' for an HTTP 500)."""
        self._injected.append(_Injected(path_part, code, times, after))

    def expire_tokens(self) -> None:
        """Every token issued so far is expired from now on (the next call gets 602)."""
        self.tokens = {token: 0.0 for token in self.tokens}

    def add_campaign(self, campaign_id: int, name: str, requestable: bool = True) -> None:
        """Know the smart campaign ``campaign_id`` (again: change it). Requesting one that is not requestable (no
        "Campaign is Requested" trigger, or not active) answers 1003."""
        self.state.campaigns[int(campaign_id)] = {"name": name, "requestable": requestable}

    def campaign_requests(self, campaign_id: int) -> list[list[int]]:
        """The lead ids of each accepted request of the campaign, one list per call, in order."""
        return [ids for requested, ids in self.state.campaign_requests if requested == int(campaign_id)]

    def requested_leads(self, campaign_id: int) -> list[int]:
        """Every lead id the campaign was requested for, in order (repeated if requested again)."""
        return [lead_id for ids in self.campaign_requests(campaign_id) for lead_id in ids]

    def requested_emails(self, campaign_id: int) -> list[str]:
        """The emails of ``requested_leads`` (in order, repeats kept)."""
        return [self.state.leads.get(lead_id, {}).get("email", f"lead {lead_id}")
                for lead_id in self.requested_leads(campaign_id)]

    def lead_id(self, email: str) -> int | None:
        """The id of the lead with this email (any case), None if there is none."""
        return next((lead_id for lead_id, lead in self.state.leads.items()
                     if str(lead.get("email", "")).lower() == email.lower()), None)

    def list_members(self, name: str) -> list[str]:
        """The emails of the static list called ``name``, sorted (empty if there is no such list)."""
        for static_list in self.state.lists.values():
            if static_list["name"] == name:
                return sorted(self.state.leads[i]["email"] for i in static_list["members"])
        return []

    # -- the app ---------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self.calls.append((request.method, request.path))
            status, body = self._dispatch(request)
            if self.state_file:
                self.state_file.write_text(json.dumps(self.state.to_json(), indent=1, sort_keys=True))
        return Response(json.dumps(body), status=status, mimetype="application/json")(environ, start_response)

    def _injected_code(self, path: str) -> str | None:
        for injected in self._injected:
            if injected.path_part in path:
                if injected.after > 0:
                    injected.after -= 1
                    return None
                injected.times -= 1
                if injected.times <= 0:
                    self._injected.remove(injected)
                return injected.code
        return None

    def _dispatch(self, request: Request) -> tuple[int, dict]:
        path = request.path
        if path == "/fake/state.json":
            return 200, {"lists": {v["name"]: self.list_members(v["name"]) for v in self.state.lists.values()},
                         "campaigns": {str(k): {**v, "requested": self.requested_emails(k)}
                                       for k, v in self.state.campaigns.items()}}
        injected = self._injected_code(path)
        if injected == "500":
            return 500, {"error": "internal"}
        if path == "/identity/oauth/token":
            return self._token(request, injected)
        if injected:
            return 200, _error(injected, f"injected error {injected}")
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if token not in self.tokens:
            return 200, _error("601", "Access token invalid")
        if self.tokens[token] < time.time():
            return 200, _error("602", "Access token expired")
        if path == "/rest/asset/v1/staticList/byName.json" and request.method == "GET":
            return 200, self._list_by_name(request.args.get("name", ""))
        if path == "/rest/asset/v1/staticLists.json" and request.method == "POST":
            return 200, self._create_list(request.form.get("name", ""), json.loads(request.form.get("folder", "{}")))
        if path == "/rest/v1/leads.json" and request.method == "POST":
            return 200, self._upsert(request.get_json())
        match = LIST_PATH.match(path)
        if match and request.method in ("POST", "DELETE"):
            ids = [int(entry["id"]) for entry in request.get_json().get("input", [])]
            return 200, self._membership(int(match.group(1)), ids, add=request.method == "POST")
        match = CAMPAIGN_PATH.match(path)
        if match and request.method == "POST":
            return 200, self._request_campaign(int(match.group(1)), request.get_json())
        return 404, {"error": f"no such endpoint {request.method} {path}"}

    def _token(self, request: Request, injected: str | None) -> tuple[int, dict]:
        if injected:
            return 200, _error(injected, f"injected error {injected}")
        args = request.args
        if (args.get("grant_type") != "client_credentials" or args.get("client_id") != self.client_id
                or args.get("client_secret") != self.client_secret):
            return 401, {"error": "invalid_client", "error_description": "Bad client credentials"}
        token = secrets.token_hex(16)
        self.tokens[token] = time.time() + TOKEN_TTL_S
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_TTL_S, "scope": "api"}

    def _list_record(self, list_id: int) -> dict:
        static_list = self.state.lists[list_id]
        return {"id": list_id, "name": static_list["name"], "folder": static_list["folder"],
                "computedUrl": f"https://fake.marketo/#ST{list_id}A1"}

    def _list_by_name(self, name: str) -> dict:
        for list_id, static_list in self.state.lists.items():
            if static_list["name"] == name:
                return _ok([self._list_record(list_id)])
        return _ok(warnings=["No assets found for the given search criteria."])

    def _create_list(self, name: str, folder: dict) -> dict:
        if not name:
            return _error("701", "name cannot be blank")
        if any(static_list["name"] == name for static_list in self.state.lists.values()):
            return _error("709", f"Static list '{name}' already exists")
        list_id = self.state.next_list_id
        self.state.next_list_id += 1
        self.state.lists[list_id] = {"name": name, "folder": folder, "members": []}
        return _ok([self._list_record(list_id)])

    def _upsert(self, body: dict) -> dict:
        if body.get("action") != "createOrUpdate" or body.get("lookupField") != "email":
            return _error("1003", "only action createOrUpdate with lookupField email is implemented")
        leads = body.get("input") or []
        if len(leads) > 300:
            return _error("1003", "Batch size exceeds 300")
        by_email = {lead["email"].lower(): lead_id for lead_id, lead in self.state.leads.items()}
        results = []
        for lead in leads:
            email = str(lead.get("email") or "")
            if not EMAIL.match(email):
                results.append({"status": "skipped", "reasons": [{"code": "1003", "message": "Invalid email"}]})
                continue
            lead_id = by_email.get(email.lower())
            if lead_id is None:
                lead_id = self.state.next_lead_id
                self.state.next_lead_id += 1
                self.state.leads[lead_id] = dict(lead)
                by_email[email.lower()] = lead_id
                results.append({"id": lead_id, "status": "created"})
            else:
                self.state.leads[lead_id].update(lead)
                results.append({"id": lead_id, "status": "updated"})
        return _ok(results)

    def _membership(self, list_id: int, ids: list[int], add: bool) -> dict:
        if list_id not in self.state.lists:
            return _error("1013", f"Static list {list_id} not found")
        if len(ids) > 300:
            return _error("1003", "Batch size exceeds 300")
        members = self.state.lists[list_id]["members"]
        results = []
        for lead_id in ids:
            if lead_id not in self.state.leads:
                results.append({"id": lead_id, "status": "skipped",
                                "reasons": [{"code": "1004", "message": "Lead not found"}]})
            elif add:
                if lead_id not in members:
                    members.append(lead_id)
                results.append({"id": lead_id, "status": "added"})
            elif lead_id in members:
                members.remove(lead_id)
                results.append({"id": lead_id, "status": "removed"})
            else:
                results.append({"id": lead_id, "status": "skipped",
                                "reasons": [{"code": "1015", "message": "Lead not in list"}]})
        return _ok(results)


    def _request_campaign(self, campaign_id: int, body: dict) -> dict:
        """Request Campaign: one answer for the call; an accepted call is recorded."""
        campaign = self.state.campaigns.get(campaign_id)
        if campaign is None:
            return _error("610", "Requested resource not found")
        if not campaign["requestable"]:
            return _error("1003", f"Trigger campaign '{campaign['name']}' is not requestable or not active")
        leads = ((body or {}).get("input") or {}).get("leads") or []
        if not leads:
            return _error("1003", "leads is required")
        if len(leads) > MAX_CAMPAIGN_LEADS:
            return _error("1003", f"Lead count exceeds {MAX_CAMPAIGN_LEADS}")
        self.state.campaign_requests.append((campaign_id, [int(lead["id"]) for lead in leads]))
        return _ok([{"id": campaign_id}])


class RunningFakeMarketo(RunningFake):
    """A FakeMarketo served on 127.0.0.1 in a background thread; ``base_url`` is its MARKETO_BASE_URL."""

    thread_name = "fake-marketo"

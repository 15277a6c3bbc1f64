"""The LinkedIn destination (``--format linkedin``): a Matched Audiences DMP segment of an ad account, kept in sync
through the Marketing API (linkedin_api.py, the client).

A person segment goes to a ``USER`` DMP segment, its members sent as the SHA-256 of their email (trimmed, lower-
cased: the sync log's key, hashed by ``files.hashed_email``, never in plain text); an account segment goes to a
``COMPANY`` DMP segment, its accounts sent by name and website domain. The DMP segment is found by name among the
ad account's segments, or created. Only the changes since the last successful sync are sent, ``ADD`` then
``REMOVE`` elements, ``BATCH_SIZE`` a call; each element's status is that member's outcome.

Removing a company needs the name and domain it was added with, which may have changed in the warehouse since:
the sync log's ``destination_member_id`` of a company holds them, as a small JSON text
``{"name": "Acme", "domain": "acme.example"}`` (``company_record``), and a removal reads them back from there. A
person's removal needs nothing more than the email key.

The client's errors end the run: an expired or revoked token (HTTP 401), a rate limit or an outage that outlasts
the retries (429, 5xx) and network errors stop it (the next run sends the rest); any other refusal (4xx) fails it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from cdp.activation.audience import AccountMember, Audience, AudienceMember
from cdp.activation.destinations.base import (
    BatchDestination,
    DestinationError,
    DestinationNotConfigured,
    SendFailed,
    SendStopped,
    register,
)
from cdp.activation.destinations.linkedin_api import (
    ACCOUNT_URN_PREFIX,
    BATCH_SIZE,
    ENV_ACCESS_TOKEN,
    Company,
    ElementResult,
    LinkedInAuthError,
    LinkedInClient,
    LinkedInConfig,
    LinkedInConfigError,
    LinkedInError,
    LinkedInUnavailable,
    user_element,
)
from cdp.activation.sync_log import ADDED, FAILED, REMOVED, SUCCEEDED, MemberOutcome, SyncedMember, SyncPlan

log = logging.getLogger(__name__)

LINKEDIN = "linkedin"
ADD, REMOVE = "ADD", "REMOVE"
SEGMENT_TYPES = {"person": "USER", "account": "COMPANY"}  # the audience's grain -> the DMP segment's type
# LinkedIn serves a campaign an audience of at least this many matched members.
MIN_CAMPAIGN_AUDIENCE = 300


def audience_size_warning(audience: Audience, audience_name: str) -> str | None:
    """A warning when the audience is under LinkedIn's campaign minimum (None otherwise); one line."""
    count = len(audience.members)
    if count >= MIN_CAMPAIGN_AUDIENCE:
        return None
    kind = "companies" if audience.grain == "account" else "people"
    return (f"LinkedIn audience {audience_name!r} gets {count} {kind} from {audience.segment}: a campaign needs at "
            f"least {MIN_CAMPAIGN_AUDIENCE} matched members, so LinkedIn will not serve it yet")


def company_record(company: Company) -> str:
    """The sync log's ``destination_member_id`` of a company: the name and domain it was sent with, as JSON."""
    return json.dumps({"name": company.name, "domain": company.domain}, sort_keys=True)


def company_from_record(record: str | None) -> Company | None:
    """The company a ``company_record`` describes; None when there is none (or it cannot be read)."""
    if not record:
        return None
    try:
        fields = json.loads(record)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    company = Company(str(fields.get("name") or ""), str(fields.get("domain") or ""))
    return company if company.name or company.domain else None


def _outcome(key: str, person_id: str | None, operation: str, result: ElementResult,
             member_id: str | None = None) -> MemberOutcome:
    """A member's outcome from LinkedIn's answer for its element (a failure's reason code is the HTTP status)."""
    if result.ok:
        return MemberOutcome(key, person_id, operation, SUCCEEDED, None, None, member_id)
    return MemberOutcome(key, person_id, operation, FAILED, str(result.status),
                         result.message or f"LinkedIn answered {result.status}", member_id)


@dataclass(frozen=True)
class SegmentSession:
    """One run's client and the DMP segment it fills."""

    client: LinkedInClient
    segment_id: int
    segment_type: str  # USER | COMPANY


@dataclass(frozen=True)
class LinkedInDestination(BatchDestination):
    """A LinkedIn DMP segment of an ad account, found or created by name."""

    audience_name: str
    ad_account: str  # the ad account's numeric id
    client_factory: Callable[[], LinkedInClient] | None = None  # default: a client configured from the environment
    segment_type: str = "USER"  # the DMP segment's type for one run; send sets it from the audience's grain

    name = LINKEDIN
    grains = ("person", "account")
    batch_size = BATCH_SIZE

    def target(self, segment: str) -> str:
        return f"{self.ad_account}/{self.audience_name}"

    def describe(self, segment: str) -> str:
        return f"LinkedIn DMP segment {self.audience_name!r} (ad account {self.ad_account})"

    def check_configured(self) -> None:
        if self.client_factory is None:
            try:
                LinkedInConfig.from_env()
            except LinkedInConfigError as error:
                raise DestinationNotConfigured(str(error)) from error

    def warnings(self, audience: Audience) -> list[str]:
        warning = audience_size_warning(audience, self.audience_name)
        return [warning] if warning else []

    def client(self) -> LinkedInClient:
        if self.client_factory is not None:
            return self.client_factory()
        return LinkedInClient(LinkedInConfig.from_env())

    def send(self, plan: SyncPlan) -> Iterator[Sequence[MemberOutcome]]:
        """The batches (BatchDestination.send) to a segment of the type the audience's grain asks for, with the
        client's errors turned into the run's end; an audience under the campaign minimum is warned about."""
        warning = audience_size_warning(plan.audience, self.audience_name)
        if warning:
            log.warning(warning)
        for_grain = replace(self, segment_type=SEGMENT_TYPES[plan.audience.grain])
        try:
            yield from BatchDestination.send(for_grain, plan)
        except LinkedInAuthError as error:
            raise SendStopped(f"LinkedIn refused the access token ({error.message}): set a new "
                              f"{ENV_ACCESS_TOKEN} and rerun; the next run sends the rest") from error
        except LinkedInUnavailable as error:
            raise SendStopped(f"LinkedIn is unavailable or rate-limiting ({error.message}): rerun later; the next "
                              "run sends the rest") from error
        except LinkedInError as error:
            raise SendFailed(f"LinkedIn refused the request: {error.message}") from error

    @contextmanager
    def session(self) -> Iterator[SegmentSession]:
        with self.client() as client:
            yield SegmentSession(client, self._segment_id(client), self.segment_type)

    def _segment_id(self, client: LinkedInClient) -> int:
        """The id of the DMP segment called ``audience_name``, created if the ad account has none."""
        found = client.find_segment(self.ad_account, self.audience_name)
        if found is None:
            return client.create_segment(self.ad_account, self.audience_name, self.segment_type)
        if found.get("type") != self.segment_type:
            raise SendFailed(
                f"the ad account's DMP segment {self.audience_name!r} is of type {found.get('type')}, and this "
                f"audience needs a {self.segment_type} segment: choose another audience name")
        return int(found["id"])

    def add(self, session: SegmentSession, members: Sequence[AudienceMember | AccountMember]) -> list[MemberOutcome]:
        """Add people by their hashed email, or companies by name and domain (recorded for their removal)."""
        if session.segment_type == "USER":
            results = session.client.update_users(session.segment_id, [user_element(ADD, m.key) for m in members])
            return [_outcome(m.key, m.person_id, ADDED, r) for m, r in zip(members, results)]
        outcomes = [  # nothing LinkedIn could match a company on
            MemberOutcome(m.key, None, ADDED, FAILED, None, "the account has neither a name nor a domain")
            for m in members if not (m.account_name or m.domain)
        ]
        companies = [(m, Company(m.account_name, m.domain)) for m in members if m.account_name or m.domain]
        if companies:
            results = session.client.update_companies(session.segment_id, [c.element(ADD) for _, c in companies])
            outcomes += [_outcome(m.key, None, ADDED, r, company_record(c)) for (m, c), r in zip(companies, results)]
        return outcomes

    def remove(self, session: SegmentSession, members: Sequence[SyncedMember]) -> list[MemberOutcome]:
        """Remove people by their hashed email key, companies by the name and domain recorded when they were added
        (none recorded: nothing to remove)."""
        if session.segment_type == "USER":
            results = session.client.update_users(session.segment_id,
                                                  [user_element(REMOVE, m.email_key) for m in members])
            return [_outcome(m.email_key, m.person_id, REMOVED, r) for m, r in zip(members, results)]
        known = [(m, company_from_record(m.destination_member_id)) for m in members]
        outcomes = [
            MemberOutcome(m.email_key, m.person_id, REMOVED, SUCCEEDED, None, "no company name or domain on record")
            for m, company in known if company is None
        ]
        companies = [(m, company) for m, company in known if company is not None]
        if companies:
            results = session.client.update_companies(session.segment_id,
                                                      [c.element(REMOVE) for _, c in companies])
            outcomes += [_outcome(m.email_key, m.person_id, REMOVED, r, m.destination_member_id)
                         for (m, _), r in zip(companies, results)]
        return outcomes


def ad_account_id(value: object) -> str:
    """The numeric id of an ad account given as its id or its URN (``urn:li:sponsoredAccount:<id>``)."""
    text = str(value).strip().removeprefix(ACCOUNT_URN_PREFIX)
    if not text.isdigit():
        raise DestinationError(f"the linkedin destination's ad account must be the ad account's numeric id, "
                               f"got {value!r}")
    return text


@register(LINKEDIN)
def linkedin_destination(name: str, options: Mapping[str, Any]) -> LinkedInDestination:
    """Options: ``ad_account`` (the ad account's id, required) and ``audience_name``, the DMP segment's name
    (default: the segment's name, as a segment's declared activation may leave it out)."""
    audience_name = str(options.get("audience_name") or options.get("segment") or "").strip()
    if not audience_name:
        raise DestinationError("the linkedin destination needs an audience name")
    if options.get("ad_account") in (None, ""):
        raise DestinationError("the linkedin destination needs an ad account (its numeric id)")
    return LinkedInDestination(audience_name, ad_account_id(options["ad_account"]))

"""The Marketo destination (``--format marketo``): a static list, kept in sync through the REST API (marketo_api.py).

New members are upserted as leads by email and added to the list; members to remove are taken off the list by the
Marketo lead id the sync log recorded when they were added. The list is found by name or, given a folder id,
created there if missing. The client's errors end the run: the daily quota, authentication and network errors stop
it (the next run sends the rest), errors that retrying cannot fix fail it.

With a smart campaign (``campaign_id``), the run then requests the campaign for the members who entered the list,
``CAMPAIGN_BATCH_SIZE`` leads per call, once per entry (the sync log decides who is due: cdp.activation.sync_log,
entry requests); the requests are logged as destination ``marketo-campaign``, target the campaign id. Marketo
answers for a call as a whole: a call it refuses fails that call's members (the next run requests them again), and
when the answer is about the campaign itself (``CAMPAIGN_REFUSED_CODES``: not requestable or not active, no such
campaign) the rest of the run's requests are not sent and fail with the same reason. The quota, authentication and
network errors stop the run as above.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cdp.activation.audience import AudienceMember
from cdp.activation.destinations.base import (
    BatchDestination,
    DestinationError,
    DestinationNotConfigured,
    SendFailed,
    SendStopped,
    register,
)
from cdp.activation.destinations.marketo_api import (
    BATCH_SIZE,
    CAMPAIGN_BATCH_SIZE,
    RETRYABLE_CODES,
    MarketoAuthError,
    MarketoClient,
    MarketoConfig,
    MarketoConfigError,
    MarketoError,
    MarketoFatalError,
    MarketoQuotaExceeded,
)
from cdp.activation.sync_log import (
    ADDED,
    FAILED,
    REMOVED,
    SUCCEEDED,
    EntryRequest,
    MemberOutcome,
    SyncedMember,
    SyncPlan,
    chunks,
)

log = logging.getLogger(__name__)

MARKETO = "marketo"
MARKETO_CAMPAIGN = "marketo-campaign"  # the sync log's destination of the smart campaign requests
# Marketo's answer when a lead to remove is not (or no longer) in the list: the removal has nothing left to do.
NOT_IN_LIST_CODE = "1015"
# Marketo's answers to a campaign request that concern the campaign, not the call's leads (1003: not requestable,
# not active; 610: no such campaign): every other call of the run would get the same answer.
CAMPAIGN_REFUSED_CODES = frozenset({"1003", "610"})


def refused_by_marketo(error: MarketoError) -> bool:
    """Marketo answered the call with an error code of its own: neither the quota nor authentication (which stop the
    run), nor a transient error or a network failure retried to the end, nor an answer that is not Marketo's."""
    if isinstance(error, (MarketoQuotaExceeded, MarketoAuthError)):
        return False
    code = error.code or ""
    return code.isdigit() and code not in RETRYABLE_CODES


def lead_fields(member: AudienceMember) -> dict[str, str]:
    """The Marketo lead fields a member is upserted with (email is the lookup field)."""
    fields = {
        "email": member.email,
        "firstName": member.first_name,
        "lastName": member.last_name,
        "company": member.company_name,
        "title": member.title,
        "country": member.country,
    }
    return {name: value for name, value in fields.items() if value or name == "email"}


@dataclass(frozen=True)
class ListSession:
    """One run's client and the id of the static list it fills."""

    client: MarketoClient
    list_id: int


@dataclass(frozen=True)
class MarketoDestination(BatchDestination):
    """A Marketo static list, found (or, given a folder, created) by name."""

    list_name: str
    folder_id: int | None = None
    client_factory: Callable[[], MarketoClient] | None = None  # default: a client configured from the environment
    campaign_id: int | None = None  # the smart campaign requested for the members who enter the list

    name = MARKETO
    batch_size = BATCH_SIZE

    def target(self, segment: str) -> str:
        return self.list_name

    def describe(self, segment: str) -> str:
        return f"Marketo static list {self.list_name!r}"

    def entry_request(self) -> EntryRequest | None:
        if self.campaign_id is None:
            return None
        return EntryRequest(MARKETO_CAMPAIGN, str(self.campaign_id), f"Marketo smart campaign {self.campaign_id}")

    def check_configured(self) -> None:
        if self.client_factory is None:
            try:
                MarketoConfig.from_env()
            except MarketoConfigError as error:
                raise DestinationNotConfigured(str(error)) from error

    def client(self) -> MarketoClient:
        if self.client_factory is not None:
            return self.client_factory()
        return MarketoClient(MarketoConfig.from_env())

    def send(self, plan: SyncPlan) -> Iterator[Sequence[MemberOutcome]]:
        """The batches (BatchDestination.send), with the client's errors turned into the run's end."""
        try:
            yield from super().send(plan)
        except MarketoQuotaExceeded as error:
            raise SendStopped(f"Marketo daily API quota reached ({error.code}): rerun once it resets") from error
        except MarketoFatalError as error:
            raise SendFailed(f"Marketo refused the request ({error.code or 'no code'}): {error}") from error
        except MarketoAuthError as error:
            raise SendStopped(f"Marketo authentication failed ({error.code}): {error}") from error
        except MarketoError as error:
            raise SendStopped(f"Marketo call failed ({error.code or 'no code'}): {error}") from error

    @contextmanager
    def session(self) -> Iterator[ListSession]:
        with self.client() as client:
            yield ListSession(client, self._list_id(client))

    def _list_id(self, client: MarketoClient) -> int:
        if self.folder_id is not None:
            return client.ensure_static_list(self.list_name, self.folder_id)
        found = client.get_static_list_by_name(self.list_name)
        if found is None:
            raise MarketoFatalError(None, f"there is no static list {self.list_name!r}; "
                                    "pass --folder-id to create it in that folder")
        return int(found["id"])

    def add(self, session: ListSession, members: Sequence[AudienceMember]) -> list[MemberOutcome]:
        """Upsert the members as leads, then add those Marketo accepted to the list."""
        outcomes: list[MemberOutcome] = []
        upserted = []
        for member, result in zip(members, session.client.upsert_leads([lead_fields(m) for m in members])):
            if result.lead_id is not None and result.status in ("created", "updated"):
                upserted.append((member, result.lead_id))
            else:
                outcomes.append(MemberOutcome(member.key, member.person_id, ADDED, FAILED, result.reason_code,
                                              result.reason_message or f"lead {result.status or 'not accepted'}"))
        if upserted:
            listed = session.client.add_to_list(session.list_id, [lead_id for _, lead_id in upserted])
            for (member, lead_id), result in zip(upserted, listed):
                status = SUCCEEDED if result.status == "added" else FAILED
                outcomes.append(MemberOutcome(member.key, member.person_id, ADDED, status, result.reason_code,
                                              result.reason_message, str(lead_id)))
        return outcomes

    def remove(self, session: ListSession, members: Sequence[SyncedMember]) -> list[MemberOutcome]:
        """Take the members off the list by their recorded lead id (none recorded: nothing to remove)."""
        outcomes = [  # added before a Marketo lead id was known: nothing to remove
            MemberOutcome(m.email_key, m.person_id, REMOVED, SUCCEEDED, None, "no Marketo lead id on record")
            for m in members if not m.destination_member_id
        ]
        known = [m for m in members if m.destination_member_id]
        if known:
            removed = session.client.remove_from_list(session.list_id, [int(m.destination_member_id) for m in known])
            for member, result in zip(known, removed):
                done = result.status == "removed" or result.reason_code == NOT_IN_LIST_CODE
                outcomes.append(MemberOutcome(member.email_key, member.person_id, REMOVED,
                                              SUCCEEDED if done else FAILED, result.reason_code,
                                              result.reason_message, member.destination_member_id))
        return outcomes

    def request(self, session: ListSession, members: Sequence[SyncedMember]) -> Iterator[list[MemberOutcome]]:
        """Request the smart campaign for the members (on the list, by their lead id), ``CAMPAIGN_BATCH_SIZE`` per
        call; one batch of outcomes per call. A call Marketo refuses fails its members; a refusal about the
        campaign itself fails the rest too, unsent."""
        assert self.campaign_id is not None
        batches = list(chunks([m for m in members if m.destination_member_id], CAMPAIGN_BATCH_SIZE))
        for number, batch in enumerate(batches):
            try:
                session.client.request_campaign(self.campaign_id, [int(m.destination_member_id) for m in batch])
            except MarketoError as error:
                if not refused_by_marketo(error):
                    raise
                yield self._requested(batch, FAILED, error.code, error.message)
                rest = [member for later in batches[number + 1:] for member in later]
                if error.code in CAMPAIGN_REFUSED_CODES and rest:
                    log.warning("smart campaign %s refused the request (%s): the run's %d other request(s) are not "
                                "sent, the next run makes them", self.campaign_id, error.code, len(rest))
                    yield self._requested(rest, FAILED, error.code, f"not sent: the campaign refused this run's "
                                          f"request ({error.message})")
                    return
                continue
            yield self._requested(batch, SUCCEEDED)

    @staticmethod
    def _requested(members: Sequence[SyncedMember], status: str, code: str | None = None,
                   message: str | None = None) -> list[MemberOutcome]:
        """One request outcome per member (operation added: requested)."""
        return [MemberOutcome(m.email_key, m.person_id, ADDED, status, code, message, m.destination_member_id,
                              request=True) for m in members]


@register(MARKETO)
def marketo_destination(name: str, options: Mapping[str, Any]) -> MarketoDestination:
    """Options: ``list_name`` (default: the segment's name, as a segment's declared activation may leave it out),
    ``folder_id``, the folder to create a missing list in (without it, a missing list fails the run), and
    ``campaign_id``, the smart campaign to request for the members who enter the list."""
    list_name = options.get("list_name") or options.get("segment")
    if not list_name:
        raise DestinationError("the marketo destination needs a list name")
    folder_id = options.get("folder_id")
    if folder_id is not None and not str(folder_id).isdigit():
        raise DestinationError(f"the marketo destination's folder_id must be a folder's id (a number), "
                               f"got {folder_id!r}")
    campaign_id = options.get("campaign_id")
    if campaign_id is not None and not str(campaign_id).isdigit():
        raise DestinationError(f"the marketo destination's campaign_id must be a smart campaign's id (a number), "
                               f"got {campaign_id!r}")
    return MarketoDestination(str(list_name), None if folder_id is None else int(folder_id),
                              campaign_id=None if campaign_id is None else int(campaign_id))

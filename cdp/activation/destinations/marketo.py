"""The Marketo destination (``--format marketo``): a static list, kept in sync through the REST API (marketo_api.py).

New members are upserted as leads by email and added to the list; members to remove are taken off the list by the
Marketo lead id the sync log recorded when they were added. The list is found by name or, given a folder id,
created there if missing. The client's errors end the run: the daily quota, authentication and network errors stop
it (the next run sends the rest), errors that retrying cannot fix fail it.
"""

from __future__ import annotations

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
    MarketoAuthError,
    MarketoClient,
    MarketoConfig,
    MarketoConfigError,
    MarketoError,
    MarketoFatalError,
    MarketoQuotaExceeded,
)
from cdp.activation.sync_log import ADDED, FAILED, REMOVED, SUCCEEDED, MemberOutcome, SyncedMember, SyncPlan

MARKETO = "marketo"
# Marketo's answer when a lead to remove is not (or no longer) in the list: the removal has nothing left to do.
NOT_IN_LIST_CODE = "1015"


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

    name = MARKETO
    batch_size = BATCH_SIZE

    def target(self, segment: str) -> str:
        return self.list_name

    def describe(self, segment: str) -> str:
        return f"Marketo static list {self.list_name!r}"

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


@register(MARKETO)
def marketo_destination(name: str, options: Mapping[str, Any]) -> MarketoDestination:
    """Options: ``list_name`` (default: the segment's name, as a segment's declared activation may leave it out) and
    ``folder_id``, the folder to create a missing list in (without it, a missing list fails the run)."""
    list_name = options.get("list_name") or options.get("segment")
    if not list_name:
        raise DestinationError("the marketo destination needs a list name")
    folder_id = options.get("folder_id")
    if folder_id is not None and not str(folder_id).isdigit():
        raise DestinationError(f"the marketo destination's folder_id must be a folder's id (a number), "
                               f"got {folder_id!r}")
    return MarketoDestination(str(list_name), None if folder_id is None else int(folder_id))

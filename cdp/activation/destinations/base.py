"""The one interface of an activation destination, and the registry the commands find destinations in.

A run (cdp.activation.sync) hands a destination a plan (cdp.activation.sync_log.SyncPlan): the members to add and
the members to remove, keyed by their email (trimmed, lower-cased), as every destination matches people by
address. The destination sends it and yields what happened to each member (MemberOutcome), batch by batch; the run
records each batch in the sync log as it comes back, so a run stopped half-way keeps what was done and the next run
sends the rest. A destination is one of two kinds:

* BatchDestination: an API that takes members a batch at a time (a Marketo static list): implement ``session``,
  ``add`` and ``remove``; ``send`` sends the adds, then the removes, ``batch_size`` members per call, then, for a
  destination with an ``entry_request`` (a Marketo smart campaign), ``request`` for the members who entered the
  audience (the plan's ``to_request``, due from earlier runs by the sync log, and this run's successful adds of
  members not synced before): once per entry, whatever the reruns;
* a destination that writes the whole audience at once (a file) implements ``send`` itself and yields every
  outcome in one batch.

A new destination is one new module in this package (cdp.activation.destinations finds every module here): a
Destination subclass, and a factory registered with ``@register(name, ...)`` under the ``--format`` names it serves.
The factory is given the options of the command line or of an ``activation`` entry of a segment's declaration as a mapping
(``segment``, ``out``, ``list_name``, ``folder_id``, or any other key of the entry) and reads the ones it needs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from cdp.activation.audience import Audience, AudienceMember
from cdp.activation.sync_log import ADDED, SUCCEEDED, EntryRequest, MemberOutcome, SyncedMember, SyncPlan, chunks


class DestinationError(Exception):
    """The destination cannot be used as asked (an option, a segment name that is no file name); nothing was sent.
    The message says why."""


class DestinationNotConfigured(DestinationError):
    """The destination needs configuration this environment lacks (credentials); nothing was sent or logged."""


class SendStopped(Exception):
    """The destination stopped the run (a quota, authentication, the network): the batches done are recorded and
    the next run sends the rest. The message is the run's."""


class SendFailed(Exception):
    """The destination refused the run, or its file could not be written: the run failed. The message is the run's."""


class Destination(ABC):
    """Where a segment's audience is sent. ``name`` is the ``--format`` it serves, the sync log's ``destination``;
    ``grains`` the audiences it takes: 'person' (people, keyed by email), 'account' (companies, keyed by account_id)."""

    name: str
    grains: tuple[str, ...] = ("person",)

    @abstractmethod
    def target(self, segment: str) -> str:
        """What the sync log keys the destination's state by, besides its name (a list name, a file's absolute
        path); checked before the warehouse is opened, so DestinationError here costs nothing."""

    @abstractmethod
    def describe(self, segment: str) -> str:
        """The destination in words, for the reports (``Marketo static list 'Upsell'``)."""

    def check_configured(self) -> None:
        """Raise DestinationNotConfigured when this environment cannot send (checked before a run is logged)."""

    def warnings(self, audience: Audience) -> list[str]:
        """What the user should know before relying on this destination with ``audience`` (one line each): none
        by default; LinkedIn warns about an audience under its campaign minimum."""
        return []

    def file_path(self, segment: str) -> Path | None:
        """The file the destination writes for ``segment`` (as the user gave its folder), None if it sends to an API."""
        return None

    def entry_request(self) -> EntryRequest | None:
        """The request the destination sends once per member's entry into its audience, after its changes (a
        Marketo smart campaign), None if it sends none. The run plans it from the sync log (cdp.activation.sync)."""
        return None

    @abstractmethod
    def send(self, plan: SyncPlan) -> Iterator[Sequence[MemberOutcome]]:
        """Send the plan; yield each batch's outcomes (one per member sent) as soon as the batch is done. Raise
        SendStopped or SendFailed to end the run with that status; any other exception is recorded as a failed run
        and raised again."""


class BatchDestination(Destination):
    """A destination that takes members a batch at a time: the adds first, then the removes."""

    batch_size: int = 300

    @abstractmethod
    def session(self) -> AbstractContextManager[Any]:
        """A context for one run's calls (a client, the list it fills), passed to ``add`` and ``remove``."""

    @abstractmethod
    def add(self, session: Any, members: Sequence[AudienceMember]) -> list[MemberOutcome]:
        """Add one batch of members; one outcome (operation ``added``) per member."""

    @abstractmethod
    def remove(self, session: Any, members: Sequence[SyncedMember]) -> list[MemberOutcome]:
        """Remove one batch of members that were added by earlier runs; one outcome (operation ``removed``) per
        member."""

    def request(self, session: Any, members: Sequence[SyncedMember]) -> Iterator[Sequence[MemberOutcome]]:
        """Send the entry request for members on the destination (``destination_member_id`` set); yield one outcome
        per member (``request=True``, operation ``added``) batch by batch. Only a destination with an
        ``entry_request`` is asked."""
        raise NotImplementedError(f"{type(self).__name__} has no entry request")

    def send(self, plan: SyncPlan) -> Iterator[Sequence[MemberOutcome]]:
        with self.session() as session:
            entered: list[SyncedMember] = []  # this run's successful adds that are entries: requested below
            for batch in chunks(plan.to_add, self.batch_size):
                outcomes = self.add(session, batch)
                entered += [SyncedMember(o.email_key, o.person_id, o.destination_member_id) for o in outcomes
                            if o.operation == ADDED and o.status == SUCCEEDED and o.email_key in plan.entering]
                yield outcomes
            for batch in chunks(plan.to_remove, self.batch_size):
                yield self.remove(session, batch)
            if plan.request is not None and (plan.to_request or entered):
                yield from self.request(session, [*plan.to_request, *entered])


Factory = Callable[[str, Mapping[str, Any]], Destination]
FACTORIES: dict[str, Factory] = {}  # --format name -> factory; filled by the modules of this package


def register(*names: str) -> Callable[[Factory], Factory]:
    """Register the decorated factory ``(name, options) -> Destination`` under each of ``names``."""

    def decorate(factory: Factory) -> Factory:
        for name in names:
            if name in FACTORIES:
                raise ValueError(f"destination {name!r} is registered twice")
            FACTORIES[name] = factory
        return factory

    return decorate

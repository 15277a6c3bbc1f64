"""The one interface of an activation destination, and the registry the commands find destinations in.

A run (cdp.activation.sync) hands a destination a plan (cdp.activation.sync_log.SyncPlan): the members to add and
the members to remove, keyed by their email (trimmed, lower-cased), as every destination matches people by
address. The destination sends it and yields what happened to each member (MemberOutcome), batch by batch; the run
records each batch in the sync log as it comes back, so a run stopped half-way keeps what was done and the next run
sends the rest. A destination is one of two kinds:

* BatchDestination: an API that takes members a batch at a time (a Marketo static list): implement ``session``,
  ``add`` and ``remove``; ``send`` sends the adds, then the removes, ``batch_size`` members per call;
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

from cdp.activation.audience import AudienceMember
from cdp.activation.sync_log import MemberOutcome, SyncedMember, SyncPlan, chunks


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

    def file_path(self, segment: str) -> Path | None:
        """The file the destination writes for ``segment`` (as the user gave its folder), None if it sends to an API."""
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

    def send(self, plan: SyncPlan) -> Iterator[Sequence[MemberOutcome]]:
        with self.session() as session:
            for batch in chunks(plan.to_add, self.batch_size):
                yield self.add(session, batch)
            for batch in chunks(plan.to_remove, self.batch_size):
                yield self.remove(session, batch)


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

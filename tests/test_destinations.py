"""The destination interface (cdp/activation/destinations/base.py) and its registry: what a new destination module
implements, and what a run (cdp/activation/sync.py) does with it, on a tiny hand-built warehouse."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from cdp.activation import destinations
from cdp.activation.destinations.base import BatchDestination, DestinationError, SendStopped
from cdp.activation.destinations.files import FileDestination
from cdp.activation.destinations.marketo import MarketoDestination
from cdp.activation.sync import run
from cdp.activation.sync_log import ADDED, REMOVED, SUCCEEDED, MemberOutcome

SEGMENT = "seg_test"


def warehouse_with(path: Path, emails: list[str]) -> str:
    """A warehouse whose segment seg_test has these marketable members (only what a sync reads)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists segments; create schema if not exists activation")
        con.execute("create or replace table segments.segment_membership"
                    " (segment_name varchar, person_id varchar, email varchar, is_marketable boolean,"
                    " assignment varchar)")
        con.execute("create or replace table activation.activation_audience_members (segment_name varchar,"
                    " person_id varchar, email varchar, email_key varchar, first_name varchar, last_name varchar,"
                    " company_name varchar, job_title varchar, country varchar)")
        for email in emails:
            con.execute("insert into segments.segment_membership values (?, ?, ?, true, 'member')",
                        [SEGMENT, email, email])
            con.execute("insert into activation.activation_audience_members values (?, ?, ?, ?, '', '', '', '', '')",
                        [SEGMENT, email, email, email.lower()])
    return str(path)


@dataclass(frozen=True)
class RecordingDestination(BatchDestination):
    """A destination that only remembers the calls it got (a stand-in for a new API destination)."""

    stop_after_batches: int | None = None
    calls: list[tuple[str, list[str]]] = field(default_factory=list)

    name = "recording"
    batch_size = 2

    def target(self, segment: str) -> str:
        return f"audience {segment}"

    def describe(self, segment: str) -> str:
        return f"recording of {segment}"

    @contextmanager
    def session(self) -> Iterator[list]:
        yield self.calls

    def _call(self, session: list, operation: str, keys: list[str]) -> None:
        if self.stop_after_batches is not None and len(session) == self.stop_after_batches:
            raise SendStopped("the recording's quota is used up: rerun tomorrow")
        session.append((operation, keys))

    def add(self, session: list, members: Sequence) -> list[MemberOutcome]:
        self._call(session, ADDED, [m.key for m in members])
        return [MemberOutcome(m.key, m.person_id, ADDED, SUCCEEDED) for m in members]

    def remove(self, session: list, members: Sequence) -> list[MemberOutcome]:
        self._call(session, REMOVED, [m.email_key for m in members])
        return [MemberOutcome(m.email_key, m.person_id, REMOVED, SUCCEEDED) for m in members]


def test_the_registry_names_every_format_and_makes_its_destination(tmp_path):
    assert destinations.names() == ["csv", "linkedin", "linkedin-csv", "marketo", "marketo-csv", "parquet"]

    made = destinations.create("linkedin-csv", {"segment": SEGMENT, "out": str(tmp_path)})
    assert made == FileDestination("linkedin-csv", str(tmp_path))
    assert made.file_path(SEGMENT) == tmp_path / f"{SEGMENT}.linkedin.csv"
    # a segment's meta.activation may leave the Marketo list's name out: the list is named as the segment
    assert destinations.create("marketo", {"segment": SEGMENT}) == MarketoDestination(SEGMENT)
    assert destinations.create("marketo", {"segment": SEGMENT, "list_name": "L", "folder_id": "7"}) \
        == MarketoDestination("L", 7)
    with pytest.raises(DestinationError, match="unknown destination 'tiktok'"):
        destinations.create("tiktok", {"segment": SEGMENT})


def test_a_batch_destination_gets_the_adds_then_the_removes_in_batches(tmp_path):
    # GIVEN a destination synced with five members, three of whom then leave
    warehouse = warehouse_with(tmp_path / "w.duckdb", ["a@x.example", "b@x.example", "c@x.example", "d@x.example",
                                                       "e@x.example"])
    destination = RecordingDestination()
    run(SEGMENT, destination, warehouse)
    warehouse_with(tmp_path / "w.duckdb", ["a@x.example", "b@x.example", "f@x.example"])

    # WHEN it syncs again
    _, result = run(SEGMENT, destination, warehouse)

    # THEN it got every add in batches of batch_size, then the removes, and the run counted each member
    assert destination.calls == [
        (ADDED, ["a@x.example", "b@x.example"]), (ADDED, ["c@x.example", "d@x.example"]), (ADDED, ["e@x.example"]),
        (ADDED, ["f@x.example"]), (REMOVED, ["c@x.example", "d@x.example"]), (REMOVED, ["e@x.example"]),
    ]
    assert (result.status, result.counts.added, result.counts.removed, result.plan.unchanged) == ("succeeded", 1, 3, 2)


def test_a_destination_that_stops_keeps_the_batches_done_for_the_next_run(tmp_path):
    # GIVEN five new members and a destination that stops after two batches
    warehouse = warehouse_with(tmp_path / "w.duckdb", [f"{name}@x.example" for name in "abcde"])

    _, stopped = run(SEGMENT, RecordingDestination(stop_after_batches=2), warehouse)

    # THEN the run stopped with the destination's message, the two batches done recorded, and a rerun sends the rest
    assert (stopped.status, stopped.message) == ("stopped", "the recording's quota is used up: rerun tomorrow")
    assert (stopped.counts.added, stopped.not_attempted) == (4, 1)
    rerun = RecordingDestination()
    _, finished = run(SEGMENT, rerun, warehouse)
    assert rerun.calls == [(ADDED, ["e@x.example"])] and finished.status == "succeeded"

"""File destinations: the whole audience in a file, replaced atomically (``--format marketo-csv``, ``linkedin-csv``,
``csv``, ``parquet``).

The pieces are kept apart so each can be used and tested on its own:

* a format writer (one function per format, registered in ``FORMATS`` with its file name suffix) turns the audience
  into a file;
* ``replace_atomically`` / ``write_atomically`` put it on disk so that readers never see a half-written file;
* ``export_segment`` reads a segment's audience and writes it, without the sync log; ``FileDestination`` is the same
  as an activation destination: each run writes the whole audience, so it adds and removes every planned member at
  once (the sync log still tells what changed since the last export).

Adding a format means writing one ``write_<format>(audience, stream)`` function, adding it to ``FORMATS`` with its
suffix and to the names ``register`` takes below.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import duckdb

from cdp.activation.audience import Audience, read_audience
from cdp.activation.destinations.base import Destination, DestinationError, SendFailed, register
from cdp.activation.sync_log import ADDED, REMOVED, SUCCEEDED, MemberOutcome, SyncPlan
from cdp.warehouse.sql import quote_identifier

log = logging.getLogger(__name__)

DEFAULT_OUT_DIR = "out"


def _field(value: object) -> str:
    """A value as a CSV field: null is empty."""
    return "" if value is None else str(value)


# --------------------------------------------------------------------------------------------
# Formats: one writer function each, registered in FORMATS
# --------------------------------------------------------------------------------------------

MARKETO_HEADER = ("Email Address", "First Name", "Last Name", "Company Name", "Job Title")


def write_marketo_csv(audience: Audience, stream: TextIO) -> None:
    """A Marketo static-list import file: header then one row per member (stream opened with newline="")."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(MARKETO_HEADER)
    for member in audience.members:
        writer.writerow((member.email, member.first_name, member.last_name, member.company_name, member.title))


# The person columns of the LinkedIn, csv and parquet files (LinkedIn gets the email as its hash).
MEMBER_COLUMNS = ("email", "first_name", "last_name", "company_name", "job_title", "country")
LINKEDIN_HEADER = MEMBER_COLUMNS


def hashed_email(email: str) -> str:
    """SHA-256 (lower-case hex) of the trimmed, lower-cased address, as LinkedIn Matched Audiences take it."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def write_linkedin_csv(audience: Audience, stream: TextIO) -> None:
    """A LinkedIn Matched Audiences contact list: the email only as its SHA-256 hash, never in plain text."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(LINKEDIN_HEADER)
    for member in audience.members:
        writer.writerow((
            hashed_email(member.email), member.first_name, member.last_name, member.company_name, member.title,
            member.country,
        ))


ACCOUNT_COLUMNS = ("account_id", "account_name", "domain", "country")


def write_members_csv(audience: Audience, stream: TextIO) -> None:
    """Every marketable member with the person's traits (person_traits), for any other tool; for an account audience,
    every member account with its name, domain and country."""
    if audience.grain == "account":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(ACCOUNT_COLUMNS)
        writer.writerows((m.account_id, m.account_name, m.domain, m.country) for m in audience.members)
        return
    trait_names = list(audience.trait_types)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*MEMBER_COLUMNS, *trait_names])
    for member in audience.members:
        writer.writerow([
            member.email, member.first_name, member.last_name, member.company_name, member.title, member.country,
            *(_field(member.traits.get(name)) for name in trait_names),
        ])


def write_members_parquet(audience: Audience, path: Path) -> None:
    """Every marketable member with their traits as Parquet, traits keeping their warehouse types."""
    columns = [(name, "VARCHAR") for name in MEMBER_COLUMNS] + list(audience.trait_types.items())
    with duckdb.connect() as con:
        definitions = ", ".join(f"{quote_identifier(name)} {kind}" for name, kind in columns)
        con.execute(f"create table members ({definitions})")
        rows = [
            (m.email, m.first_name, m.last_name, m.company_name, m.title, m.country,
             *(m.traits.get(name) for name in audience.trait_types))
            for m in audience.members
        ]
        if rows:
            con.executemany(f"insert into members values ({', '.join('?' for _ in columns)})", rows)
        con.execute("copy members to ? (format parquet)", [path.as_posix()])


@dataclass(frozen=True)
class ExportFormat:
    """A file format: the suffix of its file name, and its writer (to a text stream, or to a file for binary ones)."""

    suffix: str  # appended to the segment name to make the file name
    write: Callable[[Audience, TextIO], None] | None = None  # text formats write to a stream
    write_file: Callable[[Audience, Path], None] | None = None  # binary formats write a file


FORMATS: dict[str, ExportFormat] = {
    "marketo-csv": ExportFormat(suffix=".marketo.csv", write=write_marketo_csv),
    "linkedin-csv": ExportFormat(suffix=".linkedin.csv", write=write_linkedin_csv),
    "csv": ExportFormat(suffix=".members.csv", write=write_members_csv),
    "parquet": ExportFormat(suffix=".members.parquet", write_file=write_members_parquet),
}


# --------------------------------------------------------------------------------------------
# Writing files
# --------------------------------------------------------------------------------------------


def _default_file_mode() -> int:
    """The mode a plain open() would give a new file (temp files are created 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def replace_atomically(path: str | os.PathLike, write_file: Callable[[Path], None]) -> Path:
    """Have ``write_file`` write a temp file in the target's directory, then os.replace it onto ``path``.

    If anything fails, the temp file is removed, the error propagates and any previous file at ``path`` is left
    as it was: readers never see a half-written file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(descriptor)
    temp = Path(name)
    try:
        write_file(temp)
        os.chmod(temp, _default_file_mode())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    log.debug("wrote %s", target)
    return target


def write_atomically(path: str | os.PathLike, write: Callable[[TextIO], None]) -> Path:
    """Write a text file atomically (see replace_atomically), creating the directory."""

    def write_text(temp: Path) -> None:
        with open(temp, "w", encoding="utf-8", newline="") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())

    return replace_atomically(path, write_text)


def output_path(out_dir: str | os.PathLike, segment: str, format_name: str) -> Path:
    """The file ``format_name`` writes for ``segment`` in ``out_dir``; DestinationError for a segment name that is not
    a file name."""
    if not segment or segment.startswith(".") or "/" in segment or "\\" in segment or "\0" in segment:
        raise DestinationError(f"segment name {segment!r} cannot be used as a file name")
    return Path(out_dir) / f"{segment}{FORMATS[format_name].suffix}"


def write_audience(format_name: str, audience: Audience, path: str | os.PathLike) -> Path:
    """Write ``audience`` in ``format_name`` to ``path``, atomically; returns the path."""
    export_format = FORMATS[format_name]
    if export_format.write_file is not None:
        return replace_atomically(path, lambda temp: export_format.write_file(audience, temp))
    return write_atomically(path, lambda stream: export_format.write(audience, stream))


def export_segment(
    segment: str,
    format_name: str,
    out_dir: str | os.PathLike,
    warehouse: str | os.PathLike | None = None,
    dry_run: bool = False,
) -> tuple[Path, Audience]:
    """Read the segment's audience and write it in ``format_name``; returns the file (to be) written and the
    audience. With ``dry_run`` nothing is written."""
    if format_name not in FORMATS:
        raise DestinationError(f"unknown format {format_name!r}; known formats: {', '.join(sorted(FORMATS))}")
    target = output_path(out_dir, segment, format_name)  # checked before the warehouse is opened
    audience = read_audience(segment, warehouse)
    if dry_run:
        return target, audience
    return write_audience(format_name, audience, target), audience


# --------------------------------------------------------------------------------------------
# The destination
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileDestination(Destination):
    """A file with the whole audience: writing it adds and removes every planned member at once."""

    format_name: str
    out_dir: str

    @property
    def name(self) -> str:
        return self.format_name

    @property
    def grains(self) -> tuple[str, ...]:
        """csv also writes an account audience (account name, domain, country); the others are about people."""
        return ("person", "account") if self.format_name == "csv" else ("person",)

    def target(self, segment: str) -> str:
        return str(output_path(self.out_dir, segment, self.format_name).resolve())

    def describe(self, segment: str) -> str:
        return f"{self.format_name} file {output_path(self.out_dir, segment, self.format_name)}"

    def file_path(self, segment: str) -> Path:
        return output_path(self.out_dir, segment, self.format_name)

    def send(self, plan: SyncPlan) -> Iterator[Sequence[MemberOutcome]]:
        try:
            write_audience(self.format_name, plan.audience, plan.target)
        except OSError as error:
            raise SendFailed(f"cannot write the file: {error}") from error
        outcomes = [MemberOutcome(m.key, m.person_id, ADDED, SUCCEEDED) for m in plan.to_add]
        outcomes += [MemberOutcome(m.email_key, m.person_id, REMOVED, SUCCEEDED) for m in plan.to_remove]
        yield outcomes


@register("marketo-csv", "linkedin-csv", "csv", "parquet")
def file_destination(name: str, options: Mapping[str, Any]) -> FileDestination:
    """Options: ``out``, the folder to write into (default: out)."""
    return FileDestination(name, str(options.get("out") or DEFAULT_OUT_DIR))

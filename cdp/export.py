"""Export a segment's marketable members as an import file for an activation tool.

The pieces are kept apart so each can be used and tested on its own:

* ``fetch_audience`` reads a segment's members from the warehouse (no files touched);
* a format writer (one function per format, registered in ``FORMATS``) turns the rows into text;
* ``write_atomically`` puts that text on disk so that readers never see a half-written file;
* ``export_segment`` ties the three together; the command line (and the sync log) is cdp.activation.

Adding a format means writing one ``write_<format>(audience, stream)`` function and adding it to
``FORMATS`` with the file name suffix it uses.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import duckdb

from cdp.sql import quote_identifier
from cdp.text_table import format_table
from cdp.warehouse import connect, table_exists, warehouse_path

log = logging.getLogger(__name__)

MEMBERSHIP_TABLE = ("segments", "segment_membership")
SENDABLE_TABLE = ("activation", "activation_audience_members")
TRAITS_TABLE = ("marts", "person_traits")
DEFAULT_OUT_DIR = "out"
MAX_LISTED_EMAILS = 20

# The members activation may send (the dbt model activation_audience_members applies consent), sorted by email,
# with the person's row of person_traits where the warehouse has it (for the csv and parquet formats).
AUDIENCE_QUERY = """
select
    m.person_id,
    m.email,
    m.first_name,
    m.last_name,
    m.company_name,
    m.job_title,
    m.country{traits}
from activation.activation_audience_members as m
{joins}
where m.segment_name = ?
order by m.email_key, m.person_id
"""
# Who the segment has that activation leaves out, and why.
LEFT_OUT_QUERY = """
select
    count(*) filter (where not coalesce(is_marketable, false)) as not_marketable,
    count(*) filter (where coalesce(is_marketable, false) and coalesce(trim(email), '') = '') as without_email
from segments.segment_membership
where segment_name = ?
"""
MEMBER_FIELDS = 7  # the columns of AUDIENCE_QUERY before the traits


def audience_query(con: duckdb.DuckDBPyConnection) -> str:
    """The audience query, with the traits where the warehouse has them."""
    joins, traits = "", ""
    if table_exists(con, *TRAITS_TABLE):
        joins = "left join marts.person_traits as t on t.person_id = m.person_id"
        traits = ",\n    t.* exclude (person_id, email, is_marketable, company_name)"
    return AUDIENCE_QUERY.format(traits=traits, joins=joins)


class ExportError(Exception):
    """A problem the user can act on; the message says what is wrong (and, when known, what to do)."""


@dataclass(frozen=True)
class AudienceMember:
    email: str
    first_name: str
    last_name: str
    company_name: str
    title: str
    country: str = ""
    traits: dict[str, object] = field(default_factory=dict, compare=False)
    person_id: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        """How destinations and the sync log match members: the address trimmed and lower-cased."""
        return self.email.strip().lower()


@dataclass(frozen=True)
class Audience:
    """The marketable members of one segment (sorted by email) and how many members were left out."""

    segment: str
    members: list[AudienceMember] = field(default_factory=list)
    not_marketable: int = 0
    without_email: int = 0
    trait_types: dict[str, str] = field(default_factory=dict)  # trait column -> DuckDB type, in order


# --------------------------------------------------------------------------------------------
# Reading the warehouse
# --------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value)


def known_segments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Segments the warehouse defines: the segment models (tables ``segments.seg_*``) and any name in the membership.

    A segment can be known and empty (nobody qualifies today); that is not an error.
    """
    rows = con.execute(
        "select table_name from information_schema.tables"
        " where table_schema = 'segments' and table_name like 'seg\\_%' escape '\\'"
        " union select distinct segment_name from segments.segment_membership where segment_name is not null"
        " order by 1"
    ).fetchall()
    return [row[0] for row in rows]


def fetch_audience(con: duckdb.DuckDBPyConnection, segment: str) -> Audience:
    """Read the members of ``segment`` that activation may send (marketable, with an email) and count the others.

    Raises ExportError if the warehouse has not been built, the segment is unknown, or two members share an email.
    """
    for schema, table in (MEMBERSHIP_TABLE, SENDABLE_TABLE):
        if not table_exists(con, schema, table):
            raise ExportError(f"the warehouse has no table {schema}.{table}: run dbt build first")

    try:
        cursor = con.execute(audience_query(con), [segment])
        trait_types = {column[0]: str(column[1]) for column in cursor.description[MEMBER_FIELDS:]}
        rows = cursor.fetchall()
        not_marketable, without_email = con.execute(LEFT_OUT_QUERY, [segment]).fetchone()
    except duckdb.Error as error:  # e.g. a column the contract promises is missing
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(f"cannot read segment {segment!r} from the warehouse: {first_line}") from error

    if not rows and not not_marketable and not without_email:
        known = known_segments(con)
        if segment not in known:
            listed = ", ".join(known) if known else "(none: the warehouse defines no segment)"
            raise ExportError(f"unknown segment {segment!r}; known segments: {listed}")

    members = [
        AudienceMember(
            email=str(email),
            first_name=_text(first_name),
            last_name=_text(last_name),
            company_name=_text(company_name),
            title=_text(title),
            country=_text(country),
            traits=dict(zip(trait_types, traits)),
            person_id=str(person_id),
        )
        for person_id, email, first_name, last_name, company_name, title, country, *traits in rows
    ]
    if without_email:
        log.warning("segment %s: %d marketable member(s) without an email left out", segment, without_email)

    duplicated = sorted(key for key, count in Counter(m.key for m in members).items() if count > 1)
    if duplicated:  # every destination keys people by email: two members with one email would merge or clash
        shown = ", ".join(duplicated[:3]) + (f" and {len(duplicated) - 3} more" if len(duplicated) > 3 else "")
        raise ExportError(
            f"segment {segment!r} has {len(duplicated)} email(s) shared by several members ({shown}): "
            "nothing was sent; see marts.person_identity_map for the records behind them"
        )
    log.debug(
        "segment %s: %d to send, %d not marketable, %d without email",
        segment, len(members), not_marketable, without_email,
    )
    return Audience(segment, members, int(not_marketable or 0), int(without_email or 0), trait_types)


def read_audience(segment: str, warehouse: str | os.PathLike | None = None) -> Audience:
    """Open the warehouse read-only and fetch ``segment``'s audience (WarehouseError if the file is missing)."""
    path = warehouse_path(warehouse)
    log.debug("reading segment %s from %s", segment, path)
    con = connect(path, read_only=True)
    try:
        return fetch_audience(con, segment)
    finally:
        con.close()


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


def write_members_csv(audience: Audience, stream: TextIO) -> None:
    """Every marketable member with the person's traits (person_traits), for any other tool."""
    trait_names = list(audience.trait_types)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*MEMBER_COLUMNS, *trait_names])
    for member in audience.members:
        writer.writerow([
            member.email, member.first_name, member.last_name, member.company_name, member.title, member.country,
            *(_text(member.traits.get(name)) for name in trait_names),
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
    if not segment or segment.startswith(".") or "/" in segment or "\\" in segment or "\0" in segment:
        raise ExportError(f"segment name {segment!r} cannot be used as a file name")
    return Path(out_dir) / f"{segment}{FORMATS[format_name].suffix}"


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
        raise ExportError(f"unknown format {format_name!r}; known formats: {', '.join(sorted(FORMATS))}")
    target = output_path(out_dir, segment, format_name)  # checked before the warehouse is opened
    audience = read_audience(segment, warehouse)
    if dry_run:
        return target, audience
    export_format = FORMATS[format_name]
    if export_format.write_file is not None:
        written = replace_atomically(target, lambda temp: export_format.write_file(audience, temp))
    else:
        written = write_atomically(target, lambda stream: export_format.write(audience, stream))
    return written, audience


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def format_report(path: Path, audience: Audience, dry_run: bool = False) -> str:
    """What the command prints: the file, the counts and, for a small audience, who is in it."""
    count = len(audience.members)
    lines = [
        f"dry run: would write {path} (nothing was written)" if dry_run else f"wrote {path}",
        f"segment:                      {audience.segment}",
        f"rows {'to write' if dry_run else 'written'}:{' ' * (16 if dry_run else 17)}{count}",
        f"left out (not marketable):    {audience.not_marketable}",
    ]
    if audience.without_email:
        lines.append(f"left out (no email):          {audience.without_email}")
    if count == 0:
        lines.append("the segment has no marketable members: the file has the header only")
    elif count <= MAX_LISTED_EMAILS:
        table = [("email", "name", "company")] + [
            (m.email, f"{m.first_name} {m.last_name}".strip(), m.company_name) for m in audience.members
        ]
        lines.append("")
        lines += format_table(table, indent="  ")
    else:
        lines.append(f"(more than {MAX_LISTED_EMAILS} rows: see the file for the emails)")
    return "\n".join(lines)

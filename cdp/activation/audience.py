"""A segment's audience: the members activation may send, read from the warehouse.

``fetch_audience`` reads them from an open connection, ``read_audience`` opens the warehouse read-only for it.

* A person segment's audience is people (AudienceMember): the rows of the dbt model
  activation.activation_audience_members (consent and suppression are applied there: marketable members with an
  email, never the split's holdout), sorted by email, with each person's row of marts.person_traits where the
  warehouse has it. Members are keyed by their email (trimmed, lower-cased), as every destination matches people by
  address, so two members with one email refuse the audience.
* An account segment's audience is accounts (AccountMember): the accounts its table assigns 'member' (never the
  holdout, nor a suppressed account), with their name, domain and country from marts.dim_accounts, keyed by
  account_id. Destinations that take accounts (Destination.grains) send them as companies.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field

from cdp.warehouse.connection import QueryError, Warehouse, connect

log = logging.getLogger(__name__)

MEMBERSHIP_TABLE = ("segments", "segment_membership")
SENDABLE_TABLE = ("activation", "activation_audience_members")
TRAITS_TABLE = ("marts", "person_traits")

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
# Who the segment has that activation leaves out, and why: members not marketable or without an email, and the
# split's holdout (never sent).
LEFT_OUT_QUERY = """
select
    count(*) filter (where assignment = 'member' and not coalesce(is_marketable, false)) as not_marketable,
    count(*) filter (
        where assignment = 'member' and coalesce(is_marketable, false) and coalesce(trim(email), '') = ''
    ) as without_email,
    count(*) filter (where assignment = 'holdout') as held_out
from segments.segment_membership
where segment_name = ?
"""


# The columns of marts.person_traits that the audience's own columns already give.
TRAITS_NOT_SELECTED = ("person_id", "email", "is_marketable", "company_name")


def audience_traits(con: Warehouse) -> dict[str, str]:
    """The traits the audience carries (column -> type as DuckDB writes it), in order; none where the warehouse
    has no marts.person_traits."""
    if not con.table_exists(*TRAITS_TABLE):
        return {}
    return {name: kind for name, kind in con.columns(*TRAITS_TABLE).items() if name not in TRAITS_NOT_SELECTED}


def audience_query(con: Warehouse, traits: dict[str, str]) -> str:
    """The audience query, with ``traits`` (audience_traits) from marts.person_traits."""
    if not traits:
        return AUDIENCE_QUERY.format(traits="", joins="")
    return AUDIENCE_QUERY.format(
        joins="left join marts.person_traits as t on t.person_id = m.person_id",
        traits="".join(f",\n    t.{con.quote(name)}" for name in traits))


class AudienceError(Exception):
    """The audience cannot be read; the message says what is wrong (and, when known, what to do)."""


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

    @property
    def label(self) -> str:
        """The member for people: their email."""
        return self.email


@dataclass(frozen=True)
class AccountMember:
    """An account of an account segment's audience, keyed by its unified account_id."""

    account_id: str
    account_name: str
    domain: str
    country: str = ""
    person_id: None = field(default=None, compare=False)  # an account is nobody: the sync log's person_id is empty

    @property
    def key(self) -> str:
        return self.account_id

    @property
    def label(self) -> str:
        """The account for people: its name and domain."""
        return f"{self.account_name} ({self.domain})" if self.domain else self.account_name


@dataclass(frozen=True)
class Audience:
    """The members of one segment that may be sent (people sorted by email, or accounts by id) and how many
    assigned ones were left out. ``grain`` says which: 'person' or 'account'."""

    segment: str
    members: list[AudienceMember | AccountMember] = field(default_factory=list)
    not_marketable: int = 0
    without_email: int = 0
    trait_types: dict[str, str] = field(default_factory=dict)  # trait column -> DuckDB type, in order
    held_out: int = 0  # the split's holdout: assigned to the segment, never sent
    grain: str = "person"


# --------------------------------------------------------------------------------------------
# Reading the warehouse
# --------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value)


def known_segments(con: Warehouse) -> list[str]:
    """Segments the warehouse defines: the segment models (tables ``segments.seg_*``) and any name in the membership.

    A segment can be known and empty (nobody qualifies today); that is not an error.
    """
    defined = {name for name in con.tables("segments") if name.startswith("seg_")}
    if con.table_exists(*MEMBERSHIP_TABLE):
        defined |= {name for (name,) in con.fetchall(
            "select distinct segment_name from segments.segment_membership where segment_name is not null")}
    rows = [(name,) for name in sorted(defined)]
    return [row[0] for row in rows]


DEFINITIONS_TABLE = ("segments", "segment_definitions")
# An account segment's members: the accounts its table assigns 'member', with their attributes.
ACCOUNT_AUDIENCE_QUERY = """
select
    s.account_id,
    coalesce(a.account_name, '') as account_name,
    coalesce(a.domain, '') as domain,
    coalesce(a.country, '') as country
from {relation} as s
left join marts.dim_accounts as a on a.account_id = s.account_id
where s.assignment = 'member'
order by s.account_id
"""


def segment_grain(con: Warehouse, segment: str) -> tuple[str, str | None]:
    """(grain, the segment's table as schema.table) from segments.segment_definitions; ('person', None) when the
    warehouse does not say (a warehouse built before segments had a grain)."""
    if not con.table_exists(*DEFINITIONS_TABLE):
        return "person", None
    found = con.execute("select segment_grain, segment_relation from segments.segment_definitions"
                        " where segment_name = ? limit 1", [segment]).fetchone()
    return (found[0], found[1]) if found else ("person", None)


def fetch_account_audience(con: Warehouse, segment: str, relation: str) -> Audience:
    """The member accounts of an account segment (its table ``relation``, schema.table), and its holdout count."""
    quoted = ".".join(con.quote(part) for part in relation.split(".", 1))
    try:
        rows = con.execute(ACCOUNT_AUDIENCE_QUERY.format(relation=quoted)).fetchall()
        [(held_out,)] = con.execute(f"select count(*) from {quoted} where assignment = 'holdout'").fetchall()
    except QueryError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise AudienceError(f"cannot read segment {segment!r} from the warehouse: {first_line}") from error
    members = [AccountMember(*row) for row in rows]
    log.debug("segment %s: %d accounts to send, %d held out", segment, len(members), held_out)
    return Audience(segment, members, held_out=int(held_out or 0), grain="account")


def fetch_audience(con: Warehouse, segment: str) -> Audience:
    """Read the members of ``segment`` that activation may send and count the others: people (marketable, with an
    email) for a person segment, accounts for an account segment.

    Raises AudienceError if the warehouse has not been built, the segment is unknown, or two members share an email.
    """
    grain, relation = segment_grain(con, segment)
    if grain == "account" and relation:
        return fetch_account_audience(con, segment, relation)
    for schema, table in (MEMBERSHIP_TABLE, SENDABLE_TABLE):
        if not con.table_exists(schema, table):
            raise AudienceError(f"the warehouse has no table {schema}.{table}: run dbt build first")

    try:
        trait_types = audience_traits(con)
        rows = con.fetchall(audience_query(con, trait_types), [segment])
        not_marketable, without_email, held_out = con.fetchone(LEFT_OUT_QUERY, [segment])
    except QueryError as error:  # e.g. a column the contract promises is missing
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise AudienceError(f"cannot read segment {segment!r} from the warehouse: {first_line}") from error

    if not rows and not not_marketable and not without_email and not held_out:
        known = known_segments(con)
        if segment not in known:
            listed = ", ".join(known) if known else "(none: the warehouse defines no segment)"
            raise AudienceError(f"unknown segment {segment!r}; known segments: {listed}")

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
        raise AudienceError(
            f"segment {segment!r} has {len(duplicated)} email(s) shared by several members ({shown}): "
            "nothing was sent; see marts.person_identity_map for the records behind them"
        )
    log.debug(
        "segment %s: %d to send, %d not marketable, %d without email",
        segment, len(members), not_marketable, without_email,
    )
    return Audience(segment, members, int(not_marketable or 0), int(without_email or 0), trait_types,
                    int(held_out or 0))


def read_audience(segment: str, warehouse: str | os.PathLike | None = None) -> Audience:
    """Open the warehouse read-only and fetch ``segment``'s audience (WarehouseError if the file is missing)."""
    con = connect(warehouse, read_only=True)
    log.debug("reading segment %s from %s", segment, con.location)
    try:
        return fetch_audience(con, segment)
    finally:
        con.close()

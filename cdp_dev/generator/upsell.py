"""The expected members of seg_new_product_upsell in a base set, stated from the world model and the rows the
generator writes (the tests compare them with what the project builds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from cdp_dev.generator.activities import read_email_names
from cdp_dev.generator.session import Session, literal
from cdp_dev.generator.settings import (
    DEFAULT_ACTIVITIES_PER_PERSON,
    NEW_PRODUCT_PATH,
    UPSELL_WINDOW_DAYS,
    US_PER_DAY,
    GeneratorError,
    epoch_us,
    make_settings,
    parse_end,
)
from cdp_dev.generator.tables import base_tables
from cdp_dev.generator.world import build_world

# Dirty kinds of a person record's address (README "Data quality"): the first two are read as no address at all.
NO_ADDRESS_KINDS = ("invalid_email", "placeholder_email")
ADDRESS_KINDS = NO_ADDRESS_KINDS + ("role_mailbox",)


@dataclass(frozen=True)
class UpsellExpectation:
    """Who the world model says is in seg_new_product_upsell at `as_of`: persons with a Marketo lead that has a
    new-product page visit in the UPSELL_WINDOW_DAYS up to as_of (a planted visit of a g_target person or a visit
    of the ordinary page mix, as written: no dirty lead id, time or URL), at an account with over $1M won
    (g_big_key): their lead's company or their contact's account is one of its source accounts, or an active
    account-contact relation of their contact points at one.

    `members`: Marketo lead id (one lead per person) -> the email the warehouse shows for the person (trimmed,
    lower-case). `unsure`: lead ids of persons the world model cannot decide without the project's own rules
    (identity resolution, survivorship, relation rules): visitors whose lead carries a dirty address, or whose
    other records carry another address; whose membership rests on a contact that may not be linked to the lead;
    or who are at an account with over $1M but related to it only through a deal role or an email domain. The
    members whose lead is not in `unsure` are exactly `members`.
    """

    members: dict[str, str]
    unsure: frozenset[str]


def _upsell_sql(tables: dict[tuple[str, str], str], as_of_us: int) -> str:
    """SQL over the world model and the generated rows (`tables`): per visitor of the new product page in the
    window, (lead id, the lead's address, the address is the person's for sure, big account by the lead, big
    account by the contact, the contact is linked by the address, at a big account at all)."""
    window = f"g_ts({as_of_us - UPSELL_WINDOW_DAYS * US_PER_DAY}) and g_ts({as_of_us})"
    no_address, address_kinds = (", ".join(literal(kind) for kind in kinds)
                                 for kinds in (NO_ADDRESS_KINDS, ADDRESS_KINDS))
    big = "in (select source_id from big_sources)"
    return f"""
        with qualifying as (
            select distinct lead_id
            from ({tables['marketo', 'activity_visit_webpage']})
            where lower(webpage_url) like '%{NEW_PRODUCT_PATH}%' and activity_date between {window}
        ),
        big_sources as (
            select sa.source_id, sa.a from g_source_account as sa inner join g_big_key using (unified_key)
        ),
        visitors as (
            select p, a, lead_id, contact_id, sflead_id from g_person where lead_id in (select lead_id from qualifying)
        ),
        records as (
            select v.p, 'lead' as record, lower(trim(r.email)) as address, coalesce(r._dirt, '') as dirt,
                r._fivetran_active and r.external_company_id {big} as at_big
            from visitors as v inner join ({tables['marketo', 'lead']}) as r on r.id = v.lead_id
            union all
            select v.p, 'contact', lower(trim(r.email)), coalesce(r._dirt, ''),
                r._fivetran_active and r.is_deleted is not true and r.account_id {big}
            from visitors as v inner join ({tables['salesforce', 'contact']}) as r on r.id = v.contact_id
            union all
            select v.p, 'salesforce lead', lower(trim(r.email)), coalesce(r._dirt, ''), false
            from visitors as v inner join ({tables['salesforce', 'lead']}) as r on r.id = v.sflead_id
        ),
        related as (
            select distinct v.p
            from visitors as v
            inner join ({tables['salesforce', 'account_contact_relation']}) as r on r.contact_id = v.contact_id
            where r.is_active and r.is_deleted is not true and r.account_id {big}
        ),
        leads as (
            select p, any_value(address) as address,
                count(distinct address) = 1 and bool_and(dirt not in ({address_kinds})) as is_clean,
                bool_or(at_big) as at_big
            from records
            where record = 'lead'
            group by p
        ),
        checks as (
            select r.p,
                bool_and(r.address = l.address or r.dirt in ({no_address})) as one_address,
                bool_or(r.record = 'contact' and r.at_big) as contact_at_big,
                coalesce(bool_and(r.address = l.address) filter (where r.record = 'contact'), false)
                    as contact_is_linked
            from records as r
            inner join leads as l on l.p = r.p
            group by r.p
        )
        select
            v.lead_id,
            l.address,
            l.is_clean and c.one_address as address_is_sure,
            l.at_big as by_lead,
            c.contact_at_big or v.p in (select p from related) as by_contact,
            c.contact_is_linked,
            v.a in (select a from big_sources) as at_big_account
        from visitors as v
        inner join leads as l on l.p = v.p
        inner join checks as c on c.p = v.p
        order by v.p
    """


def expected_upsell(accounts: int, seed: int, end: str | date | datetime | None = None, *,
                    activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON,
                    as_of: str | date | datetime | None = None) -> UpsellExpectation:
    """The expected members of seg_new_product_upsell (default dbt vars) in the base set generate() writes for the
    same accounts, seed, end and activities_per_person, at `as_of` (default: `end`; only the visit window moves with
    it, revenue and records are taken as generated): see UpsellExpectation. Computed from the world model and the
    rows the generator writes, in memory (meant for small sets); nothing is written."""
    settings = make_settings(accounts, seed, end, activities_per_person)
    as_of_us = settings.end_us if as_of is None else epoch_us(parse_end(as_of))
    with duckdb.connect() as connection:
        con = Session(settings, connection)
        sizes = build_world(settings, con)
        rows = con.execute(_upsell_sql(base_tables(settings, sizes, read_email_names(con)), as_of_us)).fetchall()
    members, unsure = {}, set()
    for lead_id, address, address_is_sure, by_lead, by_contact, contact_is_linked, at_big_account in rows:
        if address_is_sure and (by_lead or (by_contact and contact_is_linked)):
            members[lead_id] = address
        elif by_lead or by_contact or at_big_account:
            unsure.add(lead_id)
    return UpsellExpectation(members, frozenset(unsure))


def expected_upsell_emails(accounts: int, seed: int, end: str | date | datetime | None = None, *,
                           activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON,
                           as_of: str | date | datetime | None = None) -> set[str]:
    """The emails (trimmed, lower-case) of the members of seg_new_product_upsell
    in the base set of these settings at `as_of` (default: `end`), exactly: see expected_upsell. GeneratorError when
    the world model cannot state all of them for this set (compare expected_upsell(...).members with the members
    whose lead is not in its `unsure` instead)."""
    expected = expected_upsell(accounts, seed, end, activities_per_person=activities_per_person, as_of=as_of)
    if expected.unsure:
        raise GeneratorError(
            f"the world model cannot state every member of seg_new_product_upsell for this set: the persons of "
            f"Marketo leads {', '.join(sorted(expected.unsure, key=int))} depend on the project's own rules "
            f"(compare expected_upsell(...).members with the members whose lead is not in its unsure set)")
    return set(expected.members.values())

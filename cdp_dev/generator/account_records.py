"""How the source account records (Salesforce accounts, Marketo companies) spell their company: the records account
matching has to unify where the MDM crosswalk is silent (world.py builds them into g_source_account; truth.py says
which records are the same company).

Per company (g_account): one phone number and one headquarters city. Per record (streams 1101-1112; never on a
showcase's or a stalled account's records, `protected`):

- its name as typed (`record_name`): ~75 % of the records the crosswalk does not map and ~20 % of the mapped ones
  get a variant of the company's name: a legal form (" Inc", " Inc.", " Incorporated", " LLC", " Ltd", " GmbH",
  " SA", " Corp."), a legal form after a comma ("Townsend, Inc."), upper case ("TOWNSEND INC"), lower case
  ("townsend"), or the bare name; ~8 % of the unmapped records have a typo in the name (one letter dropped, or two
  neighbours swapped; never the first letter). The other records keep the name as before: a Salesforce account's
  with one of vocabulary.SALESFORCE_SUFFIXES, a Marketo company's bare;
- no website (`website_missing`) on ~15 % of the unmapped records and ~3 % of the mapped ones (the company's persons
  still have work emails at its domain);
- the company's phone in one of four spellings (`phone`), its city (`billing_city`, ~5 % upper case, ~3 % another
  city of its country: a branch office), and its country (`record_country`: ~4 % spelled out, "United States"
  for US; for a Marketo company missing on ~20 %); phone and city each missing (null) on ~30 % of the records.
- name variants also include the name with a division word after it ("Summit Dynamics Holdings", ~8 % of the
  variants), so that every name level of the matching model has true matches to learn from.
"""

from __future__ import annotations

from cdp_dev.generator.session import sql_list
from cdp_dev.generator.vocabulary import (
    CALLING_CODES,
    CITIES,
    COMMA_SUFFIXES,
    COUNTRY_NAMES,
    DIVISION_WORDS,
    LEGAL_SUFFIXES,
    SALESFORCE_SUFFIXES,
)

# Shares of the records with a name variant (unmapped, mapped), a typo (unmapped only), no website (unmapped, mapped).
NAME_VARIANT_RATES = (0.75, 0.20)
NAME_TYPO_RATE = 0.08
MISSING_WEBSITE_RATES = (0.15, 0.03)
# Shares of the records without a phone, a city, a (Marketo) country.
MISSING_PHONE_RATE = 0.30
MISSING_CITY_RATE = 0.30
MISSING_COUNTRY_RATE = 0.20
# Shares of the records with the country spelled out, and with another city of the country.
SPELLED_COUNTRY_RATE = 0.04
OTHER_CITY_RATE = 0.03


def account_phone_and_city() -> str:
    """SQL select items over g_account's `a` and `country`: the company's calling code (phone_cc), national number
    (phone_national: 10 digits in the North American plan, else 9) and headquarters city (hq_city)."""
    codes = " ".join(f"when '{country}' then '{code}'" for country, code in CALLING_CODES.items())
    cities = " ".join(f"when '{country}' then g_pick({sql_list(names)}, g_rnd(1116, a))"
                      for country, names in CITIES.items())
    nanp = ("cast(200 + cast(floor(g_rnd(1113, a) * 800) as bigint) as varchar) "
            "|| cast(200 + cast(floor(g_rnd(1114, a) * 800) as bigint) as varchar) "
            "|| lpad(cast(cast(floor(g_rnd(1115, a) * 10000) as bigint) as varchar), 4, '0')")
    other = "cast(100000000 + cast(floor(g_rnd(1115, a) * 900000000) as bigint) as varchar)"
    north_american = ", ".join(f"'{country}'" for country, code in CALLING_CODES.items() if code == "1")
    return (f"case country {codes} end as phone_cc, "
            f"case when country in ({north_american}) then {nanp} else {other} end as phone_national, "
            f"case country {cities} end as hq_city")


def _typo(name: str, at: str, u: str) -> str:
    """SQL: `name` with one typo at the 1-based position `at` (2 .. length - 1): the letters at `at` and `at` + 1
    swapped (when `u` < 0.5 and they are two different letters), else the letter at `at` dropped (the letter after
    it, when `at` is a space)."""
    here, after = f"substr({name}, {at}, 1)", f"substr({name}, {at} + 1, 1)"
    return (f"case when {u} < 0.5 and {here} <> {after} and {here} <> ' ' and {after} <> ' ' "
            f"then left({name}, {at} - 1) || {after} || {here} || substr({name}, {at} + 2) "
            f"when {here} = ' ' then left({name}, {at}) || substr({name}, {at} + 2) "
            f"else left({name}, {at} - 1) || substr({name}, {at} + 1) end")


def _variant(core: str) -> str:
    """SQL: a variant of the name `core` (stream 1102 picks the kind, 1105 the legal form)."""
    u = "g_rnd(1102, sa)"
    legal = f"g_pick({sql_list(LEGAL_SUFFIXES)}, g_rnd(1105, sa))"
    comma = f"g_pick({sql_list(COMMA_SUFFIXES)}, g_rnd(1105, sa))"
    division = f"g_pick({sql_list(DIVISION_WORDS)}, g_rnd(1130, sa))"
    return (f"case when {u} < 0.38 then {core} || {legal} "
            f"when {u} < 0.52 then {core} || {comma} "
            f"when {u} < 0.66 then upper({core} || {legal}) "
            f"when {u} < 0.75 then lower({core}) "
            f"when {u} < 0.84 then upper({core}) "
            f"when {u} < 0.92 then {core} || ' ' || {division} "
            f"else {core} end")


def _phone() -> str:
    """SQL: the company's phone as a record spells it (stream 1109): +15551234567, +1 555 123 4567,
    (555) 123-4567 / 0 + the national number, 555.123.4567 / +44 (0)201 234567."""
    nat, cc = "phone_national", "phone_cc"
    groups = f"substr({nat}, 1, 3) || ' ' || substr({nat}, 4, 3) || ' ' || substr({nat}, 7)"
    nanp = (f"['+' || {cc} || {nat}, '+' || {cc} || ' ' || {groups}, "
            f"'(' || substr({nat}, 1, 3) || ') ' || substr({nat}, 4, 3) || '-' || substr({nat}, 7), "
            f"substr({nat}, 1, 3) || '.' || substr({nat}, 4, 3) || '.' || substr({nat}, 7)]")
    other = (f"['+' || {cc} || {nat}, '+' || {cc} || ' ' || {groups}, '0' || {nat}, "
             f"'+' || {cc} || ' (0)' || substr({nat}, 1, 3) || ' ' || substr({nat}, 4)]")
    pick = "[1 + cast(floor(g_rnd(1109, sa) * 4) as bigint)]"
    return f"case when {cc} = '1' then {nanp}{pick} else {other}{pick} end"


def _record_country() -> str:
    """SQL: the company's country as the record spells it: its code, or (stream 1129) its name spelled out."""
    names = " ".join(f"when '{code}' then '{name}'" for code, name in COUNTRY_NAMES.items())
    return (f"case when g_rnd(1129, sa) < {SPELLED_COUNTRY_RATE} then coalesce(case country {names} end, country) "
            "else country end")


def _other_city() -> str:
    """SQL: a city of the company's country other than its headquarters' (stream 1132; the next in the list)."""
    picks = " ".join(f"when '{country}' then {sql_list(names)}" for country, names in CITIES.items())
    cities = f"(case country {picks} end)"
    return (f"coalesce({cities}[1 + (list_position({cities}, hq_city) % len({cities}))], hq_city)")


def record_attributes(source: str) -> str:
    """SQL: common table expressions (the last one named s_record) adding to the rows of `source` (g_source_account
    being built: sa, name, is_sf, in_xw, protected, country, phone_cc, phone_national, hq_city) how the record spells
    its company: name_varied, name_typo, record_name, website_missing, phone, billing_city, record_country,
    mk_billing_country."""
    (variant_unmapped, variant_mapped), (website_unmapped, website_mapped) = NAME_VARIANT_RATES, MISSING_WEBSITE_RATES
    usual = f"case when is_sf then name || g_pick({sql_list(SALESFORCE_SUFFIXES)}, g_rnd(354, sa)) else name end"
    return f"""
        s_record_0 as (
            select
                *,
                not protected and g_rnd(1101, sa) < case when in_xw then {variant_mapped} else {variant_unmapped} end
                    as name_varied,
                not protected and not in_xw and g_rnd(1103, sa) < {NAME_TYPO_RATE} as name_typo,
                2 + cast(floor(g_rnd(1104, sa) * (length(name) - 2)) as bigint) as typo_at,
                not protected and g_rnd(1107, sa) < case when in_xw then {website_mapped} else {website_unmapped} end
                    as website_missing
            from {source}
        ),
        s_record_1 as (
            select *, case when name_typo then {_typo('name', 'typo_at', 'g_rnd(1106, sa)')} else name end as name_core
            from s_record_0
        ),
        s_record as (
            select
                * exclude (typo_at, name_core),
                case when name_varied or name_typo then {_variant('name_core')} else {usual} end as record_name,
                case when g_rnd(1108, sa) < {MISSING_PHONE_RATE} then null else {_phone()} end as phone,
                case when g_rnd(1110, sa) < {MISSING_CITY_RATE} then null
                    when g_rnd(1131, sa) < {OTHER_CITY_RATE} then {_other_city()}
                    when g_rnd(1111, sa) < 0.05 then upper(hq_city) else hq_city end as billing_city,
                {_record_country()} as record_country,
                case when g_rnd(1112, sa) < {MISSING_COUNTRY_RATE} then null else {_record_country()} end
                    as mk_billing_country
            from s_record_1
        )
    """

"""SQL pieces the raw tables of every source share: the dirty kinds of each table and the rows that carry them,
the older version of a row (a re-sent duplicate, a history-mode version), sync times, the extra rows without an
id, emails as people type them, websites, and free text with a line break.

A table's SQL selects its contract columns, the sort keys _k1, _k2, _k3 and, for person records, the row's dirty
kind _dirt (writer.INTERNAL_COLUMNS: never written).
"""

from __future__ import annotations

from cdp_dev.generator.session import sql_list
from cdp_dev.generator.settings import US_PER_DAY, US_PER_MINUTE
from cdp_dev.generator.vocabulary import OPEN_STAGES, PLACEHOLDER_EMAILS, PLACEHOLDER_LOCAL_PARTS, ROLE_LOCAL_PARTS

# Rates of the dirty kinds (a row gets at most one kind); each kind also gets at least one row per table.
RATE = 0.006
HISTORY_RATE = 0.01
DIRTY_KINDS: dict[str, list[tuple[str, float]]] = {
    "marketo.lead": [("invalid_email", RATE), ("placeholder_email", RATE), ("role_mailbox", RATE),
                     ("orphan_contact_ref", RATE), ("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "marketo.company": [("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "marketo.opportunity": [("negative_amount", RATE), ("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "marketo.opportunity_role": [("orphan_opportunity_ref", RATE), ("orphan_lead_ref", RATE),
                                 ("missing_required_id", RATE), ("duplicate_id", RATE)],
    "marketo.program": [("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "marketo.program_membership": [("orphan_program_ref", RATE), ("orphan_lead_ref", RATE),
                                   ("missing_required_id", RATE), ("duplicate_id", RATE)],
    "marketo.static_list": [("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "marketo.list_membership": [("orphan_list_ref", RATE), ("orphan_lead_ref", RATE),
                                ("missing_required_id", RATE), ("duplicate_id", RATE)],
    "marketo.activity": [("orphan_lead_ref", RATE), ("missing_required_id", RATE),
                         ("missing_required_value", RATE), ("duplicate_id", RATE)],
    "marketo.activity_visit_webpage": [("orphan_lead_ref", RATE), ("missing_required_id", RATE),
                                       ("missing_required_value", RATE), ("missing_webpage_url", RATE),
                                       ("duplicate_id", RATE)],
    "salesforce.account": [("deleted", 0.004), ("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "salesforce.contact": [("invalid_email", RATE), ("placeholder_email", RATE), ("role_mailbox", RATE),
                           ("orphan_account_ref", RATE), ("deleted", RATE), ("duplicate_id", RATE),
                           ("history_version", HISTORY_RATE)],
    "salesforce.lead": [("invalid_email", RATE), ("placeholder_email", RATE), ("role_mailbox", RATE),
                        ("orphan_contact_ref", RATE), ("deleted", RATE), ("duplicate_id", RATE),
                        ("history_version", HISTORY_RATE)],
    "salesforce.opportunity": [("negative_amount", RATE), ("orphan_account_ref", RATE),
                               ("missing_required_id", RATE), ("missing_currency_rate", RATE), ("deleted", RATE),
                               ("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "salesforce.opportunity_contact_role": [("orphan_opportunity_ref", RATE), ("orphan_contact_ref", RATE),
                                            ("missing_required_id", RATE), ("deleted", RATE),
                                            ("duplicate_id", RATE)],
    "salesforce.account_contact_relation": [("orphan_account_ref", RATE), ("orphan_contact_ref", RATE),
                                            ("missing_required_id", RATE), ("deleted", RATE),
                                            ("duplicate_id", RATE)],
    "salesforce.campaign": [("deleted", RATE), ("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "salesforce.campaign_member": [("orphan_campaign_ref", RATE), ("orphan_contact_ref", RATE),
                                   ("orphan_lead_ref", RATE), ("missing_required_id", RATE), ("deleted", RATE),
                                   ("duplicate_id", RATE), ("history_version", HISTORY_RATE)],
    "mdm.account_crosswalk": [("mdm_conflict", RATE), ("invalid_source_system", RATE),
                              ("orphan_account_ref", RATE), ("missing_required_id", RATE),
                              ("duplicate_id", RATE), ("inactive_mapping", 0.02)],
    "mdm.golden_account": [("duplicate_id", RATE)],
}
# Extra rows with an empty id (missing_required_id), as a share of the table's clean rows (at least one).
MISSING_ID_RATE = 0.005
# One Salesforce opportunity name in this many has a line break (free text that no rule reads).
MULTILINE_EVERY = 100



def typed_website(u: str) -> str:
    """SQL: the web site at `domain` as people type it (four spellings, by the uniform `u`)."""
    return ("[ 'https://www.' || domain, domain, 'http://' || domain || '/', 'www.' || domain]"
            f"[1 + cast(floor({u} * 4) as bigint)]")


# A source account's website, as people type it (stream 351, over the source account `sa`).
WEBSITE = typed_website("g_rnd(351, sa)")
# The share of leads whose person typed their company's web site (Marketo, Salesforce leads; streams 1130-1133).
LEAD_WEBSITE_RATES = {"marketo.lead": 0.4, "salesforce.lead": 0.5}


def lead_website(table: str, idx: str, stream: int) -> str:
    """SQL: the company web site a lead's person typed (their account's domain), on LEAD_WEBSITE_RATES[table] of
    the leads (stream `stream` decides, `stream` + 1 spells it), else null."""
    return (f"case when g_rnd({stream}, {idx}) < {LEAD_WEBSITE_RATES[table]} "
            f"then {typed_website(f'g_rnd({stream + 1}, {idx})')} end")
# The stage an older, still open version of a deal had (history mode; stream 371, over the deal `os`).
HISTORY_STAGE = f"g_pick({sql_list(OPEN_STAGES)}, g_rnd(371, os))"


def dirty_kind(table: str, stream: int, idx: str, n: str | None, protect: str = "false", pick: str | None = None
          ) -> str:
    """SQL: the dirty kind of a row (null for a clean or a `protect`ed row). `pick` (default `idx`) is the row's
    dense index in [0, n) among the rows that are not protected: the row (g0 + i) % n gets kind i, so each kind
    has at least one row when n is given (and at least the number of kinds); then each kind takes its rate of the
    rest, by the uniform g_rnd(stream, idx)."""
    kinds = DIRTY_KINDS[table]
    pick = idx if pick is None else pick
    whens = [f"case when {protect} then null"]
    if n is not None:
        start = f"cast(floor(g_rnd({stream + 5000}, 0) * ({n})) as bigint)"
        whens += [f"when {pick} = ({start} + {index}) % ({n}) then '{kind}'"
                  for index, (kind, _) in enumerate(kinds)]
    cumulative = 0.0
    for kind, rate in kinds:
        cumulative += rate
        whens.append(f"when g_rnd({stream}, {idx}) < {cumulative:.6f} then '{kind}'")
    return " ".join(whens) + " end"


def variants(condition: str) -> str:
    """SQL (a select-list item) repeating a row as _v = 0 (the current row) and, when `condition`, _v = 1 (an
    older version: a re-sent duplicate or a history-mode version)."""
    return f"unnest(case when {condition} then [0, 1] else [0] end) as _v"


def missing_count(rows: int) -> int:
    return max(1, round(rows * MISSING_ID_RATE))


def _invalid_email(email: str, u: str) -> str:
    """SQL: a broken version of `email` (no dot in the domain, no @, a space, two @s): invalid_email."""
    local, domain = f"split_part({email}, '@', 1)", f"split_part({email}, '@', 2)"
    return (f"[{local} || '@' || replace({domain}, '.', ''), replace({email}, '@', ' at '), "
            f"{local} || ' @' || {domain}, {local} || '@@' || {domain}][1 + cast(floor({u} * 4) as bigint)]")


def _placeholder_email(domain: str, u: str) -> str:
    """SQL: a placeholder address (seed placeholder_emails): a known address, or a placeholder local part."""
    return (f"case when {u} < 0.5 then g_pick({sql_list(PLACEHOLDER_EMAILS)}, {u} * 2) "
            f"else g_pick({sql_list(PLACEHOLDER_LOCAL_PARTS)}, {u} * 2 - 1) || '@' || {domain} end")


def _role_email(domain: str, u: str) -> str:
    """SQL: a shared mailbox at the company's domain (seed role_email_local_parts)."""
    return f"g_pick({sql_list(ROLE_LOCAL_PARTS)}, {u}) || '@' || {domain}"


def _email_with_noise(email: str, u: str) -> str:
    """SQL: the address as people type it: mostly as is, some capitalised, some upper case, some padded with spaces
    (all normalise to the same identity)."""
    return (f"case when {u} < 0.08 then upper(left({email}, 1)) || substr({email}, 2) "
            f"when {u} < 0.11 then ' ' || {email} || ' ' when {u} < 0.13 then upper({email}) else {email} end")


def record_email(table: str, email: str, domain: str, idx: str, stream: int) -> str:
    """SQL: a person record's email, with the table's dirty kinds (invalid, placeholder, role mailbox) and noise."""
    u = f"g_rnd({stream}, {idx})"
    role = _role_email(domain, u)
    if table == "salesforce.contact":
        role = f"case when {u} < 0.5 then upper({role}) else {role} end"
    return (f"case when _v = 1 then {email} "
            f"when dirt = 'invalid_email' then {_invalid_email(email, u)} "
            f"when dirt = 'placeholder_email' then {_placeholder_email(domain, u)} "
            f"when dirt = 'role_mailbox' then {role} "
            f"else {_email_with_noise(email, u)} end")


def older(updated: str, key: str, stream: int) -> str:
    """SQL: the row's update time; the older version (_v = 1) is 1 to 60 days earlier."""
    return f"{updated} - case when _v = 1 then (1 + g_rnd({stream}, {key}) * 59) * {US_PER_DAY} else 0 end"


def fivetran_active() -> str:
    return "not (_v = 1 and dirt = 'history_version')"


def resent_sync(at: str, key: str, stream: int) -> str:
    """SQL: _fivetran_synced a little after `at`; a re-sent duplicate's current copy (_v = 0) 20 minutes later
    than its older copy, for tables whose versions are ranked by the sync time."""
    return (f"g_ts({at} + g_delay(g_rnd({stream}, {key})) "
            f"+ case when dirt = 'duplicate_id' and _v = 0 then {20 * US_PER_MINUTE} else 0 end)")


def missing_id_rows(rows: int, columns: str) -> str:
    """SQL: the extra rows with an empty id (missing_required_id), `columns` over i in range(n)."""
    return f"select {columns}, null::bigint as _k1, 0 as _k2, i as _k3 from range({missing_count(rows)}) as t(i)"


def multiline_name(name: str, idx: str) -> str:
    """SQL: a deal name as some users type it: one in MULTILINE_EVERY (by `idx`) gets a second line with quotes and
    a comma. No rule reads the name, and a CSV file of the table then has quoted fields with a line break."""
    return (f"case when {idx} % {MULTILINE_EVERY} = 1 "
            f"then {name} || chr(10) || '\"Phase 2\", per the renewal terms' else {name} end")

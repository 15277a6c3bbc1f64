"""A deterministic synthetic data set in the raw layout the loader reads (DIR/<source>/<table>.parquet or .csv).

The generator writes every table of the raw data contract (cdp.warehouse.raw_contract, the dbt source ymls) with
every contract column in its contract type, so the folder loads with the strict loader (cdp.warehouse.loader) and
builds with `dbt build --exclude tag:demo`. Everything happens inside one in-memory DuckDB session, in SQL:

1. A *world model* of temporary tables (g_*, world.py): the unified companies ("accounts"), their 1 to 3 source
   accounts (Salesforce accounts, Marketo companies), ~10 persons per account with the records they have in each
   system, opportunities, roles, campaigns, programs, lists and the per-lead activity counts.
2. One `COPY (SELECT ... ORDER BY key) TO parquet` per raw table (writer.py), reading the world model: each
   source's tables are marketo.py, salesforce.py and mdm.py, the four activity tables (90 % of the rows)
   activities.py, all of them tables.py; the pieces they share (dirty kinds, older versions, sync times) rows.py.

Randomness (session.py): every random number is `g_rnd(stream, id)`, a 32-bit integer hash of the row's id mixed
with a per-seed constant of its stream, as a double in [0, 1). The same (accounts, seed, end, activities_per_person)
(settings.py) therefore always give the same rows, and each file is written ORDER BY its key (ties: version,
serial), so the files are byte-identical; another seed gives other data. Ids never depend on `end`, only times do.

What is in it (see README "Data quality" for the dirty kinds):
- per account 1-3 source accounts across both systems; the MDM crosswalk maps ~80 % of them to the account's golden
  account (golden_account has one row per mapped account);
- persons as Marketo leads (~85 %), Salesforce contacts (~60 % where the account has a Salesforce account) and
  Salesforce leads, linked by email (with case/whitespace noise) and by the sync ids on the Marketo lead and the
  converted lead; some persons related to a second account (account_contact_relation); unsubscribed, invalid
  email and opt-out flags;
- opportunities with a stage mix (~35 % open, ~33 % won, ~32 % lost), long-tailed (log-normal) amounts by
  account tier, ~5 % of Salesforce deals in another currency (rates in currency_type), synced Marketo copies,
  contact roles and Marketo opportunity roles ('Decision Maker', ...);
- campaigns (every third named '... Webinar') with member statuses and has_responded; Marketo programs, ~30 % synced
  to a campaign (sfdc_id); static lists (one named exactly 'Q3 Target Accounts', the leads of target accounts);
- the four Marketo activity tables over the two years up to `end`, a log-normal per-lead rate averaging
  `activities_per_person` per person, plus new-product page visits in the last 30 days by persons at accounts
  with over $1M won (so seg_new_product_upsell has members at scale);
- source account records as people type them, for account matching where the crosswalk is silent
  (account_records.py): name variants (legal forms, case, punctuation, ~8 % typos on unmapped records), ~15 % of
  the unmapped records without a website, the company's phone and billing city (each missing on ~30 %);
  look-alike companies (a short name "Apex" at apex.com next to "Apex Labs" at apexlabs.io, besides the many
  companies sharing an "Adjective Noun" name); data stewards' match / no_match decisions on some pairs
  (mdm.account_match_decision); account_truth (truth.py) says which records are the same company;
- accounts built so that every segment has members at any scale: every 10th account is a "showcase" (Townsend-like:
  $1.05M+ won across a Marketo and a Salesforce account, an open deal whose Decision Maker visited the new product
  page), every 20th (offset 5) is "stalled" (an open deal over $700k, nobody active for 120 days);
- ~0.5-1 % dirty rows of each kind the data quality layer handles (rows.DIRTY_KINDS lists them per table), plus at
  least one row of each kind in every table, even at the smallest scale. Kinds that need values unreadable as their
  type (unparseable_value, unparseable_timestamp) cannot be written in a typed, strictly loadable file and are not
  generated.

Times: base events and updates are at most `end` - 2 h and every base `_fivetran_synced` is at most `end` - 61 min.
A batch (generate_activity_batch) adds activities in the last hour before `end`, synced at or after them, so a
batch is always newer than its base set.

Shapes (`shape`, shapes.py): the rows above encoded four ways (minimal, full, text, wide), applied only when a table
is written, so every shape but minimal holds the same values (loaded, the same marts and segments). 1 % of the
Salesforce opportunity names (free text no rule reads) have a line break, so quoted fields with embedded line
breaks occur in every shape's data.

expected_upsell (upsell.py) states, from the world model and the rows it writes, who seg_new_product_upsell should
hold.

This package's API: the names below (the command line is cdp_dev.cli.generate_data).
"""

from cdp_dev.generator.activities import ACTIVITY_TABLES, BatchPlan, plan_batch
from cdp_dev.generator.settings import (
    DEFAULT_ACTIVITIES_PER_PERSON,
    GeneratorError,
    Settings,
    check_batch,
    check_out,
    check_settings,
    parse_end,
)
from cdp_dev.generator.shapes import (
    AWKWARD_EXTRA_COLUMNS,
    DEFAULT_SHAPE,
    NARROW_EXTRA_COLUMNS,
    SHAPES,
    WIDE_EXTRA_COLUMNS,
    WIDE_TABLES,
    ExtraColumn,
    extra_columns,
    text_boolean,
    text_date,
    text_float,
    text_integer,
    text_timestamp,
)
from cdp_dev.generator.truth import SourceAccountTruth, account_truth, read_account_truth, write_account_truth
from cdp_dev.generator.upsell import UpsellExpectation, expected_upsell, expected_upsell_emails
from cdp_dev.generator.writer import format_counts, generate, generate_activity_batch

__all__ = [
    "ACTIVITY_TABLES", "AWKWARD_EXTRA_COLUMNS", "DEFAULT_ACTIVITIES_PER_PERSON", "DEFAULT_SHAPE",
    "NARROW_EXTRA_COLUMNS", "SHAPES", "WIDE_EXTRA_COLUMNS", "WIDE_TABLES", "BatchPlan", "ExtraColumn",
    "GeneratorError", "Settings", "SourceAccountTruth", "UpsellExpectation", "account_truth", "check_batch",
    "check_out", "check_settings", "expected_upsell", "expected_upsell_emails", "extra_columns", "format_counts",
    "generate", "generate_activity_batch", "parse_end", "plan_batch", "read_account_truth", "text_boolean",
    "text_date", "text_float", "text_integer", "text_timestamp", "write_account_truth",
]

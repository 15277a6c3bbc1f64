"""A deterministic synthetic data set in the raw layout the loader reads (DIR/<source>/<table>.parquet or .csv).

The generator writes every table of the raw data contract (cdp.raw_contract, the dbt source ymls) with every
contract column in its contract type, so the folder loads with the strict loader (cdp.loader) and builds with
`dbt build --exclude tag:demo`. Everything happens inside one in-memory DuckDB session, in SQL:

1. A *world model* of temporary tables (g_*): the unified companies ("accounts"), their 1 to 3 source accounts
   (Salesforce accounts, Marketo companies), ~10 persons per account with the records they have in each system,
   opportunities, roles, campaigns, programs, lists and the per-lead activity counts.
2. One `COPY (SELECT ... ORDER BY key) TO parquet` per raw table, reading the world model (`range()` and
   `unnest(range(n))` expand rows; no Python loop ever touches a row). The four activity tables (90 % of the rows)
   sort only their compact columns and compute the text after the sort (see _activity_tables), so that with the
   session's memory cap (MEMORY_LIMIT) a large set spills little to disk.

Randomness: every random number is `g_rnd(stream, id)`, a 32-bit integer hash (macro g_hash) of the row's id
mixed with a per-seed constant of its stream (a number per purpose; _Session inlines the constant), as a double
in [0, 1). The same (accounts, seed, end, activities_per_person) therefore always give the same rows, and each file
is written ORDER BY its key (ties: version, serial), so the files are byte-identical; another seed gives other
data. Ids never depend on `end`, only times do.

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
- accounts built so that every segment has members at any scale: every 10th account is a "showcase" (Townsend-like:
  $1.05M+ won across a Marketo and a Salesforce account, an open deal whose Decision Maker visited the new product
  page), every 20th (offset 5) is "stalled" (an open deal over $700k, nobody active for 120 days);
- ~0.5-1 % dirty rows of each kind the data quality layer handles (module constant DIRTY_KINDS lists them per
  table), plus at least one row of each kind in every table, even at the smallest scale. Kinds that need values
  unreadable as their type (unparseable_value, unparseable_timestamp) cannot be written in a typed, strictly
  loadable file and are not generated.

Times: base events and updates are at most `end` - 2 h and every base `_fivetran_synced` is at most `end` - 61 min.
A batch (generate_activity_batch) adds activities in the last hour before `end`, synced at or after them, so a
batch is always newer than its base set.

Shapes (`shape`, SHAPES): the rows above encoded four ways, applied only when a table is written (_Run.write), so
every shape but minimal holds the same values (loaded, the same marts and segments):
- full (the default): Parquet, every table, every contract column in its contract type;
- minimal: Parquet, only the required tables (not `optional` in the contract) and their required columns (a batch:
  the four activity tables with their required columns);
- wide: full plus columns outside the contract (extra_columns: WIDE_EXTRA_COLUMNS on Fivetran's wide Salesforce
  and Marketo tables, NARROW_EXTRA_COLUMNS on the others), mostly null, of every type, deterministic per row;
  custom fields and awkward names (mixed case, a space, loader columns, names the project uses downstream) that
  the project must ignore;
- text: CSV files as exports write them (_write_csv: UTF-8 with a byte-order mark, CRLF, a header, RFC 4180
  quoting, NULL as an empty field or sometimes ""), each type in rotating spellings (TEXT_SPELLINGS), streamed
  from DuckDB through the csv module in chunks. 1 % of the Salesforce opportunity names (free text no rule reads)
  have a line break, so quoted fields with embedded line breaks occur in every shape's data.

expected_upsell states, from the world model and the rows it writes, who seg_new_product_upsell should hold.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import math
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import duckdb

from cdp.raw_contract import Column, Source, Table, duckdb_type, load_contract
from cdp.sql import quote_identifier, quote_literal
from cdp.text_table import format_table

log = logging.getLogger(__name__)

DEFAULT_ACTIVITIES_PER_PERSON = 100.0
HISTORY_DAYS = 730  # activities and updates span the two years before `end`
PARQUET_OPTIONS = "format parquet, compression zstd"
# DuckDB's memory cap: the sorts of the largest activity tables spill to the staging folder beyond it, so a large
# set does not take most of the machine's memory (DuckDB's own default is 80 % of it).
MEMORY_LIMIT = "6GB"
ACTIVITY_TABLES = ("activity_visit_webpage", "activity_fill_out_form", "activity_open_email", "activity_click_email")
# Columns of a table's SQL that are never written: the sort keys, and the dirty kind of a person record's row.
INTERNAL_COLUMNS = {"_k1", "_k2", "_k3", "_dirt"}
# Tables whose SQL sorts its rows by key itself (see _activity_tables); the others are sorted by _Run.write.
PRESORTED = {("marketo", table) for table in ACTIVITY_TABLES}
# Share of each activity type in a lead's activities.
ACTIVITY_MIX = {"activity_visit_webpage": 0.50, "activity_fill_out_form": 0.08,
                "activity_open_email": 0.30, "activity_click_email": 0.12}
UPSELL_THRESHOLD_USD = 1_000_000  # dbt var upsell_min_won_revenue_usd
UPSELL_WINDOW_DAYS = 30  # dbt var upsell_visit_window_days
NEW_PRODUCT_PATH = "/products/new"  # dbt var new_product_page_pattern: '%/products/new%'
BATCH_NEW_PRODUCT_SHARE = 0.01  # share of a batch that are new-product visits by persons at >$1M accounts

# How the rows are encoded (the module docstring describes each shape).
SHAPES = ("minimal", "full", "text", "wide")
DEFAULT_SHAPE = "full"
# The wide shape: Fivetran's wide tables get WIDE_EXTRA_COLUMNS columns outside the contract, the others
# NARROW_EXTRA_COLUMNS.
WIDE_TABLES = {("salesforce", "account"), ("salesforce", "contact"), ("salesforce", "lead"),
               ("salesforce", "opportunity"), ("marketo", "lead")}
WIDE_EXTRA_COLUMNS = 300
NARROW_EXTRA_COLUMNS = 20

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR

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

# Value lists (weighted lists repeat values).
ADJECTIVES = [
    "Apex", "Summit", "Northwind", "Blue", "Iron", "Silver", "Golden", "Bright", "Granite", "Cedar", "Harbor",
    "Pioneer", "Vertex", "Quantum", "Atlas", "Evergreen", "Crescent", "Polar", "Prairie", "Coastal", "Keystone",
    "Liberty", "Meridian", "Nova", "Orion", "Pacific", "Redwood", "Sterling", "Titan", "Union", "Vista", "Western",
    "Zenith", "Alpine", "Beacon", "Cobalt", "Delta", "Eagle", "Falcon", "Global", "Horizon", "Insight", "Juniper",
    "Lakeside", "Metro", "Noble", "Oak", "Pinnacle", "Riverside", "Sapphire", "Trident", "Valley", "Willow",
    "Townsend", "Globex", "Initech", "Hooli", "Stark", "Wayne", "Umbrella",
]
NOUNS = [
    "Dynamics", "Logistics", "Systems", "Foods", "Manufacturing", "Health", "Analytics", "Energy", "Materials",
    "Robotics", "Pharma", "Capital", "Textiles", "Motors", "Networks", "Labs", "Foundry", "Industries", "Partners",
    "Solutions", "Devices", "Brands", "Retail", "Freight", "Chemicals", "Aerospace", "Software", "Media",
    "Biotech", "Holdings", "Works", "Tools", "Instruments", "Packaging", "Components", "Outfitters", "Farms",
    "Supply", "Electric", "Marine", "Optics", "Plastics", "Steel", "Paper", "Apparel", "Medical", "Telecom",
]
INDUSTRIES = ["Manufacturing", "Retail", "Healthcare", "Financial Services", "Technology", "Energy", "Logistics",
              "Pharmaceuticals", "Consumer Goods", "Telecommunications", "Education", "Government"]
COUNTRIES = ["US"] * 10 + ["GB", "GB", "DE", "DE", "FR", "CA", "CA", "AU", "NL", "JP", "BR", "IN"]
TLDS = [".com"] * 8 + [".io", ".net", ".co"]
SALESFORCE_SUFFIXES = [" Inc.", " Inc.", " LLC", " Ltd", " Corp.", " Corporation", " GmbH", ""]
FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
    "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Lisa",
    "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Paul", "Ashley", "Steven", "Emily", "Andrew", "Donna",
    "Joshua", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Timothy", "Deborah", "Ronald",
    "Laura", "Jason", "Rebecca", "Ryan", "Sharon", "Jacob", "Cynthia", "Gary", "Kathleen", "Nicholas", "Amy",
    "Eric", "Angela", "Jonathan", "Anna", "Stephen", "Ruth", "Larry", "Brenda", "Justin", "Pamela", "Scott",
    "Nicole", "Brandon", "Katherine", "Priya", "Wei", "Yuki", "Lars", "Ingrid", "Mateo", "Sofia", "Amara", "Omar",
    "Chen", "Fatima",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
    "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Kim", "Chen", "Mueller", "Schmidt",
    "Rossi", "Dubois", "Tanaka", "Sato", "Johansson", "Novak", "Kowalski", "Silva", "Okafor", "Haddad", "Singh",
    "Murphy", "Kelly", "Cohen", "Berg",
]
TITLES = (["Chief Executive Officer", "Chief Financial Officer", "Chief Technology Officer", "Chief Operating Officer"]
          + ["VP Operations", "VP Sales", "VP Marketing", "VP Engineering", "VP Supply Chain"]
          + ["Director of IT", "Director of Procurement", "Director of Marketing", "Head of Supply Chain"] * 2
          + ["IT Manager", "Procurement Manager", "Operations Manager", "Marketing Manager", "Plant Manager",
             "Project Manager", "Account Manager", "Controller", "Buyer"] * 3
          + ["Software Engineer", "Data Analyst", "Business Analyst", "Marketing Specialist", "Engineer"] * 3)
FREE_MAIL_DOMAINS = ["gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com"]
PLACEHOLDER_EMAILS = ["test@test.com", "noemail@noemail.com", "none@none.com", "email@email.com"]
PLACEHOLDER_LOCAL_PARTS = ["noreply", "no-reply", "unknown", "noemail"]
ROLE_LOCAL_PARTS = ["info", "sales", "marketing", "support", "contact", "office", "hello"]
OTHER_ROLES = ["Economic Buyer", "Technical Buyer", "Evaluator", "Influencer", "Executive Sponsor", "Business User",
               "Other"]
OPEN_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
               "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review"]
DEAL_KINDS = ["Platform", "Expansion", "Renewal", "Pilot", "Add-on", "Services", "New Platform", "Analytics",
              "Support", "Rollout"]
TOPICS = ["Manufacturing", "Supply Chain", "Retail Analytics", "AI Readiness", "Data Platform", "Security",
          "Cloud Migration", "Customer 360", "Predictive Maintenance", "Sustainability", "Pricing Strategy",
          "New Platform"]
CAMPAIGN_TYPES = ["Webinar", "Trade Show", "Email", "Webinar", "Conference", "Direct Mail"]
CAMPAIGN_STATUSES = {  # member status picklist per campaign type; the first list element that responded wins
    "Webinar": ["Sent"] * 3 + ["Registered"] * 2 + ["Attended"] * 3 + ["No Show"] * 2,
    "Trade Show": ["Sent"] * 3 + ["Visited booth"] * 3 + ["Meeting"],
    "Email": ["Sent"] * 5 + ["Opened"] * 3 + ["Clicked"] * 2,
    "Conference": ["Invited"] * 3 + ["Registered"] * 2 + ["Attended"] * 3,
    "Direct Mail": ["Sent"] * 6 + ["Responded"] * 2,
}
RESPONDED_STATUSES = ["Attended", "Visited booth", "Meeting", "Clicked", "Responded"]
PROGRAM_STATUSES = {  # program channel -> (statuses, success status)
    "Webinar": (["Invited"] * 3 + ["Registered"] * 2 + ["Attended"] * 3 + ["No Show"] * 2, "Attended"),
    "Trade Show": (["Invited"] * 3 + ["Registered"] + ["Attended"] * 2, "Attended"),
    "Conference": (["Invited"] * 3 + ["Registered"] + ["Attended"] * 2, "Attended"),
    "Nurture": (["Member"] * 4 + ["Engaged"], "Engaged"),
    "Email Blast": (["Sent"] * 5 + ["Opened"] * 3 + ["Clicked"] * 2, "Clicked"),
    "Content": (["Member"] * 3 + ["Downloaded"] * 2, "Downloaded"),
    "Direct Mail": (["Sent"] * 6 + ["Responded"] * 2, "Responded"),
}
SITE = "https://www.bodea.com"
PAGES = (  # (path, page name, weight); /products/new... matches the segment's '%/products/new%'
    [("/", "Home", 14), ("/pricing", "Pricing", 8), ("/products/platform", "Platform", 8),
     ("/products/analytics", "Analytics", 6), ("/products/new-platform", "New Platform", 2),
     ("/products/new-platform/features", "New Platform Features", 1), ("/customers", "Customers", 5),
     ("/docs/getting-started", "Getting Started", 6), ("/docs/api", "API Reference", 4), ("/about", "About", 4),
     ("/careers", "Careers", 3), ("/contact", "Contact", 3), ("/webinars", "Webinars", 4),
     ("/resources/whitepapers", "Whitepapers", 4)]
    + [(f"/blog/{slug}", title, 3) for slug, title in [
        ("data-platform-checklist", "Blog: Data Platform Checklist"), ("supply-chain-ai", "Blog: Supply Chain AI"),
        ("customer-360-guide", "Blog: Customer 360 Guide"), ("pricing-strategy", "Blog: Pricing Strategy"),
        ("predictive-maintenance", "Blog: Predictive Maintenance"), ("security-basics", "Blog: Security Basics"),
        ("cloud-migration", "Blog: Cloud Migration"), ("sustainability-report", "Blog: Sustainability Report")]]
)
NEW_PRODUCT_PAGES = [("/products/new-platform", "New Platform"), ("/products/new-platform/pricing",
                     "New Platform Pricing"), ("/products/new-platform/demo-request", "New Platform Demo Request")]
FORMS = [("Demo Request", "/demo"), ("Contact Us", "/contact"), ("Webinar Registration", "/webinars/register"),
         ("Whitepaper Download", "/resources/whitepapers"), ("Newsletter Signup", "/blog"),
         ("New Platform Demo Request", "/products/new-platform/demo-request")]
REFERRERS = [None] * 5 + ["https://www.google.com/"] * 3 + ["https://www.linkedin.com/", "https://www.bing.com/",
                                                           SITE + "/", SITE + "/"]
QUERY_PARAMETERS = [None] * 7 + ["utm_source=linkedin&utm_medium=social", "utm_source=google&utm_medium=cpc",
                                 "utm_source=newsletter&utm_medium=email"]
# Units per 1 USD. The first ones are in currency_type (active); CHF is there but inactive, BRL without a rate, ZAR
# with a rate of 0, INR not at all: deals in those four have no usable rate (missing_currency_rate).
CURRENCY_RATES = {"EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52, "JPY": 149.5}
UNRATED_CURRENCIES = {"CHF": 0.88, "INR": 83.2, "BRL": 5.05, "ZAR": 18.4}


class GeneratorError(ValueError):
    """Bad arguments (nothing was written); the message says what is wrong."""


@dataclass(frozen=True)
class Settings:
    """What determines a generated set: the same settings always give the same rows."""

    accounts: int
    seed: int
    end: datetime  # naive UTC
    activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON

    @property
    def end_us(self) -> int:
        return _epoch_us(self.end)

    @property
    def start_us(self) -> int:
        """The start of the two years of history."""
        return self.end_us - HISTORY_DAYS * US_PER_DAY

    @property
    def event_max_us(self) -> int:
        """The latest time of a base event or update."""
        return self.end_us - 2 * US_PER_HOUR

    @property
    def sync_max_us(self) -> int:
        """The latest _fivetran_synced of a base row (a batch's rows are all later)."""
        return self.end_us - 61 * US_PER_MINUTE

    @property
    def campaigns(self) -> int:
        return max(8, math.ceil(self.accounts / 40))

    @property
    def programs(self) -> int:
        return max(8, math.ceil(self.accounts / 40))

    @property
    def static_lists(self) -> int:
        return max(4, math.ceil(self.accounts / 1000))

    @property
    def synced_programs(self) -> int:
        return min(self.campaigns, math.ceil(0.3 * self.programs))

    @property
    def overlinked_groups(self) -> int:
        """Emails claimed by more leads than the identity cap (51-60 each): identity_overlinked."""
        return 1 + self.accounts // 5000


# --------------------------------------------------------------------------------------------------------------
# arguments


def parse_end(text: str | date | datetime | None) -> datetime:
    """`end` as a naive UTC datetime: None is the start of today (UTC); text is YYYY-MM-DD or
    YYYY-MM-DD[T ]HH:MM[:SS] (UTC)."""
    if text is None:
        return datetime.combine(datetime.now(timezone.utc).date(), datetime.min.time())
    if isinstance(text, datetime):
        return text.astimezone(timezone.utc).replace(tzinfo=None) if text.tzinfo else text
    if isinstance(text, date):
        return datetime.combine(text, datetime.min.time())
    value = text.strip()
    for layout in ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    raise GeneratorError(f"--end must be a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM[:SS]), got {text!r}")


def check_settings(accounts: int, seed: int, activities_per_person: float) -> None:
    """GeneratorError when the numbers cannot make a data set."""
    if isinstance(accounts, bool) or not isinstance(accounts, int) or accounts < 1:
        raise GeneratorError(f"--accounts must be a whole number of at least 1, got {accounts!r}")
    if accounts > 1_000_000:
        raise GeneratorError(f"--accounts must be at most 1,000,000 (ids, the hash space and the memory cap are "
                             f"sized for it), got {accounts:,}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise GeneratorError(f"--seed must be a whole number, got {seed!r}")
    if not (isinstance(activities_per_person, (int, float)) and 0 <= activities_per_person <= 10_000):
        raise GeneratorError(f"--activities-per-person must be a number from 0 to 10000, got "
                             f"{activities_per_person!r}")


def check_batch(fraction: float, batch_id: int) -> None:
    if not (isinstance(fraction, (int, float)) and not isinstance(fraction, bool) and 0 < fraction <= 1):
        raise GeneratorError(f"--activity-batch FRACTION must be in (0, 1], got {fraction!r}")
    if isinstance(batch_id, bool) or not isinstance(batch_id, int) or batch_id < 0:
        raise GeneratorError(f"--batch-id must be a whole number of at least 0, got {batch_id!r}")


def check_out(out: str | os.PathLike, force: bool) -> Path:
    """The output folder; GeneratorError when it is a file, or a non-empty folder without `force`."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise GeneratorError(f"--out {path} exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise GeneratorError(f"--out {path} is not empty; pass --force to replace the raw table files in it")
    return path


# --------------------------------------------------------------------------------------------------------------
# SQL helpers


def _epoch_us(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)) / timedelta(microseconds=1))


def _hash32(*parts: object) -> int:
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _q(value: str | None) -> str:
    return "null" if value is None else quote_literal(value)


def _list(values: Iterable[str | None]) -> str:
    return "([" + ", ".join(_q(value) for value in values) + "]::varchar[])"


MASK32 = 0xFFFFFFFF


def _mix32(value: int) -> int:
    return (((value >> 16) ^ value) * 73244475) & MASK32


def _hash32_int(value: int) -> int:
    """The 32-bit integer hash of macro g_hash, in Python."""
    mixed = _mix32(_mix32(value))
    return (mixed >> 16) ^ mixed


def _stream_key(settings: Settings, stream: int) -> int:
    """The per-seed constant of a random stream: g_rnd(stream, i) is g_rndc(<this>, i)."""
    return _hash32_int((_hash32("cdp-generator", settings.seed) + stream * 40503) & MASK32)


class _Session:
    """A DuckDB connection whose SQL has each `g_rnd(<stream>, ...)` rewritten to `g_rndc(<stream key>, ...)`,
    the per-seed stream constant computed once here instead of in every expression (binding stays fast)."""

    STREAM = re.compile(r"\bg_rnd\((\d+),")

    def __init__(self, settings: Settings, con: duckdb.DuckDBPyConnection) -> None:
        self.settings = settings
        self.con = con
        for statement in _macros():
            con.execute(statement)

    def sql(self, text: str) -> str:
        return self.STREAM.sub(lambda match: f"g_rndc({_stream_key(self.settings, int(match.group(1)))},", text)

    def execute(self, text: str, parameters: list | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(self.sql(text), parameters)


def _macros() -> list[str]:
    """The session's macros. g_hash is a 32-bit integer mix (every intermediate stays below 2^63); g_rndc(key, id)
    hashes id (a non-negative BIGINT) with a stream key (see _stream_key) into a double in [0, 1)."""
    return [
        "create or replace macro g_mix(x) as ((xor(x >> 16, x) * 73244475) & 4294967295)",
        "create or replace macro g_hash(x) as xor(g_mix(g_mix(x)) >> 16, g_mix(g_mix(x)))",
        "create or replace macro g_rndc(key, i) as "
        "g_hash((((i) & 4294967295) * 1540483477 + ((i) >> 32) * 97 + key) & 4294967295) / 4294967296.0",
        "create or replace macro g_pick(l, u) as l[1 + cast(floor((u) * len(l)) as bigint)]",
        # A normal deviate (Box-Muller) from two uniforms.
        "create or replace macro g_normal(u1, u2) as sqrt(-2 * ln(1 - (u1))) * cos(2 * pi() * (u2))",
        "create or replace macro g_ts(us) as make_timestamp(cast(floor((us) / 1000000.0) as bigint) * 1000000)",
        "create or replace macro g_sfid(prefix, n) as prefix || '5g' || lpad(cast(n as varchar), 10, '0') || 'AAA'",
        # Sync delay: 1 to 30 minutes after the event.
        f"create or replace macro g_delay(u) as cast((60 + (u) * 1740) * {US_PER_SECOND} as bigint)",
    ]


def _dirt(table: str, stream: int, idx: str, n: str | None, protect: str = "false", pick: str | None = None
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


def _variants(condition: str) -> str:
    """SQL (a select-list item) repeating a row as _v = 0 (the current row) and, when `condition`, _v = 1 (an
    older version: a re-sent duplicate or a history-mode version)."""
    return f"unnest(case when {condition} then [0, 1] else [0] end) as _v"


def _missing_count(rows: int) -> int:
    return max(1, round(rows * MISSING_ID_RATE))


def _currency_case(amount_usd: str, currency: str) -> str:
    whens = " ".join(f"when '{code}' then round({amount_usd} * {rate}, {0 if code in ('JPY', 'INR') else 2})"
                     for code, rate in {**CURRENCY_RATES, **UNRATED_CURRENCIES}.items())
    return f"case {currency} {whens} else {amount_usd} end"


# --------------------------------------------------------------------------------------------------------------
# the world model


def _world(settings: Settings, con: _Session, full: bool = True) -> dict[str, int]:
    """Create the g_* tables; returns their sizes (persons, leads, ..., and "activities <i>": the base activities
    of each activity table). Without `full`, only what activities need (no memberships)."""
    s = settings
    n, t0, ev_max, day = s.accounts, s.start_us, s.event_max_us, US_PER_DAY
    con.execute(f"""
        create table g_account as
        with a0 as (
            select
                a,
                a % 10 = 0 as showcase,
                a % 20 = 5 as stalled,
                g_rnd(1, a) as u_tier,
                g_rnd(2, a) as u_src,
                g_rnd(3, a) as u_persons,
                g_rnd(14, a) as u_opps
            from range({n}) as t(a)
        ),
        a1 as (
            select
                *,
                case
                    when showcase or stalled or u_tier < 0.08 then 'enterprise'
                    when u_tier < 0.38 then 'mid'
                    else 'smb'
                end as tier,
                stalled or (not showcase and g_rnd(4, a) < 0.02) as dormant,
                case when showcase then 2 when u_src < 0.45 then 1 when u_src < 0.87 then 2 else 3 end as n_src,
                showcase or stalled or g_rnd(11, a) < 0.6 as sf0,
                g_pick({_list(ADJECTIVES)}, g_rnd(6, a)) as adj,
                g_pick({_list(NOUNS)}, g_rnd(7, a)) as noun,
                g_pick({_list(INDUSTRIES)}, g_rnd(8, a)) as industry,
                g_pick({_list(COUNTRIES)}, g_rnd(9, a)) as country,
                g_pick({_list(TLDS)}, g_rnd(10, a)) as tld,
                3 + cast(floor(15 * pow(u_persons, 1.3)) as bigint) as n_persons_drawn
            from a0
        ),
        a2 as (
            select
                *,
                case when showcase then false when g_rnd(12, a) < 0.75 then not sf0 else sf0 end as sf1,
                g_rnd(13, a) < 0.5 as sf2,
                tier = 'enterprise' and (showcase or g_rnd(5, a) < 0.6) as is_target,
                case when showcase or stalled then greatest(4, n_persons_drawn) else n_persons_drawn end as n_persons,
                case when showcase then 3 when stalled then 1 else 0 end as n_forced_opps,
                case tier
                    when 'enterprise' then 1 + cast(floor(7 * pow(u_opps, 1.2)) as bigint)
                    when 'mid' then cast(floor(4 * u_opps) as bigint)
                    else cast(floor(2.2 * pow(u_opps, 1.5)) as bigint)
                end as n_random_opps,
                row_number() over (partition by adj, noun order by a) as name_rank
            from a1
        )
        select
            a, showcase, stalled, tier, dormant, is_target, n_src, n_persons, n_forced_opps,
            n_forced_opps + n_random_opps as n_opps,
            adj || ' ' || noun as name,
            lower(adj || noun) || case when name_rank > 1 then cast(name_rank as varchar) else '' end || tld
                as domain,
            industry,
            country,
            'G-' || lpad(cast(a as varchar), 7, '0') as golden_id,
            [sf0, sf1, sf2] as sf_flags,
            (case when sf0 then [g_sfid('001', a * 3)] else []::varchar[] end)
            || (case when n_src >= 2 and sf1 then [g_sfid('001', a * 3 + 1)] else []::varchar[] end)
            || (case when n_src >= 3 and sf2 then [g_sfid('001', a * 3 + 2)] else []::varchar[] end) as sf_ids,
            (case when not sf0 then [cast(a * 3 + 1 as varchar)] else []::varchar[] end)
            || (case when n_src >= 2 and not sf1 then [cast(a * 3 + 2 as varchar)] else []::varchar[] end)
            || (case when n_src >= 3 and not sf2 then [cast(a * 3 + 3 as varchar)] else []::varchar[] end)
                as mk_ids,
            coalesce(sum(n_persons) over prior, 0) as person_start,
            coalesce(sum(n_forced_opps + n_random_opps) over prior, 0) as opp_start
        from a2
        window prior as (order by a rows between unbounded preceding and 1 preceding)
    """)
    con.execute(f"""
        create table g_source_account as
        with s0 as (
            select a, showcase, stalled, tier, name, domain, industry, country, golden_id, sf_flags,
                unnest(range(n_src)) as j
            from g_account
        ),
        s1 as (
            select *, a * 3 + j as sa, sf_flags[j + 1] as is_sf, showcase or stalled as protected from s0
        ),
        s2 as (
            select
                *,
                case when is_sf then g_sfid('001', sa) else cast(sa + 1 as varchar) end as source_id,
                protected or g_rnd(22, sa) < 0.8 as in_xw,
                row_number() over (partition by is_sf order by sa) - 1 as sys_idx,
                count(*) over (partition by is_sf) as sys_n,
                row_number() over (partition by is_sf, protected order by sa) - 1 as pick_idx,
                count(*) over (partition by is_sf, protected) as pick_n
            from s1
        ),
        s3 as (
            select
                *,
                case when is_sf then {_dirt('salesforce.account', 130, 'sys_idx', 'pick_n', 'protected', 'pick_idx')}
                    else {_dirt('marketo.company', 140, 'sys_idx', 'sys_n')} end as dirt,
                case when in_xw then golden_id
                    else (case when is_sf then 'salesforce:' else 'marketo:' end) || source_id end as unified_key,
                {t0} + g_rnd(23, sa) * ({ev_max} - {t0}) as updated_us
            from s2
        )
        select *, row_number() over (partition by in_xw order by sa) - 1 as xw_idx,
            count(*) over (partition by in_xw) as xw_n
        from s3
    """)
    con.execute(f"""
        create table g_person as
        with p0 as (
            select a, showcase, stalled, dormant, is_target, tier, name as company, domain, sf_ids, mk_ids,
                person_start, unnest(range(n_persons)) as j
            from g_account
        ),
        p1 as (
            select *, person_start + j as p, (showcase or stalled) and j = 0 as protected from p0
        ),
        p2 as (
            select
                *,
                g_pick({_list(FIRST_NAMES)}, g_rnd(30, p)) as first_name,
                g_pick({_list(LAST_NAMES)}, g_rnd(31, p)) as last_name,
                case when protected then 'VP Operations' else g_pick({_list(TITLES)}, g_rnd(32, p)) end as title,
                not protected and g_rnd(33, p) < 0.03 as freemail,
                len(sf_ids) > 0 and (protected or g_rnd(35, p) < 0.6) as has_contact,
                protected or g_rnd(34, p) < 0.85 as mk_drawn,
                case when len(mk_ids) > 0 and (protected or g_rnd(37, p) < 0.9)
                    then g_pick(mk_ids, g_rnd(38, p)) end as lead_company,
                g_rnd(48, p) < 0.2 as initial_style
            from p1
        ),
        p3 as (
            select
                *,
                not protected and g_rnd(36, p) < case when has_contact then 0.15 else 0.3 end as has_sflead
            from p2
        ),
        p4 as (
            select
                *,
                mk_drawn or not (has_contact or has_sflead) as has_mk,
                case when initial_style then lower(left(first_name, 1)) || lower(last_name)
                    else lower(first_name) || '.' || lower(last_name) end as local_part
            from p3
        ),
        p5 as (
            select
                *,
                row_number() over (partition by a, local_part order by j) as local_rank,
                sum(case when has_mk then 1 else 0 end) over upto - 1 as lead_idx0,
                sum(case when has_contact then 1 else 0 end) over upto - 1 as contact_idx0,
                sum(case when has_sflead then 1 else 0 end) over upto - 1 as sflead_idx0
            from p4
            window upto as (order by p rows between unbounded preceding and current row)
        )
        select
            a, j, p, protected, dormant, is_target, tier, company, domain, first_name, last_name, title,
            case
                when freemail then local_part || '.' || cast(p as varchar) || '@'
                    || g_pick({_list(FREE_MAIL_DOMAINS)}, g_rnd(47, p))
                else local_part || case when local_rank > 1 then cast(local_rank as varchar) else '' end
                    || '@' || domain
            end as email,
            lower(first_name) || '.' || lower(last_name) || '.' || cast(p as varchar) || '@'
                || g_pick({_list(FREE_MAIL_DOMAINS)}, g_rnd(49, p)) as personal_email,
            has_mk, has_contact, has_sflead,
            case when has_mk then lead_idx0 end as lead_idx,
            case when has_mk then cast(lead_idx0 + 1 as varchar) end as lead_id,
            case when has_contact then contact_idx0 end as contact_idx,
            case when has_contact then g_sfid('003', contact_idx0) end as contact_id,
            case when has_sflead then sflead_idx0 end as sflead_idx,
            case when has_sflead then g_sfid('00Q', sflead_idx0) end as sflead_id,
            case when has_contact then
                case when not protected and g_rnd(39, p) < 0.01 then null else g_pick(sf_ids, g_rnd(40, p)) end
            end as contact_account,
            lead_company,
            has_sflead and has_contact and g_rnd(41, p) < 0.6 as sflead_converted,
            has_mk and has_contact and (protected or g_rnd(42, p) < 0.7) as mk_synced_contact,
            has_mk and has_sflead and g_rnd(43, p) < 0.6 as mk_synced_lead,
            has_mk and has_contact and not protected and g_rnd(44, p) < 0.03 as lead_uses_personal_email,
            has_contact and not protected and g_rnd(45, p) < 0.04 as has_other_account,
            {t0} - 365 * {day} + g_rnd(70, p) * 1065 * {day} as created_us
        from p5
    """)
    [(persons, leads, contacts, sf_leads)] = con.execute(
        "select count(*), count(lead_idx), count(contact_idx), count(sflead_idx) from g_person").fetchall()
    mean_per_lead = s.activities_per_person * persons / max(leads, 1)
    counts = ",\n".join(
        f"cast(floor({mean_per_lead!r} * {share} * w + g_rnd({62 + index}, lead_idx)) as bigint) as n_{index}"
        for index, share in enumerate(ACTIVITY_MIX.values()))
    con.execute(f"""
        create table g_lead as
        with l0 as (
            select lead_idx, lead_id, p, a, dormant, created_us,
                least(30.0, exp(g_normal(g_rnd(60, lead_idx), g_rnd(61, lead_idx)) - 0.5)) as w
            from g_person
            where has_mk
        ),
        l1 as (
            select
                *,
                {counts},
                greatest(created_us, {t0}) as s0,
                case when dormant then {ev_max - 120 * day} else {ev_max} end as e_us
            from l0
        )
        select
            *,
            case when s0 > e_us - {day} then e_us - 30 * {day} else s0 end as s_us,
            n_0 + n_1 + n_2 + n_3 as n_all
        from l1
    """)
    con.execute("""
        create table g_account_range as
        select a, min(contact_idx) as c_start, count(contact_idx) as c_count, min(lead_idx) as l_start,
            count(lead_idx) as l_count
        from g_person
        group by a
    """)
    _opportunities(settings, con)
    _roles_and_targets(settings, con)
    _campaigns_and_programs(settings, con)
    # Each lead's activities are one block of ids per table; a target's new-product visits (n_t) are the last
    # visits of its block, so every activity table is one expansion of this table (no union: see _activity_tables).
    con.execute("""
        create table g_activity_lead as
        select
            l.*,
            coalesce(t.n_visits, 0) as n_t,
            coalesce(sum(l.n_0 + coalesce(t.n_visits, 0)) over prior, 0) as off_0,
            coalesce(sum(l.n_1) over prior, 0) as off_1,
            coalesce(sum(l.n_2) over prior, 0) as off_2,
            coalesce(sum(l.n_3) over prior, 0) as off_3
        from g_lead as l
        left join g_target as t on l.lead_idx = t.lead_idx
        window prior as (order by l.lead_idx rows between unbounded preceding and 1 preceding)
    """)
    sizes = {"accounts": n, "persons": persons, "marketo leads": leads, "salesforce contacts": contacts,
             "salesforce leads": sf_leads}
    for name, sql in [
        ("salesforce accounts", "select count(*) from g_source_account where is_sf"),
        ("marketo companies", "select count(*) from g_source_account where not is_sf"),
        ("golden accounts", "select count(distinct a) from g_source_account where in_xw"),
        ("opportunities", "select count(*) from g_opp"),
        ("accounts over $1M won", "select count(*) from g_big_key"),
        ("new-product visitors at >$1M accounts", "select count(*) from g_target"),
    ]:
        [(sizes[name],)] = con.execute(sql).fetchall()
    totals, sizes["targeted visits"] = _activity_totals(con)
    sizes.update({f"activities {index}": total for index, total in enumerate(totals)})
    if not full:
        return sizes
    _memberships(settings, con)
    con.execute(f"""
        create table g_acr as
        with direct as (
            select p, contact_idx, contact_id, contact_account as account_id, true as is_direct,
                contact_idx * 2 as acr_serial, g_rnd(210, contact_idx) < 0.97 as is_active
            from g_person
            where has_contact and contact_account is not null and g_rnd(211, p) < 0.5
        ),
        other as (
            select pe.p, pe.contact_idx, pe.contact_id, g_pick(b.sf_ids, g_rnd(212, pe.p)) as account_id,
                false as is_direct, pe.contact_idx * 2 + 1 as acr_serial, g_rnd(213, pe.p) < 0.9 as is_active
            from g_person as pe
            inner join g_account as b
                on b.a = (pe.a + 1 + cast(floor(g_rnd(46, pe.p) * ({n} - 1)) as bigint)) % {n}
            where pe.has_other_account and len(b.sf_ids) > 0 and not b.stalled and {n} > 1
        ),
        unioned as (
            select * from direct
            union all
            select * from other
        )
        select *, row_number() over (order by acr_serial) - 1 as acr_idx, count(*) over () as acr_n
        from unioned
    """)
    return sizes


def _opportunities(settings: Settings, con: _Session) -> None:
    """g_opp (every deal of either system) and g_big_key (unified accounts with over $1M won, as the pipeline will
    count them: deals that stay staged, on accounts that are not deleted, unified by the crosswalk)."""
    s = settings
    t0, ev_max, end, day = s.start_us, s.event_max_us, s.end_us, US_PER_DAY
    sf_dirt = _dirt("salesforce.opportunity", 150, "sys_idx", "pick_n", "forced", "pick_idx")
    mk_dirt = _dirt("marketo.opportunity", 160, "sys_idx", "pick_n", "forced", "pick_idx")
    con.execute(f"""
        create table g_opp as
        with o0 as (
            select a, showcase, stalled, tier, name as company, sf_ids, mk_ids, n_forced_opps, opp_start,
                unnest(range(n_opps)) as o
            from g_account
        ),
        o1 as (
            select *, opp_start + o as os, o < n_forced_opps as forced from o0
        ),
        o2 as (
            select
                *,
                case
                    when forced and showcase and o = 1 then 'marketo'
                    when forced then 'salesforce'
                    when len(sf_ids) > 0 and (len(mk_ids) = 0 or g_rnd(80, os) < 0.8) then 'salesforce'
                    else 'marketo'
                end as system,
                case
                    when forced and showcase and o < 2 then 'won'
                    when forced then 'open'
                    when g_rnd(82, os) < 0.35 then 'open'
                    when g_rnd(82, os) < 0.68 then 'won'
                    else 'lost'
                end as status,
                case
                    when forced and showcase and o = 0 then 850000 + 1000 * floor(150 * g_rnd(83, os))
                    when forced and showcase and o = 1 then 200000 + 1000 * floor(100 * g_rnd(83, os))
                    when forced and showcase then 300000 + 1000 * floor(300 * g_rnd(83, os))
                    when forced then 700000 + 1000 * floor(800 * g_rnd(83, os))
                    else greatest(500, 100 * round(
                        case tier when 'enterprise' then 1800 when 'mid' then 400 else 80 end
                        * exp(0.9 * g_normal(g_rnd(83, os), g_rnd(84, os)))))
                end as amount_usd
            from o1
        ),
        o3 as (
            select
                *,
                case
                    when system = 'salesforce' then
                        case when forced then sf_ids[1] else g_pick(sf_ids, g_rnd(81, os)) end
                    else case when forced then mk_ids[1] else g_pick(mk_ids, g_rnd(81, os)) end
                end as source_account,
                row_number() over (partition by system order by os) - 1 as sys_idx,
                row_number() over (partition by system, forced order by os) - 1 as pick_idx,
                count(*) over (partition by system, forced) as pick_n
            from o2
        ),
        o4 as (
            select
                *,
                case when system = 'salesforce' then {sf_dirt} else {mk_dirt} end as dirt,
                case
                    when status <> 'open' then {t0} + g_rnd(89, os) * ({ev_max - 3 * day - t0})
                    else {end} + (7 + g_rnd(89, os) * 263) * {day}
                end as close_us
            from o3
        ),
        o5 as (
            select
                *,
                case
                    when system = 'marketo' then null
                    when dirt = 'missing_currency_rate'
                        then g_pick({_list(UNRATED_CURRENCIES)}, g_rnd(86, os))
                    when forced then 'USD'
                    when g_rnd(85, os) < 0.05 or sys_idx % 37 = 11
                        then g_pick({_list(CURRENCY_RATES)}, g_rnd(86, os))
                    when g_rnd(85, os) < 0.12 then null
                    else 'USD'
                end as currency,
                dirt is null or dirt in ('duplicate_id', 'history_version') as revenue_valid
            from o4
        )
        select
            *,
            case when system = 'salesforce' then g_sfid('006', os) else 'MKTO-OPP-' || cast(os as varchar) end
                as opp_id,
            {_currency_case('amount_usd', 'currency')} as amount,
            case
                when status = 'won' then 'Closed Won'
                when status = 'lost' then 'Closed Lost'
                when forced and showcase then 'Negotiation/Review'
                when forced then 'Proposal/Price Quote'
                else g_pick({_list(OPEN_STAGES)}, g_rnd(88, os))
            end as stage,
            company || ' - ' || g_pick({_list(DEAL_KINDS)}, g_rnd(87, os)) as opp_name,
            case
                when status <> 'open' then least({ev_max}, close_us + g_rnd(90, os) * 3 * {day})
                when forced and stalled then {ev_max} - (150 + g_rnd(90, os) * 60) * {day}
                else {ev_max} - g_rnd(90, os) * 60 * {day}
            end as updated_us,
            system = 'salesforce' and len(mk_ids) > 0 and revenue_valid
                and ((forced and showcase) or (not forced and g_rnd(91, os) < 0.3)) as has_mk_copy,
            mk_ids[1] as mk_company
        from o5
    """)
    con.execute(f"""
        create table g_big_key as
        select sa.unified_key, sum(o.amount_usd) as won_usd
        from g_opp as o
        inner join g_source_account as sa on o.source_account = sa.source_id
        where o.status = 'won' and o.revenue_valid and coalesce(sa.dirt, '') <> 'deleted'
        group by sa.unified_key
        having sum(o.amount_usd) > {UPSELL_THRESHOLD_USD + 1000}
    """)


def _roles_and_targets(settings: Settings, con: _Session) -> None:
    """Opportunity contact roles (g_sf_role), Marketo opportunity roles (g_mk_role), and g_target: the leads of
    persons at >$1M accounts who visit the new product page in the last 30 days (a Decision Maker on an open deal
    is more likely to)."""
    con.execute(f"""
        create table g_sf_role as
        with r0 as (
            select
                o.*, r.c_start, r.c_count,
                case when o.forced then 0 else cast(floor(g_rnd(100, o.os) * r.c_count) as bigint) end as c0,
                least(r.c_count, case
                    when o.status = 'open' then 1 + cast(floor(2.5 * g_rnd(101, o.os)) as bigint)
                    else cast(floor(2.5 * g_rnd(101, o.os)) as bigint)
                end) as n_roles
            from g_opp as o
            inner join g_account_range as r on o.a = r.a
            where o.system = 'salesforce' and r.c_count > 0
        ),
        r1 as (
            select *, unnest(range(n_roles)) as m from r0
        )
        select
            os, a, opp_id, status, forced, dirt as opp_dirt, updated_us, m,
            c_start + (c0 + m) % c_count as contact_idx,
            os * 4 + m as role_serial,
            case
                when m = 0 and (forced or g_rnd(102, os * 4 + m) < 0.55) then 'Decision Maker'
                when m > 0 and g_rnd(102, os * 4 + m) < 0.1 then 'Decision Maker'
                else g_pick({_list(OTHER_ROLES)}, g_rnd(103, os * 4 + m))
            end as role,
            row_number() over (partition by forced order by os * 4 + m) - 1 as role_idx,
            count(*) over (partition by forced) as role_n
        from r1
    """)
    con.execute(f"""
        create table g_mk_role as
        with r0 as (
            select
                o.*, r.l_start, r.l_count,
                case when o.forced then 0 else cast(floor(g_rnd(104, o.os) * r.l_count) as bigint) end as l0,
                least(r.l_count, case
                    when o.status = 'open' then 1 + cast(floor(2 * g_rnd(105, o.os)) as bigint)
                    else cast(floor(1.5 * g_rnd(105, o.os)) as bigint)
                end) as n_roles
            from g_opp as o
            inner join g_account_range as r on o.a = r.a
            where (o.system = 'marketo' or o.has_mk_copy) and r.l_count > 0
        ),
        r1 as (
            select *, unnest(range(n_roles)) as m from r0
        )
        select
            os, a, opp_id, status, forced, dirt as opp_dirt, updated_us, m,
            l_start + (l0 + m) % l_count as lead_idx,
            os * 4 + m as role_serial,
            case
                when m = 0 and (forced or g_rnd(106, os * 4 + m) < 0.5) then 'Decision Maker'
                when m > 0 and g_rnd(106, os * 4 + m) < 0.1 then 'Decision Maker'
                else g_pick({_list(OTHER_ROLES)}, g_rnd(107, os * 4 + m))
            end as role,
            row_number() over (partition by forced order by os * 4 + m) - 1 as role_idx,
            count(*) over (partition by forced) as role_n
        from r1
    """)
    con.execute("""
        create table g_target as
        with dm_open as (
            select pe.p
            from g_sf_role as r
            inner join g_person as pe on pe.contact_idx = r.contact_idx
            where r.status = 'open' and r.role = 'Decision Maker'
                and coalesce(r.opp_dirt, 'duplicate_id') in ('duplicate_id', 'history_version')
            union
            select pe.p
            from g_mk_role as r
            inner join g_person as pe on pe.lead_idx = r.lead_idx
            where r.status = 'open' and r.role = 'Decision Maker'
                and coalesce(r.opp_dirt, 'duplicate_id') in ('duplicate_id', 'history_version')
        ),
        big_sources as (
            select sa.source_id
            from g_source_account as sa
            inner join g_big_key as b on sa.unified_key = b.unified_key
        ),
        candidates as (
            select pe.p, pe.lead_idx, pe.lead_id, pe.protected
            from g_person as pe
            where pe.has_mk and not pe.dormant and (
                pe.lead_company in (select source_id from big_sources)
                or (pe.mk_synced_contact and pe.contact_account in (select source_id from big_sources))
            )
        ),
        chosen as (
            select c.lead_idx, c.lead_id, c.p, 1 + cast(floor(3 * g_rnd(97, c.p)) as bigint) as n_visits
            from candidates as c
            left join dm_open as d on c.p = d.p
            where c.protected or (d.p is not null and g_rnd(96, c.p) < 0.8) or g_rnd(96, c.p) < 0.25
        )
        select *, row_number() over (order by lead_idx) - 1 as target_idx from chosen
    """)


def _campaigns_and_programs(settings: Settings, con: _Session) -> None:
    """Salesforce campaigns (g_campaign) and Marketo programs (g_program), ~30 % of them synced to a campaign."""
    s = settings
    t0, ev_max, end, day = s.start_us, s.event_max_us, s.end_us, US_PER_DAY
    campaigns, programs, synced = s.campaigns, s.programs, s.synced_programs
    con.execute(f"""
        create table g_campaign as
        with c0 as (
            select
                k,
                {t0} + (k + g_rnd(170, k)) / {campaigns} * {end + 60 * day - t0} as start_us,
                {_list(CAMPAIGN_TYPES)}[1 + k % {len(CAMPAIGN_TYPES)}] as ctype,
                g_pick({_list(TOPICS)}, g_rnd(171, k)) as topic
            from range({campaigns}) as t(k)
        ),
        c1 as (
            select *, start_us + (1 + floor(g_rnd(172, k) * 30)) * {day} as end_us from c0
        )
        select
            *,
            g_sfid('701', k) as campaign_id,
            'Q' || cast(quarter(g_ts(start_us)) as varchar) || ' ' || cast(year(g_ts(start_us)) as varchar) || ' '
                || topic || ' ' || ctype as name,
            case when end_us < {end} then 'Completed' when start_us > {end} then 'Planned' else 'In Progress' end
                as status,
            least({ev_max}, greatest({t0}, start_us - g_rnd(173, k) * 20 * {day})) as updated_us
        from c1
    """)
    own_kinds = [("Event", "Webinar"), ("Engagement", "Nurture"), ("Email", "Email Blast"), ("Default", "Content")]
    own_name = ("case k0.k % 4 when 0 then k0.topic || ' Webinar Series' when 1 then 'Nurture - ' || k0.topic "
                "when 2 then k0.topic || ' Newsletter' else 'Content - ' || k0.topic || ' Whitepaper' end")
    synced_channel = ("case c.ctype when 'Webinar' then 'Webinar' when 'Trade Show' then 'Trade Show' "
                      "when 'Email' then 'Email Blast' when 'Conference' then 'Conference' else 'Direct Mail' end")
    synced_type = "case c.ctype when 'Email' then 'Email' when 'Direct Mail' then 'Default' else 'Event' end"
    con.execute(f"""
        create table g_program as
        with k0 as (
            select k, g_pick({_list(TOPICS)}, g_rnd(190, k)) as topic from range({programs}) as t(k)
        )
        select
            k0.k,
            cast(1000 + k0.k as varchar) as program_id,
            k0.k < {synced} as synced,
            case when k0.k < {synced} then c.campaign_id end as sfdc_id,
            case when k0.k < {synced} then c.name || ' (Marketo)' else {own_name} end
                as name,
            case when k0.k < {synced} then {synced_type}
                else {_list(kind for kind, _ in own_kinds)}[1 + k0.k % 4] end as ptype,
            case when k0.k < {synced} then {synced_channel}
                else {_list(channel for _, channel in own_kinds)}[1 + k0.k % 4] end as channel,
            case when k0.k < {synced} then greatest({t0 - 30 * day}, c.start_us - 20 * {day})
                else {t0} + k0.k / {programs} * {ev_max - t0} end as created_us
        from k0
        left join g_campaign as c on c.k = k0.k
    """)


def _memberships(settings: Settings, con: _Session) -> None:
    """Campaign members (g_cm), program memberships (g_pm) and static list memberships (g_lm)."""
    s = settings
    t0, ev_max, day = s.start_us, s.event_max_us, US_PER_DAY
    campaigns, programs, lists = s.campaigns, s.programs, s.static_lists
    statuses = " ".join(f"when '{kind}' then {_list(values)}" for kind, values in CAMPAIGN_STATUSES.items())
    con.execute(f"""
        create table g_cm as
        with rec as (
            select p, contact_idx * 2 as r, contact_id, null::varchar as member_lead_id from g_person
            where has_contact
            union all
            select p, sflead_idx * 2 + 1 as r, null::varchar as contact_id, sflead_id as member_lead_id
            from g_person
            where has_sflead
        ),
        r0 as (
            select
                *,
                least({campaigns}, cast(floor(4 * pow(g_rnd(180, r), 2)) as bigint)) as n_m,
                cast(floor(g_rnd(181, r) * {campaigns}) as bigint) as c0
            from rec
        ),
        r1 as (
            select *, unnest(range(n_m)) as m from r0
        ),
        r2 as (
            select r1.*, r * 4 + m as cm_serial, c.campaign_id, c.ctype, c.start_us
            from r1
            inner join g_campaign as c on c.k = (r1.c0 + r1.m) % {campaigns}
        )
        select
            *,
            g_pick(case ctype {statuses} end, g_rnd(182, cm_serial)) as status,
            least({ev_max - day}, greatest({t0}, start_us - g_rnd(183, cm_serial) * 20 * {day})) as created_us,
            row_number() over (order by cm_serial) - 1 as cm_idx,
            count(*) over () as cm_n
        from r2
    """)
    program_statuses = " ".join(f"when '{channel}' then {_list(values)}"
                                for channel, (values, _) in PROGRAM_STATUSES.items())
    con.execute(f"""
        create table g_pm as
        with l0 as (
            select lead_idx, lead_id, created_us,
                least({programs}, cast(floor(5 * pow(g_rnd(191, lead_idx), 2)) as bigint)) as n_m,
                cast(floor(g_rnd(192, lead_idx) * {programs}) as bigint) as k0
            from g_person
            where has_mk
        ),
        l1 as (
            select *, unnest(range(n_m)) as m from l0
        ),
        l2 as (
            select l1.*, lead_idx * 5 + m as pm_serial, pr.program_id, pr.channel, pr.created_us as program_us
            from l1
            inner join g_program as pr on pr.k = (l1.k0 + l1.m) % {programs}
        )
        select
            *,
            g_pick(case channel {program_statuses} end, g_rnd(193, pm_serial)) as status,
            least({ev_max}, greatest(program_us, created_us) + g_rnd(194, pm_serial) * 60 * {day}) as joined_us,
            row_number() over (order by pm_serial) - 1 as pm_idx,
            count(*) over () as pm_n
        from l2
    """)
    con.execute(f"""
        create table g_lm as
        with l0 as (
            select lead_idx, lead_id, created_us,
                is_target and g_rnd(200, lead_idx) < 0.85 as on_target,
                cast(floor(2.5 * pow(g_rnd(201, lead_idx), 3)) as bigint) as n_other,
                cast(floor(g_rnd(202, lead_idx) * {lists - 1}) as bigint) as k0
            from g_person
            where has_mk
        ),
        l1 as (
            select *, unnest(range(case when on_target then 1 else 0 end + least(n_other, {lists - 1}))) as m
            from l0
        )
        select
            *,
            case when on_target and m = 0 then 0
                else 1 + (k0 + m - case when on_target then 1 else 0 end) % {lists - 1} end as k,
            lead_idx * 4 + m as lm_serial,
            least({ev_max}, greatest(created_us, {t0}) + g_rnd(203, lead_idx * 4 + m) * 90 * {day}) as added_us,
            row_number() over (order by lead_idx * 4 + m) - 1 as lm_idx,
            count(*) over () as lm_n
        from l1
    """)


# --------------------------------------------------------------------------------------------------------------
# the raw tables (each a SELECT of the contract columns, the sort keys _k1, _k2, _k3 and, for person records,
# the row's dirty kind _dirt: see INTERNAL_COLUMNS)


def _invalid_email(email: str, u: str) -> str:
    """SQL: a broken version of `email` (no dot in the domain, no @, a space, two @s): invalid_email."""
    local, domain = f"split_part({email}, '@', 1)", f"split_part({email}, '@', 2)"
    return (f"[{local} || '@' || replace({domain}, '.', ''), replace({email}, '@', ' at '), "
            f"{local} || ' @' || {domain}, {local} || '@@' || {domain}][1 + cast(floor({u} * 4) as bigint)]")


def _placeholder_email(domain: str, u: str) -> str:
    """SQL: a placeholder address (seed placeholder_emails): a known address, or a placeholder local part."""
    return (f"case when {u} < 0.5 then g_pick({_list(PLACEHOLDER_EMAILS)}, {u} * 2) "
            f"else g_pick({_list(PLACEHOLDER_LOCAL_PARTS)}, {u} * 2 - 1) || '@' || {domain} end")


def _role_email(domain: str, u: str) -> str:
    """SQL: a shared mailbox at the company's domain (seed role_email_local_parts)."""
    return f"g_pick({_list(ROLE_LOCAL_PARTS)}, {u}) || '@' || {domain}"


def _email_with_noise(email: str, u: str) -> str:
    """SQL: the address as people type it: mostly as is, some capitalised, some upper case, some padded with spaces
    (all normalise to the same identity)."""
    return (f"case when {u} < 0.08 then upper(left({email}, 1)) || substr({email}, 2) "
            f"when {u} < 0.11 then ' ' || {email} || ' ' when {u} < 0.13 then upper({email}) else {email} end")


def _record_email(table: str, email: str, domain: str, idx: str, stream: int) -> str:
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


def _older(updated: str, key: str, stream: int) -> str:
    """SQL: the row's update time; the older version (_v = 1) is 1 to 60 days earlier."""
    return f"{updated} - case when _v = 1 then (1 + g_rnd({stream}, {key}) * 59) * {US_PER_DAY} else 0 end"


def _active() -> str:
    return "not (_v = 1 and dirt = 'history_version')"


def _resent_sync(at: str, key: str, stream: int) -> str:
    """SQL: _fivetran_synced a little after `at`; a re-sent duplicate's current copy (_v = 0) 20 minutes later
    than its older copy, for tables whose versions are ranked by the sync time."""
    return (f"g_ts({at} + g_delay(g_rnd({stream}, {key})) "
            f"+ case when dirt = 'duplicate_id' and _v = 0 then {20 * US_PER_MINUTE} else 0 end)")


def _missing_id_rows(rows: int, columns: str) -> str:
    """SQL: the extra rows with an empty id (missing_required_id), `columns` over i in range(n)."""
    return f"select {columns}, null::bigint as _k1, 0 as _k2, i as _k3 from range({_missing_count(rows)}) as t(i)"


def _multiline_name(name: str, idx: str) -> str:
    """SQL: a deal name as some users type it: one in MULTILINE_EVERY (by `idx`) gets a second line with quotes and
    a comma. No rule reads the name, and a CSV file of the table then has quoted fields with a line break."""
    return (f"case when {idx} % {MULTILINE_EVERY} = 1 "
            f"then {name} || chr(10) || '\"Phase 2\", per the renewal terms' else {name} end")


def _base_tables(settings: Settings, sizes: dict[str, int], email_names: str) -> dict[tuple[str, str], str]:
    """(source, table) -> SQL of every raw table of the base set (`email_names`: see _email_names)."""
    s = settings
    t0, ev, day = s.start_us, s.event_max_us, US_PER_DAY
    tables: dict[tuple[str, str], str] = {}

    # ---- marketo.lead: one per person in Marketo, dirty kinds, junk rows without an id, over-linked groups
    tables["marketo", "lead"] = f"""
        with l0 as (
            select *, row_number() over (partition by protected order by lead_idx) - 1 as pick_idx,
                count(*) over (partition by protected) as n_rows
            from g_person
            where has_mk
        ),
        l1 as (
            select *, {_dirt('marketo.lead', 300, 'lead_idx', 'n_rows', 'protected', 'pick_idx')} as dirt from l0
        ),
        l2 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")} from l1
        ),
        l3 as (
            select
                *,
                {_older(f"greatest(created_us, {t0}) + g_rnd(301, lead_idx) * ({ev} - greatest(created_us, {t0}))",
                        'lead_idx', 302)} as updated_us,
                case when lead_uses_personal_email then personal_email else email end as base_email
            from l2
        )
        select
            lead_id as id,
            {_record_email('marketo.lead', 'base_email', 'domain', 'lead_idx', 303)} as email,
            dirt as _dirt,
            first_name,
            last_name,
            company,
            case when _v = 1 then g_pick({_list(TITLES)}, g_rnd(304, lead_idx)) else title end as title,
            lead_company as external_company_id,
            case when mk_synced_lead then sflead_id end as sfdc_lead_id,
            case when dirt = 'orphan_contact_ref' then g_sfid('003', 9000000000 + lead_idx)
                when mk_synced_contact then contact_id end as sfdc_contact_id,
            g_rnd(305, lead_idx) < 0.04 as unsubscribed,
            g_rnd(306, lead_idx) < 0.015 as email_invalid,
            g_ts(created_us) as created_at,
            g_ts(updated_us) as updated_at,
            g_ts(updated_us + g_delay(g_rnd(307, lead_idx * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            lead_idx as _k1, _v as _k2, 0 as _k3
        from l3
        union all by name
        {_missing_id_rows(sizes['marketo leads'], f'''
            'visitor' || cast(i as varchar) || '@' || g_pick({_list(FREE_MAIL_DOMAINS)}, g_rnd(308, i)) as email,
            g_ts({t0} + g_rnd(309, i) * {ev - t0}) as updated_at,
            g_ts({t0} + g_rnd(309, i) * {ev - t0} + g_delay(g_rnd(310, i))) as _fivetran_synced,
            true as _fivetran_active''')}
        union all by name
        select
            cast(100000000 + grp * 1000 + i as varchar) as id,
            'badge-scans@expo-partners-' || cast(grp as varchar) || '.com' as email,
            'Expo Partners ' || cast(grp as varchar) as company,
            g_ts({t0} + g_rnd(311, grp * 1000 + i) * {ev - t0}) as created_at,
            g_ts({t0} + g_rnd(311, grp * 1000 + i) * {ev - t0}) as updated_at,
            g_ts({t0} + g_rnd(311, grp * 1000 + i) * {ev - t0} + g_delay(g_rnd(312, grp * 1000 + i)))
                as _fivetran_synced,
            true as _fivetran_active,
            100000000 + grp * 1000 + i as _k1, 0 as _k2, 0 as _k3
        from (
            select grp, unnest(range(51 + cast(floor(g_rnd(313, grp) * 10) as bigint))) as i
            from range({s.overlinked_groups}) as t(grp)
        )
    """

    # ---- salesforce.contact
    tables["salesforce", "contact"] = f"""
        with c0 as (
            select *, row_number() over (partition by protected order by contact_idx) - 1 as pick_idx,
                count(*) over (partition by protected) as n_rows
            from g_person
            where has_contact
        ),
        c1 as (
            select *, {_dirt('salesforce.contact', 320, 'contact_idx', 'n_rows', 'protected', 'pick_idx')} as dirt
            from c0
        ),
        c2 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")} from c1
        ),
        c3 as (
            select *, {_older(f'{t0} + g_rnd(321, contact_idx) * {ev - t0}', 'contact_idx', 322)} as updated_us
            from c2
        )
        select
            contact_id as id,
            {_record_email('salesforce.contact', 'email', 'domain', 'contact_idx', 323)} as email,
            dirt as _dirt,
            case when dirt = 'orphan_account_ref' then g_sfid('001', 9000000000 + contact_idx)
                else contact_account end as account_id,
            first_name,
            last_name,
            title,
            g_rnd(324, contact_idx) < 0.03 as has_opted_out_of_email,
            dirt = 'deleted' as is_deleted,
            g_ts(updated_us) as last_modified_date,
            g_ts(updated_us + g_rnd(325, contact_idx) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(updated_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(326, contact_idx * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            contact_idx as _k1, _v as _k2, 0 as _k3
        from c3
        union all by name
        {_missing_id_rows(sizes['salesforce contacts'], f'''
            'no.id.' || cast(i as varchar) || '@' || g_pick({_list(FREE_MAIL_DOMAINS)}, g_rnd(327, i)) as email,
            false as is_deleted,
            g_ts({t0} + g_rnd(328, i) * {ev - t0}) as last_modified_date,
            g_ts({t0} + g_rnd(328, i) * {ev - t0} + g_delay(g_rnd(329, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """

    # ---- salesforce.lead
    tables["salesforce", "lead"] = f"""
        with l0 as (
            select *, row_number() over (partition by protected order by sflead_idx) - 1 as pick_idx,
                count(*) over (partition by protected) as n_rows
            from g_person
            where has_sflead
        ),
        l1 as (
            select *, {_dirt('salesforce.lead', 340, 'sflead_idx', 'n_rows', 'protected', 'pick_idx')} as dirt from l0
        ),
        l2 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")} from l1
        ),
        l3 as (
            select *, {_older(f'{t0} + g_rnd(341, sflead_idx) * {ev - t0}', 'sflead_idx', 342)} as updated_us
            from l2
        )
        select
            sflead_id as id,
            {_record_email('salesforce.lead', 'email', 'domain', 'sflead_idx', 343)} as email,
            dirt as _dirt,
            first_name,
            last_name,
            company,
            title,
            sflead_converted or dirt = 'orphan_contact_ref' as is_converted,
            case when dirt = 'orphan_contact_ref' then g_sfid('003', 9100000000 + sflead_idx)
                when sflead_converted then contact_id end as converted_contact_id,
            case when sflead_converted or dirt = 'orphan_contact_ref' then contact_account end
                as converted_account_id,
            g_rnd(344, sflead_idx) < 0.03 as has_opted_out_of_email,
            dirt = 'deleted' as is_deleted,
            g_ts(updated_us) as last_modified_date,
            g_ts(updated_us + g_rnd(345, sflead_idx) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(updated_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(346, sflead_idx * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            sflead_idx as _k1, _v as _k2, 0 as _k3
        from l3
        union all by name
        {_missing_id_rows(sizes['salesforce leads'], f'''
            'lead.no.id.' || cast(i as varchar) || '@' || g_pick({_list(FREE_MAIL_DOMAINS)}, g_rnd(347, i)) as email,
            false as is_deleted,
            g_ts({t0} + g_rnd(348, i) * {ev - t0}) as last_modified_date,
            g_ts({t0} + g_rnd(348, i) * {ev - t0} + g_delay(g_rnd(349, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """

    # ---- salesforce.account and marketo.company: the source accounts
    websites = (f"[ 'https://www.' || domain, domain, 'http://' || domain || '/', 'www.' || domain]"
                f"[1 + cast(floor(g_rnd(351, sa) * 4) as bigint)]")
    tables["salesforce", "account"] = f"""
        with a0 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")}
            from g_source_account
            where is_sf
        ),
        a1 as (
            select
                *,
                {_older('updated_us', 'sa', 352)} as at_us,
                case tier
                    when 'enterprise' then 1000 + cast(floor(g_rnd(353, sa) * 49000) as bigint)
                    when 'mid' then 100 + cast(floor(g_rnd(353, sa) * 900) as bigint)
                    else 5 + cast(floor(g_rnd(353, sa) * 95) as bigint)
                end as employees
            from a0
        )
        select
            source_id as id,
            name || g_pick({_list(SALESFORCE_SUFFIXES)}, g_rnd(354, sa)) as name,
            {websites} as website,
            industry,
            employees as number_of_employees,
            round(employees * (100000 + g_rnd(355, sa) * 200000), -3) as annual_revenue,
            country as billing_country,
            dirt = 'deleted' as is_deleted,
            g_ts(at_us) as last_modified_date,
            g_ts(at_us + g_rnd(356, sa) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(at_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(357, sa * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            sa as _k1, _v as _k2, 0 as _k3
        from a1
        union all by name
        {_missing_id_rows(sizes['salesforce accounts'], f'''
            'Unknown Account ' || cast(i as varchar) as name,
            false as is_deleted,
            g_ts({t0} + g_rnd(358, i) * {ev - t0}) as last_modified_date,
            g_ts({t0} + g_rnd(358, i) * {ev - t0} + g_delay(g_rnd(359, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """
    tables["marketo", "company"] = f"""
        with c0 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")}
            from g_source_account
            where not is_sf
        ),
        c1 as (
            select *, {_older('updated_us', 'sa', 362)} as at_us from c0
        )
        select
            source_id as external_company_id,
            cast(900000 + sys_idx as varchar) as id,
            name as company,
            {websites} as website,
            industry,
            g_ts(at_us) as updated_at,
            g_ts(at_us + g_delay(g_rnd(363, sa * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            sa as _k1, _v as _k2, 0 as _k3
        from c1
        union all by name
        {_missing_id_rows(sizes['marketo companies'], f'''
            'Unknown Company ' || cast(i as varchar) as company,
            g_ts({t0} + g_rnd(364, i) * {ev - t0}) as updated_at,
            g_ts({t0} + g_rnd(364, i) * {ev - t0} + g_delay(g_rnd(365, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """

    # ---- opportunities
    history_stage = f"g_pick({_list(OPEN_STAGES)}, g_rnd(371, os))"
    tables["salesforce", "opportunity"] = f"""
        with o0 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")}
            from g_opp
            where system = 'salesforce'
        ),
        o1 as (
            select *, {_older('updated_us', 'os', 372)} as at_us, _v = 1 and dirt = 'history_version' as was_open
            from o0
        )
        select
            opp_id as id,
            case
                when dirt = 'orphan_account_ref' then g_sfid('001', 9200000000 + os)
                when dirt = 'missing_required_id' then null
                else source_account
            end as account_id,
            case when dirt = 'negative_amount' then -amount else amount end as amount,
            case when was_open then false else status = 'won' end as is_won,
            {_multiline_name('opp_name', 'sys_idx')} as name,
            case when was_open then {history_stage} else stage end as stage_name,
            case when was_open then false else status <> 'open' end as is_closed,
            cast(g_ts(close_us) as date) as close_date,
            dirt = 'deleted' as is_deleted,
            g_ts(at_us) as last_modified_date,
            g_ts(at_us + g_rnd(373, os) * {10 * US_PER_MINUTE}) as system_modstamp,
            currency as currency_iso_code,
            g_ts(at_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(374, os * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            os as _k1, _v as _k2, 0 as _k3
        from o1
    """
    tables["marketo", "opportunity"] = f"""
        with o0 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")}
            from g_opp
            where system = 'marketo'
            union all
            select *, 0 as _v
            from g_opp
            where has_mk_copy
        ),
        o1 as (
            select
                *,
                case when system = 'salesforce' then updated_us + g_delay(g_rnd(381, os))
                    else {_older('updated_us', 'os', 382)} end as at_us,
                system = 'marketo' and _v = 1 and dirt = 'history_version' as was_open,
                system = 'marketo' and dirt is not null as is_dirty
            from o0
        )
        select
            opp_id as external_opportunity_id,
            case when system = 'marketo' then source_account else mk_company end as external_company_id,
            case when is_dirty and dirt = 'negative_amount' then -amount_usd else amount_usd end as amount,
            case when was_open then false else status = 'won' end as is_won,
            cast(700000 + os as varchar) as id,
            opp_name as name,
            case when was_open then {history_stage} else stage end as stage,
            case when was_open then false else status <> 'open' end as is_closed,
            cast(g_ts(close_us) as date) as close_date,
            g_ts(at_us) as updated_at,
            g_ts(at_us + g_delay(g_rnd(383, os * 2 + _v))) as _fivetran_synced,
            case when is_dirty then {_active()} else true end as _fivetran_active,
            os as _k1, _v as _k2, 0 as _k3
        from o1
        union all by name
        {_missing_id_rows(sizes['opportunities'], f'''
            'MKTO-OPP-NOCOMPANY-' || cast(i as varchar) as external_opportunity_id,
            round(1000 + g_rnd(384, i) * 50000, -2) as amount,
            false as is_won,
            'Unassigned deal ' || cast(i as varchar) as name,
            g_ts({t0} + g_rnd(385, i) * {ev - t0}) as updated_at,
            g_ts({t0} + g_rnd(385, i) * {ev - t0} + g_delay(g_rnd(386, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """

    # ---- opportunity roles
    tables["salesforce", "opportunity_contact_role"] = f"""
        with r0 as (
            select r.*, pe.contact_id,
                {_dirt('salesforce.opportunity_contact_role', 390, 'r.role_serial', 'r.role_n', 'r.forced',
                       'r.role_idx')} as dirt
            from g_sf_role as r
            inner join g_person as pe on pe.contact_idx = r.contact_idx
        ),
        r1 as (
            select *, {_variants("dirt = 'duplicate_id'")} from r0
        )
        select
            case when dirt = 'orphan_opportunity_ref' then g_sfid('006', 9300000000 + role_serial) else opp_id end
                as opportunity_id,
            case
                when dirt = 'orphan_contact_ref' then g_sfid('003', 9300000000 + role_serial)
                when dirt = 'missing_required_id' then null
                else contact_id
            end as contact_id,
            g_sfid('00K', role_serial) as id,
            role,
            m = 0 as is_primary,
            dirt = 'deleted' as is_deleted,
            {_resent_sync('updated_us', 'role_serial', 391)} as _fivetran_synced,
            true as _fivetran_active,
            role_serial as _k1, _v as _k2, 0 as _k3
        from r1
    """
    tables["marketo", "opportunity_role"] = f"""
        with r0 as (
            select r.*, pe.lead_id,
                {_dirt('marketo.opportunity_role', 400, 'r.role_serial', 'r.role_n', 'r.forced', 'r.role_idx')} as dirt
            from g_mk_role as r
            inner join g_person as pe on pe.lead_idx = r.lead_idx
        ),
        r1 as (
            select *, {_variants("dirt = 'duplicate_id'")} from r0
        ),
        r2 as (
            select *, {_older('updated_us + ' + str(5 * US_PER_MINUTE), 'role_serial', 401)} as at_us from r1
        )
        select
            cast(role_serial + 1 as varchar) as id,
            case when dirt = 'orphan_opportunity_ref' then 'MKTO-OPP-GONE-' || cast(role_serial as varchar)
                else opp_id end as external_opportunity_id,
            case
                when dirt = 'orphan_lead_ref' then cast(1000000000 + role_serial as varchar)
                when dirt = 'missing_required_id' then null
                else lead_id
            end as lead_id,
            role,
            m = 0 as is_primary,
            g_ts(at_us) as updated_at,
            g_ts(at_us + g_delay(g_rnd(402, role_serial * 2 + _v))) as _fivetran_synced,
            true as _fivetran_active,
            role_serial as _k1, _v as _k2, 0 as _k3
        from r2
    """

    # ---- account_contact_relation
    tables["salesforce", "account_contact_relation"] = f"""
        with r0 as (
            select *, {_dirt('salesforce.account_contact_relation', 410, 'acr_idx', 'acr_n')} as dirt from g_acr
        ),
        r1 as (
            select *, {_variants("dirt = 'duplicate_id'")}, {t0} + g_rnd(411, acr_serial) * {ev - t0} as at_us
            from r0
        )
        select
            case
                when dirt = 'orphan_account_ref' then g_sfid('001', 9400000000 + acr_serial)
                when dirt = 'missing_required_id' then null
                else account_id
            end as account_id,
            case when dirt = 'orphan_contact_ref' then g_sfid('003', 9400000000 + acr_serial) else contact_id end
                as contact_id,
            g_sfid('07k', acr_serial) as id,
            g_pick({_list([None, None, 'Technical Buyer', 'Decision Maker', 'Influencer', 'Business User'])},
                g_rnd(412, acr_serial)) as roles,
            is_direct,
            is_active,
            dirt = 'deleted' as is_deleted,
            {_resent_sync('at_us', 'acr_serial', 413)} as _fivetran_synced,
            true as _fivetran_active,
            acr_serial as _k1, _v as _k2, 0 as _k3
        from r1
    """

    # ---- campaigns and members
    tables["salesforce", "campaign"] = f"""
        with c0 as (
            select *, {_dirt('salesforce.campaign', 420, 'k', str(s.campaigns))} as dirt from g_campaign
        ),
        c1 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")} from c0
        ),
        c2 as (
            select *, {_older('updated_us', 'k', 421)} as at_us from c1
        )
        select
            campaign_id as id,
            name,
            ctype as type,
            case when _v = 1 then 'Planned' else status end as status,
            cast(g_ts(start_us) as date) as start_date,
            cast(g_ts(end_us) as date) as end_date,
            status = 'In Progress' and _v = 0 as is_active,
            dirt = 'deleted' as is_deleted,
            g_ts(at_us) as last_modified_date,
            g_ts(at_us + g_rnd(422, k) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(at_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(423, k * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            k as _k1, _v as _k2, 0 as _k3
        from c2
    """
    tables["salesforce", "campaign_member"] = f"""
        with m0 as (
            select *, {_dirt('salesforce.campaign_member', 430, 'cm_idx', 'cm_n')} as dirt from g_cm
        ),
        m1 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")} from m0
        ),
        m2 as (
            select
                *,
                case when _v = 1 then 'Sent' else status end as member_status,
                {_older(f'least({ev}, created_us + g_rnd(431, cm_serial) * 10 * {day})', 'cm_serial', 432)}
                    as at_us
            from m1
        )
        select
            g_sfid('00v', cm_serial) as id,
            case
                when dirt = 'orphan_campaign_ref' then g_sfid('701', 9500000000 + cm_serial)
                when dirt = 'missing_required_id' then null
                else campaign_id
            end as campaign_id,
            case
                when dirt = 'orphan_lead_ref' then g_sfid('00Q', 9500000000 + cm_serial)
                when dirt = 'orphan_contact_ref' then null
                else member_lead_id
            end as lead_id,
            case
                when dirt = 'orphan_contact_ref' then g_sfid('003', 9500000000 + cm_serial)
                when dirt = 'orphan_lead_ref' then null
                else contact_id
            end as contact_id,
            member_status as status,
            member_status in {tuple(RESPONDED_STATUSES)} as has_responded,
            g_ts(created_us) as created_date,
            dirt = 'deleted' as is_deleted,
            g_ts(at_us) as last_modified_date,
            g_ts(at_us + g_rnd(433, cm_serial) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(at_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(434, cm_serial * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            cm_serial as _k1, _v as _k2, 0 as _k3
        from m2
    """

    # ---- currency_type: a fixed list (USD corporate; CHF inactive, BRL without a rate, ZAR at 0; EUR re-sent
    # with an older rate; an older GBP version under history mode)
    rates = [("USD", 1.0, True, True, 400, True, 0)]
    rates += [(code, rate, False, True, 30, True, 0) for code, rate in CURRENCY_RATES.items()]
    rates += [("CHF", UNRATED_CURRENCIES["CHF"], False, False, 200, True, 0), ("BRL", None, False, True, 60, True, 0),
              ("ZAR", 0.0, False, True, 90, True, 0), ("EUR", 0.91, False, True, 120, True, 1),
              ("GBP", 0.81, False, True, 150, False, 1)]
    values = ", ".join(
        f"('{code}', {'null' if rate is None else rate}::double, {corporate}, {active}, {days_ago}, {current}, {v})"
        for code, rate, corporate, active, days_ago, current, v in rates)
    tables["salesforce", "currency_type"] = f"""
        select
            code as iso_code,
            rate as conversion_rate,
            corporate as is_corporate,
            active as is_active,
            g_ts({ev} - days_ago * {day}) as last_modified_date,
            g_ts({ev} - days_ago * {day}) as system_modstamp,
            g_ts({ev} - days_ago * {day} + {15 * US_PER_MINUTE}) as _fivetran_synced,
            current as _fivetran_active,
            code as _k1, v as _k2, 0 as _k3
        from (values {values}) as t(code, rate, corporate, active, days_ago, current, v)
    """

    # ---- Marketo programs, static lists and memberships
    tables["marketo", "program"] = f"""
        with p0 as (
            select *, {_dirt('marketo.program', 440, 'k', str(s.programs))} as dirt from g_program
        ),
        p1 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")} from p0
        ),
        p2 as (
            select
                *,
                {_older(f'least({ev}, created_us + g_rnd(441, k) * 90 * {day})', 'k', 442)} as at_us
            from p1
        )
        select
            program_id as id,
            name,
            ptype as type,
            channel,
            sfdc_id,
            g_ts(created_us) as created_at,
            g_ts(greatest(at_us, created_us)) as updated_at,
            g_ts(greatest(at_us, created_us) + g_delay(g_rnd(443, k * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            k as _k1, _v as _k2, 0 as _k3
        from p2
    """
    successes = tuple(success for _, success in PROGRAM_STATUSES.values())
    tables["marketo", "program_membership"] = f"""
        with m0 as (
            select *, {_dirt('marketo.program_membership', 450, 'pm_idx', 'pm_n')} as dirt from g_pm
        ),
        m1 as (
            select *, {_variants("dirt = 'duplicate_id'")} from m0
        )
        select
            case
                when dirt = 'orphan_program_ref' then cast(900000000 + pm_serial as varchar)
                when dirt = 'missing_required_id' then null
                else program_id
            end as program_id,
            case when dirt = 'orphan_lead_ref' then cast(1000000000 + pm_serial as varchar) else lead_id end
                as lead_id,
            status,
            status in {successes} as reached_success,
            g_ts(joined_us) as membership_date,
            {_resent_sync('joined_us', 'pm_serial', 451)} as _fivetran_synced,
            true as _fivetran_active,
            pm_serial as _k1, _v as _k2, 0 as _k3
        from m1
    """
    list_names = ["Q3 Target Accounts", "Event follow-up", "Newsletter subscribers", "Customer Advisory Board",
                  "Trade show leads", "Webinar no-shows", "Partner referrals", "Re-engagement"]
    tables["marketo", "static_list"] = f"""
        with l0 as (
            select
                k,
                case when k < {len(list_names)} then {_list(list_names)}[k + 1]
                    else {_list(list_names[1:])}[1 + k % {len(list_names) - 1}] || ' ' || cast(k as varchar)
                end as name,
                {t0} + k / {s.static_lists} * {ev - t0} as created_us,
                {_dirt('marketo.static_list', 460, 'k', str(s.static_lists))} as dirt
            from range({s.static_lists}) as t(k)
        ),
        l1 as (
            select *, {_variants("dirt in ('duplicate_id', 'history_version')")} from l0
        ),
        l2 as (
            select *, {_older(f'least({ev}, created_us + g_rnd(461, k) * 30 * {day})', 'k', 462)} as at_us from l1
        )
        select
            cast(2000 + k as varchar) as id,
            case when _v = 1 then name || ' (draft)' else name end as name,
            g_ts(created_us) as created_at,
            g_ts(greatest(at_us, created_us)) as updated_at,
            g_ts(greatest(at_us, created_us) + g_delay(g_rnd(463, k * 2 + _v))) as _fivetran_synced,
            {_active()} as _fivetran_active,
            k as _k1, _v as _k2, 0 as _k3
        from l2
    """
    tables["marketo", "list_membership"] = f"""
        with m0 as (
            select *, {_dirt('marketo.list_membership', 470, 'lm_idx', 'lm_n')} as dirt from g_lm
        ),
        m1 as (
            select *, {_variants("dirt = 'duplicate_id'")} from m0
        )
        select
            case
                when dirt = 'orphan_list_ref' then cast(800000000 + lm_serial as varchar)
                when dirt = 'missing_required_id' then null
                else cast(2000 + k as varchar)
            end as list_id,
            case when dirt = 'orphan_lead_ref' then cast(1000000000 + lm_serial as varchar) else lead_id end
                as lead_id,
            g_ts(added_us) as created_at,
            {_resent_sync('added_us', 'lm_serial', 471)} as _fivetran_synced,
            true as _fivetran_active,
            lm_serial as _k1, _v as _k2, 0 as _k3
        from m1
    """

    # ---- MDM: crosswalk rows for ~80 % of the source accounts, each dirty kind an extra row; golden accounts
    tables["mdm", "account_crosswalk"] = f"""
        with x0 as (
            select * exclude (dirt), {_dirt('mdm.account_crosswalk', 480, 'xw_idx', 'xw_n')} as dirt
            from g_source_account
            where in_xw
        ),
        x1 as (
            select *, {_variants('dirt is not null')} from x0
        ),
        x2 as (
            select
                *,
                case when is_sf then 'salesforce' else 'marketo' end as system,
                {t0} + g_rnd(481, sa) * {ev - t0} as mapped_us
            from x1
        )
        select
            case
                when _v = 0 or dirt in ('duplicate_id', 'orphan_account_ref', 'missing_required_id') then golden_id
                when dirt = 'mdm_conflict' then 'G-' || lpad(cast((a + 1) % {s.accounts} as varchar), 7, '0')
                when dirt = 'invalid_source_system' then golden_id
                else 'G-OLD-' || cast(sa as varchar)
            end as golden_account_id,
            case when _v = 1 and dirt = 'invalid_source_system' then 'hubspot' else system end as source_system,
            case
                when _v = 0 or dirt in ('duplicate_id', 'mdm_conflict', 'inactive_mapping') then source_id
                when dirt = 'orphan_account_ref'
                    then case when is_sf then g_sfid('001', 9600000000 + sa) else cast(700000000 + sa as varchar) end
                when dirt = 'invalid_source_system' then 'HS-' || cast(sa as varchar)
            end as source_account_id,
            not (_v = 1 and dirt = 'inactive_mapping') as is_active,
            g_ts(case when _v = 1 and dirt <> 'orphan_account_ref' then mapped_us - 30 * {day} else mapped_us end)
                as updated_at,
            sa as _k1, _v as _k2, 0 as _k3
        from x2
    """
    tables["mdm", "golden_account"] = f"""
        with g0 as (
            select a.a, a.golden_id, a.name, a.domain, a.industry, a.country,
                row_number() over (order by a.a) - 1 as g_idx, count(*) over () as g_n
            from g_account as a
            where exists (select 1 from g_source_account as sa where sa.a = a.a and sa.in_xw)
        ),
        g1 as (
            select *, {_dirt('mdm.golden_account', 490, 'g_idx', 'g_n')} as dirt from g0
        ),
        g2 as (
            select *, {_variants("dirt = 'duplicate_id'")} from g1
        )
        select
            golden_id as golden_account_id,
            case when _v = 1 then upper(name) else name end as name,
            case when _v = 1 then 'www.' || domain else domain end as domain,
            industry,
            country,
            g_ts({_older(f'{t0} + g_rnd(491, a) * {ev - t0}', 'a', 492)}) as updated_at,
            a as _k1, _v as _k2, 0 as _k3
        from g2
        union all by name
        select
            null as golden_account_id,
            'Unmatched company ' || cast(i as varchar) as name,
            g_ts({t0} + g_rnd(493, i) * {ev - t0}) as updated_at,
            null::bigint as _k1, 0 as _k2, i as _k3
        from range({_missing_count(sizes['golden accounts'])}) as t(i)
    """
    tables.update(_activity_tables(settings, sizes, email_names))
    return tables


def _page_columns(stream: int, serial: str, missing_url: str, targeted: str) -> str:
    """SQL select items of a web visit: page URL and name (weighted PAGES), a new-product page when `targeted`,
    no URL when `missing_url`."""
    weighted = [(path, name) for path, name, weight in PAGES for _ in range(weight)]
    paths, names = _list(path for path, _ in weighted), _list(name for _, name in weighted)
    page = f"1 + cast(floor(g_rnd({stream}, {serial}) * {len(weighted)}) as bigint)"
    new_page = f"1 + cast(floor(g_rnd({stream}, {serial}) * {len(NEW_PRODUCT_PAGES)}) as bigint)"
    return (f"case when {targeted} then '{SITE}' || {_list(path for path, _ in NEW_PRODUCT_PAGES)}[{new_page}] "
            f"when {missing_url} then null else '{SITE}' || {paths}[{page}] end as webpage_url, "
            f"case when {targeted} then {_list(name for _, name in NEW_PRODUCT_PAGES)}[{new_page}] "
            f"else {names}[{page}] end as primary_attribute_value")


def _activity_details(table: str, serial: str, stream: int, email_names: str,
                      missing_url: str = "dirt = 'missing_webpage_url'", targeted: str = "false") -> str:
    """SQL select items of an activity's own columns (everything but id, lead, time and loader columns): a visit's
    page (a new-product page when `targeted`, none when `missing_url`), query and referrer; a form and its page;
    the email of an open or click, one of `email_names` (a list literal)."""
    if table == "activity_visit_webpage":
        return (_page_columns(stream, serial, missing_url, targeted) + ", "
                f"g_pick({_list(QUERY_PARAMETERS)}, g_rnd({stream + 1}, {serial})) as query_parameters, "
                f"g_pick({_list(REFERRERS)}, g_rnd({stream + 2}, {serial})) as referrer_url")
    if table == "activity_fill_out_form":
        form = f"1 + cast(floor(g_rnd({stream}, {serial}) * {len(FORMS)}) as bigint)"
        return (f"{_list(name for name, _ in FORMS)}[{form}] as primary_attribute_value, "
                f"'{SITE}' || {_list(path for _, path in FORMS)}[{form}] as webpage_url")
    return (f"g_pick({email_names}, g_rnd({stream}, {serial})) || '.Email ' "
            f"|| cast(1 + cast(floor(g_rnd({stream + 1}, {serial}) * 3) as bigint) as varchar) "
            f"as primary_attribute_value")


def _email_names(con: _Session) -> str:
    """SQL: the email names of opens and clicks ('<program>.Email <n>' in Marketo), as a list literal."""
    names = [row[0] for row in con.execute(
        "select name from g_program where channel in ('Nurture', 'Email Blast', 'Webinar') order by k").fetchall()]
    return _list(names or ["Newsletter"])


def _activity_totals(con: _Session) -> tuple[list[int], int]:
    """Per activity table the number of base activities (distinct ids, targeted visits included), and the
    number of targeted new-product visits."""
    [row] = con.execute("select sum(n_0 + n_t), sum(n_1), sum(n_2), sum(n_3), sum(n_t) from g_activity_lead"
                        ).fetchall()
    values = [int(value or 0) for value in row]
    return values[:4], values[4]


def _activity_tables(settings: Settings, sizes: dict[str, int], email_names: str) -> dict[tuple[str, str], str]:
    """The four activity tables. Lead l's activities of table i are the ids base_i + off_i(l) + 1 ... + n_i(l)
    (base_i: the activities of the tables before it), at times over the lead's active window; for a target
    (persons at >$1M accounts, g_target) the last n_t visits are new-product page visits in the last 29 days.

    These are the tables too large to sort in memory, so each is written ORDER BY its key in a way that spills to
    disk cheaply: a single expansion of g_activity_lead (DuckDB 2.0 cannot spill an ORDER BY over a UNION), sorted
    on its compact columns only (serial, version, lead, dirt, time) in a subquery; the outer SELECT computes the
    wide text columns and keeps that order (SELECT and COPY preserve row order), so _Run.write adds no sort of
    its own (PRESORTED)."""
    s = settings
    totals = [sizes[f"activities {index}"] for index in range(4)]
    bases = [sum(totals[:index]) for index in range(4)]
    recent, ev = s.end_us - 29 * US_PER_DAY, s.event_max_us
    tables = {}
    for index, table in enumerate(ACTIVITY_MIX):
        stream = 500 + 20 * index
        visits = table == "activity_visit_webpage"
        kinds = "marketo.activity_visit_webpage" if visits else "marketo.activity"
        rows = "n_0 + n_t" if visits else f"n_{index}"
        targeted = "j >= n_0" if visits else "false"
        details = _activity_details(table, "serial", stream + 4, email_names, targeted="targeted")
        tables["marketo", table] = f"""
            select
                cast(serial + 1 as varchar) as id,
                case
                    when dirt = 'orphan_lead_ref' then cast(1000000000 + serial as varchar)
                    when dirt = 'missing_required_id' then null
                    else lead_id
                end as lead_id,
                case when dirt = 'missing_required_value' then null else g_ts(at_us) end as activity_date,
                {details},
                {_resent_sync('at_us', 'serial', stream + 8)} as _fivetran_synced,
                true as _fivetran_active,
                serial as _k1, _v as _k2, 0 as _k3
            from (
            with a0 as (
                select lead_idx, lead_id, s_us, e_us, n_0, off_{index}, unnest(range({rows})) as j
                from g_activity_lead
                where {rows} > 0
            ),
            a1 as (
                select *, {bases[index]} + off_{index} + j as serial, {targeted} as targeted from a0
            ),
            a2 as (
                select *, case when targeted then null else {_dirt(kinds, stream, 'serial', None)} end as dirt
                from a1
            ),
            a3 as (
                select
                    *,
                    {_variants("dirt = 'duplicate_id'")},
                    case
                        when targeted then {recent} + g_rnd({stream + 3}, serial) * {ev - recent}
                        else s_us + (e_us - s_us) * pow(g_rnd({stream + 3}, serial), 0.6)
                    end as at_us
                from a2
            )
            select serial, _v, lead_id, dirt, targeted, at_us from a3 order by serial, _v
            ) as sorted
        """
    return tables


# --------------------------------------------------------------------------------------------------------------
# activity batches


@dataclass(frozen=True)
class BatchPlan:
    """How a batch is sized and numbered: `rows` new activities (FRACTION x the base set's `base_activities`,
    its distinct activity ids), ids from `first_id` on (the base ids are 1..base_activities < id_block)."""

    base_activities: int
    rows: int
    new_product_visits: int
    id_block: int
    first_id: int


def plan_batch(base_activities: int, targets: int, fraction: float, batch_id: int) -> BatchPlan:
    """Batch K's ids are (K + 1) * id_block + 1 ... + rows, id_block the power of ten above the base ids: disjoint
    from the base set (fraction <= 1, so rows < id_block) and from every other batch."""
    rows = max(1, round(fraction * base_activities))
    new_product = min(rows, max(1, round(rows * BATCH_NEW_PRODUCT_SHARE))) if targets else 0
    id_block = 10 ** len(str(max(base_activities, 1)))
    return BatchPlan(base_activities, rows, new_product, id_block, (batch_id + 1) * id_block + 1)


def _batch_tables(settings: Settings, con: _Session, plan: BatchPlan) -> dict[tuple[str, str], str]:
    """The four activity tables of a batch: plan.rows activities spread over the base set's leads in proportion
    to their base activity (largest remainders, so the count is exact), of which plan.new_product_visits are
    new-product page visits of the targets (persons at >$1M accounts, g_target), spread evenly over them; times in
    the last hour before `end`. Lead l's batch rows are the ids first_id + off(l) ... (+ n_t(l) targeted first),
    one expansion of g_batch_lead per table (no union, see _activity_tables)."""
    s = settings
    first, targeted_rows = plan.first_id, plan.new_product_visits
    [(total, targets)] = con.execute(
        "select coalesce(sum(n_all), 0), count(*) filter (where n_t > 0) from g_activity_lead").fetchall()
    if total == 0:  # --activities-per-person 0: the base set's only activities are the targets' visits
        targeted_rows = plan.rows if targets else 0
    rest_rows = plan.rows - targeted_rows if total else 0
    per_target, extra_targets = divmod(targeted_rows, max(targets, 1))
    con.execute(f"""
        create table g_batch_lead as
        with q as (
            select lead_idx, lead_id, n_t > 0 as is_target, {rest_rows} * n_all // {max(total, 1)} as base,
                ({rest_rows} * n_all) % {max(total, 1)} as remainder
            from g_activity_lead
            where n_all > 0 or n_t > 0
        ),
        r as (
            select
                *,
                row_number() over (order by remainder desc, g_rnd(650, {first} + lead_idx), lead_idx) as rank,
                row_number() over (partition by is_target order by g_rnd(651, {first} + lead_idx), lead_idx)
                    as target_rank
            from q
        ),
        n as (
            select
                lead_idx, lead_id,
                base + case when rank <= {rest_rows} - (select coalesce(sum(base), 0) from q) then 1 else 0 end
                    as n_b,
                case when is_target then {per_target} + case when target_rank <= {extra_targets} then 1 else 0 end
                    else 0 end as n_bt
            from r
        )
        select
            *,
            coalesce(sum(n_b + n_bt) over (order by lead_idx rows between unbounded preceding and 1 preceding), 0)
                as off_b
        from n
        where n_b + n_bt > 0
    """)
    window_start = s.end_us - 60 * US_PER_MINUTE
    thresholds, cumulative = [], 0.0
    for share in list(ACTIVITY_MIX.values())[:-1]:
        cumulative += share
        thresholds.append(cumulative)
    table_of = ("case when targeted then 0 "
                + " ".join(f"when g_rnd(660, gid) < {limit:.4f} then {index}" for index, limit in enumerate(thresholds))
                + f" else {len(thresholds)} end")
    email_names = _email_names(con)
    tables = {}
    for index, table in enumerate(ACTIVITY_MIX):
        stream = 700 + 20 * index
        tables["marketo", table] = f"""
            select
                cast(gid as varchar) as id,
                lead_id,
                g_ts(at_us) as activity_date,
                {_activity_details(table, 'gid', stream, email_names, missing_url='false', targeted='targeted')},
                g_ts(at_us + g_rnd(662, gid) * {5 * US_PER_MINUTE}) as _fivetran_synced,
                true as _fivetran_active,
                gid as _k1, 0 as _k2, 0 as _k3
            from (
            with b0 as (
                select lead_id, n_bt, off_b, unnest(range(n_b + n_bt)) as j from g_batch_lead
            ),
            b1 as (
                select lead_id, {first} + off_b + j as gid, j < n_bt as targeted from b0
            ),
            b2 as (
                select *, {table_of} as table_index,
                    {window_start} + g_rnd(661, gid) * {55 * US_PER_MINUTE} as at_us
                from b1
            )
            select gid, lead_id, targeted, at_us from b2 where table_index = {index} order by gid
            ) as sorted
        """
    return tables


# --------------------------------------------------------------------------------------------------------------
# shapes: how the same rows are encoded (see the module docstring)


def check_shape(shape: str) -> None:
    if shape not in SHAPES:
        raise GeneratorError(f"--shape must be one of {', '.join(SHAPES)}, got {shape!r}")


def shape_tables(contract: dict[str, Source], shape: str) -> list[Table]:
    """The contract tables a base set of `shape` has, in contract order: every table, or (minimal) the required
    ones."""
    return [table for source in contract.values() for table in source.tables.values()
            if shape != "minimal" or not table.optional]


def shape_columns(table: Table, shape: str) -> tuple[Column, ...]:
    """The contract columns a file of `shape` has, in contract order: every column, or (minimal) the required
    ones."""
    return tuple(column for column in table.columns if shape != "minimal" or column.required)


@dataclass(frozen=True)
class ExtraColumn:
    """A column of the wide shape that is not in the contract: `fill` of the rows have a value, picked from
    `values` or, without them, from the type's range; `sql` (over the uniform {v} in [0, 1) and the row key {key})
    overrides both."""

    name: str
    logical_type: str
    fill: float
    values: tuple[str | int, ...] = ()
    sql: str | None = None


# First in every wide file: names that are awkward to handle (mixed case, a space, loader columns, and the names of
# columns the project adds downstream), with values that would change results if anything read them.
AWKWARD_EXTRA_COLUMNS = (
    ExtraColumn("Region__c", "string", 0.5, ("EMEA", "AMER", "APAC", "LATAM")),
    ExtraColumn("Account Source", "string", 0.3, ("Web", "Partner Referral", "Trade Show", "Cold Call")),
    ExtraColumn("_fivetran_deleted", "boolean", 1.0),
    ExtraColumn("_fivetran_id", "string", 1.0, sql="md5(cast({key} as varchar))"),
    ExtraColumn("_version_key", "string", 0.2, ("0", "stale", "v2")),
    ExtraColumn("_version_rank", "integer", 0.2, sql="1 + cast(floor({v} * 3) as bigint)"),
    ExtraColumn("_unreadable_columns", "string", 0.1, ("email", "amount, is_won")),
    ExtraColumn("_disposition", "string", 0.1, ("quarantined", "dropped")),
    ExtraColumn("_dq_reason", "string", 0.1, ("duplicate_id", "deleted")),
)
CUSTOM_FIELD_TYPES = ("string", "float", "integer", "boolean", "timestamp", "date")
EXTRA_STREAM = 20_000  # the random stream of the extra columns' uniforms
# A row's key for the extra columns: its sort key hashed (the same row gets the same values in every run), 40 bits.
ROW_KEY = "cast(md5_number_lower(concat_ws(':', _k1, _k2, _k3)) >> 24 as bigint)"


def _custom_fill(number: int) -> float:
    """Share of rows with a value in custom field `number`: most are sparse, every 10th half full, every 7th empty."""
    return 0.0 if number % 7 == 0 else 0.5 if number % 10 == 0 else 0.03


def extra_columns(table: Table) -> tuple[ExtraColumn, ...]:
    """The wide shape's extra columns of `table`: the awkward ones, then custom fields (custom_field_001__c, ...) of
    a mix of types, WIDE_EXTRA_COLUMNS in all on the wide Salesforce and Marketo tables, else NARROW_EXTRA_COLUMNS.
    None shares a name with a contract column of the table, or with another extra column (ignoring case)."""
    wanted = WIDE_EXTRA_COLUMNS if (table.source, table.name) in WIDE_TABLES else NARROW_EXTRA_COLUMNS
    taken = {column.name.lower() for column in table.columns}
    extras: list[ExtraColumn] = []
    number = 0
    for candidate in AWKWARD_EXTRA_COLUMNS:
        if candidate.name.lower() not in taken and len(extras) < wanted:
            extras.append(candidate)
            taken.add(candidate.name.lower())
    while len(extras) < wanted:
        number += 1
        name = f"custom_field_{number:03d}__c"
        if name not in taken:
            logical = CUSTOM_FIELD_TYPES[number % len(CUSTOM_FIELD_TYPES)]
            extras.append(ExtraColumn(name, logical, _custom_fill(number)))
            taken.add(name)
    return tuple(extras)


def _extra_value(settings: Settings, column: ExtraColumn, v: str) -> str:
    """SQL: a value of the extra column from the uniform `v` in [0, 1)."""
    if column.sql is not None:
        return column.sql.format(v=v, key="_row_key")
    if column.values:
        literals = ", ".join(_q(value) if isinstance(value, str) else str(value) for value in column.values)
        return f"[{literals}][1 + cast(floor({v} * {len(column.values)}) as bigint)]"
    t0, span = settings.start_us, settings.event_max_us - settings.start_us
    return {
        "string": f"'value ' || cast(cast(floor({v} * 100000) as bigint) as varchar)",
        "float": f"round({v} * 100000, 2)",
        "integer": f"cast(floor({v} * 1000000) as bigint)",
        "boolean": f"{v} < 0.1",
        "timestamp": f"g_ts({t0} + {v} * {span})",
        "date": f"cast(g_ts({t0} + {v} * {span}) as date)",
    }[column.logical_type]


def _extra_rows(sql: str, table: Table) -> str:
    """SQL: the rows of `sql` with a row key `_row_key` and the uniforms `_u` of its extra columns (one list, so the
    hash is bound once, not once per column): _u[j] = g_rnd(EXTRA_STREAM, _row_key * 1024 + j)."""
    uniforms = f"list_transform(range(1, {len(extra_columns(table)) + 1}), " \
               f"lambda j: g_rnd({EXTRA_STREAM}, _row_key * 1024 + j))"
    return f"(select *, {uniforms} as _u from (select *, {ROW_KEY} as _row_key from ({sql})))"


def _extra_items(settings: Settings, table: Table) -> list[str]:
    """SQL select items of the wide shape's extra columns, over _extra_rows: column j is filled where u = _u[j] <
    fill, with the value of u / fill."""
    items = []
    for position, column in enumerate(extra_columns(table), start=1):
        u = f"_u[{position}]"
        if column.fill <= 0:
            value = "null"
        elif column.fill >= 1:
            value = _extra_value(settings, column, u)
        else:
            value = f"case when {u} < {column.fill} then {_extra_value(settings, column, f'({u} / {column.fill})')} end"
        items.append(f"cast({value} as {duckdb_type(column.logical_type)}) as {quote_identifier(column.name)}")
    return items


# The text shape: how CSV exports spell each type. The k-th non-null value of a type in a file gets spelling
# (k + k // n) % n of the type's n spellings: every n values of a type use each spelling once (so a file with n
# values of a type has them all), and the rotation shifts by one after each n, so that the spellings also vary
# within a column when a table has several columns of the type.
BOOLEAN_SPELLINGS = (("TRUE", "FALSE"), ("true", "false"), ("t", "f"), ("1", "0"), ("yes", "no"), ("Yes", "No"))
DATE_SUFFIXES = ("", " 00:00:00", "T00:00:00.000", "T00:00:00Z")
CSV_CHUNK_ROWS = 10_000
# Every QUOTED_NULL_EVERY-th NULL of a non-text column is written "" (a quoted empty field) instead of nothing.
QUOTED_NULL_EVERY = 3
# Stands for a quoted empty field while a chunk goes through the csv module (which cannot write one), then
# replaced by ""; a value containing it is refused.
QUOTED_NULL_MARK = "\x1e"


def text_boolean(value: bool, spelling: int) -> str:
    return BOOLEAN_SPELLINGS[spelling][0 if value else 1]


def text_integer(value: int, spelling: int) -> str:
    """42, +42 or 42.0 (as an integer column with nulls is written by pandas)."""
    if spelling == 1 and value >= 0:
        return f"+{value}"
    return f"{value}.0" if spelling == 2 else str(value)


def text_float(value: float, spelling: int) -> str:
    """The shortest round-trip decimal (repr), with a leading + (a non-negative value), or in exponent form with
    the same digits (1500.5 -> 1.5005E+3): every spelling reads back as the same double."""
    plain = repr(value)
    if not math.isfinite(value):
        return plain
    if spelling == 1 and not plain.startswith("-"):
        return "+" + plain
    return format(Decimal(plain), "E") if spelling == 2 else plain


def text_date(value: date, spelling: int) -> str:
    """2018-12-19, 2018-12-19 00:00:00, 2018-12-19T00:00:00.000 or 2018-12-19T00:00:00Z."""
    return value.isoformat() + DATE_SUFFIXES[spelling]


def text_timestamp(value: datetime, spelling: int) -> str:
    """A UTC wall-clock time as 2026-10-31 22:15:03, 2026-10-31T22:15:03.000, 2026-10-31T22:15:03Z, or the same
    instant at another offset: 2026-11-01T00:15:03+02:00, 2026-10-31T17:15:03-0500 (fractional seconds, when the
    value has them, with all six digits in every spelling)."""
    fraction = f".{value.microsecond:06d}" if value.microsecond else ""
    if spelling == 0:
        return f"{value:%Y-%m-%d %H:%M:%S}{fraction}"
    if spelling == 1:
        return f"{value:%Y-%m-%dT%H:%M:%S}{fraction or '.000'}"
    if spelling == 2:
        return f"{value:%Y-%m-%dT%H:%M:%S}{fraction}Z"
    if spelling == 3:
        return f"{value + timedelta(hours=2):%Y-%m-%dT%H:%M:%S}{fraction}+02:00"
    return f"{value - timedelta(hours=5):%Y-%m-%dT%H:%M:%S}{fraction}-0500"


TEXT_SPELLINGS: dict[str, tuple[int, Callable[[object, int], str]]] = {
    "boolean": (len(BOOLEAN_SPELLINGS), text_boolean),
    "integer": (3, text_integer),
    "float": (3, text_float),
    "date": (len(DATE_SUFFIXES), text_date),
    "timestamp": (5, text_timestamp),
}


class _TextRows:
    """Turns one file's typed rows into CSV fields: strings as they are (NULL: an empty field), other types in
    their rotating spellings, every QUOTED_NULL_EVERY-th non-text NULL as QUOTED_NULL_MARK."""

    def __init__(self, columns: tuple[Column, ...]) -> None:
        self.types = [column.logical_type for column in columns]
        self.seen = dict.fromkeys(TEXT_SPELLINGS, 0)
        self.nulls = 0

    def fields(self, values: tuple) -> list[str | None]:
        fields: list[str | None] = []
        for logical_type, value in zip(self.types, values):
            if logical_type == "string":
                if value is not None and QUOTED_NULL_MARK in value:
                    raise ValueError(f"a text value contains the character {QUOTED_NULL_MARK!r}: {value!r}")
                fields.append(value)
            elif value is None:
                self.nulls += 1
                fields.append(QUOTED_NULL_MARK if self.nulls % QUOTED_NULL_EVERY == 0 else None)
            else:
                count, spell = TEXT_SPELLINGS[logical_type]
                k = self.seen[logical_type]
                self.seen[logical_type] = k + 1
                fields.append(spell(value, (k + k // count) % count))
        return fields


def _drain(buffer: io.StringIO) -> str:
    """The CSV text in `buffer` (quoted empty fields in place of their mark); empties the buffer."""
    text = buffer.getvalue().replace(QUOTED_NULL_MARK, '""')
    buffer.seek(0)
    buffer.truncate()
    return text


def _write_csv(con: _Session, select: str, columns: tuple[Column, ...], path: Path) -> int:
    """Write the rows of `select` as a CSV export writes them: UTF-8 with a byte-order mark, CRLF line ends, a
    header line, RFC 4180 quoting, the values spelled by _TextRows. Streams: CSV_CHUNK_ROWS rows at a time go from
    DuckDB through the csv module to the file. Returns the row count."""
    result = con.execute(select)
    text_rows = _TextRows(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff")
        while chunk := result.fetchmany(CSV_CHUNK_ROWS):
            writer.writerows(text_rows.fields(values) for values in chunk)
            handle.write(_drain(buffer))
            rows += len(chunk)
        handle.write(_drain(buffer))
    return rows


def _write_parquet(con: _Session, select: str, path: Path) -> int:
    [(rows,)] = con.execute(f"copy ({select}) to ? ({PARQUET_OPTIONS})", [path.as_posix()]).fetchall()
    return int(rows)


# --------------------------------------------------------------------------------------------------------------
# writing


class _Run:
    """One generation: an in-memory DuckDB session and a hidden staging folder inside `out`; `publish` moves the
    files into place only when every table was written, and the staging folder is always removed. `shape` says how
    each table is written (see write)."""

    def __init__(self, settings: Settings, out: Path, shape: str = DEFAULT_SHAPE) -> None:
        self.settings = settings
        self.out = out
        self.shape = shape
        self.created_out = not out.exists()
        self.staging = out / f".generating-{os.getpid()}"
        self.written: list[tuple[Table, Path]] = []

    def __enter__(self) -> _Run:
        self.staging.mkdir(parents=True)
        connection = duckdb.connect()
        connection.execute("set temp_directory = ?", [(self.staging / ".spill").as_posix()])
        connection.execute("set memory_limit = ?", [MEMORY_LIMIT])
        connection.execute("set preserve_insertion_order = true")  # the default; PRESORTED tables rely on it
        self.con = _Session(self.settings, connection)
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.con.con.close()
        shutil.rmtree(self.staging, ignore_errors=True)
        if error is not None and self.created_out and self.out.is_dir() and not any(self.out.iterdir()):
            self.out.rmdir()

    def world(self, full: bool = True) -> dict[str, int]:
        started = time.monotonic()
        sizes = _world(self.settings, self.con, full)
        log.info("world model: %s (%.1fs)", ", ".join(f"{value:,} {name}" for name, value in sizes.items()
                                                      if not name.startswith("activities ")),
                 time.monotonic() - started)
        return sizes

    def _contract_items(self, label: str, table: Table, columns: tuple[Column, ...], sql: str) -> list[str]:
        """SQL select items of the shape's contract columns, each cast to its contract type (null, with a warning,
        when the generator does not produce it)."""
        generated = {row[0] for row in self.con.execute(f"describe select * from ({sql})").fetchall()}
        contract = {column.name for column in table.columns}
        for name in sorted(generated - contract - INTERNAL_COLUMNS):
            log.warning("%s: generated column %s is not in the contract; left out", label, name)
        items = []
        for column in columns:
            value = quote_identifier(column.name) if column.name in generated else "null"
            if column.name not in generated:
                log.warning("%s: contract column %s is not generated; written as null", label, column.name)
            items.append(f"cast({value} as {column.duckdb_type}) as {quote_identifier(column.name)}")
        return items

    def write(self, table: Table, sql: str | None) -> int:
        """Write one contract table (ORDER BY its key) to the staging folder in the run's shape: Parquet with the
        shape's contract columns (minimal: the required ones; wide: plus extra_columns), or (text) a CSV file;
        returns its row count."""
        started = time.monotonic()
        label = f"{table.source}.{table.name}"
        if sql is None:
            log.warning("%s: the generator does not know this contract table; writing it empty", label)
            sql = "select null::bigint as _k1, 0 as _k2, 0 as _k3 where false"
        columns = shape_columns(table, self.shape)
        items = self._contract_items(label, table, columns, sql)
        rows_from = f"({sql})"
        if self.shape == "wide":
            items += _extra_items(self.settings, table)
            rows_from = _extra_rows(sql, table)
        order = "" if (table.source, table.name) in PRESORTED else " order by _k1 nulls last, _k2, _k3"
        select = f"select {', '.join(items)} from {rows_from}{order}"
        path = self.staging / table.source / f"{table.name}.{'csv' if self.shape == 'text' else 'parquet'}"
        path.parent.mkdir(exist_ok=True)
        if self.shape == "text":
            rows = _write_csv(self.con, select, columns, path)
        else:
            rows = _write_parquet(self.con, select, path)
        self.written.append((table, path))
        log.info("%-42s %14s rows %7.1fs", label, f"{rows:,}", time.monotonic() - started)
        return rows

    def publish(self, contract: dict[str, Source], force: bool) -> None:
        """Move the written files into `out`; with `force`, first remove every raw table file (any contract table,
        .csv or .parquet) already there, so the folder holds exactly this set."""
        if force:
            for source in contract.values():
                for table in source.tables.values():
                    for suffix in (".csv", ".parquet"):
                        (self.out / source.name / f"{table.name}{suffix}").unlink(missing_ok=True)
        for table, path in self.written:
            target = self.out / table.source / path.name
            target.parent.mkdir(exist_ok=True)
            os.replace(path, target)


def _settings(accounts: int, seed: int, end: str | date | datetime | None, activities_per_person: float
              ) -> Settings:
    check_settings(accounts, seed, activities_per_person)
    return Settings(accounts, seed, parse_end(end), float(activities_per_person))


def generate(accounts: int, seed: int, out: str | os.PathLike, end: str | date | datetime | None = None, *,
             activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON, force: bool = False,
             shape: str = DEFAULT_SHAPE) -> dict[str, int]:
    """Write the base set for `accounts` unified companies to out/<source>/<table>.parquet (.csv in the text
    shape), every table of the raw contract (minimal: the required ones) in `shape` (see SHAPES); returns
    {"<source>.<table>": rows} in contract order.

    `end` (default: the start of today, UTC) is the end of the two years of history; `activities_per_person` the
    mean number of Marketo activities per person. The rows do not depend on `shape`. Raises GeneratorError for bad
    arguments (nothing written); `out` must be empty or missing unless `force`, which replaces the raw table files
    in it.
    """
    settings = _settings(accounts, seed, end, activities_per_person)
    check_shape(shape)
    out_path = check_out(out, force)
    contract = load_contract()
    started = time.monotonic()
    with _Run(settings, out_path, shape) as run:
        sizes = run.world()
        sqls = _base_tables(settings, sizes, _email_names(run.con))
        counts = {f"{table.source}.{table.name}": run.write(table, sqls.get((table.source, table.name)))
                  for table in shape_tables(contract, shape)}
        run.publish(contract, force)
    log.info("generated %s rows in %d tables in %.1fs", f"{sum(counts.values()):,}", len(counts),
             time.monotonic() - started)
    return counts


def generate_activity_batch(accounts: int, seed: int, out: str | os.PathLike, fraction: float, batch_id: int,
                            end: str | date | datetime | None = None, *,
                            activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON,
                            force: bool = False, shape: str = DEFAULT_SHAPE) -> dict[str, int]:
    """Write only the four Marketo activity tables to out/marketo/: round(fraction x the base set's activity
    count) NEW activities of existing leads of the base set with the same accounts, seed and
    activities_per_person (see plan_batch for the ids), in the last hour before `end`, synced at or after them
    (later than every base row), including new-product page visits by persons at >$1M accounts. Appending the
    folder to a warehouse loaded with the base set (load_raw.py --append) is the incremental load of a sync.
    `shape` as in generate (minimal: the four tables with their required columns only). Returns
    {"marketo.<table>": rows}.
    """
    settings = _settings(accounts, seed, end, activities_per_person)
    check_batch(fraction, batch_id)
    check_shape(shape)
    out_path = check_out(out, force)
    contract = load_contract()
    started = time.monotonic()
    with _Run(settings, out_path, shape) as run:
        sizes = run.world(full=False)
        base = sum(sizes[f"activities {index}"] for index in range(4))
        plan = plan_batch(base, sizes["new-product visitors at >$1M accounts"], fraction, batch_id)
        log.info("batch %d: %s new activities (%s new-product visits), ids %s to %s", batch_id, f"{plan.rows:,}",
                 f"{plan.new_product_visits:,}", f"{plan.first_id:,}", f"{plan.first_id + plan.rows - 1:,}")
        sqls = _batch_tables(settings, run.con, plan)
        counts = {f"marketo.{name}": run.write(contract["marketo"].tables[name], sqls["marketo", name])
                  for name in ACTIVITY_TABLES}
        run.publish(contract, force)
    log.info("generated %s rows in %d tables in %.1fs", f"{sum(counts.values()):,}", len(counts),
             time.monotonic() - started)
    return counts


# --------------------------------------------------------------------------------------------------------------
# the expected members of seg_new_product_upsell


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
    no_address, address_kinds = (", ".join(_q(kind) for kind in kinds) for kinds in (NO_ADDRESS_KINDS, ADDRESS_KINDS))
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
    settings = _settings(accounts, seed, end, activities_per_person)
    as_of_us = settings.end_us if as_of is None else _epoch_us(parse_end(as_of))
    with duckdb.connect() as connection:
        con = _Session(settings, connection)
        sizes = _world(settings, con)
        rows = con.execute(_upsell_sql(_base_tables(settings, sizes, _email_names(con)), as_of_us)).fetchall()
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


def format_counts(counts: dict[str, int]) -> str:
    """A plain-text table: each table's row count, and the total."""
    rows = [("table", "rows")] + [(name, f"{value:,}") for name, value in counts.items()]
    rows.append(("total", f"{sum(counts.values()):,}"))
    return "\n".join(format_table(rows, right_aligned={1}, header_rule=True))

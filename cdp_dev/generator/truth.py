"""The truth of account matching: which source account records (Salesforce accounts, Marketo companies) of a
generated set are the same company.

account_truth() rebuilds the world model's companies and source accounts (world.build_accounts, in memory, quick:
no persons, no activities) for the same accounts and seed, so it needs no file: the truth of a set depends on
`accounts` and `seed` only (ids and names never depend on `end`). write_account_truth() writes it as CSV (keep the
file outside the set's folder, or in a hidden folder such as DIR/.truth/: the loader reads every other .csv under
DIR as a raw table) and read_account_truth() reads it back.
"""

from __future__ import annotations

import csv
import os
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime
from pathlib import Path

import duckdb

from cdp_dev.generator.session import Session
from cdp_dev.generator.settings import DEFAULT_ACTIVITIES_PER_PERSON, make_settings
from cdp_dev.generator.world import build_accounts

SOURCE_SYSTEMS = ("salesforce", "marketo")


@dataclass(frozen=True, order=True)
class SourceAccountTruth:
    """One source account record as generated.

    source_system: 'salesforce' or 'marketo'; source_account_id: the raw id the staging models key it by (Salesforce
    account `id`, Marketo company `external_company_id`); true_account: the company it belongs to (the world
    model's account, 'G-0000042'; the MDM's golden_account_id for the same company where it maps one); in_xw: the
    MDM crosswalk maps it (an active row to its golden account); name: the record's company name as written;
    true_name: the company's name; is_deleted: a Salesforce account in the recycle bin (is_deleted, so it is not
    in the marts)."""

    source_system: str
    source_account_id: str
    true_account: str
    in_xw: bool
    name: str
    true_name: str
    is_deleted: bool


TRUTH_SQL = """
    select
        case when is_sf then 'salesforce' else 'marketo' end as source_system,
        source_id as source_account_id,
        golden_id as true_account,
        in_xw,
        record_name as name,
        name as true_name,
        coalesce(dirt = 'deleted', false) as is_deleted
    from g_source_account
    order by source_system, source_account_id
"""


def account_truth(accounts: int, seed: int, end: str | date | datetime | None = None, *,
                  activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON) -> list[SourceAccountTruth]:
    """Every source account record of the base set generate() writes for `accounts` and `seed` (`end` and
    `activities_per_person` change no record; accepted so the same arguments as generate() can be passed), one
    per Salesforce account id and Marketo company id, sorted by (source_system, source_account_id)."""
    settings = make_settings(accounts, seed, end, activities_per_person)
    with duckdb.connect() as connection:
        con = Session(settings, connection)
        build_accounts(settings, con)
        rows = con.execute(TRUTH_SQL).fetchall()
    return [SourceAccountTruth(*row) for row in rows]


COLUMNS = tuple(field.name for field in fields(SourceAccountTruth))


def write_account_truth(truth: list[SourceAccountTruth], path: str | os.PathLike) -> Path:
    """Write the truth as a CSV file (a header line, then one line per record; booleans true/false); returns
    the path. Creates the parent folder."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for record in truth:
            writer.writerow(["true" if value is True else "false" if value is False else value
                             for value in astuple(record)])
    return target


def read_account_truth(path: str | os.PathLike) -> list[SourceAccountTruth]:
    """The truth written by write_account_truth (ValueError naming the file when it is not one)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: not an account truth file (expected the columns {', '.join(COLUMNS)})")
        return [SourceAccountTruth(row["source_system"], row["source_account_id"], row["true_account"],
                                   row["in_xw"] == "true", row["name"], row["true_name"], row["is_deleted"] == "true")
                for row in reader]

"""What determines a generated set (Settings), the checks of the arguments, and the units of time.

The same Settings always give the same rows. Times are whole microseconds since the epoch (UTC) inside the
generator's SQL; `end` is the end of the two years of history.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

DEFAULT_ACTIVITIES_PER_PERSON = 100.0
HISTORY_DAYS = 730  # activities and updates span the two years before `end`
# The project's dbt vars the generator plants members of seg_new_product_upsell for.
UPSELL_THRESHOLD_USD = 1_000_000  # dbt var upsell_min_won_revenue_usd
UPSELL_WINDOW_DAYS = 30  # dbt var upsell_visit_window_days
NEW_PRODUCT_PATH = "/products/new"  # dbt var new_product_page_pattern: '%/products/new%'

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR


def epoch_us(moment: datetime) -> int:
    """A naive UTC time as microseconds since the epoch."""
    return int((moment - datetime(1970, 1, 1)) / timedelta(microseconds=1))


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
        return epoch_us(self.end)

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


def make_settings(accounts: int, seed: int, end: str | date | datetime | None, activities_per_person: float
                  ) -> Settings:
    """The checked Settings of these arguments (GeneratorError when they cannot make a data set)."""
    check_settings(accounts, seed, activities_per_person)
    return Settings(accounts, seed, parse_end(end), float(activities_per_person))

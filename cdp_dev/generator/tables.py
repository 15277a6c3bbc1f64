"""Every raw table of the base set, as SQL over the world model: each source's module and the activity tables."""

from __future__ import annotations

from cdp_dev.generator import activities, marketo, mdm, salesforce
from cdp_dev.generator.settings import Settings


def base_tables(settings: Settings, sizes: dict[str, int], email_names: str) -> dict[tuple[str, str], str]:
    """(source, table) -> SQL of every raw table of the base set (`sizes`: the world model's; `email_names`:
    activities.read_email_names)."""
    return {
        **marketo.tables(settings, sizes),
        **salesforce.tables(settings, sizes),
        **mdm.tables(settings, sizes),
        **activities.activity_tables(settings, sizes, email_names),
    }

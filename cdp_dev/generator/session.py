"""The generator's DuckDB session and its randomness, and Python values written as SQL literals.

Every random number is `g_rnd(stream, id)`, a 32-bit integer hash (macro g_hash) of the row's id mixed with a
per-seed constant of its stream (a number per purpose; Session inlines the constant), as a double in [0, 1). The
same settings therefore always give the same values, whatever order the SQL runs in.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import duckdb

from cdp.warehouse.sql import quote_literal
from cdp_dev.generator.settings import US_PER_SECOND, Settings


def _hash32(*parts: object) -> int:
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def literal(value: str | None) -> str:
    """A text value (or null) as an SQL literal."""
    return "null" if value is None else quote_literal(value)


def sql_list(values: Iterable[str | None]) -> str:
    """Text values as an SQL list literal (varchar[])."""
    return "([" + ", ".join(literal(value) for value in values) + "]::varchar[])"


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


class Session:
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

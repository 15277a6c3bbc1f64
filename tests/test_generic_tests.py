"""The project's generic tests that stand for two of dbt's (macros/tests): compiled by dbt, run on small tables that
hold each kind of bad row, and on good ones. A generic test passes when its query returns no rows."""

from __future__ import annotations

import duckdb
import pytest

from cdp_dev.identity_stress import compile_model

pytestmark = pytest.mark.dbt  # compiles with dbt


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, str]:
    """The two tests' SQL over a table `checked` and its column `value`, compiled in one dbt run."""
    inline = (
        "{{ test_primary_key(model='checked', column_name='value') }}\n;\n"
        "{{ test_not_null_accepted_values(model='checked', column_name='value', values=['staged', \"it's\"]) }}"
    )
    primary_key, accepted = compile_model(tmp_path_factory.mktemp("generic-tests"), inline=inline).split("\n;\n")
    return {"primary_key": primary_key, "not_null_accepted_values": accepted}


def failures(sql: str, values: list[str | None]) -> list[tuple]:
    with duckdb.connect() as con:
        con.execute("create table checked (value varchar)")
        if values:
            con.executemany("insert into checked values (?)", [[value] for value in values])
        return sorted(con.execute(sql).fetchall(), key=repr)


def test_not_null_accepted_values_reports_each_missing_or_unexpected_value_with_its_count(compiled):
    sql = compiled["not_null_accepted_values"]

    assert failures(sql, ["staged", "it's", "staged"]) == []
    assert failures(sql, ["staged", None, None, "Staged", "dropped", "it's"]) == [
        ("Staged", 1), ("dropped", 1), (None, 2)]
    assert failures(sql, []) == []


def test_primary_key_reports_each_repeated_or_missing_key_with_its_count(compiled):
    sql = compiled["primary_key"]

    assert failures(sql, ["a", "b", "c"]) == []
    assert failures(sql, ["a", "b", "a", None, "c", "a"]) == [("a", 3), (None, 1)]

"""The engine comparison (cdp_dev/compare.py, scripts/compare_engines.py): same rows in any order pass; any
difference is reported and fails."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cdp_dev.cli.compare_engines import main
from cdp_dev.compare import compare_exports


def export(folder: Path, model: str, rows: list[tuple], columns: str = "id varchar, amount decimal(28,6)") -> None:
    (folder / model).mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"create table t ({columns})")
        if rows:
            con.executemany(f"insert into t values ({', '.join('?' for _ in rows[0])})", rows)
        con.execute(f"copy t to '{folder / model / 'data_0.parquet'}' (format parquet)")


@pytest.fixture
def left(tmp_path: Path) -> Path:
    export(tmp_path / "left", "dim_x", [("a", 1), ("b", 2), ("b", 2)])
    return tmp_path / "left"


@pytest.mark.parametrize(
    ("rows", "only_left", "only_right"),
    [
        pytest.param([("b", 2), ("a", 1), ("b", 2)], 0, 0, id="same-rows-other-order"),
        pytest.param([("a", 1), ("b", 2)], 1, 0, id="a-repeated-row-missing"),
        pytest.param([("a", 1), ("b", 2), ("b", 3)], 1, 1, id="a-value-differs"),
        pytest.param([], 3, 0, id="empty-on-one-side"),
    ],
)
def test_rows_are_compared_as_multisets(tmp_path, left, rows, only_left, only_right):
    # GIVEN the same model exported by two builds
    export(tmp_path / "right", "dim_x", rows)

    # WHEN they are compared
    [result] = compare_exports(left, tmp_path / "right")

    # THEN order does not matter, but every missing, extra or changed row does
    assert (result.only_left_count, result.only_right_count) == (only_left, only_right)
    assert result.same == (only_left == only_right == 0)


def test_a_model_missing_on_one_side_or_with_other_columns_fails(tmp_path, left, capsys):
    # GIVEN a model exported by one build only, and a model whose columns differ
    export(left, "dim_y", [("a", 1)])
    export(tmp_path / "right", "dim_x", [("a", 1)], columns="id varchar, amount double")

    # WHEN the command compares them
    code = main([str(left), str(tmp_path / "right"), "--names", "duckdb", "spark"])

    # THEN it exits 1 and names both problems
    out, err = capsys.readouterr()
    assert code == 1
    assert "dim_x: columns differ" in out
    assert "dim_y: no export in" in out
    assert "2 of 2 models differ" in err


def test_identical_exports_pass(tmp_path, left, capsys):
    export(tmp_path / "right", "dim_x", [("b", 2), ("b", 2), ("a", 1)])
    assert main([str(left), str(tmp_path / "right")]) == 0
    assert "1 models: the same rows in both builds" in capsys.readouterr().out

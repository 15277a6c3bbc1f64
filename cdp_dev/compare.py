"""Compare the public models of two builds (for example DuckDB and Spark), exported as Parquet by the on-run-end
hook export_public_models_for_comparison: DIR/<model>/*.parquet. Rows are compared as multisets (order does not
matter, repeated rows count), after the same column names and types are checked. The command line is
cdp_dev.cli.compare_engines (scripts/compare_engines.py, run by make test-spark)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from cdp.text_table import format_table
from cdp.warehouse.sql import quote_identifier

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class ModelComparison:
    model: str
    left_rows: int | None
    right_rows: int | None
    only_left: list[tuple]
    only_right: list[tuple]
    only_left_count: int = 0
    only_right_count: int = 0
    problem: str | None = None

    @property
    def same(self) -> bool:
        return self.problem is None and not self.only_left_count and not self.only_right_count


# A model's export in a query; its parameter is the model's files (_files).
SCAN = "read_parquet(?)"


def _files(folder: Path) -> str:
    """The glob of a model's Parquet files, bound to SCAN's parameter."""
    return (folder / "*.parquet").as_posix()


def _schema(con: duckdb.DuckDBPyConnection, folder: Path) -> list[tuple[str, str]]:
    described = con.execute(f"describe select * from {SCAN}", [_files(folder)]).fetchall()
    return [(name, kind) for name, kind, *_ in described]


def compare_model(con: duckdb.DuckDBPyConnection, model: str, left: Path, right: Path) -> ModelComparison:
    """Compare one model's exports; a missing export or a different schema is a problem, not an exception."""
    missing = [str(path) for path in (left, right) if not any(path.glob("*.parquet"))]
    if missing:
        return ModelComparison(model, None, None, [], [], problem=f"no export in {', '.join(missing)}")
    left_schema, right_schema = _schema(con, left), _schema(con, right)
    left_count = con.execute(f"select count(*) from {SCAN}", [_files(left)]).fetchone()[0]
    right_count = con.execute(f"select count(*) from {SCAN}", [_files(right)]).fetchone()[0]
    if left_schema != right_schema:
        return ModelComparison(
            model, left_count, right_count, [], [], problem=f"columns differ: {left_schema} vs {right_schema}"
        )
    columns = ", ".join(quote_identifier(name) for name, _ in left_schema)
    query = f"select {columns} from {SCAN} except all select {columns} from {SCAN}"

    def difference(first: Path, second: Path) -> tuple[int, list[tuple]]:
        files = [_files(first), _files(second)]
        count = con.execute(f"select count(*) from ({query})", files).fetchone()[0]
        sample = con.execute(f"{query} order by all limit {SAMPLE_ROWS}", files).fetchall() if count else []
        return count, sample

    only_left_count, only_left = difference(left, right)
    only_right_count, only_right = difference(right, left)
    return ModelComparison(
        model, left_count, right_count, only_left, only_right, only_left_count, only_right_count
    )


def compare_exports(left: Path, right: Path) -> list[ModelComparison]:
    """Every model exported on either side, compared."""
    models = sorted({path.name for side in (left, right) if side.is_dir() for path in side.iterdir() if path.is_dir()})
    with duckdb.connect() as con:
        return [compare_model(con, model, left / model, right / model) for model in models]


def format_report(results: list[ModelComparison], left_name: str, right_name: str) -> str:
    header = ("model", f"rows {left_name}", f"rows {right_name}", f"only {left_name}", f"only {right_name}", "")
    table = [header] + [
        (
            r.model,
            "-" if r.left_rows is None else str(r.left_rows),
            "-" if r.right_rows is None else str(r.right_rows),
            str(r.only_left_count),
            str(r.only_right_count),
            "same" if r.same else "DIFFERENT",
        )
        for r in results
    ]
    lines = format_table(table)
    for r in results:
        if r.problem:
            lines.append(f"{r.model}: {r.problem}")
        for side, rows in ((left_name, r.only_left), (right_name, r.only_right)):
            for row in rows:
                lines.append(f"{r.model}: only in {side}: {row}")
    return "\n".join(lines)

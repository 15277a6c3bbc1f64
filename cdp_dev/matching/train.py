"""Training the matching models with Splink (``make train-matching``; the command line is
cdp_dev/cli/train_matching.py).

On a DuckDB warehouse where the match-record models are built (by default a fresh one: a generated data set loaded
and ``dbt build -s +int_account_match_records +int_person_match_records``), for each model of
cdp_dev.matching.comparisons.MODELS:

1. the records (the unique id and the compared columns) are copied into an in-memory DuckDB, which Splink works in
   (the warehouse is attached read-only and never written);
2. the prior, the probability that two random records match, is estimated from deterministic rules (same domain)
   and their assumed recall (Splink's estimate_probability_two_random_records_match);
3. u probabilities from random pairs (estimate_u_using_random_sampling, a fixed seed: Splink samples records by a
   hash of their id and the seed, so the sample is the same every run);
4. m probabilities by expectation maximisation, without labels, once per training blocking rule (same domain,
   then same normalised name); each run estimates every comparison but the one its rule blocks on, and Splink
   keeps the median of a level's estimates;
5. a level the training data did not exercise (Splink could not estimate its m or its u: no pair of the blocked
   pairs, or of the random sample, fell in it) is given m = u, match weight 0: it says nothing either way, rather
   than Splink's starting values, which are guesses. Such levels are listed in the artefact and marked in the
   printed table;
6. the artefact matching/<model>_match_model.json: Splink's own saved model (``splink_model``: settings, m, u,
   prior; loadable with ``Linker(table, artefact["splink_model"])``) with our metadata (version, when, on what
   data and settings, row counts); then the macro is compiled from it (cdp_dev.matching.compile).

Term frequency adjustments are off: the build scores with fixed weights per level, which the compiled macro
reproduces exactly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from cdp import pipeline
from cdp.text_table import format_table
from cdp.warehouse.connection import PROJECT_ROOT
from cdp.warehouse.dbt_runner import DBT, dbt_env
from cdp.warehouse.sql import quote_identifier, quote_literal
from cdp_dev.matching.comparisons import (
    ACCOUNT,
    COMPARISONS,
    FEATURES,
    PERSON_ACCOUNT,
    SCHEMA,
    UNIQUE_ID,
    MatchModel,
)

log = logging.getLogger(__name__)

# The default training data: a generated set (the generator's world model is the closest thing to real data that
# the repository has). Matching reads no activities, so few are generated; `end` is fixed so the set is too.
DEFAULT_ACCOUNTS = 5000
DEFAULT_SEED = 1
DEFAULT_END = "2026-01-01"
GENERATED_ACTIVITIES_PER_PERSON = 1.0
DEFAULT_U_MAX_PAIRS = 1e7
# The probability given to both m and u of a level that no data exercised (both unestimated): any value gives
# weight 0; this is Splink's own stand-in for a level not observed in training.
UNOBSERVED_PROBABILITY = 1e-6


class TrainingError(RuntimeError):
    """Training cannot go on (the message says what to do)."""


@dataclass(frozen=True)
class TrainingOptions:
    seed: int = DEFAULT_SEED  # for Splink's sampling of random pairs
    u_max_pairs: float = DEFAULT_U_MAX_PAIRS
    max_iterations: int = 25
    em_convergence: float = 1e-4
    threads: int = 1  # DuckDB threads for Splink's work: 1, so that sums of doubles add up in the same order


# -- the Splink model -------------------------------------------------------------------------------------------


def splink_comparisons() -> list[Any]:
    """COMPARISONS as Splink comparisons: custom levels, so that each condition is exactly the SQL written there
    (no dialect translation: Splink uses a CustomLevel's SQL as it is when no base dialect is named)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    comparisons = []
    for comparison in COMPARISONS:
        levels = []
        for level in comparison.levels:
            creator = cll.CustomLevel(level.sql, label_for_charts=level.label)
            if level.is_null_level:
                creator = creator.configure(is_null_level=True)
            levels.append(creator)
        comparisons.append(cl.CustomComparison(levels, output_column_name=comparison.name,
                                               comparison_description=comparison.description))
    return comparisons


def blocking_rule(column: str) -> str:
    """Pairs with the same (non-null) value of ``column``, in Splink's l. / r. notation."""
    return f"l.{column} = r.{column}"


def settings(model: MatchModel, options: TrainingOptions) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=model.link_type,
        unique_id_column_name=UNIQUE_ID,
        comparisons=splink_comparisons(),
        # What Splink's own predict() compares (the tests use it); the build makes its candidates itself.
        blocking_rules_to_generate_predictions=[blocking_rule(column) for column in model.em_blocking_columns],
        max_iterations=options.max_iterations,
        em_convergence=options.em_convergence,
        retain_intermediate_calculation_columns=True,
        linker_uid=model.name,  # Splink draws a random one otherwise, and the artefact would change every run
    )


# -- the records --------------------------------------------------------------------------------------------------


def existing_tables(warehouse: Path) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]).fetchall()}


def load_records(con: duckdb.DuckDBPyConnection, warehouse: Path, model: MatchModel) -> dict[str, int]:
    """Copy each of the model's tables (the id and the compared columns) from the warehouse into ``con``, under
    the same name; {table: rows}."""
    con.execute(f"attach if not exists {quote_literal(str(warehouse))} as warehouse (read_only)")
    counts = {}
    for table in model.tables:
        columns = {name for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = 'warehouse' and table_schema = ? and table_name = ?", [SCHEMA, table]).fetchall()}
        if not columns:
            raise TrainingError(f"{SCHEMA}.{table} is not in {warehouse}: build it first "
                                f"(dbt build -s +{table})")
        missing = [column for column in (UNIQUE_ID, *FEATURES) if column not in columns]
        if missing:
            raise TrainingError(f"{SCHEMA}.{table} has no column {', '.join(missing)}")
        selected = ", ".join(quote_identifier(column) for column in (UNIQUE_ID, *FEATURES))
        # In a fixed order: the order of the rows is the order Splink's sums add doubles up in.
        con.execute(f"create or replace table {quote_identifier(table)} as "
                    f"select {selected} from warehouse.{quote_identifier(SCHEMA)}.{quote_identifier(table)} "
                    f"order by {UNIQUE_ID}")
        [(rows, keys)] = con.execute(
            f"select count(*), count(distinct {UNIQUE_ID}) from {quote_identifier(table)}").fetchall()
        if rows < 2:
            raise TrainingError(f"{SCHEMA}.{table} has {rows} rows: too few to train on")
        if keys != rows:
            raise TrainingError(f"{SCHEMA}.{table}: {UNIQUE_ID} is not unique and not null ({rows} rows, {keys} "
                                "distinct keys)")
        counts[table] = rows
    # Detached, so that nothing Splink looks up by name (the columns of a table) can find the warehouse's table.
    con.execute("detach warehouse")
    return counts


def total_pairs(model: MatchModel, counts: dict[str, int]) -> int:
    if model.link_type == "dedupe_only":
        (rows,) = counts.values()
        return rows * (rows - 1) // 2
    left, right = (counts[table] for table in model.tables)
    return left * right


# -- training -----------------------------------------------------------------------------------------------------


def _fill_unestimated_levels(splink_model: dict[str, Any]) -> list[dict[str, Any]]:
    """Give every level without an estimated m or u (absent from Splink's saved model) m = u, weight 0; return
    what was filled, one dict per level."""
    filled = []
    for comparison in splink_model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            missing = [key for key in ("m_probability", "u_probability") if key not in level]
            if not missing:
                continue
            known = [level[key] for key in ("u_probability", "m_probability") if key in level]
            value = known[0] if known else UNOBSERVED_PROBABILITY
            for key in missing:
                level[key] = value
            filled.append({"comparison": comparison["output_column_name"], "level": level["label_for_charts"],
                           "not_estimated": [key.removesuffix("_probability") for key in missing],
                           "set_to": value})
    return filled


def _check_sql_unchanged(splink_model: dict[str, Any]) -> None:
    """Splink must have kept each condition exactly as written (the build runs the same strings)."""
    saved = [(c["output_column_name"], [level["sql_condition"] for level in c["comparison_levels"]])
             for c in splink_model["comparisons"]]
    written = [(c.name, [level.sql for level in c.levels]) for c in COMPARISONS]
    if saved != written:
        raise TrainingError(f"Splink changed the comparisons' SQL:\n{saved}\nnot\n{written}")


def model_version(splink_model: dict[str, Any], trained_at: datetime) -> str:
    """<day trained>.<first 8 hex digits of the SHA-256 of the Splink model (settings and parameters)>."""
    digest = hashlib.sha256(json.dumps(splink_model, sort_keys=True).encode()).hexdigest()[:8]
    return f"{trained_at:%Y%m%d}.{digest}"


def train_model(model: MatchModel, warehouse: Path, options: TrainingOptions,
                data: dict[str, Any]) -> dict[str, Any]:
    """Train ``model`` on the warehouse's record tables; the artefact (not written). ``data`` says what the
    warehouse holds, for the metadata."""
    import splink
    from splink import DuckDBAPI, Linker

    started = time.monotonic()
    trained_at = datetime.now(timezone.utc).replace(microsecond=0)
    con = duckdb.connect(config={"threads": str(options.threads)})
    try:
        counts = load_records(con, warehouse, model)
        log.info("%s: %s", model.name, ", ".join(f"{table} {rows:,} rows" for table, rows in counts.items()))
        db_api = DuckDBAPI(con)
        frames = [db_api.register(table, dataset_display_name=table) for table in model.tables]
        linker = Linker(frames if len(frames) > 1 else frames[0], settings(model, options), log_level=None)

        rules = [blocking_rule(column) for column in model.deterministic_rule_columns]
        log.info("%s: prior from %s, assumed recall %.2f", model.name, " or ".join(rules), model.recall)
        linker.training.estimate_probability_two_random_records_match(rules, recall=model.recall)

        log.info("%s: u probabilities from up to %s random pairs (seed %d)", model.name,
                 f"{options.u_max_pairs:,.0f}", options.seed)
        linker.training.estimate_u_using_random_sampling(max_pairs=options.u_max_pairs, seed=options.seed)

        em_rules = [blocking_rule(column) for column in model.em_blocking_columns]
        for rule in em_rules:
            log.info("%s: m probabilities by expectation maximisation on pairs where %s", model.name, rule)
            linker.training.estimate_parameters_using_expectation_maximisation(rule)

        splink_model = linker.misc.save_model_to_json()
    finally:
        con.close()
    _check_sql_unchanged(splink_model)
    filled = _fill_unestimated_levels(splink_model)
    for item in filled:
        log.warning("%s: %s level %s: %s not estimated (the training data has no pair there): weight 0",
                    model.name, item["comparison"], item["level"], " and ".join(item["not_estimated"]))
    pairs = total_pairs(model, counts)
    prior = splink_model["probability_two_random_records_match"]
    return {
        "name": model.name,
        "version": model_version(splink_model, trained_at),
        "description": model.description,
        "trained_at": trained_at.isoformat().replace("+00:00", "Z"),
        "training": {
            "splink_version": splink.__version__,
            "data": data,
            "tables": {f"{SCHEMA}.{table}": rows for table, rows in counts.items()},
            "link_type": model.link_type,
            "total_pairs": pairs,
            "expected_matching_pairs": round(prior * pairs, 1),
            "prior": {"deterministic_rules": rules, "recall": model.recall},
            "u": {"method": "random sampling", "max_pairs": options.u_max_pairs, "seed": options.seed},
            "m": {"method": "expectation maximisation", "blocking_rules": em_rules,
                  "max_iterations": options.max_iterations, "em_convergence": options.em_convergence},
            "term_frequency_adjustments": False,
            "levels_not_estimated": filled,
            "seconds": round(time.monotonic() - started, 1),
        },
        "splink_model": splink_model,
    }


def train_account_model(warehouse: Path, options: TrainingOptions = TrainingOptions(),
                        data: dict[str, Any] | None = None, recall: float | None = None) -> dict[str, Any]:
    """The account model: account records against each other (dedupe_only)."""
    model = ACCOUNT if recall is None else replace(ACCOUNT, recall=recall)
    return train_model(model, warehouse, options, data or {"warehouse": str(warehouse)})


def train_person_account_model(warehouse: Path, options: TrainingOptions = TrainingOptions(),
                               data: dict[str, Any] | None = None, recall: float | None = None) -> dict[str, Any]:
    """The lead-to-account model: persons without an account against account records (link_only)."""
    model = PERSON_ACCOUNT if recall is None else replace(PERSON_ACCOUNT, recall=recall)
    return train_model(model, warehouse, options, data or {"warehouse": str(warehouse)})


TRAINERS = {ACCOUNT.name: train_account_model, PERSON_ACCOUNT.name: train_person_account_model}


def write_artefact(artefact: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(artefact, indent=2) + "\n")
    return path


# -- the training warehouse ---------------------------------------------------------------------------------------


def model_exists(table: str) -> bool:
    """Whether the project has the dbt model of ``table``."""
    return any((PROJECT_ROOT / "models").rglob(f"{table}.sql"))


def build_args(tables: list[str]) -> list[str]:
    """``dbt build`` of ``tables`` and everything upstream, with the data tests of only what is built (cautious:
    a relationships test to a model not built is left out), without the demo seeds and unit tests (as a
    scheduled build)."""
    return ["build", "--select", *[f"+{table}" for table in tables], "--indirect-selection", "cautious",
            *pipeline.SCHEDULED_EXCLUDES]


def build_training_warehouse(workdir: Path, accounts: int, seed: int, tables: list[str],
                             end: str = DEFAULT_END) -> Path:
    """A warehouse in ``workdir`` with ``tables`` built: a generated set (``accounts``, ``seed``) loaded and
    built (build_args). Returns its path."""
    from cdp_dev import generator

    data, warehouse = workdir / "data", workdir / "train.duckdb"
    log.info("generating --accounts %d --seed %d --end %s", accounts, seed, end)
    generator.generate(accounts, seed, data, end=end, activities_per_person=GENERATED_ACTIVITIES_PER_PERSON,
                       force=True)
    env = {**dbt_env(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    steps = [("load", [sys.executable, str(PROJECT_ROOT / "scripts" / "load_raw.py"), str(data),
                       "--warehouse", str(warehouse)]),
             (f"dbt {' '.join(build_args(tables))}",
              [str(DBT), *build_args(tables), "--target-path", str(workdir / "target"),
               "--log-path", str(workdir / "logs")])]
    for label, command in steps:
        log.info("%s ...", label)
        started = time.monotonic()
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise TrainingError(f"{label} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
        log.info("%s: %.1f s", label, time.monotonic() - started)
    return warehouse


# -- what is printed ----------------------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 4) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}g}" if value < 0.001 else f"{value:.{digits}f}"


def weights_table(compiled: dict[str, Any], artefact: dict[str, Any]) -> list[str]:
    """The trained model as a table: the prior, then each level's m, u and match weight."""
    filled = {(item["comparison"], item["level"]) for item in artefact["training"]["levels_not_estimated"]}
    rows = [("comparison", "level", "m", "u", "weight", "")]
    rows.append(("prior", "λ", "", _number(compiled["probability_two_random_records_match"]),
                 f"{compiled['prior_match_weight']:+.2f}", ""))
    for comparison in compiled["comparisons"]:
        for level in comparison["levels"]:
            note = ("missing: says nothing" if level["is_null_level"] else
                    "not estimated: weight 0" if (comparison["name"], level["label"]) in filled else "")
            rows.append((comparison["name"], level["label"], _number(level["m_probability"]),
                         _number(level["u_probability"]), f"{level['match_weight']:+.2f}", note))
    header = (f"{compiled['name']} match model {compiled['version']}: "
              + ", ".join(f"{table} {rows:,}" for table, rows in artefact["training"]["tables"].items())
              + f" rows; 1 pair in {1 / compiled['probability_two_random_records_match']:,.0f} expected to match")
    return [header, "", *format_table(rows, right_aligned={2, 3, 4}, header_rule=True)]


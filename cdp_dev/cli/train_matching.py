"""scripts/train_matching.py (cdp-train-matching, `make train-matching`): train the matching models with Splink
(cdp_dev.matching.train), write their versioned artefacts (matching/*_match_model.json), compile them into the dbt
macros (macros/matching/*_match_model.sql) and draw docs/matching_weights.png.

    python scripts/train_matching.py [--warehouse PATH | --accounts N --seed S] [--model NAME ...] [--out DIR]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from cdp.logs import CLOCK, setup_logging
from cdp.warehouse.connection import PROJECT_ROOT
from cdp_dev.matching.chart import ChartError, write_chart
from cdp_dev.matching.comparisons import CHART, MODELS
from cdp_dev.matching.compile import CompileError, model_dict, read_artefact, write_macro
from cdp_dev.matching.train import (
    DEFAULT_ACCOUNTS,
    DEFAULT_END,
    DEFAULT_SEED,
    DEFAULT_U_MAX_PAIRS,
    GENERATED_ACTIVITIES_PER_PERSON,
    TRAINERS,
    TrainingError,
    TrainingOptions,
    build_args,
    build_training_warehouse,
    existing_tables,
    model_exists,
    weights_table,
    write_artefact,
)

log = logging.getLogger("cdp_dev.matching")

DESCRIPTION = ("Train the probabilistic matching models (Splink) on a warehouse where the match-record models are "
               "built (default: a generated data set, loaded and built in a temporary folder), write the versioned "
               "artefacts matching/*_match_model.json, compile them into macros/matching/*_match_model.sql and draw "
               "docs/matching_weights.png.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="train_matching.py", description=DESCRIPTION)
    data = parser.add_argument_group("training data (default: generated)")
    data.add_argument("--warehouse", type=Path, metavar="PATH",
                      help="train on this DuckDB warehouse, where int_account_match_records (and "
                           "int_person_match_records) are built; read only")
    data.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS, metavar="N",
                      help="generated accounts (default: %(default)s)")
    data.add_argument("--seed", type=int, default=DEFAULT_SEED,
                      help="the generator's seed and Splink's sampling seed (default: %(default)s)")
    data.add_argument("--end", default=DEFAULT_END, help="the generated history's end (default: %(default)s)")
    data.add_argument("--workdir", type=Path, metavar="DIR",
                      help="generate and build in DIR and keep it (default: a temporary folder, removed)")
    parser.add_argument("--model", action="append", choices=list(MODELS), dest="models",
                        help="train only this model (repeatable; default: every model whose records are built)")
    parser.add_argument("--u-max-pairs", type=float, default=DEFAULT_U_MAX_PAIRS, metavar="N",
                        help="random pairs for the u probabilities (default: %(default).0f)")
    parser.add_argument("--recall", type=float, metavar="R",
                        help="the assumed recall of the prior's deterministic rules (default: each model's, 0.8)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT, metavar="DIR",
                        help="write matching/, macros/matching/ and docs/ in DIR (default: the project)")
    parser.add_argument("--no-chart", action="store_true", help="do not draw docs/matching_weights.png")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Splink's own progress messages")
    return parser


def _train(args: argparse.Namespace, warehouse: Path, data: dict, available: set[str]) -> list[str]:
    """Train, write and compile each model whose tables are available; the names trained."""
    wanted = args.models or list(MODELS)
    trained = []
    options = TrainingOptions(seed=args.seed, u_max_pairs=args.u_max_pairs)
    for name in wanted:
        model = MODELS[name]
        missing = [table for table in model.tables if table not in available]
        if missing:
            message = f"{name}: {', '.join(missing)} not built: model not trained"
            if args.models:
                raise TrainingError(message)
            log.warning(message)
            continue
        artefact = TRAINERS[name](warehouse, options, data, args.recall)
        path = write_artefact(artefact, model.artefact(args.out))
        macro = write_macro(model, args.out)
        log.info("%s: wrote %s and %s (%.1f s)", name, path, macro, artefact["training"]["seconds"])
        trained.append(name)
    if not trained:
        raise TrainingError("no model trained")
    return trained


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.accounts < 1:
        parser.error("--accounts must be at least 1")
    if args.recall is not None and not 0 < args.recall <= 1:
        parser.error("--recall must be in (0, 1]")
    setup_logging(logging.INFO, CLOCK)
    logging.getLogger("splink").setLevel(logging.INFO if args.verbose else logging.ERROR)
    started = time.monotonic()
    args.out = args.out.resolve()
    try:
        if args.warehouse is not None:
            warehouse = args.warehouse.resolve()
            if not warehouse.exists():
                raise TrainingError(f"no warehouse at {warehouse}")
            trained = _train(args, warehouse, {"warehouse": str(args.warehouse)}, existing_tables(warehouse))
        else:
            needed = [table for name in (args.models or MODELS) for table in MODELS[name].tables]
            tables = [table for table in dict.fromkeys(needed) if model_exists(table)]
            data = {"generated": {"accounts": args.accounts, "seed": args.seed, "end": args.end,
                                  "activities_per_person": GENERATED_ACTIVITIES_PER_PERSON},
                    "built": "dbt " + " ".join(build_args(tables))}
            with tempfile.TemporaryDirectory(prefix="train-matching-") as temporary:
                workdir = args.workdir.resolve() if args.workdir else Path(temporary)
                workdir.mkdir(parents=True, exist_ok=True)
                warehouse = build_training_warehouse(workdir, args.accounts, args.seed, tables, args.end)
                trained = _train(args, warehouse, data, set(tables))
        artefacts = {name: read_artefact(MODELS[name].artefact(args.out)) for name in MODELS
                     if MODELS[name].artefact(args.out).exists()}
        if not args.no_chart:
            chart = write_chart(list(artefacts.values()), args.out / CHART)
            log.info("wrote %s (%s bytes)", chart, f"{chart.stat().st_size:,}")
    except (TrainingError, CompileError, ChartError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for name in trained:
        print("\n".join(["", *weights_table(model_dict(artefacts[name]), artefacts[name])]))
    print(f"\ntrained {', '.join(trained)} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

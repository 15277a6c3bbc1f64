"""Compile a trained matching artefact (matching/<model>_match_model.json) into the dbt macro the build scores with
(macros/matching/<model>_match_model.sql), and check that the macros are current.

    python -m cdp_dev.matching.compile [--check] [MODEL ...]

The macro returns the model as a dict (the shape of model_dict): its name and version, the prior
(probability_two_random_records_match and its match weight log2(λ / (1 - λ))), and per comparison its levels in
evaluation order, each with its SQL condition (the last is 'else'), m and u probabilities and match weight
log2(m / u) (0 for the null level), computed exactly as Splink computes them when it predicts, so that the build's
probabilities are Splink's (tests/test_matching_model.py compares them). Numbers are written with repr(): the
shortest text that reads back as the same double, on DuckDB, Spark and Jinja alike.

Development tooling on purpose: the build needs only the macros; this runs after training and in the tests. It
does not import Splink.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cdp.warehouse.connection import PROJECT_ROOT
from cdp_dev.matching.comparisons import (
    COMMAND,
    COMPILE_COMMAND,
    ELSE,
    FEATURES,
    MODELS,
    MatchModel,
    check_level_sql,
)

# Splink's floor for m and u before taking log2(m / u) (splink.internals.comparison_level.M_U_CLAMP_MIN).
M_U_CLAMP_MIN = 1e-300


class CompileError(ValueError):
    """The artefact cannot be compiled (the message says why)."""


def prior_match_weight(probability: float) -> float:
    """log2 of the prior odds, as Splink's prob_to_match_weight computes it."""
    return math.log2(probability / (1 - probability) if probability != 1 else math.inf)


def level_match_weight(m_probability: float, u_probability: float) -> float:
    """log2(m / u), as Splink's ComparisonLevel._match_weight computes it."""
    return math.log2(max(m_probability, M_U_CLAMP_MIN) / max(u_probability, M_U_CLAMP_MIN))


def _probability(level: dict[str, Any], key: str, where: str) -> float:
    value = level.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise CompileError(f"{where}: {key} is {value!r}, not a trained probability (retrain: {COMMAND})")
    return float(value)


def model_dict(artefact: dict[str, Any]) -> dict[str, Any]:
    """The model as the macro returns it, from the artefact (its Splink model and our metadata)."""
    splink = artefact["splink_model"]
    prior = float(splink["probability_two_random_records_match"])
    if not 0 < prior < 1:
        raise CompileError(f"probability_two_random_records_match is {prior!r}, not in (0, 1)")
    comparisons = []
    for comparison in splink["comparisons"]:
        name = comparison["output_column_name"]
        levels = []
        for position, level in enumerate(comparison["comparison_levels"]):
            where = f"comparison {name}, level {position} ({level.get('label_for_charts')})"
            if any(key.startswith("tf_") for key in level):
                raise CompileError(f"{where}: term frequency adjustments are not supported (the build scores "
                                   "with fixed weights)")
            sql = level["sql_condition"]
            if sql.strip().lower() == ELSE:
                sql = ELSE
            try:
                check_level_sql(sql)
            except ValueError as error:
                raise CompileError(f"{where}: {error}") from None
            is_null_level = bool(level.get("is_null_level", False))
            if is_null_level:
                m_probability = u_probability = None
                match_weight = 0.0
            else:
                m_probability = _probability(level, "m_probability", where)
                u_probability = _probability(level, "u_probability", where)
                match_weight = level_match_weight(m_probability, u_probability)
            if not math.isfinite(match_weight):
                raise CompileError(f"{where}: match weight {match_weight}")
            levels.append({"label": level["label_for_charts"], "sql": sql, "is_null_level": is_null_level,
                           "m_probability": m_probability, "u_probability": u_probability,
                           "match_weight": match_weight})
        if levels[-1]["sql"] != ELSE:
            raise CompileError(f"comparison {name}: the last level is not {ELSE!r}")
        comparisons.append({"name": name, "levels": levels})
    return {"name": artefact["name"], "version": artefact["version"],
            "probability_two_random_records_match": prior, "prior_match_weight": prior_match_weight(prior),
            "features": list(FEATURES), "comparisons": comparisons}


def jinja_literal(value: Any) -> str:
    """``value`` as a Jinja expression that evaluates back to it (none, true/false, repr of numbers, quoted text)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CompileError(f"{value!r} has no Jinja literal")
        return repr(value)
    if isinstance(value, str):
        if not value.isascii() or any(not character.isprintable() for character in value):
            raise CompileError(f"{value!r}: only printable ASCII text is written into the macro")
        quote = '"' if "'" in value and '"' not in value else "'"
        return quote + value.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote
    raise CompileError(f"{value!r} ({type(value).__name__}) has no Jinja literal here")


def _items(pairs: list[tuple[str, Any]]) -> str:
    return "{" + ", ".join(f"{jinja_literal(key)}: {value}" for key, value in pairs) + "}"


def render_macro(model: MatchModel, compiled: dict[str, Any]) -> str:
    """The macro file: a header that says where it comes from, then the macro returning ``compiled``."""
    header = (f"Generated from {model.artefact(Path('.'))} by `{COMMAND}` (recompiled alone by "
              f"`{COMPILE_COMMAND}`): do not edit. The {compiled['name']} match model, version "
              f"{compiled['version']}: the prior and each comparison's levels in evaluation order (the first true "
              "condition wins; the last is 'else'), with their m and u probabilities and match weights "
              "log2(m / u), as Splink trained them; features: the record columns the levels compare (each as "
              "<feature>_l and <feature>_r). Scored by the macros of macros/matching/match_scoring.sql.")
    lines = [
        "{#",
        *textwrap.wrap(header, width=116, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False),
        "#}",
        f"{{% macro {model.macro_name}() -%}}",
        "    {{ return({",
        f"        'name': {jinja_literal(compiled['name'])},",
        f"        'version': {jinja_literal(compiled['version'])},",
        "        'probability_two_random_records_match': "
        f"{jinja_literal(compiled['probability_two_random_records_match'])},",
        f"        'prior_match_weight': {jinja_literal(compiled['prior_match_weight'])},",
        f"        'features': [{', '.join(jinja_literal(feature) for feature in compiled['features'])}],",
        "        'comparisons': [",
    ]
    for comparison_index, comparison in enumerate(compiled["comparisons"]):
        lines.append(f"            {{'name': {jinja_literal(comparison['name'])}, 'levels': [")
        for level_index, level in enumerate(comparison["levels"]):
            text = _items([(key, jinja_literal(level[key])) for key in
                           ("label", "sql", "is_null_level", "m_probability", "u_probability", "match_weight")])
            lines.append(f"                {text}{',' if level_index < len(comparison['levels']) - 1 else ''}")
        lines.append(f"            ]}}{',' if comparison_index < len(compiled['comparisons']) - 1 else ''}")
    lines += ["        ]", "    }) }}", "{%- endmacro %}", ""]
    return "\n".join(lines)


def read_artefact(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def compile_model(model: MatchModel, root: Path = PROJECT_ROOT) -> str:
    """The macro text the model's artefact (in ``root``) compiles to."""
    return render_macro(model, model_dict(read_artefact(model.artefact(root))))


def stale_macros(models: Sequence[MatchModel], root: Path = PROJECT_ROOT) -> list[str]:
    """What is out of date in ``root``, one line each: a macro that is not what its artefact compiles to, or a
    macro without its artefact. A model with neither (not trained yet) is not stale."""
    problems = []
    for model in models:
        artefact, macro = model.artefact(root), model.macro(root)
        if not artefact.exists():
            if macro.exists():
                problems.append(f"{model.macro(Path('.'))} has no artefact {model.artefact(Path('.'))}")
            continue
        current = macro.read_text() if macro.exists() else None
        if current != compile_model(model, root):
            problems.append(f"{model.macro(Path('.'))} is not what {model.artefact(Path('.'))} compiles to: "
                            f"run `{COMPILE_COMMAND}`")
    return problems


def write_macro(model: MatchModel, root: Path = PROJECT_ROOT) -> Path:
    """Compile the model's artefact in ``root`` into its macro there (written only when it changes)."""
    macro = model.macro(root)
    macro.parent.mkdir(parents=True, exist_ok=True)
    text = compile_model(model, root)
    if not macro.exists() or macro.read_text() != text:
        macro.write_text(text)
    return macro


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMPILE_COMMAND, description=(
        "Compile the trained matching artefacts (matching/*_match_model.json) into the dbt macros "
        "(macros/matching/*_match_model.sql), or with --check only check that the macros are current."))
    parser.add_argument("models", nargs="*", metavar="MODEL", help=f"the models (default: all: {', '.join(MODELS)})")
    parser.add_argument("--check", action="store_true", help="only check (exit 1 when a macro is out of date)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.models) - set(MODELS))
    if unknown:
        parser.error(f"unknown model {', '.join(unknown)}; known: {', '.join(MODELS)}")
    models = [MODELS[name] for name in (args.models or MODELS)]
    try:
        if args.check:
            problems = stale_macros(models)
            for problem in problems:
                print(problem)
            return 1 if problems else 0
        for model in models:
            if model.artefact().exists():
                write_macro(model)
                print(f"compiled {model.artefact(Path('.'))} into {model.macro(Path('.'))}")
            else:
                print(f"no artefact {model.artefact(Path('.'))} (not trained): skipped")
    except (CompileError, KeyError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The matching models' artefacts and macros (cdp_dev.matching): the committed macros are what the committed
artefacts compile to, every level's SQL is of what runs alike on DuckDB and Spark, the compile is deterministic and
its macro evaluates (in Jinja, as dbt reads it) to exactly the compiled dict; a small training run end to end (a
generated set loaded and built, both models trained, artefacts, macros and chart written); and the dict
reproduces Splink: for pairs Splink scores, the probability from the macro's dict (the prior's weight plus each
comparison's level weight, the level found by running the level SQL in order) is Splink's match_probability."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import pytest

from cdp_dev.cli.train_matching import main as train_main
from cdp_dev.matching import compile as matching_compile
from cdp_dev.matching.comparisons import (
    COMPARISONS,
    ELSE,
    MODELS,
    UNIQUE_ID,
    LevelSqlError,
    check_level_sql,
)
from cdp_dev.matching.train import load_records
from conftest import REPO_ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def macro_value(text: str, macro_name: str) -> Any:
    """What the macro returns when dbt calls it: the file's macro run in Jinja with dbt's `return`."""
    returned = []
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.globals["return"] = lambda value: returned.append(value) or ""
    getattr(environment.from_string(text).module, macro_name)()
    assert len(returned) == 1
    return returned[0]


def committed_artefact(name: str) -> dict[str, Any]:
    return json.loads(MODELS[name].artefact(REPO_ROOT).read_text())


# -- the committed files ------------------------------------------------------------------------------------------


def test_committed_macros_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    for model in MODELS.values():
        assert model.artefact(REPO_ROOT).exists(), f"{model.artefact(Path('.'))} missing: make train-matching"
    assert matching_compile.main(["--check"]) == 0, capsys.readouterr().out


def test_check_finds_a_stale_macro(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = MODELS["account"]
    model.artefact(tmp_path).parent.mkdir(parents=True)
    model.artefact(tmp_path).write_text(model.artefact(REPO_ROOT).read_text())
    assert matching_compile.stale_macros([model], tmp_path) != []  # no macro yet
    matching_compile.write_macro(model, tmp_path)
    assert matching_compile.stale_macros([model], tmp_path) == []
    edited = model.macro(tmp_path).read_text().replace("'match_weight': 0.0", "'match_weight': 0.5", 1)
    model.macro(tmp_path).write_text(edited)
    assert matching_compile.stale_macros([model], tmp_path) == [
        f"{model.macro(Path('.'))} is not what {model.artefact(Path('.'))} compiles to: "
        "run `python -m cdp_dev.matching.compile`"]


def test_comparisons_are_shared_and_end_with_else() -> None:
    for name in MODELS:
        compiled = matching_compile.model_dict(committed_artefact(name))
        assert [(c["name"], [(level["label"], level["sql"]) for level in c["levels"]]) for c in
                compiled["comparisons"]] == [(c.name, [(level.label, level.sql) for level in c.levels])
                                             for c in COMPARISONS]
        for comparison in compiled["comparisons"]:
            assert comparison["levels"][0]["is_null_level"] and comparison["levels"][0]["match_weight"] == 0.0
            assert comparison["levels"][-1]["sql"] == ELSE
            assert re.fullmatch(r"[a-z_]+", comparison["name"])
            assert all(re.fullmatch(r"[a-z_]+", level["label"]) for level in comparison["levels"])


def test_every_level_sql_uses_only_what_both_engines_run() -> None:
    sqls = {level.sql for comparison in COMPARISONS for level in comparison.levels}
    for name, model in MODELS.items():
        compiled = macro_value(model.macro(REPO_ROOT).read_text(), model.macro_name)
        sqls |= {level["sql"] for comparison in compiled["comparisons"] for level in comparison["levels"]}
    for sql in sqls:
        check_level_sql(sql)
    functions = {name for sql in sqls for name in re.findall(r"([a-z_]+)\s*\(", sql)}
    assert functions == {"levenshtein", "length", "split", "array_intersect", "cardinality"}


@pytest.mark.parametrize("sql", [
    "lower(domain_l) = domain_r",
    "jaro_winkler_similarity(name_normalised_l, name_normalised_r) > 0.9",
    "list_intersect(split(name_normalised_l, ' '), split(name_normalised_r, ' ')) is null",
    "size(split(name_normalised_l, ' ')) > 1",
    "split(name_normalised_l, ',') is null",
    "levenshtein(name_normalised_l, name_normalised_r, 2) <= 2",
    "domain_l like domain_r",
    "domain_l ilike domain_r",
    "coalesce(domain_l, '') = coalesce(domain_r, '')",
    "cast(phone_l as bigint) = cast(phone_r as bigint)",
    "l.domain = r.domain",
    "email_l = email_r",
    "domain_l in (domain_r)",
    "domain_l is not distinct from domain_r",
])
def test_level_sql_check_rejects(sql: str) -> None:
    with pytest.raises(LevelSqlError):
        check_level_sql(sql)


@pytest.mark.parametrize("value", [0.1 + 0.2, 1e-06, 5e-324, -109.84153451227303, 2.0 ** -60, 12.0, 0.0, -0.5,
                                   1.7976931348623157e308, 9.047064470596433e-34])
def test_numbers_read_back_exactly(value: float) -> None:
    text = "{% macro m() %}{{ return(" + matching_compile.jinja_literal(value) + ") }}{% endmacro %}"
    assert macro_value(text, "m") == value
    [(read,)] = duckdb.sql(f"select cast({matching_compile.jinja_literal(value)} as double)").fetchall()
    assert read == value


@pytest.mark.parametrize("value", ["plain", "split(a, ' ')", "it's \"quoted\"", "back\\slash", "else"])
def test_text_reads_back_exactly(value: str) -> None:
    text = "{% macro m() %}{{ return(" + matching_compile.jinja_literal(value) + ") }}{% endmacro %}"
    assert macro_value(text, "m") == value


def test_compile_is_deterministic_and_the_macro_is_the_dict() -> None:
    for name, model in MODELS.items():
        artefact = committed_artefact(name)
        first, second = matching_compile.compile_model(model), matching_compile.compile_model(model)
        assert first == second
        assert macro_value(first, model.macro_name) == matching_compile.model_dict(artefact)
        compiled = matching_compile.model_dict(artefact)
        prior = compiled["probability_two_random_records_match"]
        assert compiled["prior_match_weight"] == math.log2(prior / (1 - prior))
        assert compiled["name"] == name and compiled["version"] == artefact["version"]
        for comparison in compiled["comparisons"]:
            for level in comparison["levels"]:
                if not level["is_null_level"]:
                    assert level["match_weight"] == math.log2(level["m_probability"] / level["u_probability"])


def test_compile_refuses_what_the_build_cannot_reproduce() -> None:
    artefact = committed_artefact("account")
    untrained = json.loads(json.dumps(artefact))
    del untrained["splink_model"]["comparisons"][1]["comparison_levels"][1]["m_probability"]
    with pytest.raises(matching_compile.CompileError, match="m_probability"):
        matching_compile.model_dict(untrained)
    term_frequencies = json.loads(json.dumps(artefact))
    term_frequencies["splink_model"]["comparisons"][1]["comparison_levels"][1]["tf_adjustment_column"] = "domain"
    with pytest.raises(matching_compile.CompileError, match="term frequency"):
        matching_compile.model_dict(term_frequencies)
    engine_specific = json.loads(json.dumps(artefact))
    engine_specific["splink_model"]["comparisons"][1]["comparison_levels"][1]["sql_condition"] = \
        "jaro_winkler_similarity(domain_l, domain_r) > 0.9"
    with pytest.raises(matching_compile.CompileError, match="jaro_winkler"):
        matching_compile.model_dict(engine_specific)


# -- training, end to end -----------------------------------------------------------------------------------------

ACCOUNTS = 40
SEED = 3


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both models trained on a small generated set, everything written under the returned folder (the training
    warehouse kept in work/)."""
    out = tmp_path_factory.mktemp("train-matching")
    assert train_main(["--accounts", str(ACCOUNTS), "--seed", str(SEED), "--u-max-pairs", "1e5", "--out", str(out),
                       "--workdir", str(out / "work")]) == 0
    return out


@pytest.mark.dbt
@pytest.mark.browser
def test_training_writes_valid_artefacts_macros_and_chart(trained: Path) -> None:
    for name, model in MODELS.items():
        artefact = json.loads(model.artefact(trained).read_text())
        assert artefact["name"] == name and re.fullmatch(r"\d{8}\.[0-9a-f]{8}", artefact["version"])
        assert artefact["training"]["data"]["generated"] == {
            "accounts": ACCOUNTS, "seed": SEED, "end": "2026-01-01", "activities_per_person": 1.0}
        assert all(rows > 0 for rows in artefact["training"]["tables"].values())
        assert artefact["training"]["term_frequency_adjustments"] is False
        splink_model = artefact["splink_model"]
        assert splink_model["link_type"] == model.link_type and splink_model["unique_id_column_name"] == UNIQUE_ID
        assert 0 < splink_model["probability_two_random_records_match"] < 1
        for comparison in splink_model["comparisons"]:
            for level in comparison["comparison_levels"]:
                if not level.get("is_null_level"):
                    assert 0 < level["m_probability"] <= 1 and 0 < level["u_probability"] <= 1, level
        assert matching_compile.stale_macros([model], trained) == []
        compiled = macro_value(model.macro(trained).read_text(), model.macro_name)
        domain = {level["label"]: level for level in
                  next(c for c in compiled["comparisons"] if c["name"] == "domain")["levels"]}
        assert domain["exact"]["match_weight"] > 0
        assert domain["exact"]["match_weight"] > domain["else"]["match_weight"]
    chart = trained / "docs" / "matching_weights.png"
    assert chart.read_bytes().startswith(PNG_SIGNATURE) and 5_000 < chart.stat().st_size < 100_000


def our_probabilities(con: duckdb.DuckDBPyConnection, table: str, compiled: dict[str, Any]) -> dict[tuple, float]:
    """{(id_l, id_r): probability} from the macro's dict over Splink's scored pairs (their <feature>_l / _r
    columns): each comparison's level is the first whose SQL is true, run in DuckDB as the build runs it; the
    weights are added to the prior in Splink's order and turned into a probability as Splink does."""
    cases = []
    for comparison in compiled["comparisons"]:
        whens = " ".join(f"else {index}" if level["sql"] == ELSE else f"when {level['sql']} then {index}"
                         for index, level in enumerate(comparison["levels"]))
        cases.append(f"case {whens} end")
    rows = con.execute(f"select {UNIQUE_ID}_l, {UNIQUE_ID}_r, {', '.join(cases)} from {table}").fetchall()
    probabilities = {}
    for id_l, id_r, *indexes in rows:
        weight = compiled["prior_match_weight"]
        for comparison, index in zip(compiled["comparisons"], indexes):
            weight += comparison["levels"][index]["match_weight"]
        probabilities[(id_l, id_r)] = (1 / (1 + 2 ** -weight) if weight >= 0 else 2 ** weight / (1 + 2 ** weight))
    return probabilities


@pytest.mark.dbt
@pytest.mark.parametrize("artefact_from", ["trained", "committed"])
@pytest.mark.parametrize("name", list(MODELS))
def test_the_macro_dict_reproduces_splink(trained: Path, name: str, artefact_from: str) -> None:
    """Splink (the artefact's own saved model, loaded) scores pairs of the small set's records: the pairs its
    blocking rules find (mostly matches) and every pair of up to 60 records per side (mostly not); the dict the
    macro returns gives each the same probability."""
    from splink import DuckDBAPI, Linker

    model = MODELS[name]
    root = trained if artefact_from == "trained" else REPO_ROOT
    artefact = json.loads(model.artefact(root).read_text())
    compiled = macro_value(model.macro(root).read_text(), model.macro_name)
    scored = {}
    for suffix, rules in (("", None), ("_sample", ["1 = 1"])):
        con = duckdb.connect(config={"threads": "1"})
        load_records(con, trained / "work" / "train.duckdb", model)
        for table in model.tables:  # a sample of every table, all pairs between them scored
            con.execute(f"create table {table}_sample as select * from {table} order by hash({UNIQUE_ID}) limit 60")
        settings = json.loads(json.dumps(artefact["splink_model"]))
        if rules:
            settings["blocking_rules_to_generate_predictions"] = rules
        db_api = DuckDBAPI(con)
        frames = [db_api.register(f"{table}{suffix}", dataset_display_name=f"{table}{suffix}")
                  for table in model.tables]
        linker = Linker(frames if len(frames) > 1 else frames[0], settings, log_level=None)
        predictions = linker.inference.predict()
        splink_probabilities = {(id_l, id_r): p for id_l, id_r, p in con.execute(
            f"select {UNIQUE_ID}_l, {UNIQUE_ID}_r, match_probability from {predictions.physical_name}").fetchall()}
        ours = our_probabilities(con, predictions.physical_name, compiled)
        assert ours.keys() == splink_probabilities.keys()
        for pair, probability in splink_probabilities.items():
            assert abs(ours[pair] - probability) <= 1e-12, (pair, ours[pair], probability)
        scored[suffix] = splink_probabilities
        con.close()
    assert len(scored[""]) > 20 and len(scored["_sample"]) > 1000
    everything = [*scored[""].values(), *scored["_sample"].values()]
    # Pairs in many combinations of levels, likely matches and unlikely ones.
    assert len(set(everything)) >= 4 and min(everything) < 0.5 < max(everything)

"""What the matching models compare: one definition of the comparisons, shared by both models, and of the models.

A comparison is a list of levels in evaluation order (the first whose condition is true wins, as in Splink's CASE
WHEN); a level is a SQL condition over the pair's columns ``<feature>_l`` / ``<feature>_r``. The first level of
each comparison is its null level (a missing value says nothing: weight 0), the last is ``else``.

Every condition runs unchanged on DuckDB and Spark: the build scores pairs with these exact strings on both
engines. So they use only ``=``, ``is null``, ``and`` / ``or``, arithmetic and comparison operators, integer and
string literals, the pair's columns, and the functions of FUNCTIONS, which both engines have with the same meaning
(checked by check_level_sql, which the compile step and the tests run):

* ``levenshtein(a, b)``: edit distance;
* ``length(s)``: characters (the normalised names are ASCII);
* ``split(s, ' ')``: the space-separated tokens (Spark reads the separator as a regular expression; a space is the
  same either way);
* ``array_intersect(a, b)``: the distinct shared elements; ``cardinality(a)``: their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp

from cdp.warehouse.connection import PROJECT_ROOT

# Where the intermediate models live in the warehouse (dbt_project.yml: +schema: intermediate).
SCHEMA = "intermediate"
UNIQUE_ID = "match_record_key"
# The record columns the comparisons read, besides the unique id.
FEATURES = ("name_normalised", "name_token_count", "domain", "country", "phone", "city")
ELSE = "else"

# The generated files, relative to the project root.
ARTEFACT_DIR = Path("matching")
MACRO_DIR = Path("macros") / "matching"
CHART = Path("docs") / "matching_weights.png"
# How the generated files say they are made.
COMMAND = "make train-matching"
COMPILE_COMMAND = "python -m cdp_dev.matching.compile"


@dataclass(frozen=True)
class Level:
    label: str  # short, snake case: the build writes it into SQL as a string literal (<comparison>_level)
    sql: str  # the condition, or ELSE
    description: str
    is_null_level: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]
    description: str


def _null(column: str) -> Level:
    return Level("null", f"{column}_l is null or {column}_r is null", f"{column} missing on either side",
                 is_null_level=True)


def _exact(column: str) -> Level:
    return Level("exact", f"{column}_l = {column}_r", f"same {column}")


def _else(what: str) -> Level:
    return Level("else", ELSE, f"different {what}")


def _exact_or_else(name: str, column: str, description: str) -> Comparison:
    return Comparison(name, (_null(column), _exact(column), _else(column)), description)


# The number of distinct tokens two names share (the names' tokens are distinct already).
SHARED_NAME_TOKENS = "cardinality(array_intersect(split(name_normalised_l, ' '), split(name_normalised_r, ' ')))"

COMPARISONS: tuple[Comparison, ...] = (
    Comparison("name", (
        _null("name_normalised"),
        _exact("name_normalised"),
        Level("typo",
              "levenshtein(name_normalised_l, name_normalised_r) <= 2"
              " and length(name_normalised_l) >= 6 and length(name_normalised_r) >= 6",
              "at most 2 edits apart, both names at least 6 characters"),
        # Token Jaccard >= 0.5: shared / (tokens_l + tokens_r - shared) >= 1/2, i.e. 3 shared >= tokens_l + tokens_r.
        Level("most_tokens", f"3 * {SHARED_NAME_TOKENS} >= name_token_count_l + name_token_count_r",
              "token Jaccard similarity at least 0.5"),
        Level("shared_token", f"{SHARED_NAME_TOKENS} >= 1", "at least one token in common"),
        _else("names"),
    ), "normalised company name (legal forms and stop words removed)"),
    _exact_or_else("domain", "domain", "web domain (the website's, else the people's work-email domain)"),
    _exact_or_else("country", "country", "country"),
    _exact_or_else("phone", "phone", "phone number (last 10 digits)"),
    _exact_or_else("city", "city", "city"),
)


@dataclass(frozen=True)
class MatchModel:
    """One trained model: what it links, how it is trained, where its artefact and macro are."""

    name: str
    link_type: str  # Splink's: dedupe_only (records of one table) or link_only (left table against right)
    tables: tuple[str, ...]  # the dbt models of the records, in SCHEMA
    description: str
    # Expectation maximisation runs once per rule, each on the pairs with the same value of these columns.
    em_blocking_columns: tuple[str, ...] = ("domain", "name_normalised")
    # The prior: pairs these deterministic rules find, over all pairs, divided by the rules' assumed recall.
    deterministic_rule_columns: tuple[str, ...] = ("domain",)
    recall: float = 0.8

    @property
    def macro_name(self) -> str:
        return f"{self.name}_match_model"

    def artefact(self, root: Path = PROJECT_ROOT) -> Path:
        """The trained artefact, in ``root`` (the project unless a test writes elsewhere)."""
        return root / ARTEFACT_DIR / f"{self.name}_match_model.json"

    def macro(self, root: Path = PROJECT_ROOT) -> Path:
        return root / MACRO_DIR / f"{self.macro_name}.sql"


ACCOUNT = MatchModel(
    "account", "dedupe_only", ("int_account_match_records",),
    "account records (Salesforce accounts, Marketo companies, MDM golden accounts) against each other",
)
PERSON_ACCOUNT = MatchModel(
    "person_account", "link_only", ("int_person_match_records", "int_account_match_records"),
    "persons without an account (their company name and email domain) against account records",
)
MODELS: dict[str, MatchModel] = {model.name: model for model in (ACCOUNT, PERSON_ACCOUNT)}


class LevelSqlError(ValueError):
    """A level's condition uses something that may not run, or not mean the same, on DuckDB and Spark."""


FUNCTIONS = frozenset({"levenshtein", "length", "split", "array_intersect", "cardinality"})
# sqlglot's node for each allowed function (Spark's split is its regular-expression split).
_FUNCTION_NODES: dict[type[exp.Expression], str] = {
    exp.Levenshtein: "levenshtein", exp.Length: "length", exp.Split: "split", exp.RegexpSplit: "split",
    exp.ArrayIntersect: "array_intersect",
}
_ARGUMENTS = {"levenshtein": 2, "length": 1, "split": 2, "array_intersect": 2, "cardinality": 1}
_OTHER_NODES = (exp.Column, exp.Identifier, exp.Literal, exp.Null, exp.Is, exp.Paren, exp.And, exp.Or,
                exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Add, exp.Sub, exp.Mul)
FEATURE_COLUMNS = frozenset(f"{feature}_{side}" for feature in FEATURES for side in ("l", "r"))


def _function_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    for node_type, name in _FUNCTION_NODES.items():
        if type(node) is node_type:
            return name
    return None


def _arguments(node: exp.Expression) -> list[exp.Expression]:
    return [value for value in node.args.values() if isinstance(value, exp.Expression)] + [
        item for value in node.args.values() if isinstance(value, list) for item in value
        if isinstance(item, exp.Expression)]


def check_level_sql(sql: str) -> None:
    """Raise LevelSqlError unless ``sql`` is ELSE or a condition made only of what both engines run alike: the
    pair's feature columns, literals, the operators and the functions of FUNCTIONS (split only on a space).
    Parsed as DuckDB and as Spark SQL: both must read it."""
    if sql.strip().lower() == ELSE:
        return
    for dialect in ("duckdb", "spark"):
        try:
            tree = sqlglot.parse_one(sql, read=dialect)
        except sqlglot.errors.ParseError as error:
            raise LevelSqlError(f"{sql!r} does not parse as {dialect} SQL: {error}") from None
        for node in tree.walk():
            name = _function_name(node)
            if name is not None:
                if name not in FUNCTIONS:
                    raise LevelSqlError(f"{sql!r} calls {name}(), not one of {', '.join(sorted(FUNCTIONS))}")
                arguments = _arguments(node)
                if len(arguments) != _ARGUMENTS[name]:
                    raise LevelSqlError(f"{sql!r}: {name}() takes {_ARGUMENTS[name]} arguments here")
                if name == "split" and not (isinstance(arguments[1], exp.Literal) and arguments[1].this == " "):
                    raise LevelSqlError(f"{sql!r}: split() only on a single space")
            elif isinstance(node, exp.Column):
                if node.table or node.name not in FEATURE_COLUMNS:
                    raise LevelSqlError(f"{sql!r} reads {node.sql()}, not a pair column "
                                        f"(<feature>_l / <feature>_r of {', '.join(FEATURES)})")
            elif isinstance(node, _OTHER_NODES):
                continue
            elif isinstance(node, exp.Func):
                raise LevelSqlError(f"{sql!r} calls {node.sql_name().lower()}(), "
                                    f"not one of {', '.join(sorted(FUNCTIONS))}")
            else:
                raise LevelSqlError(f"{sql!r} uses {type(node).__name__} ({node.sql(dialect=dialect)}), "
                                    "not a plain operator, literal or column")

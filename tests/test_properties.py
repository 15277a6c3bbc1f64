"""Property-based tests (hypothesis) for the two pieces of pure SQL logic, run as the project compiles them.

The SQL under test is never re-implemented in Python: dbt compiles it once per session (no warehouse needs to be
built for that), and every hypothesis example runs it in DuckDB against generated input. The Python references
below are written from the specification, not from the SQL:

* normalize_email (macros/staging/normalize.sql): the trimmed, lower-cased email, or null when it is not
  syntactically an address (one '@', a non-empty local part, a domain with a dot, no whitespace).
* int_persons_resolved (models/intermediate/persons/): the connected components of the person links, checked
  against a union-find.

Runs offline and deterministically (derandomize=True, no example database) in about a minute, half of it the
three dbt compiles (cdp_dev/identity_stress.py).
"""

from __future__ import annotations

import hashlib
import random
import unicodedata

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cdp_dev import identity_stress

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt


# Reproducible in CI: the same examples on every run, no example database to replay from.
PROPERTY_SETTINGS = settings(max_examples=200, derandomize=True, database=None, deadline=None)

CAPPED_ROUNDS = 2  # var connected_components_max_rounds for the convergence-guard test


# --------------------------------------------------------------------------------------------------------------
# The SQL under test, compiled by dbt once per session
# --------------------------------------------------------------------------------------------------------------

EMAIL_INLINE = (
    "select row_id, {{ normalize_email('email') }} as email_normalized from input_emails order by row_id"
)


class CompiledSql(dict):
    """The compiled queries by name; a short repr keeps hypothesis' failure reports readable."""

    def __repr__(self) -> str:
        return f"<compiled SQL: {', '.join(self)}>"


@pytest.fixture(scope="session")
def compiled_sql(tmp_path_factory: pytest.TempPathFactory) -> CompiledSql:
    """Both compiled queries. The second compile reuses the first one's partial parse (same target folder)."""
    workdir = tmp_path_factory.mktemp("dbt_compile")
    try:
        model_sql = identity_stress.compile_model(workdir)
        email_sql = identity_stress.compile_model(workdir, inline=EMAIL_INLINE)
        # The same model with too few rounds for a long chain: it must fail, not return a partial partition.
        capped_sql = identity_stress.compile_model(
            workdir, "--vars", f"{{connected_components_max_rounds: {CAPPED_ROUNDS}}}")
    except identity_stress.CompileError as error:
        pytest.fail(str(error))
    return CompiledSql(normalize_email=email_sql, int_persons_resolved=model_sql,
                       int_persons_resolved_capped=capped_sql)


@pytest.fixture(scope="module")
def duck() -> duckdb.DuckDBPyConnection:
    """One in-memory database per module. Each example works in its own cursor (a separate connection), whose
    temp tables no other example sees and which disappear when it closes."""
    with duckdb.connect() as con:
        yield con


# --------------------------------------------------------------------------------------------------------------
# Email normalisation
# --------------------------------------------------------------------------------------------------------------

# DuckDB's trim() strips exactly the Unicode space separators (category Zs: ' ', NBSP, ideographic space, ...),
# and NOT tabs, newlines or carriage returns - unlike Python's str.strip(). Checked against every code point.
SQL_TRIM_CHARS = "".join(
    chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) == "Zs"
)


def sql_trim(s: str) -> str:
    return s.strip(SQL_TRIM_CHARS)


def sql_lower(s: str) -> str:
    """Lower case as SQL lower() does it: code point by code point (Unicode simple case mapping). Python's
    str.lower() uses the full mapping, which differs only for U+0130 'İ' ('i' + combining dot instead of 'i') and
    is context-sensitive for a final 'Σ' ('ς' instead of 'σ')."""
    return "".join("i" if ch == "\u0130" else ch.lower() for ch in s)


ADDRESS_WHITESPACE = " \t\n\x0b\x0c\r\xa0"


def is_address(t: str) -> bool:
    """The spec: one '@', a non-empty local part, a domain with a dot that has something before it and something
    after its last dot (so 'x@..com' passes, 'x@.com' and 'x@example.com.' do not), and no space, tab, line break
    or no-break space anywhere."""
    if t.count("@") != 1 or any(ch in t for ch in ADDRESS_WHITESPACE):
        return False
    local, domain = t.split("@")
    before_last_dot, dot, after_last_dot = domain.rpartition(".")
    return bool(local) and bool(dot) and bool(before_last_dot) and bool(after_last_dot)


def reference_normalize(s: str | None) -> str | None:
    if s is None:
        return None
    t = sql_lower(sql_trim(s))
    return t if is_address(t) else None


def normalize_email(duck: duckdb.DuckDBPyConnection, sql: str, emails: list[str | None]) -> list[str | None]:
    """The compiled macro over a fresh temp table input_emails(email varchar), one result per input, in order."""
    with duck.cursor() as cur:
        cur.execute("create temp table input_emails (row_id integer, email varchar)")
        if emails:
            cur.executemany("insert into input_emails values (?, ?)", list(enumerate(emails)))
        rows = cur.execute(sql).fetchall()
    assert [row_id for row_id, _ in rows] == list(range(len(emails)))
    return [normalized for _, normalized in rows]


# Address-like strings from a small alphabet with the characters that matter: separators, case, spaces and other
# whitespace (inside and around), unicode letters and the characters lower() treats specially.
# Ordinary characters are sampled three times as often, so that about a quarter of these are valid addresses.
SPECIAL_CHARACTERS = list(".+-_@ \t\n\u00a0\u3000éÖßΣ\u0130")
PARTS = st.text(st.sampled_from(list("abcxyzABCXYZ019") * 3 + SPECIAL_CHARACTERS), min_size=1, max_size=6)
PADDING = st.one_of(
    st.just(""),
    st.text(st.sampled_from([" ", "\u00a0", "\u3000"]), max_size=3),  # what SQL trim() strips
    st.text(st.sampled_from([" ", "\t", "\n", "\r", "\u00a0"]), max_size=3),  # and what it does not
)


@st.composite
def plausible_emails(draw: st.DrawFn) -> str:
    local = draw(PARTS)
    labels = draw(st.lists(PARTS, min_size=1, max_size=3))
    trailing_dot = draw(st.sampled_from(["", "", "."]))  # 'x@example.com.' is not an address
    return draw(PADDING) + local + "@" + ".".join(labels) + trailing_dot + draw(PADDING)


ASCII_PLAUSIBLE = st.builds(
    lambda local, domain, tld: f"{local}@{domain}.{tld}",
    *(st.text(st.sampled_from(list("aBcXyZ09.+-_@ ")), max_size=5) for _ in range(3)),
)

EMAILS = st.one_of(plausible_emails(), plausible_emails(), st.text(max_size=30), st.none())
EMAIL_BATCHES = st.lists(EMAILS, min_size=1, max_size=12)
ASCII_BATCHES = st.lists(st.one_of(ASCII_PLAUSIBLE, st.text(st.characters(max_codepoint=127), max_size=20)),
                         min_size=1, max_size=12)


@PROPERTY_SETTINGS
@given(emails=EMAIL_BATCHES)
@example(emails=["  Ada@Example.COM  ", "\tada@example.com", "a b@example.com", "a@b@example.com", "a@example", "@x.io",
                 "ada@example.com.", "ada@.com", "ada@..com", None])
def test_normalized_email_is_null_or_the_trimmed_lower_cased_input(duck, compiled_sql, emails):
    # GIVEN arbitrary strings and address-like strings
    # WHEN the compiled normalize_email runs over them
    normalized = normalize_email(duck, compiled_sql["normalize_email"], emails)

    # THEN each result is null or the input trimmed (as SQL trims) and lower-cased (as SQL lower-cases) ...
    for raw, result in zip(emails, normalized):
        assert result is None or result == sql_lower(sql_trim(raw)), (raw, result)
    # ... and null exactly when that is not an address by the spec.
    assert normalized == [reference_normalize(raw) for raw in emails]


@PROPERTY_SETTINGS
@given(emails=EMAIL_BATCHES)
def test_normalize_email_is_idempotent(duck, compiled_sql, emails):
    # GIVEN normalised emails
    once = normalize_email(duck, compiled_sql["normalize_email"], emails)

    # WHEN they are normalised again
    twice = normalize_email(duck, compiled_sql["normalize_email"], once)

    # THEN nothing changes
    assert twice == once


@PROPERTY_SETTINGS
@given(emails=EMAIL_BATCHES)
def test_valid_normalized_email_has_one_at_a_dotted_domain_and_no_whitespace(duck, compiled_sql, emails):
    # GIVEN arbitrary strings and address-like strings
    # WHEN they are normalised
    normalized = normalize_email(duck, compiled_sql["normalize_email"], emails)

    # THEN every non-null result has one '@', a non-empty local part, a domain with a '.' (not at its end) and no
    # whitespace. (The rule accepts domains such as '..com': see is_address.)
    for result in filter(None, normalized):
        local, domain = result.split("@")  # exactly one '@', or this raises
        assert local
        assert "." in domain[1:-1]
        assert not any(ch in result for ch in ADDRESS_WHITESPACE)


@PROPERTY_SETTINGS
@given(emails=ASCII_BATCHES)
def test_normalize_email_ignores_ascii_case(duck, compiled_sql, emails):
    # GIVEN ASCII strings
    sql = compiled_sql["normalize_email"]

    # WHEN their upper-case and lower-case spellings are normalised
    from_upper = normalize_email(duck, sql, [raw.upper() for raw in emails])
    from_lower = normalize_email(duck, sql, [raw.lower() for raw in emails])

    # THEN both give the same result as the string itself
    assert from_upper == from_lower == normalize_email(duck, sql, emails)


# --------------------------------------------------------------------------------------------------------------
# Identity resolution: connected components
# --------------------------------------------------------------------------------------------------------------

LINK_TYPES = ["same_email", "marketo_sfdc_contact_id", "marketo_sfdc_lead_id", "salesforce_lead_conversion"]
Graph = tuple[list[str], list[tuple[str, str, str]]]


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    """0-25 record keys like 'n07' (not contiguous, in random order) and links between them: self-loops,
    repeated links (same or another link type) and links in both directions included."""
    size = draw(st.integers(0, 25))
    numbers = draw(st.lists(st.integers(0, 99), unique=True, min_size=size, max_size=size))
    nodes = [f"n{number:02d}" for number in numbers]
    if not nodes:
        return nodes, []
    endpoint = st.sampled_from(nodes)
    link_count = draw(st.integers(0, 2 * len(nodes)))
    links = draw(st.lists(st.tuples(endpoint, endpoint, st.sampled_from(LINK_TYPES)),
                          min_size=link_count, max_size=link_count))
    if links:
        repeats = draw(st.lists(st.tuples(st.sampled_from(links), st.booleans()), max_size=5))
        links += [(b, a, link_type) if flip else (a, b, link_type) for (a, b, link_type), flip in repeats]
    return nodes, links


def union_find_components(nodes: list[str], links: list[tuple[str, str, str]]) -> set[frozenset[str]]:
    parent = {node: node for node in nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b, _ in links:
        parent[root(a)] = root(b)
    components: dict[str, set[str]] = {}
    for node in nodes:
        components.setdefault(root(node), set()).add(node)
    return {frozenset(component) for component in components.values()}


def resolve_persons(duck: duckdb.DuckDBPyConnection, sql: str, graph: Graph) -> list[tuple[str, str, str, int]]:
    """The compiled int_persons_resolved over fresh temp tables standing in for its two upstream models."""
    nodes, links = graph
    with duck.cursor() as cur:
        cur.execute("create temp table int_person_records_unioned (record_key varchar)")
        cur.execute(
            "create temp table int_person_links (record_key varchar, linked_record_key varchar, link_type varchar)"
        )
        if nodes:
            cur.executemany("insert into int_person_records_unioned values (?)", [(node,) for node in nodes])
        if links:
            cur.executemany("insert into int_person_links values (?, ?, ?)", links)
        return cur.execute(
            f"select record_key, component_key, person_id, component_size from ({sql}) as resolved"
        ).fetchall()


def assert_same_as_union_find(graph: Graph, rows: list[tuple[str, str, str, int]]) -> None:
    nodes, links = graph
    expected = union_find_components(nodes, links)

    # exactly one row per record
    assert sorted(record_key for record_key, *_ in rows) == sorted(nodes)
    # the same partition into components
    by_key: dict[str, set[str]] = {}
    for record_key, component_key, _, _ in rows:
        by_key.setdefault(component_key, set()).add(record_key)
    assert {frozenset(component) for component in by_key.values()} == expected
    # each component named after its smallest record, hashed into person_id, with its size
    component_of = {node: component for component in expected for node in component}
    for record_key, component_key, person_id, component_size in rows:
        component = component_of[record_key]
        assert component_key == min(component)
        assert component_size == len(component)
        assert person_id == hashlib.md5(component_key.encode()).hexdigest()


@PROPERTY_SETTINGS
@given(graph=graphs())
@example(graph=(["n03", "n01", "n02"], [("n03", "n03", "same_email")]))  # a self-loop only
@example(graph=(["n05", "n04", "n09"], [("n09", "n05", "same_email"), ("n05", "n09", "same_email"),
                                        ("n09", "n04", "marketo_sfdc_lead_id"), ("n04", "n05", "same_email")]))
def test_persons_are_the_connected_components_of_the_links(duck, compiled_sql, graph):
    # GIVEN records and links between them
    # WHEN the compiled int_persons_resolved runs over them
    rows = resolve_persons(duck, compiled_sql["int_persons_resolved"], graph)

    # THEN its persons are the components a union-find finds
    assert_same_as_union_find(graph, rows)


def test_a_long_chain_is_one_person(duck, compiled_sql):
    # GIVEN a chain of 60 records, its links in shuffled order and direction, the smallest key at one end
    nodes = [f"n{i:02d}" for i in range(60)]
    rng = random.Random(20260101)
    links = [(a, b, "same_email") if rng.random() < 0.5 else (b, a, "same_email") for a, b in zip(nodes, nodes[1:])]
    rng.shuffle(links)
    rng.shuffle(nodes)

    # WHEN the compiled int_persons_resolved runs over it
    rows = resolve_persons(duck, compiled_sql["int_persons_resolved"], (nodes, links))

    # THEN all 60 records are one person, named after n00 (59 hops from n59): there is no hop limit
    assert_same_as_union_find((nodes, links), rows)
    assert {(component_key, size) for _, component_key, _, size in rows} == {("n00", 60)}


def test_a_chain_of_50000_records_is_one_person(duck, compiled_sql):
    # GIVEN one chain of 50,000 records (the benchmark's identity stress case), each link a distinct value
    # WHEN the compiled int_persons_resolved runs over it
    with duck.cursor() as cur:
        result = identity_stress.resolve_chain(cur, compiled_sql["int_persons_resolved"], 50_000)

    # THEN every record is in one person, named after the smallest key, whatever its place in the chain
    assert (result.records, result.persons, result.is_one_person) == (50_000, 1, True)


def test_a_graph_unfinished_in_the_allowed_rounds_fails_loudly(duck, compiled_sql):
    # GIVEN a chain of 1,000 records (about ten rounds) and a build allowed only two
    # WHEN the model compiled with connected_components_max_rounds: 2 runs
    # THEN it fails naming the var to raise, instead of returning a partial partition
    with duck.cursor() as cur, pytest.raises(
            duckdb.Error, match="did not converge in 2 rounds: raise the var connected_components_max_rounds"):
        identity_stress.resolve_chain(cur, compiled_sql["int_persons_resolved_capped"], 1_000)

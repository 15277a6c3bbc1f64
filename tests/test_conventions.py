"""The dbt layer conventions checker (cdp_dev/conventions.py): the project passes it, and each rule can fail.

Each rule is proven able to fail on a small hand-made manifest (and project folder) that breaks only that rule;
the project's own manifest comes from `dbt parse` into a temporary target path.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cdp_dev import conventions
from conftest import REPO_ROOT

pytestmark = pytest.mark.dbt


def test_the_project_follows_its_conventions(project, capsys):
    # GIVEN the project's manifest, parsed from scratch
    project.dbt("parse", "--no-partial-parse")
    manifest = project.workdir / "target" / "manifest.json"
    # WHEN the checker reads it
    code = conventions.main([str(manifest), "--project-dir", str(REPO_ROOT)])
    # THEN it finds nothing
    output = capsys.readouterr().out
    assert code == 0, output
    assert output.startswith("conventions: ok")


# A small project that follows every rule: a source, a staging model, an intermediate model, a public mart and a
# segment, each documented in its folder's yml and with a key test.
def _model(name: str, path: str, *, description: str = "One row per thing, described in enough words.",
           columns: dict | None = None, depends_on: tuple[str, ...] = (), public: bool = False,
           yml: str | None = None) -> dict:
    folder = str(Path(path).parent)
    return {
        "unique_id": f"model.demo.{name}",
        "resource_type": "model",
        "package_name": "demo",
        "name": name,
        "original_file_path": path,
        "fqn": ["demo", *Path(path).parts[1:-1], name],
        "description": description,
        "columns": columns or {},
        "depends_on": {"nodes": list(depends_on), "macros": []},
        "access": "public" if public else "protected",
        "config": {"enabled": True, "access": "public" if public else "protected",
                   "contract": {"enforced": public}},
        "contract": {"enforced": public},
        "patch_path": f"demo://{folder}/{yml}" if yml else None,
    }


def _column(name: str, description: str = "What the value means, in words.", data_type: str | None = "string",
            pii: bool = False) -> dict:
    meta = {"pii": True} if pii else {}
    return {"name": name, "description": description, "data_type": data_type, "meta": meta,
            "config": {"meta": meta}}


def _key_test(model: str, kind: str = "primary_key", column: str | None = "id") -> dict:
    return {
        "unique_id": f"test.demo.{kind}_{model}_{column}",
        "resource_type": "test",
        "package_name": "demo",
        "name": f"{kind}_{model}_{column}",
        "attached_node": f"model.demo.{model}",
        "column_name": column,
        "test_metadata": {"name": kind, "kwargs": {}},
        "depends_on": {"nodes": [f"model.demo.{model}"], "macros": []},
        "config": {"enabled": True},
    }


def good_manifest() -> dict:
    models = [
        _model("stg_crm__accounts", "models/staging/crm/stg_crm__accounts.sql", yml="_crm__models.yml",
               depends_on=("source.demo.crm.account",),
               columns={"id": _column("id"), "email": _column("email", pii=True)}),
        _model("int_accounts_resolved", "models/intermediate/accounts/int_accounts_resolved.sql",
               yml="_int_accounts__models.yml", depends_on=("model.demo.stg_crm__accounts",)),
        _model("dim_accounts", "models/marts/accounts/dim_accounts.sql", yml="_accounts__models.yml", public=True,
               depends_on=("model.demo.int_accounts_resolved",),
               columns={"id": _column("id"), "contact_email": _column("contact_email", pii=True),
                        "email_domain": _column("email_domain")}),
        # A documented exception: the name stays although marts are dim_/fct_/bridge_
        _model("account_traits", "models/marts/accounts/account_traits.sql", yml="_accounts__models.yml",
               depends_on=("model.demo.dim_accounts",)),
        _model("seg_big_accounts", "models/segments/seg_big_accounts.sql", yml="_segments__models.yml",
               depends_on=("model.demo.account_traits",)),
    ]
    nodes = {model["unique_id"]: model for model in models}
    for model in models:
        test = _key_test(model["name"])
        nodes[test["unique_id"]] = test
    return {
        "metadata": {"project_name": "demo"},
        "nodes": nodes,
        "sources": {
            "source.demo.crm.account": {
                "unique_id": "source.demo.crm.account", "resource_type": "source", "package_name": "demo",
                "source_name": "crm", "name": "account", "config": {"enabled": True},
                "columns": {"id": _column("id"), "first_name": _column("first_name", pii=True)},
            },
        },
        "unit_tests": {
            "unit_test.demo.dim_accounts.edge": {
                "unique_id": "unit_test.demo.dim_accounts.edge", "resource_type": "unit_test", "package_name": "demo",
                "name": "edge", "model": "dim_accounts", "config": {"enabled": True},
                "original_file_path": "models/marts/accounts/_accounts__unit_tests.yml",
            },
        },
    }


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """The project folder good_manifest() describes: dbt_project.yml, the folders and their ymls."""
    (tmp_path / "dbt_project.yml").write_text(
        "name: demo\nmodel-paths: [models]\nseed-paths: [seeds]\n"
        "models:\n  demo:\n    marts:\n      +materialized: table\n      accounts:\n        +tags: [accounts]\n"
    )
    (tmp_path / "seeds").mkdir()
    for yml in ("staging/crm/_crm__models.yml", "intermediate/accounts/_int_accounts__models.yml",
                "marts/accounts/_accounts__models.yml", "marts/accounts/_accounts__unit_tests.yml",
                "segments/_segments__models.yml"):
        (tmp_path / "models" / yml).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "models" / yml).write_text("version: 2\n")
    return tmp_path


def rules(manifest: dict, project_dir: Path) -> set[tuple[str, str]]:
    return {(finding.subject, finding.rule) for finding in conventions.check(manifest, project_dir)}


def test_the_small_project_passes(demo_dir, tmp_path, capsys):
    # GIVEN a manifest and project folder that follow every rule
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(good_manifest()))
    # THEN the checker finds nothing and exits 0
    assert conventions.main([str(manifest), "--project-dir", str(demo_dir)]) == 0
    assert capsys.readouterr().out == "conventions: ok (5 models)\n"


def _node(manifest: dict, name: str) -> dict:
    return manifest["nodes"][f"model.demo.{name}"]


def _drop_tests(manifest: dict, model: str) -> None:
    for test_id in [uid for uid, node in manifest["nodes"].items()
                    if node["resource_type"] == "test" and node["attached_node"] == f"model.demo.{model}"]:
        del manifest["nodes"][test_id]


def _add_test(manifest: dict, test: dict) -> None:
    manifest["nodes"][test["unique_id"]] = test


def _rename(manifest: dict, old: str, new: str, path: str) -> None:
    node = manifest["nodes"].pop(f"model.demo.{old}")
    node.update(name=new, unique_id=f"model.demo.{new}", original_file_path=path,
                fqn=["demo", *Path(path).parts[1:-1], new])
    manifest["nodes"][node["unique_id"]] = node
    for test in manifest["nodes"].values():
        if test["resource_type"] == "test" and test["attached_node"] == f"model.demo.{old}":
            test["attached_node"] = node["unique_id"]


def _write(path: Path, text: str = "version: 2\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


BREAKS = [
    pytest.param(lambda m, d: _node(m, "int_accounts_resolved").update(description=""),
                 ("int_accounts_resolved", "description"), id="model-without-description"),
    pytest.param(lambda m, d: _node(m, "int_accounts_resolved").update(description="Accounts resolved."),
                 ("int_accounts_resolved", "description"), id="model-description-of-two-words"),
    pytest.param(lambda m, d: _drop_tests(m, "seg_big_accounts"),
                 ("seg_big_accounts", "primary key"), id="no-key-test"),
    pytest.param(lambda m, d: (_drop_tests(m, "seg_big_accounts"),
                               _add_test(m, _key_test("seg_big_accounts", "unique", "id")),
                               _add_test(m, _key_test("seg_big_accounts", "not_null", "name"))),
                 ("seg_big_accounts", "primary key"), id="unique-and-not-null-on-different-columns"),
    pytest.param(lambda m, d: (_node(m, "dim_accounts").update(contract={"enforced": False}),
                               _node(m, "dim_accounts")["config"].update(contract={"enforced": False})),
                 ("dim_accounts", "contract"), id="public-model-without-contract"),
    pytest.param(lambda m, d: _node(m, "dim_accounts")["columns"]["id"].update(data_type=None),
                 ("dim_accounts.id", "contract"), id="public-column-without-data-type"),
    pytest.param(lambda m, d: _node(m, "dim_accounts")["columns"]["id"].update(description=""),
                 ("dim_accounts.id", "description"), id="public-column-without-description"),
    pytest.param(lambda m, d: _node(m, "dim_accounts")["columns"]["id"].update(description="Member."),
                 ("dim_accounts.id", "description"), id="column-description-of-one-word"),
    pytest.param(lambda m, d: _node(m, "dim_accounts")["columns"]["contact_email"].update(meta={}, config={}),
                 ("dim_accounts.contact_email", "pii"), id="model-email-without-pii"),
    pytest.param(lambda m, d: m["sources"]["source.demo.crm.account"]["columns"]["first_name"].update(
                     meta={}, config={}),
                 ("crm.account.first_name", "pii"), id="source-name-without-pii"),
    pytest.param(lambda m, d: _rename(m, "account_traits", "accounts_summary",
                                      "models/marts/accounts/accounts_summary.sql"),
                 ("accounts_summary", "name"), id="mart-without-mart-prefix"),
    pytest.param(lambda m, d: _rename(m, "int_accounts_resolved", "int_crm__accounts",
                                      "models/intermediate/accounts/int_crm__accounts.sql"),
                 ("int_crm__accounts", "name"), id="int-with-source-style-double-underscore"),
    pytest.param(lambda m, d: _rename(m, "stg_crm__accounts", "stg_erp__accounts",
                                      "models/staging/crm/stg_erp__accounts.sql"),
                 ("stg_erp__accounts", "name"), id="staging-name-of-another-source"),
    pytest.param(lambda m, d: (_rename(m, "account_traits", "account_traits", "models/marts/account_traits.sql"),
                               _node(m, "account_traits").update(patch_path="demo://models/marts/_marts__models.yml"),
                               _write(d / "models/marts/_marts__models.yml")),
                 ("account_traits", "folder"), id="mart-outside-a-domain-folder"),
    pytest.param(lambda m, d: _node(m, "int_accounts_resolved")["depends_on"]["nodes"].append(
                     "source.demo.crm.account"),
                 ("int_accounts_resolved", "layering"), id="source-read-outside-staging"),
    pytest.param(lambda m, d: _node(m, "int_accounts_resolved")["depends_on"]["nodes"].append(
                     "model.demo.dim_accounts"),
                 ("int_accounts_resolved", "layering"), id="intermediate-reads-a-mart"),
    pytest.param(lambda m, d: _node(m, "account_traits")["depends_on"]["nodes"].append(
                     "model.demo.seg_big_accounts"),
                 ("account_traits", "layering"), id="mart-reads-a-segment"),
    pytest.param(lambda m, d: (m["nodes"].__setitem__("model.demo.stg_crm__contacts", _model(
                     "stg_crm__contacts", "models/staging/crm/stg_crm__contacts.sql", yml="_crm__models.yml",
                     depends_on=("model.demo.stg_crm__accounts",))),
                     _add_test(m, _key_test("stg_crm__contacts"))),
                 ("stg_crm__contacts", "layering"), id="staging-reads-staging"),
    pytest.param(lambda m, d: _node(m, "int_accounts_resolved").update(
                     patch_path="demo://models/intermediate/_intermediate__models.yml"),
                 ("int_accounts_resolved", "yml"), id="model-documented-in-another-folder"),
    pytest.param(lambda m, d: _write(d / "models/marts/accounts/_marts_accounts__models.yml"),
                 ("models/marts/accounts", "yml"), id="two-models-ymls-in-a-folder"),
    pytest.param(lambda m, d: ((d / "models/segments/_segments__models.yml").rename(
                     d / "models/segments/_audiences__models.yml"),
                     _node(m, "seg_big_accounts").update(patch_path="demo://models/segments/_audiences__models.yml")),
                 ("models/segments/_audiences__models.yml", "yml"), id="models-yml-not-named-after-its-folder"),
    pytest.param(lambda m, d: m["unit_tests"]["unit_test.demo.dim_accounts.edge"].update(
                     original_file_path="models/marts/_marts__unit_tests.yml"),
                 ("unit test edge", "yml"), id="unit-test-in-another-folder"),
    pytest.param(lambda m, d: _write(d / "dbt_project.yml", (d / "dbt_project.yml").read_text()
                                     + "analysis-paths: [analyses]\n"),
                 ("dbt_project.yml", "paths"), id="project-path-that-does-not-exist"),
    pytest.param(lambda m, d: _write(d / "dbt_project.yml", (d / "dbt_project.yml").read_text()
                                     + "    entities:\n      +schema: marts\n"),
                 ("dbt_project.yml", "paths"), id="folder-config-of-a-folder-that-does-not-exist"),
]


@pytest.mark.parametrize("breaks, expected", BREAKS)
def test_each_rule_can_fail(demo_dir, tmp_path, capsys, breaks, expected):
    # GIVEN the small project with one rule broken
    manifest = copy.deepcopy(good_manifest())
    breaks(manifest, demo_dir)
    # THEN the checker reports that rule, for that model (or column, folder, file), and nothing else
    assert rules(manifest, demo_dir) == {expected}
    # AND the command prints the finding and a summary, and exits 1
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    assert conventions.main([str(path), "--project-dir", str(demo_dir)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{expected[0]}: {expected[1]}: ")
    assert lines[-1].startswith("conventions: 1 finding(s)")


def test_unique_and_not_null_on_one_column_is_a_key(demo_dir):
    # GIVEN a model whose key is tested with unique and not_null on the same column instead of primary_key
    manifest = good_manifest()
    _drop_tests(manifest, "seg_big_accounts")
    _add_test(manifest, _key_test("seg_big_accounts", "unique", "id"))
    _add_test(manifest, _key_test("seg_big_accounts", "not_null", "id"))
    # THEN that is a primary-key test
    assert rules(manifest, demo_dir) == set()


@pytest.mark.parametrize("column, personal", [
    pytest.param("email", True, id="email"),
    pytest.param("email_raw", True, id="email-as-entered"),
    pytest.param("email_key", True, id="email-match-key"),
    pytest.param("contact_email", True, id="qualified-email"),
    pytest.param("email_hash", True, id="hashed-email"),
    pytest.param("first_name", True, id="first-name"),
    pytest.param("last_name", True, id="last-name"),
    pytest.param("mobile_phone", True, id="phone"),
    pytest.param("identity_value", True, id="identity-value-holds-emails"),
    pytest.param("email_domain", False, id="email-domain-is-a-company-domain"),
    pytest.param("email_name", False, id="name-of-a-marketing-email"),
    pytest.param("email_issue", False, id="reason-code"),
    pytest.param("is_email_invalid", False, id="flag"),
    pytest.param("has_opted_out_of_email", False, id="consent-flag"),
    pytest.param("last_email_open_at", False, id="activity-time"),
    pytest.param("email_open_id", False, id="activity-id"),
    pytest.param("company_name", False, id="company"),
    pytest.param("account_name", False, id="account"),
    pytest.param("campaign_name", False, id="campaign"),
])
def test_personal_data_is_decided_by_name(column, personal):
    assert conventions.is_personal(column) is personal

"""The dbt layer conventions of this project, checked on dbt's manifest (target/manifest.json).

    python -m cdp_dev.conventions [target/manifest.json] [--project-dir .]

Prints one line per finding (`<model>[.<column>]: <rule>: <detail>`) and a summary; exits 1 when there is any.
The rules (DECISIONLOG.md, "Layer conventions checked on the manifest"):

- layers, upstream first: staging, intermediate, marts, segments, activation (the first folder under models/);
  a model reads only its own layer or an upstream one, only staging reads source(), and staging reads only
  sources, seeds and base models;
- names say the layer, by folder: staging/<source>/ stg_<source>__, staging/<source>/base/ base_<source>__,
  intermediate/<domain>/ int_ (no source-style "__"), marts/<domain>/ dim_ fct_ bridge_, segments/ seg_,
  segments/intermediate/ int_ (the segments layer's own helpers), segments/membership/ and segments/history/
  segment_ (the models covering every segment), activation/ activation_; intermediate and mart
  models sit in a domain folder;
- every model has a description and a primary-key test (primary_key or unique_combination_of_columns, or unique
  and not_null on one column); a public model has an enforced contract, and each of its columns a data_type and a
  description; no model description and no column description is two words or fewer;
- a personal-data column (by name, `is_personal`) of a model or a source carries meta pii: true;
- a folder holding models has exactly one models yml, `_<folder>__models.yml` (or prefixed by its parent folder
  or, in intermediate, by int_: `_marketo_base__models.yml`, `_int_persons__models.yml`), which documents the models
  of that folder only; unit tests sit in the folder of their model; every path dbt_project.yml names exists.

Exceptions are named, with the reason, in NAMING_EXCEPTIONS and LAYERING_EXCEPTIONS.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

LAYERS = ("staging", "intermediate", "marts", "segments", "activation")

# Public relations users already query, whose names predate the prefix rules: renaming them would break every
# consumer, so the name stays and the reason is written here.
NAMING_EXCEPTIONS: dict[str, str] = {
    "person_identity_map": "public mart users query (README, Public marts): a lookup from source person records to "
                           "person_id, neither a dimension nor an event fact",
    "account_identity_map": "public mart users query: a lookup from source accounts to account_id",
    "person_traits": "public mart segments are defined on (README, Segments): one wide row of facts per person as of "
                     "as_of, read by every person segment and scripts/explain.py",
    "account_traits": "public mart account segments are defined on: one wide row of facts per account as of as_of",
    "account_match_review": "public work list data stewards query (README, Identity resolution): pairs of account "
                            "records with the evidence for each field, neither a dimension nor an event fact",
    "data_quality_issues": "public data-quality report users query (README, Data quality)",
    "data_quality_summary": "public data-quality report users query (README, Data quality)",
    "data_quality_row_counts": "public data-quality report users query (README, Data quality)",
}

# Models allowed to read a layer the rules forbid (name -> reason). None today.
LAYERING_EXCEPTIONS: dict[str, str] = {}

# Personal data, decided by column name: an email address in any form that still identifies the person (as entered,
# normalised, a match key, a hash), a person's name, a phone number. A name matches when it ends in one of these
# nouns (with an optional qualifier such as _raw, _key or _hash), so the times, counts and ids of email activities
# (last_email_open_at, email_open_id), flags (is_email_invalid, has_opted_out_of_email) and the names below are not.
_PERSONAL_NOUNS = ("email", "email_address", "first_name", "last_name", "full_name", "middle_name", "person_name",
                   "contact_name", "lead_name", "phone", "phone_number", "mobile", "mobile_phone", "home_phone", "fax")
_PERSONAL = re.compile(r"(?:[a-z0-9]+_)*(?:%s)(?:_(?:raw|key|normalized|normalised|hash|hashed|sha256|trimmed))?"
                       % "|".join(_PERSONAL_NOUNS))
# Decided deliberately: these look alike but are not personal data.
NOT_PERSONAL: dict[str, str] = {
    "email_domain": "the domain of an address is a company's web domain (free-mail domains are never kept)",
    "email_name": "the name of a marketing email (a Marketo activity attribute), not an address",
    "email_issue": "a data-quality reason code about an address, not the address",
    "company_name": "a company, not a person",
}
# And these are personal data although their name does not say so.
ALSO_PERSONAL: dict[str, str] = {
    "identity_value": "the identity values person records claim include their email addresses",
}

_MODELS_YML = re.compile(r"_(?P<stem>[a-z0-9_]+?)__models\.ya?ml")
_PROJECT_PATH_KEYS = ("model-paths", "seed-paths", "macro-paths", "test-paths", "analysis-paths", "snapshot-paths",
                      "docs-paths", "asset-paths")


@dataclass(frozen=True, order=True)
class Finding:
    subject: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.rule}: {self.detail}"


def is_personal(column: str) -> bool:
    """True when a column of this name holds personal data (see _PERSONAL_NOUNS, NOT_PERSONAL, ALSO_PERSONAL)."""
    name = column.lower()
    if name in ALSO_PERSONAL:
        return True
    if name in NOT_PERSONAL or name.startswith(("is_", "has_")):
        return False
    return _PERSONAL.fullmatch(name) is not None


def word_count(text: str | None) -> int:
    return len((text or "").split())


def _folder(node: dict) -> PurePosixPath:
    return PurePosixPath(node["original_file_path"]).parent


def _layer_parts(node: dict) -> tuple[str, ...]:
    """The folders under the model path: ('marts', 'accounts'), ('staging', 'marketo', 'base'), ..."""
    return tuple(node["fqn"][1:-1])


def _layer(node: dict) -> str | None:
    parts = _layer_parts(node)
    return parts[0] if parts and parts[0] in LAYERS else None


def _meta(column: dict) -> dict:
    return {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}


def _is_public(node: dict) -> bool:
    return (node.get("access") or node["config"].get("access")) == "public"


def _yml_path(patch_path: str | None) -> PurePosixPath | None:
    return PurePosixPath(patch_path.split("://", 1)[-1]) if patch_path else None


def expected_prefixes(parts: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """The name prefixes allowed in a folder (under the model path), and the rule in words."""
    layer = parts[0] if parts else None
    if layer == "staging":
        if len(parts) == 2:
            return (f"stg_{parts[1]}__",), f"a staging model of source {parts[1]} is stg_{parts[1]}__<entities>"
        if len(parts) == 3 and parts[2] == "base":
            return (f"base_{parts[1]}__",), f"a base model of source {parts[1]} is base_{parts[1]}__<entities>"
        return (), "staging models sit in staging/<source>/ or staging/<source>/base/"
    if layer == "intermediate":
        return ("int_",), "an intermediate model is int_<entities>_<verb>"
    if layer == "marts":
        return ("dim_", "fct_", "bridge_"), "a mart is dim_, fct_ or bridge_"
    if layer == "segments":
        if len(parts) >= 2 and parts[1] == "intermediate":
            return ("int_",), "a helper of the segments layer (segments/intermediate/) is int_"
        if len(parts) >= 2 and parts[1] in ("membership", "history"):
            return ("segment_",), ("a model covering every segment (segments/membership/, segments/history/) is "
                                   "segment_<what>")
        return ("seg_",), "a segment is seg_"
    if layer == "activation":
        return ("activation_",), "an activation model is activation_"
    return (), f"a model sits in a layer folder ({', '.join(LAYERS)})"


def check_names(models: list[dict]) -> list[Finding]:
    findings = []
    for node in models:
        name, parts = node["name"], _layer_parts(node)
        prefixes, rule = expected_prefixes(parts)
        if parts and parts[0] in ("intermediate", "marts") and len(parts) < 2:
            findings.append(Finding(name, "folder", f"{parts[0]} models sit in a domain folder ({parts[0]}/<domain>/)"))
        if name in NAMING_EXCEPTIONS:
            continue
        if not prefixes or not name.startswith(prefixes):
            findings.append(Finding(name, "name", f"{rule} (folder {_folder(node)})"))
        elif prefixes == ("int_",) and "__" in name:
            findings.append(Finding(name, "name", "an int_ name has no source-style double underscore: "
                                                  "int_<entities>_<verb>"))
    return findings


def check_layering(models: list[dict], nodes: dict) -> list[Finding]:
    findings = []
    for node in models:
        name, layer = node["name"], _layer(node)
        if name in LAYERING_EXCEPTIONS or layer is None:
            continue
        for parent_id in node["depends_on"]["nodes"]:
            resource_type = parent_id.split(".", 1)[0]
            if resource_type == "source":
                if layer != "staging":
                    findings.append(Finding(name, "layering", f"reads {parent_id}: only staging reads sources"))
                continue
            if resource_type != "model" or parent_id not in nodes:
                continue
            parent = nodes[parent_id]
            parent_layer = _layer(parent)
            if parent_layer is None:
                continue
            if layer == "staging" and not (parent_layer == "staging" and _layer_parts(parent)[-1] == "base"):
                findings.append(Finding(name, "layering", f"reads {parent['name']}: staging reads only sources, "
                                                          "seeds and base models"))
            elif LAYERS.index(parent_layer) > LAYERS.index(layer):
                findings.append(Finding(name, "layering", f"reads {parent['name']} of the downstream layer "
                                                          f"{parent_layer}"))
    return findings


def _primary_key_tested(model_id: str, tests: list[dict]) -> bool:
    unique, not_null = set(), set()
    for test in tests:
        if test.get("attached_node") != model_id:
            continue
        kind = (test.get("test_metadata") or {}).get("name")
        if kind in ("primary_key", "unique_combination_of_columns"):
            return True
        if kind == "unique":
            unique.add(test.get("column_name"))
        elif kind == "not_null":
            not_null.add(test.get("column_name"))
    return bool((unique & not_null) - {None})


def check_documentation(models: list[dict], tests: list[dict]) -> list[Finding]:
    findings = []
    for node in models:
        name, public = node["name"], _is_public(node)
        description = (node.get("description") or "").strip()
        if not description:
            findings.append(Finding(name, "description", "the model has no description"))
        elif word_count(description) <= 2:
            findings.append(Finding(name, "description", f"two words or fewer: {description!r}"))
        if not _primary_key_tested(node["unique_id"], tests):
            findings.append(Finding(name, "primary key", "no primary_key or unique_combination_of_columns test, "
                                                         "nor unique and not_null on one column"))
        if public and not ((node.get("contract") or {}).get("enforced")
                           or (node["config"].get("contract") or {}).get("enforced")):
            findings.append(Finding(name, "contract", "a public model has contract: {enforced: true}"))
        for column_name, column in node.get("columns", {}).items():
            subject = f"{name}.{column_name}"
            text = (column.get("description") or "").strip()
            if public and not column.get("data_type"):
                findings.append(Finding(subject, "contract", "a public column has a data_type"))
            if public and not text:
                findings.append(Finding(subject, "description", "a public column has a description"))
            elif text and word_count(text) <= 2:
                findings.append(Finding(subject, "description", f"two words or fewer: {text!r}"))
    return findings


def check_pii(models: list[dict], sources: list[dict]) -> list[Finding]:
    findings = []
    for node in [*models, *sources]:
        subject_name = node["name"] if node["resource_type"] == "model" else f"{node['source_name']}.{node['name']}"
        for column_name, column in node.get("columns", {}).items():
            if is_personal(column_name) and _meta(column).get("pii") is not True:
                findings.append(Finding(f"{subject_name}.{column_name}", "pii",
                                        "personal data is tagged config: {meta: {pii: true}}"))
    return findings


def _yml_name_ok(yml: str, folder: PurePosixPath, layer: str | None) -> bool:
    match = _MODELS_YML.fullmatch(yml)
    if not match:
        return False
    allowed = {folder.name, f"{folder.parent.name}_{folder.name}"}
    if layer == "intermediate":
        allowed.add(f"int_{folder.name}")
    return match.group("stem") in allowed


def check_files(models: list[dict], unit_tests: list[dict], project_dir: Path | None) -> list[Finding]:
    findings: list[Finding] = []
    by_folder: dict[PurePosixPath, list[dict]] = {}
    for node in models:
        by_folder.setdefault(_folder(node), []).append(node)
    for folder, folder_models in sorted(by_folder.items()):
        layer = _layer(folder_models[0])
        ymls = set()
        for node in folder_models:
            yml = _yml_path(node.get("patch_path"))
            if yml is None:
                findings.append(Finding(node["name"], "yml", f"not documented in a yml of {folder}/"))
            elif yml.parent != folder:
                findings.append(Finding(node["name"], "yml", f"documented in {yml}, a yml of another folder "
                                                             f"(belongs in {folder}/)"))
            else:
                ymls.add(yml.name)
        if project_dir is not None and (project_dir / folder).is_dir():
            ymls |= {path.name for path in (project_dir / folder).iterdir() if _MODELS_YML.fullmatch(path.name)}
        for yml in sorted(ymls):
            if not _yml_name_ok(yml, folder, layer):
                findings.append(Finding(str(folder / yml), "yml",
                                        f"a models yml is named _{folder.name}__models.yml "
                                        f"(or _{folder.parent.name}_{folder.name}__models.yml)"))
        if len(ymls) > 1:
            findings.append(Finding(str(folder), "yml", f"one models yml per folder, found {', '.join(sorted(ymls))}"))
        elif not ymls:
            findings.append(Finding(str(folder), "yml", "a folder with models has a _<folder>__models.yml"))
    folder_of = {node["name"]: _folder(node) for node in models}
    for test in unit_tests:
        model_folder = folder_of.get(test.get("model"))
        test_folder = PurePosixPath(test["original_file_path"]).parent
        if model_folder is not None and test_folder != model_folder:
            findings.append(Finding(f"unit test {test['name']}", "yml", f"in {test['original_file_path']}, but its "
                                    f"model {test['model']} is in {model_folder}/"))
    return findings


def _config_folders(tree: dict, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    folders = []
    for key, value in (tree or {}).items():
        if isinstance(key, str) and not key.startswith("+") and isinstance(value, dict):
            folders.append(prefix + (key,))
            folders.extend(_config_folders(value, prefix + (key,)))
    return folders


def check_project(project_dir: Path, project_name: str | None) -> list[Finding]:
    path = project_dir / "dbt_project.yml"
    if not path.is_file():
        return [Finding("dbt_project.yml", "paths", f"not found in {project_dir}")]
    project = yaml.safe_load(path.read_text()) or {}
    findings = []
    for key in _PROJECT_PATH_KEYS:
        for entry in project.get(key) or []:
            if not (project_dir / entry).exists():
                findings.append(Finding("dbt_project.yml", "paths", f"{key} names {entry!r}, which does not exist"))
    name = project_name or project.get("name")
    for section, path_key, default in (("models", "model-paths", ["models"]), ("seeds", "seed-paths", ["seeds"]),
                                       ("snapshots", "snapshot-paths", ["snapshots"])):
        roots = project.get(path_key) or default
        for folder in _config_folders((project.get(section) or {}).get(name)):
            if not any((project_dir / root / Path(*folder)).is_dir() for root in roots):
                findings.append(Finding("dbt_project.yml", "paths", f"{section} config for {'/'.join(folder)}/, a "
                                                                    f"folder that does not exist under {roots}"))
    return findings


def check(manifest: dict, project_dir: Path | None = None) -> list[Finding]:
    """Every finding on the manifest (and, when given, the project directory's files)."""
    project_name = (manifest.get("metadata") or {}).get("project_name")
    nodes = manifest.get("nodes", {})

    def own(node: dict) -> bool:
        return (project_name is None or node.get("package_name") == project_name) and \
            (node.get("config") or {}).get("enabled", True)

    models = [node for node in nodes.values() if node["resource_type"] == "model" and own(node)]
    tests = [node for node in nodes.values() if node["resource_type"] == "test"]
    sources = [node for node in manifest.get("sources", {}).values() if own(node)]
    unit_tests = [node for node in manifest.get("unit_tests", {}).values() if own(node)]
    findings = [
        *check_names(models),
        *check_layering(models, nodes),
        *check_documentation(models, tests),
        *check_pii(models, sources),
        *check_files(models, unit_tests, project_dir),
        *(check_project(project_dir, project_name) if project_dir is not None else []),
    ]
    return sorted(set(findings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the dbt layer conventions on dbt's manifest.")
    parser.add_argument("manifest", nargs="?", default="target/manifest.json", help="default: %(default)s")
    parser.add_argument("--project-dir", default=".", help="the dbt project (dbt_project.yml); default: %(default)s")
    args = parser.parse_args(argv)
    manifest_path = Path(args.manifest)
    if not manifest_path.is_file():
        print(f"conventions: no manifest at {manifest_path} (run dbt parse first)", file=sys.stderr)
        return 2
    manifest = json.loads(manifest_path.read_text())
    findings = check(manifest, Path(args.project_dir))
    for finding in findings:
        print(finding)
    models = sum(1 for node in manifest.get("nodes", {}).values() if node["resource_type"] == "model")
    if findings:
        print(f"conventions: {len(findings)} finding(s) in {models} models")
        return 1
    print(f"conventions: ok ({models} models)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

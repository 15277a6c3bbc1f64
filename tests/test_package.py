"""The Python package's layout (pyproject.toml): the product (cdp) never imports the development tooling (cdp_dev),
nothing edits sys.path (the project is installed), every script is a thin entry point to one command line module,
and every console command names a main()."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import cdp
from conftest import REPO_ROOT

PYTHON_FOLDERS = ("scripts", "cdp", "cdp_dev", "tests")
CLI_MODULE = re.compile(r"^(cdp|cdp_dev)\.cli\.[a-z_]+$")


def product_modules() -> list[str]:
    """cdp and every module under it."""
    return ["cdp", *sorted(module.name for module in pkgutil.walk_packages(cdp.__path__, "cdp."))]


def python_files() -> list[Path]:
    return sorted(path for folder in PYTHON_FOLDERS for path in (REPO_ROOT / folder).rglob("*.py"))


def test_the_product_never_imports_the_development_tooling():
    # GIVEN every module of the product, imported in a fresh interpreter (every destination module too)
    modules = product_modules()
    assert "cdp.activation.destinations.marketo" in modules and "cdp.cli.export_audience" in modules
    code = (f"import sys; import {', '.join(modules)}; import cdp.activation.destinations as d; d.names(); "
            "print(sorted(name for name in sys.modules if name == 'cdp_dev' or name.startswith('cdp_dev.')))")

    # WHEN it lists the cdp_dev modules loaded
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)

    # THEN there are none
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _edits_sys_path(tree: ast.AST) -> list[int]:
    """Lines that touch sys.path (sys.path.insert(...), sys.path = ..., ...) or add a site directory."""
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and (
        (node.attr == "path" and isinstance(node.value, ast.Name) and node.value.id == "sys")
        or (node.attr == "addsitedir" and isinstance(node.value, ast.Name) and node.value.id == "site"))]


def test_nothing_edits_sys_path():
    # GIVEN every Python file of the scripts, the packages and the tests
    files = python_files()
    assert len(files) > 40

    # THEN none of them reaches sys.path (the project is installed: make install), nor does pytest's configuration
    found = {str(path.relative_to(REPO_ROOT)): lines for path in files
             if (lines := _edits_sys_path(ast.parse(path.read_text(), str(path))))}
    assert found == {}
    assert "pythonpath" not in (REPO_ROOT / "pytest.ini").read_text()


@pytest.mark.parametrize("script", sorted(path.name for path in (REPO_ROOT / "scripts").glob("*.py")))
def test_every_script_is_a_docstring_an_import_of_main_and_its_exit(script):
    tree = ast.parse((REPO_ROOT / "scripts" / script).read_text())

    docstring, imported, raised = tree.body
    assert isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)
    assert isinstance(imported, ast.ImportFrom) and CLI_MODULE.match(imported.module)
    assert [alias.name for alias in imported.names] == ["main"]
    assert ast.unparse(raised) == "raise SystemExit(main())"
    module = importlib.import_module(imported.module)
    assert callable(module.build_parser) and callable(module.main)


def test_every_console_command_names_a_main_of_a_command_line_module():
    commands = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    scripts = {path.stem for path in (REPO_ROOT / "scripts").glob("*.py")}

    for command, target in commands.items():
        module_name, function = target.split(":")
        assert CLI_MODULE.match(module_name) and function == "main", command
        assert callable(importlib.import_module(module_name).main), command
    # every script has its command (the macro generator has a command and a make target, no script)
    assert {command.removeprefix("cdp-").replace("-", "_") for command in commands} >= scripts

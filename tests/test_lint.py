"""The code stays ruff clean and mypy clean (the same checks a contributor runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sphinx

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_check() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (it comes with the test extras)")
    paths = [p for p in ("sphinx_policy", "tests", "benchmarks", "docs") if (ROOT / p).exists()]
    result = subprocess.run([ruff, "check", *paths],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    """The package's type hints hold (settings in pyproject.toml, ``[tool.mypy]``)."""
    pytest.importorskip("mypy", reason="mypy is not installed (it comes with the test extras)")
    if sphinx.version_info < (9,):
        pytest.skip("the types are checked against the newest Sphinx (9); the Sphinx 8.2 "
                    "branches differ in their stubs")
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------ architecture


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts of ``root``'s pyproject.toml, on the package in ``root``."""
    command = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(command).exists():
        pytest.skip("import-linter is not installed (it comes with the test extras)")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([command, "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, check=False)


def test_layers_and_no_import_cycles() -> None:
    """The layers of docs/development.md hold, and no subpackage or module imports its way
    back to itself, function-level imports included (``[tool.importlinter]``)."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "added"), [
    # the git layer reaching up into the Sphinx integration, inside a function
    ("git/text.py", "def _upward():\n    from ..state import domain\n"),
    # a cycle inside the data model: model imports parse, parse imports model
    ("data/parse.py", "def _cycle():\n    from . import model\n"),
    # the git layer importing Sphinx itself
    ("git/records.py", "import sphinx\n"),
])
def test_the_contracts_catch_a_broken_layer(tmp_path: Path, module: str, added: str) -> None:
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "sphinx_policy", copy / "sphinx_policy",
                    ignore=shutil.ignore_patterns("__pycache__", "locale", "static"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "sphinx_policy" / module
    target.write_text(target.read_text("utf-8") + "\n\n" + added, "utf-8")
    assert lint_imports(copy).returncode != 0


# ------------------------------------------------------------------ private names

#: Where private names of Sphinx, docutils and MyST may be used (each with why).
COMPAT = ROOT / "sphinx_policy" / "compat.py"
FOREIGN = ("sphinx", "docutils", "myst_parser")
#: Underscore names that are public API: NamedTuple's methods.
PUBLIC_UNDERSCORE = {"_replace", "_asdict", "_fields", "_make", "_field_defaults"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _own_private_names(files: list[Path]) -> set[str]:
    """Underscore names the package defines itself (its own helpers and attributes)."""
    import ast

    names: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                    names.add(node.attr)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return {n for n in names if _private(n)}


def private_uses(source: str, own: set[str]) -> list[str]:
    """Private names of other projects used in ``source``: imports of an underscore name
    or module of Sphinx/docutils/MyST, and underscore attributes (also through getattr
    and friends) that the package does not define itself."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] in FOREIGN and (
                any(_private(p) for p in parts) or any(_private(a.name) for a in node.names)
            ):
                found.append(f"line {node.lineno}: from {node.module} import "
                             + ", ".join(a.name for a in node.names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in FOREIGN and any(_private(p) for p in parts):
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if owner not in ("self", "cls") and node.attr not in own | PUBLIC_UNDERSCORE:
                found.append(f"line {node.lineno}: .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
            and node.args[1].value not in own
        ):
            found.append(f"line {node.lineno}: {node.func.id}(..., {node.args[1].value!r})")
    return found


def test_private_names_of_sphinx_only_in_the_compat_module() -> None:
    files = sorted((ROOT / "sphinx_policy").rglob("*.py"))
    own = _own_private_names([f for f in files if f != COMPAT])
    offenders = {
        str(path.relative_to(ROOT)): uses
        for path in files
        if path != COMPAT and (uses := private_uses(path.read_text("utf-8"), own))
    }
    assert offenders == {}
    assert private_uses(COMPAT.read_text("utf-8"), own)  # the module does hold them


def test_the_private_name_check_finds_what_the_archives_used_to_use() -> None:
    sample = (
        "from sphinx.util.docutils import _parse_str_to_doctree\n"
        "from sphinx.builders.html._build_info import BuildInfo\n"
        "import docutils._private\n"
        "env.current_document._parser = parser\n"
        "html = builder._get_local_toctree(page)\n"
        "ok = callable(getattr(builder, '_get_local_toctree', None))\n"
        "record = record._replace(first=True)\n"
        "self._cache = {}\n"
    )
    assert len(private_uses(sample, set())) == 6

"""The code stays ruff clean and mypy clean (the same checks a contributor runs)."""

from __future__ import annotations

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

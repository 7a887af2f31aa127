"""The package as users get it: an sdist and a wheel built by ``python -m build``, checked
by ``twine check``, and the wheel installed into a clean virtual environment (not
editable, not from this checkout), where ``sphinx-policy init`` and a ``-W`` build
succeed, in English and in German (which only works if the ``.mo`` files are inside).

The installation needs the package index (as any ``pip install`` does); the build of the
distributions runs in ``build``'s own isolated environment, from a copy of the files git
knows, so that nothing left in the working tree (an egg-info, a build folder) can hide a
missing file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sphinx_policy"


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(argv)}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _source_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode("utf-8")
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the package's files")
    source = tmp_path_factory.mktemp("source")
    for name in _source_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], cwd=source)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("sphinx_policy-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A clean venv with the wheel (and its dependencies from the index) installed."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=True, symlinks=True)
    python = home / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=home)
    return home


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{home / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(home)
    return env


def test_sdist_and_wheel_pass_twine_check(dist: Path) -> None:
    files = sorted(dist.iterdir())
    assert [f.suffix for f in files if f.suffix == ".whl"] == [".whl"]
    assert any(f.name.endswith(".tar.gz") for f in files)
    output = _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
                  cwd=dist)
    assert output.count("PASSED") == len(files), output


def test_wheel_carries_every_data_file_of_the_package(wheel: Path) -> None:
    """Catalogs, schemas, message catalogs (.po and .mo), the stylesheet and the init
    templates: every file of the package that is not Python code is in the wheel."""
    data_files = {
        name for name in _source_files()
        if name.startswith("sphinx_policy/") and not name.endswith((".py", ".pyc"))
    }
    assert {n for n in data_files if n.endswith(".mo")}, "no compiled catalogs in the tree"
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
    assert sorted(data_files - inside) == []


def test_installed_wheel_builds_an_init_site_in_english_and_german(
    installed: Path, tmp_path: Path
) -> None:
    env = _clean_env(installed)
    python = str(installed / "bin" / "python")
    where = _run([python, "-c", "import sphinx_policy; print(sphinx_policy.__file__)"],
                 cwd=tmp_path, env=env).strip()
    assert Path(where).is_relative_to(installed), f"imported from {where}, not the wheel"

    _run([str(installed / "bin" / "sphinx-policy"), "init", "-y", "site"], cwd=tmp_path, env=env)
    site = tmp_path / "site"
    headers = {}
    for language in ("en", "de"):
        out = site / "_build" / language
        _run([python, "-m", "sphinx", "-W", "-q", "-b", "html", "-D", f"language={language}",
              str(site), str(out)], cwd=tmp_path, env=env)
        soup = BeautifulSoup((out / "privacy.html").read_text("utf-8"), "html.parser")
        headers[language] = [th.get_text(" ", strip=True) for th in soup.select("table th")]

    with (PACKAGE / "locale" / "de" / "LC_MESSAGES" / "sphinx_policy.po").open("rb") as po:
        german = {m.id: m.string for m in read_po(po) if isinstance(m.id, str) and m.string}
    assert headers["en"], "the init site's privacy page has no table"
    assert headers["de"] == [german[h] for h in headers["en"]]
    assert headers["de"] != headers["en"]

"""Read the Docs: its checkout, its environment, its build command, and our config files.

Read the Docs builds a branch like this (its build log shows the commands):

    git clone --depth 1 --no-checkout <repository> .
    git fetch origin --force --prune --prune-tags --depth 50 refs/heads/<branch>:refs/remotes/origin/<branch>
    git checkout --force origin/<branch>          # a detached HEAD
    <build.jobs.post_checkout of .readthedocs.yaml>
    python -m sphinx -T -W --keep-going -b html -d _build/doctrees -D language=en . $READTHEDOCS_OUTPUT/html

with ``READTHEDOCS=True`` and the other ``READTHEDOCS_*`` variables set. The tests run
exactly that, with real git over ``file://``, and check what sphinx-policy says and dates.
"""  # noqa: E501

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from gitrepo import GitRepo
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from publishing_site import REPO_ROOT

FIX = 'build.jobs.post_checkout: ["git fetch --unshallow || true"]'
UNSHALLOW = "git fetch --unshallow || true"
CANONICAL = "https://acme-policies.readthedocs.io/en/latest/"

CONF = """
import os

project = "Acme policies"
extensions = ["myst_parser", "sphinx_policy"]
exclude_patterns = ["_build", "_readthedocs"]
policy_data_files = ["_data/*.yaml"]
html_theme = "alabaster"
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "https://policies.example.org/")
"""
INDEX = "# Acme\n\n```{toctree}\nprivacy\nnews\n```\n"
PRIVACY = """---
policy: true
---
# Privacy notice

```{last-updated}
```

```{cookie-table}
```

## Changes

```{policy-changelog}
```
"""
COOKIES = "cookies:\n  - {name: session, category: necessary, purpose: Session, expiry: P1Y}\n"
PRIVACY_DATE, PRIVACY_ISO = "2023-01-10T09:00:00+00:00", "2023-01-10T09:00:00+00:00"
NEWS_COMMITS = 55  # more than the 50 commits Read the Docs fetches


# --------------------------------------------------------------------------- helpers


def rtd_build_command(outdir: Path) -> list[str]:
    """Read the Docs' Sphinx command, with ``sphinx.fail_on_warning: true``."""
    return [sys.executable, "-m", "sphinx", "-T", "-W", "--keep-going", "-b", "html",
            "-d", "_build/doctrees", "-D", "language=en", ".", os.fspath(outdir)]


def run_jobs(commands: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Run ``build.jobs`` commands as Read the Docs does (each in a shell; any failure
    fails the build)."""
    for command in commands:
        proc = subprocess.run(["/bin/sh", "-c", command], cwd=cwd, env=env,
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{command!r} failed: {proc.stderr}"


def rtd_checkout(origin: Path, dest: Path, branch: str, git: GitRepo) -> GitRepo:
    """Read the Docs' clone: depth 1, then a fetch of depth 50 of the branch, detached."""
    url = origin.resolve().as_uri()
    git.run("clone", "-q", "--depth", "1", "--no-checkout", url, os.fspath(dest), cwd=git.home)
    checkout = GitRepo(dest, init=False, home=git.home)
    checkout.run("fetch", "-q", "origin", "--force", "--prune", "--prune-tags", "--depth", "50",
                 f"refs/heads/{branch}:refs/remotes/origin/{branch}")
    checkout.run("checkout", "-q", "--force", f"origin/{branch}")
    assert checkout.run("symbolic-ref", "-q", "HEAD", check=False) == ""  # detached
    assert checkout.run("rev-parse", "--is-shallow-repository").strip() == "true"
    return checkout


def rtd_env(monkeypatch: pytest.MonkeyPatch, checkout: GitRepo, branch: str) -> dict[str, str]:
    """The build's environment: Read the Docs' variables (set on this process too, so that
    nothing here depends on how the variables reach the build), git's fixed settings."""
    for key, value in {
        "READTHEDOCS": "True",
        "READTHEDOCS_PROJECT": "acme-policies",
        "READTHEDOCS_LANGUAGE": "en",
        "READTHEDOCS_VERSION": "latest",
        "READTHEDOCS_VERSION_TYPE": "branch",
        "READTHEDOCS_VERSION_NAME": "latest",
        "READTHEDOCS_GIT_IDENTIFIER": branch,
        "READTHEDOCS_GIT_COMMIT_HASH": checkout.head(),
        "READTHEDOCS_GIT_CLONE_URL": "https://github.com/acme/policies.git",
        "READTHEDOCS_CANONICAL_URL": CANONICAL,
        "READTHEDOCS_OUTPUT": os.fspath(checkout.path / "_readthedocs"),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    env = dict(os.environ)
    env.update({key: checkout.env[key] for key in ("HOME", "GIT_CONFIG_NOSYSTEM", "TZ")})
    return env


def page(outdir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{name}.html").read_text("utf-8"), "html.parser")


def modified(outdir: Path, name: str) -> str | None:
    meta = page(outdir, name).find("meta", property="article:modified_time")
    return meta["content"] if meta else None


def jsonld(outdir: Path, name: str) -> dict:
    (script,) = page(outdir, name).find_all("script", type="application/ld+json")
    return json.loads(script.string)


@pytest.fixture
def origin(tmp_path: Path) -> GitRepo:
    """A policy site with a long history: the privacy notice last changed 56 commits ago."""
    repo = GitRepo(tmp_path / "origin")
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n_readthedocs/\n")
    repo.write("index.md", INDEX)
    repo.write("_data/cookies.yaml", COOKIES)
    repo.write("privacy.md", PRIVACY)
    repo.write("news.md", "# News\n\nNothing yet.\n")
    repo.commit("Privacy notice\n\nPolicy-Change: First published.", date=PRIVACY_DATE)
    for n in range(NEWS_COMMITS):
        repo.write("news.md", f"# News\n\nIssue {n}.\n")
        repo.commit(f"news {n}", date=f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}T12:00:00+00:00")
    return repo


# --------------------------------------------------------------------------- the simulation


def test_read_the_docs_checkout_warns_with_the_fix_then_dates_after_unshallow(
    origin: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = rtd_checkout(origin.path, tmp_path / "checkout", "main", origin)
    assert int(checkout.run("rev-list", "--count", "HEAD")) == 50
    env = rtd_env(monkeypatch, checkout, "main")
    out = checkout.path / "_readthedocs" / "html"

    # without the post_checkout job: the warning names the fix, and -W fails the build
    shallow = subprocess.run(rtd_build_command(out), cwd=checkout.path, env=env,
                             capture_output=True, text=True, check=False)
    assert shallow.returncode != 0
    warnings = [line for line in shallow.stderr.splitlines() if "WARNING" in line]
    undated = sorted(re.findall(r"no 'Last updated' date for (\w+):", shallow.stderr))
    assert undated == ["index", "privacy"], shallow.stderr  # changed 56 commits ago
    assert len(warnings) == 2
    assert all("[policy.shallow]" in line and FIX in line for line in warnings)
    assert modified(out, "privacy") is None  # no date rather than a wrong one
    assert "date unknown" in page(out, "privacy").get_text()
    assert modified(out, "news") == "2024-02-27T12:00:00+00:00"  # inside the 50 commits
    assert "datePublished" not in jsonld(out, "privacy")  # the first revision is not here

    # the job of this project's .readthedocs.yaml, and the same build again
    config = yaml.safe_load((REPO_ROOT / ".readthedocs.yaml").read_text("utf-8"))
    run_jobs(config["build"]["jobs"]["post_checkout"], checkout.path, env)
    assert checkout.run("rev-parse", "--is-shallow-repository").strip() == "false"
    full = subprocess.run(rtd_build_command(out), cwd=checkout.path, env=env,
                          capture_output=True, text=True, check=False)
    assert full.returncode == 0, full.stderr
    assert "WARNING" not in full.stderr
    assert modified(out, "privacy") == PRIVACY_ISO
    assert page(out, "privacy").select_one(".policy-updated time").get_text() == "January 10, 2023"
    assert modified(out, "news") == "2024-02-27T12:00:00+00:00"
    data = jsonld(out, "privacy")
    assert (data["dateModified"], data["datePublished"]) == (PRIVACY_ISO, PRIVACY_ISO)
    # Read the Docs' canonical URL reaches the pages through conf.py's html_baseurl
    assert data["url"] == CANONICAL + "privacy.html"
    assert page(out, "privacy").find("link", rel="canonical")["href"] == CANONICAL + "privacy.html"
    assert (out / "policy-changes.atom").read_text("utf-8").count(CANONICAL) > 1

    # "|| true": the job does not fail a clone that is already complete
    run_jobs(config["build"]["jobs"]["post_checkout"], checkout.path, env)


def test_dates_after_unshallow_match_a_full_clone(
    origin: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page's date, and the policy's revisions, equal those of a full history."""
    origin.write("privacy.md", PRIVACY + "\nSecond revision.\n")
    origin.commit("Privacy v2\n\nPolicy-Change: Clearer.", date="2025-05-05T05:05:05+00:00")
    for n in range(3):
        origin.write("news.md", f"# News\n\nLater issue {n}.\n")
        origin.commit(f"later news {n}", date=f"2025-06-0{n + 1}T00:00:00+00:00")
    checkout = rtd_checkout(origin.path, tmp_path / "checkout", "main", origin)
    env = rtd_env(monkeypatch, checkout, "main")
    run_jobs([UNSHALLOW], checkout.path, env)
    out = tmp_path / "rtd"
    proc = subprocess.run(rtd_build_command(out), cwd=checkout.path, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    full_out = tmp_path / "full"
    full = subprocess.run(rtd_build_command(full_out), cwd=origin.path, env=env,
                          capture_output=True, text=True, check=False)
    assert full.returncode == 0, full.stderr
    for name in ("index", "privacy", "news"):
        assert modified(out, name) == modified(full_out, name), name
    assert modified(out, "privacy") == "2025-05-05T05:05:05+00:00"
    versions = sorted(p.name for p in (out / "privacy/versions").iterdir())
    assert versions == sorted(p.name for p in (full_out / "privacy/versions").iterdir())
    assert len(versions) == 4  # two revisions, each archived with its diff


# --------------------------------------------------------------------------- config files


def _check_rtd_config(config: dict) -> None:
    assert config["version"] == 2
    build = config["build"]
    assert re.fullmatch(r"ubuntu-\d\d\.04|ubuntu-lts-latest", build["os"])
    python = str(build["tools"]["python"])
    assert re.fullmatch(r"3\.\d+", python)
    requires = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert python + ".0" in SpecifierSet(requires["requires-python"])
    assert build["jobs"]["post_checkout"] == [UNSHALLOW]
    assert config["python"]["install"]
    assert config["sphinx"]["fail_on_warning"] is True


def test_project_readthedocs_yaml() -> None:
    config = yaml.safe_load((REPO_ROOT / ".readthedocs.yaml").read_text("utf-8"))
    _check_rtd_config(config)
    assert config["python"]["install"] == [
        {"method": "pip", "path": ".", "extra_requirements": ["docs"]}
    ]
    assert config["sphinx"]["configuration"] == "docs/conf.py"
    assert (REPO_ROOT / "docs" / "conf.py").is_file()
    # the "docs" extra exists, and it plus the dependencies cover what conf.py loads
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert "docs" in project["optional-dependencies"]
    declared = {
        canonicalize_name(Requirement(r).name)
        for r in project["dependencies"] + project["optional-dependencies"]["docs"]
    }
    conf = (REPO_ROOT / "docs" / "conf.py").read_text("utf-8")
    extensions = re.search(r"^extensions = \[(.*?)\]", conf, re.M | re.S)
    assert extensions is not None
    for name in re.findall(r'"([\w.]+)"', extensions.group(1)):
        if name.startswith("sphinx.") or name == "sphinx_policy":
            continue
        assert canonicalize_name(name) in declared, f"{name} is not installed on Read the Docs"
    theme = re.search(r'^html_theme = "([\w-]+)"', conf, re.M)
    assert theme and theme.group(1) in ("alabaster", "basic", "classic", "nature")


def test_docs_conf_silences_only_the_two_git_notices() -> None:
    """The docs' own conf.py keeps ``-W`` builds working in shallow and dirty checkouts."""
    conf = (REPO_ROOT / "docs" / "conf.py").read_text("utf-8")
    block = re.search(r"^suppress_warnings = \[(.*?)\]", conf, re.M | re.S)
    assert block is not None
    silenced = set(re.findall(r'"([\w.]+)"', block.group(1)))
    assert {"policy.shallow", "policy.uncommitted"} <= silenced
    assert not {s for s in silenced if s.startswith("policy.")} - {
        "policy.shallow", "policy.uncommitted"
    }


def test_user_template_readthedocs_yaml() -> None:
    """The template ``sphinx-policy init`` writes (it is package data)."""
    template = resources.files("sphinx_policy").joinpath("templates", "readthedocs.yaml")
    assert template.is_file()
    config = yaml.safe_load(template.read_text("utf-8"))
    _check_rtd_config(config)
    assert config["python"]["install"] == [{"requirements": "requirements.txt"}]
    assert config["sphinx"]["configuration"] == "conf.py"


def test_this_projects_docs_build_on_read_the_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This repository as Read the Docs checks it out (depth 1 at first): the docs build
    with ``-W`` before and after the ``post_checkout`` job of our ``.readthedocs.yaml``.

    The clone holds the committed files (HEAD), and its own ``sphinx_policy`` is the one
    imported (Read the Docs installs the checkout: ``path: .``), so work not committed yet
    cannot mix with the committed docs.
    """
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout of sphinx-policy")
    this = GitRepo(REPO_ROOT, init=False, home=tmp_path / "home")  # only read: cloned
    checkout = this.clone(tmp_path / "checkout", "--depth", "1")
    if not (checkout.path / "docs" / "conf.py").is_file():
        pytest.skip("docs/conf.py is not committed yet")
    env = rtd_env(monkeypatch, checkout, "main")
    env["PYTHONPATH"] = os.fspath(checkout.path)
    docs = checkout.path / "docs"
    out = checkout.path / "_readthedocs" / "html"
    proc = subprocess.run(rtd_build_command(out), cwd=docs, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    config = yaml.safe_load((REPO_ROOT / ".readthedocs.yaml").read_text("utf-8"))
    run_jobs(config["build"]["jobs"]["post_checkout"], checkout.path, env)
    proc = subprocess.run(rtd_build_command(out), cwd=docs, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file()
    imported = subprocess.run(
        [sys.executable, "-c", "import sphinx_policy; print(sphinx_policy.__file__)"],
        cwd=docs, env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert Path(imported.strip()).is_relative_to(checkout.path)

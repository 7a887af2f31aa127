"""``sphinx-policy init``: a new site that builds at once with ``sphinx-build -W``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from gitrepo import GitRepo, git_env
from policy_testing import main as main_body
from policy_testing import soup_of, text

from sphinx_policy.cli import main
from sphinx_policy.cli.schema import schema_url


def sphinx_build(src: Path, out: Path, *extra: str, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "--no-color", "-W", "-n", "-q", "-E", *extra, "-b", "html",
         str(src), str(out)],
        capture_output=True, text=True, check=False, env=env,
    )


def test_init_then_sphinx_build_w_has_no_warnings(tmp_path, capsys):
    site = tmp_path / "policies"
    code = main(["init", str(site), "--name", "Acme (Pty) Ltd", "--jurisdiction", "popia",
                 "--jurisdiction", "eu", "--email", "privacy@acme.example", "--yes"])
    assert code == 0
    assert "Created a policy site for Acme (Pty) Ltd (popia, gdpr)" in capsys.readouterr().out
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == [".gitignore", ".readthedocs.yaml", "_data/cookies.yaml",
                     "_data/organisation.yaml", "_data/processing.yaml", "conf.py",
                     "cookies.md", "index.md", "privacy.md", "requirements.txt"]
    assert not (site / ".git").exists()
    # The one fact init does not ask for, which POPIA requires: the address.
    result = sphinx_build(site, tmp_path / "html")
    assert result.returncode == 1
    (warning,) = result.stderr.strip().splitlines()
    assert warning.endswith("privacy: the policy does not give the name and address of the "
                            "responsible party (s18(1)(b) POPIA); the data key "
                            "organisation.address (or the address of one of "
                            "organisation.offices) would. If it does not apply, say so in a "
                            "not_done entry with covers: [popia:responsible-party] and the "
                            "sentence the policy should show. [policy.completeness]")
    organisation = site / "_data/organisation.yaml"
    organisation.write_text(organisation.read_text().replace(
        "  # address:\n  #   - 1 Example Road", "  address:\n    - 1 Example Road"))
    result = sphinx_build(site, tmp_path / "html")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # what was asked is in the data, and so on the pages
    data = yaml.safe_load((site / "_data/organisation.yaml").read_text())
    assert data["organisation"] == {"name": "Acme (Pty) Ltd", "email": "privacy@acme.example",
                                    "address": ["1 Example Road"]}
    assert data["jurisdictions"] == ["popia", "gdpr"]
    page = BeautifulSoup((tmp_path / "html" / "privacy.html").read_text("utf-8"),
                         "html.parser")
    body = text(main_body(page))
    assert "Acme (Pty) Ltd" in body and "privacy@acme.example" in body
    assert "Information Regulator" in body and "Right to erasure" in body
    cookies = (tmp_path / "html" / "cookies.html").read_text("utf-8")
    assert "policy-cookie-table" in cookies


def test_data_files_point_editors_at_the_schema(tmp_path):
    site = tmp_path / "s"
    assert main(["init", str(site), "-y"]) == 0
    for name in ("organisation", "cookies", "processing"):
        first = (site / "_data" / f"{name}.yaml").read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema={schema_url()}"
    # commented examples are there, and valid once uncommented
    cookies = (site / "_data/cookies.yaml").read_text()
    assert "# - name: _ga" in cookies
    assert "policy.git" in (site / "conf.py").read_text()
    rtd = yaml.safe_load((site / ".readthedocs.yaml").read_text())
    assert rtd["version"] == 2
    assert (site / "requirements.txt").read_text().strip().splitlines()[-1].startswith(
        "sphinx-policy")


def test_tricky_names_are_quoted(tmp_path, make_app):
    site = tmp_path / "s"
    name = 'Q: "Quotes" & <Brackets> \\ #1'
    assert main(["init", str(site), "-y", "--name", name]) == 0
    data = yaml.safe_load((site / "_data/organisation.yaml").read_text())
    assert data["organisation"]["name"] == name
    app = make_app("html", srcdir=site)
    app.build()
    assert app.warning.getvalue() == ""
    assert app.config.project == name
    assert name in text(main_body(soup_of(app, "privacy")))


def test_git_option_commits_and_dates_the_pages(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    env = git_env(home)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    site = tmp_path / "site"
    assert main(["init", str(site), "-y", "--git", "--jurisdiction", "uk"]) == 0
    assert "policy.git" not in (site / "conf.py").read_text()  # nothing is silenced
    log = subprocess.run(["git", "log", "--format=%s%n%b"], cwd=site, capture_output=True,
                         text=True, check=True).stdout
    assert "Policy-Change: First published." in log
    result = sphinx_build(site, tmp_path / "html", env={**env, "PATH": env["PATH"]})
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "html" / "privacy.html").read_text("utf-8")
    assert "January 1, 2020" in page  # the commit's date (gitrepo's fixed date)
    assert "First published." in page  # the changelog


def test_prompts_when_interactive(tmp_path, monkeypatch, capsys):
    answers = iter(["Prompted Ltd", "mars", "popia, ccpa", "not-an-email", "dpo@prompted.example"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    site = tmp_path / "s"
    assert main(["init", str(site)]) == 0
    data = yaml.safe_load((site / "_data/organisation.yaml").read_text())
    assert data["organisation"]["name"] == "Prompted Ltd"
    assert data["organisation"]["email"] == "dpo@prompted.example"
    assert data["jurisdictions"] == ["popia", "ccpa"]
    err = capsys.readouterr().err
    assert "'mars' is not a known jurisdiction" in err
    assert "'not-an-email' is not an email address" in err


@pytest.mark.parametrize(("args", "message"), [
    (["--jurisdiction", "mars"], "'mars' is not a known jurisdiction"),
    (["--email", "nobody"], "'nobody' is not an email address"),
    (["--timezone", "Mars/Olympus"], "is not a known time zone"),
])
def test_bad_answers_are_usage_errors(tmp_path, capsys, args, message):
    assert main(["init", str(tmp_path / "s"), "-y", *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "s" / "conf.py").exists()


def test_existing_folder_is_left_alone(tmp_path, capsys):
    site = tmp_path / "s"
    site.mkdir()
    (site / "conf.py").write_text("# mine\n")
    assert main(["init", str(site), "-y"]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert main(["init", str(site), "-y", "--force"]) == 0
    assert (site / "conf.py").read_text() == "# mine\n"
    assert (site / "privacy.md").is_file()


# --------------------------------------------------------------------------- init --git


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = git_env(home)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          check=True).stdout


def test_init_git_force_in_a_repository_commits_only_the_files_it_wrote(
    tmp_path: Path, git_home: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "app", home=Path(git_home["HOME"]))
    repo.write("app.py", "print('v1')\n")
    repo.write("README.md", "# App\n")
    repo.commit("the app")
    repo.write("app.py", "print('unfinished')\n")  # work in progress, not staged
    repo.write("staged.py", "x = 1\n")
    repo.add("staged.py")  # staged by the user, not for this commit
    repo.write(".env", "SECRET=hunter2\n")  # untracked secret
    before = _git(repo.path, "rev-list", "--count", "HEAD")

    assert main(["init", "-y", "--git", "--force", str(repo.path)]) == 0
    out = capsys.readouterr().out

    committed = sorted(_git(repo.path, "show", "--name-only", "--format=", "HEAD").split())
    written = sorted(line.strip() for line in out.splitlines() if line.startswith("  ")
                     and not line.startswith("  sphinx"))
    assert committed == written
    assert "conf.py" in committed and "_data/cookies.yaml" in committed
    assert ".env" not in committed and "app.py" not in committed and "staged.py" not in committed
    assert int(_git(repo.path, "rev-list", "--count", "HEAD")) == int(before) + 1
    status = _git(repo.path, "status", "--porcelain")
    assert " M app.py" in status.splitlines()  # still modified, not committed
    assert "A  staged.py" in status.splitlines()  # still staged, not committed
    assert "?? .env" in status.splitlines()  # still untracked
    assert "new git repository" not in out
    assert "existing git repository" in out


def test_init_git_inside_a_repository_does_not_nest_one(
    tmp_path: Path, git_home: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "project", home=Path(git_home["HOME"]))
    repo.write("app.py", "print('app')\n")
    repo.commit("the app")

    assert main(["init", "-y", "--git", str(repo.path / "docs")]) == 0
    out = capsys.readouterr().out

    assert not (repo.path / "docs" / ".git").exists()
    tree = _git(repo.path, "ls-tree", "-r", "HEAD").splitlines()
    modes = {line.split("\t")[1]: line.split()[0] for line in tree}
    assert modes["docs/conf.py"] == "100644"  # a file of the outer repository
    assert "160000" not in modes.values()  # no embedded repository (gitlink)
    assert "app.py" in modes
    assert "new git repository" not in out


def test_init_git_never_nests_a_repository_in_one_git_refuses(
    tmp_path: Path, git_home: dict[str, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A repository git will not read (owned by another user): no repository is created
    inside it; git's complaint is shown."""
    repo = GitRepo(tmp_path / "project", home=Path(git_home["HOME"]))
    repo.write("app.py", "print('app')\n")
    repo.commit("the app")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    assert main(["init", "-y", "--git", str(repo.path / "docs")]) == 1
    assert not (repo.path / "docs" / ".git").exists()
    assert "git failed" in capsys.readouterr().err


def test_init_git_in_a_new_folder_still_creates_a_repository(
    tmp_path: Path, git_home: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    assert main(["init", "-y", "--git", str(site)]) == 0
    assert (site / ".git").is_dir()
    assert "Created a new git repository" in capsys.readouterr().out
    assert _git(site, "status", "--porcelain") == ""



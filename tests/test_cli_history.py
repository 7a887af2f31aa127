"""``sphinx-policy history PAGE``: revisions as the build computes them, from real git."""

from __future__ import annotations

import json

import pytest
from gitrepo import GitRepo, pin_git_environment
from sphinx.testing.util import _clean_up_global_state

from sphinx_policy.cli import main

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
policy_data_files = ["_data/*.yaml"]
exclude_patterns = ["_build"]
policy_pages = ["privacy"]
"""
COOKIES = "cookies:\n  - {{name: {name}, category: necessary, purpose: P., expiry: P1Y}}\n"


@pytest.fixture(autouse=True)
def clean_sphinx():
    yield
    _clean_up_global_state()  # the command ran a Sphinx application in this process


@pytest.fixture
def repo(tmp_path, monkeypatch):
    repo = GitRepo(tmp_path / "site")
    pin_git_environment(monkeypatch, repo.env)
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\nterms\n```\n")
    repo.write("_data/cookies.yaml", COOKIES.format(name="a"))
    repo.write("privacy.md", "# Privacy\n\n```{cookie-table}\n```\n")
    repo.write("terms.md", "# Terms\n\nVersion 1.\n")
    repo.commit("Initial import\n\nPolicy-Change: First published.",
                date="2023-01-10T09:00:00+00:00")
    repo.write("_data/cookies.yaml", COOKIES.format(name="a") + COOKIES.format(name="b")[9:])
    repo.commit("Add cookie b\n\nPolicy-Change: We now set cookie b.\n"
                "Policy-Change-Type: material", date="2024-03-05T12:00:00+01:00")
    repo.write("index.md", "# Home page\n\n```{toctree}\nprivacy\nterms\n```\n")
    repo.commit("Unrelated change to the home page", date="2024-06-01T08:00:00+00:00")
    repo.write("terms.md", "# Terms\n\nVersion 2.\n")
    repo.commit("Terms v2", date="2025-02-02T10:00:00+00:00")
    monkeypatch.chdir(repo.path)
    return repo


def test_table_of_a_policy_page(repo, capsys):
    assert main(["history", "privacy"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["DATE", "COMMIT", "MATERIAL", "SUMMARY"]
    shas = repo.run("rev-list", "--first-parent", "HEAD").split()
    assert out[1:] == [
        f"2024-03-05  {shas[2][:8]}  yes       We now set cookie b.",
        f"2023-01-10  {shas[3][:8]}  no        First published.",
    ]


def test_json_and_no_author_names(repo, capsys):
    assert main(["history", "privacy.md", "--json"]) == 0
    text = capsys.readouterr().out
    data = json.loads(text)
    assert data["page"] == "privacy"
    first = data["revisions"][0]
    assert first["material"] is True and first["type"] == "material"
    assert first["date"] == "2024-03-05T11:00:00+00:00"
    assert first["id"] == f"2024-03-05-{first['commit'][:8]}"
    assert [r["summary"] for r in data["revisions"]] == ["We now set cookie b.",
                                                          "First published."]
    for name in ("Ada", "Author", "Carl", "Committer", "example.org"):
        assert name not in text


def test_page_that_is_not_a_policy(repo, capsys):
    assert main(["history", "terms"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert [line.split()[0] for line in lines] == ["2025-02-02", "2023-01-10"]
    assert lines[0].endswith("Terms v2")  # "all" mode: the subject stands in


def test_unknown_page_is_a_usage_error(repo, capsys):
    assert main(["history", "nope"]) == 2
    assert "nope is not a document" in capsys.readouterr().err


def test_not_a_git_repository(tmp_path, capsys, monkeypatch):
    site = tmp_path / "plain"
    site.mkdir()
    (site / "conf.py").write_text('extensions = ["myst_parser", "sphinx_policy"]\n')
    (site / "index.md").write_text("# Home\n")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert main(["history", "index", "-C", str(site)]) == 1
    assert "[policy.git]" in capsys.readouterr().err

"""What readers see of commits without a summary trailer, on histories as hosting services
write them: generated merge subjects never published (nor the accounts and branches they
name), squash numbers only as links, control characters from git nowhere, a feed that
keeps to its newest entries."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gitrepo import GitRepo, files_naming_people, hosted_merges, names_in, pin_git_environment
from policy_testing import policy_warnings
from sphinx.testing.util import _clean_up_global_state

from sphinx_policy.cli import main
from sphinx_policy.git.headlines import body_title, generated, headline, squash, unsync
from sphinx_policy.git.text import clean_text

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
exclude_patterns = ["_build"]
project = "Acme"
html_baseurl = "https://policies.example.org/"
"""
PRIVACY = """---
policy: true
---
# Privacy notice

We keep your data for one year.

```{policy-changelog}
```
"""
ATOM = "{http://www.w3.org/2005/Atom}"
#: Control characters as commit messages carry them: colours (CSI), a window title (OSC,
#: ended by BEL), a bare ESC, a vertical tab, a C1 control, DEL.
HOSTILE = "\x1b[31mRed\x1b[0m alert\x1b]0;pwned\x07 \x1bc\x0bx\x85y\x7fz"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(("subject", "body", "merged", "expected"), [
    # GitHub: the title on the first line of the body.
    ("Merge pull request #1195 from github/automated-sync-22927455781",
     "Sync changes from GitHub Docs",
     ["Merge branch 'main' into automated-sync-22927455781",
      "Add GitHub Secret Scanning Partner Program Agreement"],
     ("Add GitHub Secret Scanning Partner Program Agreement", ("github", 1195))),
    ("Merge pull request #12 from janedoe/patch-1", "Clarify retention", [],
     ("Clarify retention", ("github", 12))),
    ("Merge pull request #12 from janedoe/patch-1", "Patch 1", [], ("", ("github", 12))),
    ("Merge pull request #14 from acme/janedoe-patch-1", "Janedoe patch 1", ["Fix typo"],
     ("Fix typo", ("github", 14))),
    ("Merge pull request #443 from github/repo-sync", "Automatic Sync: Edited Street Address",
     [], ("Edited Street Address", ("github", 443))),
    ("Merge pull request #433 from github/repo-sync",
     "Update from repo-sync: updating front matter", [], ("updating front matter",
                                                          ("github", 433))),
    ("Merge pull request #5 from acme/main", "Clarify the main purposes", [],
     ("Clarify the main purposes", ("github", 5))),
    ("Merge pull request #6 from acme/x", "Thanks @janedoe", [], ("", ("github", 6))),
    ("Merge pull request #7 from acme/x", "Co-authored-by: Jane <jane@example.org>", [],
     ("", ("github", 7))),
    # GitLab
    ("Merge branch 'fix' into 'main'",
     "Keep invoices\n\nCloses #4\n\nSee merge request group/policies!7", [],
     ("Keep invoices", ("gitlab", 7))),
    ("Merge branch 'fix' into 'main'", "See merge request group/policies!8", ["Keep logs"],
     ("Keep logs", ("gitlab", 8))),
    # Bitbucket Cloud, Bitbucket Server, Azure DevOps, Gitea
    ("Merged in feature/x (pull request #9)",
     "List cookies\n\n* List cookies\n\nApproved-by: Rita Reviewer", [],
     ("List cookies", ("bitbucket", 9))),
    ("Merge pull request #3 in PROJ/policies from feature/x to master", "", ["Add a clause"],
     ("Add a clause", None)),
    ("Pull request #3: Add a clause", "Merge in PROJ/policies from feature/x to master", [],
     ("Add a clause", None)),
    ("Merged PR 31: Add a clause", "", [], ("Add a clause", None)),
    ("Merge pull request 'Add a clause' (#4) from feature/x into main", "", [],
     ("Add a clause", ("github", 4))),
    # git
    ("Merge branch 'fix'", "", ["Correct the address"], ("Correct the address", None)),
    ("Merge branch 'fix' of https://github.com/janedoe/policies", "", [], ("", None)),
    ("Merge remote-tracking branch 'origin/fix' into main", "Conflicts:\n\tprivacy.md",
     ["Repo sync"], ("", None)),
    ("Merge commit '0123456789abcdef0123456789abcdef01234567'", "", [], ("", None)),
    ("Merge tag 'v2'", "", ["Version 2 (#20)"], ("Version 2", None)),
    # squash merges and subjects people wrote
    ("Clarify retention (#123)", None, [], ("Clarify retention", ("github", 123))),
    ("Repo sync (#924)", None, [], ("", ("github", 924))),
    ("repo sync", None, [], ("", None)),
    ("Update manually triggered by workflow (#738)", None, [], ("", ("github", 738))),
    ("Sync the cookie table with the consent tool", None, [],
     ("Sync the cookie table with the consent tool", None)),
    ("Merge the two retention paragraphs", None, [],
     ("Merge the two retention paragraphs", None)),
    ("Fix #12 in the cookie table", None, [], ("Fix #12 in the cookie table", None)),
])
def test_headlines(subject, body, merged, expected) -> None:
    from sphinx_policy.git.headlines import gitlab_request

    message = f"{subject}\n\n{body}" if body is not None else subject
    title = body_title(message) if generated(subject) else None
    assert headline(subject, title, merged, gitlab=gitlab_request(message)) == expected


def test_the_patterns_are_linear() -> None:
    """Hostile subjects and bodies of 200,000 characters take milliseconds, not minutes."""
    n = 200_000
    texts = [
        "Merge pull request " + "'" * n, "Merge pull request #1 from " + "a" * n,
        "Merge pull request #1 in " + "a " * (n // 2), "Merge branch '" + "a'" * (n // 2),
        "Merge branch 'x' into " + " into x" * (n // 7), "Merged in " + "a" * n,
        "Merged in a (pull request #" + "1" * n, "x" + " (#1)" * (n // 5), "(#" * n,
        "sync from " + "x" * n, "sync with " + "a:" * (n // 2), "update from " + "a" * n,
        "automated update" + " " * n, "Pull request #1: " + "a" * n, "a-" * n + ": x",
        "@" * n, "a@" * (n // 2), "Merge in " + "a " * n, "\x1b[" + "0" * n,
        "\x1b]" + "a" * n, "\x1b" * n, "\x9b" * n, "\x1b[" * (n // 2),
    ]
    started = time.perf_counter()
    for text in texts:
        headline(text, text, [text, text])
        body_title(f"x\n\n{text}")
        unsync(text)
        squash(text)
        clean_text(text)
        clean_text(text, multiline=True)
    assert time.perf_counter() - started < 5  # about 0.1 s; a quadratic pattern takes hours


def test_clean_text() -> None:
    assert clean_text(HOSTILE) == "Red alert xyz"
    assert clean_text("a\tb\nc") == "a b c"
    assert clean_text("a\tb\r\nc\x00", multiline=True) == "a\tb\nc"
    assert clean_text("Straße ✓ \u00a0nbsp") == "Straße ✓ \u00a0nbsp"
    assert clean_text("x\ufffey\uffff") == "xy"


# --------------------------------------------------------------------------- real builds


@pytest.fixture
def hosted(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    """A policy whose every change since the first reached main as a merge, written as
    GitHub, GitLab, Bitbucket and git write them; then a squash merge and two commits with
    control characters (in a summary trailer, in a subject)."""
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    repo.write("privacy.md", PRIVACY)
    repo.commit("Initial import\n\nPolicy-Change: First published.",
                date="2026-01-10T09:00:00+00:00")
    expected = hosted_merges(repo, "privacy.md")
    repo.write("privacy.md", PRIVACY.replace("one year", "two years"))
    repo.commit("Clarify retention (#123)", date="2026-08-01T00:00:00+00:00")
    repo.write("privacy.md", PRIVACY.replace("one year", "three years"))
    repo.commit(f"Longer retention\n\nPolicy-Change: {HOSTILE} in a trailer",
                date="2026-08-02T00:00:00+00:00")
    repo.write("privacy.md", PRIVACY.replace("one year", "four years"))
    repo.commit(f"{HOSTILE} in a subject", date="2026-08-03T00:00:00+00:00")
    return repo, ["Red alert xyz in a subject", "Red alert xyz in a trailer",
                  "Clarify retention", *expected, "First published."]


def changelog(app) -> list[str]:
    soup = BeautifulSoup((Path(app.outdir) / "privacy.html").read_text("utf-8"), "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select("ul.policy-changelog li")]


def summary_of(item: str) -> str:
    """``"May 2, 2026 : Summary ( this version , what changed )"`` -> ``"Summary"``."""
    return item.split(" : ", 1)[1].rsplit(" ( this version", 1)[0]


def assert_clean(where: str, text: str | bytes) -> None:
    assert names_in(text) == [], where
    data = text.decode("utf-8") if isinstance(text, bytes) else text
    assert not CONTROL.search(data), (where, CONTROL.search(data))
    for leftover in ("pwned", "[31m", "Merge pull request", "Merge branch", "Merged in",
                     "Merge commit", "Merge remote", "pull request #", "See merge request"):
        assert leftover not in data, (where, leftover)


def test_html_feed_manifest_and_search_index(hosted, build) -> None:
    repo, expected = hosted
    app = build(repo)
    assert policy_warnings(app) == []
    items = changelog(app)
    assert [summary_of(item) for item in items] == expected
    assert not any(summary_of(item).startswith("Merge") for item in items)
    assert "#123" not in " ".join(items)  # no repository configured: no number at all
    out = Path(app.outdir)
    assert files_naming_people(out) == []
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".js", ".json", ".atom", ".txt"):
            assert_clean(str(path.relative_to(out)), path.read_bytes())
    assert "jdoe42" not in (out / "searchindex.js").read_text("utf-8").lower()
    feed = ET.parse(out / "policy-changes.atom").getroot()
    assert [e.find(f"{ATOM}summary").text for e in feed.findall(f"{ATOM}entry")] == expected
    manifest = json.loads((out / "policy-versions.json").read_text("utf-8"))
    assert [r["summary"] for r in manifest["documents"][0]["revisions"]] == expected


def test_latex_and_epub(hosted, build) -> None:
    repo, _expected = hosted
    latex = build(repo, "latex")
    (tex,) = Path(latex.outdir).glob("*.tex")
    assert_clean("latex", tex.read_bytes())
    assert "Name the new payment processor" in tex.read_text("utf-8")
    assert files_naming_people(Path(latex.outdir)) == []
    epub = build(repo, "epub")
    page = Path(epub.outdir) / "privacy.xhtml"
    root = ET.parse(page).getroot()  # well-formed XML: no control character in it
    text = " ".join(root.itertext())
    assert "Red alert xyz in a trailer" in text and "Keep invoices for ten years" in text
    for path in Path(epub.outdir).rglob("*.xhtml"):
        ET.parse(path)
        assert_clean(path.name, path.read_bytes())
    assert files_naming_people(Path(epub.outdir)) == []


@pytest.fixture
def in_repo(hosted, monkeypatch):
    repo, expected = hosted
    pin_git_environment(monkeypatch, repo.env)
    monkeypatch.chdir(repo.path)
    yield repo, expected
    _clean_up_global_state()  # the command ran a Sphinx application in this process


def test_history_command(in_repo, capsys) -> None:
    _repo, expected = in_repo
    assert main(["history", "privacy"]) == 0
    table = capsys.readouterr().out
    assert_clean("history", table)
    assert [line.split(None, 3)[3] for line in table.splitlines()[1:]] == expected
    assert main(["history", "privacy", "--json"]) == 0
    text = capsys.readouterr().out
    assert_clean("history --json", json.loads(text) and text)
    revisions = json.loads(text)["revisions"]
    assert [r["summary"] for r in revisions] == expected
    assert not any(r["subject"].startswith("Merge") for r in revisions)


@pytest.mark.parametrize(("context", "link"), [
    ({"html_context": {"github_user": "acme", "github_repo": "policies"}},
     "https://github.com/acme/policies/pull/"),
    ({"policy_source_url": "https://github.com/acme/policies.git/"},
     "https://github.com/acme/policies/pull/"),
    ({"html_context": {"github_user": "acme", "github_repo": "policies",
                       "github_host": "git.example.org"}},
     "https://git.example.org/acme/policies/pull/"),
])
def test_pull_request_numbers_become_links(hosted, build, context, link) -> None:
    repo, _expected = hosted
    app = build(repo, confoverrides=context)
    soup = BeautifulSoup((Path(app.outdir) / "privacy.html").read_text("utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in soup.select("ul.policy-changelog a.policy-request")}
    # GitHub's squash merge, GitHub's merges; no GitLab or Bitbucket request on GitHub
    assert links == {f"#{n}": f"{link}{n}" for n in (123, 12, 13, 1195)}
    item = next(li for li in soup.select("ul.policy-changelog li") if "#123" in li.get_text())
    text = item.get_text(" ", strip=True).split(" : ", 1)[1]
    assert text.startswith("Clarify retention ( #123 )")


def test_gitlab_and_bitbucket_requests(hosted, build) -> None:
    repo, _expected = hosted
    app = build(repo, confoverrides={"policy_source_url": "https://gitlab.com/acme/policies"})
    soup = BeautifulSoup((Path(app.outdir) / "privacy.html").read_text("utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in soup.select("ul.policy-changelog a.policy-request")}
    assert links == {"!7": "https://gitlab.com/acme/policies/-/merge_requests/7"}
    app = build(repo, confoverrides={
        "html_context": {"bitbucket_user": "acme", "bitbucket_repo": "policies"}})
    soup = BeautifulSoup((Path(app.outdir) / "privacy.html").read_text("utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in soup.select("ul.policy-changelog a.policy-request")}
    assert links == {"#9": "https://bitbucket.org/acme/policies/pull-requests/9"}


def test_curated_mode_lists_no_generated_merge(hosted, build) -> None:
    repo, _expected = hosted
    app = build(repo, confoverrides={"policy_changelog_mode": "curated"})
    assert [summary_of(item) for item in changelog(app)] == [
        "Red alert xyz in a trailer", "We no longer use a chat widget.", "First published."]


# --------------------------------------------------------------------------- the feed


@pytest.fixture
def many(tmp_path: Path) -> GitRepo:
    """Seven revisions of a policy, and two more policies: one titled only in its front
    matter, one with no title at all."""
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\nterms\nlegal/cookies\n```\n")
    repo.write("terms.md", "---\npolicy: true\ntitle: Terms of use\n---\nNo heading here.\n")
    repo.write("legal/cookies.md", "---\npolicy: true\n---\nNo heading, no title.\n")
    repo.write("privacy.md", PRIVACY)
    repo.commit("First", date="2026-01-01T00:00:00+00:00")
    for n in range(2, 8):
        repo.write("privacy.md", PRIVACY.replace("one year", f"{n} years"))
        repo.commit(f"Retention {n}", date=f"2026-02-0{n}T00:00:00+00:00")
    repo.write("terms.md", "---\npolicy: true\ntitle: Terms of use\n---\nChanged.\n")
    repo.write("legal/cookies.md", "---\npolicy: true\n---\nChanged.\n")
    repo.commit("Terms and cookies", date="2026-03-01T00:00:00+00:00")
    return repo


def entries(app) -> list[ET.Element]:
    root = ET.parse(Path(app.outdir) / "policy-changes.atom").getroot()
    return root.findall(f"{ATOM}entry")


def test_feed_keeps_the_newest_entries(many: GitRepo, build) -> None:
    app = build(many, confoverrides={"policy_feed_entries": 4})
    titles = [e.find(f"{ATOM}title").text for e in entries(app)]
    assert len(titles) == 4
    assert sorted(titles[:2]) == ["Terms of use: Terms and cookies",
                                  "legal/cookies: Terms and cookies"]
    assert titles[2:] == ["Privacy notice: Retention 7", "Privacy notice: Retention 6"]
    manifest = json.loads((Path(app.outdir) / "policy-versions.json").read_text("utf-8"))
    assert sum(len(d["revisions"]) for d in manifest["documents"]) == 11  # all of them
    assert {d["docname"]: d["title"] for d in manifest["documents"]} == {
        "privacy": "Privacy notice", "terms": "Terms of use", "legal/cookies": "legal/cookies"}
    assert "<no title>" not in (Path(app.outdir) / "policy-changes.atom").read_text("utf-8")


def test_feed_default_is_fifty(tmp_path: Path, build) -> None:
    repo = GitRepo(tmp_path / "site")
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", "# Home\n\n```{toctree}\nprivacy\n```\n")
    for n in range(55):
        repo.write("privacy.md", PRIVACY.replace("one year", f"{n} years"))
        repo.commit(f"Retention {n}", date=f"2026-01-01T00:{n:02d}:00+00:00")
    app = build(repo)
    found = entries(app)
    assert len(found) == 50 and found[0].find(f"{ATOM}title").text.endswith("Retention 54")


@pytest.mark.parametrize("value", [0, -3, None, True, 2.5])
def test_feed_entries_must_be_a_positive_whole_number(many: GitRepo, build, value) -> None:
    app = build(many, confoverrides={"policy_feed_entries": value})
    assert any("policy_feed_entries" in w for w in policy_warnings(app)), policy_warnings(app)
    assert len(entries(app)) == 11  # the default, 50, holds all of them


def test_source_url_must_be_a_web_address(many: GitRepo, build) -> None:
    app = build(many, confoverrides={"policy_source_url": "git@github.com:acme/policies"})
    assert any("policy_source_url" in w for w in policy_warnings(app))

"""Git repositories in every awkward state, built with Sphinx (no mocks).

Each case makes a real repository (tests/gitrepo.py, fixed dates), builds it with a real
Sphinx app and checks what readers get: the build always finishes without a traceback,
every page is written, each page has exactly the date expected -- or none, never a
guessed one -- and the ``policy.<subtype>`` warnings are exactly the ones listed.
The cases are listed, with what users see, in docs/reference/bad-input.md.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gitrepo import GitRepo
from policy_testing import assert_no_traceback, policy_warnings

CONF = """
extensions = ["myst_parser", "sphinx_policy"]
project = "Hardening"
policy_data_files = ["_data/*.yaml"]
policy_pages = ["privacy"]
html_baseurl = "https://policies.example.org/"
exclude_patterns = ["_build"]
"""
COOKIES = """cookies:
  - name: sid
    provider: first-party
    category: necessary
    purpose: Keeps you signed in.
    expiry: {expiry}
"""
PRIVACY = """# Privacy

```{{last-updated}}
```

We keep data for {retention}.

```{{cookie-table}}
```

## Changes

```{{policy-changelog}}
```
"""
OTHER = "# Other\n\nText {n}.\n"
INDEX = "# Home\n\n```{toctree}\nprivacy\nother\n```\n"

D1 = "2021-01-01T10:00:00+00:00"  # everything created
D2 = "2022-02-02T10:00:00+00:00"  # privacy.md edited
D3 = "2023-03-03T10:00:00+00:00"  # the data file edited (a revision of privacy only)


def site(path: Path) -> GitRepo:
    """Three commits: D1 creates the site, D2 edits privacy.md, D3 edits the data file."""
    repo = GitRepo(path)
    repo.write("conf.py", CONF)
    repo.write(".gitignore", "_build/\n")
    repo.write("index.md", INDEX)
    repo.write("_data/policy.yaml", COOKIES.format(expiry="P1Y"))
    repo.write("privacy.md", PRIVACY.format(retention="one year"))
    repo.write("other.md", OTHER.format(n=1))
    repo.commit("Create the site\n\nPolicy-Change: First published.", date=D1)
    repo.write("privacy.md", PRIVACY.format(retention="two years"))
    repo.commit("Retention\n\nPolicy-Change: We keep data for two years.", date=D2)
    repo.write("_data/policy.yaml", COOKIES.format(expiry="P2Y"))
    repo.commit("Cookie expiry\n\nPolicy-Change: The cookie lasts two years.", date=D3)
    return repo


@dataclass
class Built:
    """What a case's build produced, as readers and authors see it."""

    app: object
    repo: GitRepo

    @property
    def outdir(self) -> Path:
        return Path(self.app.outdir)

    def soup(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{page}.html").read_text("utf-8"), "html.parser")

    def date(self, page: str) -> str | None:
        """The page's date as published (``article:modified_time``), or None."""
        meta = self.soup(page).find("meta", property="article:modified_time")
        body = self.soup(page).find("time", class_="policy-date")
        if meta is None:
            assert body is None, f"{page}: a date in the body but not in the head"
            return None
        assert body is None or body["datetime"] == meta["content"], page
        return meta["content"]

    def changelog(self, page: str = "privacy") -> list[str]:
        """The changelog's entries: "<date>: <summary>"."""
        found = self.soup(page).select(".policy-changelog li p")
        return [re.sub(r" \(this version.*$", "", " ".join(p.get_text().split())) for p in found]

    def archives(self) -> list[str]:
        folder = self.outdir / "privacy" / "versions"
        return sorted(p.name for p in folder.glob("*.html")) if folder.is_dir() else []


@dataclass
class GitCase:
    id: str
    make: Callable[[Path], tuple[GitRepo, Path]]  # (repository, Sphinx source folder)
    #: page -> the date it must show (None: no date).
    dates: dict[str, str | None]
    #: (subtype, the whole message, location or None); nothing else may be reported.
    warnings: list[tuple[str, str, str | None]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[Built], None] | None = None


# --------------------------------------------------------------------------- repositories


def plain(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    return repo, repo.path


def shallow(path: Path) -> tuple[GitRepo, Path]:
    clone = site(path / "origin").clone(path / "clone", "--depth", "1")
    return clone, clone.path


def detached(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.checkout("HEAD~1", detach=True)  # D2: the data file change is not there yet
    return repo, repo.path


def empty(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "origin")
    fresh = GitRepo(path / "empty")  # git init, nothing committed
    for name in ("conf.py", ".gitignore", "index.md", "_data/policy.yaml", "privacy.md",
                 "other.md"):
        fresh.write(name, (repo.path / name).read_text("utf-8"))
    return fresh, fresh.path


def orphan(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.run("checkout", "-q", "--orphan", "fresh-start")
    repo.commit("Fresh start\n\nPolicy-Change: Rewritten from scratch.",
                date="2024-04-04T04:04:04+00:00")
    return repo, repo.path


def orphan_unborn(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.run("checkout", "-q", "--orphan", "fresh-start")  # files staged, nothing committed
    return repo, repo.path


def worktree(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.branch("older", "HEAD~1")
    repo.run("worktree", "add", "-q", str(path / "wt"), "older")
    return GitRepo(path / "wt", init=False, home=repo.home), path / "wt"


def submodule(path: Path) -> tuple[GitRepo, Path]:
    legal = GitRepo(path / "legal-repo")
    legal.write("terms.md", "# Terms\n\nVersion 1.\n\n```{policy-changelog}\n```\n")
    legal.commit("Terms\n\nPolicy-Change: Terms published.", date="2019-05-05T00:00:00+00:00")
    legal.write("terms.md", "# Terms\n\nVersion 2.\n\n```{policy-changelog}\n```\n")
    legal.commit("Terms v2\n\nPolicy-Change: Terms revised.", date="2020-06-06T00:00:00+00:00")
    repo = site(path / "site")
    repo.write("index.md", INDEX + "\n```{toctree}\nlegal/terms\n```\n")
    repo.write("conf.py", CONF + 'policy_pages = ["privacy", "legal/*"]\n')
    repo.run("-c", "protocol.file.allow=always", "submodule", "add", "-q",
             legal.path.resolve().as_uri(), "legal", env={"GIT_ALLOW_PROTOCOL": "file"})
    repo.commit("Add the terms", date="2024-04-04T00:00:00+00:00")
    return repo, repo.path


def _loose(repo: GitRepo, oid: str) -> Path:
    return repo.path / ".git" / "objects" / oid[:2] / oid[2:]


def missing_tree(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    _loose(repo, repo.rev("HEAD~2^{tree}")).unlink()
    return repo, repo.path


def missing_commit(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    _loose(repo, repo.rev("HEAD~1")).unlink()
    return repo, repo.path


def missing_blob(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    _loose(repo, repo.rev("HEAD~2:privacy.md")).unlink()  # the first version's text
    return repo, repo.path


def awkward_names(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write("_data/new\nline 'quoted' \"too\".yaml", COOKIES.replace("sid", "nl").format(
        expiry="P3Y"))
    repo.write("it's \"quoted\".md", "# Quoted\n\nA page with quotes in its name.\n")
    repo.write(b"assets/caf\xe9.txt".decode("utf-8", "surrogateescape"), "latin-1 name")
    repo.write("index.md", INDEX + "it's \"quoted\"\n")
    repo.commit("Awkward names\n\nPolicy-Change: A second data file.",
                date="2024-04-04T00:00:00+00:00")
    return repo, repo.path


def _commit_bytes(repo: GitRepo, message: bytes, date: str, *config: str) -> str:
    repo.add()
    args = [arg for pair in config for arg in ("-c", pair)]
    repo.run(*args, "commit", "-q", "-F", "-", input=message,
             env={"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date})
    return repo.head()


def latin1_declared(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write("privacy.md", PRIVACY.format(retention="three years"))
    message = "Caf\u00e9\n\nPolicy-Change: R\u00e9tention: trois ans.\n".encode("latin-1")
    _commit_bytes(repo, message, "2024-04-04T00:00:00+00:00", "i18n.commitEncoding=latin-1")
    return repo, repo.path


def latin1_undeclared(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write("privacy.md", PRIVACY.format(retention="three years"))
    _commit_bytes(repo, b"Caf\xe9\n\nPolicy-Change: R\xe9tention \xff\xfe.\n",
                  "2024-04-04T00:00:00+00:00")
    return repo, repo.path


def future(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write("privacy.md", PRIVACY.format(retention="ever"))
    repo.commit("From the future\n\nPolicy-Change: Written in 2099.",
                date="2099-09-09T09:09:09+00:00")
    return repo, repo.path


def _raw_commit(repo: GitRepo, stamp: str, subject: str) -> str:
    """A commit whose committer line git wrote as given (git commit would refuse it)."""
    repo.add()
    tree = repo.run("write-tree").strip()
    body = (f"tree {tree}\nparent {repo.head()}\nauthor Ada Author <ada@example.org> {stamp}\n"
            f"committer Carl Committer <carl@example.org> {stamp}\n\n{subject}\n\n"
            f"Policy-Change: {subject}.\n")
    sha = repo.run("hash-object", "-t", "commit", "-w", "--literally", "--stdin",
                   input=body.encode()).strip()
    repo.run("update-ref", "HEAD", sha)
    return sha


def year_10000(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write("privacy.md", PRIVACY.format(retention="ten millennia"))
    _raw_commit(repo, "253402300800 +0000", "After the year 9999")
    return repo, repo.path


def unparseable_date(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write("privacy.md", PRIVACY.format(retention="a while"))
    _raw_commit(repo, "-100 +0000", "Before 1970")
    return repo, repo.path


def overflowing_date(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write("privacy.md", PRIVACY.format(retention="forever"))
    _raw_commit(repo, "99999999999999999999 +0000", "Overflow")  # git shows "0 +0000"
    return repo, repo.path


def child_older(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write("privacy.md", PRIVACY.format(retention="skewed"))
    repo.commit("Clock skew\n\nPolicy-Change: Committed with a clock set back.",
                date="2021-06-06T06:06:06+00:00")  # older than its parent (D3)
    return repo, repo.path


def bad_ignore_revs(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "site")
    repo.write(".git-blame-ignore-revs", "# formatting\nnot-a-commit\n")
    repo.commit("Ignore file", date="2024-04-04T00:00:00+00:00")
    return repo, repo.path


def hostile_config(path: Path) -> tuple[GitRepo, Path]:
    """A user's ~/.gitconfig that changes git's output in every way we parse it."""
    repo = site(path / "site")
    (repo.home / ".gitconfig").write_text(
        "[log]\n\tshowSignature = true\n\tdate = relative\n\tdecorate = full\n"
        "\tabbrevCommit = true\n\tfollow = true\n\tshowRoot = false\n"
        "[core]\n\tquotepath = true\n\tpager = false\n"
        "[color]\n\tui = always\n[diff]\n\trenames = copies\n\tnoprefix = true\n"
        "[format]\n\tpretty = oneline\n[status]\n\tshowUntrackedFiles = no\n"
        "[i18n]\n\tlogOutputEncoding = latin-1\n", "utf-8")
    return repo, repo.path


def not_a_repository(path: Path) -> tuple[GitRepo, Path]:
    repo = site(path / "origin")
    export = path / "export"
    shutil.copytree(repo.path, export, ignore=shutil.ignore_patterns(".git"))
    return GitRepo(export, init=False, home=repo.home), export


# --------------------------------------------------------------------------- checks


def _changelog_is_chain_ordered(built: Built) -> None:
    # Newest change first, though its date is older than its parent's.
    assert built.changelog() == [
        "June 6, 2021: Committed with a clock set back.",
        "March 3, 2023: The cookie lasts two years.",
        "February 2, 2022: We keep data for two years.",
        "January 1, 2021: First published.",
    ]
    archive = next(n for n in built.archives() if n.startswith("2023-") and "diff" not in n)
    soup = BeautifulSoup((built.outdir / "privacy/versions" / archive).read_text("utf-8"),
                         "html.parser")
    listed = [p.get_text() for p in soup.select(".policy-changelog li p")]
    assert not [t for t in listed if "clock set back" in t], listed  # a later change


def _latin1_declared(built: Built) -> None:
    assert built.changelog()[0] == "April 4, 2024: R\u00e9tention: trois ans."


def _latin1_undeclared(built: Built) -> None:
    # git reads a message that is not UTF-8 as Latin-1 (older versions pass the bytes
    # on, which are then shown as U+FFFD): never a traceback, never markup.
    assert built.changelog()[0] in (
        "April 4, 2024: R\u00e9tention \u00ff\u00fe.",
        "April 4, 2024: R\ufffdtention \ufffd\ufffd.",
    )


def _awkward_names(built: Built) -> None:
    assert built.date("it's \"quoted\"") == "2024-04-04T00:00:00+00:00"
    text = built.soup("privacy").get_text(" ")
    assert "nl" in text and "3 years" in text  # the data file with a newline in its name
    newest = [n for n in built.archives() if n.startswith("2024-04-04") and "diff" not in n]
    archived = (built.outdir / "privacy/versions" / newest[0]).read_text("utf-8")
    assert "3 years" in BeautifulSoup(archived, "html.parser").get_text(" ")


def _missing_blob(built: Built) -> None:
    names = built.archives()
    assert not [n for n in names if n.startswith("2021-")]  # its text cannot be read
    assert len([n for n in names if "diff" not in n]) == 2


def _git_named(built: Built, missing: str) -> None:
    """git's own complaint, on the one line of the warning, after the command it ran: it
    names the object that is missing (git's wording around it changes between releases)."""
    (warning,) = policy_warnings(built.app)
    assert re.search(
        rf"failed with exit status 128: .*\b{re.escape(missing)}\b.*\. The build goes on "
        r"without 'Last updated' dates\. \[policy\.git\]$", warning), warning


def _orphan(built: Built) -> None:
    # Only the orphan branch's history: the older commits are on no chain from HEAD.
    assert built.changelog() == ["April 4, 2024: Rewritten from scratch."]


def _future(built: Built) -> None:
    assert built.changelog()[0] == "September 9, 2099: Written in 2099."


def _bad_date(built: Built) -> None:
    # Left out of the changelog and the archives; the earlier revisions stay.
    assert len(built.changelog()) == 3
    assert len([n for n in built.archives() if "diff" not in n]) == 3


def _terms_archived(built: Built) -> None:
    folder = built.outdir / "legal" / "terms" / "versions"
    names = sorted(p.name for p in folder.glob("*.html"))
    assert [n[:10] for n in names if "diff" not in n] == ["2019-05-05", "2020-06-06"]


def _worktree(built: Built) -> None:
    assert built.changelog()[0] == "February 2, 2022: We keep data for two years."


PRIVACY_PATH = "{srcdir}/privacy.md"
NO_GIT = ("no dates from git: git executable 'git' not found or not runnable (No such file or "
          "directory). Install git, or put it on PATH, to get revision dates. The build goes on "
          "without 'Last updated' dates.")
ALL_DATES = {"privacy": D3, "other": D1, "index": D1}
NO_DATES = {"privacy": None, "other": None, "index": None}


def uncommitted(page: str, path: str, state: str) -> tuple[str, str, str]:
    return ("uncommitted", f"no 'Last updated' date for {page}: {path} {state}. Commit it to "
            "give the page its date (a wrong date is worse than none, so none is shown)",
            f"{{srcdir}}/{page}.md")


def git_failed(detail: str) -> tuple[str, str, None]:
    return ("git", f"no dates from git: {detail}. The build goes on without 'Last updated' "
            "dates.", None)


#: The two warnings of a newest commit whose date git cannot give.
NO_DATE_WARNINGS = [
    ("git", "revision {sha:HEAD} of privacy has no date that can be shown (git gives "
     "none); it is left out of the changelog, the archived versions and the feed",
     PRIVACY_PATH),
    ("git", "no 'Last updated' date for privacy: its newest change, privacy.md (commit "
     "{sha:HEAD}), has a commit date git cannot give or that is not in the years 1 to 9999; "
     "no date is shown rather than a wrong one. Fix the committer date (git rebase "
     "--committer-date-is-author-date, or re-commit)", PRIVACY_PATH),
]

CASES = [
    GitCase("plain-repository", plain, ALL_DATES),
    GitCase("git-missing", plain, NO_DATES, [("git", NO_GIT, None)],
            env={"PATH": "/nonexistent"}),
    GitCase("dubious-ownership", plain, NO_DATES, [git_failed(
        "git refuses to read {srcdir}: it is owned by another user (\"detected dubious "
        "ownership\"; common in Docker and CI). Fix: git config --global --add safe.directory "
        "{srcdir}")], env={"GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"}),
    GitCase("not-a-repository", not_a_repository, NO_DATES, [(
        "git", "no dates from git: {srcdir} is not inside a git repository. The build goes on "
        "without 'Last updated' dates (set policy_git = False to silence this).", None)],
        env={"GIT_CEILING_DIRECTORIES": "{tmp}"}),
    GitCase("shallow-clone", shallow, {"privacy": None, "other": None, "index": None}, [
        ("shallow", f"no 'Last updated' date for {page}: its newest change ({path}) lies at or "
         "beyond the shallow clone's boundary. Fix: fetch the full history with `git fetch "
         "--unshallow`", f"{{srcdir}}/{page}.md")
        for page, path in [("index", "index.md"), ("other", "other.md"),
                           ("privacy", "privacy.md")]
    ]),
    GitCase("detached-head", detached, {"privacy": D2, "other": D1, "index": D1}),
    GitCase("empty-repository", empty, NO_DATES, [
        uncommitted(p, f"{p}.md", "is not committed to git") for p in ("index", "other", "privacy")
    ]),
    GitCase("orphan-branch", orphan, {p: "2024-04-04T04:04:04+00:00" for p in ALL_DATES},
            check=_orphan),
    GitCase("orphan-branch-unborn", orphan_unborn, NO_DATES, [
        uncommitted(p, f"{p}.md", "has uncommitted changes") for p in ("index", "other", "privacy")
    ]),
    GitCase("worktree", worktree, {"privacy": D2, "other": D1, "index": D1}, check=_worktree),
    GitCase("submodule-policy-page", submodule,
            {"privacy": D3, "other": D1, "index": "2024-04-04T00:00:00+00:00",
             "legal/terms": "2020-06-06T00:00:00+00:00"}, check=_terms_archived),
    GitCase("corrupt-missing-tree", missing_tree, NO_DATES, [(
        "git", "no dates from git: `git --no-pager -c core.quotepath=off", None)],
        check=lambda b: _git_named(b, b.repo.run("cat-file", "commit", "HEAD~2").split()[1])),
    GitCase("corrupt-missing-commit", missing_commit, NO_DATES, [(
        "git", "no dates from git: `git --no-pager -c core.quotepath=off", None)],
        check=lambda b: _git_named(b, b.repo.rev("HEAD~1"))),
    GitCase("corrupt-missing-blob", missing_blob, ALL_DATES, [(
        "git", "cannot read privacy.md at {sha:HEAD~2}; its archived version is not rendered",
        PRIVACY_PATH)], check=_missing_blob),
    GitCase("file-names-newline-quotes", awkward_names,
            {"privacy": "2024-04-04T00:00:00+00:00", "other": D1,
             "index": "2024-04-04T00:00:00+00:00", "it's \"quoted\"": "2024-04-04T00:00:00+00:00"},
            check=_awkward_names),
    GitCase("message-latin1-declared", latin1_declared,
            {"privacy": "2024-04-04T00:00:00+00:00", "other": D1, "index": D1},
            check=_latin1_declared),
    GitCase("message-not-utf8", latin1_undeclared,
            {"privacy": "2024-04-04T00:00:00+00:00", "other": D1, "index": D1},
            check=_latin1_undeclared),
    GitCase("date-in-the-future", future,
            {"privacy": "2099-09-09T09:09:09+00:00", "other": D1, "index": D1}, check=_future),
    GitCase("date-after-year-9999", year_10000, {"privacy": None, "other": D1, "index": D1}, [
        ("git", "revision {sha:HEAD} of privacy has no date that can be shown (git gives "
         "253402300800); it is left out of the changelog, the archived versions and the feed",
         PRIVACY_PATH),
        ("git", "no 'Last updated' date for privacy: its newest change, privacy.md (commit "
         "{sha:HEAD}), has a commit date git cannot give or that is not in the years 1 to 9999; "
         "no date is shown rather than a wrong one. Fix the committer date (git rebase "
         "--committer-date-is-author-date, or re-commit)", PRIVACY_PATH),
    ], check=_bad_date),
    GitCase("date-unparseable", unparseable_date, {"privacy": None, "other": D1, "index": D1},
            NO_DATE_WARNINGS, check=_bad_date),
    GitCase("date-overflowing", overflowing_date, {"privacy": None, "other": D1, "index": D1},
            NO_DATE_WARNINGS, check=_bad_date),
    GitCase("child-older-than-parent", child_older,
            {"privacy": "2021-06-06T06:06:06+00:00", "other": D1, "index": D1},
            check=_changelog_is_chain_ordered),
    GitCase("ignore-revs-malformed", bad_ignore_revs, NO_DATES, [git_failed(
        "{srcdir}/.git-blame-ignore-revs:2: not a commit id: 'not-a-commit'")]),
    GitCase("hostile-user-git-config", hostile_config, ALL_DATES),
]


@pytest.fixture
def build_case(build, monkeypatch, tmp_path: Path):
    """Make a case's repository and build it (the shared ``build``), with the case's own
    environment on top of the repository's pinned one."""

    def _build(case: GitCase) -> tuple[Built, dict[str, str]]:
        repo, srcdir = case.make(tmp_path)
        for key, value in case.env.items():
            monkeypatch.setenv(key, value.replace("{tmp}", str(tmp_path)))
        return Built(build(repo, srcdir=srcdir), repo), {"srcdir": str(srcdir)}

    return _build


def _expand(text: str, built: Built, names: dict[str, str]) -> str:
    def sha(match: re.Match[str]) -> str:
        return built.repo.run("rev-parse", "--short=12", match.group(1)).strip()

    text = re.sub(r"\{sha:([^}]+)\}", sha, text)
    return text.replace("{srcdir}", names["srcdir"])


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_git_case(build_case, case: GitCase) -> None:
    built, names = build_case(case)
    app = built.app
    assert_no_traceback(app)
    for page in case.dates:
        assert (built.outdir / f"{page}.html").is_file(), page
    assert {page: built.date(page) for page in case.dates} == case.dates
    expected = []
    for subtype, message, location in case.warnings:
        message = _expand(message, built, names)
        prefix = f"{_expand(location, built, names)}: " if location else ""
        expected.append(f"{prefix}WARNING: {message}")
        found = [w for w in policy_warnings(app)
                 if w.startswith(expected[-1]) and w.endswith(f"[policy.{subtype}]")]
        assert len(found) == 1, f"expected once: {expected[-1]}\ngot:\n" + "\n".join(
            policy_warnings(app))
    assert len(policy_warnings(app)) == len(expected), "\n".join(policy_warnings(app))
    if case.check is not None:
        assert case.check(built) is not False


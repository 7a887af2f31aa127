"""A real git repository for tests, with a fixed and isolated environment.

No mocks: every method runs the real ``git`` binary.  The environment pins
names, e-mails, dates, ``TZ`` and ``HOME`` (a private directory, so the
developer's ``~/.gitconfig`` cannot change the output), and ignores the
system config.

    repo = GitRepo(tmp_path / "repo")
    repo.write("policy.md", "v1")
    sha = repo.commit("first", date="2020-01-01T00:00:00+00:00")
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_DATE = "2020-01-01T00:00:00+00:00"

#: The real git, resolved once (tests may hand other paths to the code under test).
GIT = shutil.which("git") or "git"


#: Who makes the commits: these names must never appear in a build's output.
AUTHOR = ("Ada Author", "ada@example.org")
COMMITTER = ("Carl Committer", "carl@example.org")


#: Accounts, branches and people that hosting services and git write into the merge
#: commits of :func:`hosted_merges` (subjects, and Bitbucket's Approved-by): nobody typed
#: them as a summary, and they must never appear in a build's output either. Each is one
#: word to a search index (stemming leaves a word ending in a digit as it is).
MERGE_NAMES = ("jdoe42", "octoorg7", "syncbot9", "22927455781", "Rita Reviewer")


def names_in(text: str | bytes) -> list[str]:
    """The names of :data:`AUTHOR`, :data:`COMMITTER` and :data:`MERGE_NAMES` that
    ``text`` holds (merge names case-insensitively: a title may capitalise them)."""
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    lowered = data.lower()
    return [*(s for s in (*AUTHOR, *COMMITTER) if s.encode() in data),
            *(s for s in MERGE_NAMES if s.lower().encode() in lowered)]


def files_naming_people(outdir: Path) -> list[tuple[str, str]]:
    """(file, name) for every output file that names the author or committer, or an
    account, branch or reviewer of a generated merge commit (:data:`MERGE_NAMES`)."""
    return [(os.fspath(path.relative_to(outdir)), name)
            for path in sorted(outdir.rglob("*")) if path.is_file()
            for name in names_in(path.read_bytes())]


#: What code under test needs of a repository's fixed environment to run git as the
#: repository does (its HOME with its config, no system config, its time zone).
PINNED = ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_NOSYSTEM", "TZ")


def pin_git_environment(monkeypatch: Any, env: Mapping[str, str]) -> None:
    """Set :data:`PINNED` from ``env`` (a ``GitRepo.env``) for the test's duration."""
    for key in PINNED:
        monkeypatch.setenv(key, env[key])


def git_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The fixed environment GitRepo runs git with (also usable for code under test)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.fspath(home),
        "XDG_CONFIG_HOME": os.fspath(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "TZ": "UTC",
        "LC_ALL": "C",
        "GIT_AUTHOR_NAME": AUTHOR[0],
        "GIT_AUTHOR_EMAIL": AUTHOR[1],
        "GIT_COMMITTER_NAME": COMMITTER[0],
        "GIT_COMMITTER_EMAIL": COMMITTER[1],
        "GIT_AUTHOR_DATE": DEFAULT_DATE,
        "GIT_COMMITTER_DATE": DEFAULT_DATE,
        "GIT_TERMINAL_PROMPT": "0",
    }
    if extra:
        env.update(extra)
    return env


class GitRepo:
    """A work tree at ``path`` driven through real git commands."""

    def __init__(self, path: Path, *, init: bool = True, home: Path | None = None) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.home = home or self.path.parent / f".home-{self.path.name}"
        self.home.mkdir(parents=True, exist_ok=True)
        self.env = git_env(self.home)
        if init:
            self.run("init", "-q", "-b", "main")

    # -- plumbing ---------------------------------------------------------------------

    def run(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        cwd: Path | None = None,
        input: bytes | None = None,
    ) -> str:
        """Run ``git *args`` in the repository; return stdout (text, trailing newline kept)."""
        proc = subprocess.run(
            [GIT, *args],
            cwd=cwd or self.path,
            env={**self.env, **(env or {})},
            input=input,
            capture_output=True,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"git {' '.join(args)} failed ({proc.returncode}):\n"
                f"{proc.stderr.decode('utf-8', 'replace')}"
            )
        return proc.stdout.decode("utf-8", "surrogateescape")

    def _dates(self, date: str, author_date: str | None) -> dict[str, str]:
        return {"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": author_date or date}

    # -- work tree --------------------------------------------------------------------

    def write(self, path: str, content: str | bytes = "") -> Path:
        """Create or overwrite a file (parents created); not staged."""
        target = self.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def add(self, *paths: str) -> None:
        if paths:
            self.run("add", "-A", "--", *paths)
        else:
            self.run("add", "-A")

    def mv(self, src: str, dst: str) -> None:
        (self.path / dst).parent.mkdir(parents=True, exist_ok=True)
        self.run("mv", "--", src, dst)

    def rm(self, path: str) -> None:
        self.run("rm", "-q", "--", path)

    # -- history ----------------------------------------------------------------------

    def commit(
        self,
        message: str,
        date: str = DEFAULT_DATE,
        author_date: str | None = None,
        *,
        add_all: bool = True,
        allow_empty: bool = False,
        committer: tuple[str, str] | None = None,
    ) -> str:
        """Commit (staging everything first unless ``add_all=False``); return the sha.

        ``date`` is the committer date (ISO 8601 with offset, or git's ``@epoch +hhmm``).
        """
        if add_all:
            self.add()
        env = self._dates(date, author_date)
        if committer:
            env |= {"GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1]}
        args = ["commit", "-q", "--no-verify", "-m", message]
        if allow_empty:
            args.append("--allow-empty")
        self.run(*args, env=env)
        return self.head()

    def head(self) -> str:
        return self.run("rev-parse", "HEAD").strip()

    def branch(self, name: str, start: str | None = None) -> None:
        self.run("branch", name, *([start] if start else []))

    def checkout(self, ref: str, *, new: bool = False, detach: bool = False) -> None:
        args = ["checkout", "-q"]
        if new:
            args.append("-b")
        if detach:
            args.append("--detach")
        self.run(*args, ref)

    def merge(
        self,
        branch: str,
        date: str = DEFAULT_DATE,
        *,
        no_ff: bool = True,
        message: str | None = None,
    ) -> str:
        """Merge ``branch`` into the current branch; return the new HEAD sha."""
        args = ["merge", "-q", "--no-edit"]
        if no_ff:
            args.append("--no-ff")
        if message:
            args += ["-m", message]
        self.run(*args, branch, env=self._dates(date, None))
        return self.head()

    def cherry_pick(self, sha: str, date: str = DEFAULT_DATE) -> str:
        """Re-commit ``sha`` on the current branch; keeps its author date, sets ``date``."""
        self.run("cherry-pick", sha, env={"GIT_COMMITTER_DATE": date})
        return self.head()

    def clone(self, dest: Path, *args: str) -> GitRepo:
        """``git clone`` over ``file://`` (so that ``--depth`` is honoured)."""
        self.run("clone", "-q", *args, self.path.resolve().as_uri(), os.fspath(dest), cwd=self.home)
        return GitRepo(dest, init=False, home=self.home)

    def fast_import(self, stream: bytes) -> None:
        """Feed a ``git fast-import`` stream (builds long histories in milliseconds)."""
        self.run("fast-import", "--quiet", "--done", input=stream)

    def rev(self, ref: str) -> str:
        return self.run("rev-parse", ref).strip()


# -- merges as hosting services write them ------------------------------------------------


def _next_day(date: str, days: int) -> str:
    import datetime as dt

    return (dt.datetime.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def hosted_merges(repo: GitRepo, path: str, start: str = "2026-05-01T09:00:00+00:00",
                  *, other: str = "notes.txt") -> list[str]:
    """On ``main``, one change of ``path`` (a paragraph appended) merged the way each
    hosting service and git merges, with their exact subjects and bodies; returns what
    readers should see for each merge, newest first.

    GitHub (the title on the body's first line; a title GitHub derived from the branch
    name; a repository-sync bot whose branch merged ``main`` first), GitLab (with "See
    merge request"), Bitbucket (with Approved-by), git's "Merge branch", "Merge
    remote-tracking branch" (a Policy-Change trailer inside) and "Merge commit" (nothing
    fit for readers inside). ``other`` is a file outside the page, changed on ``main``
    while the sync bot's branch is open.
    """
    day = iter(range(1, 1000))

    def change(subject: str) -> None:
        target = repo.path / path
        target.write_text(target.read_text("utf-8") + f"\n{subject.splitlines()[0]}.\n",
                          "utf-8")
        repo.commit(subject, date=_next_day(start, next(day)))

    def merge(branch: str, message: str) -> None:
        repo.checkout("main")
        when = repo._dates(_next_day(start, next(day)), None)
        repo.run("merge", "-q", "--no-ff", "--no-commit", branch, env=when)
        repo.run("commit", "-q", "--no-verify", "--cleanup=verbatim", "-F", "-", env=when,
                 input=message.encode("utf-8"))
        repo.run("branch", "-q", "-D", branch, check=False)

    expected = []
    # GitHub, the pull request's title on the body's first line.
    repo.checkout("patch-1", new=True)
    change("Update privacy.md")
    merge("patch-1", "Merge pull request #12 from jdoe42/patch-1\n\n"
          "Clarify how long we keep contact-form messages")
    expected.append("Clarify how long we keep contact-form messages")
    # GitHub, a title derived from the branch name: the commits' subjects instead.
    repo.checkout("jdoe42-patch-2", new=True)
    change("Shorten the retention of server logs")
    change("Fix a typo")
    merge("jdoe42-patch-2", "Merge pull request #13 from octoorg7/jdoe42-patch-2\n\n"
          "Jdoe42 patch 2")
    expected.append("Shorten the retention of server logs; Fix a typo")
    # GitHub, a repository-sync bot: boilerplate title, main merged into its branch.
    branch = "automated-sync-22927455781"
    repo.checkout(branch, new=True)
    change("Name the new payment processor")
    repo.checkout("main")
    repo.write(other, "Unrelated notes.\n")
    repo.commit("Notes", date=_next_day(start, next(day)))
    repo.checkout(branch)
    repo.run("merge", "-q", "--no-ff", "--no-edit", "main",
             env=repo._dates(_next_day(start, next(day)), None))
    merge(branch, f"Merge pull request #1195 from syncbot9/{branch}\n\n"
          "Sync changes from GitHub Docs")
    expected.append("Name the new payment processor")
    # GitLab's default merge commit template.
    repo.checkout("jdoe42-retention", new=True)
    change("wip")
    merge("jdoe42-retention", "Merge branch 'jdoe42-retention' into 'main'\n\n"
          "Keep invoices for ten years, as tax law requires\n\nCloses #4\n\n"
          "See merge request jdoe42/policies!7")
    expected.append("Keep invoices for ten years, as tax law requires")
    # Bitbucket Cloud's default merge message.
    repo.checkout("feature/jdoe42-cookies", new=True)
    change("List the analytics cookie")
    merge("feature/jdoe42-cookies", "Merged in feature/jdoe42-cookies (pull request #9)\n\n"
          "List the new analytics cookie\n\nApproved-by: Rita Reviewer")
    expected.append("List the new analytics cookie")
    # git's own subjects: a local branch ...
    repo.checkout("jdoe42-typo", new=True)
    change("Correct the regulator's address")
    merge("jdoe42-typo", "Merge branch 'jdoe42-typo'\n")
    expected.append("Correct the regulator's address")
    # ... a remote-tracking branch whose commit has a summary trailer ...
    repo.checkout("origin/jdoe42-wip", new=True)
    change("chat\n\nPolicy-Change: We no longer use a chat widget.")
    merge("origin/jdoe42-wip", "Merge remote-tracking branch 'origin/jdoe42-wip'\n")
    expected.append("We no longer use a chat widget.")
    # ... and a commit by its id, bringing in only boilerplate.
    repo.checkout("jdoe42-sync", new=True)
    change("Repo sync")
    sha = repo.head()
    merge(sha, f"Merge commit '{sha}'\n")
    repo.run("branch", "-q", "-D", "jdoe42-sync")
    expected.append("Updated")
    return expected[::-1]

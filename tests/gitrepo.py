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


def files_naming_people(outdir: Path) -> list[tuple[str, str]]:
    """(file, name or email) for every output file that names the author or committer."""
    secrets = [s.encode() for s in (*AUTHOR, *COMMITTER)]
    return [(os.fspath(path.relative_to(outdir)), secret.decode())
            for path in sorted(outdir.rglob("*")) if path.is_file()
            for secret in secrets if secret in path.read_bytes()]


#: What code under test needs of a repository's fixed environment to run git as the
#: repository does (its HOME with its config, no system config, its time zone).
PINNED = ("HOME", "GIT_CONFIG_NOSYSTEM", "TZ")


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

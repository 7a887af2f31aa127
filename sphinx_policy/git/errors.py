"""What can go wrong when running git: missing, refused, or failing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# --------------------------------------------------------------------------- errors


class GitUnavailable(Exception):
    """Git cannot give history here.

    ``reason`` is one of ``"no-git"``, ``"not-a-repository"``,
    ``"dubious-ownership"``, ``"empty-repository"``; ``str(exc)`` says how to fix it.
    """

    REASONS = frozenset({"no-git", "not-a-repository", "dubious-ownership", "empty-repository"})
    reason: str
    path: Path | None

    def __init__(self, reason: str, message: str, *, path: Path | None = None) -> None:
        if reason not in self.REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        super().__init__(message)
        self.reason = reason
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps the exception picklable (parallel Sphinx builds pass objects between processes).
        return (_rebuild_unavailable, (self.reason, str(self), self.path))


class GitError(RuntimeError):
    """A git command failed for an unexpected reason (corrupt repository, git too old...)."""

    def __init__(self, argv: Sequence[str], returncode: int | None, stderr: str) -> None:
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr = stderr
        detail = stderr.strip() or "(no error output)"
        super().__init__(f"`{' '.join(self.argv)}` failed with exit status {returncode}: {detail}")

    def __reduce__(self) -> tuple[object, ...]:
        return (GitError, (self.argv, self.returncode, self.stderr))


def _rebuild_unavailable(reason: str, message: str, path: Path | None) -> GitUnavailable:
    return GitUnavailable(reason, message, path=path)


# --------------------------------------------------------------------------- records


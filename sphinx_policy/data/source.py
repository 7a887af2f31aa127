"""Where data files are read from: the working tree, or a git revision.

Directives never open files themselves. They ask a :class:`DataSource`, so that an
archived version of a page can render its tables from the data files as they were
at that commit, through the same code path as the current page.
"""

from __future__ import annotations

import contextlib
import fnmatch
import posixpath
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Protocol


class DataFileError(Exception):
    """A data file cannot be used; the message says why and what is accepted."""


def normalise_relpath(path: str) -> str:
    """Turn a project-relative path into a canonical POSIX path, refusing ones that leave it."""
    if "\x00" in path:
        raise DataFileError(f"the path {path!r} contains a NUL character")
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute():
        raise DataFileError(
            f"the path {path!r} is absolute; data paths are relative to the documentation "
            "folder (a leading '/' means the documentation folder itself)"
        )
    normal = posixpath.normpath(str(pure))
    if normal == ".." or normal.startswith("../"):
        raise DataFileError(
            f"the path {path!r} points outside the documentation folder; "
            "data files must live inside it"
        )
    return normal


def check_pattern(pattern: str) -> str:
    """The normalised glob pattern; refuse one that pathlib cannot use.

    As in :meth:`pathlib.Path.glob`, ``**`` must be a whole path component
    (``_data/**/*.yaml``); ``_data/**.yaml`` is refused rather than read as ``*``, so
    that the working tree and the git revisions of archived versions agree.
    """
    normal = normalise_relpath(pattern)
    for part in normal.split("/"):
        if "**" in part and part != "**":
            raise DataFileError(
                f"the pattern {pattern!r} is not accepted: '**' must be a whole path "
                f"component, not part of {part!r}; accepted: '*' inside one folder, and "
                "'**' alone between slashes for any number of folders, e.g. "
                "'_data/*.yaml' or '_data/**/*.yaml'"
            )
    return normal


class DataSource(Protocol):
    """Read-only access to the files of the documentation folder at one point in time."""

    #: A short label for messages: "working tree" or "revision <sha>".
    label: str

    def read_bytes(self, relpath: str) -> bytes:
        """Return the file's content; raise DataFileError when it is missing or refused."""
        ...

    def glob(self, pattern: str) -> list[str]:
        """Project-relative paths matching ``pattern`` (``**`` crosses folders), sorted."""
        ...

    def location(self, relpath: str) -> str:
        """The path to show in messages (absolute for the working tree)."""
        ...


class WorkingTreeSource:
    """The documentation folder on disk, confined to ``root`` (symlinks out are refused)."""

    label = "working tree"

    def __init__(self, root: Path, max_bytes: int = 2_000_000) -> None:
        self.root = root.resolve()
        self.max_bytes = max_bytes

    def path(self, relpath: str) -> Path:
        full = (self.root / normalise_relpath(relpath)).resolve()
        if not full.is_relative_to(self.root):
            raise DataFileError(
                f"{relpath!r} resolves to {full}, outside the documentation folder "
                "(a symbolic link pointing out?); data files must live inside it"
            )
        return full

    def read_bytes(self, relpath: str) -> bytes:
        full = self.path(relpath)
        if full.is_dir():
            raise DataFileError(f"{relpath!r} is a folder, not a data file (looked at {full})")
        if not full.is_file():
            raise DataFileError(f"the data file {relpath!r} does not exist (looked for {full})")
        size = full.stat().st_size
        if size > self.max_bytes:
            raise DataFileError(
                f"the data file {relpath!r} has {size:,} bytes, more than the limit of "
                f"{self.max_bytes:,} (raise policy_data_max_bytes in conf.py if it is right)"
            )
        return full.read_bytes()

    def glob(self, pattern: str) -> list[str]:
        """Matching files (a symbolic link as the file it points to). A link pointing out of
        the folder is listed as itself, so that reading it reports it, rather than the
        pattern silently matching nothing."""
        pattern = check_pattern(pattern)
        found = set()
        try:
            candidates = list(self.root.glob(pattern))
        except (ValueError, NotImplementedError) as err:  # a pattern pathlib refuses
            raise DataFileError(
                f"the pattern {pattern!r} is not accepted ({err}); accepted: '*' inside "
                "one folder, and '**' alone between slashes for any number of folders, "
                "e.g. '_data/*.yaml' or '_data/**/*.yaml'"
            ) from None
        for candidate in candidates:
            if candidate.is_file():
                rel = candidate.relative_to(self.root).as_posix()
                with contextlib.suppress(DataFileError):  # else refused when it is read
                    rel = self.path(rel).relative_to(self.root).as_posix()
                found.add(rel)
        return sorted(found)

    def location(self, relpath: str) -> str:
        return str(self.root / relpath)


class GitRevisionSource:
    """The documentation folder as it was at one commit.

    ``read_blob(path_in_repo) -> bytes | None`` and ``list_files() -> list[str]`` come
    from the history layer (one persistent ``git cat-file --batch`` process), and
    ``prefix`` is the documentation folder's path inside the repository.
    """

    def __init__(
        self,
        sha: str,
        prefix: str,
        read_blob: Callable[[str], bytes | None],
        list_files: Callable[[], list[str]],
        max_bytes: int = 2_000_000,
    ) -> None:
        self.sha = sha
        self.prefix = prefix.strip("/")
        self._read_blob = read_blob
        self._list_files = list_files
        self.max_bytes = max_bytes
        self.label = f"revision {sha[:12]}"

    def _repo_path(self, relpath: str) -> str:
        rel = normalise_relpath(relpath)
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def read_bytes(self, relpath: str) -> bytes:
        content = self._read_blob(self._repo_path(relpath))
        if content is None:
            raise DataFileError(f"the data file {relpath!r} does not exist at {self.label}")
        if len(content) > self.max_bytes:
            raise DataFileError(
                f"the data file {relpath!r} has {len(content):,} bytes at {self.label}, more "
                f"than the limit of {self.max_bytes:,}"
            )
        return content

    def glob(self, pattern: str) -> list[str]:
        pattern = check_pattern(pattern)
        head = f"{self.prefix}/" if self.prefix else ""
        rels = [p[len(head) :] for p in self._list_files() if p.startswith(head)]
        return sorted(p for p in rels if _glob_match(p, pattern))

    def location(self, relpath: str) -> str:
        return f"{relpath}@{self.sha[:12]}"


def _glob_match(path: str, pattern: str) -> bool:
    """pathlib-style glob: ``*`` stays inside one folder, ``**`` crosses folders."""
    parts, pats = path.split("/"), pattern.split("/")

    def match(i: int, j: int) -> bool:
        if j == len(pats):
            return i == len(parts)
        if pats[j] == "**":
            return any(match(k, j + 1) for k in range(i, len(parts) + 1))
        return i < len(parts) and fnmatch.fnmatchcase(parts[i], pats[j]) and match(i + 1, j + 1)

    return match(0, 0)

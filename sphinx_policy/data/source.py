"""Where data files are read from: the working tree of the source folder.

Directives never open files themselves. They ask a :class:`DataSource`, so that every
read goes through one place with the same path checks and size limit. (An archived
version needs nothing of its own here: it is parsed with the source folder pointing
into its commit's checked-out tree.)
"""

from __future__ import annotations

import contextlib
import posixpath
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



"""What the history index holds: commits, revisions, per-file histories."""

from __future__ import annotations

import datetime as _dt
from array import array
from collections.abc import Iterable, Sequence
from pathlib import PurePath, PurePosixPath
from typing import NamedTuple, overload

from .text import offset_zone, rfc3339

#: Values of :attr:`FileHistory.unknown`.
UNKNOWN_REASONS = frozenset({"untracked", "modified", "shallow", "excluded", "not-in-head"})

EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


#: ``Commit.timestamp`` when git prints no date for a commit (it cannot parse the
#: commit's own, e.g. a negative or garbled one): outside every date that is shown
#: (``dates.representable``), so such a commit gives no date rather than a wrong one.
NO_DATE = -(1 << 62)


class Commit(NamedTuple):
    """A commit on the first-parent chain (dates are the committer's).

    This module's records are named tuples, not dataclasses, as every record a build
    imports (docs/development.md, "Records that every build imports")."""

    sha: str
    #: Parent shas as git reports them; empty for a root or a shallow boundary commit.
    parents: tuple[str, ...]
    #: Committer date, epoch seconds.
    timestamp: int
    #: Committer UTC offset, seconds east of UTC.
    offset: int
    subject: str
    #: ``(key, value)`` pairs as git parsed them; may contain names, so never output by default.
    trailers: tuple[tuple[str, str], ...] = ()

    def datetime(self) -> _dt.datetime:
        """The committer date, aware, in the committer's own offset."""
        # Adding to the epoch (rather than fromtimestamp) also works for pre-1970 dates.
        return (EPOCH + _dt.timedelta(seconds=self.timestamp)).astimezone(offset_zone(self.offset))

    def isoformat(self) -> str:
        """E.g. ``2026-03-24T00:27:36+00:00`` (seconds, committer's offset)."""
        moment = self.datetime()
        if self.offset % 60:  # an offset with seconds: the same instant, written in UTC
            moment = moment.astimezone(_dt.UTC)
        return rfc3339(moment)


class CommitTable(Sequence[Commit]):
    """The commits of a chain, kept as columns: pickled and loaded as a handful of lists
    and arrays (milliseconds for thousands of commits, where as many frozen dataclasses
    took tens of them). A :class:`Commit` is made when it is first asked for."""

    __slots__ = ("_made", "offsets", "parents", "shas", "subjects", "timestamps", "trailers")

    def __init__(self, commits: Iterable[Commit] = ()) -> None:
        made = list(commits)
        self.shas = [c.sha for c in made]
        self.parents = [c.parents for c in made]
        self.timestamps = array("q", (c.timestamp for c in made))
        self.offsets = array("i", (c.offset for c in made))
        self.subjects = [c.subject for c in made]
        self.trailers = [c.trailers for c in made]
        self._made: list[Commit | None] = list(made)

    @classmethod
    def joined(cls, newer: Sequence[Commit], older: Sequence[Commit]) -> CommitTable:
        """``newer`` then ``older``: the columns of a table are copied, not made into
        commits."""
        table = cls(newer)
        rest = older if isinstance(older, CommitTable) else cls(older)
        table.shas += rest.shas
        table.parents += rest.parents
        table.timestamps += rest.timestamps
        table.offsets += rest.offsets
        table.subjects += rest.subjects
        table.trailers += rest.trailers
        table._made += rest._made
        return table

    def __len__(self) -> int:
        return len(self.shas)

    @overload
    def __getitem__(self, index: int) -> Commit: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Commit]: ...
    def __getitem__(self, index: int | slice) -> Commit | Sequence[Commit]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        commit = self._made[index]
        if commit is None:
            commit = self._made[index] = Commit(
                self.shas[index], self.parents[index], self.timestamps[index],
                self.offsets[index], self.subjects[index], self.trailers[index],
            )  # fmt: skip
        return commit

    def __getstate__(self) -> tuple[object, ...]:
        return (self.shas, self.parents, self.timestamps, self.offsets, self.subjects,
                self.trailers)  # fmt: skip

    def __setstate__(self, state: tuple[object, ...]) -> None:
        (self.shas, self.parents, self.timestamps, self.offsets, self.subjects,
         self.trailers) = state  # type: ignore[assignment]  # fmt: skip
        self._made = [None] * len(self.shas)


class Revision(NamedTuple):
    """One change of a file."""

    commit: Commit
    #: The file's path at that commit (differs from the queried path before a rename).
    path: str
    #: First letter of git's name-status: ``A``, ``M``, ``D``, ``T``, ``C``,
    #: ``R`` (a rename with edits; pure renames are not revisions).
    status: str


class FileHistory(NamedTuple):
    """Revisions of one file (or, from :meth:`HistoryIndex.files`, of several merged)."""

    path: str
    #: Newest first (first-parent chain order).
    revisions: tuple[Revision, ...]
    #: ``None`` or one of :data:`UNKNOWN_REASONS`.
    unknown: str | None
    #: ``False`` when a shallow clone's boundary cut the history.
    complete: bool
    #: Which path made the result unknown (for merged histories; else ``path``).
    unknown_path: str | None = None

    @property
    def last(self) -> Revision | None:
        """Newest revision; ``None`` when the date is unknown or there is none."""
        if self.unknown is not None:
            return None
        # A deletion is a revision but never the "last updated" of something that exists.
        return next((r for r in self.revisions if r.status != "D"), None)

    @property
    def first(self) -> Revision | None:
        """Oldest revision (creation); ``None`` when unknown or cut by a shallow clone."""
        if self.unknown is not None or not self.complete:
            return None
        return next((r for r in reversed(self.revisions) if r.status != "D"), None)


class PathRecord:
    """Compact per-path history: parallel arrays, paths only where they differ."""

    __slots__ = ("boundary", "commits", "excluded", "paths", "renames", "statuses")

    def __init__(self) -> None:
        self.commits = array("I")  # indexes into HistoryIndex._commits, newest first
        self.statuses = bytearray()  # status letter per entry
        self.paths: dict[int, str] | None = None  # entry position -> path at that commit
        # Every rename of the file, pure or not, newest first: (commit index, path before).
        self.renames: list[tuple[int, str]] | None = None
        self.boundary = False  # touched by a shallow boundary commit
        self.excluded = False  # touched by an ignored commit

    def __getstate__(self) -> tuple[object, ...]:
        return (self.commits, self.statuses, self.paths, self.renames, self.boundary,
                self.excluded)  # fmt: skip

    def __setstate__(self, state: tuple[object, ...]) -> None:
        (self.commits, self.statuses, self.paths, self.renames, self.boundary,
         self.excluded) = state  # type: ignore[assignment]  # fmt: skip


# --------------------------------------------------------------------------- ignore revs

def normalize_path(path: str | PurePath) -> str:
    text = path.as_posix() if isinstance(path, PurePath) else str(path)
    normalized = str(PurePosixPath(text))
    return "" if normalized == "." else normalized

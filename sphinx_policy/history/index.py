"""Index of the git history of every file in one repository.

Pure module (no Sphinx): the Sphinx integration builds one :class:`HistoryIndex`
per repository root and asks it for the revisions of pages and their data files.

How dates are derived (and why):

* A revision of a file is a commit on the **first-parent** chain of ``HEAD``
  whose diff against its first parent changes the file.  Merging ``main`` into
  a feature branch and back therefore dates a page by the commit on ``main``
  that changed it, not by either merge.
* The date is the **committer** date (when the change landed), kept as
  integers: epoch seconds plus the committer's UTC offset in seconds.
* Renames are followed back (``-M``); a pure rename (``R100``) is not a
  revision, a rename with edits is.
* The history of a path is every change made at that path, except changes to
  content that was later renamed away (those follow the content to its new
  path), plus -- followed recursively -- the history of a path renamed into it
  up to that rename.  So a delete and a re-add continue the same history (both
  the ``D`` and the later ``A`` are revisions), rename chains ``a -> b -> c``
  are followed, and a name reused after its file was renamed away starts afresh.
* Shallow clones: the boundary commits look as if they added every file, so a
  boundary commit is never a revision.  A file with no real revision newer than
  the boundary has an unknown date (``"shallow"``); one with a newer revision
  keeps it but its history is marked incomplete.
* Untracked and uncommitted files have unknown dates, never the build time.

Cost: one streamed ``git log`` per repository plus ``rev-parse`` (twice) and one
``git status``.  Commits are stored once; each file holds an ``array`` of int
indexes into the commit list, so 20,000 commits x 1,000 files stays small.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import hashlib
import os
import pickle
import re
import subprocess
import tempfile
import threading
import weakref
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path, PurePath, PurePosixPath
from typing import IO

from .. import __version__

__all__ = [
    "UNKNOWN_REASONS",
    "BlobReader",
    "Commit",
    "FileHistory",
    "GitError",
    "GitUnavailable",
    "HistoryIndex",
    "Revision",
    "build_index",
    "clean_text",
    "find_repository_root",
    "read_ignore_revs",
    "run_git",
]

#: Values of :attr:`FileHistory.unknown`.
UNKNOWN_REASONS = frozenset({"untracked", "modified", "shallow", "excluded", "not-in-head"})

# Fields: sha, parents, committer date (raw: "<epoch> <+hhmm>"), trailers, subject.
# The subject goes last so that a stray separator in it cannot shift other fields.
# ``-z`` ends this header with NUL; the name-status entries follow as NUL-separated
# tokens, the first of them prefixed by a newline.
LOG_FORMAT = (
    "%x1e%H%x1f%P%x1f%cd%x1f%(trailers:only,unfold,separator=%x1d,key_value_separator=%x1c)%x1f%s"
)

# Config a user may have that would change the output we parse.
_SAFE_CONFIG: tuple[str, ...] = (
    "-c", "core.quotepath=off",
    "-c", "log.showSignature=false",  # signature lines would be mixed into the output
    "-c", "log.showRoot=true",  # the root commit must show its files as added
    "-c", "i18n.logOutputEncoding=UTF-8",
)  # fmt: skip

# Variables that would point git at another repository or index than ``root``
# (they are set, for example, while git runs a hook that calls sphinx-build).
_LOCATION_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
)

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_HEX_RE = re.compile(r"[0-9a-fA-F]{4,64}")
_STAMP_RE = re.compile(r"-?[0-9]{1,20}")
_BATCH_HEADER_RE = re.compile(rb"([0-9a-f]{40}|[0-9a-f]{64}) (\w+) (\d+)\n")
_EMPTY: tuple[()] = ()

# --------------------------------------------------------------------------- text from git

# What commit messages may carry that no reader should get: C0 controls, DEL, C1 controls
# and the two XML non-characters (an EPUB or feed holding one is not XML). A whole escape
# sequence (CSI such as ESC[31m, OSC such as ESC]0;title BEL, or ESC and one byte) goes
# with its ESC, so no "[31m" is left behind. Every repetition is bounded and nothing is
# nested: linear in the length of the text, whatever it holds.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]?"  # CSI: colours, cursor movement
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]{0,2048}(?:\x07|\x1b\\|\x9c)?"  # OSC: window title, links
    r"|\x1b[ -~]?"  # any other escape: ESC and the byte after it
)
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")  # keeps \t and \n


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` from git without control characters: the one place where commit text
    (subjects, trailers, messages) is cleaned, before any builder or the command line
    sees it. A single line (``multiline=False``) keeps no tab or newline: a tab becomes a
    space, as does a line break a trailer value could hold; a message keeps both."""
    if _CONTROL_LINE.search(text) is None:  # the usual case
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    if multiline:
        return _CONTROL_TEXT.sub("", text.replace("\r\n", "\n"))
    return _CONTROL_LINE.sub("", text.replace("\t", " ").replace("\n", " ")).strip()


#: ``Commit.timestamp`` when git prints no date for a commit (it cannot parse the
#: commit's own, e.g. a negative or garbled one): outside every date that is shown
#: (``dates.representable``), so such a commit gives no date rather than a wrong one.
NO_DATE = -(1 << 62)


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


@functools.lru_cache(maxsize=64)
def _tzinfo(offset: int) -> _dt.tzinfo:
    # git accepts offsets such as +2500 that datetime cannot represent: fall back to UTC.
    if -86400 < offset < 86400:
        return _dt.timezone(_dt.timedelta(seconds=offset))
    return _dt.UTC


def rfc3339(moment: _dt.datetime) -> str:
    """The one timestamp form sphinx-policy writes: ``2026-03-24T00:27:36+00:00``.

    RFC 3339 to the second, with a numeric offset (``+00:00`` for UTC, never ``Z``), built
    by hand so that pages, the manifest and the feed do not change with the Python
    version. ``moment`` must be aware and its offset whole minutes.
    """
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("a timestamp needs a time zone")
    minutes, seconds = divmod(int(offset.total_seconds()), 60)
    if seconds:
        raise ValueError("RFC 3339 offsets are whole minutes")
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    # Fields one by one: strftime's %Y does not pad years before 1000 on every platform.
    m = moment
    return (f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
            f"{sign}{hours:02d}:{minutes:02d}")


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit on the first-parent chain (dates are the committer's)."""

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
        return (_EPOCH + _dt.timedelta(seconds=self.timestamp)).astimezone(_tzinfo(self.offset))

    def isoformat(self) -> str:
        """E.g. ``2026-03-24T00:27:36+00:00`` (seconds, committer's offset)."""
        moment = self.datetime()
        if self.offset % 60:  # an offset with seconds: the same instant, written in UTC
            moment = moment.astimezone(_dt.UTC)
        return rfc3339(moment)


@dataclass(frozen=True, slots=True)
class Revision:
    """One change of a file."""

    commit: Commit
    #: The file's path at that commit (differs from the queried path before a rename).
    path: str
    #: First letter of git's name-status: ``A``, ``M``, ``D``, ``T``, ``C``,
    #: ``R`` (a rename with edits; pure renames are not revisions).
    status: str


@dataclass(frozen=True)
class FileHistory:
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


class _Record:
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


class _IgnoreRevs:
    """Full or abbreviated shas; matched by prefix, grouped by length for speed."""

    __slots__ = ("_by_len",)

    def __init__(self, shas: Iterable[str] = ()) -> None:
        by_len: dict[int, set[str]] = {}
        for sha in shas:
            by_len.setdefault(len(sha), set()).add(sha.lower())
        self._by_len = {n: frozenset(s) for n, s in by_len.items()}

    def __bool__(self) -> bool:
        return bool(self._by_len)

    def __contains__(self, sha: str) -> bool:
        return any(sha[:n] in shas for n, shas in self._by_len.items())

    def key(self) -> str:
        return ",".join(sorted(s for shas in self._by_len.values() for s in shas))


def read_ignore_revs(path: Path) -> list[str]:
    """Parse a ``.git-blame-ignore-revs`` style file.

    One sha per line (full or abbreviated to at least 4 hex digits); ``#``
    starts a comment; blank lines are skipped.  A malformed line raises
    ``ValueError`` rather than being skipped: silently dating a policy by a
    commit the author meant to exclude would be worse than failing.
    """
    shas = []
    text = Path(path).read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        if not _HEX_RE.fullmatch(value):
            raise ValueError(f"{path}:{lineno}: not a commit id: {line.strip()!r}")
        shas.append(value.lower())
    return shas


# --------------------------------------------------------------------------- running git


def _git_env(env: Mapping[str, str] | None) -> dict[str, str]:
    result = dict(os.environ if env is None else env)
    for name in _LOCATION_VARS:
        result.pop(name, None)
    result["LC_ALL"] = "C"  # we recognise some error messages by their English text
    result["GIT_OPTIONAL_LOCKS"] = "0"  # status must not take index.lock from a user's git
    result["GIT_TERMINAL_PROMPT"] = "0"
    return result


def _no_git(git: str, exc: OSError) -> GitUnavailable:
    return GitUnavailable(
        "no-git",
        f"git executable {git!r} not found or not runnable ({exc.strerror or exc}). "
        "Install git, or put it on PATH, to get revision dates.",
    )


def _run(
    git: str, args: Sequence[str], cwd: Path, env: Mapping[str, str], input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        if input is not None:
            return subprocess.run([git, *args], cwd=os.fspath(cwd), env=env, input=input,
                                  capture_output=True, check=False)
        return subprocess.run(
            [git, *args],
            cwd=os.fspath(cwd),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        raise _no_git(git, exc) from exc


def run_git(root: Path | str, args: Sequence[str],
            git: str = "git") -> subprocess.CompletedProcess[bytes]:
    """One more git command in ``root``, with the same pinned configuration and cleaned
    environment as the index's own (for the rare question the one log pass cannot
    answer). Raises :class:`GitUnavailable` when git cannot run."""
    return _run(git, [*_SAFE_CONFIG, *args], Path(root), _git_env(None))


def _start(
    git: str, args: Sequence[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """Like :func:`_run`, but returns at once; ``communicate()`` collects the output."""
    try:
        return subprocess.Popen(
            [git, *args],
            cwd=os.fspath(cwd),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        raise _no_git(git, exc) from exc


def _classify_failure(stderr: str, where: Path) -> GitUnavailable | None:
    """Map git's complaint about a location to a GitUnavailable with a fix."""
    if "dubious ownership" in stderr:
        match = re.search(r"repository at '([^']*)'", stderr)
        repo = match.group(1) if match else os.fspath(where)
        return GitUnavailable(
            "dubious-ownership",
            f'git refuses to read {repo}: it is owned by another user ("detected dubious '
            f'ownership"; common in Docker and CI). Fix: git config --global --add '
            f"safe.directory {repo}",
            path=Path(repo),
        )
    if "not a git repository" in stderr or "must be run in a work tree" in stderr:
        return GitUnavailable(
            "not-a-repository",
            f"{where} is not inside a git work tree, so there are no revision dates. "
            "Build from a git clone (git init / git clone), not from an export or archive.",
            path=where,
        )
    return None


def _check(proc: subprocess.CompletedProcess[bytes], git: str, where: Path) -> bytes:
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        raise _classify_failure(stderr, where) or GitError(
            [git, *proc.args[1:]], proc.returncode, stderr
        )
    return proc.stdout


def _decode_path(raw: bytes) -> str:
    # surrogateescape keeps non-UTF-8 names round-trippable to the file system.
    return raw.decode("utf-8", "surrogateescape")


_OFFSETS: dict[str, int] = {}  # "+0200" -> 7200: a history uses a handful of offsets


def _parse_offset(text: str) -> int:
    value = _OFFSETS.get(text)
    if value is not None:
        return value
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if len(digits) != 4 or not digits.isdigit():
        value = 0
    else:
        value = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    if len(_OFFSETS) < 4096:
        _OFFSETS[text] = value
    return value


def _normalize(path: str | PurePath) -> str:
    text = path.as_posix() if isinstance(path, PurePath) else str(path)
    normalized = str(PurePosixPath(text))
    return "" if normalized == "." else normalized


#: Capacity asked for the pipe from ``git log`` (Linux; the default is 64 KiB).
PIPE_SIZE = 1 << 20


def _grow_pipe(fd: int) -> None:
    """Make the pipe from git hold up to :data:`PIPE_SIZE` bytes, where the OS allows.

    git and the parser run side by side; with the default 64 KiB git blocks whenever the
    parser is not scheduled at once, which on a busy machine happens at every few commits.
    """
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        try:  # the system's limit may be lower (/proc/sys/fs/pipe-max-size)
            with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as handle:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, int(handle.read()))  # type: ignore[attr-defined]
        except (NameError, AttributeError, OSError, ValueError):
            pass


def _tokens(stream: IO[bytes], chunk_size: int = 1 << 16) -> Iterator[bytes]:
    """NUL-separated tokens of a stream, read incrementally."""
    rest = b""
    read = getattr(stream, "read1", stream.read)
    while True:
        chunk = read(chunk_size)
        if not chunk:
            break
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


# --------------------------------------------------------------------------- repository discovery


def find_repository_root(
    path: Path | str, git: str = "git", *, env: Mapping[str, str] | None = None
) -> Path | None:
    """Top of the work tree containing ``path`` (a submodule's own root for files in it).

    Returns ``None`` outside any work tree; raises :class:`GitUnavailable` when
    git is missing or refuses the repository (dubious ownership), because then
    the answer is unknown rather than "no repository".
    """
    start = Path(path).absolute()
    while not start.is_dir():  # a file, or a path that does not exist yet
        if start.parent == start:
            return None
        start = start.parent
    proc = _run(git, ["rev-parse", "--show-toplevel"], start, _git_env(env))
    if proc.returncode != 0:
        failure = _classify_failure(proc.stderr.decode("utf-8", "replace"), start)
        if failure is not None and failure.reason == "not-a-repository":
            return None
        raise failure or GitError(
            [git, "rev-parse", "--show-toplevel"],
            proc.returncode,
            proc.stderr.decode("utf-8", "replace"),
        )
    return Path(os.fsdecode(proc.stdout.rstrip(b"\n")))


# --------------------------------------------------------------------------- the index


class HistoryIndex:
    """History of every path of one repository, built by :func:`build_index`.

    Plain data (picklable); it keeps no process open.  Paths are relative to
    :attr:`root`, POSIX style.
    """

    root: Path
    head: str | None
    shallow: bool
    boundary: frozenset[str]
    #: Paths that exist in HEAD (files and submodule entries).
    head_paths: frozenset[str]
    #: Warnings git printed while the log ran (e.g. rename detection skipped).
    warnings: tuple[str, ...]

    def __init__(
        self,
        *,
        root: Path,
        head: str | None,
        shallow: bool,
        boundary: frozenset[str],
        commits: Sequence[Commit],
        records: dict[str, _Record],
        head_paths: frozenset[str],
        worktree: dict[str, str],
        exclude: tuple[str, ...],
        fingerprint: str,
        warnings: tuple[str, ...] = (),
        git: str = "git",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.root = root
        self.head = head
        self.shallow = shallow
        self.boundary = boundary
        self.head_paths = head_paths
        self.warnings = warnings
        self._commits = tuple(commits)
        self._position = {c.sha: i for i, c in enumerate(self._commits)}
        self._records = records
        self._worktree = worktree
        self._exclude = exclude
        self._fingerprint = fingerprint
        self._git = git
        self._env = dict(env) if env is not None else None
        self._cache: dict[str, FileHistory] = {}

    def __getstate__(self) -> dict[str, object]:
        # The environment may hold secrets (tokens in CI): never pickle it with the index.
        state = self.__dict__.copy()
        state["_env"] = None
        state["_cache"] = {}
        return state

    def __repr__(self) -> str:
        return (
            f"<HistoryIndex {self.root} head={self.head and self.head[:12]} "
            f"commits={len(self._commits)} paths={len(self.head_paths)}"
            f"{' shallow' if self.shallow else ''}>"
        )

    @property
    def fingerprint(self) -> str:
        """Changes when HEAD, the work-tree status or the exclusions change."""
        return self._fingerprint

    def relpath(self, path: Path | str) -> str | None:
        """``path`` (absolute, or relative to the current directory) relative to
        :attr:`root`, or ``None`` when it lies outside."""
        absolute = Path(os.path.realpath(path))
        try:
            return _normalize(absolute.relative_to(os.path.realpath(self.root)))
        except ValueError:
            return None

    def is_excluded(self, path: str) -> bool:
        """Whether an exclude pattern matches the repository-relative ``path``."""
        return any(fnmatchcase(path, pattern) for pattern in self._exclude)

    def _key(self, path: str | PurePath) -> str:
        if os.path.isabs(path):
            rel = self.relpath(os.fspath(path))
            if rel is None:
                raise ValueError(f"{path} is outside the repository {self.root}")
            return rel
        return _normalize(path)

    def file(self, path: str) -> FileHistory:
        """History of one path (relative to :attr:`root`; absolute paths inside it work too)."""
        key = self._key(path)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._file(key)
        return cached

    def _file(self, path: str) -> FileHistory:
        if self.is_excluded(path):
            return FileHistory(path, (), "excluded", True, path)
        record = self._records.get(path)
        revisions = self._revisions(path, record) if record is not None else ()
        complete = record is None or not record.boundary
        unknown = self._worktree.get(path)
        if unknown is None and path not in self.head_paths:
            unknown = "not-in-head"
        if unknown is None and not any(r.status != "D" for r in revisions):
            # Exists in HEAD but no usable revision: the one that created it is
            # beyond the shallow boundary, or every change was an ignored commit.
            assert record is not None  # a path in HEAD always has a record
            unknown = "shallow" if record.boundary else "excluded"
        return FileHistory(path, revisions, unknown, complete, path if unknown else None)

    def _revisions(self, path: str, record: _Record) -> tuple[Revision, ...]:
        commits = self._commits
        paths = record.paths or {}
        return tuple(
            Revision(commits[index], paths.get(position, path), chr(status))
            for position, (index, status) in enumerate(
                zip(record.commits, record.statuses, strict=True)
            )
        )

    def files(self, paths: Iterable[str]) -> FileHistory:
        """Merged history of a page (first path) and the files it depends on.

        Revisions are the union (one per commit, the earliest-listed path's one
        wins), newest first.  Unknown when any counted path is unknown;
        ``unknown_path`` names it.  Paths matching an exclude pattern, or whose
        every change was an ignored commit, do not count (that is what excluding
        a logo or a shared data file is for) -- unless the page itself matches
        an exclude pattern, which makes the whole result ``"excluded"``.
        """
        keys = list(dict.fromkeys(self._key(p) for p in paths))
        if not keys:
            raise ValueError("files() needs at least one path")
        histories = [self.file(key) for key in keys]
        if self.is_excluded(keys[0]):
            return histories[0]
        counted = [h for h in histories if h.unknown != "excluded"]
        if not counted:
            return FileHistory(keys[0], (), "excluded", True, keys[0])
        blocking = next((h for h in counted if h.unknown is not None), None)
        chosen: dict[str, Revision] = {}
        for history in counted:
            for revision in history.revisions:
                chosen.setdefault(revision.commit.sha, revision)
        position = self._position
        merged = tuple(sorted(chosen.values(), key=lambda r: position[r.commit.sha]))
        return FileHistory(
            keys[0],
            merged,
            blocking.unknown if blocking else None,
            all(h.complete for h in counted),
            blocking.path if blocking else None,
        )

    def path_at(self, path: str, sha: str) -> str:
        """Where the file that is ``path`` now lay at chain commit ``sha``.

        ``path`` itself, unless renames newer than ``sha`` (pure renames too, which are
        no revisions) moved it there: then its name before the oldest of them. Raises
        ``KeyError`` for a commit that is not on the chain.
        """
        key = self._key(path)
        position = self._position[sha]
        record = self._records.get(key)
        result = key
        for index, old in (record.renames if record is not None else None) or ():
            if position <= index:
                break  # this rename and the older ones happened at or before ``sha``
            result = old
        return result

    def commit(self, sha: str) -> Commit:
        """A commit of the first-parent chain by full or unique abbreviated sha."""
        index = self._position.get(sha.lower())
        if index is None and _HEX_RE.fullmatch(sha):
            matches = [i for s, i in self._position.items() if s.startswith(sha.lower())]
            if len(matches) == 1:
                index = matches[0]
        if index is None:
            raise KeyError(sha)
        return self._commits[index]

    def age(self, sha: str) -> int:
        """Position of a chain commit: 0 for HEAD, growing towards the past.

        Newer-than comparisons use this, not dates: a child commit may carry an older
        date than its parent (clock skew, rebases), but it is still the newer change.
        """
        return self._position[sha]

    def commits_on_chain(self) -> Sequence[Commit]:
        """The first-parent chain of HEAD, newest first (down to a shallow boundary)."""
        return self._commits

    def messages(self, shas: Iterable[str]) -> dict[str, str]:
        """The whole messages (subject, blank line, body) of commits, cleaned of control
        characters (tabs and newlines kept), by full sha: one ``git log --no-walk`` for all
        of them. Commits git cannot give (a corrupt or missing object) are left out."""
        wanted = set(shas)
        if not wanted:
            return {}
        try:
            proc = _run(
                self._git,
                [*_SAFE_CONFIG, "log", "--no-walk=unsorted", "--no-color", "--encoding=UTF-8",
                 "-z", "--format=%H%n%B", "--stdin"],
                self.root, _git_env(self._env),
                input="".join(f"{sha}\n" for sha in sorted(wanted)).encode("ascii", "replace"),
            )
        except GitUnavailable:
            return {}
        if proc.returncode != 0:
            return {}
        result: dict[str, str] = {}
        for chunk in proc.stdout.split(b"\0"):
            sha, _, message = chunk.partition(b"\n")
            key = sha.decode("ascii", "replace")
            if key in wanted:
                result[key] = clean_text(message.decode("utf-8", "replace"), multiline=True)
        return result

    def merged_commits(
        self, merge_sha: str, paths: Iterable[str] | None = None,
        keys: Iterable[str] | None = None,
    ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        """``(subject, trailers)`` of the commits a merge brought into the first-parent
        chain (``git log M^1..M^2``), newest first, cleaned of control characters. With
        ``paths`` (repository-relative), only of those that changed one of them; with
        ``keys``, only the trailers of those keys (the others name people). Empty when git
        cannot tell (a shallow clone without the merged side, say)."""
        wanted = {k.lower() for k in keys} if keys is not None else None
        try:
            proc = _run(
                self._git,
                [*_SAFE_CONFIG, "log", "--no-color", "--encoding=UTF-8", "-z",
                 # The subject goes last: a stray separator in it cannot shift the trailers.
                 "--format=%(trailers:only,unfold,separator=%x1d,key_value_separator=%x1c)"
                 "%x1f%s",
                 f"{merge_sha}^1..{merge_sha}^2", "--", *(paths if paths is not None else ())],
                self.root, _git_env(self._env),
            )
        except GitUnavailable:
            return ()
        if proc.returncode != 0:
            return ()
        result = []
        for chunk in proc.stdout.split(b"\0"):
            if not chunk:
                continue
            trailers_b, _, subject_b = chunk.partition(b"\x1f")
            trailers = _parse_trailers(trailers_b)
            if wanted is not None:
                trailers = tuple(t for t in trailers if t[0].lower() in wanted)
            result.append((clean_text(subject_b.decode("utf-8", "replace")), trailers))
        return tuple(result)

    def blob_reader(self) -> BlobReader:
        """A new :class:`BlobReader` for this repository (close it when done)."""
        return BlobReader(self.root, git=self._git, env=self._env)


# --------------------------------------------------------------------------- building


#: What one pass over the log gives: commits (newest first), per-path records, the paths
#: in HEAD, warnings.
_Scan = tuple[list[Commit], dict[str, "_Record"], frozenset[str], tuple[str, ...]]


def _scan_log(
    git: str,
    root: Path,
    head: str,
    env: Mapping[str, str],
    boundary: frozenset[str],
    ignored: _IgnoreRevs,
) -> _Scan:
    argv = [
        git, "--no-pager", *_SAFE_CONFIG,
        "log", "--first-parent", "--diff-merges=first-parent", "-M", "--name-status", "-z",
        "--no-color", "--no-relative", "--encoding=UTF-8", "--date=raw",
        f"--format={LOG_FORMAT}", head, "--",
    ]  # fmt: skip
    commits: list[Commit] = []
    records: dict[str, _Record] = {}
    head_paths: set[str] = set()
    # Path at the point of history being read -> key of the file it became in
    # HEAD (or its last path).  Only renames add entries.
    alias: dict[str, str] = {}
    intern: dict[str, str] = {}  # shares the sha strings of parents and commits

    def finish(entries: list[tuple[str, int, str | None, str]]) -> None:
        index = len(commits) - 1
        sha = commits[index].sha
        at_boundary = bool(boundary) and sha in boundary
        excluded = bool(ignored) and sha in ignored
        # Resolve all entries against the state *after* this commit first, then
        # update the aliases: entries of one commit do not see each other.
        get = alias.get
        resolved = [(letter, score, old, new, get(new, new)) for letter, score, old, new in entries]
        for letter, _, _, new, _ in resolved:
            if letter == "R":
                alias.pop(new, None)  # before the rename nothing of this file lived at `new`
        for letter, score, old, new, key in resolved:
            record = records.get(key)
            if record is None:
                record = records[key] = _Record()
                if letter != "D":  # the newest event at a path tells whether HEAD has it
                    head_paths.add(key)
            if letter == "R":
                alias[old] = key  # type: ignore[index]
                if record.renames is None:
                    record.renames = []
                record.renames.append((index, old))  # type: ignore[arg-type]
            if at_boundary:
                record.boundary = True
                continue
            if letter == "R" and score == 100:
                continue  # pure rename: content unchanged
            if excluded:
                record.excluded = True
                continue
            if new != key:
                if record.paths is None:
                    record.paths = {}
                record.paths[len(record.commits)] = new
            record.commits.append(index)
            record.statuses.append(ord(letter))

    with tempfile.TemporaryFile() as stderr_file:
        try:
            proc = subprocess.Popen(
                argv,
                cwd=os.fspath(root),
                # Into a pipe git flushes after every commit unless told not to: one
                # write (and one wake-up of this process) per commit otherwise.
                env={**env, "GIT_FLUSH": "0"},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr_file,
            )
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            raise _no_git(git, exc) from exc
        try:
            assert proc.stdout is not None
            _grow_pipe(proc.stdout.fileno())
            tokens = _tokens(proc.stdout, 1 << 18)
            entries: list[tuple[str, int, str | None, str]] | None = None
            for token in tokens:
                if not token:
                    continue
                first = token[0]
                if first == 0x0A:  # "\n" before the first entry of a commit
                    token = token[1:]
                    if not token:
                        continue
                    first = token[0]
                if first == 0x1E:  # a commit header
                    if entries is not None:
                        finish(entries)
                    entries = []
                    commits.append(_parse_header(token[1:], intern))
                    continue
                if entries is None:
                    raise GitError(
                        argv, None, f"unexpected output before the first commit: {token!r}"
                    )
                letter = chr(first)
                score = int(token[1:]) if len(token) > 1 and token[1:].isdigit() else 0
                if letter in "RC":  # status, source path, destination path
                    old: str | None = _next_path(tokens, argv)
                    new = _next_path(tokens, argv)
                    if letter == "C":
                        old = None  # a copy starts a new file; the source keeps its own history
                    entries.append((letter, score, old, new))
                else:
                    raw = next(tokens, None)
                    if raw is None:
                        raise GitError(argv, None, "git log output ended inside a file entry")
                    entries.append((letter, score, None, raw.decode("utf-8", "surrogateescape")))
            if entries is not None:
                finish(entries)
            returncode = proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        stderr_file.seek(0)
        stderr = stderr_file.read().decode("utf-8", "replace")
    if returncode != 0:
        raise _classify_failure(stderr, root) or GitError(argv, returncode, stderr)
    warnings = tuple(line for line in stderr.splitlines() if line.strip())
    return commits, records, frozenset(head_paths), warnings


def _next_path(tokens: Iterator[bytes], argv: Sequence[str]) -> str:
    raw = next(tokens, None)
    if raw is None:
        raise GitError(argv, None, "git log output ended inside a file entry")
    return _decode_path(raw)


def _parse_header(raw: bytes, intern: dict[str, str]) -> Commit:
    sha_b, parents_b, date_b, trailers_b, subject_b = raw.split(b"\x1f", 4)
    sha = sha_b.decode("ascii")
    sha = intern.setdefault(sha, sha)
    parents_s = parents_b.decode("ascii")
    if b" " in parents_b:
        parents: tuple[str, ...] = tuple(intern.setdefault(p, p) for p in parents_s.split())
    elif parents_s:  # the usual case: one parent, no generator
        parents = (intern.setdefault(parents_s, parents_s),)
    else:
        parents = _EMPTY
    stamp, _, offset = date_b.decode("ascii", "replace").partition(" ")
    if stamp.isdigit() and len(stamp) <= 20:  # the usual case, without the regex
        timestamp = int(stamp)
    else:
        timestamp = int(stamp) if _STAMP_RE.fullmatch(stamp) else NO_DATE
    if timestamp == 0:
        # git prints "0 +0000" for a date it cannot read (one that overflows, say); no
        # real commit of a policy is dated to the first second of 1970.
        timestamp = NO_DATE
    return Commit(
        sha, parents, timestamp, _parse_offset(offset),
        clean_text(subject_b.decode("utf-8", "replace")), _parse_trailers(trailers_b),
    )


def _parse_trailers(raw: bytes) -> tuple[tuple[str, str], ...]:
    """``%(trailers:only,unfold,separator=%x1d,key_value_separator=%x1c)`` -> cleaned
    ``(key, value)`` pairs."""
    if not raw:
        return _EMPTY
    pairs = []
    for item in raw.decode("utf-8", "replace").split("\x1d"):
        key, sep, value = item.partition("\x1c")
        if sep:
            pairs.append((clean_text(key), clean_text(value)))
    return tuple(pairs)


def _parse_status(raw: bytes) -> dict[str, str]:
    """``git status --porcelain=v1 -z`` -> path -> "untracked" | "modified"."""
    result: dict[str, str] = {}
    parts = raw.split(b"\0")
    i = 0
    while i < len(parts):
        entry = parts[i]
        i += 1
        if len(entry) < 4:
            continue
        xy, path = entry[:2], _decode_path(entry[3:])
        if xy == b"??":
            result[path] = "untracked"
            continue
        result[path] = "modified"
        if b"R" in xy or b"C" in xy:  # followed by the source path
            source = _decode_path(parts[i]) if i < len(parts) else ""
            i += 1
            if b"R" in xy and source:
                result.setdefault(source, "modified")
    return result


#: Bump when what :func:`_scan_log` returns changes shape or meaning (a new release of
#: sphinx-policy starts a new cache anyway).
_SCAN_CACHE_VERSION = 3  # 2: a date git prints as 0 is no date; 3: control characters cleaned


def _keep_trailers(commits: list[Commit], keys: frozenset[str]) -> list[Commit]:
    """``commits`` with only the trailers of ``keys`` (positions unchanged)."""
    return [
        replace(c, trailers=tuple(t for t in c.trailers if t[0].lower() in keys))
        if c.trailers else c
        for c in commits
    ]


def _load_scan(cache: Path, key: tuple[object, ...]) -> _Scan | None:
    """The cached scan for ``key``, or None (no file, another key, unreadable file)."""
    try:
        with open(cache, "rb") as handle:
            stored_key, scan = pickle.load(handle)
    except Exception:  # a missing, truncated or foreign file is only a cache miss
        return None
    return scan if stored_key == key else None


def _save_scan(cache: Path, key: tuple[object, ...], scan: _Scan) -> None:
    """Write atomically (a parallel build may read it); a failure only costs speed."""
    temporary: str | None = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cache.parent, delete=False,
                                         prefix=cache.name, suffix=".tmp") as handle:
            temporary = handle.name
            pickle.dump((key, scan), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def build_index(
    root: Path | str,
    *,
    ignore_revs_file: Path | None = None,
    exclude: Sequence[str] = (),
    git: str = "git",
    env: Mapping[str, str] | None = None,
    allow_empty: bool = True,
    trailer_keys: Iterable[str] | None = None,
    cache: Path | None = None,
) -> HistoryIndex:
    """Index the history of the repository containing ``root``.

    ``root`` may be any directory of the work tree; :attr:`HistoryIndex.root`
    is the top of that work tree (of the submodule, inside a submodule).
    ``exclude`` holds fnmatch globs matched against repository-relative POSIX
    paths (``*`` also matches ``/``).  ``env`` replaces ``os.environ`` for git
    (variables such as ``GIT_DIR`` are dropped either way).  A repository
    without commits gives an index whose ``head`` is ``None`` (every file
    unknown), or raises ``GitUnavailable("empty-repository")`` when
    ``allow_empty`` is false.

    ``trailer_keys`` limits the commit trailers kept to those keys (case-insensitive);
    the others (``Signed-off-by``, ``Co-authored-by``) hold people's names and e-mail
    addresses. With ``cache`` (a file), the parsed log is kept there and reused while
    HEAD, the shallow boundary, the ignored revisions and the trailer keys stay the same:
    commits never change, so a rebuild with nothing new committed runs only
    ``git status`` (which is never cached).
    """
    run_env = _git_env(env)
    start = Path(root).absolute()
    if not start.is_dir():
        raise GitUnavailable(
            "not-a-repository", f"{start} is not a directory, so it has no git history.", path=start
        )
    rev_parse = [
        "rev-parse",
        "--show-toplevel",
        "--is-shallow-repository",
        "--path-format=absolute",
        "--git-common-dir",
    ]
    # Usually one process answers everything: the three lines, then HEAD's commit id (or,
    # with exit status 1 and nothing on stderr, no line: HEAD has no commit yet). Anything
    # else is asked again the long way, which words the error.
    both = _run(git, [*rev_parse, "--verify", "--quiet", "HEAD^{commit}"], start, run_env)
    lines = os.fsdecode(both.stdout).split("\n")
    head: str | None
    if both.returncode == 0 and len(lines) == 5 and _HEX_RE.fullmatch(lines[3]):
        head = lines[3]
    elif both.returncode == 1 and not both.stderr and len(lines) == 4 and not lines[3]:
        head = None
    else:
        out = _check(_run(git, rev_parse, start, run_env), git, start)
        lines = os.fsdecode(out).split("\n")
        if len(lines) < 3:
            raise GitError([git, "rev-parse"], 0, f"unexpected output {out!r}")
        proc = _run(
            git, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], Path(lines[0]), run_env
        )
        head = proc.stdout.decode("ascii").strip() if proc.returncode == 0 else None
    toplevel, shallow_flag, common_dir = Path(lines[0]), lines[1] == "true", Path(lines[2])
    if head is None and not allow_empty:
        raise GitUnavailable(
            "empty-repository",
            f"{toplevel} has no commits yet, so there are no revision dates. "
            "Commit the sources first (git add -A && git commit).",
            path=toplevel,
        )

    # One status call: staged, unstaged and untracked paths, NUL-separated and unquoted.
    status = [
        "--no-pager",
        *_SAFE_CONFIG,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
    ]
    ignored = _IgnoreRevs(read_ignore_revs(ignore_revs_file) if ignore_revs_file else ())
    boundary: frozenset[str] = frozenset()
    if shallow_flag:
        try:
            boundary = frozenset((common_dir / "shallow").read_text("ascii").split())
        except FileNotFoundError:
            boundary = frozenset()

    commits: list[Commit] = []
    records: dict[str, _Record] = {}
    head_paths: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    # git status runs while git log does (it takes no lock: GIT_OPTIONAL_LOCKS=0).
    status_proc = _start(git, status, toplevel, run_env)
    try:
        if head is not None:
            keep = None if trailer_keys is None else sorted({k.lower() for k in trailer_keys})
            key = (_SCAN_CACHE_VERSION, __version__, os.fspath(toplevel), head, sorted(boundary),
                   ignored.key(), keep)
            scan = _load_scan(cache, key) if cache is not None else None
            if scan is None:
                scan = _scan_log(git, toplevel, head, run_env, boundary, ignored)
                if keep is not None:
                    scan = (_keep_trailers(scan[0], frozenset(keep)), *scan[1:])
                if cache is not None:
                    _save_scan(cache, key, scan)
            commits, records, head_paths, warnings = scan
        out, err = status_proc.communicate()
    finally:
        if status_proc.poll() is None:
            status_proc.kill()
            status_proc.communicate()
    status_done = subprocess.CompletedProcess(status_proc.args, status_proc.returncode, out, err)
    status_raw = _check(status_done, git, toplevel)

    # "drafts/" means everything below drafts (fnmatch's "*" also matches "/").
    patterns = tuple(_normalize(p) + "/*" if p.endswith("/") else _normalize(p) for p in exclude)
    digest = hashlib.sha256()
    for part in (head or "", ignored.key(), "\x1f".join(patterns)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(status_raw)
    return HistoryIndex(
        root=toplevel,
        head=head,
        shallow=shallow_flag,
        boundary=boundary,
        commits=commits,
        records=records,
        head_paths=head_paths,
        worktree=_parse_status(status_raw),
        exclude=patterns,
        fingerprint=digest.hexdigest(),
        warnings=warnings,
        git=git,
        env=env,
    )


# --------------------------------------------------------------------------- old contents


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


class BlobReader:
    """Reads file contents at any commit through one persistent ``git cat-file --batch``.

    Thread-safe; use as a context manager or call :meth:`close`.
    """

    def __init__(
        self, root: Path | str, *, git: str = "git", env: Mapping[str, str] | None = None
    ) -> None:
        self.root = Path(root)
        self._git = git
        self._env = _git_env(env)
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._finalizer: weakref.finalize | None = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._finalizer is not None:
                self._finalizer()  # runs _stop once
                self._finalizer = None
            self._proc = None

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            try:
                self._proc = subprocess.Popen(
                    [self._git, "--no-pager", "cat-file", "--batch"],
                    cwd=os.fspath(self.root),
                    env=self._env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
                raise _no_git(self._git, exc) from exc
            self._finalizer = weakref.finalize(self, _stop, self._proc)
        return self._proc

    def _request(self, spec: str) -> tuple[str, str, bytes] | None:
        """(object id, type, content) of an object name; ``None`` if missing/ambiguous."""
        proc = self._process()
        assert proc.stdin is not None
        data = spec.encode("utf-8", "surrogateescape")
        proc.stdin.write(data + b"\n")
        proc.stdin.flush()
        return self._response(proc)

    def _response(self, proc: subprocess.Popen[bytes]) -> tuple[str, str, bytes] | None:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise GitError([self._git, "cat-file", "--batch"], proc.poll(), "cat-file exited")
        match = _BATCH_HEADER_RE.fullmatch(line)
        if match is None:  # "<spec> missing" (or "ambiguous")
            return None
        size = int(match.group(3))
        content = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after the content
        return match.group(1).decode("ascii"), match.group(2).decode("ascii"), content

    def read_blob(self, sha: str, path: str) -> bytes | None:
        """Content of ``path`` at commit ``sha``; ``None`` if absent or not a file."""
        if not sha or any(c in sha for c in "\n\0: "):
            raise ValueError(f"not a revision: {sha!r}")
        key = _normalize(path)
        if not key or key.startswith("../") or key == ".." or "\0" in key:
            raise ValueError(f"not a repository-relative path: {path!r}")
        with self._lock:
            # The batch protocol is line based: for a name with a newline, walk the trees.
            obj = self._lookup(sha, key) if "\n" in key else self._request(f"{sha}:{key}")
        if obj is None or obj[1] != "blob":
            return None
        return obj[2]

    def _lookup(self, sha: str, path: str) -> tuple[str, str, bytes] | None:
        obj = self._request(f"{sha}^{{tree}}")
        for name in path.split("/"):
            if obj is None or obj[1] != "tree":
                return None
            # Entries hold raw object ids as long as the tree's own (sha1 or sha256).
            oid = _tree_entry(obj[2], name.encode("utf-8", "surrogateescape"), len(obj[0]) // 2)
            if oid is None:
                return None
            obj = self._request(oid)
        return obj

    def read_object(self, spec: str) -> tuple[str, str, bytes] | None:
        """(object id, type, content) of an object name such as ``<sha>^{tree}`` or an
        object id; ``None`` if it is missing."""
        if "\n" in spec or "\0" in spec:
            raise ValueError(f"not an object name: {spec!r}")
        with self._lock:
            return self._request(spec)

    def read_objects(self, specs: Sequence[str]) -> list[tuple[str, str, bytes] | None]:
        """:meth:`read_object` for many names, asked for together: git answers them in
        turn, without a round trip per object."""
        if any("\n" in spec or "\0" in spec for spec in specs):
            raise ValueError("not an object name")
        found: list[tuple[str, str, bytes] | None] = []
        with self._lock:
            proc = self._process()
            assert proc.stdin is not None
            # Chunks well below a pipe's buffer: git blocks writing its answers until they
            # are read, and must not find us blocked writing questions meanwhile.
            for start in range(0, len(specs), 256):
                chunk = specs[start : start + 256]
                proc.stdin.write(b"".join(s.encode("utf-8", "surrogateescape") + b"\n"
                                          for s in chunk))
                proc.stdin.flush()
                found.extend(self._response(proc) for _spec in chunk)
        return found

    def ls_tree(self, sha: str) -> list[str]:
        """Repository-relative paths of the files (blobs) in commit ``sha``, sorted."""
        proc = _run(
            self._git, ["ls-tree", "-r", "-z", "--full-tree", sha, "--"], self.root, self._env
        )
        out = _check(proc, self._git, self.root)
        paths = []
        for entry in out.split(b"\0"):
            meta, tab, name = entry.partition(b"\t")
            if tab and meta.split(b" ")[1:2] == [b"blob"]:
                paths.append(_decode_path(name))
        return sorted(paths)


def _tree_entry(tree: bytes, name: bytes, raw_len: int) -> str | None:
    """Object id (hex) of entry ``name`` in a raw tree object."""
    pos = 0
    while pos < len(tree):
        space = tree.index(b" ", pos)
        nul = tree.index(b"\0", space)
        if tree[space + 1 : nul] == name:
            return tree[nul + 1 : nul + 1 + raw_len].hex()
        pos = nul + 1 + raw_len
    return None


def tree_entries(tree: bytes, raw_len: int) -> Iterator[tuple[bytes, bytes, str]]:
    """(mode, name, object id in hex) of each entry of a raw tree object."""
    pos, end = 0, len(tree)
    while pos < end:
        space = tree.index(b" ", pos)
        nul = tree.index(b"\0", space)
        yield tree[pos:space], tree[space + 1 : nul], tree[nul + 1 : nul + 1 + raw_len].hex()
        pos = nul + 1 + raw_len

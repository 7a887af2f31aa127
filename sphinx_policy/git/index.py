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

import hashlib
import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path, PurePath

from ..version import __version__
from .errors import GitError, GitUnavailable
from .ignore_revs import HEX_RE, IgnoreRevs, read_ignore_revs
from .records import Commit, CommitTable, FileHistory, PathRecord, Revision, normalize_path
from .runner import SAFE_CONFIG, checked_output, git_environment, run_captured, start_streaming
from .scan import (
    SCAN_CACHE_VERSION,
    Scan,
    extend_scan,
    keep_trailers,
    load_scan_entry,
    parse_status,
    parse_trailers,
    save_scan,
    scan_log,
)
from .text import clean_text


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
        records: dict[str, PathRecord],
        head_paths: frozenset[str],
        worktree: dict[str, str],
        exclude: tuple[str, ...],
        fingerprint: str,
        warnings: tuple[str, ...] = (),
        git: str = "git",
        env: Mapping[str, str] | None = None,
        settled: str | None = None,
    ) -> None:
        self.root = root
        self.head = head
        self.shallow = shallow
        self.boundary = boundary
        self.head_paths = head_paths
        self.warnings = warnings
        table = commits if isinstance(commits, CommitTable) else CommitTable(commits)
        self._commits: Sequence[Commit] = table
        self._position = {sha: i for i, sha in enumerate(table.shas)}
        self._records = records
        self._worktree = worktree
        self._exclude = exclude
        self._fingerprint = fingerprint
        #: Like the fingerprint, without HEAD: the work-tree status, the exclusions, the
        #: ignored revisions and the shallow boundary (None: not known).
        self.settled = settled
        self._real_root: str | None = None
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
        :attr:`root`, or ``None`` when it lies outside. The folders on the way are
        resolved; a symbolic link ``path`` names is the link itself (a file of its own
        to git), not the file it points to."""
        folder, name = os.path.split(os.path.abspath(path))
        absolute = Path(os.path.realpath(folder), name)
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        try:
            return normalize_path(absolute.relative_to(self._real_root))
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
        return normalize_path(path)

    def file(self, path: str) -> FileHistory:
        """History of one path (relative to :attr:`root`; absolute paths inside it work too)."""
        key = self._key(path)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._file(key)
        return cached

    def newest(self, path: str) -> tuple[str | None, Revision | None]:
        """What a date needs of one path: why its history is unknown (None when it is
        known, as :attr:`FileHistory.unknown`) and its newest revision that is not a
        deletion. Unlike :meth:`file`, it makes no record of the older revisions: a build
        dates every page, and those records (thousands) are otherwise only kept alive
        for every garbage collection to walk."""
        key = self._key(path)
        history = self._cache.get(key)
        if history is not None:
            return history.unknown, next((r for r in history.revisions if r.status != "D"), None)
        if self.is_excluded(key):
            return "excluded", None
        record = self._records.get(key)
        visible = None
        if record is not None:
            deletion = ord("D")
            position = next((i for i, s in enumerate(record.statuses) if s != deletion), None)
            if position is not None:
                visible = self._revision(key, record, position)
        return self._unknown(key, record, visible is not None), visible

    def _file(self, path: str) -> FileHistory:
        if self.is_excluded(path):
            return FileHistory(path, (), "excluded", True, path)
        record = self._records.get(path)
        revisions = (
            tuple(self._revision(path, record, i) for i in range(len(record.commits)))
            if record is not None else ()
        )
        complete = record is None or not record.boundary
        unknown = self._unknown(path, record, any(r.status != "D" for r in revisions))
        return FileHistory(path, revisions, unknown, complete, path if unknown else None)

    def _unknown(self, path: str, record: PathRecord | None, visible: bool) -> str | None:
        """Why the history of ``path`` gives no date (:data:`.records.UNKNOWN_REASONS`),
        or None; ``visible``: it has a revision that is not a deletion."""
        unknown = self._worktree.get(path)
        if unknown is None and path not in self.head_paths:
            unknown = "not-in-head"
        if unknown is None and not visible:
            # Exists in HEAD but no usable revision: the one that created it is
            # beyond the shallow boundary, or every change was an ignored commit.
            assert record is not None  # a path in HEAD always has a record
            unknown = "shallow" if record.boundary else "excluded"
        return unknown

    def _revision(self, path: str, record: PathRecord, position: int) -> Revision:
        """The revision at ``position`` (0: the newest) of the record of ``path``."""
        at = record.paths.get(position, path) if record.paths else path
        return Revision(self._commits[record.commits[position]], at,
                        chr(record.statuses[position]))

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
        if index is None and HEX_RE.fullmatch(sha):
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

    def touched_since(self, sha: str) -> frozenset[str] | None:
        """The paths that chain commits newer than ``sha`` changed (added, modified,
        deleted, renamed from or to), or None when ``sha`` is not on the chain."""
        position = self._position.get(sha)
        if position is None:
            return None
        touched = {path for path, record in self._records.items()
                   if record.commits and record.commits[0] < position}
        for path, record in self._records.items():
            for index, old in record.renames or ():
                if index < position:  # pure renames are no revisions: both names
                    touched.update((path, old))
        return frozenset(touched)

    def commits_on_chain(self) -> Sequence[Commit]:
        """The first-parent chain of HEAD, newest first (down to a shallow boundary)."""
        return tuple(self._commits)

    def messages(self, shas: Iterable[str]) -> dict[str, str]:
        """The whole messages (subject, blank line, body) of commits, cleaned of control
        characters (tabs and newlines kept), by full sha: one ``git log --no-walk`` for all
        of them. Commits git cannot give (a corrupt or missing object) are left out."""
        wanted = set(shas)
        if not wanted:
            return {}
        try:
            proc = run_captured(
                self._git,
                [*SAFE_CONFIG, "log", "--no-walk=unsorted", "--no-color", "--encoding=UTF-8",
                 "-z", "--format=%H%n%B", "--stdin"],
                self.root, git_environment(self._env),
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
            proc = run_captured(
                self._git,
                [*SAFE_CONFIG, "log", "--no-color", "--encoding=UTF-8", "-z",
                 # The subject goes last: a stray separator in it cannot shift the trailers.
                 "--format=%(trailers:only,unfold,separator=%x1d,key_value_separator=%x1c)"
                 "%x1f%s",
                 f"{merge_sha}^1..{merge_sha}^2", "--", *(paths if paths is not None else ())],
                self.root, git_environment(self._env),
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
            trailers = parse_trailers(trailers_b)
            if wanted is not None:
                trailers = tuple(t for t in trailers if t[0].lower() in wanted)
            result.append((clean_text(subject_b.decode("utf-8", "replace")), trailers))
        return tuple(result)





def _extended(
    git: str,
    root: Path,
    env: Mapping[str, str],
    boundary: frozenset[str],
    ignored: IgnoreRevs,
    keep: list[str] | None,
    key: tuple[object, ...],
    stored: tuple[tuple[object, ...], Scan],
) -> Scan | None:
    """The scan of HEAD (``key[3]``) from the cached scan of an older HEAD, or None when
    it cannot be had that way (another setting, boundary or ignore file; HEAD not a
    descendant of the old one: a rebase, a reset; see :func:`.scan.extend_scan`)."""
    old_key, old_scan = stored
    if len(old_key) != len(key) or old_key[:3] != key[:3] or old_key[4:] != key[4:]:
        return None
    old_head, head = old_key[3], key[3]
    if not isinstance(old_head, str) or not HEX_RE.fullmatch(old_head):
        return None
    try:
        ancestor = run_captured(git, ["merge-base", "--is-ancestor", old_head, str(head)],
                                root, env)
        if ancestor.returncode != 0:
            return None
        newer = scan_log(git, root, f"{old_head}..{head}", env, boundary, ignored)
    except GitError:
        return None
    if keep is not None:
        newer = (keep_trailers(newer[0], frozenset(keep)), *newer[1:])
    return extend_scan(newer, old_scan, old_head)


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
    ``git status`` (which is never cached). After new commits on top of the cached HEAD
    only they are read (:func:`_extended`), when that gives the same index.
    """
    run_env = git_environment(env)
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
    both = run_captured(git, [*rev_parse, "--verify", "--quiet", "HEAD^{commit}"], start, run_env)
    lines = os.fsdecode(both.stdout).split("\n")
    head: str | None
    if both.returncode == 0 and len(lines) == 5 and HEX_RE.fullmatch(lines[3]):
        head = lines[3]
    elif both.returncode == 1 and not both.stderr and len(lines) == 4 and not lines[3]:
        head = None
    else:
        out = checked_output(run_captured(git, rev_parse, start, run_env), git, start)
        lines = os.fsdecode(out).split("\n")
        if len(lines) < 3:
            raise GitError([git, "rev-parse"], 0, f"unexpected output {out!r}")
        proc = run_captured(
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
        *SAFE_CONFIG,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
    ]
    ignored = IgnoreRevs(read_ignore_revs(ignore_revs_file) if ignore_revs_file else ())
    boundary: frozenset[str] = frozenset()
    if shallow_flag:
        try:
            boundary = frozenset((common_dir / "shallow").read_text("ascii").split())
        except FileNotFoundError:
            boundary = frozenset()

    commits: Sequence[Commit] = ()
    records: dict[str, PathRecord] = {}
    head_paths: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    # git status runs while git log does (it takes no lock: GIT_OPTIONAL_LOCKS=0).
    status_proc = start_streaming(git, status, toplevel, run_env)
    try:
        if head is not None:
            keep = None if trailer_keys is None else sorted({k.lower() for k in trailer_keys})
            key = (SCAN_CACHE_VERSION, __version__, os.fspath(toplevel), head, sorted(boundary),
                   ignored.key(), keep)
            scan: Scan | None = None
            stored = load_scan_entry(cache) if cache is not None else None
            if stored is not None and stored[0] == key:
                scan = stored[1]
            elif stored is not None:
                # A new commit: the cached log extended by the commits since its HEAD.
                scan = _extended(git, toplevel, run_env, boundary, ignored, keep, key, stored)
                if scan is not None and cache is not None:
                    save_scan(cache, key, scan)
            if scan is None:
                scan = scan_log(git, toplevel, head, run_env, boundary, ignored)
                if keep is not None:
                    scan = (keep_trailers(scan[0], frozenset(keep)), *scan[1:])
                if cache is not None:
                    save_scan(cache, key, scan)
            commits, records, head_paths, warnings = scan
        out, err = status_proc.communicate()
    finally:
        if status_proc.poll() is None:
            status_proc.kill()
            status_proc.communicate()
    status_done = subprocess.CompletedProcess(status_proc.args, status_proc.returncode, out, err)
    status_raw = checked_output(status_done, git, toplevel)

    # "drafts/" means everything below drafts (fnmatch's "*" also matches "/").
    patterns = tuple(
        normalize_path(p) + "/*" if p.endswith("/") else normalize_path(p) for p in exclude
    )
    digest = hashlib.sha256()
    for part in (head or "", ignored.key(), "\x1f".join(patterns)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(status_raw)
    settled = hashlib.sha256()
    for part in (ignored.key(), "\x1f".join(patterns), repr((shallow_flag, sorted(boundary)))):
        settled.update(part.encode("utf-8", "surrogateescape") + b"\0")
    settled.update(status_raw)
    return HistoryIndex(
        root=toplevel,
        head=head,
        shallow=shallow_flag,
        boundary=boundary,
        commits=commits,
        records=records,
        head_paths=head_paths,
        worktree=parse_status(status_raw),
        exclude=patterns,
        fingerprint=digest.hexdigest(),
        settled=settled.hexdigest(),
        warnings=warnings,
        git=git,
        env=env,
    )


# --------------------------------------------------------------------------- old contents

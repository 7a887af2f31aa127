"""One streamed ``git log`` pass over a repository, parsed as it arrives, and its cache."""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from .errors import GitError
from .ignore_revs import IgnoreRevs
from .records import NO_DATE, Commit, CommitTable, PathRecord
from .runner import SAFE_CONFIG, classify_failure, decode_path, grow_pipe, no_git, nul_tokens
from .text import clean_text

# Fields: sha, parents, committer date (raw: "<epoch> <+hhmm>"), trailers, subject.
# The subject goes last so that a stray separator in it cannot shift other fields.
# ``-z`` ends this header with NUL; the name-status entries follow as NUL-separated
# tokens, the first of them prefixed by a newline.
LOG_FORMAT = (
    "%x1e%H%x1f%P%x1f%cd%x1f%(trailers:only,unfold,separator=%x1d,key_value_separator=%x1c)%x1f%s"
)

_STAMP_RE = re.compile(r"-?[0-9]{1,20}")

_EMPTY: tuple[()] = ()


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




#: What one pass over the log gives: commits (newest first), per-path records, the paths
#: in HEAD, warnings.
Scan = tuple[Sequence[Commit], dict[str, PathRecord], frozenset[str], tuple[str, ...]]


def scan_log(
    git: str,
    root: Path,
    head: str,
    env: Mapping[str, str],
    boundary: frozenset[str],
    ignored: IgnoreRevs,
) -> Scan:
    argv = [
        git, "--no-pager", *SAFE_CONFIG,
        "log", "--first-parent", "--diff-merges=first-parent", "-M", "--name-status", "-z",
        "--no-color", "--no-relative", "--encoding=UTF-8", "--date=raw",
        f"--format={LOG_FORMAT}", head, "--",
    ]  # fmt: skip
    commits: list[Commit] = []
    records: dict[str, PathRecord] = {}
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
                record = records[key] = PathRecord()
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
            raise no_git(git, exc) from exc
        try:
            assert proc.stdout is not None
            grow_pipe(proc.stdout.fileno())
            tokens = nul_tokens(proc.stdout, 1 << 18)
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
        raise classify_failure(stderr, root) or GitError(argv, returncode, stderr)
    warnings = tuple(line for line in stderr.splitlines() if line.strip())
    return commits, records, frozenset(head_paths), warnings


def _next_path(tokens: Iterator[bytes], argv: Sequence[str]) -> str:
    raw = next(tokens, None)
    if raw is None:
        raise GitError(argv, None, "git log output ended inside a file entry")
    return decode_path(raw)


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
        clean_text(subject_b.decode("utf-8", "replace")), parse_trailers(trailers_b),
    )


def parse_trailers(raw: bytes) -> tuple[tuple[str, str], ...]:
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


def parse_status(raw: bytes) -> dict[str, str]:
    """``git status --porcelain=v1 -z`` -> path -> "untracked" | "modified"."""
    result: dict[str, str] = {}
    parts = raw.split(b"\0")
    i = 0
    while i < len(parts):
        entry = parts[i]
        i += 1
        if len(entry) < 4:
            continue
        xy, path = entry[:2], decode_path(entry[3:])
        if xy == b"??":
            result[path] = "untracked"
            continue
        result[path] = "modified"
        if b"R" in xy or b"C" in xy:  # followed by the source path
            source = decode_path(parts[i]) if i < len(parts) else ""
            i += 1
            if b"R" in xy and source:
                result.setdefault(source, "modified")
    return result


#: Bump when what :func:`scan_log` returns changes shape or meaning (a new release of
#: sphinx-policy starts a new cache anyway).
SCAN_CACHE_VERSION = 4  # 2: a date git prints as 0 is no date; 3: control characters cleaned;
#: 4: commits stored as columns (CommitTable)


def keep_trailers(commits: Sequence[Commit], keys: frozenset[str]) -> list[Commit]:
    """``commits`` with only the trailers of ``keys`` (positions unchanged)."""
    return [
        c._replace(trailers=tuple(t for t in c.trailers if t[0].lower() in keys))
        if c.trailers else c
        for c in commits
    ]


def load_scan_entry(cache: Path) -> tuple[tuple[object, ...], Scan] | None:
    """(key, scan) stored in ``cache``, or None (no file, unreadable file)."""
    try:
        with open(cache, "rb") as handle:
            stored_key, scan = pickle.load(handle)
    except Exception:  # a missing, truncated or foreign file is only a cache miss
        return None
    if not isinstance(stored_key, tuple):
        return None
    return stored_key, scan


def load_scan(cache: Path, key: tuple[object, ...]) -> Scan | None:
    """The cached scan for ``key``, or None (no file, another key, unreadable file)."""
    stored = load_scan_entry(cache)
    return stored[1] if stored is not None and stored[0] == key else None


def extend_scan(newer: Scan, older: Scan, old_head: str) -> Scan | None:
    """The scan of the new HEAD, from the scan of ``git log <old_head>..HEAD`` (``newer``)
    and the cached scan of ``old_head`` (``older``): what :func:`scan_log` of the new HEAD
    gives, or None where joining the two could differ from it.

    Commits never change, so the old scan holds. Its records are joined to the new ones
    as :func:`scan_log` would have made them, reading the new commits first, when
    ``old_head`` is the first parent of the oldest new commit (the first-parent chain
    runs through it) and no new commit renames a file: a rename makes older paths part
    of another file's history, which the old scan could not know. Then the old commits'
    entries resolve to the same paths, so only their positions move (by the number of
    new commits, and in each record by its new entries).
    """
    new_commits, new_records, new_head_paths, new_warnings = newer
    old_commits, old_records, old_head_paths, old_warnings = older
    if not new_commits or new_commits[-1].parents[:1] != (old_head,):
        return None
    if any(r.renames or r.paths for r in new_records.values()):
        return None
    shift = len(new_commits)
    records: dict[str, PathRecord] = {}
    for key, new in new_records.items():
        old = old_records.get(key)
        records[key] = new if old is None else _joined(new, old, shift)
    for key, old in old_records.items():
        if key not in records:
            records[key] = _joined(None, old, shift)
    head_paths = frozenset(new_head_paths) | (old_head_paths - new_records.keys())
    return (CommitTable.joined(new_commits, old_commits), records, head_paths,
            (*new_warnings, *old_warnings))


def _joined(newer: PathRecord | None, older: PathRecord, shift: int) -> PathRecord:
    """One path's record: the new commits' entries, then the old ones moved down."""
    record = PathRecord()
    count = 0
    if newer is not None:
        record.commits.extend(newer.commits)
        record.statuses.extend(newer.statuses)
        record.boundary, record.excluded = newer.boundary, newer.excluded
        count = len(newer.commits)
    record.commits.extend(index + shift for index in older.commits)
    record.statuses.extend(older.statuses)
    if older.paths:
        record.paths = {position + count: path for position, path in older.paths.items()}
    if older.renames:
        record.renames = [(index + shift, path) for index, path in older.renames]
    record.boundary = record.boundary or older.boundary
    record.excluded = record.excluded or older.excluded
    return record


def save_scan(cache: Path, key: tuple[object, ...], scan: Scan) -> None:
    """Write atomically (a parallel build may read it); a failure only costs speed."""
    temporary: str | None = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cache.parent, delete=False,
                                         prefix=cache.name, suffix=".tmp") as handle:
            temporary = handle.name
            # Commits as columns: loading them is the whole cost of a rebuild's index.
            commits = scan[0] if isinstance(scan[0], CommitTable) else CommitTable(scan[0])
            pickle.dump((key, (commits, *scan[1:])), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


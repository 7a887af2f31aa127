"""File contents at any commit, read through one persistent ``git cat-file``."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from .errors import GitError
from .records import normalize_path
from .runner import (
    git_environment,
    no_git,
    stop_process,
)

_BATCH_HEADER_RE = re.compile(rb"([0-9a-f]{40}|[0-9a-f]{64}) (\w+) (\d+)\n")


class BlobReader:
    """Reads file contents at any commit through one persistent ``git cat-file --batch``.

    Thread-safe; use as a context manager or call :meth:`close`.
    """

    def __init__(
        self, root: Path | str, *, git: str = "git", env: Mapping[str, str] | None = None
    ) -> None:
        self.root = Path(root)
        self._git = git
        self._env = git_environment(env)
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
                self._finalizer()  # runs stop_process once
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
                raise no_git(self._git, exc) from exc
            self._finalizer = weakref.finalize(self, stop_process, self._proc)
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
        key = normalize_path(path)
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

"""Commits to leave out of page dates (a ``.git-blame-ignore-revs`` file)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

HEX_RE = re.compile(r"[0-9a-fA-F]{4,64}")


class IgnoreRevs:
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
        if not HEX_RE.fullmatch(value):
            raise ValueError(f"{path}:{lineno}: not a commit id: {line.strip()!r}")
        shas.append(value.lower())
    return shas



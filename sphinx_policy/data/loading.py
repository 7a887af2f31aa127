"""Loading a project's data files from a source: parsed once per content (by blob id).

No Sphinx here: :mod:`sphinx_policy.state.data` loads the project data once per build
through these functions and keeps it for the build.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import PolicyData, build_policy_data
from .parse import DataSyntaxError, ParsedData, format_of, parse_data
from .source import DataFileError, DataSource, WorkingTreeSource, normalise_relpath
from .validate import Problem


@dataclass
class LoadedData:
    data: PolicyData
    problems: list[Problem]
    parts: list[tuple[ParsedData, str | None]]
    #: Every file the patterns matched, read or refused: pages depend on all of them.
    files: list[str] = field(default_factory=list)


def read_part(source: DataSource, relpath: str, problems: list[Problem]) -> ParsedData | None:
    """Parse one data file; on failure record a problem and return None."""
    location = source.location(relpath)
    try:
        normalise_relpath(relpath)  # a path out of the project is refused for that reason
    except DataFileError as err:
        problems.append(Problem("file", str(err), location, None))
        return None
    fmt = format_of(relpath)
    if fmt is None:
        problems.append(Problem(
            "file",
            f"{relpath!r} is not a data file sphinx-policy can read; accepted: .yaml, .yml, "
            ".toml, .json",
            location,
            None,
        ))
        return None
    try:
        return parse_blob(source.read_bytes(relpath), location, fmt)
    except DataSyntaxError as err:
        problems.append(Problem("syntax", str(err), location, err.line))
    except DataFileError as err:
        problems.append(Problem("file", str(err), location, None))
    return None


# -- one parse per blob ------------------------------------------------------------------

#: Called with ``(blob id, location)`` each time a data file's content is actually parsed
#: (not served from the cache): for tools and tests that count the work done.
PARSE_HOOKS: list[Callable[[str, str], None]] = []

#: Most bytes of data-file content whose parsed form is kept (least recently used first out).
CACHE_BYTES = 64_000_000


def blob_id(raw: bytes) -> str:
    """The git blob id of ``raw`` (what ``git hash-object`` prints): the same content has the
    same id in the working tree and in every revision."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


@dataclass
class _Parsed:
    """A parse, without the location it was read at: the data, or the syntax error."""

    result: ParsedData | None
    error: DataSyntaxError | None
    size: int


_BLOBS: OrderedDict[tuple[str, str], _Parsed] = OrderedDict()
_BLOB_BYTES = [0]


def parse_blob(raw: bytes, location: str, fmt: str) -> ParsedData:
    """``parse_data(raw, location, fmt)``, parsing each content (blob id) once: a build that
    renders archived revisions reads the same data file at many commits, mostly unchanged.

    The parsed values are shared between the callers: they are read, never changed (see
    ``model._deep_merge``).
    """
    key = (blob_id(raw), fmt)
    cached = _BLOBS.get(key)
    if cached is None:
        for hook in PARSE_HOOKS:
            hook(key[0], location)
        try:
            cached = _Parsed(parse_data(raw, location, fmt), None, len(raw))
        except DataSyntaxError as err:
            cached = _Parsed(None, err, len(raw))
        _BLOBS[key] = cached
        _BLOB_BYTES[0] += cached.size
        while _BLOB_BYTES[0] > CACHE_BYTES and len(_BLOBS) > 1:
            _, dropped = _BLOBS.popitem(last=False)
            _BLOB_BYTES[0] -= dropped.size
    else:
        _BLOBS.move_to_end(key)
    if cached.error is not None:
        raise DataSyntaxError(str(cached.error), cached.error.line)
    assert cached.result is not None
    found = cached.result
    return ParsedData(found.data, location, found.first_line, found.lines, found.text,
                      key=key[0])


def clear_blob_cache() -> None:
    """Forget every parse (each build starts afresh; see :func:`project_data`)."""
    _BLOBS.clear()
    _BLOB_BYTES[0] = 0


def load_project_data(source: DataSource, patterns: list[str]) -> LoadedData:
    problems: list[Problem] = []
    parts: list[tuple[ParsedData, str | None]] = []
    files: list[str] = []
    seen: set[str] = set()
    for pattern in patterns:
        try:
            matches = source.glob(pattern)
        except DataFileError as err:
            problems.append(Problem("file", f"policy_data_files: {err}", "conf.py", None))
            continue
        if not matches:
            problems.append(Problem(
                "file",
                f"policy_data_files: the pattern {pattern!r} matches no file in the "
                f"documentation folder ({source.label})",
                "conf.py",
                None,
            ))
        for relpath in matches:
            # A file matched by several patterns (or by a pattern and its own name, or
            # through a link) is read once, where it is first matched.
            identity = file_identity(source, relpath)
            if identity in seen:
                continue
            seen.add(identity)
            files.append(relpath)
            part = read_part(source, relpath, problems)
            if part is not None:
                parts.append((part, relpath))
    problems.extend(_skipped_spellings(source, patterns, set(files)))
    data, data_problems = build_policy_data(parts)
    return LoadedData(data, problems + data_problems, parts, files)


def file_identity(source: DataSource, relpath: str) -> str:
    """What makes two paths the same data file: the path with links followed (working
    tree), or the normalised path (a git revision, where a path names one blob)."""
    try:
        if isinstance(source, WorkingTreeSource):
            return source.path(relpath).as_posix()
        return normalise_relpath(relpath)
    except DataFileError:
        return relpath


def already_read(source: DataSource, relpath: str,
                 parts: list[tuple[ParsedData, str | None]]) -> bool:
    """Whether ``relpath`` is one of the files of ``parts`` (read once, not twice)."""
    identity = file_identity(source, relpath)
    return any(rel is not None and file_identity(source, rel) == identity for _, rel in parts)


#: The other spellings of a data file's suffix that people use.
_OTHER_SPELLINGS = {".yaml": ".yml", ".yml": ".yaml"}


def _skipped_spellings(source: DataSource, patterns: list[str], read: set[str]) -> list[Problem]:
    """A ``.yml`` file beside data files matched by ``*.yaml`` (or the reverse) would be
    silently left out of every table: say so."""
    problems = []
    for pattern in patterns:
        stem, dot, suffix = pattern.rpartition(".")
        other = _OTHER_SPELLINGS.get(dot + suffix)
        if not stem or other is None or stem + other in patterns:
            continue
        try:
            skipped = [f for f in source.glob(stem + other) if f not in read]
        except DataFileError:
            continue
        for relpath in skipped:
            problems.append(Problem(
                "file",
                f"{relpath} is not read: policy_data_files has {pattern!r}, which does not "
                f"match the {other!r} spelling. Add {stem + other!r} to policy_data_files, or "
                f"rename the file",
                "conf.py",
                None,
            ))
    return problems

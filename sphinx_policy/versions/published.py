"""Whether the archive's output of the last build still holds, so that a rebuild in which
nothing it is made from changed skips it whole.

The archived versions, diffs, manifest and feed are made from the revision records, their
effective dates, the policy pages' dates, titles and front matter, the build date (the
banners) and the settings. A digest of these is kept in a small file beside the doctrees
once the output is written (the environment is pickled before the write phase, so it
could not hold it), with the list of files written; the effective dates are left out of
it, since each is read from its revision's own text, which never changes, and the records
say which texts. When the digest is the same and every file is still there, nothing
would be rendered and the manifest and the feed would be the same bytes: the build skips
the archive. A file that was deleted, a new commit, a new day or another setting makes it
run as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..compat import html_settings_hash
from ..directives.in_force import build_date
from ..history.page_dates import page_date
from ..state.domain import settings
from ..version import __version__
from .records import all_revisions, page_title

if TYPE_CHECKING:
    from sphinx.application import Sphinx

FILENAME = "policy-published-{builder}.json"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable(value: Any) -> str:
    """A text for a setting's value that does not change from run to run (no addresses)."""
    if isinstance(value, dict):
        items = sorted((_stable(k), _stable(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_stable(v) for v in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_stable(v) for v in value)) + "}"
    text = repr(value)
    return _ADDRESS.sub("", text) if " at 0x" in text else text


def config_hash(app: Sphinx) -> str:
    """A hash of the settings that change an HTML page (Sphinx's "env" and "html" ones)."""
    digest = hashlib.sha256()
    for item in sorted(app.config, key=lambda item: item.name):
        if item.rebuild in ("env", "html"):
            digest.update(f"{item.name}={_stable(item.value)}\n".encode())
    digest.update(_stable(sorted(app.tags)).encode())
    return digest.hexdigest()


def inputs_digest(app: Sphinx) -> str:
    """A digest of everything the archive's output is made from (see the module text).

    The settings are Sphinx's hash of the "html" ones where the builder has it: the
    caller skips the archive only when Sphinx found the "env" ones unchanged too."""
    env = app.env
    records = all_revisions(env)
    pages = {
        docname: (page_date(env, docname), page_title(env, docname),
                  _stable(env.metadata.get(docname, {})))
        for docname in sorted(records)
    }
    data = (
        __version__,
        app.builder.name,
        html_settings_hash(app.builder) or config_hash(app),
        build_date(settings(env).timezone).isoformat(),
        # plain tuples: a named tuple is pickled through Python code, one call each
        [(docname, [tuple(r) for r in revisions])
         for docname, revisions in sorted(records.items())],
        pages,
    )
    return hashlib.sha256(pickle.dumps(data, protocol=4)).hexdigest()


class OutputFiles:
    """Which files exist in the output folder, each folder listed once.

    The archive asks about every archived version and diff page on every build, hundreds
    of files in a few folders (one per page): listing a folder costs about what asking
    about one file does. A folder is listed when first asked about, so a file written
    after that is not seen; ask a new instance after writing."""

    def __init__(self) -> None:
        self._listed: dict[str, frozenset[str]] = {}

    def names(self, folder: str) -> frozenset[str]:
        """The names of the files in ``folder`` (none if it cannot be listed)."""
        names = self._listed.get(folder)
        if names is None:
            try:
                with os.scandir(folder or ".") as entries:
                    names = frozenset(e.name for e in entries if e.is_file())
            except OSError:
                names = frozenset()
            self._listed[folder] = names
        return names

    def exists(self, path: str) -> bool:
        folder, name = os.path.split(path)
        return name in self.names(folder)


def _path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / FILENAME.format(builder=app.builder.name)


def _outputs(app: Sphinx) -> dict[str, list[str]]:
    """The files of the output folder the archive writes (those that exist now), by
    folder relative to the output folder ("" for itself, "/" between parts)."""
    builder: Any = app.builder
    records = [r for rs in all_revisions(app.env).values() for r in rs]
    names = [builder.get_outfilename(r.archive) for r in records]
    names += [builder.get_outfilename(r.diff) for r in records]
    names += [str(Path(app.outdir) / n) for n in ("policy-versions.json",
                                                   "policy-changes.atom")]
    outdir = str(app.outdir)
    inside = os.path.join(outdir, "")
    files = OutputFiles()
    by_folder: dict[str, list[str]] = {}
    for path in map(str, names):
        if files.exists(path):
            # The builders name their files inside the output folder (relpath is slow).
            relative = (path[len(inside):] if path.startswith(inside)
                        else os.path.relpath(path, outdir))
            folder, name = os.path.split(relative)
            by_folder.setdefault(folder.replace(os.sep, "/"), []).append(name)
    return {folder: sorted(names) for folder, names in sorted(by_folder.items())}


def unchanged(app: Sphinx, digest: str) -> bool:
    """Whether the last build's archive output was made from the inputs of ``digest``
    (:func:`inputs_digest`) and every file of it is still in the output folder."""
    try:
        saved = json.loads(_path(app).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(saved, dict) or saved.get("digest") != digest:
        return False
    files = saved.get("files")
    if not isinstance(files, dict):
        return False
    outdir = str(app.outdir)
    found = OutputFiles()
    try:
        return all(
            isinstance(names, list)
            and found.names(os.path.join(outdir, *folder.split("/"))).issuperset(names)
            for folder, names in files.items())
    except TypeError:  # a name that is not text: a file this version did not write
        return False


def remember(app: Sphinx, digest: str) -> None:
    """After the archive's output is written: the digest of what it was made from, taken
    before (the environment the next build compares with was pickled then), and its
    files."""
    path = _path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"digest": digest, "files": _outputs(app)}), "utf-8")


def forget(app: Sphinx) -> None:
    """Before the archive writes: a build that stops half-way leaves no digest."""
    _path(app).unlink(missing_ok=True)

"""Archived versions and diff pages: every revision of every policy page, as it was.

An archived version of page P at revision R is the text P had in a build of R's tree, by
construction: R's tree is written out into a folder beside the doctrees (one per
repository, moved from commit to commit by writing only the entries that differ, see
:class:`Trees`), and P is parsed there, with the environment's source folder
pointing into it. Every file the page reads relative to itself or to the documentation
folder (includes, literalinclude, csv-table and raw files, images, data files, files
read by other extensions' directives) is then R's. Around each parse the page's own
entries in the environment are purged and, afterwards, put back from a snapshot taken
before the first one (as Sphinx merges documents read in parallel), so the rest of the
site (navigation, other pages' titles) stays today's.

The doctree is resolved, written with the builder's own HTML writer and handed to the
theme's page template under a banner. A revision never changes, so what was rendered is
remembered in a cache beside the doctrees: the next build renders only new revisions
(and everything again when the configuration changes, since Sphinx then starts a fresh
environment).

The banner says whether the revision takes effect later, is in force, or was in force
from one day until another (:func:`.effective.archive_statuses`): that depends on the
build date and on newer revisions, not only on the revision. The cache records what each
page's banner said, and keeps the body of every page whose banner can still change (the
upcoming and the in-force revisions); when the statement changes (a newer revision, or
a build date past an effective date), the page is written again with the new banner
around the kept body, without parsing the revision again.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import mimetypes
import os
import pickle
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.io import StringOutput
from docutils.utils import new_document
from sphinx import addnodes
from sphinx.environment import CONFIG_OK
from sphinx.errors import FiletypeNotFoundError
from sphinx.util import get_filetype
from sphinx.util.osutil import relative_uri

from ..compat import global_toctree, parse_source, settings_made_once
from ..diagnostics import Subtype, logger, warn
from ..directives.in_force import build_date
from ..git.blobs import BlobReader, tree_entries
from ..history.dates import format_for_readers, to_datetime
from ..locale import _
from ..state.data import forget_project_data, project_data
from ..state.domain import ArchivedRevision, archived_revision, archiving, settings
from ..version import __version__
from .effective import (
    IN_FORCE,
    NEVER_IN_FORCE,
    SUPERSEDED,
    UPCOMING,
    ArchiveStatus,
    archive_statuses,
    reader_date,
)
from .links import rebased_uri
from .parallel import commit_runs, parallel_processes, run_in_processes
from .publish import write_feed, write_manifest
from .published import OutputFiles, config_hash
from .records import ARCHIVE_BUILDERS, RevisionRecord, all_revisions, revisions_of
from .textdiff import Block, DiffLabels, blocks_from_doctree, render_diff_html, text_sha256

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

# 2: images embedded from git; 3: links rebased; 4: parsed in R's tree; 5: banner by status
CACHE_VERSION = 5
TREES_FOLDER = "policy-trees"


def rendering_revision(app: Sphinx) -> RevisionRecord | None:
    """The revision being rendered right now (doctree-resolved handlers date by it)."""
    archived = archived_revision(app.env)
    if archived is None:
        return None
    return next((r for r in revisions_of(app.env, archived.docname) if r.sha == archived.sha),
                None)


# --------------------------------------------------------------------------- cache


class ArchiveCache:
    """What was rendered into this output folder: archive page -> its text blocks/hash."""

    def __init__(self, app: Sphinx) -> None:
        self.path = Path(app.doctreedir) / f"policy-archives-{app.builder.name}.json"
        self.outdir = Path(app.outdir)
        self.files = OutputFiles()  # as the build found them
        self.pages: dict[str, dict[str, Any]] = {}
        # Sphinx's own config_status is reset once reading is over, so the cache keeps a
        # hash of the settings that shape a page (language, date format, theme, policy_*).
        self.config_hash = config_hash(app)
        fresh_config = app.env.config_status != CONFIG_OK
        if self.path.is_file() and not fresh_config:
            try:
                data = json.loads(self.path.read_text("utf-8"))
                if (
                    data.get("version") == CACHE_VERSION
                    and data.get("sphinx_policy") == __version__
                    and data.get("config") == self.config_hash
                ):
                    self.pages = data.get("pages", {})
            except (OSError, ValueError):
                self.pages = {}
        # What the file holds: each entry copied (a new banner is set in place), their
        # values compared by identity first, so comparing is cheap when nothing changed.
        self.loaded = {page: dict(entry) for page, entry in self.pages.items()}

    def get(self, app: Sphinx, pagename: str) -> dict[str, Any] | None:
        entry = self.pages.get(pagename)
        if entry is None:
            return None
        uri = app.builder.get_target_uri(pagename).split("#")[0]
        output = self.outdir / (uri + "index.html" if uri.endswith("/") or not uri else uri)
        return entry if self.files.exists(str(output)) else None

    def save(self) -> None:
        if self.pages == self.loaded:
            return  # nothing rendered: the file already says the same
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": CACHE_VERSION, "sphinx_policy": __version__,
                   "config": self.config_hash, "pages": self.pages}
        self.path.write_text(json.dumps(payload, ensure_ascii=False), "utf-8")


# --------------------------------------------------------------------------- trees


class Trees:
    """Old trees of the repositories, written out beside the doctrees.

    One folder per repository holds one commit's tree at a time. Moving it to another
    commit compares the two commits' tree objects (read through the persistent
    ``git cat-file --batch``; a subtree whose id did not change is skipped whole) and
    writes, replaces or removes only the entries that differ: walking the revisions
    in commit order costs about as much as the changes themselves, and no process is
    started per commit. Files are written as git stores them (no checkout filters).
    The folder stays for the next build, which usually needs only the newest commit;
    folders of repositories no longer used are removed.
    """

    def __init__(self, app: Sphinx, slot: int = 0) -> None:
        self.base = Path(app.doctreedir) / TREES_FOLDER
        # Processes rendering in parallel each move a tree of their own (slot > 0 for
        # the others), in the same folder of the repository.
        suffix = f"-{slot}" if slot else ""
        self.tree_name, self.commit_name = f"tree{suffix}", f"COMMIT{suffix}"
        self.current: dict[str, str] = {}  # repository root -> commit written out
        self.trees: dict[str, str] = {}  # repository root -> its tree id
        self.used: set[str] = set()
        # Parsed tree objects: what one move writes is what the next one starts from.
        self.parsed: dict[str, dict[bytes, tuple[bytes, str]]] = {}

    def folder(self, repo_root: str) -> Path:
        key = hashlib.sha256(str(Path(repo_root).resolve()).encode()).hexdigest()[:16]
        return self.base / key

    def checkout(self, reader: BlobReader, repo_root: str, sha: str) -> tuple[Path | None, str]:
        """The tree of ``repo_root`` at commit ``sha``, or None and why not."""
        folder = self.folder(repo_root)
        tree, head = folder / self.tree_name, folder / self.commit_name
        self.used.add(folder.name)
        if self.current.get(repo_root) == sha:
            return tree, ""
        self.current.pop(repo_root, None)
        root = reader.read_object(f"{sha}^{{tree}}")
        if root is None or root[1] != "tree":
            return None, "its tree cannot be read"
        self._parse_tree(root[0], root[2])  # answered already: not asked for again
        if repo_root in self.trees:
            held = [sha, self.trees.pop(repo_root)]
        else:
            # Left by an earlier build that finished: "<commit> <tree id>". Removed while
            # the tree is being moved, and written again when the build is done.
            held = head.read_text("ascii").split() if head.is_file() else []
            head.unlink(missing_ok=True)
        try:
            if len(held) != 2 or not tree.is_dir():
                shutil.rmtree(tree, ignore_errors=True)
                tree.mkdir(parents=True)
                self._move(reader, tree, None, root[0])
            else:
                self._move(reader, tree, held[1], root[0])
        except (OSError, _MissingObject) as exc:
            shutil.rmtree(tree, ignore_errors=True)
            return None, str(exc)
        self.current[repo_root] = sha
        self.trees[repo_root] = root[0]
        return tree, ""

    def save(self) -> None:
        """Record what each folder holds, for the next build."""
        for repo_root, sha in self.current.items():
            head = self.folder(repo_root) / self.commit_name
            head.write_text(f"{sha} {self.trees[repo_root]}", "ascii")

    def _entries(self, reader: BlobReader, oid: str | None) -> dict[bytes, tuple[bytes, str]]:
        if oid is None:
            return {}
        entries = self.parsed.get(oid)
        if entries is not None:
            return entries
        obj = reader.read_object(oid)
        if obj is None or obj[1] != "tree":
            raise _MissingObject(f"git cannot read the tree {oid[:12]}")
        return self._parse_tree(oid, obj[2])

    def _parse_tree(self, oid: str, raw: bytes) -> dict[bytes, tuple[bytes, str]]:
        entries = {}
        for mode, name, entry_oid in tree_entries(raw, len(oid) // 2):
            # Names git itself refuses to check out (a crafted tree) are left out.
            if name in (b"", b".", b"..") or b"/" in name or name.lower() == b".git":
                continue
            entries[name] = (mode, entry_oid)
        if len(self.parsed) > 256:
            self.parsed.clear()
        self.parsed[oid] = entries
        return entries

    def _move(self, reader: BlobReader, folder: Path, old: str | None, new: str) -> None:
        """Turn ``folder`` (holding tree ``old``, or empty) into tree ``new``."""
        if old == new:
            return
        before, after = self._entries(reader, old), self._entries(reader, new)
        for name in before.keys() - after.keys():
            _remove(folder / os.fsdecode(name))
        files: list[tuple[Path, bytes, str, bool]] = []  # path, mode, blob id, was executable
        for name, (mode, oid) in after.items():
            previous = before.get(name)
            if previous == (mode, oid):
                continue
            path = folder / os.fsdecode(name)
            if mode == _TREE_MODE:
                if previous is not None and previous[0] == _TREE_MODE:
                    self._move(reader, path, previous[1], oid)
                    continue
                if previous is not None:
                    _remove(path)
                path.mkdir()
                self._move(reader, path, None, oid)
                continue
            if previous is not None and not (_is_file(previous[0]) and _is_file(mode)):
                _remove(path)  # a file over a file is simply rewritten
            if mode == _SUBMODULE_MODE:
                path.mkdir()  # an empty folder, as a checkout without submodules has
                continue
            was_executable = previous is not None and previous[0] == _EXECUTABLE_MODE
            files.append((path, mode, oid, was_executable))
        blobs = reader.read_objects([oid for _path, _mode, oid, _x in files])
        for (path, mode, oid, was_executable), blob in zip(files, blobs, strict=True):
            if blob is None or blob[1] != "blob":
                raise _MissingObject(f"git cannot read {path.name} ({oid[:12]})")
            if mode == _SYMLINK_MODE:
                path.symlink_to(os.fsdecode(blob[2]))
            else:
                _write(path, blob[2])
                if mode == _EXECUTABLE_MODE or was_executable:
                    path.chmod(0o755 if mode == _EXECUTABLE_MODE else 0o644)

    def prune(self) -> None:
        """Remove the folders of repositories this build did not use."""
        if not self.base.is_dir():
            return
        for folder in self.base.iterdir():
            if folder.name not in self.used and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)


_TREE_MODE, _SUBMODULE_MODE = b"40000", b"160000"
_SYMLINK_MODE, _EXECUTABLE_MODE = b"120000", b"100755"


def _is_file(mode: bytes) -> bool:
    return mode in (b"100644", _EXECUTABLE_MODE)


class _MissingObject(Exception):
    """An object of the repository cannot be read (a corrupt or partial clone)."""


def _write(path: Path, data: bytes) -> None:
    """``data`` as the whole content of the file ``path``, written over what it held
    and then cut to length: the same file as ``write_bytes`` gives. Opening a file that
    has its blocks on disk with ``O_TRUNC`` can make the file system flush it on close
    (ext4 does, to protect files replaced by truncation): about 1.5 ms a file on the
    test machine, where writing over it costs microseconds, and a revision's tree
    moves about 16 files."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)  # no newline translation
    with os.fdopen(os.open(path, flags, 0o666), "wb") as file:
        file.write(data)
        file.truncate()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- parsing


def _front_matter(doctree: nodes.document) -> dict[str, str]:
    """docinfo fields (MyST front matter), as Sphinx's metadata collector would store them."""
    metadata: dict[str, str] = {}
    for docinfo in list(doctree.findall(nodes.docinfo)):
        for field in docinfo.findall(nodes.field):
            name, body = field[0].astext(), field[1].astext()
            metadata[name] = body
        docinfo.parent.remove(docinfo)
    return metadata


def _set_srcdir(app: Sphinx, srcdir: Path) -> None:
    """Point every holder of the source folder at ``srcdir`` (each keeps its own type)."""
    env: Any = app.env
    holders: list[Any] = [app, app.builder, env.project]
    for holder in holders:
        holder.srcdir = type(holder.srcdir)(srcdir)
    env.srcdir = srcdir


def environment_snapshot(app: Sphinx) -> BuildEnvironment:
    """A copy of the environment as it was read (what each revision's parse restores)."""
    return pickle.loads(pickle.dumps(app.env))


class RevisionRenderer:
    """Renders archived pages of revisions, each parsed in its own commit's tree."""

    def __init__(
        self, app: Sphinx, slot: int = 0, snapshot: BuildEnvironment | None = None
    ) -> None:
        self.app = app
        self.readers: dict[str, BlobReader] = {}
        self.trees = Trees(app, slot)
        self.loaded: set[tuple[str, str]] = set()  # (srcdir, commit) whose data is loaded
        self.srcdirs: set[Path] = set()
        # The environment as it was read: after each revision, the page's entries are
        # put back from it (docs/development.md, "Archived versions").
        self.snapshot: BuildEnvironment = snapshot or environment_snapshot(app)
        self.settings: dict[Any, Any] = {}  # docutils' settings, made once (compat.py)

    def reader(self, record: RevisionRecord) -> BlobReader:
        if record.repo_root not in self.readers:
            self.readers[record.repo_root] = BlobReader(Path(record.repo_root))
        return self.readers[record.repo_root]

    def close(self, prune: bool = True) -> None:
        for reader in self.readers.values():
            reader.close()
        for srcdir in self.srcdirs:
            forget_project_data(self.app.env, srcdir)
        self.trees.save()
        if prune:
            self.trees.prune()

    @contextmanager
    def _reading(self, docname: str, srcdir: Path | None) -> Iterator[Callable[[], None]]:
        """While an old revision of ``docname`` is parsed and resolved: the page's
        entries purged as for a re-read, the source folder (when given) in the old tree.
        Yields what ends the parse (the document being read is put back, as read_doc
        does before resolving); afterwards the page's current entries are back."""
        app, env = self.app, self.app.env
        live_srcdir = Path(env.srcdir)
        saved_document, saved_refs = env.current_document, dict(env.ref_context)

        def parsed() -> None:
            if srcdir is not None:
                _set_srcdir(app, live_srcdir)
            env.current_document = saved_document
            env.ref_context.clear()
            env.ref_context.update(saved_refs)

        app.events.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)
        if srcdir is not None:
            _set_srcdir(app, srcdir)
        try:
            yield parsed
        finally:
            parsed()
            app.events.emit("env-purge-doc", env, docname)
            env.clear_doc(docname)
            self._restore(docname)

    def _restore(self, docname: str) -> None:
        env, snapshot = self.app.env, self.snapshot
        try:
            env.merge_info_from([docname], snapshot, self.app)
        except NotImplementedError:
            # A domain that cannot merge one document (not parallel-safe): all of its
            # data back as it was, then what the collectors keep.
            for name, data in snapshot.domaindata.items():
                env.domaindata[name].clear()
                env.domaindata[name].update(copy.deepcopy(data))
            self.app.events.emit("env-merge-info", env, {docname}, snapshot)

    def _source(self, record: RevisionRecord) -> tuple[str, Path, Path | None] | str:
        """(text, path it is parsed as, old source folder or None) of a revision, or
        why it cannot be read."""
        app = self.app
        root = Path(record.repo_root).resolve()
        srcdir = Path(app.srcdir).resolve()
        if not srcdir.is_relative_to(root):
            # A page in a submodule (or nested repository): its repository does not hold
            # the documentation folder, so only the page's text is read at the revision.
            blob = self.reader(record).read_blob(record.sha, record.source_path)
            if blob is None:
                return "it is not a file in that commit"
            return blob.decode("utf-8-sig", "replace"), root / record.source_path, None
        tree, reason = self.trees.checkout(self.reader(record), record.repo_root, record.sha)
        if tree is None:
            return f"the commit cannot be checked out: {reason}"
        path = tree / record.source_path
        if not path.is_file():
            return "it is not a file in that commit"
        old_srcdir = tree / srcdir.relative_to(root)
        return path.read_bytes().decode("utf-8-sig", "replace"), path, old_srcdir

    def doctree(self, record: RevisionRecord) -> nodes.document | None:
        app, env = self.app, self.app.env
        try:
            found = self._source(record)
        except (OSError, ValueError) as exc:
            found = str(exc)
        if isinstance(found, str):
            warn(
                Subtype.GIT,
                f"cannot read {record.source_path} at {record.sha[:12]}; its archived "
                f"version is not rendered ({found})",
                location=record.docname,
            )
            return None
        text, filename, old_srcdir = found
        try:
            # Parsed as the page it became, whatever its name was then (a page renamed
            # from a file without a suffix, or from another format, is still this page).
            filetype = get_filetype(app.config.source_suffix, env.doc2path(record.docname))
        except FiletypeNotFoundError:
            warn(
                Subtype.GIT,
                f"no parser for {record.docname} (source_suffix: "
                f"{', '.join(app.config.source_suffix)}); its archived version of "
                f"{record.sha[:12]} is not rendered",
                location=record.docname,
            )
            return None
        # Without an effective date, the revision shows the catalogs of its commit's day.
        day = to_datetime(record.timestamp, settings(app.env).timezone).date()
        with self._reading(record.docname, old_srcdir) as parsed, archiving(
            env, ArchivedRevision(record.docname, record.sha, record.timestamp, day, old_srcdir)
        ):
            env.prepare_settings(record.docname)
            if old_srcdir is not None:
                self.srcdirs.add(old_srcdir)
                if (str(old_srcdir), record.sha) not in self.loaded:
                    # The data files of this commit: the tree copy was rewritten in place.
                    # Each content is still parsed once per build (the blob cache stays).
                    forget_project_data(env, old_srcdir)
                    project_data(env)
                    self.loaded = {(str(old_srcdir), record.sha)}
            with settings_made_once(self.settings):
                doctree = parse_source(app, text, filename, filetype)
            parsed()
            env.metadata[record.archive] = _front_matter(doctree)
            # Toctrees point into the current site, not the archived one.
            for toctree in list(doctree.findall(addnodes.toctree)):
                toctree.parent.remove(toctree)
            env.resolve_references(doctree, record.archive, app.builder)
        rebase_links(doctree, app.builder, record.docname, record.archive)
        return doctree

    def body(self, pagename: str, doctree: nodes.document) -> str:
        return render_body(self.app, pagename, doctree)


def render_body(app: Sphinx, pagename: str, doctree: nodes.document) -> str:
    """The HTML of ``doctree``'s body, written by the builder's own writer as page
    ``pagename``."""
    builder: Any = app.builder
    destination = StringOutput(encoding="utf-8")
    doctree.settings = builder.docsettings
    builder.secnumbers = {}
    builder.fignumbers = {}
    target = builder.get_target_uri(pagename)
    builder.imgpath = relative_uri(target, "_images")
    builder.dlpath = relative_uri(target, "_downloads")
    builder.current_docname = pagename
    if hasattr(builder, "docwriter"):  # Sphinx 8.2
        builder.docwriter.write(doctree, destination)
        builder.docwriter.assemble_parts()
        return str(builder.docwriter.parts["fragment"])
    visitor = builder.create_translator(doctree, builder)  # Sphinx 9
    doctree.walkabout(visitor)
    return "".join(visitor.fragment)


def rebase_links(doctree: nodes.document, builder: Any, docname: str, pagename: str) -> None:
    """Links were resolved as from the page itself (``refdoc``); the archived copy lives
    elsewhere (``<page>/versions/...``), so relative links to other pages are rebased."""
    page_uri = builder.get_target_uri(docname)
    archive_uri = builder.get_target_uri(pagename)
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        rebased = rebased_uri(uri, page_uri, archive_uri)
        if rebased != uri:
            reference["refuri"] = rebased


def images_at_revision(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read, while a revision is parsed in its tree: its images, as they were.

    The files are read from the old tree (Sphinx resolved them there), but Sphinx copies
    images from today's source folder, where they may since have changed or gone: so
    each is embedded in the archived page as a ``data:`` URI, before Sphinx's image
    collector sees it. An image the revision did not hold either is left to Sphinx,
    which warns about it as it did then.
    """
    archived = archived_revision(app.env)
    if not app.env.current_document or archived is None or archived.tree is None:
        return
    for image in doctree.findall(nodes.image):
        uri = image["uri"]
        if "://" in uri or uri.startswith("data:") or uri.endswith(".*"):
            continue
        _relpath, path = app.env.relfn2path(uri, app.env.current_document.docname)
        mimetype = mimetypes.guess_type(path)[0]
        if mimetype is None or not mimetype.startswith("image/") or not Path(path).is_file():
            continue
        data = Path(path).read_bytes()
        image["uri"] = f"data:{mimetype};base64,{base64.b64encode(data).decode('ascii')}"


# --------------------------------------------------------------------------- pages


def _date_text(app: Sphinx, record: RevisionRecord) -> str:
    return format_for_readers(
        record.timestamp,
        settings(app.env).timezone,
        app.config.html_last_updated_fmt or None,
        app.config.language,
    )


def _banner(app: Sphinx, record: RevisionRecord, status: ArchiveStatus) -> nodes.container:
    """"Archived version of <day>.", and what the revision is on the build date: taking
    effect later, in force now, or in force from one day until another."""
    banner = nodes.container(classes=["policy-archive-banner", "admonition", "warning",
                                      f"policy-archive-{status.kind}"])
    para = nodes.paragraph()
    text = str(_("Archived version of %s.")) % _date_text(app, record)
    para += nodes.strong(text, text)
    para += nodes.Text(" ")
    start = reader_date(app, status.start)
    until = reader_date(app, status.until) if status.until else ""
    if status.kind == UPCOMING:
        statement = str(_("This version takes effect on {start}; until then, the "
                          "{link} shows the version in force.")).format(start=start, link="\0")
        link_text = str(_("current page"))
    elif status.kind == IN_FORCE and status.until is None:
        statement = str(_("This is the version in force now; the {link} is always up to "
                          "date.")).format(link="\0")
        link_text = str(_("current page"))
    elif status.kind == IN_FORCE:
        statement = str(_("This is the version in force now, until an updated version "
                          "takes effect on {until}; the {link} shows both.")
                        ).format(until=until, link="\0")
        link_text = str(_("current page"))
    elif status.kind == SUPERSEDED and status.until == status.start:
        # Published and replaced on the same day: "from May 1 until May 1" says nothing.
        statement = str(_("It was replaced on {start}, the day it was published; the "
                          "{link} is always up to date.")).format(start=start, link="\0")
        link_text = str(_("current version"))
    elif status.kind == SUPERSEDED:
        statement = str(_("It was in force from {start} until {until}; the {link} is always "
                          "up to date.")).format(start=start, until=until, link="\0")
        link_text = str(_("current version"))
    else:
        assert status.kind == NEVER_IN_FORCE
        statement = str(_("It was to take effect on {start}, but was replaced before then; "
                          "the {link} is always up to date.")).format(start=start, link="\0")
        link_text = str(_("current version"))
    before, found, after = statement.partition("\0")
    if not found:  # a translation without the {link} placeholder: the link comes last
        before, after = statement + " ", ""
    uri = app.builder.get_relative_uri(record.archive, record.docname)
    para += nodes.Text(before)
    para += nodes.reference(link_text, link_text, refuri=uri, internal=True)
    para += nodes.Text(after)
    banner += para
    return banner


def _banner_html(app: Sphinx, record: RevisionRecord, status: ArchiveStatus) -> str:
    """The banner alone, written as the start of the page's body."""
    builder: Any = app.builder
    document = new_document(record.archive, builder.docsettings)
    document += _banner(app, record, status)
    return render_body(app, record.archive, document)


def _title(app: Sphinx, record: RevisionRecord, doctree: nodes.document | None) -> str:
    section = next(iter(doctree.findall(nodes.title)), None) if doctree is not None else None
    if section is not None:
        return section.astext()
    title = app.env.titles.get(record.docname)
    return title.astext() if title else record.docname


class _Navigation:
    """The site's navigation (``toctree()`` in the templates), rendered once per folder.

    Archived versions and diffs are in no toctree, so the global toctree rendered for one
    of them is the same for every page of the same folder (``<page>/versions/``): the
    links in it depend only on that folder. Themes render it on every page (alabaster's
    sidebar, for one); for hundreds of revisions that alone would cost as much as the
    rest of their pages. Not cached when a document lives inside such a folder.
    """

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.rendered: dict[tuple[str, str], str] = {}
        self.safe: dict[str, bool] = {}
        self.asset_tags = _AssetTags()

    def toctree(self, pagename: str) -> Callable[..., str] | None:
        builder: Any = self.app.builder
        if not callable(getattr(builder, "render_partial", None)):
            return None  # let the builder provide its own
        folder = pagename.rpartition("/")[0]
        if folder not in self.safe:
            prefix = folder + "/"
            self.safe[folder] = not any(d.startswith(prefix) for d in self.app.env.found_docs)
        if not self.safe[folder]:
            return None

        def toctree(collapse: bool = True, **kwargs: Any) -> str:
            key = (folder, repr((collapse, sorted(kwargs.items()))))
            html = self.rendered.get(key)
            if html is None:
                # What the HTML builder's own toctree() does, with its defaults.
                kwargs.setdefault("includehidden", False)
                if kwargs.get("maxdepth") == "":
                    kwargs.pop("maxdepth")
                node = global_toctree(self.app.env, pagename, builder, collapse=collapse, **kwargs)
                html = self.rendered[key] = builder.render_partial(node)["fragment"]
            return html

        return toctree


class _AssetTags:
    """The ``css_tag`` and ``js_tag`` of archived versions and diffs, written once per
    folder.

    Sphinx's own tag functions resolve the asset's path on disk and look up its checksum
    for every page they are called for (seven tags a page with alabaster). A tag depends
    on the page only through the relative path from the page's folder to the asset (see
    ``_Uris`` in changelog.py), so for the hundreds of pages in a page's ``versions/``
    folder the tag is written once and reused. Only Sphinx's own functions are wrapped:
    a theme or extension that puts its own there is called for every page."""

    def __init__(self) -> None:
        self.written: dict[tuple[str, str, Any], str] = {}

    def share(self, app: Sphinx, pagename: str, context: dict[str, Any]) -> None:
        """html-page-context of an archived page: its tag functions replaced."""
        uri = app.builder.get_target_uri(pagename).partition("#")[0]
        folder = uri[: uri.rfind("/") + 1]
        for name in ("css_tag", "js_tag"):
            write = context.get(name)
            if callable(write) and getattr(write, "__module__", None) == "sphinx.builders.html":
                context[name] = partial(self._tag, write, name, folder)

    def _tag(self, write: Callable[[Any], str], name: str, folder: str, asset: Any) -> str:
        key = (name, folder, asset)
        tag = self.written.get(key)
        if tag is None:
            tag = self.written[key] = write(asset)
        return tag


def share_asset_tags(app: Sphinx, pagename: str, context: dict[str, Any]) -> None:
    tags = context.get("policy_asset_tags")
    if isinstance(tags, _AssetTags):
        tags.share(app, pagename, context)


def _context(
    app: Sphinx,
    title: str,
    body: str,
    record: RevisionRecord,
    pagename: str,
    navigation: _Navigation | None = None,
) -> dict[str, Any]:
    metatags = (
        '<meta name="robots" content="noindex" />\n' if settings(app.env).archive_noindex else ""
    )
    context: dict[str, Any] = {
        "title": escape(title),
        "body": body,
        "metatags": metatags,
        "toc": "",
        "display_toc": False,
        "parents": [],
        "prev": None,
        "next": None,
        "sourcename": "",
        "page_source_suffix": "",
        "meta": {},
        "policy_revision": record,
    }
    if navigation is not None:
        context["policy_asset_tags"] = navigation.asset_tags
    if not settings(app.env).archive_navigation:
        context["toctree"] = _way_back(app, pagename, record.docname)
        return context
    toctree = navigation.toctree(pagename) if navigation is not None else None
    if toctree is not None:
        context["toctree"] = toctree  # replaces the builder's per-page one
    return context


def _way_back(app: Sphinx, pagename: str, docname: str) -> Callable[..., str]:
    """``toctree()`` of an archived page with ``policy_archive_navigation = False``: the
    site's start page and the page as it is now, in place of the site's navigation."""
    items = []
    for target in dict.fromkeys((app.config.root_doc, docname)):
        title = app.env.titles.get(target)
        href = escape(app.builder.get_relative_uri(pagename, target), quote=True)
        text = escape(title.astext() if title is not None else target)
        items.append(f'<li class="toctree-l1"><a class="reference internal" href="{href}">'
                     f"{text}</a></li>")
    html = f'<ul>\n{"".join(items)}\n</ul>\n'
    return lambda *args, **kwargs: html


def archive_page(
    app: Sphinx,
    renderer: RevisionRenderer,
    record: RevisionRecord,
    status: ArchiveStatus,
    cache: ArchiveCache,
    navigation: _Navigation,
) -> tuple[str, dict[str, Any], str] | None:
    """The archived version of ``record`` parsed in its tree and made into a page (its
    cache entry written), or None when it cannot be read (a warning says why)."""
    doctree = renderer.doctree(record)
    if doctree is None:
        return None
    title = _title(app, record, doctree)
    page_blocks = blocks_from_doctree(doctree)
    body = renderer.body(record.archive, doctree)
    cache.pages[record.archive] = {
        "sha": record.sha,
        "title": title,
        "text_sha256": text_sha256(page_blocks),
        "blocks": [[b.kind, b.text] for b in page_blocks],
    }
    return _archive_page(app, cache, record, status, body, navigation)


def diff_pages(
    app: Sphinx,
    cache: ArchiveCache,
    revisions: tuple[RevisionRecord, ...],
    fresh: set[str],
    navigation: _Navigation,
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The diff pages of one page's revisions that are not rendered yet."""
    yield from _diff_pages(app, cache, revisions, _CachedBlocks(cache, revisions), fresh,
                           navigation)


class _CachedBlocks(Mapping[str, list[Block]]):
    """The text blocks of a page's archived revisions by commit, from the archive cache,
    made into blocks only when a diff needs them (a rebuild usually needs none)."""

    def __init__(self, cache: ArchiveCache, revisions: tuple[RevisionRecord, ...]) -> None:
        self.entries = {r.sha: cache.pages[r.archive] for r in revisions
                        if r.archive in cache.pages}
        self.made: dict[str, list[Block]] = {}

    def __getitem__(self, sha: str) -> list[Block]:
        if sha not in self.made:
            self.made[sha] = [Block(k, t) for k, t in self.entries[sha]["blocks"]]
        return self.made[sha]

    def __contains__(self, sha: object) -> bool:
        return sha in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """html-collect-pages: archived versions and diffs not rendered before."""
    if app.builder.name not in ARCHIVE_BUILDERS or not settings(app.env).archives:
        return
    records = all_revisions(app.env)
    if not records:
        return
    cache = ArchiveCache(app)
    navigation = _Navigation(app)
    timezone = settings(app.env).timezone
    today = build_date(timezone)
    status: dict[str, ArchiveStatus] = {
        r.archive: found for rs in records.values()
        for r, found in zip(rs, archive_statuses(app.env, rs, timezone, today), strict=True)
    }
    todo: list[RevisionRecord] = []
    redate: list[RevisionRecord] = []  # the statement of the banner changed, not the text
    for record in (r for rs in records.values() for r in rs):
        entry = cache.get(app, record.archive)
        if entry is None:
            todo.append(record)
        elif entry.get("banner") != status[record.archive].key():
            (redate if "body" in entry else todo).append(record)
    reused = sum(len(rs) for rs in records.values()) - len(todo) - len(redate)
    fresh: set[str] = set()  # archives rendered in this build: their diffs are made again
    # Commit by commit, oldest first: every page a commit changed is parsed in the same
    # checked-out tree, and the tree moves forward a few files at a time.
    todo.sort(key=lambda r: (r.repo_root, r.timestamp, r.sha, r.docname))
    nproc = parallel_processes(app, len(todo))
    try:
        if nproc > 1:
            # Both steps in processes of their own (sphinx-build -j N), each writing its
            # pages; the cache entries come back here. The output is the same.
            # Each process also writes the diffs of the revisions it rendered; the few
            # whose older revision another process rendered are written here.
            done = _archives_in_processes(app, records, todo, status, cache, fresh,
                                          navigation, nproc)
            yield from _redated(app, redate, status, cache, navigation)
            for _docname, revisions in sorted(records.items()):
                yield from _diff_pages(app, cache, revisions, _CachedBlocks(cache, revisions),
                                       fresh, navigation, skip=done)
        else:
            yield from _render_serially(app, todo, status, cache, fresh, navigation)
            yield from _redated(app, redate, status, cache, navigation)
            for _docname, revisions in sorted(records.items()):
                yield from diff_pages(app, cache, revisions, fresh, navigation)
    finally:
        cache.save()
    write_manifest(
        app,
        {
            page: entry["text_sha256"]
            for page, entry in cache.pages.items()
            if "text_sha256" in entry
        },
    )
    write_feed(app)
    logger.info("sphinx-policy: %d archived versions rendered, %d with a new banner, "
                "%d unchanged", len(fresh), len(redate), reused)


def _archive_page(app: Sphinx, cache: ArchiveCache, record: RevisionRecord,
                  status: ArchiveStatus, body: str, navigation: _Navigation
                  ) -> tuple[str, dict[str, Any], str]:
    """The archived page: the banner for ``status`` above ``body``. The cache keeps what
    the banner says and, while it can still change, the body without it."""
    entry = cache.pages[record.archive]
    entry["banner"] = status.key()
    if status.kind in (SUPERSEDED, NEVER_IN_FORCE):
        entry.pop("body", None)  # what a replaced revision was does not change again
    else:
        entry["body"] = body
    page = _banner_html(app, record, status) + body
    context = _context(app, entry["title"], page, record, record.archive, navigation)
    context["policy_archive_status"] = status.kind
    return record.archive, context, "page.html"


def _redated(
    app: Sphinx,
    redate: list[RevisionRecord],
    status: dict[str, ArchiveStatus],
    cache: ArchiveCache,
    navigation: _Navigation,
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Archived versions whose banner says something new, from their kept body."""
    for record in redate:
        entry = cache.pages[record.archive]
        page = _archive_page(app, cache, record, status[record.archive], entry["body"],
                             navigation)
        page[1]["policy_archive_banner_only"] = True  # not parsed again
        yield page


def _archives_in_processes(
    app: Sphinx,
    records: dict[str, tuple[RevisionRecord, ...]],
    todo: list[RevisionRecord],
    status: dict[str, ArchiveStatus],
    cache: ArchiveCache,
    fresh: set[str],
    navigation: _Navigation,
    nproc: int,
) -> set[str]:
    """The archived versions of ``todo`` rendered and written by ``nproc`` processes,
    each a run of consecutive commits in a tree of its own (``versions/parallel.py``),
    with the diff of each revision it rendered whose older revision it rendered too (or
    no process renders). Each page is rendered as in the serial build and written by
    the builder's ``handle_page``, as Sphinx's own parallel write does; the cache
    entries and the pages' front matter come back here. Returns the diff pages
    written."""
    builder: Any = app.builder
    snapshot = environment_snapshot(app)  # once, shared by the forked processes
    rendered_elsewhere = {record.archive for record in todo}

    def render(task: tuple[int, list[RevisionRecord]]) -> dict[str, Any]:
        slot, run = task
        renderer = RevisionRenderer(app, slot=slot, snapshot=snapshot)
        entries: dict[str, dict[str, Any]] = {}
        metadata: dict[str, Any] = {}
        try:
            for record in run:
                page = archive_page(app, renderer, record, status[record.archive], cache,
                                    navigation)
                if page is None:
                    continue
                entries[record.archive] = cache.pages[record.archive]
                metadata[record.archive] = app.env.metadata.get(record.archive, {})
                builder.handle_page(*page)
        finally:
            renderer.close(prune=False)  # the other processes' trees are in use
        mine = set(entries)
        here = mine.union(cache.pages.keys() - rendered_elsewhere)

        def wanted(newer: RevisionRecord, older: RevisionRecord | None) -> bool:
            return newer.archive in mine and (older is None or older.archive in here)

        diffs: list[str] = []
        for docname in sorted({record.docname for record in run}):
            revisions = records[docname]
            for page in _diff_pages(app, cache, revisions, _CachedBlocks(cache, revisions),
                                    mine, navigation, wanted=wanted):
                builder.handle_page(*page)
                entries[page[0]] = cache.pages[page[0]]
                diffs.append(page[0])
        return {"entries": entries, "metadata": metadata, "archives": mine, "diffs": diffs}

    done: set[str] = set()

    def received(result: dict[str, Any]) -> None:
        cache.pages.update(result["entries"])
        app.env.metadata.update(result["metadata"])
        fresh.update(result["archives"])
        done.update(result["diffs"])

    run_in_processes(nproc, list(enumerate(commit_runs(todo, nproc))), render, received)
    # Folders of repositories no longer used go, as after a serial build.
    trees = Trees(app)
    trees.used.update(trees.folder(record.repo_root).name for record in todo)
    trees.prune()
    return done


def _render_serially(
    app: Sphinx,
    todo: list[RevisionRecord],
    status: dict[str, ArchiveStatus],
    cache: ArchiveCache,
    fresh: set[str],
    navigation: _Navigation,
) -> Iterator[tuple[str, dict[str, Any], str]]:
    renderer = RevisionRenderer(app) if todo else None
    try:
        for record in todo:
            assert renderer is not None
            page = archive_page(app, renderer, record, status[record.archive], cache,
                                navigation)
            if page is None:
                continue
            fresh.add(record.archive)
            yield page
    finally:
        if renderer is not None:
            renderer.close()


def diff_labels() -> DiffLabels:
    return DiffLabels(
        added=str(_("Added:")),
        removed=str(_("Removed:")),
        changed=str(_("Changed:")),
        unchanged_one=str(_("… 1 unchanged paragraph …")),
        unchanged_many=str(_("… {count} unchanged paragraphs …")),
        no_changes=str(_("No changes in the text.")),
    )


def _diff_pages(
    app: Sphinx,
    cache: ArchiveCache,
    revisions: tuple[RevisionRecord, ...],
    blocks: Mapping[str, list[Block]],
    fresh: set[str],
    navigation: _Navigation | None = None,
    wanted: Callable[[RevisionRecord, RevisionRecord | None], bool] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The diff pages of one page's revisions not written yet (only the ``wanted`` pairs,
    none of those in ``skip``: written by another process)."""
    pairs: list[tuple[RevisionRecord, RevisionRecord | None]] = list(pairwise(revisions))
    if revisions and revisions[-1].first:
        pairs.append((revisions[-1], None))  # the first publication: all of its text is new
    for newer, older in pairs:
        if newer.diff in skip or (wanted is not None and not wanted(newer, older)):
            continue
        unchanged = newer.archive not in fresh and (older is None or older.archive not in fresh)
        if unchanged and cache.get(app, newer.diff) is not None:
            continue
        if newer.sha not in blocks or (older is not None and older.sha not in blocks):
            continue
        title = str(_("Changes to %(title)s on %(date)s")) % {
            "title": cache.pages[newer.archive]["title"],
            "date": _date_text(app, newer),
        }
        builder = app.builder
        new_uri = builder.get_relative_uri(newer.diff, newer.archive)
        summary = newer.reader_summary("all") or ""
        if older is None:
            compared = escape(str(_("The first published version: all of its text is new.")))
            previous = ""
        else:
            old_uri = builder.get_relative_uri(newer.diff, older.archive)
            compared = escape(str(_("Compared with the version of %s.")) % _date_text(app, older))
            # Outside the f-strings: babel's extractor does not look inside them.
            previous_label = escape(str(_("Previous version")))
            previous = f'<a href="{escape(old_uri)}">{previous_label}</a> · '
        this_label = escape(str(_("This version")))
        intro = (
            f'<h1>{escape(title)}</h1>\n<p class="policy-diff-intro">{escape(summary)}</p>\n'
            f"<p>{compared} {previous}"
            f'<a href="{escape(new_uri)}">{this_label}</a></p>\n'
        )
        old_blocks = blocks[older.sha] if older is not None else []
        diff = render_diff_html(old_blocks, blocks[newer.sha], labels=diff_labels())
        body = f'<div class="policy">{intro}{diff}</div>'
        cache.pages[newer.diff] = {"sha": newer.sha}
        yield newer.diff, _context(app, title, body, newer, newer.diff, navigation), "page.html"


"""Archived versions and diff pages: every revision of every policy page, as it was.

At ``html-collect-pages`` each revision's source is read from git (one persistent
``git cat-file --batch``), parsed with the project's own parsers while directives read
their data files *at that commit* (a :class:`GitRevisionSource`), resolved, written with
the builder's own HTML writer and handed to the theme's page template under a banner.
A revision never changes, so what was rendered is remembered in a cache beside the
doctrees: the next build renders only new revisions (and everything again when the
configuration changes, since Sphinx then starts a fresh environment).
"""

from __future__ import annotations

import base64
import copy
import io
import json
import mimetypes
import posixpath
from collections.abc import Callable, Iterable, Iterator
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.io import StringOutput
from sphinx import addnodes
from sphinx.environment import CONFIG_OK
from sphinx.util import get_filetype
from sphinx.util.osutil import relative_uri

from .. import __version__
from ..data.collector import ENV_ATTR as ENV_DATA_FILES
from ..data.source import GitRevisionSource
from ..data.store import SOURCE_KEY
from ..diagnostics import Subtype, logger, warn
from ..directives.in_force import REVISION_DAY_KEY
from ..history.dates import format_for_readers, to_datetime
from ..history.index import BlobReader
from ..history.store import ENV_INCLUDES
from ..locale import _
from .changelog import ENV_CHANGELOG_PAGES
from .publish import feed_link, write_feed, write_manifest
from .records import RevisionRecord, all_revisions
from .textdiff import Block, DiffLabels, blocks_from_doctree, render_diff_html, text_sha256

if TYPE_CHECKING:
    from sphinx.application import Sphinx

ARCHIVE_BUILDERS = ("html", "dirhtml")
CACHE_VERSION = 3  # 2: images embedded from git; 3: links rebased
_RENDERING = "_policy_rendering_revision"


def rendering_revision(app: Sphinx) -> RevisionRecord | None:
    """The revision being rendered right now (doctree-resolved handlers date by it)."""
    return getattr(app.env, _RENDERING, None)


# --------------------------------------------------------------------------- cache


def _config_hash(app: Sphinx) -> str:
    """A hash of the settings that change an HTML page (Sphinx's "env" and "html" ones)."""
    from sphinx.builders.html._build_info import BuildInfo

    return BuildInfo(app.config, app.tags, frozenset({"env", "html"})).config_hash


class ArchiveCache:
    """What was rendered into this output folder: archive page -> its text blocks/hash."""

    def __init__(self, app: Sphinx) -> None:
        self.path = Path(app.doctreedir) / f"policy-archives-{app.builder.name}.json"
        self.outdir = Path(app.outdir)
        self.pages: dict[str, dict[str, Any]] = {}
        # Sphinx's own config_status is reset once reading is over, so the cache keeps a
        # hash of the settings that shape a page (language, date format, theme, policy_*).
        self.config_hash = _config_hash(app)
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

    def get(self, app: Sphinx, pagename: str) -> dict[str, Any] | None:
        entry = self.pages.get(pagename)
        if entry is None:
            return None
        uri = app.builder.get_target_uri(pagename).split("#")[0]
        output = self.outdir / (uri + "index.html" if uri.endswith("/") or not uri else uri)
        return entry if output.is_file() else None

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": CACHE_VERSION, "sphinx_policy": __version__,
                   "config": self.config_hash, "pages": self.pages}
        self.path.write_text(json.dumps(payload, ensure_ascii=False), "utf-8")


# --------------------------------------------------------------------------- parsing


def _parse(app: Sphinx, docname: str, content: str, filename: Path) -> nodes.document:
    """Parse ``content`` as the source of ``docname`` with the project's parser."""
    env = app.env
    filetype = get_filetype(app.config.source_suffix, filename)
    try:  # Sphinx 9
        from sphinx.util.docutils import _parse_str_to_doctree  # type: ignore[attr-defined]
    except ImportError:  # Sphinx 8.2: the cached publisher, fed from a string
        from docutils.utils import DependencyList
        from sphinx.util.docutils import sphinx_domains

        publisher = app.registry.get_publisher(app, filetype)  # type: ignore[attr-defined]
        env.current_document._parser = publisher.parser
        publisher.settings.record_dependencies = DependencyList()
        with sphinx_domains(env):
            publisher.set_source(source=io.StringIO(content), source_path=str(filename))
            publisher.publish()
        return publisher.document
    parser = app.registry.create_source_parser(filetype, config=app.config, env=env)
    return _parse_str_to_doctree(
        content,
        filename=filename,
        default_role=app.config.default_role,
        default_settings=env.settings,
        env=env,
        events=app.events,
        parser=parser,
        transforms=app.registry.get_transforms(),
    )


def _front_matter(doctree: nodes.document) -> dict[str, str]:
    """docinfo fields (MyST front matter), as Sphinx's metadata collector would store them."""
    metadata: dict[str, str] = {}
    for docinfo in list(doctree.findall(nodes.docinfo)):
        for field in docinfo.findall(nodes.field):
            name, body = field[0].astext(), field[1].astext()
            metadata[name] = body
        docinfo.parent.remove(docinfo)
    return metadata


class RevisionRenderer:
    """Renders archived pages of one repository's revisions."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.readers: dict[str, BlobReader] = {}

    def reader(self, record: RevisionRecord) -> BlobReader:
        if record.repo_root not in self.readers:
            self.readers[record.repo_root] = BlobReader(Path(record.repo_root))
        return self.readers[record.repo_root]

    def close(self) -> None:
        for reader in self.readers.values():
            reader.close()

    def source_text(self, record: RevisionRecord) -> str | None:
        reader = self.reader(record)
        content = reader.read_blob(record.sha, record.source_path)
        if content is None:
            return None
        return content.decode("utf-8", "replace")

    def doctree(self, record: RevisionRecord) -> nodes.document | None:
        app, env = self.app, self.app.env
        text = self.source_text(record)
        if text is None:
            warn(
                Subtype.GIT,
                f"cannot read {record.source_path} at {record.sha[:12]}; its "
                "archived version is not rendered",
                location=record.docname,
            )
            return None
        root = Path(record.repo_root)
        srcdir = Path(app.srcdir).resolve()
        # A page in a submodule (or nested repository): its repository does not hold the
        # documentation folder, so its data files and includes are read as they are now.
        inside = srcdir.is_relative_to(root.resolve())
        prefix = srcdir.relative_to(root.resolve()).as_posix() if inside else ""
        reader = self.reader(record)
        source = GitRevisionSource(
            record.sha,
            "" if prefix == "." else prefix,
            read_blob=lambda path: reader.read_blob(record.sha, path),
            list_files=lambda: reader.ls_tree(record.sha),
            max_bytes=app.config.policy_data_max_bytes,
        )
        saved_document, saved_refs = env.current_document, dict(env.ref_context)
        # Parsed under the page's own docname, so that relative paths (data files,
        # includes, literalinclude) resolve as they did, and its labels are not taken for
        # duplicates. The environment was pickled before writing began: what the parse
        # records here (labels, dependencies) is never saved.
        for domain in _domains(env):
            domain.clear_doc(record.docname)  # the old revision registers its own labels
        env.prepare_settings(record.docname)
        # Without an effective date, the revision shows the catalogs of the day of its commit.
        env.temp_data[REVISION_DAY_KEY] = to_datetime(
            record.timestamp, app.config.policy_timezone).date()
        if inside:
            env.temp_data[SOURCE_KEY] = source
            env.temp_data[_INCLUDE_KEY] = (reader, record.sha, prefix)
        try:
            doctree = _parse(app, record.docname, text, root / record.source_path)
        finally:
            env.current_document = saved_document
            env.ref_context.clear()
            env.ref_context.update(saved_refs)
        env.metadata[record.archive] = _front_matter(doctree)
        # Toctrees point into the current site, not the archived one.
        for toctree in list(doctree.findall(addnodes.toctree)):
            toctree.parent.remove(toctree)
        setattr(env, _RENDERING, record)
        try:
            env.resolve_references(doctree, record.archive, app.builder)
        finally:
            delattr(env, _RENDERING)
        _rebase_links(doctree, app.builder, record.docname, record.archive)
        return doctree

    def body(self, pagename: str, doctree: nodes.document) -> str:
        builder: Any = self.app.builder
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
            return builder.docwriter.parts["fragment"]
        visitor = builder.create_translator(doctree, builder)  # Sphinx 9
        doctree.walkabout(visitor)
        return "".join(visitor.fragment)


def _rebase_links(doctree: nodes.document, builder: Any, docname: str, pagename: str) -> None:
    """Links were resolved as from the page itself (``refdoc``); the archived copy lives
    elsewhere (``<page>/versions/...``), so relative links to other pages are rebased."""
    page_uri = builder.get_target_uri(docname)
    archive_uri = builder.get_target_uri(pagename)
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if not uri or uri.startswith(("#", "/")) or ":" in uri.split("/", 1)[0]:
            continue  # same page, absolute, or with a scheme (mailto:, https:)
        path, hash_mark, fragment = uri.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), path))
        target = "" if target == "." else target + ("/" if path.endswith("/") else "")
        reference["refuri"] = relative_uri(archive_uri, target) + hash_mark + fragment


_INCLUDE_KEY = "policy_include_revision"


def _domains(env: Any) -> list[Any]:
    domains = env.domains
    return list(domains.sorted() if hasattr(domains, "sorted") else domains.values())


#: Per-document state that Sphinx's collectors (and ours) overwrite when an old revision
#: is parsed under its page's docname: the title, the front matter (effective date), the
#: table of contents, dependencies and data files.
_DOCUMENT_STATE = (
    "titles", "longtitles", "metadata", "tocs", "toc_num_entries", "dependencies",
    ENV_DATA_FILES, ENV_INCLUDES, ENV_CHANGELOG_PAGES,
)  # fmt: skip
_ABSENT = object()


def keep_environment_state(app: Sphinx, docnames: Iterable[str]) -> Callable[[], None]:
    """Parsing old revisions re-registers their labels, titles and front matter: returns
    what puts the current state of ``docnames`` back once the archives are rendered (the
    manifest and the feed read the current title and effective date)."""
    env = app.env
    domains = {domain.name: copy.deepcopy(domain.data) for domain in _domains(env)}
    state: dict[str, dict[str, Any]] = {}
    for name in _DOCUMENT_STATE:
        table = getattr(env, name, None)
        if isinstance(table, dict):
            state[name] = {d: copy.deepcopy(table.get(d, _ABSENT)) for d in docnames}

    def restore() -> None:
        for domain in _domains(env):
            domain.data.clear()
            domain.data.update(domains[domain.name])
        for name, saved in state.items():
            table = getattr(env, name)
            for docname, value in saved.items():
                if value is _ABSENT:
                    table.pop(docname, None)
                else:
                    table[docname] = value

    return restore


def include_at_revision(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    """include-read: while rendering a revision, included files are read at that commit."""
    state = app.env.temp_data.get(_INCLUDE_KEY) if app.env.current_document else None
    if not state:
        return
    reader, sha, prefix = state
    path = _repository_path(prefix, Path(relative_path).as_posix())
    blob = reader.read_blob(sha, path) if path is not None else None
    if blob is not None:
        content[0] = blob.decode("utf-8", "replace")
        return
    where = "lies outside the repository" if path is None else f"did not exist at {sha[:12]}"
    warn(
        Subtype.GIT,
        f"the included file {Path(relative_path).as_posix()} {where}: the archived version "
        "of this revision shows its current content",
        location=parent_docname,
    )


def _repository_path(prefix: str, relpath: str) -> str | None:
    """The repository path of ``relpath`` (relative to the documentation folder, which is
    ``prefix`` in the repository), or None when it lies outside the repository."""
    joined = posixpath.normpath(posixpath.join(prefix, relpath) if prefix else relpath)
    return None if joined == ".." or joined.startswith("../") or joined == "." else joined


def images_at_revision(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read, while a revision is parsed: its images as they were at that commit.

    The files may since have changed or gone, so each image is read from git and
    embedded in the archived page as a ``data:`` URI (before Sphinx's image collector
    looks for the file in the working tree). An image the revision did not hold either is
    left to Sphinx, which warns about it as it did then.
    """
    state = app.env.temp_data.get(_INCLUDE_KEY) if app.env.current_document else None
    if not state:
        return
    reader, sha, prefix = state
    for image in doctree.findall(nodes.image):
        uri = image["uri"]
        if "://" in uri or uri.startswith("data:") or uri.endswith(".*"):
            continue
        relpath, _ = app.env.relfn2path(uri, app.env.current_document.docname)
        mimetype = mimetypes.guess_type(relpath)[0]
        if mimetype is None or not mimetype.startswith("image/"):
            continue
        path = _repository_path(prefix, Path(relpath).as_posix())
        blob = reader.read_blob(sha, path) if path is not None else None
        if blob is not None:
            image["uri"] = f"data:{mimetype};base64,{base64.b64encode(blob).decode('ascii')}"


# --------------------------------------------------------------------------- pages


def _date_text(app: Sphinx, record: RevisionRecord) -> str:
    return format_for_readers(
        record.timestamp,
        app.config.policy_timezone,
        app.config.html_last_updated_fmt or None,
        app.config.language,
    )


def _banner(app: Sphinx, record: RevisionRecord, newest: RevisionRecord) -> nodes.container:
    banner = nodes.container(classes=["policy-archive-banner", "admonition", "warning"])
    para = nodes.paragraph()
    text = str(_("Archived version of %s.")) % _date_text(app, record)
    para += nodes.strong(text, text)
    para += nodes.Text(" ")
    if record.sha == newest.sha:
        para += nodes.Text(str(_("This is the version in force now; the ")))
        link_text = str(_("current page"))
    else:
        para += nodes.Text(str(_("It has been replaced; the ")))
        link_text = str(_("current version"))
    uri = app.builder.get_relative_uri(record.archive, record.docname)
    para += nodes.reference(link_text, link_text, refuri=uri, internal=True)
    para += nodes.Text(str(_(" is always up to date.")))
    banner += para
    return banner


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

    def toctree(self, pagename: str) -> Callable[..., str] | None:
        builder: Any = self.app.builder
        if not callable(getattr(builder, "_get_local_toctree", None)):
            return None  # let the builder provide its own
        folder = pagename.rpartition("/")[0]
        if folder not in self.safe:
            prefix = folder + "/"
            self.safe[folder] = not any(d.startswith(prefix) for d in self.app.env.found_docs)
        if not self.safe[folder]:
            return None

        def toctree(**kwargs: Any) -> str:
            key = (folder, repr(sorted(kwargs.items())))
            html = self.rendered.get(key)
            if html is None:
                html = self.rendered[key] = builder._get_local_toctree(pagename, **kwargs)
            return html

        return toctree


def _context(
    app: Sphinx,
    title: str,
    body: str,
    record: RevisionRecord,
    pagename: str,
    navigation: _Navigation | None = None,
) -> dict[str, Any]:
    metatags = (
        '<meta name="robots" content="noindex">\n' if app.config.policy_archive_noindex else ""
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
    toctree = navigation.toctree(pagename) if navigation is not None else None
    if toctree is not None:
        context["toctree"] = toctree  # replaces the builder's per-page one
    return context


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """html-collect-pages: archived versions and diffs not rendered before."""
    if app.builder.name not in ARCHIVE_BUILDERS or not app.config.policy_archives:
        return
    records = all_revisions(app.env)
    if not records:
        return
    cache = ArchiveCache(app)
    renderer = RevisionRenderer(app)
    navigation = _Navigation(app)
    rendered = reused = 0
    fresh: set[str] = set()  # revisions rendered in this build: their diffs are made again
    restore_state = keep_environment_state(app, records)
    try:
        for _docname, revisions in sorted(records.items()):
            blocks: dict[str, list[Block]] = {}
            for record in revisions:
                entry = cache.get(app, record.archive)
                if entry is not None:
                    blocks[record.sha] = [Block(k, t) for k, t in entry["blocks"]]
                    reused += 1
                    continue
                doctree = renderer.doctree(record)
                if doctree is None:
                    continue
                title = _title(app, record, doctree)
                page_blocks = blocks_from_doctree(doctree)
                blocks[record.sha] = page_blocks
                doctree.insert(0, _banner(app, record, revisions[0]))
                body = renderer.body(record.archive, doctree)
                cache.pages[record.archive] = {
                    "sha": record.sha,
                    "title": title,
                    "text_sha256": text_sha256(page_blocks),
                    "blocks": [[b.kind, b.text] for b in page_blocks],
                }
                fresh.add(record.sha)
                rendered += 1
                context = _context(app, title, body, record, record.archive, navigation)
                yield record.archive, context, "page.html"
            yield from _diff_pages(app, cache, revisions, blocks, fresh, navigation)
    finally:
        renderer.close()
        restore_state()
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
    logger.info("sphinx-policy: %d archived versions rendered, %d unchanged", rendered, reused)


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
    blocks: dict[str, list[Block]],
    fresh: set[str],
    navigation: _Navigation | None = None,
) -> Iterator[tuple[str, dict[str, Any], str]]:
    pairs: list[tuple[RevisionRecord, RevisionRecord | None]] = list(pairwise(revisions))
    if revisions and revisions[-1].first:
        pairs.append((revisions[-1], None))  # the first publication: all of its text is new
    for newer, older in pairs:
        unchanged = newer.sha not in fresh and (older is None or older.sha not in fresh)
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


def setup_archive(app: Sphinx) -> None:
    app.connect("html-collect-pages", collect_pages)
    app.connect("include-read", include_at_revision)
    app.connect("doctree-read", images_at_revision, priority=400)  # before the collector
    app.connect("html-page-context", feed_link)
